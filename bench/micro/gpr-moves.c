// Three 8-byte loads and three 8-byte stores a round: the cost of ordinary memory moves, beside
// sse-moves (the runtime's exception path saves and restores XMM registers with 16-byte moves).
#include "micro.h"

void main(void)
{
	static uint64_t src[8] __attribute__((aligned(16))) = { 1, 2, 3, 4, 5, 6, 7, 8 };
	static uint64_t dst[8] __attribute__((aligned(16)));

	for (uint32_t i = 0; i < ROUNDS; i++)
		__asm__ volatile("mov (%0), %%r8\n mov 16(%0), %%r9\n mov 40(%0), %%r10\n"
				 "mov %%r8, (%1)\n mov %%r9, 16(%1)\n mov %%r10, 40(%1)\n"
				 :: "r"(src), "r"(dst) : "r8", "r9", "r10", "memory");
	GUEST_ASSERT(dst[5] == 6);
	MICRO_DONE();
}
