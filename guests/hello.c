// SPDX-License-Identifier: MIT
/*
 * hello: the smallest useful guest.  Events, in order:
 *   SYNC     args[0] = address of "hello", args[1] = 1
 *   PRINTF x4 (texts below; the guest first checks snprintf gives exactly
 *            that text, and ABORTs if not)
 *   SYNC     args[0] = address of "hello", args[1] = 2
 *   DONE
 */
#include "guest.h"

/*
 * Format with snprintf, check the text is exactly `expected`, then send the
 * same format and arguments as a PRINTF ucall (so the host sees `expected`).
 */
#define PRINTF_CHECKED(expected, fmt, args...)				\
do {									\
	char buf[256];							\
									\
	snprintf(buf, sizeof(buf), fmt, ##args);			\
	__GUEST_ASSERT(!strcmp(buf, expected),				\
		       "snprintf gave \"%s\", want \"%s\"", buf, expected); \
	GUEST_PRINTF(fmt, ##args);					\
} while (0)

void main(void)
{
	GUEST_SYNC(1);

	PRINTF_CHECKED("hello, world\n", "hello, %s\n", "world");
	PRINTF_CHECKED("-42 7 42 beef BEEF z str 100%\n",
		       "%d %i %u %x %X %c %s 100%%\n",
		       -42, 7, 42u, 0xbeef, 0xbeef, 'z', "str");
	PRINTF_CHECKED("[   42] [42   ] [-0042] [0xff] [0xdeadbeefcafe] [0000abcd] [ab    ] [    cd]\n",
		       "[%5d] [%-5d] [%05d] [%#x] [%#lx] [%08lx] [%-6s] [%6s]\n",
		       42, 42, -42, 255, 0xdeadbeefcafeul, 0xabcdul, "ab", "cd");
	PRINTF_CHECKED("-9223372036854775808 18446744073709551615 -1 123456789abcdef 1096 0xffffffff80001000\n",
		       "%ld %lu %lld %llx %zu %p\n",
		       -9223372036854775807l - 1, 18446744073709551615ul,
		       -1ll, 0x123456789abcdefull, sizeof(struct ucall),
		       (void *)0xffffffff80001000ul);

	GUEST_SYNC(2);
	GUEST_DONE();
}
