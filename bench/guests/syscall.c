// Benchmark: SYSCALL/SYSRET round trips between CPL 3 and CPL 0 through the
// runtime's SYSCALL entry (ring transitions, CPL changes of the fetch path).
#include "guest.h"

/* BENCH_FULL (npm run bench -- --full): the size of issue 11's table. */
#ifdef BENCH_FULL
#define ROUNDS 3000000
#else
#define ROUNDS 200000
#endif

static void on_syscall(struct syscall_regs *r)
{
	r->rax = r->rdi + 1;
}

__user_text uint64_t user_loop(uint64_t n)
{
	uint64_t x = 0;

	for (uint64_t i = 0; i < n; i++)
		x = user_syscall(1, x, 0);
	return x;
}

void main(void)
{
	install_syscall_handler(on_syscall);
	struct user_exit e = run_in_user_mode(user_loop, ROUNDS);

	GUEST_ASSERT(!e.exception && e.value == ROUNDS);
	GUEST_DONE();
}
