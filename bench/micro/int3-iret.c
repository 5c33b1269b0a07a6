// INT3 to a bare IRETQ handler and back: delivery through the IDT and IRETQ, nothing else.
#include "micro.h"

extern char raw_iret[];
__asm__(".text\nraw_iret: iretq\n");

void main(void)
{
	set_raw_gate(3, raw_iret);
	for (uint32_t i = 0; i < ROUNDS; i++)
		__asm__ volatile("int3" ::: "memory");
	MICRO_DONE();
}
