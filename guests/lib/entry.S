/* SPDX-License-Identifier: MIT */
/*
 * Guest entry point and exception entry stubs.
 *
 * The stubs and the common handler mirror KVM selftests'
 * lib/x86_64/handlers.S, so struct ex_regs (processor.h) has the same layout
 * and KVM guest handlers port unchanged.
 */

/*
 * _start, as the runner enters it (Guest ABI section 5): CPL 0, RSP =
 * 0xfffffe0000020000 (16-byte aligned, so calls below meet the SysV
 * alignment rule), RDI = vCPU index, RSI = RAM size, RFLAGS = 0x2 (IF=0,
 * DF=0), IDTR = {0, 0}: until exception_init() has loaded our IDT any
 * exception is a triple fault, so nothing before it may fault.
 */
	.section .text.entry, "ax", @progbits
	.globl _start
	.type _start, @function
_start:
	xor %ebp, %ebp			/* end of the frame-pointer chain */
	mov %rdi, guest_vcpu_id(%rip)
	mov %rsi, guest_ram_size(%rip)
	call exception_init		/* build the IDT, lidt (processor.c) */
	call main
	call ucall_done			/* main returned: GUEST_DONE */
1:	cli				/* a host resumed us after that DONE: park */
	hlt
	jmp 1b
	.size _start, . - _start

/*
 * Common exception path.  Each stub has pushed an error code (the CPU's, or
 * a dummy 0 for vectors without one) and the vector; the CPU pushed SS, RSP,
 * RFLAGS, CS, RIP before that.  Push the GPRs so that the stack from RSP up
 * is exactly struct ex_regs, hand it to route_exception(), then restore
 * (a handler may have changed any field, e.g. rip to skip an instruction)
 * and return.
 *
 * Alignment: the CPU aligns RSP to 16 before pushing its 5 words; with the
 * error code, vector and 15 GPRs that makes 22 words, so RSP is 16-byte
 * aligned at the call, as the ABI requires.
 */
	.text
	.type handle_exception, @function
handle_exception:
	push %r15
	push %r14
	push %r13
	push %r12
	push %r11
	push %r10
	push %r9
	push %r8
	push %rdi
	push %rsi
	push %rbp
	push %rbx
	push %rdx
	push %rcx
	push %rax
	mov %rsp, %rdi
	/* Compiled C assumes DF=0; the interrupted code may have set it
	 * (iretq restores its RFLAGS). */
	cld
	call route_exception
	pop %rax
	pop %rcx
	pop %rdx
	pop %rbx
	pop %rbp
	pop %rsi
	pop %rdi
	pop %r8
	pop %r9
	pop %r10
	pop %r11
	pop %r12
	pop %r13
	pop %r14
	pop %r15
	add $16, %rsp			/* drop vector and error code */
	iretq
	.size handle_exception, . - handle_exception

/*
 * One stub per vector, and their addresses in idt_handlers[] (.rodata),
 * which exception_init() turns into IDT gates.  The CPU pushes an error code
 * only for #DF(8), #TS(10), #NP(11), #SS(12), #GP(13), #PF(14), #AC(17),
 * #CP(21), #VC(29) and #SX(30); every other stub pushes a 0 in its place so
 * the frame always has the same shape.
 */
.macro HANDLERS has_error from to
	vector = \from
	.rept \to - \from + 1
	.p2align 4
666:
	.pushsection .rodata
	.quad 666b
	.popsection
	.if ! \has_error
	pushq $0
	.endif
	pushq $vector
	jmp handle_exception
	vector = vector + 1
	.endr
.endm

	.pushsection .rodata
	.p2align 3
	.globl idt_handlers
	.type idt_handlers, @object
idt_handlers:
	.popsection

	.text
	.p2align 4
	.globl idt_stubs
idt_stubs:
	HANDLERS has_error=0 from=0  to=7
	HANDLERS has_error=1 from=8  to=8
	HANDLERS has_error=0 from=9  to=9
	HANDLERS has_error=1 from=10 to=14
	HANDLERS has_error=0 from=15 to=16
	HANDLERS has_error=1 from=17 to=17
	HANDLERS has_error=0 from=18 to=20
	HANDLERS has_error=1 from=21 to=21
	HANDLERS has_error=0 from=22 to=28
	HANDLERS has_error=1 from=29 to=30
	HANDLERS has_error=0 from=31 to=255

	.pushsection .rodata
	.size idt_handlers, . - idt_handlers
	.popsection

	/* No executable stack wanted (silences ld's warning for .S files). */
	.section .note.GNU-stack, "", @progbits
