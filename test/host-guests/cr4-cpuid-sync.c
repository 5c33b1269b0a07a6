// SPDX-License-Identifier: MIT
/*
 * A guest written the upstream way (only the KVM selftests headers, a
 * guest_code taking its arguments from the host, GUEST_MAIN in place of the
 * host's main()), in the style of upstream's x86/cr4_cpuid_sync_test; our own
 * code. CPUID.01H:ECX.OSXSAVE must follow CR4.OSXSAVE, also after the host
 * clears CR4.OSXSAVE behind the guest's back (KVM_SET_SREGS) at each SYNC.
 */
#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"

static bool osxsave_in_sync(void)
{
	return !!(get_cr4() & X86_CR4_OSXSAVE) == this_cpu_has(X86_FEATURE_OSXSAVE);
}

static void guest_code(uint64_t rounds, uint64_t magic)
{
	GUEST_ASSERT_EQ(magic, 0x5a5a);
	for (uint64_t i = 0; i < rounds; i++) {
		set_cr4(get_cr4() | X86_CR4_OSXSAVE);
		GUEST_ASSERT(osxsave_in_sync());
		GUEST_ASSERT(this_cpu_has(X86_FEATURE_OSXSAVE));
		GUEST_SYNC(i);
		GUEST_ASSERT(osxsave_in_sync());
	}
	GUEST_DONE();
}

GUEST_MAIN(guest_code)
