// SPDX-License-Identifier: MIT
/*
 * user-mode: the runtime's CPL 3 support (usermode.h) and exceptions from
 * CPL 3, each with its exact delivered frame: vector, error code, RIP, CS,
 * SS, RFLAGS, RSP and the stack it landed on (TSS.RSP0 or an IST stack).
 *
 * Events, in order:
 *   SYNC {"hello", 0x1234}    USER_GUEST_SYNC from CPL 3
 *   PRINTF "hello from CPL 3, arg 0x1234\n"   USER_GUEST_PRINTF from CPL 3
 *   SYNC {"hello", 1}  run_in_user_mode returned 0x369d, a user page
 *                      written at CPL 3 reads back through the direct map
 *   SYNC {"hello", 2}  the exception table below passed (also behind
 *                      KVM_FEP when forced emulation is on), and the
 *                      kvm_asm_safe*() macros report #UD and #PF(P)
 *   DONE               USER_GUEST_DONE from CPL 3
 */
#include "ring3.h"

USER_PROBES(p_ud2, "ud2");
USER_PROBES(p_int3, "int3");
USER_PROBES(p_int80, "int $0x80");
USER_PROBES(p_read, "movzbl (%rdi), %eax");
USER_PROBES(p_write, "movb $0x5a, (%rdi)");

/* Supervisor data (U=0) that CPL 3 must not read. */
static volatile uint64_t kernel_secret = 0x5ec2e7;

static __user_text uint64_t u_hello(uint64_t arg)
{
	uint16_t cs, ss;

	asm volatile("mov %%cs, %0; mov %%ss, %1" : "=r"(cs), "=r"(ss));
	USER_GUEST_ASSERT_EQ(cs, USER_CS);
	USER_GUEST_ASSERT_EQ(ss, USER_DS);
	USER_GUEST_SYNC(arg);
	USER_GUEST_PRINTF("hello from CPL %u, arg %#lx\n", cs & 3, arg);
	return arg * 3 + 1;
}

static __user_text uint64_t u_done(uint64_t arg)
{
	(void)arg;
	USER_GUEST_DONE();
	return 0;	/* DONE returns if a host resumes the guest */
}

static uint8_t ist_stack[8192] __attribute__((aligned(16)));
#define IST_TOP ((uint64_t)ist_stack + sizeof(ist_stack))

static void ud_on_ist2(bool on)
{
	tss_write64(TSS_IST(2), on ? IST_TOP : 0);
	set_idt_gate(UD_VECTOR, 0, on ? 2 : 0);
}

static void int80_dpl3(bool on)
{
	set_idt_gate(0x80, on ? 3 : 0, 0);
}

static void int3_dpl0(bool on)
{
	set_idt_gate(BP_VECTOR, on ? 0 : 3, 0);
}

enum { ARG_NONE, ARG_KERNEL_SECRET, ARG_USER_PAGE, ARG_NONCANONICAL };

struct user_case {
	const char *name;
	struct probe probe[2];		/* plain, behind KVM_FEP */
	int arg;
	void (*setup)(bool on);
	uint64_t vector, error_code;
	bool trap;			/* RIP = the next instruction */
	bool on_ist;			/* delivered on IST2, not RSP0 */
};

static const struct user_case cases[] = {
	/* #UD is a fault: RIP = the ud2 (SDM Vol. 3 6.5). */
	{ "ud2", { PROBE(p_ud2), PROBE(p_ud2_fep) }, ARG_NONE, 0,
	  UD_VECTOR, 0, false, false },
	/* INT3 through the DPL 3 gate: a trap, RIP = the next instruction. */
	{ "int3", { PROBE(p_int3), PROBE(p_int3_fep) }, ARG_NONE, 0,
	  BP_VECTOR, 0, true, false },
	/* INT3 checks the gate DPL too (SDM INT3: only INT1 does not). */
	{ "int3, gate DPL 0", { PROBE(p_int3), PROBE(p_int3_fep) }, ARG_NONE,
	  int3_dpl0, GP_VECTOR, (BP_VECTOR << 3) | 2, false, false },
	/*
	 * INT n with gate DPL 0 < CPL 3: #GP with error code = IDT vector
	 * << 3 | IDT (bit 1), RIP = the INT (SDM Vol. 3 6.12.1.1, 6.13).
	 */
	{ "int $0x80, gate DPL 0", { PROBE(p_int80), PROBE(p_int80_fep) },
	  ARG_NONE, 0, GP_VECTOR, (0x80 << 3) | 2, false, false },
	/* With DPL 3 the gate is taken: RIP = the next instruction. */
	{ "int $0x80, gate DPL 3", { PROBE(p_int80), PROBE(p_int80_fep) },
	  ARG_NONE, int80_dpl3, 0x80, 0, true, false },
	/* CPL 3 read of a U=0 page: #PF, P|U (SDM Vol. 3 4.7). */
	{ "read supervisor data", { PROBE(p_read), PROBE(p_read_fep) },
	  ARG_KERNEL_SECRET, 0, PF_VECTOR,
	  PFERR_PRESENT_MASK | PFERR_USER_MASK, false, false },
	/* A non-canonical address: #GP(0), no #PF, CR2 untouched (SDM 3.3.7.1). */
	{ "read non-canonical", { PROBE(p_read), PROBE(p_read_fep) },
	  ARG_NONCANONICAL, 0, GP_VECTOR, 0, false, false },
	/* An IST gate: the CPU switches to TSS.IST2 even from CPL 3 (6.14.5). */
	{ "ud2 through an IST2 gate", { PROBE(p_ud2), PROBE(p_ud2_fep) },
	  ARG_NONE, ud_on_ist2, UD_VECTOR, 0, false, true },
};

static void run_case(const struct user_case *c, int fep, uint64_t user_page)
{
	const struct probe *p = &c->probe[fep];
	uint64_t arg = c->arg == ARG_KERNEL_SECRET ? (uint64_t)&kernel_secret :
		       c->arg == ARG_USER_PAGE ? user_page :
		       c->arg == ARG_NONCANONICAL ? 0x0000800000000000ul : 0;
	uint64_t cr2 = 0xc2c2c2c2ul;
	struct user_exit e;
	char name[96];

	snprintf(name, sizeof(name), "%s%s", c->name, fep ? " (KVM_FEP)" : "");
	set_cr2(cr2);
	if (c->setup)
		c->setup(true);
	e = run_in_user_mode(p->fn, arg);
	if (c->setup)
		c->setup(false);

	__GUEST_ASSERT(e.exception, "%s: no exception", name);
	EXPECT_USER_FRAME(name, &e.ex, c->vector, c->error_code,
			  c->trap ? p->after : p->insn, X86_EFLAGS_FIXED,
			  PROBE_RSP, c->on_ist ? IST_TOP : user_entry_stack_top);
	/* CR2 is the faulting address for #PF and untouched otherwise. */
	__GUEST_ASSERT(e.ex.cr2 == (c->vector == PF_VECTOR ? arg : cr2),
		       "%s: CR2 %#lx", name, e.ex.cr2);
}

/* The upstream-style kvm_asm_safe*() macros, also behind KVM_FEP. */
static void check_asm_safe(uint8_t *user_page)
{
	uint64_t ec = 0xeeee;

	GUEST_ASSERT_EQ(kvm_asm_safe("ud2"), UD_VECTOR);
	GUEST_ASSERT_EQ(kvm_asm_safe("nop"), 0);
	/* SMAP, AC=0: a supervisor read of a user page is #PF(P). */
	GUEST_ASSERT_EQ(kvm_asm_safe_ec("cmpb $0, (%[p])", ec, [p] "r"(user_page)),
			PF_VECTOR);
	GUEST_ASSERT_EQ(ec, PFERR_PRESENT_MASK);
	GUEST_ASSERT_EQ(last_safe_exception.cr2, (uint64_t)user_page);
	GUEST_ASSERT_EQ(last_safe_exception.cs, KERNEL_CS);
	if (!is_forced_emulation_enabled)
		return;
	GUEST_ASSERT_EQ(kvm_asm_safe_fep("ud2"), UD_VECTOR);
	GUEST_ASSERT_EQ(kvm_asm_safe_fep("nop"), 0);
	ec = 0xeeee;
	GUEST_ASSERT_EQ(kvm_asm_safe_ec_fep("cmpb $0, (%[p])", ec,
					    [p] "r"(user_page + 1)), PF_VECTOR);
	GUEST_ASSERT_EQ(ec, PFERR_PRESENT_MASK);
	GUEST_ASSERT_EQ(last_safe_exception.cr2, (uint64_t)user_page + 1);
}

void main(void)
{
	struct user_exit e;
	uint8_t *page;

	/* TSS.RSP0 is the runtime's entry stack, not the stack we run on. */
	GUEST_ASSERT_EQ(tss_read64(TSS_RSP0), user_entry_stack_top);

	e = run_in_user_mode(u_hello, 0x1234);
	GUEST_ASSERT(!e.exception);
	GUEST_ASSERT_EQ(e.value, 0x369d);

	page = alloc_user_page();
	GUEST_ASSERT_EQ((uint64_t)page, USER_ALLOC_BASE);
	GUEST_ASSERT_EQ(*get_pte(page) & (PTE_USER_MASK | PTE_WRITABLE_MASK |
					  PTE_NX_MASK | PTE_PRESENT_MASK),
			PTE_USER_MASK | PTE_WRITABLE_MASK | PTE_NX_MASK |
			PTE_PRESENT_MASK);
	e = run_in_user_mode(p_write, (uint64_t)page + 7);
	GUEST_ASSERT(!e.exception);
	GUEST_ASSERT_EQ(((uint8_t *)direct_alias(page))[7], 0x5a);
	GUEST_SYNC(1);

	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++)
		for_each_fep(fep)
			run_case(&cases[i], fep, (uint64_t)page);
	check_asm_safe(page);
	GUEST_SYNC(2);

	run_in_user_mode(u_done, 0);
	GUEST_FAIL("USER_GUEST_DONE returned");
}
