/* SPDX-License-Identifier: MIT */
/*
 * Probes: one instruction in a function of its own, with global labels, so
 * a test knows the exact RIP a fault or trap must report and the exact RSP.
 *
 *   USER_PROBES(name, "insn")    user half, for run_in_user_mode(): name(arg)
 *                                runs insn with RDI = arg and returns RAX;
 *                                name_fep runs it behind KVM_FEP.
 *   KERNEL_PROBES(name, "insn")  supervisor half, same shape, but insn runs
 *                                under the KVM_ASM_SAFE protocol: name(arg)
 *                                returns the vector of a fault (0 if none),
 *                                last_safe_exception holds its frame.
 *
 * Labels: name_insn is the instruction (after the prefix in name_fep),
 * name_after the one that follows it.  They are local symbols (in .symtab,
 * not global), so objdump restarts decoding at name_insn after the 'kvm'
 * bytes of KVM_FEP, which are not an instruction (the objdump oracle,
 * test/support/disasm-corpus.ts, skips them).  Entered by a CALL with nothing
 * pushed since, the instruction runs with RSP = the caller's RSP - 8: from
 * run_in_user_mode() that is USER_STACK_TOP - 8.  PROBE(name) and
 * PROBE(name_fep) make a struct probe.
 */
#ifndef RINGZERO_PROBES_H
#define RINGZERO_PROBES_H

#include <stdint.h>

#include "processor.h"

struct probe {
	uint64_t (*fn)(uint64_t);
	const char *insn;
	const char *after;
};
#define PROBE(name) { name, name##_insn, name##_after }

#define __PROBE_ASM(section, name, setup, prefix, insn, tail)		\
	asm(".pushsection " section ", \"ax\", @progbits\n"		\
	    ".globl " #name "\n"						\
	    ".type " #name ", @function\n"					\
	    #name ":\n\t"							\
	    setup "\n\t"							\
	    prefix "\n"							\
	    #name "_insn:\n\t"					\
	    insn "\n"							\
	    #name "_after:\n\t"					\
	    tail "\n\t"							\
	    "ret\n\t"							\
	    ".size " #name ", . - " #name "\n"				\
	    ".popsection");						\
	extern char name##_insn[] __asm__(#name "_insn");		\
	extern char name##_after[] __asm__(#name "_after");	\
	uint64_t name(uint64_t)

#define __USER_PROBE(name, prefix, insn)				\
	__PROBE_ASM(".user_text", name, "", prefix, insn, "")
#define USER_PROBES(name, insn)						\
	__USER_PROBE(name, "", insn);					\
	__USER_PROBE(name##_fep, KVM_FEP, insn)

#define __KERNEL_PROBE(name, prefix, insn)				\
	__PROBE_ASM(".text", name,					\
		    "mov $" __stringify(KVM_EXCEPTION_MAGIC) ", %r9\n\t"	\
		    "lea " #name "_insn(%rip), %r10\n\t"			\
		    "lea 1f(%rip), %r11",					\
		    prefix, insn,						\
		    "xor %r9d, %r9d\n"						\
		    "1:\tmov %r9, %rax")
#define KERNEL_PROBES(name, insn)					\
	__KERNEL_PROBE(name, "", insn);					\
	__KERNEL_PROBE(name##_fep, KVM_FEP, insn)

#endif
