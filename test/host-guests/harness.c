// SPDX-License-Identifier: MIT
/*
 * harness: a guest for the vitest harness's own tests
 * (test/vitest-harness.test.ts).  The host writes `mode` before the run:
 *   0  SYNC {"hello", 1, 42}, PRINTF "hello 7", then DONE
 *   1  SYNC 1, then a GUEST_ASSERT_EQ that fails (the line marked FAILING-ASSERT)
 *   2  SYNC 1, then UD2 at ud_at with no handler: UNHANDLED #UD
 *   3  SYNC 1, then 3 written to the debug-exit port (exit code 7), not DONE
 */
#include "guest.h"

volatile uint64_t mode;
static volatile uint64_t forty = 40;

extern char ud_at[];

void main(void)
{
	uint64_t value = forty + 1;

	GUEST_SYNC_ARGS(1, 42, 0, 0, 0);
	if (mode == 1)
		GUEST_ASSERT_EQ(value, 42);	/* FAILING-ASSERT */
	if (mode == 2)
		asm volatile("ud_at: ud2" ::: "memory");
	if (mode == 3)
		outb(DEBUG_EXIT_PORT, 3);
	GUEST_PRINTF("hello %d\n", 7);
}
