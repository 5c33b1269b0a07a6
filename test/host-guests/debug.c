// SPDX-License-Identifier: MIT
/*
 * debug: a guest the host debugs (test/host-debug.test.ts drives it).  Host
 * breakpoints, single-step and watchpoints must be invisible: the guest checks
 * its own code bytes, DR6/DR7 and its own #DB/#BP handling at every stage.
 *
 *   SYNC 1  stepped(7) returned (the host breaks at `stepped` and
 *           single-steps it); args: its result, the first byte of stepped
 *   SYNC 2  the guest's own TF single-step over three NOPs: three #DB with
 *           DR6.BS, exactly as without a host (the host may single-step it)
 *   SYNC 3  `watched` written at wr_at (the host watches it for writes, the
 *           guest's DR1 too): the guest's #DB reports DR6.B1 only
 *   SYNC 4  `watched2` read at rd_at (the host watches it for any access)
 *   SYNC 5  the guest's own INT3: one #BP, RIP after it
 *   SYNC 6  LOOP to itself at loop_at, three times (a host breakpoint there
 *           stops at each arrival), then REP STOSB of 4 bytes at rep_at (one
 *           stop: its elements are one instruction); args: RCX after each
 *   DONE
 */
#include "guest.h"
#include "processor.h"

#define DR6_RESERVED 0xffff0ff0ul
#define DR6_B1 (1ul << 1)
#define DR6_BS (1ul << 14)
#define DR7_FIXED 0x400ul

/* Straight-line code the host single-steps: (((x + 5) * 3) ^ 0x10) + 1, through memory and the stack. */
uint64_t stepped(uint64_t x);
asm(".text\n"
    ".global stepped\n"
    "stepped:\n"
    "	mov %rdi, %rax\n"
    "	add $5, %rax\n"
    "	imul $3, %rax, %rax\n"
    "	push %rax\n"
    "	xorq $0x10, (%rsp)\n"
    "	pop %rax\n"
    "	lea 1(%rax), %rax\n"
    "	ret\n");

volatile uint64_t watched __attribute__((aligned(8)));
volatile uint64_t watched2 __attribute__((aligned(8))) = 0x77;
static volatile uint8_t stos_buf[4];

static volatile uint64_t db_rip[8], db_dr6[8];
static volatile unsigned int db_count, bp_count;
static volatile uint64_t bp_rip, stop_rip;

static void db_handler(struct ex_regs *regs)
{
	unsigned int n = db_count;

	if (n < 8) {
		db_rip[n] = regs->rip;
		db_dr6[n] = get_dr6();
	}
	db_count = n + 1;
	set_dr(6, DR6_RESERVED);
	if (regs->rip == stop_rip)
		regs->rflags &= ~X86_EFLAGS_TF;
}

static void bp_handler(struct ex_regs *regs)
{
	bp_count++;
	bp_rip = regs->rip;
}

/* The guest sees what it set, and none of the host's debugging. */
static void check_invisible(void)
{
	GUEST_ASSERT_EQ(get_dr6(), DR6_RESERVED);
	GUEST_ASSERT_EQ(get_dr7(), DR7_FIXED);
	GUEST_ASSERT_EQ(*(volatile uint8_t *)stepped, 0x48);	/* mov %rdi,%rax: no INT3 planted */
}

extern char ss_2[], ss_3[], ss_end[], wr_at[], wr_after[], rd_at[], int3_after[];

void main(void)
{
	uint64_t r, v;

	install_exception_handler(DB_VECTOR, db_handler);
	install_exception_handler(BP_VECTOR, bp_handler);
	set_dr(6, DR6_RESERVED);

	r = stepped(7);
	GUEST_ASSERT_EQ(r, ((7 + 5) * 3 ^ 0x10) + 1);
	check_invisible();
	GUEST_ASSERT_EQ(db_count, 0);
	GUEST_SYNC_ARGS(1, r, *(volatile uint8_t *)stepped, 0, 0);

	stop_rip = (uint64_t)ss_end;
	asm volatile("pushfq; orq $0x100, (%%rsp); popfq\n"
		     "nop\n"
		     "ss_2: nop\n"
		     "ss_3: nop\n"
		     "ss_end:" ::: "memory");
	GUEST_ASSERT_EQ(db_count, 3);
	GUEST_ASSERT_EQ(db_rip[0], (uint64_t)ss_2);
	GUEST_ASSERT_EQ(db_rip[1], (uint64_t)ss_3);
	GUEST_ASSERT_EQ(db_rip[2], (uint64_t)ss_end);
	for (int k = 0; k < 3; k++)
		GUEST_ASSERT_EQ(db_dr6[k], DR6_RESERVED | DR6_BS);
	check_invisible();
	GUEST_SYNC_ARGS(2, db_count, 0, 0, 0);

	db_count = 0;
	stop_rip = 0;
	set_dr(1, (uint64_t)&watched);
	/* L1 (bit 2), R/W1 = 01 (writes, bits 21:20), LEN1 = 10 (8 bytes, bits 23:22). */
	set_dr(7, DR7_FIXED | (1ul << 2) | (1ul << 20) | (2ul << 22));
	v = watched;				/* a read: neither the guest's nor the host's write breakpoint */
	asm volatile("wr_at: movq $5, watched(%%rip)\n"
		     "wr_after:" ::: "memory");
	set_dr(7, DR7_FIXED);
	GUEST_ASSERT_EQ(db_count, 1);
	GUEST_ASSERT_EQ(db_rip[0], (uint64_t)wr_after);
	GUEST_ASSERT_EQ(db_dr6[0], DR6_RESERVED | DR6_B1);
	GUEST_ASSERT_EQ(watched, 5);
	check_invisible();
	GUEST_SYNC_ARGS(3, v, (uint64_t)wr_at, (uint64_t)wr_after, 0);

	asm volatile("rd_at: movq watched2(%%rip), %0" : "=r"(v) :: "memory");
	check_invisible();
	GUEST_SYNC_ARGS(4, v, (uint64_t)rd_at, 0, 0);

	asm volatile("int3\n"
		     "int3_after:" ::: "memory");
	GUEST_ASSERT_EQ(bp_count, 1);
	GUEST_ASSERT_EQ(bp_rip, (uint64_t)int3_after);
	GUEST_ASSERT_EQ(db_count, 1);
	check_invisible();
	GUEST_SYNC_ARGS(5, bp_count, (uint64_t)int3_after, 0, 0);

	v = 3;
	asm volatile("loop_at: loop loop_at" : "+c"(v) :: "memory");
	{
		uint64_t n = 4;
		void *dst = (void *)stos_buf;

		asm volatile("rep_at: rep stosb" : "+c"(n), "+D"(dst) : "a"(0xab) : "memory");
		GUEST_ASSERT_EQ(stos_buf[3], 0xab);
		check_invisible();
		GUEST_SYNC_ARGS(6, v, n, 0, 0);
	}
}
