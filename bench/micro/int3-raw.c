// pf-raw's round entered by INT3 instead of a fault: the same handler work (set P, IRETQ), the
// same INVLPG and refilling load. pf-raw minus this is what the fault itself costs.
#include "micro.h"

uint64_t *pf_pte;
extern char raw_bp[];
__asm__(".text\nraw_bp: push %rax\n mov pf_pte(%rip), %rax\n orq $1, (%rax)\n pop %rax\n iretq\n");

void main(void)
{
	volatile uint64_t *page = alloc_supervisor_page();
	uint64_t sum = 0;

	pf_pte = get_pte((const void *)page);
	*page = 7;
	set_raw_gate(3, raw_bp);
	for (uint32_t i = 0; i < ROUNDS; i++) {
		*pf_pte &= ~PTE_PRESENT_MASK;
		invlpg((const void *)page);
		__asm__ volatile("int3" ::: "memory");
		sum += *page;
	}
	GUEST_ASSERT(sum == 7ull * ROUNDS);
	MICRO_DONE();
}
