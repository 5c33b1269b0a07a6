// SPDX-License-Identifier: MIT
/*
 * sys-regs: control registers and descriptor bits at CPL 0, with the rules
 * derived from CPUID so the same image checks any CPU (SDM Vol. 3 2.5, 3.4.5,
 * 4.10.1, 7.2.2; APM Vol. 2 3.1, 4.7).
 *
 * Events, in order:
 *   SYNC {"hello", 1}  every CR4 bit toggled alone: #GP(0) exactly when it
 *                      would set a bit no CPUID feature backs (the checks
 *                      run count goes in SYNC 1's third argument)
 *   SYNC {"hello", 2}  CR0: bits 63:32 #GP(0), NW without CD #GP(0),
 *                      clearing PG in 64-bit mode #GP(0), CD|NW accepted;
 *                      CR8: bits 3:0 read back, bit 4 #GP(0)
 *   SYNC {"hello", 3}  loading DS (0x23) sets its descriptor's accessed bit; with
 *                      the GDT page read-only (CR0.WP = 1) the implicit
 *                      write is #PF(P|W) with CR2 inside the descriptor;
 *                      LTR of the busy TSS is #GP(0x30)
 *   SYNC {"hello", 4}  FSGSBASE (if reported): WRFSBASE/RDFSBASE and the
 *                      FS.base MSR agree, a non-canonical WRGSBASE is #GP(0),
 *                      RDFSBASE with CR4.FSGSBASE = 0 is #UD; RDPID (if
 *                      reported) reads IA32_TSC_AUX
 *   DONE
 */
#include "guest.h"

#define GDT_ACCESSED (1ul << 40)

static bool has(uint32_t leaf, uint32_t sub, int reg, int bit)
{
	uint32_t r[4];

	__cpuid(leaf, sub, &r[0], &r[1], &r[2], &r[3]);
	return (r[reg] >> bit) & 1;
}
enum { EAX, EBX, ECX, EDX };

/* CR4 bit → the CPUID feature that backs it (SDM Vol. 3 §2.5, §2.6). */
static bool cr4_bit_supported(int bit)
{
	switch (bit) {
	case 0: case 1: return has(1, 0, EDX, 1);	/* VME, PVI */
	case 2: return has(1, 0, EDX, 4);		/* TSD: TSC */
	case 3: return has(1, 0, EDX, 2);		/* DE */
	case 4: return has(1, 0, EDX, 3);		/* PSE */
	case 6: return has(1, 0, EDX, 7);		/* MCE */
	case 7: return has(1, 0, EDX, 13);		/* PGE */
	case 8: return true;				/* PCE */
	case 11: return has(7, 0, ECX, 2);		/* UMIP */
	case 12: return has(7, 0, ECX, 16);		/* LA57 */
	case 13: return has(1, 0, ECX, 5);		/* VMXE */
	case 14: return has(1, 0, ECX, 6);		/* SMXE */
	case 16: return has(7, 0, EBX, 0);		/* FSGSBASE */
	case 17: return has(1, 0, ECX, 17);		/* PCIDE */
	case 18: return has(1, 0, ECX, 26);		/* OSXSAVE */
	case 20: return has(7, 0, EBX, 7);		/* SMEP */
	case 21: return has(7, 0, EBX, 20);		/* SMAP */
	case 22: return has(7, 0, ECX, 3);		/* PKE */
	default: return false;				/* reserved */
	}
}

static unsigned int cr4_table(void)
{
	const uint64_t cr4 = get_cr4();
	unsigned int checks = 0;

	for (int bit = 0; bit < 64; bit++) {
		/* PAE must stay set in long mode; OSFXSR/OSXMMEXCPT are set by the ABI
		 * and back SSE, which the compiler may use; CET needs more setup. */
		if (bit == 5 || bit == 9 || bit == 10 || bit == 23)
			continue;
		uint64_t v = cr4 ^ (1ul << bit);
		bool sets = (v >> bit) & 1;
		uint64_t ec = ~0ul;
		uint8_t vec = kvm_asm_safe_ec("mov %[v], %%cr4", ec, [v] "r"(v));
		bool want_gp = sets && (bit >= 32 || !cr4_bit_supported(bit));

		if (!vec)
			set_cr4(cr4);
		__GUEST_ASSERT(vec == (want_gp ? GP_VECTOR : 0) && (!vec || ec == 0),
			       "CR4 bit %d %s: vector %u error code %#lx, want %s",
			       bit, sets ? "set" : "cleared", vec, ec, want_gp ? "#GP(0)" : "no fault");
		checks++;
	}
	GUEST_ASSERT_EQ(get_cr4(), cr4);
	return checks;
}

static void cr0_cr8(void)
{
	const uint64_t cr0 = get_cr0();
	uint64_t ec;

	GUEST_ASSERT_EQ(kvm_asm_safe_ec("mov %[v], %%cr0", ec, [v] "r"(cr0 | (1ul << 32))), GP_VECTOR);
	GUEST_ASSERT_EQ(ec, 0);
	GUEST_ASSERT_EQ(kvm_asm_safe_ec("mov %[v], %%cr0", ec, [v] "r"(cr0 | X86_CR0_NW)), GP_VECTOR);
	GUEST_ASSERT_EQ(ec, 0);
	GUEST_ASSERT_EQ(kvm_asm_safe_ec("mov %[v], %%cr0", ec, [v] "r"(cr0 & ~X86_CR0_PG)), GP_VECTOR);
	GUEST_ASSERT_EQ(ec, 0);
	GUEST_ASSERT_EQ(kvm_asm_safe("mov %[v], %%cr0", [v] "r"(cr0 | X86_CR0_CD | X86_CR0_NW)), 0);
	GUEST_ASSERT_EQ(get_cr0(), cr0 | X86_CR0_CD | X86_CR0_NW);
	set_cr0(cr0);
	GUEST_ASSERT_EQ(get_cr0(), cr0);

	uint64_t cr8;
	GUEST_ASSERT_EQ(kvm_asm_safe("mov %[v], %%cr8", [v] "r"(0xful)), 0);
	asm volatile("mov %%cr8, %0" : "=r"(cr8));
	GUEST_ASSERT_EQ(cr8, 0xf);
	GUEST_ASSERT_EQ(kvm_asm_safe_ec("mov %[v], %%cr8", ec, [v] "r"(0x10ul)), GP_VECTOR);
	GUEST_ASSERT_EQ(ec, 0);
	asm volatile("mov %0, %%cr8" :: "r"(0ul));
}

static void descriptor_bits(void)
{
	struct desc_ptr gdtr = sgdt();
	/* The user data descriptor (0x20), loaded into DS with RPL 3 at CPL 0:
	 * nothing else loads it here (IRETQ reloads SS = 0x10, so clearing that
	 * descriptor's accessed bit would fault on every return from a handler). */
	volatile uint64_t *user_data = (volatile uint64_t *)(gdtr.address + 0x20);
	uint64_t ec, cr2;

	*user_data &= ~GDT_ACCESSED;
	asm volatile("mov %0, %%ds" :: "r"(0x23) : "memory");
	GUEST_ASSERT(*user_data & GDT_ACCESSED);
	asm volatile("mov %0, %%ds" :: "r"(0x10) : "memory");

	/* The implicit update is a supervisor write: a read-only GDT page faults. */
	*user_data &= ~GDT_ACCESSED;
	pte_update((const void *)gdtr.address, PTE_WRITABLE_MASK, 0);
	uint8_t vec = kvm_asm_safe_ec("mov %[s], %%ds", ec, [s] "r"(0x23));
	cr2 = get_cr2();
	pte_update((const void *)gdtr.address, 0, PTE_WRITABLE_MASK);
	GUEST_ASSERT_EQ(vec, PF_VECTOR);
	GUEST_ASSERT_EQ(ec, PFERR_PRESENT_MASK | PFERR_WRITE_MASK);
	__GUEST_ASSERT(cr2 >= (uint64_t)user_data && cr2 < (uint64_t)user_data + 8,
		       "CR2 %#lx is not inside the descriptor at %p", cr2, user_data);
	GUEST_ASSERT(!(*user_data & GDT_ACCESSED));
	asm volatile("mov %0, %%ds" :: "r"(0x23) : "memory");
	GUEST_ASSERT(*user_data & GDT_ACCESSED);
	asm volatile("mov %0, %%ds" :: "r"(0x10) : "memory");

	/* The ABI's TSS is busy: LTR of a busy TSS is #GP(selector). */
	GUEST_ASSERT_EQ(kvm_asm_safe_ec("ltr %w[s]", ec, [s] "r"(0x30)), GP_VECTOR);
	GUEST_ASSERT_EQ(ec, 0x30);
}

static void fsgsbase_rdpid(void)
{
	if (has(7, 0, EBX, 0)) {
		const uint64_t cr4 = get_cr4();
		uint64_t v = 0, ec;

		set_cr4(cr4 | X86_CR4_FSGSBASE);
		asm volatile("wrfsbase %0" :: "r"(0x123456789aul));
		asm volatile("rdfsbase %0" : "=r"(v));
		GUEST_ASSERT_EQ(v, 0x123456789aul);
		GUEST_ASSERT_EQ(rdmsr(MSR_FS_BASE), 0x123456789aul);
		GUEST_ASSERT_EQ(kvm_asm_safe_ec("wrgsbase %[v]", ec, [v] "r"(0x8000000000000000ul)), GP_VECTOR);
		GUEST_ASSERT_EQ(ec, 0);
		asm volatile("wrfsbase %0" :: "r"(0ul));
		set_cr4(cr4 & ~X86_CR4_FSGSBASE);
		GUEST_ASSERT_EQ(kvm_asm_safe("rdfsbase %%r11"), UD_VECTOR);
		set_cr4(cr4);
	}
	if (has(7, 0, ECX, 22)) {
		uint64_t v;

		wrmsr(MSR_TSC_AUX, 0x42);
		asm volatile("rdpid %0" : "=r"(v));
		GUEST_ASSERT_EQ(v, 0x42);
	}
}

void main(void)
{
	unsigned int checks = cr4_table();

	GUEST_SYNC_ARGS(1, checks, 0, 0, 0);
	cr0_cr8();
	GUEST_SYNC(2);
	descriptor_bits();
	GUEST_SYNC(3);
	fsgsbase_rdpid();
	GUEST_SYNC(4);
}
