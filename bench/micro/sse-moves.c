// gpr-moves with 16-byte SSE moves: three MOVDQU loads and three MOVAPS stores a round, as the
// runtime's exception path saves and restores XMM registers.
#define MOVES_INSNS "movdqu (%0), %%xmm1\n movdqu 16(%0), %%xmm2\n movdqu 32(%0), %%xmm3\n" \
		    "movaps %%xmm1, (%1)\n movaps %%xmm2, 16(%1)\n movaps %%xmm3, 32(%1)\n"
#define MOVES_CLOBBERS "xmm1", "xmm2", "xmm3"
#include "moves.h"
