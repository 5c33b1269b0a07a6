// SPDX-License-Identifier: MIT
/*
 * console: writes to COM1 (port 0x3f8), waiting for THRE in LSR (0x3fd)
 * before each byte, then DONE.  The console receives exactly:
 *
 *   "ringzero console test\n"
 *   "line 2: the quick brown fox jumps over the lazy dog\n"
 *   "line 3: 6 * 7 = 42, lsr = 0x60\n"
 *
 * (no \r).  Events: DONE only.  The LSR value printed is what the guest
 * read; the ABI says 0x60 (THRE | TEMT).
 */
#include "guest.h"

void main(void)
{
	volatile int six = 6;
	uint8_t lsr = inb(COM1_LSR);

	console_puts("ringzero console test\n");
	console_puts("line 2: the quick brown fox jumps over the lazy dog\n");
	console_printf("line %d: %d * %d = %d, lsr = %#x\n", 3, six, 7, six * 7, lsr);
	GUEST_DONE();
}
