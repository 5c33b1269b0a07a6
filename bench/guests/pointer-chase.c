// Benchmark: pointer chasing over 2048 pages, 8 MiB (16384, 64 MiB at full size), in a pseudo-random
// cycle: every load is to a different page, stressing TLB misses and refills.
#include "guest.h"

/* BENCH_FULL (npm run bench -- --full): the size of issue 11's table. */
#ifdef BENCH_FULL
#define PAGES 16384
#define STEPS 54000000
#else
#define PAGES 2048
#define STEPS 3000000
#endif

struct node { struct node *next; uint64_t pad[511]; };
static struct node nodes[PAGES];

void main(void)
{
	static uint32_t order[PAGES];
	uint64_t x = 12345;

	for (uint32_t i = 0; i < PAGES; i++)
		order[i] = i;
	for (uint32_t i = PAGES - 1; i > 0; i--) {
		x = x * 6364136223846793005ULL + 1;
		uint32_t j = (x >> 33) % (i + 1);
		uint32_t t = order[i]; order[i] = order[j]; order[j] = t;
	}
	for (uint32_t i = 0; i < PAGES; i++)
		nodes[order[i]].next = &nodes[order[(i + 1) % PAGES]];
	struct node *p = &nodes[order[0]];
	uint64_t sum = 0;
	for (uint32_t s = 0; s < STEPS; s++) {
		p = p->next;
		sum += (uint64_t)p;
	}
	GUEST_SYNC_ARGS(1, sum, 0, 0, 0);
	GUEST_DONE();
}
