// Benchmark: memory copy, 64-bit loads and stores over a 256 KiB buffer (64
// pages), repeated; exercises the TLB fast path for data.
#include "guest.h"

#define WORDS (256 * 1024 / 8)
/* BENCH_FULL (npm run bench -- --full): the size of issue 11's table. */
#ifdef BENCH_FULL
#define ROUNDS 1200
#else
#define ROUNDS 60
#endif

static uint64_t src[WORDS], dst[WORDS];

void main(void)
{
	for (uint64_t i = 0; i < WORDS; i++)
		src[i] = i * 0x9e3779b97f4a7c15ULL;
	for (int r = 0; r < ROUNDS; r++) {
		volatile uint64_t *d = dst;
		const volatile uint64_t *s = src;
		for (uint64_t i = 0; i < WORDS; i++)
			d[i] = s[i] + r;
	}
	GUEST_SYNC_ARGS(1, dst[WORDS - 1], dst[7], 0, 0);
	GUEST_DONE();
}
