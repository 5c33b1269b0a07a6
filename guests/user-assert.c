// SPDX-License-Identifier: MIT
/*
 * user-assert: a failing USER_GUEST_ASSERT_EQ at CPL 3 ends the run with an
 * ABORT whose expression, file, line and message are all readable by the
 * host (the strings live in the user half, the struct ucall in the user
 * .bss, the ucall is a 1-byte IN from port 0x1000 at CPL 3).
 *
 * Events, in order:
 *   PRINTF "cpl 3: x = 41\n"
 *   ABORT  expr "x == 42", file "guests/user-assert.c", line 23,
 *          message "0x29 != 0x2a (x != 42)"
 */
#include "guest.h"

GUEST_EXPECT("abort");

static __user_text uint64_t u_check(uint64_t x)
{
	uint16_t cs;

	asm volatile("mov %%cs, %0" : "=r"(cs));
	USER_GUEST_PRINTF("cpl %u: x = %lu\n", cs & 3, x);
	USER_GUEST_ASSERT_EQ(x, 42);
	return 0;
}

void main(void)
{
	run_in_user_mode(u_check, 41);
	GUEST_FAIL("the user-mode assertion did not stop the guest");
}
