// The moves guests (gpr-moves.c, sse-moves.c): ROUNDS of MOVES_INSNS (AT&T; %0 the source, %1
// the destination, 8 aligned qwords each, clobbering MOVES_CLOBBERS) ending with dst[5] == 6.
#include "micro.h"

void main(void)
{
	static uint64_t src[8] __attribute__((aligned(16))) = { 1, 2, 3, 4, 5, 6, 7, 8 };
	static uint64_t dst[8] __attribute__((aligned(16)));

	for (uint32_t i = 0; i < ROUNDS; i++)
		__asm__ volatile(MOVES_INSNS :: "r"(src), "r"(dst) : MOVES_CLOBBERS, "memory");
	GUEST_ASSERT(dst[5] == 6);
	MICRO_DONE();
}
