// SPDX-License-Identifier: MIT
/*
 * user-syscall: SYSCALL/SYSRET round trips between CPL 3 and CPL 0 (SDM
 * SYSCALL/SYSRET, APM Vol. 2 6.1.1), through the runtime's SYSCALL entry
 * (usermode.S), which records what SYSCALL left: RCX = the next RIP, R11 =
 * RFLAGS, CS/SS from STAR (0x08/0x10), RFLAGS masked by SFMASK, RSP
 * unchanged.  The handler then changes RAX, RCX and R11 to check that
 * SYSRETQ returns to RCX with RFLAGS = R11 (RF, VM and reserved bits
 * cleared) at CS/SS 0x2b/0x23.  The SYSCALL runs also behind KVM_FEP when
 * forced emulation is on.  Also: SYSCALL with EFER.SCE = 0 is #UD, SYSRET
 * at CPL 3 is #GP(0).
 *
 * Events: SYNC {"hello", n} with n = the number of cases run, then DONE.
 */
#include "ring3.h"

/* Arithmetic flags, DF, AC: what user code sets before SYSCALL (POPF at
 * CPL 3 cannot set IF or IOPL). */
#define USER_FLAGS 0x40cc7ul
#define SYSCALL_NR 42
#define LINUX_SFMASK 0x47700ul		/* TF DF IF IOPL NT AC */

__user_data uint64_t u_flags_after;

#define SYS_PROBE(name, prefix)						\
	asm(".pushsection .user_text, \"ax\", @progbits\n"		\
	    ".globl " #name "\n" #name ":\n\t"				\
	    "pushq $" __stringify(USER_FLAGS) "\n\t"			\
	    "popfq\n\t"							\
	    "mov $" __stringify(SYSCALL_NR) ", %eax\n\t"		\
	    "mov $1000, %esi\n\t"					\
	    prefix "\n"							\
	    #name "_insn:\n\t"					\
	    "syscall\n"							\
	    #name "_after:\n\t"					\
	    "pushfq\n\t"						\
	    "popq u_flags_after(%rip)\n\t"				\
	    "pushq $2\n\t"						\
	    "popfq\n\t"							\
	    "ret\n"							\
	    #name "_alt:\n\t"					\
	    "mov $0xa17, %eax\n\t"					\
	    "jmp " #name "_after\n"					\
	    ".popsection");						\
	extern char name##_insn[] __asm__(#name "_insn");		\
	extern char name##_after[] __asm__(#name "_after");	\
	extern char name##_alt[] __asm__(#name "_alt");		\
	uint64_t name(uint64_t)

SYS_PROBE(u_sys, "");
SYS_PROBE(u_sys_fep, KVM_FEP);
USER_PROBES(u_sysret, "sysretq");

struct sys_case {
	const char *name;
	uint64_t sfmask;
	bool alt_rcx;			/* the handler sends SYSRET to _alt */
	uint64_t new_r11;		/* 0: keep R11 */
	uint64_t flags_after;		/* RFLAGS after SYSRETQ */
};

static const struct sys_case cases[] = {
	{ "round trip, SFMASK 0", 0, false, 0, USER_FLAGS },
	{ "round trip, SFMASK TF|DF|IF|IOPL|NT|AC", LINUX_SFMASK, false, 0,
	  USER_FLAGS },
	{ "SYSRET to the RCX the handler set", 0, true, 0, USER_FLAGS },
	/* RFLAGS = R11 with RF, VM cleared; reserved bit 3 reads 0. */
	{ "SYSRET loads RFLAGS from R11", 0, false,
	  0x2 | X86_EFLAGS_CF | 0x8 | X86_EFLAGS_RF | X86_EFLAGS_IF,
	  0x2 | X86_EFLAGS_CF | X86_EFLAGS_IF },
};

static const struct sys_case *current;
static const char *current_name;
static uint64_t current_after, current_alt;
static int handled;

static void sys_handler(struct syscall_regs *r)
{
	const char *name = current_name;
	uint64_t want_kflags = (USER_FLAGS & ~current->sfmask) | X86_EFLAGS_FIXED;

	handled++;
	__GUEST_ASSERT(r->rax == SYSCALL_NR && r->rsi == 1000,
		       "%s: rax %#lx rsi %#lx", name, r->rax, r->rsi);
	__GUEST_ASSERT(r->rcx == current_after, "%s: RCX %#lx, want %#lx",
		       name, r->rcx, current_after);
	__GUEST_ASSERT(r->r11 == USER_FLAGS, "%s: R11 %#lx, want %#lx",
		       name, r->r11, USER_FLAGS);
	__GUEST_ASSERT(r->rflags == want_kflags, "%s: RFLAGS %#lx, want %#lx",
		       name, r->rflags, want_kflags);
	__GUEST_ASSERT(r->cs == KERNEL_CS && r->ss == KERNEL_DS,
		       "%s: CS:SS %#lx:%#lx", name, r->cs, r->ss);
	__GUEST_ASSERT(r->rsp == PROBE_RSP, "%s: RSP %#lx", name, r->rsp);

	r->rax = r->rdi + r->rsi;
	if (current->alt_rcx)
		r->rcx = current_alt;
	if (current->new_r11)
		r->r11 = current->new_r11;
}

static void run_case(const struct sys_case *c, int fep)
{
	uint64_t (*fn)(uint64_t) = fep ? u_sys_fep : u_sys;
	struct user_exit e;
	char name[96];
	uint16_t cs, ss;

	snprintf(name, sizeof(name), "%s%s", c->name, fep ? " (KVM_FEP)" : "");
	current = c;
	current_name = name;
	current_after = (uint64_t)(fep ? u_sys_fep_after : u_sys_after);
	current_alt = (uint64_t)(fep ? u_sys_fep_alt : u_sys_alt);
	handled = 0;
	*(uint64_t *)direct_alias(&u_flags_after) = 0;
	wrmsr(MSR_SYSCALL_MASK, c->sfmask);
	e = run_in_user_mode(fn, 7);
	wrmsr(MSR_SYSCALL_MASK, 0);

	__GUEST_ASSERT(!e.exception, "%s: vector %lu at %#lx", name,
		       e.ex.vector, e.ex.rip);
	GUEST_ASSERT_EQ(handled, 1);
	__GUEST_ASSERT(e.value == (c->alt_rcx ? 0xa17 : 1007),
		       "%s: result %#lx", name, e.value);
	__GUEST_ASSERT(*(uint64_t *)direct_alias(&u_flags_after) == c->flags_after,
		       "%s: RFLAGS after SYSRET %#lx, want %#lx", name,
		       *(uint64_t *)direct_alias(&u_flags_after), c->flags_after);
	/* Back at CPL 0 with the runtime's selectors. */
	asm volatile("mov %%cs, %0; mov %%ss, %1" : "=r"(cs), "=r"(ss));
	GUEST_ASSERT(cs == KERNEL_CS && ss == KERNEL_DS);
}

static void run_faults(int fep)
{
	uint64_t efer = rdmsr(MSR_EFER);
	const char *insn = fep ? u_sys_fep_insn : u_sys_insn;
	struct user_exit e;

	/* EFER.SCE = 0: SYSCALL is #UD (SDM SYSCALL, 64-bit mode exceptions). */
	wrmsr(MSR_EFER, efer & ~EFER_SCE);
	e = run_in_user_mode(fep ? u_sys_fep : u_sys, 7);
	wrmsr(MSR_EFER, efer);
	GUEST_ASSERT(e.exception);
	EXPECT_USER_FRAME("SYSCALL with EFER.SCE=0", &e.ex, UD_VECTOR, 0,
			  insn, USER_FLAGS, PROBE_RSP, user_entry_stack_top);

	/* SYSRET at CPL 3: #GP(0). */
	e = run_in_user_mode(fep ? u_sysret_fep : u_sysret, 0);
	GUEST_ASSERT(e.exception);
	EXPECT_USER_FRAME("SYSRET at CPL 3", &e.ex, GP_VECTOR, 0,
			  fep ? u_sysret_fep_insn : u_sysret_insn,
			  X86_EFLAGS_FIXED, PROBE_RSP, user_entry_stack_top);
}

void main(void)
{
	unsigned int n = 0;

	/* The ABI's STAR: SYSCALL CS/SS 0x08/0x10, SYSRET 0x2b/0x23. */
	GUEST_ASSERT_EQ(rdmsr(MSR_STAR), 0x0018000800000000ul);
	install_syscall_handler(sys_handler);
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++)
		for_each_fep(fep) {
			run_case(&cases[i], fep);
			n++;
		}
	for_each_fep(fep) {
		run_faults(fep);
		n += 2;
	}
	GUEST_SYNC(n);
}
