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
 * KVM_ASM_SAFE fixup (processor.h).  #DE is never fixed up: its vector, 0,
 * would read as "no fault".
 */
static bool kvm_fixup_exception(struct ex_regs *regs,
				const struct exception_frame *f)
{
	if (regs->r9 != KVM_EXCEPTION_MAGIC || regs->rip != regs->r10)
		return false;
	if (regs->vector == DE_VECTOR)
		return false;

	last_safe_exception = *f;
	regs->rip = regs->r11;
	regs->r9 = regs->vector;
	regs->r10 = regs->error_code;
	return true;
}

/*
 * Fixups first, so a _safe access works even with a handler installed for
 * its vector (same order as KVM), then the handler, then (from CPL 3 during
 * run_in_user_mode) the end of the user run.  With none, report UNHANDLED
 * with args = vector, error code, RIP (Guest ABI section 6) and a readable
 * message in the buffer, then stop.
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

	if (kvm_fixup_exception(regs, &f))
		return;

	handler = exception_handlers[regs->vector & 0xff];
	if (handler) {
		handler(regs);
		return;
	}

	if (user_mode_catch(regs, &f))
		return;

	ucall_unhandled(regs->vector, regs->error_code, regs->rip);
}
