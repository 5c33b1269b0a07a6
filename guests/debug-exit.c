// SPDX-License-Identifier: MIT
/*
 * debug-exit: ends the run through the isa-debug-exit port.  Writing v to
 * port 0xf4 stops the guest with exit code (v << 1) | 1, here
 * (0x21 << 1) | 1 = 0x43 = 67.  No ucall at all before it.
 */
#include "guest.h"

GUEST_EXPECT("debug-exit:67");

void main(void)
{
	outb(DEBUG_EXIT_PORT, 0x21);
	/* Only reached if the write did not stop the guest. */
	GUEST_FAIL("the write to port 0xf4 did not stop the guest");
}
