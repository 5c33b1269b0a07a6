// SPDX-License-Identifier: MIT
/*
 * kvm-msrs: the MSRs whose value or access the host decides
 * (test/host-kvm-msrs.test.ts drives it), in the style of upstream's
 * platform_info_test and tsc_msrs_test.
 *
 *   1  MSR_PLATFORM_INFO as the host set it (KVM_SET_MSRS), readable.
 *   2  the host withdrew the guest's read (KVM_CAP_MSR_PLATFORM_INFO off): #GP.
 *   3  IA32_TSC_ADJUST: the guest moves the TSC by 2^32; the host then reads
 *      TSC_ADJUST and the TSC, and sets TSC_ADJUST alone.
 *   4  the guest reads back what the host set; TSC_AUX per vendor model
 *      (bits 63:32: #GP on Intel, dropped on AMD), through RDPID.
 */
#include "guest.h"
#include "processor.h"

/* MSR numbers from <asm/msr-index.h> (processor.h); the ratio field as upstream's test names it. */
#define PLATFORM_INFO_MAX_TURBO_RATIO 0xff00ull

void main(void)
{
	uint64_t v, before, after;
	uint8_t vector;

	vector = rdmsr_safe(MSR_PLATFORM_INFO, &v);
	GUEST_SYNC_ARGS(1, vector, v & PLATFORM_INFO_MAX_TURBO_RATIO, 0, 0);

	vector = rdmsr_safe(MSR_PLATFORM_INFO, &v);
	GUEST_SYNC_ARGS(2, vector, 0, 0, 0);

	before = rdtsc();
	wrmsr(MSR_IA32_TSC_ADJUST, 1ull << 32);
	after = rdtsc();
	GUEST_SYNC_ARGS(3, after - before, rdmsr(MSR_IA32_TSC_ADJUST), 0, 0);

	v = rdmsr(MSR_IA32_TSC_ADJUST);
	vector = wrmsr_safe(MSR_TSC_AUX, 0xaaaa5555aaaa5555ull);
	uint64_t aux = 0;
	asm volatile("rdpid %0" : "=r"(aux));
	GUEST_SYNC_ARGS(4, v, vector, aux, 0);
	GUEST_DONE();
}
