// SPDX-License-Identifier: MIT
/*
 * user-sysinsn: system instructions at CPL 3.  Privileged instructions are
 * #GP(0) (SDM Vol. 3 5.9); CLAC/STAC are #UD above CPL 0 (SDM CLAC/STAC);
 * CR4.UMIP makes SGDT SIDT SLDT SMSW STR #GP(0) above CPL 0 (SDM Vol. 3
 * 2.5); CR4.TSD makes RDTSC/RDTSCP #GP(0) above CPL 0 (SDM RDTSC);
 * RDPKRU is #UD without CR4.PKE and allowed at CPL 3 with it.  With
 * UMIP/TSD set, CPL 0 still runs the same instructions.  Each case also
 * runs behind KVM_FEP when forced emulation is on.  UMIP and RDTSCP cases
 * run only when CPUID reports the feature.
 *
 * Events: SYNC {"hello", n} with n = the number of cases run, then DONE.
 */
#include "ring3.h"

#define SYS_PROBES(name, insn)						\
	USER_PROBES(u_##name, insn);					\
	KERNEL_PROBES(k_##name, insn)

SYS_PROBES(sgdt, "sgdt (%rdi)");
SYS_PROBES(sidt, "sidt (%rdi)");
SYS_PROBES(sldt, "sldt (%rdi)");
SYS_PROBES(smsw, "smsw %eax");
SYS_PROBES(str, "str %eax");
SYS_PROBES(rdtsc, "rdtsc");
SYS_PROBES(rdtscp, "rdtscp");
/* RDPKRU needs ECX = 0 (MOV: the flags stay as they are). */
#define ECX0 "mov $0, %ecx"
__PROBE_ASM(".user_text", u_rdpkru, ECX0, "", "rdpkru", "");
__PROBE_ASM(".user_text", u_rdpkru_fep, ECX0, KVM_FEP, "rdpkru", "");
#define K_RDPKRU(name, prefix)						\
	__PROBE_ASM(".text", name,					\
		    ECX0 "\n\t"						\
		    "mov $" __stringify(KVM_EXCEPTION_MAGIC) ", %r9\n\t"	\
		    "lea " #name "_insn(%rip), %r10\n\t"			\
		    "lea 1f(%rip), %r11", prefix, "rdpkru",		\
		    "xor %r9d, %r9d\n1:\tmov %r9, %rax")
K_RDPKRU(k_rdpkru, "");
K_RDPKRU(k_rdpkru_fep, KVM_FEP);
USER_PROBES(u_hlt, "hlt");
USER_PROBES(u_rdcr0, "mov %cr0, %rax");
USER_PROBES(u_wrcr3, "mov %rax, %cr3");
USER_PROBES(u_rddr7, "mov %dr7, %rax");
USER_PROBES(u_lgdt, "lgdt (%rdi)");
USER_PROBES(u_lidt, "lidt (%rdi)");
USER_PROBES(u_lldt, "lldt %ax");
USER_PROBES(u_ltr, "ltr %ax");
USER_PROBES(u_lmsw, "lmsw %ax");
USER_PROBES(u_clts, "clts");
USER_PROBES(u_invlpg, "invlpg (%rdi)");
USER_PROBES(u_wbinvd, "wbinvd");
USER_PROBES(u_invd, "invd");
USER_PROBES(u_rdmsr, "rdmsr");
USER_PROBES(u_wrmsr, "wrmsr");
USER_PROBES(u_swapgs, "swapgs");
USER_PROBES(u_rdpmc, "rdpmc");
USER_PROBES(u_clac, "clac");
USER_PROBES(u_stac, "stac");

enum feature { ANY, UMIP, RDTSCP, PKU };

struct sys_case {
	const char *name;
	struct probe user[2], kernel[2];	/* kernel: none if !kernel[0].fn */
	uint64_t cr4_set;
	enum feature needs;
	uint64_t vector;		/* at CPL 3; 0: no exception */
};

#define BOTH(n) { PROBE(u_##n), PROBE(u_##n##_fep) }, \
		{ PROBE(k_##n), PROBE(k_##n##_fep) }
#define USER(n) { PROBE(u_##n), PROBE(u_##n##_fep) }, { { 0 } }

static const struct sys_case cases[] = {
	{ "sgdt", BOTH(sgdt), 0, ANY, 0 },
	{ "sidt", BOTH(sidt), 0, ANY, 0 },
	{ "sldt", BOTH(sldt), 0, ANY, 0 },
	{ "smsw", BOTH(smsw), 0, ANY, 0 },
	{ "str", BOTH(str), 0, ANY, 0 },
	{ "sgdt, UMIP", BOTH(sgdt), X86_CR4_UMIP, UMIP, GP_VECTOR },
	{ "sidt, UMIP", BOTH(sidt), X86_CR4_UMIP, UMIP, GP_VECTOR },
	{ "sldt, UMIP", BOTH(sldt), X86_CR4_UMIP, UMIP, GP_VECTOR },
	{ "smsw, UMIP", BOTH(smsw), X86_CR4_UMIP, UMIP, GP_VECTOR },
	{ "str, UMIP", BOTH(str), X86_CR4_UMIP, UMIP, GP_VECTOR },
	{ "rdtsc", BOTH(rdtsc), 0, ANY, 0 },
	{ "rdtsc, TSD", BOTH(rdtsc), X86_CR4_TSD, ANY, GP_VECTOR },
	{ "rdtscp", BOTH(rdtscp), 0, RDTSCP, 0 },
	{ "rdtscp, TSD", BOTH(rdtscp), X86_CR4_TSD, RDTSCP, GP_VECTOR },
	{ "rdpkru, PKE=0", BOTH(rdpkru), 0, PKU, UD_VECTOR },
	{ "rdpkru, PKE=1", BOTH(rdpkru), X86_CR4_PKE, PKU, 0 },
	{ "hlt", USER(hlt), 0, ANY, GP_VECTOR },
	{ "mov from cr0", USER(rdcr0), 0, ANY, GP_VECTOR },
	{ "mov to cr3", USER(wrcr3), 0, ANY, GP_VECTOR },
	{ "mov from dr7", USER(rddr7), 0, ANY, GP_VECTOR },
	{ "lgdt", USER(lgdt), 0, ANY, GP_VECTOR },
	{ "lidt", USER(lidt), 0, ANY, GP_VECTOR },
	{ "lldt", USER(lldt), 0, ANY, GP_VECTOR },
	{ "ltr", USER(ltr), 0, ANY, GP_VECTOR },
	{ "lmsw", USER(lmsw), 0, ANY, GP_VECTOR },
	{ "clts", USER(clts), 0, ANY, GP_VECTOR },
	{ "invlpg", USER(invlpg), 0, ANY, GP_VECTOR },
	{ "wbinvd", USER(wbinvd), 0, ANY, GP_VECTOR },
	{ "invd", USER(invd), 0, ANY, GP_VECTOR },
	{ "rdmsr", USER(rdmsr), 0, ANY, GP_VECTOR },
	{ "wrmsr", USER(wrmsr), 0, ANY, GP_VECTOR },
	{ "swapgs", USER(swapgs), 0, ANY, GP_VECTOR },
	{ "rdpmc, CR4.PCE=0", USER(rdpmc), 0, ANY, GP_VECTOR },
	{ "clac", USER(clac), 0, ANY, UD_VECTOR },
	{ "stac", USER(stac), 0, ANY, UD_VECTOR },
};

static bool has_feature(enum feature f)
{
	uint32_t a, b, c, d;

	switch (f) {
	case UMIP:
		__cpuid(7, 0, &a, &b, &c, &d);
		return c & (1u << 2);
	case PKU:
		__cpuid(7, 0, &a, &b, &c, &d);
		return c & (1u << 3);
	case RDTSCP:
		cpuid(0x80000001, &a, &b, &c, &d);
		return d & (1u << 27);
	default:
		return true;
	}
}

static unsigned int run_case(const struct sys_case *c, int fep, void *buf)
{
	const struct probe *u = &c->user[fep], *k = &c->kernel[fep];
	uint64_t cr4 = get_cr4();
	struct user_exit e;
	uint64_t kvector = 0;
	char name[96];

	snprintf(name, sizeof(name), "%s%s", c->name, fep ? " (KVM_FEP)" : "");
	set_cr4(cr4 | c->cr4_set);
	e = run_in_user_mode(u->fn, (uint64_t)buf);
	if (k->fn)
		kvector = k->fn((uint64_t)direct_alias(buf));
	set_cr4(cr4);

	if (c->vector) {
		__GUEST_ASSERT(e.exception, "%s: no exception at CPL 3", name);
		EXPECT_USER_FRAME(name, &e.ex, c->vector, 0, u->insn,
				  X86_EFLAGS_FIXED, PROBE_RSP, user_entry_stack_top);
	} else {
		__GUEST_ASSERT(!e.exception, "%s: vector %lu error code %#lx at CPL 3",
			       name, e.ex.vector, e.ex.error_code);
	}
	/* CPL 0 runs it: UMIP and TSD only concern CPL > 0; #UD stays. */
	if (k->fn)
		__GUEST_ASSERT(kvector == (c->vector == UD_VECTOR ? UD_VECTOR : 0),
			       "%s: vector %lu at CPL 0", name, kvector);
	return k->fn ? 2 : 1;
}

void main(void)
{
	void *buf = alloc_user_page();
	unsigned int n = 0;

	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		if (!has_feature(cases[i].needs))
			continue;
		for_each_fep(fep)
			n += run_case(&cases[i], fep, buf);
	}
	GUEST_SYNC(n);
}
