// SPDX-License-Identifier: MIT
/*
 * monitor-mwait: one scenario of upstream's monitor_mwait_test per run
 * (test/host-kvm-msrs.test.ts sets the quirks, CPUID and `testcase`): the
 * guest enables or disables MWAIT in IA32_MISC_ENABLE, then reports what
 * CPUID.01H:ECX.MONITOR says and the vector of MONITOR and of MWAIT.
 */
#include "guest.h"
#include "processor.h"

#define MSR_IA32_MISC_ENABLE 0x1a0
#define MISC_ENABLE_MWAIT (1ull << 18)
#define MWAIT_DISABLED 4

volatile uint64_t testcase;

void main(void)
{
	uint32_t eax, ebx, ecx, edx;
	uint64_t misc = rdmsr(MSR_IA32_MISC_ENABLE) & ~MISC_ENABLE_MWAIT;
	uint8_t monitor, mwait;

	if (!(testcase & MWAIT_DISABLED))
		misc |= MISC_ENABLE_MWAIT;
	wrmsr(MSR_IA32_MISC_ENABLE, misc);
	cpuid(1, &eax, &ebx, &ecx, &edx);
	/* Valid operands: AMD checks them before KVM's intercept (upstream's note). */
	monitor = kvm_asm_safe("monitor", "a"(main), "c"(0), "d"(0));
	mwait = kvm_asm_safe("mwait", "a"(0), "c"(0));
	GUEST_SYNC_ARGS(1, (ecx >> 3) & 1, monitor, mwait, 0);
	GUEST_DONE();
}
