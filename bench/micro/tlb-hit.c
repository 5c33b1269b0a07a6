// The loop of tlb-miss without its INVLPG: the PTE write and the load hit the TLB.
#include "micro.h"

void main(void)
{
	volatile uint64_t *page = alloc_supervisor_page();
	uint64_t *pte = get_pte((const void *)page);
	uint64_t sum = 0;

	*page = 7;
	for (uint32_t i = 0; i < ROUNDS; i++) {
		*pte |= PTE_PRESENT_MASK;
		__asm__ volatile("" ::: "memory");
		sum += *page;
	}
	GUEST_ASSERT(sum == 7ull * ROUNDS);
	MICRO_DONE();
}
