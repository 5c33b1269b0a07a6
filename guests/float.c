// SPDX-License-Identifier: MIT
/*
 * float: floating point as gcc compiles it, with no special flags: float and
 * double on SSE, long double on the x87, an auto-vectorised loop (-O3 on
 * saxpy, packed SSE) and a vectorised integer reduction.
 *
 * test/guests-float.test.ts compiles this same file for the host with a
 * stand-in guest.h (GUEST_SYNC_ARGS printing its arguments) and compares the
 * bit patterns the guest reports with the host's: every result must be equal.
 * Every input goes through opaque(), so nothing is folded at build time.
 *
 * Events: SYNC_ARGS(1, series(500) bits, fpoly(2/3) bits, saxpy checksum,
 * integer sum of squares); SYNC_ARGS(2, long double significand, its sign and
 * exponent, (double)ld bits, 1/3 bits); then DONE.
 */
#include "guest.h"

static inline uint64_t opaque(uint64_t x)
{
	asm volatile("" : "+r"(x));
	return x;
}

static uint64_t dbits(double d)
{
	uint64_t u;

	__builtin_memcpy(&u, &d, 8);
	return u;
}

static uint32_t fbits(float f)
{
	uint32_t u;

	__builtin_memcpy(&u, &f, 4);
	return u;
}

static double series(int n)
{
	double s = 0, x = (double)opaque(3);

	for (int i = 1; i <= n; i++)
		s += x / (i * (double)i) - 1.0 / (x + i);
	return s;
}

static float fpoly(float x)
{
	float r = 0.0f;

	for (int i = 0; i < 20; i++)
		r = r * x + 1.0f / (float)(i + 1);
	return r;
}

static long double lseries(int n)
{
	long double s = 0;

	for (int i = 1; i <= n; i++)
		s += 1.0L / ((long double)i * i);
	return s;
}

__attribute__((optimize("O3")))
static void saxpy(float *y, const float *x, float a, int n)
{
	for (int i = 0; i < n; i++)
		y[i] = a * x[i] + y[i];
}

__attribute__((optimize("O3")))
static int64_t sum_squares(const int32_t *v, int n)
{
	int64_t s = 0;

	for (int i = 0; i < n; i++)
		s += (int64_t)v[i] * v[i];
	return s;
}

static float xs[256], ys[256];
static int32_t iv[512];

void main(void)
{
	uint64_t ysum = 0, ldlo = 0;
	uint16_t ldhi = 0;
	long double ld;

	for (int i = 0; i < 256; i++) {
		xs[i] = (float)opaque(i) * 0.37f;
		ys[i] = 1.0f / (float)(opaque(i) + 1);
	}
	for (int i = 0; i < 512; i++)
		iv[i] = (int32_t)(uint32_t)(opaque(i) * 2654435761u);
	saxpy(ys, xs, 1.7f, (int)opaque(256));
	for (int i = 0; i < 256; i++)
		ysum = ysum * 31 + fbits(ys[i]);
	ld = lseries((int)opaque(1000));
	__builtin_memcpy(&ldlo, &ld, 8);
	__builtin_memcpy(&ldhi, (char *)&ld + 8, 2);
	GUEST_SYNC_ARGS(1, dbits(series((int)opaque(500))), fbits(fpoly((float)opaque(2) / 3.0f)), ysum,
			(uint64_t)sum_squares(iv, (int)opaque(512)));
	GUEST_SYNC_ARGS(2, ldlo, ldhi, dbits((double)ld), dbits(1.0 / (double)opaque(3)));
	GUEST_DONE();
}
