// int3-runtime's instructions without the exception: the runtime's saves, route_exception, the C
// handler and the restores, entered by CALL with a frame laid out as delivery lays it, left by RET.
#include "micro.h"

static uint64_t n;

static void on_bp(struct ex_regs *regs)
{
	(void)regs;
	n++;
}

extern char fake_entry[];
__asm__(".text\nfake_entry:\n"
	" sub $8, %rsp; push $0x10; push %rsp; pushf; push $8; push $0; push $0; push $3\n"
	" push %r15; push %r14; push %r13; push %r12; push %r11; push %r10; push %r9; push %r8\n"
	" push %rdi; push %rsi; push %rbp; push %rbx; push %rdx; push %rcx; push %rax\n"
	" mov %rsp, %rdi\n cld\n call route_exception\n"
	" pop %rax; pop %rcx; pop %rdx; pop %rbx; pop %rbp; pop %rsi; pop %rdi\n"
	" pop %r8; pop %r9; pop %r10; pop %r11; pop %r12; pop %r13; pop %r14; pop %r15\n"
	" add $0x40, %rsp\n ret\n");

void main(void)
{
	install_exception_handler(3, on_bp);
	for (uint32_t i = 0; i < ROUNDS; i++)
		__asm__ volatile("call fake_entry" ::: "memory", "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11");
	GUEST_ASSERT(n == ROUNDS);
	MICRO_DONE();
}
