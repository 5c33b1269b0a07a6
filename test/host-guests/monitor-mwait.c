// SPDX-License-Identifier: MIT
/*
 * monitor-mwait: one scenario of upstream's monitor_mwait_test per run
 * (test/host-kvm-msrs.test.ts sets the quirks, CPUID and `testcase`): the
 * guest enables or disables MWAIT in IA32_MISC_ENABLE, then reports what
 * CPUID.01H:ECX.MONITOR says (this_cpu_has(X86_FEATURE_MWAIT)) and the
 * vector of MONITOR and of MWAIT.
 */
#include "guest.h"
#include "processor.h"

#define MWAIT_DISABLED 4

volatile uint64_t testcase;

void main(void)
{
	uint64_t misc = rdmsr(MSR_IA32_MISC_ENABLE) & ~MSR_IA32_MISC_ENABLE_MWAIT;
	uint8_t monitor, mwait;

	if (!(testcase & MWAIT_DISABLED))
		misc |= MSR_IA32_MISC_ENABLE_MWAIT;
	wrmsr(MSR_IA32_MISC_ENABLE, misc);
	/* Valid operands: AMD checks them before KVM's intercept (upstream's note). */
	monitor = kvm_asm_safe("monitor", "a"(main), "c"(0), "d"(0));
	mwait = kvm_asm_safe("mwait", "a"(0), "c"(0));
	GUEST_SYNC_ARGS(1, this_cpu_has(X86_FEATURE_MWAIT), monitor, mwait, 0);
	GUEST_DONE();
}
