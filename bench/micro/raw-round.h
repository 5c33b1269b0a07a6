// The rounds of pf-raw.c and int3-raw.c: clear P in a page's PTE, INVLPG, ROUND_ENTRY (nothing,
// or an INT3), then load the page: a #PF (pf-raw) or the INT3 (int3-raw) enters a bare handler at
// ROUND_VECTOR that sets P again and IRETQs (ROUND_HANDLER, AT&T, labelled raw_handler), and the
// load walks and refills.
#include "micro.h"

uint64_t *pf_pte;
extern char raw_handler[];
__asm__(".text\nraw_handler: push %rax\n mov pf_pte(%rip), %rax\n orq $1, (%rax)\n pop %rax\n" ROUND_HANDLER_END);

void main(void)
{
	volatile uint64_t *page = alloc_supervisor_page();
	uint64_t sum = 0;

	pf_pte = get_pte((const void *)page);
	*page = 7;
	set_raw_gate(ROUND_VECTOR, raw_handler);
	for (uint32_t i = 0; i < ROUNDS; i++) {
		*pf_pte &= ~PTE_PRESENT_MASK;
		invlpg((const void *)page);
		__asm__ volatile(ROUND_ENTRY ::: "memory");
		sum += *page;
	}
	GUEST_ASSERT(sum == 7ull * ROUNDS);
	MICRO_DONE();
}
