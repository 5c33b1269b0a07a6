/* SPDX-License-Identifier: MIT */
/*
 * Running guest code at CPL 3 (usermode.c, usermode.S).
 *
 *     static __user_text uint64_t fn(uint64_t arg) { ... return v; }
 *     struct user_exit e = run_in_user_mode(fn, arg);
 *
 * run_in_user_mode() IRETQs to fn at CPL 3 (CS 0x2b, SS 0x23, RFLAGS 0x2 or
 * the value given to run_in_user_mode_rflags()) on the ABI user stack
 * (USER_STACK_TOP, 16-byte aligned, so fn is entered as if called: RSP =
 * USER_STACK_TOP - 8).  It comes back when fn returns (through SYSCALL with
 * RAX = USER_SYSCALL_EXIT: e.exception = false, e.value = fn's result) or
 * when an exception from CPL 3 is neither fixed up (KVM_ASM_SAFE) nor
 * handled by an installed handler (e.exception = true, e.ex = the frame).
 *
 * Exceptions from CPL 3 are delivered on a ring-0 stack of their own,
 * user_entry_stack_top, which run_in_user_mode() writes to TSS.RSP0 (SDM
 * Vol. 3 6.14.4: the CPU loads RSP0 from the TSS on a privilege change), so
 * the runtime's own stack is never overwritten.  SYSCALL enters
 * user_syscall_entry (written to LSTAR) on the same stack; a SYSCALL other
 * than USER_SYSCALL_EXIT goes to the handler installed with
 * install_syscall_handler() and returns with SYSRETQ (RCX, R11 and RSP from
 * struct syscall_regs, which the handler may change).  STAR and SFMASK are
 * the guest's: the ABI's STAR gives CS/SS 0x08/0x10 and 0x2b/0x23.
 *
 * Code that runs at CPL 3 must live in the user half (__user_text) and may
 * only call user-half code: the USER_GUEST_* macros (ucall.h), the
 * __user_* copies of the string and printf functions, always-inline helpers.
 * Data it touches must be in user pages (__user_data, alloc_user_pages()).
 */
#ifndef RINGZERO_USERMODE_H
#define RINGZERO_USERMODE_H

#include <stdbool.h>
#include <stdint.h>

#include "processor.h"

#define USER_STACK_TOP 0x00007ffffffff000ul	/* Guest ABI section 3 */
#define USER_SYSCALL_EXIT 0x5553455245584954ul	/* "USEREXIT" */

struct user_exit {
	bool exception;		/* false: fn returned value */
	uint64_t value;
	struct exception_frame ex;	/* exception: what the CPU delivered */
};

/* What SYSCALL left, as user_syscall_entry saw it (lowest address first). */
struct syscall_regs {
	uint64_t rflags;	/* RFLAGS right after SYSCALL (masked by SFMASK) */
	uint64_t cs, ss;	/* selectors right after SYSCALL */
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;	/* rcx = user RIP */
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;	/* r11 = user RFLAGS */
	uint64_t rsp;		/* the user RSP (SYSCALL does not switch stacks) */
};

extern uint64_t user_entry_stack_top;	/* TSS.RSP0 while in user mode */
extern char user_syscall_entry[];	/* LSTAR while in user mode */

struct user_exit run_in_user_mode(uint64_t (*fn)(uint64_t), uint64_t arg);
struct user_exit run_in_user_mode_rflags(uint64_t (*fn)(uint64_t), uint64_t arg,
					 uint64_t rflags);
/* Handler for SYSCALLs from user mode (NULL: a SYSCALL is a GUEST_FAIL). */
void install_syscall_handler(void (*handler)(struct syscall_regs *));

/*
 * Used by route_exception(): if regs is an exception from CPL 3 during
 * run_in_user_mode(), end the user run with it (does not return); else false.
 */
bool user_mode_catch(struct ex_regs *regs, const struct exception_frame *f);
/* exception_init() calls it: TSS.RSP0 = user_entry_stack_top from the start. */
void usermode_init(void);

/* ---- for CPL 3 code */
static inline __attribute__((always_inline)) uint64_t
user_syscall(uint64_t nr, uint64_t a1, uint64_t a2)
{
	uint64_t ret = nr;

	asm volatile("syscall"
		     : "+a"(ret) : "D"(a1), "S"(a2) : "rcx", "r11", "memory");
	return ret;
}

#endif
