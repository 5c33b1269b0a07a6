// Benchmark: pointer chasing over 2048 pages, 8 MiB (16384, 64 MiB at full size), in a pseudo-random
// cycle: every load is to a different page, stressing TLB misses and refills (chase.h).
#include "guest.h"
#include "chase.h"

static struct node nodes[PAGES];

void main(void)
{
	static uint32_t order[PAGES];

	GUEST_SYNC_ARGS(1, chase(chase_link(nodes, order)), 0, 0, 0);
	GUEST_DONE();
}
