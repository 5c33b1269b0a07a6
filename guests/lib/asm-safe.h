/* SPDX-License-Identifier: MIT */
/*
 * KVM_ASM_SAFE and forced emulation (KVM_FEP), as in KVM selftests'
 * include/x86_64/processor.h; included by processor.h.
 */
#ifndef RINGZERO_ASM_SAFE_H
#define RINGZERO_ASM_SAFE_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Fault-tolerant execution of one instruction, KVM_ASM_SAFE from KVM
 * selftests' processor.h: r9 = KVM_EXCEPTION_MAGIC marks "a fault here is
 * expected", r10 = RIP of the instruction that may fault, r11 = where to go
 * if it does.  route_exception() (processor.c) first runs a handler
 * installed for the vector, if any (as upstream); otherwise, when r9 == magic
 * and rip == r10, it resumes at r11 with r9 = vector and r10 = error code;
 * without a fault r9 is zeroed.  Vector 0 means "no fault", so a #DE is
 * reported as KVM_MAGIC_DE_VECTOR (as upstream).
 *
 * KVM_ASM_SAFE_FEP puts the forced emulation prefix (ABI section 7) before
 * the instruction; with forced emulation on, a fault reports the RIP after
 * the prefix, i.e. label 1 as here.
 */
#define KVM_EXCEPTION_MAGIC 0xabacadabaULL
/* What a #DE in a safe block reports (0 would read as "no fault"). */
#define KVM_MAGIC_DE_VECTOR 0xff
#define KVM_FEP "ud2; .byte 'k', 'v', 'm';"

#define __stringify_1(x...) #x
#define __stringify(x...) __stringify_1(x)

#define __KVM_ASM_SAFE(prefix, insn)					\
	"mov $" __stringify(KVM_EXCEPTION_MAGIC) ", %%r9\n\t"		\
	"lea 1f(%%rip), %%r10\n\t"					\
	"lea 2f(%%rip), %%r11\n\t"					\
	prefix "\n\t"							\
	"1: " insn "\n\t"						\
	"xor %%r9, %%r9\n\t"						\
	"2:\n\t"							\
	"mov %%r9b, %[vector]\n\t"					\
	"mov %%r10, %[error_code]\n\t"

#define KVM_ASM_SAFE(insn) __KVM_ASM_SAFE("", insn)
/*
 * The prefix plus a local symbol where the instruction starts (unique per
 * asm statement: %=), so objdump restarts decoding after the 'kvm' bytes.
 */
#define __KVM_FEP_MARKED KVM_FEP "\n__kvm_fep_insn_%=:"
#define KVM_ASM_SAFE_FEP(insn) __KVM_ASM_SAFE(__KVM_FEP_MARKED, insn)
#define KVM_ASM_SAFE_OUTPUTS(v, ec) [vector] "=qm"(v), [error_code] "=rm"(ec)
#define KVM_ASM_SAFE_CLOBBERS "r9", "r10", "r11"

/* As upstream: the vector (0 = no fault), optionally the error code. */
#define __kvm_asm_safe(prefix, insn, ec, inputs...)			\
({									\
	uint64_t __ec;							\
	uint8_t __vector;						\
									\
	asm volatile(__KVM_ASM_SAFE(prefix, insn)			\
		     : KVM_ASM_SAFE_OUTPUTS(__vector, __ec)		\
		     : inputs						\
		     : KVM_ASM_SAFE_CLOBBERS, "memory");		\
	ec = __ec;							\
	__vector;							\
})
#define kvm_asm_safe(insn, inputs...)					\
({ uint64_t __ign_ec __attribute__((unused));				\
   __kvm_asm_safe("", insn, __ign_ec, inputs); })
#define kvm_asm_safe_ec(insn, error_code, inputs...)			\
	__kvm_asm_safe("", insn, error_code, inputs)
#define kvm_asm_safe_fep(insn, inputs...)				\
({ uint64_t __ign_ec __attribute__((unused));				\
   __kvm_asm_safe(__KVM_FEP_MARKED, insn, __ign_ec, inputs); })
#define kvm_asm_safe_ec_fep(insn, error_code, inputs...)		\
	__kvm_asm_safe(__KVM_FEP_MARKED, insn, error_code, inputs)

/*
 * Whether the host honours KVM_FEP (Guest ABI section 7).  As in KVM
 * selftests, the host sets it: ringzero's loader writes 1 into this
 * variable when the image has it and forced emulation is on.  CPL 3 code
 * cannot read supervisor data: it reads the user-half copy
 * user_is_forced_emulation_enabled, which exception_init() fills in.
 */
extern bool is_forced_emulation_enabled;
extern bool user_is_forced_emulation_enabled;

/*
 * The vector name for messages, as upstream: "#GP", "#DE" for
 * KVM_MAGIC_DE_VECTOR, "no exception" for 0, "#??" otherwise.  processor.c
 */
const char *ex_str(int vector);

/*
 * <insn>_safe(idx, &val) and <insn>_safe_fep(idx, &val) for the
 * instructions that take an index in ECX and return EDX:EAX (upstream's
 * helpers, same names and argument order): the vector of the fault, 0 if
 * none; *val is written either way.
 */
#define __KVM_READ_U64_SAFE(insn, suffix, safe_asm)			\
static inline uint8_t insn##_safe##suffix(uint32_t idx, uint64_t *val)	\
{									\
	uint64_t error_code;						\
	uint8_t vector;							\
	uint32_t a, d;							\
									\
	asm volatile(safe_asm(#insn)					\
		     : "=a"(a), "=d"(d),				\
		       KVM_ASM_SAFE_OUTPUTS(vector, error_code)		\
		     : "c"(idx)						\
		     : KVM_ASM_SAFE_CLOBBERS, "memory");		\
	(void)error_code;						\
	*val = (uint64_t)a | ((uint64_t)d << 32);			\
	return vector;							\
}
#define __KVM_READ_U64_SAFE_PAIR(insn)					\
	__KVM_READ_U64_SAFE(insn, , KVM_ASM_SAFE)			\
	__KVM_READ_U64_SAFE(insn, _fep, KVM_ASM_SAFE_FEP)

__KVM_READ_U64_SAFE_PAIR(rdmsr)
__KVM_READ_U64_SAFE_PAIR(rdpmc)
__KVM_READ_U64_SAFE_PAIR(xgetbv)

/* The vector of the fault wrmsr raised, 0 if none. */
static inline uint8_t wrmsr_safe(uint32_t msr, uint64_t val)
{
	return kvm_asm_safe("wrmsr", "a"((uint32_t)val),
			    "d"((uint32_t)(val >> 32)), "c"(msr));
}

/* Not in upstream (it has only rdmsr_safe_fep): the FEP form of the above. */
static inline uint8_t wrmsr_safe_fep(uint32_t msr, uint64_t val)
{
	return kvm_asm_safe_fep("wrmsr", "a"((uint32_t)val),
				"d"((uint32_t)(val >> 32)), "c"(msr));
}

/* XSETBV: XCR[index] = value; the vector of the fault, 0 if none. */
static inline uint8_t xsetbv_safe(uint32_t index, uint64_t value)
{
	return kvm_asm_safe("xsetbv", "a"((uint32_t)value),
			    "d"((uint32_t)(value >> 32)), "c"(index));
}

#endif
