// SPDX-License-Identifier: MIT
/*
 * run_in_user_mode() and the ring-0 side of user mode (usermode.h); the
 * stack switching and the SYSCALL entry are in usermode.S.
 */
#include "guest.h"

/* The ring-0 stack for events from CPL 3 (TSS.RSP0) and for SYSCALL. */
static uint8_t user_entry_stack[16384] __attribute__((aligned(4096)));
uint64_t user_entry_stack_top;

static void (*syscall_handler)(struct syscall_regs *);
static bool user_run_active;
static struct user_exit *user_run_exit;

/* usermode.S */
uint64_t __run_user(uint64_t (*fn)(uint64_t), uint64_t arg, uint64_t rflags,
		    uint64_t rsp);
void __leave_user_mode(uint64_t value) __attribute__((noreturn));

void usermode_init(void)
{
	user_entry_stack_top = (uint64_t)user_entry_stack + sizeof(user_entry_stack);
	tss_write64(TSS_RSP0, user_entry_stack_top);
}

void install_syscall_handler(void (*handler)(struct syscall_regs *))
{
	syscall_handler = handler;
}

/* Called by user_syscall_entry for every SYSCALL but USER_SYSCALL_EXIT. */
void user_syscall_dispatch(struct syscall_regs *regs)
{
	if (!syscall_handler)
		GUEST_FAIL("SYSCALL %#lx from user mode with no handler", regs->rax);
	syscall_handler(regs);
}

struct user_exit run_in_user_mode_rflags(uint64_t (*fn)(uint64_t), uint64_t arg,
					 uint64_t rflags)
{
	struct user_exit exit = { 0 };

	if (user_run_active)
		GUEST_FAIL("run_in_user_mode() is not reentrant");
	tss_write64(TSS_RSP0, user_entry_stack_top);
	wrmsr(MSR_LSTAR, (uint64_t)user_syscall_entry);
	user_run_exit = &exit;
	user_run_active = true;
	exit.value = __run_user(fn, arg, rflags, USER_STACK_TOP);
	user_run_active = false;
	return exit;
}

struct user_exit run_in_user_mode(uint64_t (*fn)(uint64_t), uint64_t arg)
{
	return run_in_user_mode_rflags(fn, arg, X86_EFLAGS_FIXED);
}

bool user_mode_catch(struct ex_regs *regs, const struct exception_frame *f)
{
	if (!user_run_active || (f->cs & 3) != 3)
		return false;
	user_run_exit->exception = true;
	user_run_exit->ex = *f;
	__leave_user_mode(0);
}
