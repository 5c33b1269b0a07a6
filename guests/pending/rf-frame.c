// SPDX-License-Identifier: MIT
/*
 * pending/rf-frame: NOT in the default set (scripts/build-guests.mjs builds
 * the .c files directly in guests/ only; build it with
 *   node scripts/build-guests.mjs --src guests/pending --out build/guests-pending
 * ).  It fails on ringzero today and documents why.
 *
 * SDM Vol. 3 18.3.1.1: "For any fault-class exception except a debug
 * exception generated in response to an instruction breakpoint, the value
 * pushed for RF is 1."  ringzero pushes RF as it was (0).  Software
 * interrupts and traps push RF as it was (0 here).
 *
 * Expected on hardware following the SDM: SYNC {"hello", 1}, then DONE.
 * On ringzero today: ABORT at the #UD check (RFLAGS 0x2, want 0x10002).
 */
#include "guest.h"

#define X86_EFLAGS_RF (1ul << 16)

USER_PROBES(p_ud2, "ud2");
USER_PROBES(p_int3, "int3");

void main(void)
{
	struct user_exit e;

	/* A trap: RF pushed as it was. */
	e = run_in_user_mode(p_int3, 0);
	GUEST_ASSERT(e.exception && e.ex.vector == BP_VECTOR);
	GUEST_ASSERT_EQ(e.ex.rflags, X86_EFLAGS_FIXED);
	/* A fault: RF = 1 in the pushed image. */
	e = run_in_user_mode(p_ud2, 0);
	GUEST_ASSERT(e.exception && e.ex.vector == UD_VECTOR);
	GUEST_ASSERT_EQ(e.ex.rflags, X86_EFLAGS_FIXED | X86_EFLAGS_RF);
	GUEST_SYNC(1);
}
