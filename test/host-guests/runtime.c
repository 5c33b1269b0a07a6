// SPDX-License-Identifier: MIT
/*
 * runtime: the guest runtime behaving as upstream KVM selftests' does, one
 * case per run; the host (test/host-runtime.test.ts) writes test_case first.
 *
 *   1  an installed handler runs before the KVM_ASM_SAFE fixup
 *   2  #DE in a safe block is KVM_MAGIC_DE_VECTOR; ex_str(); the _safe and
 *      _safe_fep helpers (rdmsr wrmsr rdpmc xgetbv xsetbv)
 *   3  an exception nobody handles: GUEST_FAIL with upstream's text; resumed,
 *      the instruction runs again and faults again
 *   4  ABORT and DONE return when the host resumes the guest
 *   5  GUEST_PRINTF / guest_snprintf text that does not fit asserts
 *   6  %p as upstream's guest printf
 *   7  a test's own ucall numbers, GUEST_UCALL_NONE, GUEST_SYNC1..6
 *   8  code that patches itself (as upstream fix_hypercall): needs the
 *      loader's writableCode option or an R+W+X segment
 *   9  what the host cannot read: an ABORT string that is not mapped, the
 *      GUEST_UCALL_FAILED address
 *  10  the Guest ABI's UNHANDLED report, sent by a handler with
 *      ucall_unhandled() (the runtime itself reports as upstream, case 3)
 */
#include "guest.h"

volatile uint64_t test_case;


/* ---- 1 */
static volatile uint64_t ud_seen;

static void skip_ud2(struct ex_regs *regs)
{
	ud_seen++;
	regs->rip += 2;
}

static void handler_before_fixup(void)
{
	uint8_t with_handler, without;

	install_exception_handler(UD_VECTOR, skip_ud2);
	with_handler = kvm_asm_safe("ud2");	/* skipped: "no fault" */
	install_exception_handler(UD_VECTOR, NULL);
	without = kvm_asm_safe("ud2");
	GUEST_SYNC_ARGS(1, ud_seen, with_handler, without, 0);
}

/* ---- 2 */
static uint8_t divide_by_zero(bool fep, uint64_t *ec)
{
	uint32_t a = 1, d = 0, zero = 0;
	uint8_t vector;

	if (fep)
		asm volatile(KVM_ASM_SAFE_FEP("divl %[z]")
			     : "+a"(a), "+d"(d), KVM_ASM_SAFE_OUTPUTS(vector, *ec)
			     : [z] "r"(zero) : KVM_ASM_SAFE_CLOBBERS);
	else
		asm volatile(KVM_ASM_SAFE("divl %[z]")
			     : "+a"(a), "+d"(d), KVM_ASM_SAFE_OUTPUTS(vector, *ec)
			     : [z] "r"(zero) : KVM_ASM_SAFE_CLOBBERS);
	return vector;
}

static void safe_helpers(void)
{
	uint64_t ec = 1, v = 0, xcr0 = 0;
	uint8_t de = divide_by_zero(false, &ec), xgetbv_off, xgetbv_on;

	GUEST_PRINTF("%s|%s|%s|%s|%s|%s", ex_str(de), ex_str(0),
		     ex_str(GP_VECTOR), ex_str(NMI_VECTOR), ex_str(SX_VECTOR),
		     ex_str(31));
	GUEST_SYNC6(de, ec, rdmsr_safe(0xdeadbeef, &v),
		    wrmsr_safe(0xdeadbeef, 0), rdpmc_safe(0, &v), 0);

	xgetbv_off = xgetbv_safe(0, &v);	/* CR4.OSXSAVE = 0: #UD */
	set_cr4(get_cr4() | X86_CR4_OSXSAVE);
	xgetbv_on = xgetbv_safe(0, &xcr0);
	GUEST_SYNC5(xgetbv_off, xgetbv_on, xcr0, xsetbv_safe(0, 0),
		    xsetbv_safe(0, xcr0));

	if (is_forced_emulation_enabled) {
		de = divide_by_zero(true, &ec);
		GUEST_SYNC6(de, rdmsr_safe_fep(0xdeadbeef, &v),
			    wrmsr_safe_fep(0xdeadbeef, 0),
			    rdpmc_safe_fep(0, &v), xgetbv_safe_fep(2, &v),
			    kvm_asm_safe_fep("ud2"));
	}
}

/* ---- 3 */
static __attribute__((noipa)) void unhandled(void)
{
	asm volatile(".globl unhandled_insn\nunhandled_insn: ud2");
}

/* ---- 4 */
static void resume_after_abort_and_done(void)
{
	GUEST_ASSERT_EQ(test_case, 5);		/* fails: 4 */
	GUEST_SYNC(41);
	GUEST_DONE();
	GUEST_SYNC(42);
	/* returning: _start reports DONE again, then parks in hlt */
}

/* ---- 5 */
static char text[UCALL_BUFFER_LEN + 8];

static void printf_overflow(void)
{
	char small[8];

	memset(text, 'a', UCALL_BUFFER_LEN - 1);
	GUEST_PRINTF("%s", text);		/* 1023 characters: fit */
	text[UCALL_BUFFER_LEN - 1] = 'b';
	GUEST_PRINTF("%s", text);		/* 1024: assert, then cut */
	GUEST_SYNC2(guest_snprintf(small, sizeof(small), "%s", "1234567"),
		    snprintf(small, sizeof(small), "%s", "12345678"));
	guest_snprintf(small, sizeof(small), "%s", "12345678");
	GUEST_SYNC2(small[6], small[7]);
}

/* ---- 6 */
static void pointers(void)
{
	char buf[128];

	/* The flags gcc's format check allows with %p. */
	GUEST_PRINTF("%p|%p|%p|%20p|%-p|%-20p|%3p",
		     (void *)0, (void *)0x1234, (void *)0xffffffff80001000ul,
		     (void *)0xabc, (void *)0x12, (void *)0xabc,
		     (void *)0x123456);
	snprintf(buf, sizeof(buf), "%p", (void *)0x1234);
	GUEST_PRINTF("%s", buf);
}

/* ---- 7 */
#define UCALL_TEST_OWN 0x1234

static void own_ucalls(void)
{
	ucall(UCALL_TEST_OWN, 3, 7, 8, 9);
	GUEST_UCALL_NONE();
	ucall(UCALL_UNHANDLED + 1, 0);
	GUEST_SYNC1(1);
	GUEST_SYNC3(1, 2, 3);
	GUEST_SYNC4(1, 2, 3, 4);
}

/* ---- 8 */
extern char patch_site[];

static __attribute__((noipa)) uint64_t patched(void)
{
	uint64_t r;

	asm volatile(".globl patch_site\npatch_site: mov $1, %%eax" : "=a"(r));
	return r;
}

static void self_patch(void)
{
	static const uint8_t mov_2_eax[] = { 0xb8, 0x02, 0x00, 0x00, 0x00 };
	uint64_t before = patched();

	memcpy(patch_site, mov_2_eax, sizeof(mov_2_eax));
	GUEST_SYNC_ARGS(8, before, patched(), 0, 0);
}

/* ---- 9 */
static void unreadable(void)
{
	ucall_assert(UCALL_ABORT, (const char *)0x1000, __FILE__, __LINE__,
		     "%s", "expression not mapped");
	ucall_arch_do_ucall(GUEST_UCALL_FAILED);
}

/* ---- 10 */
static void report_unhandled(struct ex_regs *regs)
{
	ucall_unhandled(regs->vector, regs->error_code, regs->rip);
}

static void abi_unhandled(void)
{
	install_exception_handler(UD_VECTOR, report_unhandled);
	unhandled();
}

void main(void)
{
	switch (test_case) {
	case 1: handler_before_fixup(); break;
	case 2: safe_helpers(); break;
	case 3: unhandled(); break;
	case 4: resume_after_abort_and_done(); break;
	case 5: printf_overflow(); break;
	case 6: pointers(); break;
	case 7: own_ucalls(); break;
	case 8: self_patch(); break;
	case 9: unreadable(); break;
	case 10: abi_unhandled(); break;
	default: GUEST_FAIL("no test case %lu", test_case);
	}
}
