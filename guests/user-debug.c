// SPDX-License-Identifier: MIT
/*
 * user-debug: alignment checking from CPL 3, single-step and debug-register
 * breakpoints at CPL 0, each with the exact vector, error code, RIP, RFLAGS
 * and DR6 (SDM Vol. 3 6.15 "Interrupt 17", 17.2-17.3; APM Vol. 2 13.1).
 *
 * Events, in order:
 *   SYNC {"hello", 1}  #AC table passed: CPL 3 with CR0.AM and RFLAGS.AC,
 *                      sizes 2/4/8 at every offset, loads and stores (also
 *                      behind KVM_FEP when forced emulation is on); AC = 0 or
 *                      AM = 0 never faults
 *   SYNC {"hello", 2}  single-step after POPF sets TF: #DB traps after each
 *                      of the three following instructions, DR6.BS set
 *   SYNC {"hello", 3}  DR0 execute breakpoint: a fault at the instruction,
 *                      RF = 0 pushed, DR6.B0; the handler sets RF to go on
 *   SYNC {"hello", 4}  DR1 8-byte write breakpoint: a trap after the store,
 *                      DR6.B1; a read of the same bytes does not match
 *   DONE
 */
#include "ring3.h"

#define DR6_RESERVED 0xffff0ff0ul
#define DR6_B0 (1ul << 0)
#define DR6_B1 (1ul << 1)
#define DR6_BS (1ul << 14)
#define DR7_FIXED 0x400ul

/* ---- #AC: CPL 3, CR0.AM = 1, RFLAGS.AC = 1 ----------------------------- */

USER_PROBES(p_load2, "movw (%rdi), %ax");
USER_PROBES(p_load4, "movl (%rdi), %eax");
USER_PROBES(p_load8, "movq (%rdi), %rax");
USER_PROBES(p_store2, "movw %ax, (%rdi)");
USER_PROBES(p_store4, "movl %eax, (%rdi)");
USER_PROBES(p_store8, "movq %rax, (%rdi)");

static const struct probe ac_probes[6][2] = {
	{ PROBE(p_load2), PROBE(p_load2_fep) },
	{ PROBE(p_load4), PROBE(p_load4_fep) },
	{ PROBE(p_load8), PROBE(p_load8_fep) },
	{ PROBE(p_store2), PROBE(p_store2_fep) },
	{ PROBE(p_store4), PROBE(p_store4_fep) },
	{ PROBE(p_store8), PROBE(p_store8_fep) },
};
static const unsigned int ac_sizes[6] = { 2, 4, 8, 2, 4, 8 };

static unsigned int alignment_table(uint8_t *page)
{
	unsigned int checks = 0;

	for (int am = 0; am <= 1; am++) {
		uint64_t cr0 = get_cr0();

		set_cr0(am ? cr0 | X86_CR0_AM : cr0 & ~X86_CR0_AM);
		for (int ac = 0; ac <= 1; ac++) {
			uint64_t rflags = X86_EFLAGS_FIXED | (ac ? X86_EFLAGS_AC : 0);

			for (unsigned int k = 0; k < 6; k++) {
				for (unsigned int off = 0; off < 8; off++) {
					for_each_fep(fep) {
						const struct probe *p = &ac_probes[k][fep];
						bool fault = am && ac && (off % ac_sizes[k]) != 0;
						struct user_exit e;
						char name[96];

						snprintf(name, sizeof(name), "AM %d AC %d size %u %s offset %u%s",
							 am, ac, ac_sizes[k], k < 3 ? "load" : "store",
							 off, fep ? " (KVM_FEP)" : "");
						e = run_in_user_mode_rflags(p->fn, (uint64_t)page + 64 + off, rflags);
						if (!fault) {
							__GUEST_ASSERT(!e.exception, "%s: vector %lu", name, e.ex.vector);
						} else {
							__GUEST_ASSERT(e.exception, "%s: no #AC", name);
							EXPECT_USER_FRAME(name, &e.ex, AC_VECTOR, 0, p->insn, rflags,
									  PROBE_RSP, user_entry_stack_top);
						}
						checks++;
					}
				}
			}
		}
		set_cr0(cr0);
	}
	return checks;
}

/* ---- #DB at CPL 0 ------------------------------------------------------- */

static volatile uint64_t db_rip[8], db_dr6[8], db_rflags[8];
static volatile unsigned int db_count;
static volatile uint64_t stop_rip;
static volatile uint64_t watched __attribute__((aligned(8)));

static void db_handler(struct ex_regs *regs)
{
	unsigned int n = db_count;

	if (n < 8) {
		db_rip[n] = regs->rip;
		db_dr6[n] = get_dr6();
		db_rflags[n] = regs->rflags;
	}
	db_count = n + 1;
	set_dr(6, DR6_RESERVED);		/* the CPU never clears DR6 */
	if (regs->rip == stop_rip)
		regs->rflags &= ~X86_EFLAGS_TF;
	regs->rflags |= X86_EFLAGS_RF;		/* past an instruction breakpoint */
}

extern char ss_1[], ss_2[], ss_3[], ss_end[], bp_at[], wr_after[];

static void single_step(void)
{
	db_count = 0;
	stop_rip = (uint64_t)ss_end;
	asm volatile("pushfq; orq $0x100, (%%rsp); popfq\n"
		     "ss_1: nop\n"
		     "ss_2: nop\n"
		     "ss_3: nop\n"
		     "ss_end:" ::: "memory");
	GUEST_ASSERT_EQ(db_count, 3);
	GUEST_ASSERT_EQ(db_rip[0], (uint64_t)ss_2);
	GUEST_ASSERT_EQ(db_rip[1], (uint64_t)ss_3);
	GUEST_ASSERT_EQ(db_rip[2], (uint64_t)ss_end);
	for (int k = 0; k < 3; k++) {
		/* A trap: RF pushed as it was (0); TF set in the image. */
		GUEST_ASSERT_EQ(db_dr6[k], DR6_RESERVED | DR6_BS);
		GUEST_ASSERT_EQ(db_rflags[k] & (X86_EFLAGS_TF | X86_EFLAGS_RF), X86_EFLAGS_TF);
	}
}

static void execute_breakpoint(void)
{
	db_count = 0;
	stop_rip = 0;
	set_dr(0, (uint64_t)bp_at);
	set_dr(7, DR7_FIXED | 1);		/* L0, R/W0 = 00 (execute), LEN0 = 00 */
	asm volatile("nop\n"
		     "bp_at: nop\n"
		     "nop" ::: "memory");
	set_dr(7, DR7_FIXED);
	GUEST_ASSERT_EQ(db_count, 1);
	GUEST_ASSERT_EQ(db_rip[0], (uint64_t)bp_at);	/* a fault: RIP = the instruction */
	GUEST_ASSERT_EQ(db_dr6[0], DR6_RESERVED | DR6_B0);
	GUEST_ASSERT_EQ(db_rflags[0] & X86_EFLAGS_RF, 0);
}

static void write_breakpoint(void)
{
	uint64_t v;

	db_count = 0;
	stop_rip = 0;
	set_dr(1, (uint64_t)&watched);
	/* L1 (bit 2), R/W1 = 01 (writes, bits 21:20), LEN1 = 10 (8 bytes, bits 23:22). */
	set_dr(7, DR7_FIXED | (1ul << 2) | (1ul << 20) | (2ul << 22));
	v = watched;				/* a read: no match */
	GUEST_ASSERT_EQ(db_count, 0);
	asm volatile("movq $5, watched(%%rip)\n"
		     "wr_after:" ::: "memory");
	set_dr(7, DR7_FIXED);
	GUEST_ASSERT_EQ(db_count, 1);
	GUEST_ASSERT_EQ(db_rip[0], (uint64_t)wr_after);	/* a trap: after the store */
	GUEST_ASSERT_EQ(db_dr6[0], DR6_RESERVED | DR6_B1);
	GUEST_ASSERT_EQ(watched, 5);
	(void)v;
}

void main(void)
{
	uint8_t *page = alloc_user_pages(1);

	GUEST_ASSERT_EQ(alignment_table(page), 2 * 2 * 6 * 8 * (1 + (unsigned int)is_forced_emulation_enabled));
	GUEST_SYNC(1);

	install_exception_handler(DB_VECTOR, db_handler);
	set_dr(6, DR6_RESERVED);
	single_step();
	GUEST_SYNC(2);
	execute_breakpoint();
	GUEST_SYNC(3);
	write_breakpoint();
	GUEST_SYNC(4);
}
