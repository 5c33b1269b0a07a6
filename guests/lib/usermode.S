/* SPDX-License-Identifier: MIT */
/*
 * Entering and leaving CPL 3 (usermode.h, usermode.c).
 *
 * __run_user(fn, arg, rflags, rsp) saves the callee-saved registers and
 * RFLAGS on the runtime's stack, remembers that stack in user_kernel_rsp,
 * and IRETQs to user_trampoline at CPL 3 (SDM Vol. 3 6.14.3 / IRET: the
 * frame is RIP, CS, RFLAGS, RSP, SS).  __leave_user_mode(value) goes back
 * there from anywhere at CPL 0 and returns value from __run_user.
 */
#define USER_CS 0x2b
#define USER_DS 0x23
#define USER_SYSCALL_EXIT 0x5553455245584954

	.text
	.globl __run_user
	.type __run_user, @function
__run_user:
	push %rbp
	push %rbx
	push %r12
	push %r13
	push %r14
	push %r15
	pushfq
	mov %rsp, user_kernel_rsp(%rip)
	pushq $USER_DS
	pushq %rcx			/* user RSP */
	pushq %rdx			/* user RFLAGS */
	pushq $USER_CS
	pushq $user_trampoline		/* 32-bit sign-extended: user half */
	mov %rdi, %rax			/* fn */
	mov %rsi, %rdi			/* arg */
	/* Nothing of the kernel's leaks into user registers. */
	xor %ebx, %ebx
	xor %ecx, %ecx
	xor %edx, %edx
	xor %esi, %esi
	xor %ebp, %ebp
	xor %r8d, %r8d
	xor %r9d, %r9d
	xor %r10d, %r10d
	xor %r11d, %r11d
	xor %r12d, %r12d
	xor %r13d, %r13d
	xor %r14d, %r14d
	xor %r15d, %r15d
	iretq
	.size __run_user, . - __run_user

	.globl __leave_user_mode
	.type __leave_user_mode, @function
__leave_user_mode:
	mov %rdi, %rax
	mov user_kernel_rsp(%rip), %rsp
	popfq
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbx
	pop %rbp
	ret
	.size __leave_user_mode, . - __leave_user_mode

/*
 * LSTAR while in user mode.  SYSCALL (SDM SYSCALL, APM Vol. 2 6.1.1) put
 * the user RIP in RCX and RFLAGS in R11, loaded CS/SS from STAR and masked
 * RFLAGS with SFMASK; RSP is still the user's.  Build struct syscall_regs
 * (usermode.h) on the ring-0 entry stack without touching RFLAGS first, so
 * the recorded RFLAGS is the one SYSCALL produced.
 */
	.globl user_syscall_entry
	.type user_syscall_entry, @function
user_syscall_entry:
	mov %rsp, user_syscall_rsp(%rip)
	mov user_entry_stack_top(%rip), %rsp
	lea -8(%rsp), %rsp		/* keeps the call below 16-byte aligned */
	pushq user_syscall_rsp(%rip)
	push %r15
	push %r14
	push %r13
	push %r12
	push %r11
	push %r10
	push %r9
	push %r8
	push %rbp
	push %rdi
	push %rsi
	push %rdx
	push %rcx
	push %rbx
	push %rax
	mov %ss, %eax
	push %rax
	mov %cs, %eax
	push %rax
	pushfq
	mov $USER_SYSCALL_EXIT, %rax
	cmp %rax, 24(%rsp)		/* rax */
	je 1f
	mov %rsp, %rdi
	cld
	call user_syscall_dispatch
	add $24, %rsp			/* rflags, cs, ss */
	pop %rax
	pop %rbx
	pop %rcx
	pop %rdx
	pop %rsi
	pop %rdi
	pop %rbp
	pop %r8
	pop %r9
	pop %r10
	pop %r11
	pop %r12
	pop %r13
	pop %r14
	pop %r15
	pop %rsp
	sysretq
1:	mov 64(%rsp), %rdi		/* rdi: fn's result */
	jmp __leave_user_mode
	.size user_syscall_entry, . - user_syscall_entry

	.bss
	.p2align 3
user_kernel_rsp:
	.quad 0
user_syscall_rsp:
	.quad 0

/*
 * CPL 3: call fn(arg) as a function (RSP is 16-byte aligned here), then
 * leave with SYSCALL(USER_SYSCALL_EXIT, result).
 */
	.section .user_text, "ax", @progbits
	.globl user_trampoline
	.type user_trampoline, @function
user_trampoline:
	call *%rax
	mov %rax, %rdi
	mov $USER_SYSCALL_EXIT, %rax
	syscall
	ud2				/* not reached */
	.size user_trampoline, . - user_trampoline

	.section .note.GNU-stack, "", @progbits
