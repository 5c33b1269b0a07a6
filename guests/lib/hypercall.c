// SPDX-License-Identifier: MIT
/*
 * KVM and Xen hypercalls from the guest, as KVM selftests' lib/x86/
 * processor.c makes them: VMMCALL on an AMD-compatible host, VMCALL
 * otherwise (the instruction the host's own vendor executes natively),
 * chosen at run time from host_cpu_is_amd_compatible.  SDM Vol. 3C 25.1.3
 * (VMCALL), APM Vol. 3 VMMCALL.
 */
#include "guest.h"

#define X86_HYPERCALL(inputs...)					\
({									\
	uint64_t r;							\
									\
	asm volatile("test %[use_vmmcall], %[use_vmmcall]\n\t"		\
		     "jnz 1f\n\t"					\
		     "vmcall\n\t"					\
		     "jmp 2f\n\t"					\
		     "1: vmmcall\n\t"					\
		     "2:"						\
		     : "=a"(r)						\
		     : [use_vmmcall] "r"(host_cpu_is_amd_compatible),	\
		       inputs						\
		     : "memory");					\
	r;								\
})

uint64_t kvm_hypercall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
		       uint64_t a3)
{
	return X86_HYPERCALL("a"(nr), "b"(a0), "c"(a1), "d"(a2), "S"(a3));
}

uint64_t __xen_hypercall(uint64_t nr, uint64_t a0, void *a1)
{
	return X86_HYPERCALL("a"(nr), "D"(a0), "S"(a1));
}

void xen_hypercall(uint64_t nr, uint64_t a0, void *a1)
{
	GUEST_ASSERT(!__xen_hypercall(nr, a0, a1));
}
