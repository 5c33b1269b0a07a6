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
static bool kvm_fixup_exception(struct ex_regs *regs)
{
	if (regs->r9 != KVM_EXCEPTION_MAGIC || regs->rip != regs->r10)
		return false;
	if (regs->vector == DE_VECTOR)
		return false;

	regs->rip = regs->r11;
	regs->r9 = regs->vector;
	regs->r10 = regs->error_code;
	return true;
}

/*
 * Fixups first, so a _safe access works even with a handler installed for
 * its vector (same order as KVM).  With neither, report UNHANDLED with
 * args = vector, error code, RIP (Guest ABI section 6) and a readable
 * message in the buffer, then stop.
 */
void route_exception(struct ex_regs *regs)
{
	void (*handler)(struct ex_regs *);

	if (kvm_fixup_exception(regs))
		return;

	handler = exception_handlers[regs->vector & 0xff];
	if (handler) {
		handler(regs);
		return;
	}

	ucall_unhandled(regs->vector, regs->error_code, regs->rip);
}
