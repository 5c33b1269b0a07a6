// Benchmark: a bytecode interpreter (threaded dispatch: an indirect jump per
// bytecode) running a small stack-machine program: sum of i*i mod 7.
#include "guest.h"

/* BENCH_FULL (npm run bench -- --full): the size of issue 11's table. */
#ifdef BENCH_FULL
#define COUNT 1000000
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
	/* Threaded dispatch through a table of label addresses (GNU C computed goto): an
	 * indirect JMP after every bytecode. (The guests are built with -fno-jump-tables,
	 * so a switch would compile to a chain of compares and no indirect jump at all.) */
	static const void *const ops[] = {
		[OP_PUSH] = &&op_push, [OP_LOAD] = &&op_load, [OP_STORE] = &&op_store,
		[OP_ADD] = &&op_add, [OP_MUL] = &&op_mul, [OP_MOD] = &&op_mod, [OP_LT] = &&op_lt,
		[OP_JZ] = &&op_jz, [OP_JMP] = &&op_jmp, [OP_HALT] = &&op_halt, [OP_DUP] = &&op_dup,
		[OP_DROP] = &&op_drop,
	};
	int64_t stack[16], vars[4] = { 0 };
	int sp = 0, pc = 0;

#define NEXT goto *ops[code[pc++]]
	NEXT;
op_push:	stack[sp++] = code[pc++]; NEXT;
op_load:	stack[sp++] = vars[code[pc++]]; NEXT;
op_store:	vars[code[pc++]] = stack[--sp]; NEXT;
op_add:		sp--; stack[sp - 1] += stack[sp]; NEXT;
op_mul:		sp--; stack[sp - 1] *= stack[sp]; NEXT;
op_mod:		sp--; stack[sp - 1] %= stack[sp]; NEXT;
op_lt:		sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; NEXT;
op_jz:		if (stack[--sp] == 0) pc = code[pc]; else pc++; NEXT;
op_jmp:		pc = code[pc]; NEXT;
op_dup:		stack[sp] = stack[sp - 1]; sp++; NEXT;
op_drop:	sp--; NEXT;
op_halt:	return vars[1];
#undef NEXT
}

void main(void)
{
	int64_t expect = 0;

	for (int64_t i = 0; i < COUNT; i++)
		expect += i * i % 7;
	GUEST_ASSERT(run(program) == expect);
	GUEST_DONE();
}
