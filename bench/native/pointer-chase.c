// The pointer chase of bench/guests/pointer-chase.c run natively on the host (npm run bench builds it
// with gcc -O2 and prints its time beside the guest's): the host's own memory latency over the same
// pages and steps, which bounds what any emulator can reach on this guest. Prints the chase's
// nanoseconds and its sum.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "../guests/chase.h"

int main(void)
{
	static uint32_t order[PAGES];
	/* Page-aligned 4 KiB pages, as the guest's RAM is (no huge pages asked for). */
	struct node *nodes = aligned_alloc(4096, sizeof(struct node) * PAGES);
	struct timespec t0, t1;

	if (nodes == NULL)
		return 1;
	struct node *start = chase_link(nodes, order);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	uint64_t sum = chase(start);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%lld %llu\n", (long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec), (unsigned long long)sum);
	return 0;
}
