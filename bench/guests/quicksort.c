// Benchmark: quicksort of 100,000 pseudo-random 32-bit integers (compares,
// unpredictable branches, recursion), checked sorted afterwards.
#include "guest.h"

/* BENCH_FULL (npm run bench -- --full): the size of issue 11's table. */
#ifdef BENCH_FULL
#define N 1000000
#else
#define N 100000
#endif

static uint32_t a[N];

static void quicksort(uint32_t *v, long lo, long hi)
{
	while (lo < hi) {
		uint32_t pivot = v[lo + (hi - lo) / 2];
		long i = lo, j = hi;

		while (i <= j) {
			while (v[i] < pivot) i++;
			while (v[j] > pivot) j--;
			if (i <= j) {
				uint32_t t = v[i]; v[i] = v[j]; v[j] = t;
				i++; j--;
			}
		}
		if (j - lo < hi - i) { quicksort(v, lo, j); lo = i; }
		else { quicksort(v, i, hi); hi = j; }
	}
}

void main(void)
{
	uint64_t x = 88172645463325252ull;

	for (long i = 0; i < N; i++) {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		a[i] = (uint32_t)x;
	}
	quicksort(a, 0, N - 1);
	for (long i = 1; i < N; i++)
		GUEST_ASSERT(a[i - 1] <= a[i]);
	GUEST_DONE();
}
