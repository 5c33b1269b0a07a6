// SPDX-License-Identifier: MIT
/*
 * IDT setup and exception routing, the guest half of KVM selftests'
 * lib/x86_64/processor.c (vm_init_descriptor_tables, set_idt_entry,
 * route_exception, kvm_fixup_exception).  In KVM the host builds the IDT;
 * here the runner leaves IDTR = {0, 0} (Guest ABI section 4), so the guest
 * builds it itself, first thing in _start.
 */
#include "guest.h"

uint64_t guest_vcpu_id;		/* set by _start from RDI */
uint64_t guest_ram_size;	/* set by _start from RSI */
/* Written by the host's loader (processor.h); the user-half copy for CPL 3. */
bool is_forced_emulation_enabled;
__user_data bool user_is_forced_emulation_enabled;
struct exception_frame last_safe_exception;

/* The 256 entry stubs, in entry.S. */
extern const uint64_t idt_handlers[NUM_INTERRUPTS];

static struct idt_entry idt[NUM_INTERRUPTS] __attribute__((aligned(4096)));
static void (*exception_handlers[NUM_INTERRUPTS])(struct ex_regs *);

static void set_idt_entry(int vector, uint64_t addr, int dpl, int ist)
{
	struct idt_entry *e = &idt[vector];

	e->offset0 = addr & 0xffff;
	e->selector = KERNEL_CS;
	e->ist = ist;
	e->type = 14;		/* 64-bit interrupt gate: IF cleared on entry */
	e->dpl = dpl;
	e->p = 1;
	e->offset1 = (addr >> 16) & 0xffff;
	e->offset2 = addr >> 32;
	e->reserved = 0;
}

void exception_init(void)
{
	struct desc_ptr idtr = {
		.size = sizeof(idt) - 1,
		.address = (uint64_t)idt,
	};

	for (int v = 0; v < NUM_INTERRUPTS; v++) {
		/* int3/into must work from ring 3 (user-mode tests, later). */
		int dpl = (v == BP_VECTOR || v == OF_VECTOR) ? 3 : 0;
		/* #DF on its own stack (TSS IST1, set up by the runner), so a
		 * fault caused by a bad RSP can still be reported. */
		int ist = v == DF_VECTOR ? 1 : 0;

		set_idt_entry(v, idt_handlers[v], dpl, ist);
	}
	lidt(&idtr);
	/* Through the direct map: supervisor code cannot address the user half
	 * RIP-relatively (-mcmodel=kernel), and SMAP forbids the plain access. */
	*(bool *)direct_alias(&user_is_forced_emulation_enabled) =
		is_forced_emulation_enabled;
	usermode_init();
}

void set_idt_gate(int vector, int dpl, int ist)
{
	if (vector >= 0 && vector < NUM_INTERRUPTS)
		set_idt_entry(vector, idt_handlers[vector], dpl, ist);
}

void install_exception_handler(int vector, void (*handler)(struct ex_regs *))
{
	if (vector >= 0 && vector < NUM_INTERRUPTS)
		exception_handlers[vector] = handler;
}

/*
 * KVM_ASM_SAFE fixup (asm-safe.h), as upstream kvm_fixup_exception(): a #DE
 * is reported as KVM_MAGIC_DE_VECTOR, because 0 would read as "no fault".
 */
static bool kvm_fixup_exception(struct ex_regs *regs,
				const struct exception_frame *f)
{
	if (regs->r9 != KVM_EXCEPTION_MAGIC || regs->rip != regs->r10)
		return false;

	last_safe_exception = *f;
	regs->rip = regs->r11;
	regs->r9 = regs->vector == DE_VECTOR ? KVM_MAGIC_DE_VECTOR
					     : regs->vector;
	regs->r10 = regs->error_code;
	return true;
}

/*
 * As upstream route_exception(): the installed handler first (it may itself
 * expect a fault inside a KVM_ASM_SAFE block), then the fixup, then (ours:
 * from CPL 3 during run_in_user_mode) the end of that user run.  With none,
 * GUEST_FAIL with upstream's text; if the host resumes the guest after that
 * ABORT, the iretq re-runs the faulting instruction, as upstream.
 */
void route_exception(struct ex_regs *regs)
{
	void (*handler)(struct ex_regs *);
	/* The CPU's five words follow struct ex_regs: RIP CS RFLAGS RSP SS. */
	const uint64_t *hw = &regs->rip;
	struct exception_frame f = {
		.vector = regs->vector, .error_code = regs->error_code,
		.rip = hw[0], .cs = hw[1], .rflags = hw[2], .rsp = hw[3],
		.ss = hw[4], .frame = (uint64_t)hw, .cr2 = get_cr2(),
	};

	handler = exception_handlers[regs->vector & 0xff];
	if (handler) {
		handler(regs);
		return;
	}

	if (kvm_fixup_exception(regs, &f))
		return;

	if (user_mode_catch(regs, &f))
		return;

	GUEST_FAIL("Unhandled exception '0x%lx' at guest RIP '0x%lx'",
		   regs->vector, regs->rip);
}


/* As upstream ex_str(); the names are the SDM/APM mnemonics. */
const char *ex_str(int vector)
{
	switch (vector) {
#define __EX_NAME(v) case v##_VECTOR: return "#" #v
	case DE_VECTOR: return "no exception";
	case KVM_MAGIC_DE_VECTOR: return "#DE";
	__EX_NAME(DB); __EX_NAME(NMI); __EX_NAME(BP); __EX_NAME(OF);
	__EX_NAME(BR); __EX_NAME(UD); __EX_NAME(NM); __EX_NAME(DF);
	__EX_NAME(TS); __EX_NAME(NP); __EX_NAME(SS); __EX_NAME(GP);
	__EX_NAME(PF); __EX_NAME(MF); __EX_NAME(AC); __EX_NAME(MC);
	__EX_NAME(XM); __EX_NAME(VE); __EX_NAME(CP); __EX_NAME(HV);
	__EX_NAME(VC); __EX_NAME(SX);
#undef __EX_NAME
	default: return "#??";
	}
}
