// SPDX-License-Identifier: MIT
/*
 * harness: a guest for the vitest harness's own tests
 * (test/vitest-harness.test.ts).  The host writes `mode` before the run:
 *   0  SYNC {"hello", 1, 42}, PRINTF "hello 7", then DONE
 *   1  SYNC 1, then a GUEST_ASSERT_EQ that fails (the line marked FAILING-ASSERT)
 *   2  SYNC 1, then UD2 at ud_at with no handler: the runtime's GUEST_FAIL
 *      ("Unhandled exception '0x6' at guest RIP ...", as upstream)
 *   3  SYNC 1, then 3 written to the debug-exit port (exit code 7), not DONE
 *   4  as 2, with a #UD handler that sends the ABI's UNHANDLED report
 */
#include "guest.h"

volatile uint64_t mode;
static volatile uint64_t forty = 40;

extern char ud_at[];

static void report_unhandled(struct ex_regs *regs)
{
	ucall_unhandled(regs->vector, regs->error_code, regs->rip);
}

void main(void)
{
	uint64_t value = forty + 1;

	GUEST_SYNC_ARGS(1, 42, 0, 0, 0);
	if (mode == 1)
		GUEST_ASSERT_EQ(value, 42);	/* FAILING-ASSERT */
	if (mode == 4)
		install_exception_handler(UD_VECTOR, report_unhandled);
	if (mode == 2 || mode == 4)
		asm volatile("ud_at: ud2" ::: "memory");
	if (mode == 3)
		outb(DEBUG_EXIT_PORT, 3);
	GUEST_PRINTF("hello %d\n", 7);
}
