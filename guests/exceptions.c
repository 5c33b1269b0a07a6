// SPDX-License-Identifier: MIT
/*
 * exceptions: faults delivered through our IDT, handled, and resumed.
 * Each fault site is an asm block with global labels (X_insn = the faulting
 * instruction, X_resume = where the handler continues), so the guest can
 * check the RIP the CPU reported and a host test can look the labels up.
 *
 * Events, in order:
 *   SYNC 1  #DE: divq by zero, handler resumes at de_resume
 *   SYNC 2  #UD: ud2, handler checks saved GPRs, changes rbx, skips 2 bytes
 *   SYNC 3  #BP: int3 is a trap, RIP reported = bp_after (no fixup needed)
 *   SYNC 4  #PF: not-present read of 0x1000 (error code 0), write to rodata
 *           (error code 3 = P|W), fetch from a data page (0x11 = P|I/D)
 *   SYNC 5  rdmsr_safe/wrmsr_safe: EFER reads 0xd01, MSR 0xdeadbeef #GPs
 *   ABORT   the runtime's report of an exception nobody handles, as
 *           upstream: GUEST_FAIL("Unhandled exception '0x6' at guest RIP
 *           '0x<address of unhandled_ud_insn>'") from guests/lib/processor.c
 * Every SYNC is GUEST_SYNC(n): args[0] = address of "hello", args[1] = n.
 */
#include "guest.h"

GUEST_EXPECT("abort");

/* Labels defined in the asm blocks below. */
extern char de_insn[], de_resume[], ud_insn[], bp_after[];
extern char pf_read_insn[], pf_read_resume[], pf_write_insn[], pf_write_resume[];
extern char pf_fetch_resume[], unhandled_ud_insn[];

/* What the last handler saw. */
static volatile struct {
	uint64_t count, vector, error_code, rip, cr2;
	uint64_t rbx, r8, r15;
} seen;

/* Where the #PF handler resumes; set before each access. */
static volatile uint64_t pf_resume;

static void record(struct ex_regs *regs)
{
	seen.count++;
	seen.vector = regs->vector;
	seen.error_code = regs->error_code;
	seen.rip = regs->rip;
}

static void expect_fault(int vector, uint64_t error_code, void *rip)
{
	GUEST_ASSERT_EQ(seen.count, 1);
	GUEST_ASSERT_EQ(seen.vector, vector);
	GUEST_ASSERT_EQ(seen.error_code, error_code);
	GUEST_ASSERT_EQ(seen.rip, (uint64_t)rip);
	seen.count = 0;
}

/* ---- #DE: a fault, RIP = the div; resume at a label. */
static void de_handler(struct ex_regs *regs)
{
	record(regs);
	regs->rip = (uint64_t)de_resume;
}

/*
 * noipa: exactly one copy of this function, hence of its global labels
 * (no inlining, no cloning).
 */
static __attribute__((noipa)) void test_de(void)
{
	uint64_t rax = 1000, rdx = 0;

	install_exception_handler(DE_VECTOR, de_handler);
	asm volatile(".globl de_insn\n"
		     "de_insn: divq %[zero]\n"
		     ".globl de_resume\n"
		     "de_resume:"
		     : "+a"(rax), "+d"(rdx) : [zero] "c"(0ul));
	expect_fault(DE_VECTOR, 0, de_insn);
	GUEST_ASSERT_EQ(rax, 1000);	/* the faulting div wrote nothing */
	GUEST_SYNC(1);
}

/* ---- #UD: the handler sees the GPRs as they were and can change them. */
static void ud_handler(struct ex_regs *regs)
{
	record(regs);
	seen.rbx = regs->rbx;
	seen.r8 = regs->r8;
	seen.r15 = regs->r15;
	regs->rbx = ~regs->rbx;		/* must come back through iretq path */
	regs->rip += 2;			/* ud2 is 0f 0b */
}

static __attribute__((noipa)) void test_ud(void)
{
	uint64_t rbx = 0xb0b0b0b0b0b0b0b0ul, r8, r15;

	install_exception_handler(UD_VECTOR, ud_handler);
	/*
	 * r8/r15 are loaded inside the asm: a register variable set in C
	 * would not survive the call above (r8 is call-clobbered).
	 */
	asm volatile("movabs $0x0808080808080808, %%r8\n\t"
		     "movabs $0x1515151515151515, %%r15\n\t"
		     ".globl ud_insn\n"
		     "ud_insn: ud2\n\t"
		     "mov %%r8, %[r8]\n\t"
		     "mov %%r15, %[r15]"
		     : "+b"(rbx), [r8] "=&r"(r8), [r15] "=&r"(r15)
		     : : "r8", "r15");
	expect_fault(UD_VECTOR, 0, ud_insn);
	GUEST_ASSERT_EQ(seen.rbx, 0xb0b0b0b0b0b0b0b0ul);
	GUEST_ASSERT_EQ(seen.r8, 0x0808080808080808ul);
	GUEST_ASSERT_EQ(seen.r15, 0x1515151515151515ul);
	GUEST_ASSERT_EQ(rbx, 0x4f4f4f4f4f4f4f4ful);	/* ~0xb0b0... */
	GUEST_ASSERT_EQ(r8, 0x0808080808080808ul);
	GUEST_ASSERT_EQ(r15, 0x1515151515151515ul);
	GUEST_SYNC(2);
}

/* ---- #BP: a trap, the reported RIP is already past the int3. */
static void bp_handler(struct ex_regs *regs)
{
	record(regs);
}

static __attribute__((noipa)) void test_bp(void)
{
	install_exception_handler(BP_VECTOR, bp_handler);
	asm volatile("int3\n"
		     ".globl bp_after\n"
		     "bp_after:" : : : "memory");
	expect_fault(BP_VECTOR, 0, bp_after);
	GUEST_SYNC(3);
}

/* ---- #PF: CR2 and the error code tell what went wrong. */
static void pf_handler(struct ex_regs *regs)
{
	record(regs);
	seen.cr2 = get_cr2();
	regs->rax = 0x5a5a5a5a5a5a5a5aul;	/* "value" of the failed read */
	regs->rip = pf_resume;
}

/* In .rodata, hence on a read-only page (guest.ld). */
static const uint64_t ro_word = 0x1122334455667788ul;
/* In .data, hence on a no-execute page.  0xc3 = ret, never executed. */
static uint8_t nx_code[16] = { 0xc3 };

static __attribute__((noipa)) void test_pf(void)
{
	uint64_t val;

	install_exception_handler(PF_VECTOR, pf_handler);

	/* Read of a not-present page (0x1000: nothing is mapped there). */
	pf_resume = (uint64_t)pf_read_resume;
	asm volatile(".globl pf_read_insn\n"
		     "pf_read_insn: movq (%[addr]), %[val]\n"
		     ".globl pf_read_resume\n"
		     "pf_read_resume:"
		     : [val] "=a"(val) : [addr] "c"(0x1000ul) : "memory");
	expect_fault(PF_VECTOR, 0, pf_read_insn);
	GUEST_ASSERT_EQ(seen.cr2, 0x1000);
	GUEST_ASSERT_EQ(val, 0x5a5a5a5a5a5a5a5aul);

	/* Supervisor write to a read-only page: CR0.WP=1 makes it fault. */
	pf_resume = (uint64_t)pf_write_resume;
	asm volatile(".globl pf_write_insn\n"
		     "pf_write_insn: movq $1, (%[addr])\n"
		     ".globl pf_write_resume\n"
		     "pf_write_resume:"
		     : : [addr] "c"(&ro_word) : "rax", "memory");
	expect_fault(PF_VECTOR, PFERR_PRESENT_MASK | PFERR_WRITE_MASK,
		     pf_write_insn);
	GUEST_ASSERT_EQ(seen.cr2, (uint64_t)&ro_word);
	GUEST_ASSERT_EQ(*(volatile const uint64_t *)&ro_word,
			0x1122334455667788ul);

	/* Instruction fetch from an NX page: RIP = CR2 = the target. */
	pf_resume = (uint64_t)pf_fetch_resume;
	asm volatile("jmp *%[target]\n"
		     ".globl pf_fetch_resume\n"
		     "pf_fetch_resume:"
		     : : [target] "c"(nx_code) : "rax", "memory");
	expect_fault(PF_VECTOR, PFERR_PRESENT_MASK | PFERR_FETCH_MASK,
		     nx_code);
	GUEST_ASSERT_EQ(seen.cr2, (uint64_t)nx_code);

	GUEST_SYNC(4);
}

/* ---- fault-tolerant MSR access (KVM_ASM_SAFE) */
static __attribute__((noipa)) void test_msr(void)
{
	uint64_t val = 0;

	GUEST_ASSERT_EQ(rdmsr_safe(MSR_EFER, &val), 0);
	GUEST_ASSERT_EQ(val, 0xd01);		/* SCE LME LMA NXE, ABI sec. 5 */
	GUEST_ASSERT_EQ(rdmsr(MSR_EFER), 0xd01);
	/* No such MSR: #GP(0), caught by the fixup, no handler involved. */
	GUEST_ASSERT_EQ(rdmsr_safe(0xdeadbeef, &val), GP_VECTOR);
	GUEST_ASSERT_EQ(wrmsr_safe(0xdeadbeef, 0), GP_VECTOR);
	GUEST_ASSERT_EQ(seen.count, 0);
	GUEST_SYNC(5);
}

void main(void)
{
	test_de();
	test_ud();
	test_bp();
	test_pf();
	test_msr();

	/* No handler any more: the runtime's GUEST_FAIL (the runner stops). */
	install_exception_handler(UD_VECTOR, NULL);
	asm volatile(".globl unhandled_ud_insn\n"
		     "unhandled_ud_insn: ud2");
	GUEST_FAIL("execution continued after an unhandled #UD");
}
