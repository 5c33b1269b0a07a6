// SPDX-License-Identifier: MIT
/*
 * assert: a GUEST_ASSERT_EQ that fails on purpose.  Events, in order:
 *   SYNC   args[0] = address of "hello", args[1] = 1
 *   ABORT  args[0] -> "x == 42", args[1] -> "guests/assert.c",
 *          args[2] = the line marked FAILING-ASSERT below,
 *          buffer = "0x29 != 0x2a (x != 42)"
 * Nothing after that.
 */
#include "guest.h"

GUEST_EXPECT("abort");

/* volatile: the compiler cannot know x, so the check happens at run time. */
static volatile uint64_t forty = 40;

void main(void)
{
	uint64_t x = forty + 1;

	GUEST_ASSERT(x > 40);		/* passes: no event */
	GUEST_ASSERT_EQ(x - 1, 40);	/* passes: no event */
	GUEST_SYNC(1);
	GUEST_ASSERT_EQ(x, 42);		/* FAILING-ASSERT: 41 != 42 */
	GUEST_FAIL("GUEST_ASSERT_EQ did not stop the guest");
}
