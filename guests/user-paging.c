// SPDX-License-Identifier: MIT
/*
 * user-paging: page-level protection, one table row per case, from CPL 3
 * (run_in_user_mode) and CPL 0 (KERNEL_PROBES), each also behind KVM_FEP
 * when forced emulation is on.  Every fault is checked for vector 14, the
 * exact error code (SDM Vol. 3 4.7), CR2 = the address, RIP, and the frame
 * (CPL 3: CS/SS 0x2b/0x23, RSP, on TSS.RSP0; CPL 0: CS/SS 0x08/0x10, on
 * the same stack aligned down to 16).
 *
 * Rules covered: P, R/W, U/S, NX (EFER.NXE), reserved bits above
 * MAXPHYADDR, CR0.WP, CR4.SMEP, CR4.SMAP with RFLAGS.AC (STAC/CLAC),
 * protection keys (CR4.PKE, PKRU AD/WD, user and supervisor data accesses;
 * fetches are not subject to keys).
 *
 * Events: SYNC {"hello", n} with n = the number of cases run (each FEP
 * variant counts), then DONE.
 */
#include "ring3.h"

USER_PROBES(u_read, "movzbl (%rdi), %eax");
USER_PROBES(u_write, "movb $0x5a, (%rdi)");
USER_PROBES(u_exec, "call *%rdi");
KERNEL_PROBES(k_read, "movzbl (%rdi), %eax");
KERNEL_PROBES(k_write, "movb $0x5a, (%rdi)");
KERNEL_PROBES(k_exec, "call *%rdi");

#define P PFERR_PRESENT_MASK
#define W PFERR_WRITE_MASK
#define U PFERR_USER_MASK
#define RSVD PFERR_RSVD_MASK
#define I PFERR_FETCH_MASK
#define PK PFERR_PK_MASK
#define OK (~0ul)			/* no fault */

#define RSVD_BIT (~0ul)			/* pte_set: the lowest reserved bit */
#define PKRU_AD(k) (1u << (2 * (k)))
#define PKRU_WD(k) (1u << (2 * (k) + 1))

enum target { USER_PAGE, SUPERVISOR_PAGE };
enum access { READ, WRITE, EXEC };

struct pf_case {
	const char *name;
	int cpl;
	enum target target;
	enum access access;
	uint64_t pte_clear, pte_set;
	uint64_t cr0_clear, cr4_clear, cr4_set;
	uint32_t pkru;
	bool ac;			/* CPL 0: STAC before the access */
	uint64_t error_code;		/* OK: no fault */
};

static const struct pf_case cases[] = {
	/* CPL 3 (every access is a user access: U in the error code) */
	{ "user read, U page", 3, USER_PAGE, READ, 0, 0, 0, 0, 0, 0, 0, OK },
	{ "user write, U page", 3, USER_PAGE, WRITE, 0, 0, 0, 0, 0, 0, 0, OK },
	{ "user exec, U page", 3, USER_PAGE, EXEC, 0, 0, 0, 0, 0, 0, 0, OK },
	{ "user write, read-only", 3, USER_PAGE, WRITE, PTE_WRITABLE_MASK, 0,
	  0, 0, 0, 0, 0, P | W | U },
	{ "user read, not present", 3, USER_PAGE, READ, PTE_PRESENT_MASK, 0,
	  0, 0, 0, 0, 0, U },
	{ "user write, not present", 3, USER_PAGE, WRITE, PTE_PRESENT_MASK, 0,
	  0, 0, 0, 0, 0, W | U },
	{ "user exec, not present", 3, USER_PAGE, EXEC, PTE_PRESENT_MASK, 0,
	  0, 0, 0, 0, 0, U | I },
	{ "user exec, NX", 3, USER_PAGE, EXEC, 0, PTE_NX_MASK,
	  0, 0, 0, 0, 0, P | U | I },
	{ "user read, S page", 3, SUPERVISOR_PAGE, READ, 0, 0, 0, 0, 0, 0, 0,
	  P | U },
	{ "user write, S page", 3, SUPERVISOR_PAGE, WRITE, 0, 0, 0, 0, 0, 0, 0,
	  P | W | U },
	{ "user exec, S page", 3, SUPERVISOR_PAGE, EXEC, 0, 0, 0, 0, 0, 0, 0,
	  P | U | I },
	{ "user read, reserved bit", 3, USER_PAGE, READ, 0, RSVD_BIT,
	  0, 0, 0, 0, 0, P | U | RSVD },
	{ "user write, reserved bit", 3, USER_PAGE, WRITE, 0, RSVD_BIT,
	  0, 0, 0, 0, 0, P | W | U | RSVD },
	{ "user read, key 1 AD", 3, USER_PAGE, READ, 0, PTE_PKEY(1),
	  0, 0, X86_CR4_PKE, PKRU_AD(1), 0, P | U | PK },
	{ "user write, key 1 AD", 3, USER_PAGE, WRITE, 0, PTE_PKEY(1),
	  0, 0, X86_CR4_PKE, PKRU_AD(1), 0, P | W | U | PK },
	{ "user write, key 1 WD", 3, USER_PAGE, WRITE, 0, PTE_PKEY(1),
	  0, 0, X86_CR4_PKE, PKRU_WD(1), 0, P | W | U | PK },
	{ "user read, key 1 WD", 3, USER_PAGE, READ, 0, PTE_PKEY(1),
	  0, 0, X86_CR4_PKE, PKRU_WD(1), 0, OK },
	{ "user exec, key 1 AD", 3, USER_PAGE, EXEC, 0, PTE_PKEY(1),
	  0, 0, X86_CR4_PKE, PKRU_AD(1), 0, OK },
	{ "user read, key 1 AD, CR4.PKE=0", 3, USER_PAGE, READ, 0, PTE_PKEY(1),
	  0, 0, 0, 0, 0, OK },
	{ "user read, key 2 AD, page key 1", 3, USER_PAGE, READ, 0, PTE_PKEY(1),
	  0, 0, X86_CR4_PKE, PKRU_AD(2), 0, OK },
	/* CPL 0 (CR4.SMEP and CR4.SMAP are on from the start, ABI 5) */
	{ "kernel read, U page, SMAP, AC=0", 0, USER_PAGE, READ, 0, 0,
	  0, 0, 0, 0, false, P },
	{ "kernel write, U page, SMAP, AC=0", 0, USER_PAGE, WRITE, 0, 0,
	  0, 0, 0, 0, false, P | W },
	{ "kernel read, U page, SMAP, AC=1", 0, USER_PAGE, READ, 0, 0,
	  0, 0, 0, 0, true, OK },
	{ "kernel write, U page, SMAP, AC=1", 0, USER_PAGE, WRITE, 0, 0,
	  0, 0, 0, 0, true, OK },
	{ "kernel read, U page, SMAP off", 0, USER_PAGE, READ, 0, 0,
	  0, X86_CR4_SMAP, 0, 0, false, OK },
	{ "kernel exec, U page, SMEP", 0, USER_PAGE, EXEC, 0, 0,
	  0, 0, 0, 0, false, P | I },
	{ "kernel exec, U page, SMEP, AC=1", 0, USER_PAGE, EXEC, 0, 0,
	  0, 0, 0, 0, true, P | I },
	{ "kernel exec, U page, SMEP off", 0, USER_PAGE, EXEC, 0, 0,
	  0, X86_CR4_SMEP, 0, 0, false, OK },
	{ "kernel write, read-only S page, WP=1", 0, SUPERVISOR_PAGE, WRITE,
	  PTE_WRITABLE_MASK, 0, 0, 0, 0, 0, false, P | W },
	{ "kernel write, read-only S page, WP=0", 0, SUPERVISOR_PAGE, WRITE,
	  PTE_WRITABLE_MASK, 0, X86_CR0_WP, 0, 0, 0, false, OK },
	{ "kernel write, read-only U page, WP=1, AC=1", 0, USER_PAGE, WRITE,
	  PTE_WRITABLE_MASK, 0, 0, 0, 0, 0, true, P | W },
	{ "kernel write, read-only U page, WP=0, AC=1", 0, USER_PAGE, WRITE,
	  PTE_WRITABLE_MASK, 0, X86_CR0_WP, 0, 0, 0, true, OK },
	{ "kernel exec, S page, NX", 0, SUPERVISOR_PAGE, EXEC, 0, PTE_NX_MASK,
	  0, 0, 0, 0, false, P | I },
	{ "kernel read, S page, not present", 0, SUPERVISOR_PAGE, READ,
	  PTE_PRESENT_MASK, 0, 0, 0, 0, 0, false, 0 },
	/* Keys govern supervisor data accesses to user pages too (4.6.2). */
	{ "kernel read, U page, key 1 AD, AC=1", 0, USER_PAGE, READ, 0,
	  PTE_PKEY(1), 0, 0, X86_CR4_PKE, PKRU_AD(1), true, P | PK },
	{ "kernel write, U page, key 1 WD, AC=1, WP=1", 0, USER_PAGE, WRITE, 0,
	  PTE_PKEY(1), 0, 0, X86_CR4_PKE, PKRU_WD(1), true, P | W | PK },
	{ "kernel write, U page, key 1 WD, AC=1, WP=0", 0, USER_PAGE, WRITE, 0,
	  PTE_PKEY(1), X86_CR0_WP, 0, X86_CR4_PKE, PKRU_WD(1), true, OK },
	{ "kernel read, S page, key 1 AD", 0, SUPERVISOR_PAGE, READ, 0,
	  PTE_PKEY(1), 0, 0, X86_CR4_PKE, PKRU_AD(1), false, OK },
};

#define DATA_OFFSET 0x10		/* data accesses; byte 0 holds a RET */

static uint8_t *pages[2];
static uint64_t rsvd_bit;

/* A fetch fault at CPL 0 (RIP = the target, not the probe): record it and
 * return to the caller of the target as its RET would have. */
static struct exception_frame fetch_fault;
static int fetch_faults;

static void kernel_fetch_handler(struct ex_regs *regs)
{
	uint64_t *hw = &regs->rip;	/* RIP CS RFLAGS RSP SS */

	fetch_fault = (struct exception_frame){
		.vector = regs->vector, .error_code = regs->error_code,
		.rip = hw[0], .cs = hw[1], .rflags = hw[2], .rsp = hw[3],
		.ss = hw[4], .frame = (uint64_t)hw, .cr2 = get_cr2(),
	};
	fetch_faults++;
	hw[0] = *(uint64_t *)hw[3];
	hw[3] += 8;
}

static const struct probe user_probes[3][2] = {
	{ PROBE(u_read), PROBE(u_read_fep) },
	{ PROBE(u_write), PROBE(u_write_fep) },
	{ PROBE(u_exec), PROBE(u_exec_fep) },
};
static const struct probe kernel_probes[3][2] = {
	{ PROBE(k_read), PROBE(k_read_fep) },
	{ PROBE(k_write), PROBE(k_write_fep) },
	{ PROBE(k_exec), PROBE(k_exec_fep) },
};

static void check_kernel_frame(const char *name, const struct exception_frame *f,
			       uint64_t rip, bool ac)
{
	__GUEST_ASSERT(f->rip == rip, "%s: RIP %#lx, want %#lx", name, f->rip, rip);
	__GUEST_ASSERT(f->cs == KERNEL_CS && f->ss == KERNEL_DS,
		       "%s: CS:SS %#lx:%#lx", name, f->cs, f->ss);
	__GUEST_ASSERT(!!(f->rflags & X86_EFLAGS_AC) == ac,
		       "%s: RFLAGS %#lx", name, f->rflags);
	/* No stack switch at CPL 0: RSP aligned down to 16, then the frame
	 * (SDM Vol. 3 6.14.2). */
	__GUEST_ASSERT(f->frame + 40 == (f->rsp & ~15ul),
		       "%s: frame at %#lx, RSP %#lx", name, f->frame, f->rsp);
}

static void run_case(const struct pf_case *c, int fep)
{
	uint8_t *page = pages[c->target];
	uint64_t addr = (uint64_t)page + (c->access == EXEC ? 0 : DATA_OFFSET);
	uint64_t set = c->pte_set == RSVD_BIT ? rsvd_bit : c->pte_set;
	uint64_t old_pte, cr0 = get_cr0(), cr4 = get_cr4();
	struct exception_frame f = { 0 };
	bool faulted;
	char name[96];

	snprintf(name, sizeof(name), "%s%s", c->name, fep ? " (KVM_FEP)" : "");
	set_cr2(0);
	old_pte = pte_update(page, c->pte_clear, set);
	set_cr0(cr0 & ~c->cr0_clear);
	set_cr4((cr4 & ~c->cr4_clear) | c->cr4_set);
	if (c->cr4_set & X86_CR4_PKE)
		wrpkru(c->pkru);

	if (c->cpl == 3) {
		const struct probe *p = &user_probes[c->access][fep];
		struct user_exit e = run_in_user_mode(p->fn, addr);

		faulted = e.exception;
		f = e.ex;
		if (faulted)
			EXPECT_USER_FRAME(name, &f, PF_VECTOR, f.error_code,
					  c->access == EXEC ? addr : (uint64_t)p->insn,
					  X86_EFLAGS_FIXED,
					  PROBE_RSP - (c->access == EXEC ? 8 : 0),
					  user_entry_stack_top);
	} else {
		const struct probe *p = &kernel_probes[c->access][fep];
		uint64_t vector;

		fetch_faults = 0;
		/* Reads and writes are KVM_ASM_SAFE probes, and an installed
		 * handler runs before that fixup (as upstream): only fetches
		 * get the handler. */
		if (c->access == EXEC)
			install_exception_handler(PF_VECTOR,
						  kernel_fetch_handler);
		if (c->ac)
			stac();
		vector = p->fn(addr);
		if (c->ac)
			clac();
		install_exception_handler(PF_VECTOR, NULL);
		GUEST_ASSERT(!(vector && fetch_faults));
		faulted = vector || fetch_faults;
		f = vector ? last_safe_exception : fetch_fault;
		if (faulted)
			check_kernel_frame(name, &f, c->access == EXEC ? addr :
					   (uint64_t)p->insn, c->ac);
	}

	if (c->cr4_set & X86_CR4_PKE)
		wrpkru(0);
	set_cr4(cr4);
	set_cr0(cr0);
	set_pte(page, old_pte);

	if (c->error_code == OK) {
		__GUEST_ASSERT(!faulted, "%s: vector %lu error code %#lx at %#lx",
			       name, f.vector, f.error_code, f.rip);
		return;
	}
	__GUEST_ASSERT(faulted, "%s: no fault", name);
	__GUEST_ASSERT(f.vector == PF_VECTOR && f.error_code == c->error_code,
		       "%s: vector %lu error code %#lx, want 14 / %#lx",
		       name, f.vector, f.error_code, c->error_code);
	__GUEST_ASSERT(f.cr2 == addr, "%s: CR2 %#lx, want %#lx", name, f.cr2, addr);
}

void main(void)
{
	uint32_t eax, ebx, ecx, edx, maxphyaddr;
	unsigned int n = 0;

	cpuid(0x80000008, &eax, &ebx, &ecx, &edx);
	maxphyaddr = eax & 0xff;
	rsvd_bit = maxphyaddr < 52 ? 1ul << maxphyaddr : 0;

	pages[USER_PAGE] = alloc_pages(1, true, PAGE_RWX);
	pages[SUPERVISOR_PAGE] = alloc_pages(1, false, PAGE_RWX);
	for (int t = 0; t < 2; t++)
		*(uint8_t *)direct_alias(pages[t]) = 0xc3;	/* ret */

	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		if (cases[i].pte_set == RSVD_BIT && !rsvd_bit)
			continue;	/* MAXPHYADDR 52: no reserved bit */
		for_each_fep(fep) {
			run_case(&cases[i], fep);
			n++;
		}
	}
	GUEST_SYNC(n);
}
