// Benchmark: a bytecode interpreter (switch dispatch through a jump table:
// indirect jumps) running a small stack-machine program: sum of i*i mod 7.
#include "guest.h"

/* BENCH_FULL (npm run bench -- --full): the size of issue 11's table. */
#ifdef BENCH_FULL
#define COUNT 600000
#else
#define COUNT 100000
#endif

enum { OP_PUSH, OP_LOAD, OP_STORE, OP_ADD, OP_MUL, OP_MOD, OP_LT, OP_JZ, OP_JMP, OP_HALT, OP_DUP, OP_DROP };

static const int32_t program[] = {
	/* 0 */ OP_PUSH, 0, OP_STORE, 0,		/* i = 0 */
	/* 4 */ OP_PUSH, 0, OP_STORE, 1,		/* s = 0 */
	/* 8 */ OP_LOAD, 0, OP_PUSH, COUNT, OP_LT, OP_JZ, 39,
	/* 15 */ OP_LOAD, 0, OP_DUP, OP_MUL, OP_PUSH, 7, OP_MOD, OP_LOAD, 1, OP_ADD, OP_STORE, 1,
	/* 27 */ OP_LOAD, 0, OP_PUSH, 1, OP_ADD, OP_STORE, 0, OP_JMP, 8, OP_HALT, OP_HALT, OP_HALT,
	/* 39 */ OP_HALT,
};

static noinline int64_t run(const int32_t *code)
{
	int64_t stack[16], vars[4] = { 0 };
	int sp = 0, pc = 0;

	for (;;) {
		switch (code[pc++]) {
		case OP_PUSH: stack[sp++] = code[pc++]; break;
		case OP_LOAD: stack[sp++] = vars[code[pc++]]; break;
		case OP_STORE: vars[code[pc++]] = stack[--sp]; break;
		case OP_ADD: sp--; stack[sp - 1] += stack[sp]; break;
		case OP_MUL: sp--; stack[sp - 1] *= stack[sp]; break;
		case OP_MOD: sp--; stack[sp - 1] %= stack[sp]; break;
		case OP_LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
		case OP_JZ: if (stack[--sp] == 0) pc = code[pc]; else pc++; break;
		case OP_JMP: pc = code[pc]; break;
		case OP_DUP: stack[sp] = stack[sp - 1]; sp++; break;
		case OP_DROP: sp--; break;
		case OP_HALT: return vars[1];
		default: return -1;
		}
	}
}

void main(void)
{
	int64_t expect = 0;

	for (int64_t i = 0; i < COUNT; i++)
		expect += i * i % 7;
	GUEST_ASSERT(run(program) == expect);
	GUEST_DONE();
}
