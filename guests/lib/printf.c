// SPDX-License-Identifier: MIT
/*
 * A small vsnprintf for guests, with C99 semantics for what it supports, so a
 * host test can compute the expected text with its own printf:
 *   conversions  d i u x X o c s p %
 *   flags        - 0 + space #
 *   width        number or *
 *   precision    .number or .*  (minimum digits for integers, maximum
 *                characters for %s)
 *   length       hh h l ll z j t
 * %p is printed as KVM selftests' guest printf (lib/guest_sprintf.c) does,
 * not as glibc: without a width, "0x" and at least 14 hex digits
 * (0x0000000000abcd, 16 characters; "0x00000000000000" for NULL); with a
 * width, upper-case hex digits padded to it, "0x" only with the # flag.
 * An unknown conversion is copied out as is; %s of NULL prints "(null)".
 *
 * vsnprintf/snprintf return the length the full text would have (C99) and
 * always NUL-terminate when size > 0.  guest_vsnprintf/guest_snprintf are
 * upstream's: the same text, but text that does not fit (with its NUL)
 * fails GUEST_ASSERT(str < end) instead of being cut; they return the
 * length written.  ucall_fmt() and ucall_assert() use them.
 */
#include "guest.h"

struct out {
	char *buf;
	size_t size;
	size_t len;	/* characters produced so far, written or not */
	bool strict;	/* guest_vsnprintf: overflow asserts */
	bool overflowed;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size) {
		o->buf[o->len] = c;
	} else if (o->strict && !o->overflowed) {
		/* This character would take the place of the NUL. */
		char *str = o->buf + o->len, *end = o->buf + o->size - 1;

		o->overflowed = true;	/* once, even if the host resumes */
		GUEST_ASSERT(str < end);
	}
	o->len++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

enum {
	F_LEFT = 1 << 0,	/* - */
	F_ZERO = 1 << 1,	/* 0 */
	F_PLUS = 1 << 2,	/* + */
	F_SPACE = 1 << 3,	/* space */
	F_ALT = 1 << 4,		/* # */
};

/*
 * One integer conversion.  Layout: [spaces][sign|0x][zeros][digits][spaces]
 */
static void put_int(struct out *o, unsigned long long v, bool negative,
		    int base, bool upper, int flags, int width, int prec)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	bool is_zero = v == 0;
	char tmp[24];		/* 2^64 in octal is 22 digits */
	char prefix[3];
	int n = 0, plen = 0, zeros, fill;

	/* C99: precision 0 and value 0 print no digits at all. */
	while (v != 0 || (n == 0 && prec != 0)) {
		tmp[n++] = digits[v % base];
		v /= base;
	}

	if (negative)
		prefix[plen++] = '-';
	else if (flags & F_PLUS)
		prefix[plen++] = '+';
	else if (flags & F_SPACE)
		prefix[plen++] = ' ';
	if (base == 16 && (flags & F_ALT) && !is_zero) {
		prefix[plen++] = '0';
		prefix[plen++] = upper ? 'X' : 'x';
	}
	/* "#o": the first digit must be a 0. */
	if ((flags & F_ALT) && base == 8 && (n == 0 || tmp[n - 1] != '0'))
		tmp[n++] = '0';

	zeros = prec > n ? prec - n : 0;
	/* The 0 flag pads with zeros after the sign, unless - or a precision. */
	if ((flags & F_ZERO) && !(flags & F_LEFT) && prec < 0 &&
	    width > plen + n)
		zeros = width - plen - n;
	fill = width - plen - zeros - n;	/* spaces, may be <= 0 */

	if (!(flags & F_LEFT))
		pad(o, ' ', fill);
	for (int i = 0; i < plen; i++)
		put(o, prefix[i]);
	pad(o, '0', zeros);
	while (n > 0)
		put(o, tmp[--n]);
	if (flags & F_LEFT)
		pad(o, ' ', fill);
}

static void put_str(struct out *o, const char *s, int flags, int width,
		    int prec)
{
	int n = 0;

	if (!s)
		s = "(null)";
	while (s[n] && (prec < 0 || n < prec))
		n++;
	if (!(flags & F_LEFT))
		pad(o, ' ', width - n);
	for (int i = 0; i < n; i++)
		put(o, s[i]);
	if (flags & F_LEFT)
		pad(o, ' ', width - n);
}

/*
 * %p as upstream's guest printf (its number() with base 16): no width given
 * means width 16 with "0x" counted in it, zero padding and lower-case
 * digits; a width given keeps the user's flags and upper-case digits.
 */
static void put_ptr(struct out *o, unsigned long v, int flags, int width,
		    int prec)
{
	bool small = width < 0, special = small || (flags & F_ALT);
	bool left = flags & F_LEFT, zeropad = !left && (small || (flags & F_ZERO));
	const char *digits = small ? "0123456789abcdef" : "0123456789ABCDEF";
	char tmp[16];
	int n = 0, size;

	if (small)
		width = 2 * sizeof(void *);
	do {
		tmp[n++] = digits[v & 0xf];
		v >>= 4;
	} while (v);
	if (prec < n)
		prec = n;
	size = width - (special ? 2 : 0) - prec;	/* padding, may be < 0 */

	if (!left && !zeropad) {
		pad(o, ' ', size);
		size = 0;
	}
	if (special) {
		put(o, '0');
		put(o, 'x');
	}
	if (!left) {
		pad(o, '0', size);
		size = 0;
	}
	pad(o, '0', prec - n);
	while (n > 0)
		put(o, tmp[--n]);
	pad(o, ' ', size);
}

static int format(struct out *o, const char *fmt, va_list ap);

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { .buf = buf, .size = size };

	return format(&o, fmt, ap);
}

int guest_vsnprintf(char *buf, int n, const char *fmt, va_list args)
{
	struct out o = { .buf = buf, .size = n > 0 ? n : 0, .strict = true };
	int len;

	GUEST_ASSERT(n > 0);
	len = format(&o, fmt, args);
	return o.overflowed ? (int)o.size - 1 : len;
}

int guest_snprintf(char *buf, int n, const char *fmt, ...)
{
	va_list va;
	int len;

	va_start(va, fmt);
	len = guest_vsnprintf(buf, n, fmt, va);
	va_end(va);
	return len;
}

static int format(struct out *o_, const char *fmt, va_list ap)
{
	struct out o = *o_;

	while (*fmt) {
		const char *start = fmt;
		int flags = 0, width = -1, prec = -1, lng = 0;
		unsigned long long u;
		long long s;
		char conv;

		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		fmt++;

		for (;; fmt++) {
			if (*fmt == '-')
				flags |= F_LEFT;
			else if (*fmt == '0')
				flags |= F_ZERO;
			else if (*fmt == '+')
				flags |= F_PLUS;
			else if (*fmt == ' ')
				flags |= F_SPACE;
			else if (*fmt == '#')
				flags |= F_ALT;
			else
				break;
		}

		if (*fmt == '*') {
			width = va_arg(ap, int);
			if (width < 0) {
				flags |= F_LEFT;
				width = -width;
			}
			fmt++;
		} else if (*fmt >= '1' && *fmt <= '9') {
			width = 0;
			while (*fmt >= '0' && *fmt <= '9')
				width = width * 10 + (*fmt++ - '0');
		}

		if (*fmt == '.') {
			fmt++;
			prec = 0;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				if (prec < 0)
					prec = -1;	/* as if omitted */
				fmt++;
			} else {
				while (*fmt >= '0' && *fmt <= '9')
					prec = prec * 10 + (*fmt++ - '0');
			}
		}

		/* lng: -2 hh, -1 h, 0 int, 1 long (also z j t), 2 long long */
		if (*fmt == 'h') {
			lng = -1;
			if (*++fmt == 'h') {
				lng = -2;
				fmt++;
			}
		} else if (*fmt == 'l') {
			lng = 1;
			if (*++fmt == 'l') {
				lng = 2;
				fmt++;
			}
		} else if (*fmt == 'z' || *fmt == 'j' || *fmt == 't') {
			lng = 1;
			fmt++;
		}

		conv = *fmt;
		if (conv)
			fmt++;

		switch (conv) {
		case 'd':
		case 'i':
			if (lng == 2)
				s = va_arg(ap, long long);
			else if (lng == 1)
				s = va_arg(ap, long);
			else
				s = va_arg(ap, int);
			if (lng == -1)
				s = (short)s;
			else if (lng == -2)
				s = (signed char)s;
			/* -s overflows for LLONG_MIN: negate as unsigned */
			u = s < 0 ? -(unsigned long long)s : (unsigned long long)s;
			put_int(&o, u, s < 0, 10, false, flags, width, prec);
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			if (lng == 2)
				u = va_arg(ap, unsigned long long);
			else if (lng == 1)
				u = va_arg(ap, unsigned long);
			else
				u = va_arg(ap, unsigned int);
			if (lng == -1)
				u = (unsigned short)u;
			else if (lng == -2)
				u = (unsigned char)u;
			put_int(&o, u, false,
				conv == 'u' ? 10 : conv == 'o' ? 8 : 16,
				conv == 'X', flags & ~(F_PLUS | F_SPACE), width,
				prec);
			break;
		case 'p':
			put_ptr(&o, (unsigned long)va_arg(ap, void *), flags,
				width, prec);
			break;
		case 'c': {
			char c = (char)va_arg(ap, int);

			if (!(flags & F_LEFT))
				pad(&o, ' ', width - 1);
			put(&o, c);
			if (flags & F_LEFT)
				pad(&o, ' ', width - 1);
			break;
		}
		case 's':
			put_str(&o, va_arg(ap, const char *), flags, width, prec);
			break;
		case '%':
			put(&o, '%');
			break;
		default:
			/* Unknown (or the format ended after '%'): copy it out. */
			while (start < fmt)
				put(&o, *start++);
			break;
		}
	}

	if (o.size > 0)
		o.buf[o.len < o.size ? o.len : o.size - 1] = '\0';
	*o_ = o;
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
