// Benchmark: integer arithmetic with data-dependent branches (an LCG driving
// adds, xors, shifts and a compare). About 12 instructions per iteration.
#include "guest.h"

/* BENCH_FULL (npm run bench -- --full): the size of issue 11's table. */
#ifdef BENCH_FULL
#define ITERATIONS 20000000ULL
#else
#define ITERATIONS 5000000ULL
#endif

void main(void)
{
	uint64_t x = 1, acc = 0, odd = 0;

	for (uint64_t i = 0; i < ITERATIONS; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		if (x & 0x100)
			acc += x >> 7;
		else
			acc ^= x << 3;
		odd += (x >> 63);
	}
	GUEST_SYNC_ARGS(1, acc, odd, 0, 0);
	GUEST_DONE();
}
