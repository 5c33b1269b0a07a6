// gpr-moves with 16-byte SSE moves: three MOVDQU loads and three MOVAPS stores a round, as the
// runtime's exception path saves and restores XMM registers.
#include "micro.h"

void main(void)
{
	static uint64_t src[8] __attribute__((aligned(16))) = { 1, 2, 3, 4, 5, 6, 7, 8 };
	static uint64_t dst[8] __attribute__((aligned(16)));

	for (uint32_t i = 0; i < ROUNDS; i++)
		__asm__ volatile("movdqu (%0), %%xmm1\n movdqu 16(%0), %%xmm2\n movdqu 32(%0), %%xmm3\n"
				 "movaps %%xmm1, (%1)\n movaps %%xmm2, 16(%1)\n movaps %%xmm3, 32(%1)\n"
				 :: "r"(src), "r"(dst) : "xmm1", "xmm2", "xmm3", "memory");
	GUEST_ASSERT(dst[5] == 6);
	MICRO_DONE();
}
