// SPDX-License-Identifier: MIT
/*
 * user-io: port I/O from CPL 3 against the TSS I/O permission bitmap (SDM
 * Vol. 1 19.5, APM Vol. 2 13.3.3) and IOPL; also CLI/STI, whose
 * sensitivity is IOPL (SDM CLI/STI).  Each case also runs behind KVM_FEP
 * when forced emulation is on.  A denied access is #GP(0) at the
 * instruction, with nothing transferred; every bit of every port of the
 * access must be clear in the bitmap.
 *
 * The runner's bitmap (Guest ABI 4) allows only port 0x1000; this guest
 * clears the bits of ports 0x80-0x83 for some cases.  A 1-byte access to
 * port 0x1000 with RDI = 0 is a NONE ucall (ABI 6).
 *
 * Events: a NONE ucall for each allowed access to port 0x1000 (3 per pass,
 * two passes with forced emulation), then SYNC {"hello", n} with n = the
 * number of cases run, then DONE.
 */
#include "ring3.h"

/* RDI = port: EDX = port, RDI = 0 (a ucall at port 0x1000 is then NONE). */
#define IO_PROBES(name, insn)						\
	__PROBE_ASM(".user_text", name, "mov %edi, %edx; mov $0, %edi", \
		    "", insn, "");					\
	__PROBE_ASM(".user_text", name##_fep,				\
		    "mov %edi, %edx; mov $0, %edi", KVM_FEP, insn, "")

IO_PROBES(in8, "inb %dx, %al");
IO_PROBES(in16, "inw %dx, %ax");
IO_PROBES(in32, "inl %dx, %eax");
IO_PROBES(out8, "outb %al, %dx");
IO_PROBES(out16, "outw %ax, %dx");
IO_PROBES(out32, "outl %eax, %dx");
IO_PROBES(in8_imm80, "inb $0x80, %al");
IO_PROBES(in32_imm80, "inl $0x80, %eax");
IO_PROBES(in32_imm81, "inl $0x81, %eax");
IO_PROBES(outsb, "outsb %ds:(%rsi), %dx");
IO_PROBES(cli_probe, "cli");
IO_PROBES(sti_probe, "sti");

enum probe_id {
	IN8, IN16, IN32, OUT8, OUT16, OUT32, IN8_IMM80, IN32_IMM80,
	IN32_IMM81, OUTSB, CLI, STI,
};

static const struct probe probes[][2] = {
	[IN8] = { PROBE(in8), PROBE(in8_fep) },
	[IN16] = { PROBE(in16), PROBE(in16_fep) },
	[IN32] = { PROBE(in32), PROBE(in32_fep) },
	[OUT8] = { PROBE(out8), PROBE(out8_fep) },
	[OUT16] = { PROBE(out16), PROBE(out16_fep) },
	[OUT32] = { PROBE(out32), PROBE(out32_fep) },
	[IN8_IMM80] = { PROBE(in8_imm80), PROBE(in8_imm80_fep) },
	[IN32_IMM80] = { PROBE(in32_imm80), PROBE(in32_imm80_fep) },
	[IN32_IMM81] = { PROBE(in32_imm81), PROBE(in32_imm81_fep) },
	[OUTSB] = { PROBE(outsb), PROBE(outsb_fep) },
	[CLI] = { PROBE(cli_probe), PROBE(cli_probe_fep) },
	[STI] = { PROBE(sti_probe), PROBE(sti_probe_fep) },
};

struct io_case {
	const char *name;
	enum probe_id probe;
	uint16_t port;			/* in DX */
	bool open_80_83;		/* bitmap bits of ports 0x80-0x83 cleared */
	bool iopl3;
	bool gp;			/* #GP(0) expected, else no exception */
};

static const struct io_case cases[] = {
	{ "inb 0x1000 (the ucall port)", IN8, 0x1000, false, false, false },
	{ "outb 0x1000", OUT8, 0x1000, false, false, false },
	{ "inw 0x1000 (0x1001 denied)", IN16, 0x1000, false, false, true },
	{ "inl 0x1000", IN32, 0x1000, false, false, true },
	{ "outw 0x1000", OUT16, 0x1000, false, false, true },
	{ "outl 0x1000", OUT32, 0x1000, false, false, true },
	{ "inb 0x0fff", IN8, 0x0fff, false, false, true },
	{ "inw 0x0fff (0x0fff denied)", IN16, 0x0fff, false, false, true },
	{ "outb 0x3f8 (COM1)", OUT8, 0x3f8, false, false, true },
	{ "inb $0x80, denied", IN8_IMM80, 0, false, false, true },
	{ "inb $0x80, bitmap open", IN8_IMM80, 0, true, false, false },
	{ "inl $0x80, bitmap open 0x80-0x83", IN32_IMM80, 0, true, false, false },
	{ "inl $0x81, 0x84 denied", IN32_IMM81, 0, true, false, true },
	{ "inw 0x83 (0x84 denied)", IN16, 0x83, true, false, true },
	{ "outw 0x82, bitmap open", OUT16, 0x82, true, false, false },
	{ "outsb 0x3f8", OUTSB, 0x3f8, false, false, true },
	{ "inb 0x3fd, IOPL 3", IN8, 0x3fd, false, true, false },
	{ "inl 0x1000, IOPL 3 (bitmap not consulted)", IN32, 0x1000, false, true, false },
	{ "cli, IOPL 0", CLI, 0, false, false, true },
	{ "sti, IOPL 0", STI, 0, false, false, true },
	{ "cli, IOPL 3", CLI, 0, false, true, false },
	{ "sti, IOPL 3", STI, 0, false, true, false },
};

static void open_80_83(bool open)
{
	volatile uint8_t *bitmap = tss_io_bitmap();

	if (open)
		bitmap[0x80 / 8] &= ~0x0f;
	else
		bitmap[0x80 / 8] |= 0x0f;
}

static void run_case(const struct io_case *c, int fep)
{
	const struct probe *p = &probes[c->probe][fep];
	uint64_t rflags = X86_EFLAGS_FIXED | (c->iopl3 ? X86_EFLAGS_IOPL3 : 0);
	struct user_exit e;
	char name[96];

	snprintf(name, sizeof(name), "%s%s", c->name, fep ? " (KVM_FEP)" : "");
	open_80_83(c->open_80_83);
	e = run_in_user_mode_rflags(p->fn, c->port, rflags);
	open_80_83(false);

	if (!c->gp) {
		__GUEST_ASSERT(!e.exception, "%s: vector %lu error code %#lx",
			       name, e.ex.vector, e.ex.error_code);
		return;
	}
	__GUEST_ASSERT(e.exception, "%s: no exception", name);
	EXPECT_USER_FRAME(name, &e.ex, GP_VECTOR, 0, p->insn, rflags,
			  PROBE_RSP, user_entry_stack_top);
}

void main(void)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++)
		for_each_fep(fep) {
			run_case(&cases[i], fep);
			n++;
		}
	GUEST_SYNC(n);
}
