/* SPDX-License-Identifier: MIT */
/*
 * KVM and Xen hypercalls from the guest, as KVM selftests' lib/x86/
 * processor.c makes them: VMMCALL on an AMD-compatible host, VMCALL
 * otherwise (the instruction the host's vendor executes natively), chosen at
 * run time from host_cpu_is_amd_compatible.  SDM Vol. 3C 25.1.3 (VMCALL),
 * APM Vol. 3 VMMCALL.  Static inline here rather than in the runtime's
 * objects, so that only images that make hypercalls contain the two
 * instructions.  Included by processor.h.
 */
#ifndef RINGZERO_X86_HYPERCALL_H
#define RINGZERO_X86_HYPERCALL_H

#include <stdbool.h>
#include <stdint.h>

extern bool host_cpu_is_amd_compatible;

#define __X86_HYPERCALL(inputs...)					\
({									\
	uint64_t __r;							\
									\
	asm volatile("test %[use_vmmcall], %[use_vmmcall]\n\t"		\
		     "jnz 1f\n\t"					\
		     "vmcall\n\t"					\
		     "jmp 2f\n\t"					\
		     "1: vmmcall\n\t"					\
		     "2:"						\
		     : "=a"(__r)					\
		     : [use_vmmcall] "r"(host_cpu_is_amd_compatible),	\
		       inputs						\
		     : "memory");					\
	__r;								\
})

/* KVM's ABI: RAX = nr, RBX, RCX, RDX, RSI = a0..a3; the result in RAX. */
static inline uint64_t kvm_hypercall(uint64_t nr, uint64_t a0, uint64_t a1,
				     uint64_t a2, uint64_t a3)
{
	return __X86_HYPERCALL("a"(nr), "b"(a0), "c"(a1), "d"(a2), "S"(a3));
}

/* Xen's: RAX = nr, RDI, RSI = a0, a1. */
static inline uint64_t __xen_hypercall(uint64_t nr, uint64_t a0, void *a1)
{
	return __X86_HYPERCALL("a"(nr), "D"(a0), "S"(a1));
}

/* As upstream: a Xen hypercall that must succeed (return 0). */
static inline void xen_hypercall(uint64_t nr, uint64_t a0, void *a1)
{
	GUEST_ASSERT(!__xen_hypercall(nr, a0, a1));
}

#endif
