// SPDX-License-Identifier: MIT
/*
 * fep-required: a guest that declares GUEST_NEEDS_FEP, so it always runs
 * with forced emulation on (`ringzero run` turns it on; the test runner skips
 * it loudly without it).  Each instruction runs behind the plain KVM_FEP
 * prefix, as upstream selftests write it (no label after the prefix).
 *
 *   - the prefixed MOV's immediate is chosen so that objdump, decoding the
 *     'kvm' bytes as an IMUL that swallows the MOV's opcode, sees the rest
 *     as `vmovdqa %ymm0,%ymm0`: the guest build must skip the signature to
 *     accept this image (scripts/build-guests.mjs);
 *   - RDMSR/WRMSR, CPUID and MONITOR/MWAIT behind the prefix behave as
 *     without it (the reference path runs them; KVM's defaults: MONITOR and
 *     MWAIT are NOPs).
 */
#include "guest.h"

GUEST_NEEDS_FEP();

#define MSR_IA32_TSC_AUX 0xc0000103

void main(void)
{
	uint32_t v, eax, ebx, ecx, edx;
	uint64_t aux;

	GUEST_ASSERT(is_forced_emulation_enabled);

	asm volatile(KVM_FEP "mov $0xc06ffdc5, %0" : "=a"(v));
	GUEST_ASSERT_EQ(v, 0xc06ffdc5);

	asm volatile(KVM_FEP "wrmsr" : : "c"(MSR_IA32_TSC_AUX), "a"(0x1234), "d"(0));
	asm volatile(KVM_FEP "rdmsr" : "=a"(eax), "=d"(edx) : "c"(MSR_IA32_TSC_AUX));
	aux = eax | ((uint64_t)edx << 32);
	GUEST_ASSERT_EQ(aux, 0x1234);

	asm volatile(KVM_FEP "cpuid" : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx) : "a"(1), "c"(0));
	GUEST_ASSERT(ecx & (1u << 3)); /* CPUID.01H:ECX.MONITOR */

	asm volatile(KVM_FEP "monitor" : : "a"(main), "c"(0), "d"(0));
	asm volatile(KVM_FEP "mwait" : : "a"(0), "c"(0));
	GUEST_SYNC(1);
	GUEST_DONE();
}
