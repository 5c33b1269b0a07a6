// Three 8-byte loads and three 8-byte stores a round: the cost of ordinary memory moves, beside
// sse-moves (the runtime's exception path saves and restores XMM registers with 16-byte moves).
#define MOVES_INSNS "mov (%0), %%r8\n mov 16(%0), %%r9\n mov 40(%0), %%r10\n" \
		    "mov %%r8, (%1)\n mov %%r9, 16(%1)\n mov %%r10, 40(%1)\n"
#define MOVES_CLOBBERS "r8", "r9", "r10"
#include "moves.h"
