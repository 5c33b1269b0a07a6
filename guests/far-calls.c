// SPDX-License-Identifier: MIT
/*
 * far-calls: far transfers and descriptor queries (SDM Vol. 3 5.8.3.1,
 * 5.8.5-5.8.6; Vol. 2 CALL, RET, LAR, LSL, VERR, VERW).  The guest loads a
 * larger copy of the ABI's GDT with a 64-bit call gate (0x40, DPL 3, to CS
 * 0x08) and a 64-bit DPL 0 code segment whose accessed bit is clear (0x50).
 *
 * Events, in order:
 *   SYNC {"hello", 1}  CPL 3 → CPL 0 through the call gate (also behind
 *                      KVM_FEP): CS 0x08, SS null, RSP = TSS.RSP0 - 32, the
 *                      frame RIP, CS 0x2b, RSP, SS 0x23; LRETQ back to CPL 3
 *   SYNC {"hello", 2}  the gate with DPL 0: #GP(0x40) from CPL 3, exact frame
 *   SYNC {"hello", 3}  LRETQ to CS 0x50 sets its accessed bit; back to 0x08
 *   SYNC {"hello", 4}  LAR/LSL/VERR/VERW from CPL 3 (ZF and the values)
 *   DONE
 */
#include "ring3.h"

#define GATE_SEL 0x40
#define CODE_A0_SEL 0x50
#define DESC_ACCESSED (1ul << 40)
#define DESC_DPL3 (3ul << 45)

/* Its own page, so nothing else shares it. */
static uint64_t gdt[512] __attribute__((aligned(4096)));

/* What the gate's target saw (supervisor data: written at CPL 0). */
volatile uint64_t gate_frame[4], gate_rsp;
volatile uint16_t gate_cs, gate_ss;
extern char gate_entry[];

asm(".pushsection .text\n"
    ".globl gate_entry\n"
    "gate_entry:\n\t"
    "mov %rsp, gate_rsp(%rip)\n\t"
    "movw %cs, gate_cs(%rip)\n\t"
    "movw %ss, gate_ss(%rip)\n\t"
    "mov 0(%rsp), %rax\n\t mov %rax, gate_frame+0(%rip)\n\t"
    "mov 8(%rsp), %rax\n\t mov %rax, gate_frame+8(%rip)\n\t"
    "mov 16(%rsp), %rax\n\t mov %rax, gate_frame+16(%rip)\n\t"
    "mov 24(%rsp), %rax\n\t mov %rax, gate_frame+24(%rip)\n\t"
    "mov $0x1234, %eax\n\t"
    "lretq\n"
    ".popsection");

USER_PROBES(p_lcall, "lcall *(%rdi)");
USER_PROBES(p_lar, "lar %di, %eax; jz 1f; mov $0xbad, %eax; 1:");
USER_PROBES(p_lsl, "lsl %di, %eax; jz 1f; mov $0xbad, %eax; 1:");
USER_PROBES(p_verr, "xor %eax, %eax; verr %di; setz %al");
USER_PROBES(p_verw, "xor %eax, %eax; verw %di; setz %al");

static void set_gate(int dpl)
{
	uint64_t target = (uint64_t)gate_entry;

	gdt[GATE_SEL / 8] = (target & 0xffff) | (0x08ul << 16) |
			    ((0x8cul | ((uint64_t)dpl << 5)) << 40) | (((target >> 16) & 0xffff) << 48);
	gdt[GATE_SEL / 8 + 1] = target >> 32;
}

static void load_gdt(void)
{
	struct desc_ptr old = sgdt(), p;

	memcpy(gdt, (void *)old.address, old.size + 1);
	set_gate(3);
	gdt[CODE_A0_SEL / 8] = 0x00af9a000000fffful;	/* 64-bit code, DPL 0, A = 0 */
	p.size = sizeof(uint64_t) * 16 - 1;
	p.address = (uint64_t)gdt;
	lgdt(&p);
}

static void call_gate(uint8_t *user_page)
{
	/* m16:32: the offset is ignored for a gate; the selector names it.
	 * Written through the direct map: SMAP forbids CPL 0 the user page. */
	uint8_t *ptr = direct_alias(user_page);

	*(uint32_t *)ptr = 0;
	*(uint16_t *)(ptr + 4) = GATE_SEL | 3;

	for_each_fep(fep) {
		const struct probe p = fep ? (struct probe)PROBE(p_lcall_fep) : (struct probe)PROBE(p_lcall);
		struct user_exit e = run_in_user_mode(p.fn, (uint64_t)user_page);

		__GUEST_ASSERT(!e.exception, "lcall%s: vector %lu error code %#lx at %#lx",
			       fep ? " (KVM_FEP)" : "", e.ex.vector, e.ex.error_code, e.ex.rip);
		GUEST_ASSERT_EQ(e.value, 0x1234);
		GUEST_ASSERT_EQ(gate_cs, 0x08);
		GUEST_ASSERT_EQ(gate_ss, 0);		/* a null SS with RPL = the new CPL */
		GUEST_ASSERT_EQ(gate_rsp, user_entry_stack_top - 32);
		GUEST_ASSERT_EQ(gate_frame[0], (uint64_t)p.after);
		GUEST_ASSERT_EQ(gate_frame[1], USER_CS);
		GUEST_ASSERT_EQ(gate_frame[2], PROBE_RSP);
		GUEST_ASSERT_EQ(gate_frame[3], USER_DS);
	}
	GUEST_SYNC(1);

	set_gate(0);
	for_each_fep(fep) {
		const struct probe p = fep ? (struct probe)PROBE(p_lcall_fep) : (struct probe)PROBE(p_lcall);
		struct user_exit e = run_in_user_mode(p.fn, (uint64_t)user_page);

		GUEST_ASSERT(e.exception);
		EXPECT_USER_FRAME(fep ? "gate DPL 0 (KVM_FEP)" : "gate DPL 0", &e.ex, GP_VECTOR, GATE_SEL,
				  p.insn, X86_EFLAGS_FIXED, PROBE_RSP, user_entry_stack_top);
	}
	set_gate(3);
	GUEST_SYNC(2);
}

static void far_return_accessed(void)
{
	uint16_t cs;

	GUEST_ASSERT(!(gdt[CODE_A0_SEL / 8] & DESC_ACCESSED));
	asm volatile("lea 1f(%%rip), %%rax\n\t"
		     "pushq %[sel]\n\t push %%rax\n\t lretq\n"
		     "1: mov %%cs, %[cs]\n\t"
		     "lea 2f(%%rip), %%rax\n\t"
		     "pushq $0x08\n\t push %%rax\n\t lretq\n"
		     "2:"
		     : [cs] "=m"(cs) : [sel] "i"(CODE_A0_SEL) : "rax", "memory");
	GUEST_ASSERT_EQ(cs, CODE_A0_SEL);
	GUEST_ASSERT(gdt[CODE_A0_SEL / 8] & DESC_ACCESSED);
	GUEST_SYNC(3);
}

#define ZF0 0xbad	/* what the LAR/LSL probes return when ZF = 0 */

struct query_case {
	uint16_t sel;
	uint64_t lar_mask, lar, lsl;
	bool verr, verw;
};

static const struct query_case queries[] = {
	/* LAR: the second dword AND 00FxFF00H (bits 19:16 are model-specific: masked;
	 * a gate's bits 31:16 are its offset: only the type and DPL byte compared). */
	{ 0x2b, 0x00f0ff00, 0x00a0fb00, 0xffffffff, true, false },	/* user 64-bit code: readable */
	{ 0x23, 0x00f0ff00, 0x00c0f300, 0xffffffff, true, true },	/* user data */
	{ 0x08, ~0ul, ZF0, ZF0, false, false },				/* DPL 0: not visible at CPL 3 */
	{ GATE_SEL | 3, 0x0000ff00, 0x0000ec00, ZF0, false, false },	/* call gate: LAR yes, LSL no */
	{ 0x00, ~0ul, ZF0, ZF0, false, false },				/* null */
	{ 0x1f8, ~0ul, ZF0, ZF0, false, false },			/* beyond the GDT limit */
};

static void descriptor_queries(void)
{
	for (unsigned int k = 0; k < ARRAY_SIZE(queries); k++) {
		const struct query_case *q = &queries[k];
		uint64_t lar = run_in_user_mode(p_lar, q->sel).value;
		uint64_t lsl = run_in_user_mode(p_lsl, q->sel).value;
		uint64_t verr = run_in_user_mode(p_verr, q->sel).value;
		uint64_t verw = run_in_user_mode(p_verw, q->sel).value;

		if (lar != ZF0)
			lar &= q->lar_mask;
		__GUEST_ASSERT(lar == q->lar, "LAR %#x: %#lx, want %#lx", q->sel, lar, q->lar);
		__GUEST_ASSERT(lsl == q->lsl, "LSL %#x: %#lx, want %#lx", q->sel, lsl, q->lsl);
		__GUEST_ASSERT(verr == q->verr && verw == q->verw, "VERR/VERW %#x: %lu %lu", q->sel, verr, verw);
	}
	GUEST_SYNC(4);
}

void main(void)
{
	uint8_t *user_page = alloc_user_pages(1);

	load_gdt();
	call_gate(user_page);
	far_return_accessed();
	descriptor_queries();
}
