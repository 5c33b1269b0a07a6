// INT3 through the guest runtime's path (handle_exception's saves, route_exception, a C handler,
// the restores, IRETQ): what every exception a selftest handles costs.
#include "micro.h"

static uint64_t n;

static void on_bp(struct ex_regs *regs)
{
	(void)regs;
	n++;
}

void main(void)
{
	install_exception_handler(3, on_bp);
	for (uint32_t i = 0; i < ROUNDS; i++)
		__asm__ volatile("int3" ::: "memory");
	GUEST_ASSERT(n == ROUNDS);
	MICRO_DONE();
}
