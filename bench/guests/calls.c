// Benchmark: calls and returns (naive recursive Fibonacci, not inlined).
#include "guest.h"

/* BENCH_FULL (npm run bench -- --full): the size of issue 11's table. */
#ifdef BENCH_FULL
#define N 34
#else
#define N 27
#endif

static noinline uint64_t fib(uint64_t n)
{
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

void main(void)
{
	uint64_t r = fib(N);

	GUEST_SYNC_ARGS(1, r, 0, 0, 0);
	GUEST_DONE();
}
