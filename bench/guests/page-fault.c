// Benchmark: the page-fault loop of selftests that test paging: clear P in a
// PTE, INVLPG, touch the page (#PF), the handler sets P again, IRETQ retries.
// Exception delivery, IRETQ, INVLPG and a TLB refill per round.
#include "guest.h"

/* BENCH_FULL (npm run bench -- --full): the size of issue 11's table. */
#ifdef BENCH_FULL
#define ROUNDS 1800000
#else
#define ROUNDS 100000
#endif

static volatile uint64_t *page;
static uint64_t *pte;
static uint64_t faults;

static void on_page_fault(struct ex_regs *regs)
{
	(void)regs;
	*pte |= PTE_PRESENT_MASK;
	faults++;
}

void main(void)
{
	uint64_t sum = 0;

	page = alloc_supervisor_page();
	pte = get_pte((const void *)page);
	*page = 7;
	install_exception_handler(14, on_page_fault);
	for (uint32_t i = 0; i < ROUNDS; i++) {
		*pte &= ~PTE_PRESENT_MASK;
		invlpg((const void *)page);
		sum += *page;
	}
	GUEST_ASSERT(faults == ROUNDS && sum == 7ull * ROUNDS);
	GUEST_DONE();
}
