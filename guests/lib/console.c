// SPDX-License-Identifier: MIT
/*
 * Console output on COM1 the way a polled 16550 driver does it: wait for
 * THRE (transmit holding register empty) in LSR, then write the byte to THR.
 * The runner's LSR always reads 0x60, so the wait ends at once; it is bounded
 * anyway so a broken LSR costs a few thousand reads, not a hang.
 */
#include "guest.h"

void console_putc(char c)
{
	for (int i = 0; i < 4096; i++)
		if (inb(COM1_LSR) & UART_LSR_THRE)
			break;
	outb(COM1_PORT, (uint8_t)c);
}

void console_puts(const char *s)
{
	while (*s)
		console_putc(*s++);
}

void console_printf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_puts(buf);
}
