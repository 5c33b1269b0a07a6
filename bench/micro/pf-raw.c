// The page-fault loop with a bare handler: clear P, INVLPG, the load faults (#PF), the handler
// (six instructions) sets P and IRETQ retries the load, which walks and refills.
#include "micro.h"

uint64_t *pf_pte;
extern char raw_pf[];
__asm__(".text\nraw_pf: push %rax\n mov pf_pte(%rip), %rax\n orq $1, (%rax)\n pop %rax\n add $8, %rsp\n iretq\n");

void main(void)
{
	volatile uint64_t *page = alloc_supervisor_page();
	uint64_t sum = 0;

	pf_pte = get_pte((const void *)page);
	*page = 7;
	set_raw_gate(14, raw_pf);
	for (uint32_t i = 0; i < ROUNDS; i++) {
		*pf_pte &= ~PTE_PRESENT_MASK;
		invlpg((const void *)page);
		sum += *page;
	}
	GUEST_ASSERT(sum == 7ull * ROUNDS);
	MICRO_DONE();
}
