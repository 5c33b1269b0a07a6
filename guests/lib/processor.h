/* SPDX-License-Identifier: MIT */
/*
 * x86-64 helpers for ringzero guests under the names of the guest-side part
 * of KVM selftests' include/x86/processor.h, so that selftest guest code
 * compiles unchanged.  Split by concern: x86-regs.h (vectors, CR/RFLAGS/#PF
 * bits, XSAVE masks, page sizes), x86-cpuid.h (CPUID and the X86_FEATURE_*
 * machinery), <asm/msr-index.h> (MSRs), asm-safe.h (KVM_ASM_SAFE).
 *
 * NOTE the port I/O argument order is the KVM selftests one, (port, value),
 * not the Linux kernel / kvm-unit-tests one (value, port).
 */
#ifndef RINGZERO_PROCESSOR_H
#define RINGZERO_PROCESSOR_H

#include <stdbool.h>
#include <stdint.h>

#include <asm/msr-index.h>
#include <linux/kvm_para.h>
#include <linux/stringify.h>

#include "kvm_util.h"
#include "ucall_common.h"
#include "x86-regs.h"
#include "x86-cpuid.h"
#include "desc.h"
#include "mm.h"

/*
 * Set by the host before the first instruction (KVM selftests' names; here
 * the loader, src/vm.ts, from the VM's vendor model): exactly one of intel /
 * amd is true; hygon is never true; amd_compatible = amd || hygon.
 * guest_tsc_khz is the TSC rate udelay() assumes (see udelay()).
 */
extern bool host_cpu_is_intel;
extern bool host_cpu_is_amd;
extern bool host_cpu_is_hygon;
extern bool host_cpu_is_amd_compatible;
extern uint64_t guest_tsc_khz;

#ifndef MAX_NR_CPUID_ENTRIES
#define MAX_NR_CPUID_ENTRIES 100
#endif

/* ---- fixed layout from the Guest ABI (shared/guest-abi.md, sections 3-4) */
#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define USER_CS32 0x1b
#define USER_DS 0x23
#define USER_CS 0x2b
#define TSS_SEL 0x30
#define DIRECT_MAP_BASE 0xffff888000000000ul	/* + guest-physical address */
#define KERNEL_STACK_TOP 0xfffffe0000020000ul
#define IST1_STACK_TOP 0xfffffe0000034000ul

/* ---- ports the runner knows about */
#define UCALL_PIO_PORT 0x1000
#define COM1_PORT 0x3f8			/* THR on write */
#define COM1_LSR (COM1_PORT + 5)	/* line status, reads 0x60 */
#define UART_LSR_THRE 0x20		/* transmit holding register empty */
#define DEBUG_EXIT_PORT 0xf4		/* exit code = (value << 1) | 1 */

/* General-purpose registers in 64-bit mode, in encoding order. */
struct gpr64_regs {
	u64 rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi;
	u64 r8, r9, r10, r11, r12, r13, r14, r15;
};

/* A 16-byte system-segment descriptor (SDM Vol. 3 Figure 8-4). */
struct desc64 {
	uint16_t limit0;
	uint16_t base0;
	unsigned base1:8, type:4, s:1, dpl:2, p:1;
	unsigned limit1:4, avl:1, l:1, db:1, g:1, base2:8;
	uint32_t base3;
	uint32_t zero1;
} __attribute__((packed));

static inline uint64_t get_desc64_base(const struct desc64 *desc)
{
	return (uint64_t)desc->base3 << 32 | (uint64_t)desc->base2 << 24 |
	       (uint64_t)desc->base1 << 16 | (uint64_t)desc->base0;
}

struct desc_ptr {
	uint16_t size;		/* limit */
	uint64_t address;
} __attribute__((packed));

/*
 * What the common exception stub (entry.S) saves, in this order; KVM
 * selftests' layout.  The hardware frame continues after rflags with rsp, ss.
 */
struct ex_regs {
	uint64_t rax, rcx, rdx, rbx;
	uint64_t rbp, rsi, rdi;
	uint64_t r8, r9, r10, r11;
	uint64_t r12, r13, r14, r15;
	uint64_t vector;
	uint64_t error_code;
	uint64_t rip;
	uint64_t cs;
	uint64_t rflags;
};

/* 64-bit IDT gate descriptor (SDM Vol. 3 6.14.1). */
struct idt_entry {
	uint16_t offset0;
	uint16_t selector;
	uint16_t ist : 3;
	uint16_t : 5;
	uint16_t type : 4;
	uint16_t : 1;
	uint16_t dpl : 2;
	uint16_t p : 1;
	uint16_t offset1;
	uint32_t offset2;
	uint32_t reserved;
};

/* Set by _start from RDI / RSI (ABI section 5): vCPU index, RAM size. */
extern uint64_t guest_vcpu_id;
extern uint64_t guest_ram_size;

/* "#UD", "#GP"... for a vector KVM_ASM_SAFE returned (upstream's; processor.c). */
const char *ex_str(int vector);

/* Set the handler for one vector (NULL = unhandled again).  processor.c */
void install_exception_handler(int vector, void (*handler)(struct ex_regs *));
/* Called by the stubs in entry.S with the saved registers. */
void route_exception(struct ex_regs *regs);
/* Builds the IDT and loads it; _start calls it before main(). */
void exception_init(void);

static inline void *phys_to_virt(uint64_t gpa)
{
	return (void *)(DIRECT_MAP_BASE + gpa);
}

#include "x86-insns.h"

#include "x86-hypercall.h"

static inline uint64_t __kvm_hypercall_map_gpa_range(uint64_t gpa,
						     uint64_t size,
						     uint64_t flags)
{
	return kvm_hypercall(KVM_HC_MAP_GPA_RANGE, gpa, size >> PAGE_SHIFT,
			     flags, 0);
}

static inline void kvm_hypercall_map_gpa_range(uint64_t gpa, uint64_t size,
					       uint64_t flags)
{
	uint64_t ret = __kvm_hypercall_map_gpa_range(gpa, size, flags);

	GUEST_ASSERT(!ret);
}

/* PAUSE: a spin-wait hint. */
static inline void cpu_relax(void)
{
	asm volatile("rep; nop" ::: "memory");
}

/*
 * Spin for usec microseconds of TSC time: guest_tsc_khz / 1000 * usec ticks
 * (an ABORT if the host did not set guest_tsc_khz).  ringzero's TSC counts
 * retired instructions (docs/cpu-model.md) and its loader reports
 * guest_tsc_khz = 1000000, so a microsecond is 1000 retired instructions:
 * the delay is deterministic and proportional to work, never wall-clock.
 */
static inline void udelay(unsigned long usec)
{
	uint64_t start, now, cycles;

	GUEST_ASSERT(guest_tsc_khz);
	cycles = guest_tsc_khz / 1000 * usec;
	/* No PAUSE in the loop, as upstream. */
	start = rdtsc();
	do {
		now = rdtsc();
	} while (now - start < cycles);
}

#include "asm-safe.h"

#endif
