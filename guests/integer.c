// SPDX-License-Identifier: MIT
/*
 * integer: general-purpose integer code as gcc -O2 compiles it (mul/div in
 * all widths, shifts, rotates, flags-driven code, sign/zero extension,
 * string functions, recursion, a sort), checked against constants.
 *
 * Every input goes through opaque(), so gcc cannot fold the computation at
 * build time: the instructions really run in the guest.
 *
 * The expected constants were computed on the host by compiling this same
 * file with a stand-in guest.h (GUEST_ASSERT_EQ printing mismatches; gcc -O0
 * and -O2, x86-64 Linux), and the arithmetic, CRC and sort ones again
 * independently in Python (arbitrary-precision ints, zlib.crc32).  To redo it:
 *   mkdir -p /tmp/h && printf '%s\n' '#include <stdint.h>' \
 *     '#include <stdio.h>' '#include <string.h>' \
 *     '#define GUEST_ASSERT_EQ(a, b) do { if ((uint64_t)(a) != (uint64_t)(b)) printf("line %d: %s = %#lx\n", __LINE__, #a, (unsigned long)(uint64_t)(a)); } while (0)' \
 *     '#define GUEST_ASSERT(c) do { if (!(c)) printf("line %d: !(%s)\n", __LINE__, #c); } while (0)' \
 *     '#define GUEST_SYNC_ARGS(s, a, b, c, d) printf("sync %d %#lx %#lx %#lx %#lx\n", s, (unsigned long)(a), (unsigned long)(b), (unsigned long)(c), (unsigned long)(d))' \
 *     '#define GUEST_DONE() printf("done\n")' '#define main guest_main' \
 *     > /tmp/h/guest.h
 *   printf 'void guest_main(void); int main(void) { guest_main(); return 0; }\n' > /tmp/h/m.c
 *   gcc -O2 -I/tmp/h guests/integer.c /tmp/h/m.c -o /tmp/h/int && /tmp/h/int
 * It must print only the sync line and "done".
 *
 * Events: SYNC_ARGS(1, fib(25), ackermann(2, 3), sort checksum, crc32 of
 * "123456789") = args[0] -> "hello", args[1..5] = 1, 75025, 9, 0x66426fbdfa214986,
 * 0xcbf43926; then DONE.
 */
#include "guest.h"

/* An identity gcc cannot see through. */
static inline uint64_t opaque(uint64_t x)
{
	asm volatile("" : "+r"(x));
	return x;
}

#define O(x) ((typeof(x))opaque((uint64_t)(x)))

/* ---- arithmetic */
static void test_arith(void)
{
	uint64_t a = O(0x123456789abcdef0ul), b = O(0xfedcba9876543210ul);
	int64_t sa = O(-1234567890123456789l), sb = O(1000003l);
	uint32_t a32 = O(0xdeadbeefu), b32 = O(0x12345u);
	int32_t s32 = O(-77777);

	GUEST_ASSERT_EQ(a + b, 0x1111111111111100ul);		/* carries out */
	GUEST_ASSERT_EQ(a - b, 0x13579be02468ace0ul);		/* borrows */
	GUEST_ASSERT_EQ(a * b, 0x236d88fe5618cf00ul);		/* low 64 bits */
	GUEST_ASSERT_EQ((uint64_t)(((unsigned __int128)a * b) >> 64),
			0x121fa00ad77d7422ul);			/* mul high */
	GUEST_ASSERT_EQ((uint64_t)(((__int128)sa * sb) >> 64),
			0xfffffffffffefa91ul);			/* imul high */
	GUEST_ASSERT_EQ(b / a, 14);
	GUEST_ASSERT_EQ(b % a, 0xf0);
	GUEST_ASSERT_EQ(sa / sb, -1234564186430l);		/* truncates */
	GUEST_ASSERT_EQ(sa % sb, -897499l);			/* sign of sa */
	GUEST_ASSERT_EQ(O(-7l) / O(2l), -3ul);
	GUEST_ASSERT_EQ(O(-7l) % O(2l), -1ul);
	GUEST_ASSERT_EQ(O(7l) / O(-2l), -3ul);
	GUEST_ASSERT_EQ(a / 10, 0x01d208a5a912e318ul);		/* by constant */
	GUEST_ASSERT_EQ(sa / 7, -176366841446208112l);
	GUEST_ASSERT_EQ(a32 * b32, 0x84de236bu);		/* 32-bit wraps */
	GUEST_ASSERT_EQ(a32 / b32, 0xc3b6);
	GUEST_ASSERT_EQ(a32 % b32, 0x11ce1);
	GUEST_ASSERT_EQ(s32 / O(100), -777);
	GUEST_ASSERT_EQ((int64_t)s32 * 3, -233331);		/* movsxd */
	GUEST_ASSERT_EQ((uint64_t)a32 << 4, 0xdeadbeef0ul);	/* zero-ext */
	GUEST_ASSERT_EQ(O(UINT64_MAX) + O(1ul), 0);		/* wraparound */
	GUEST_ASSERT_EQ((uint32_t)(O(0xffffffffu) + O(1u)), 0);
	GUEST_ASSERT_EQ((uint8_t)(O((uint8_t)250) + O((uint8_t)10)), 4);
	GUEST_ASSERT_EQ((int16_t)(O((int16_t)32767) + O((int16_t)1)), -32768l);
	GUEST_ASSERT_EQ((int64_t)(int8_t)O(0x80u), -128l);	/* movsbq */
	GUEST_ASSERT_EQ((uint64_t)(uint16_t)O(0x12345678u), 0x5678);
}

/* ---- flags: overflow/carry detection, compare-and-select */
static void test_flags(void)
{
	uint64_t r;
	int64_t sr;

	GUEST_ASSERT(__builtin_add_overflow(O(UINT64_MAX - 5), O(6ul), &r));
	GUEST_ASSERT_EQ(r, 0);
	GUEST_ASSERT(!__builtin_add_overflow(O(UINT64_MAX - 5), O(5ul), &r));
	GUEST_ASSERT(__builtin_sub_overflow(O(3ul), O(4ul), &r));
	GUEST_ASSERT(__builtin_add_overflow(O(INT64_MAX), O(1l), &sr));
	GUEST_ASSERT_EQ(sr, INT64_MIN);
	GUEST_ASSERT(__builtin_mul_overflow(O(1l << 40), O(1l << 30), &sr));
	GUEST_ASSERT(!__builtin_mul_overflow(O(-(1l << 31)), O(1l << 31), &sr));
	GUEST_ASSERT_EQ(sr, -(1l << 62));
	GUEST_ASSERT(O(-1l) < O(0l));				/* signed cmp */
	GUEST_ASSERT(O(-1ul) > O(0ul));				/* unsigned cmp */
	GUEST_ASSERT_EQ(O(5l) > O(-5l) ? O(11ul) : O(22ul), 11);
	GUEST_ASSERT_EQ(O(5ul) > O(-5ul) ? O(11ul) : O(22ul), 22);
}

/* ---- shifts, rotates (C idioms gcc turns into rol/ror), bit loops */
static uint64_t rol64(uint64_t x, unsigned int r)
{
	return (x << (r & 63)) | (x >> (-r & 63));
}

static uint32_t ror32(uint32_t x, unsigned int r)
{
	return (x >> (r & 31)) | (x << (-r & 31));
}

static int popcount(uint64_t x)
{
	int n = 0;

	for (; x; x >>= 1)
		n += x & 1;
	return n;
}

static int leading_zeros(uint64_t x)
{
	int n = 0;

	if (!x)
		return 64;
	while (!(x & (1ul << 63))) {
		x <<= 1;
		n++;
	}
	return n;
}

static uint64_t reverse_bits(uint64_t x)
{
	uint64_t r = 0;

	for (int i = 0; i < 64; i++, x >>= 1)
		r = (r << 1) | (x & 1);
	return r;
}

static void test_bits(void)
{
	uint64_t x = O(0x8000000000000001ul);
	int64_t sx = O(-0x123456789l);
	unsigned int n = O(13u);

	GUEST_ASSERT_EQ(x << n, 0x2000ul);
	GUEST_ASSERT_EQ(x >> n, 0x0004000000000000ul);
	GUEST_ASSERT_EQ(sx >> n, -596524l);			/* sar rounds down */
	GUEST_ASSERT_EQ(sx >> 63, -1ul);
	GUEST_ASSERT_EQ((uint32_t)O(0x80000000u) >> n, 0x40000);
	GUEST_ASSERT_EQ((int32_t)O(0x80000000u) >> n, -0x40000ul);
	GUEST_ASSERT_EQ(rol64(x, n), 0x3000ul);
	GUEST_ASSERT_EQ(rol64(O(0x0123456789abcdeful), 4), 0x123456789abcdef0ul);
	GUEST_ASSERT_EQ(ror32(O(0x12345678u), 8), 0x78123456);
	GUEST_ASSERT_EQ(ror32(O(0x12345678u), n), 0xb3c091a2);
	GUEST_ASSERT_EQ(popcount(O(0xf0f0f0f00000ffffull)), 32);
	GUEST_ASSERT_EQ(popcount(O(UINT64_MAX)), 64);
	GUEST_ASSERT_EQ(leading_zeros(O(1ul)), 63);
	GUEST_ASSERT_EQ(leading_zeros(O(0x00000fff00000000ul)), 20);
	GUEST_ASSERT_EQ(reverse_bits(O(0x1ul)), 0x8000000000000000ul);
	GUEST_ASSERT_EQ(reverse_bits(O(0x0123456789abcdeful)), 0xf7b3d591e6a2c480ul);
	GUEST_ASSERT_EQ(O(0xff00ff00ul) & O(0x0ff00ff0ul), 0x0f000f00);
	GUEST_ASSERT_EQ(O(0xff00ff00ul) | O(0x0ff00ff0ul), 0xfff0fff0);
	GUEST_ASSERT_EQ(O(0xff00ff00ul) ^ O(0x0ff00ff0ul), 0xf0f0f0f0);
	GUEST_ASSERT_EQ(~O(0ul), UINT64_MAX);
	GUEST_ASSERT_EQ(-O(1ul), UINT64_MAX);
}

/* ---- a CRC-32 (IEEE, reflected), the standard check value */
static uint32_t crc32(const char *s, size_t len)
{
	uint32_t crc = 0xffffffff;

	for (size_t i = 0; i < len; i++) {
		crc ^= (uint8_t)s[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
	}
	return ~crc;
}

/* ---- string functions from the runtime */
static void test_strings(void)
{
	char buf[64];
	char *p = buf;
	static const char msg[] = "the quick brown fox";

	p = (char *)O((uint64_t)p);	/* keep gcc from reasoning about buf */
	GUEST_ASSERT_EQ(strlen(msg), 19);
	GUEST_ASSERT_EQ(strlen(""), 0);
	strcpy(p, msg);
	GUEST_ASSERT_EQ(strcmp(p, msg), 0);
	GUEST_ASSERT(strcmp("abc", "abd") < 0);
	GUEST_ASSERT(strcmp("abd", "abc") > 0);
	GUEST_ASSERT(strcmp("ab", "abc") < 0);
	GUEST_ASSERT(strcmp("\xff", "a") > 0);			/* unsigned chars */
	GUEST_ASSERT_EQ(strncmp("abcdef", "abcxyz", 3), 0);
	GUEST_ASSERT(strncmp("abcdef", "abcxyz", 4) < 0);
	GUEST_ASSERT_EQ(strncmp("ab", "ab", 10), 0);

	memset(p, 'x', 10);
	p[10] = 0;
	GUEST_ASSERT_EQ(strcmp(p, "xxxxxxxxxx"), 0);

	strcpy(p, "0123456789");
	memmove(p + 2, p, 8);					/* overlap, forward */
	GUEST_ASSERT_EQ(strcmp(p, "0101234567"), 0);
	strcpy(p, "0123456789");
	memmove(p, p + 2, 8);					/* overlap, backward */
	GUEST_ASSERT_EQ(strcmp(p, "2345678989"), 0);
	memcpy(p, "ABCDE", 5);
	GUEST_ASSERT_EQ(memcmp(p, "ABCDE789", 8), 0);
	GUEST_ASSERT(memcmp(p, "ABCDF", 5) < 0);

	GUEST_ASSERT_EQ(crc32(msg, strlen(msg)), 0x91c102ca);
	GUEST_ASSERT_EQ(snprintf(p, 8, "%s", msg), 19);		/* truncates */
	GUEST_ASSERT_EQ(strcmp(p, "the qui"), 0);
}

/* ---- recursion */
static __attribute__((noipa)) uint64_t fib(uint64_t n)
{
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static __attribute__((noipa)) uint64_t ackermann(uint64_t m, uint64_t n)
{
	if (m == 0)
		return n + 1;
	if (n == 0)
		return ackermann(m - 1, 1);
	return ackermann(m - 1, ackermann(m, n - 1));
}

static uint64_t gcd(uint64_t a, uint64_t b)
{
	return b ? gcd(b, a % b) : a;
}

/* ---- sorting: a quicksort on pseudo-random data */
static void quicksort(int64_t *v, long lo, long hi)
{
	while (lo < hi) {
		int64_t pivot = v[lo + (hi - lo) / 2];
		long i = lo, j = hi;

		while (i <= j) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j) {
				int64_t t = v[i];

				v[i++] = v[j];
				v[j--] = t;
			}
		}
		/* recurse into the smaller half, loop on the other */
		if (j - lo < hi - i) {
			quicksort(v, lo, j);
			lo = i;
		} else {
			quicksort(v, i, hi);
			hi = j;
		}
	}
}

#define NSORT 200

static uint64_t test_sort(void)
{
	static int64_t v[NSORT];
	uint64_t state = O(0x2545f4914f6cdd1dul), sum_before = 0, sum = 0;
	uint64_t checksum = 0;

	for (int i = 0; i < NSORT; i++) {
		/* xorshift64 */
		state ^= state << 13;
		state ^= state >> 7;
		state ^= state << 17;
		v[i] = (int64_t)state >> 3;	/* signed, both signs */
		sum_before += v[i];
	}
	quicksort(v, 0, NSORT - 1);
	for (int i = 0; i < NSORT; i++) {
		if (i)
			GUEST_ASSERT(v[i - 1] <= v[i]);
		sum += v[i];
		checksum = checksum * 31 + (uint64_t)v[i];
	}
	GUEST_ASSERT_EQ(sum, sum_before);
	GUEST_ASSERT_EQ(v[0], -1109955225330431973l);
	GUEST_ASSERT_EQ(v[NSORT - 1], 1147719721493535868l);
	GUEST_ASSERT_EQ(checksum, 0x66426fbdfa214986ul);
	return checksum;
}

void main(void)
{
	uint64_t f, a, sorted;

	test_arith();
	test_flags();
	test_bits();
	test_strings();

	f = fib(O(25ul));
	a = ackermann(O(2ul), O(3ul));
	GUEST_ASSERT_EQ(f, 75025);
	GUEST_ASSERT_EQ(a, 9);
	GUEST_ASSERT_EQ(ackermann(O(3ul), O(3ul)), 61);
	GUEST_ASSERT_EQ(gcd(O(1071ul), O(462ul)), 21);
	GUEST_ASSERT_EQ(gcd(O(0xfffffffffffffffful), O(0x8000000000000000ul)), 1);

	sorted = test_sort();
	GUEST_SYNC_ARGS(1, f, a, sorted,
			crc32((const char *)opaque((uint64_t)"123456789"), 9));
	GUEST_DONE();
}
