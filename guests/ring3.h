/* SPDX-License-Identifier: MIT */
/*
 * Shared by the privilege guests (user-*.c): checking an exception frame
 * field by field, with the case's name in the ABORT message.
 */
#ifndef GUESTS_RING3_H
#define GUESTS_RING3_H

#include "guest.h"

#define X86_EFLAGS_IOPL3 (3ul << 12)

/*
 * The frame the CPU pushed for an event from CPL 3 delivered through a
 * stack switch to `stack_top` (TSS.RSP0 or an IST stack, 16-byte aligned:
 * SDM Vol. 3 6.14.2, the five words end exactly at the top).
 *
 * `rflags_` is the RFLAGS image without RF: the check adds RF = 1 for the
 * fault-class vectors (SDM Vol. 3 17.3.1.1: every fault-class exception but
 * an instruction-breakpoint #DB pushes RF = 1); traps and INT n push RF as
 * it was, 0 here.  Every bit is compared.
 */
#define FAULT_CLASS_VECTORS						\
	((1ul << DE_VECTOR) | (1ul << 5) | (1ul << UD_VECTOR) | (1ul << 7) |	\
	 (1ul << 10) | (1ul << 11) | (1ul << 12) | (1ul << GP_VECTOR) |	\
	 (1ul << PF_VECTOR) | (1ul << 16) | (1ul << 17) | (1ul << 19) |	\
	 (1ul << 20) | (1ul << 21))
#define EXPECTED_RF(vec)						\
	((uint64_t)(vec) < 32 && ((FAULT_CLASS_VECTORS >> (vec)) & 1) ? X86_EFLAGS_RF : 0)

#define EXPECT_USER_FRAME(name, f, vec, ec, rip_, rflags_, rsp_, stack_top) \
do {									\
	const struct exception_frame *__f = (f);			\
	__GUEST_ASSERT(__f->vector == (vec), "%s: vector %lu, want %lu", \
		       name, __f->vector, (uint64_t)(vec));		\
	__GUEST_ASSERT(__f->error_code == (ec),				\
		       "%s: error code %#lx, want %#lx",		\
		       name, __f->error_code, (uint64_t)(ec));		\
	__GUEST_ASSERT(__f->rip == (uint64_t)(rip_),			\
		       "%s: RIP %#lx, want %#lx",			\
		       name, __f->rip, (uint64_t)(rip_));		\
	__GUEST_ASSERT(__f->cs == USER_CS && __f->ss == USER_DS,	\
		       "%s: CS:SS %#lx:%#lx, want 0x2b:0x23",		\
		       name, __f->cs, __f->ss);				\
	__GUEST_ASSERT(__f->rflags == ((rflags_) | EXPECTED_RF(vec)),	\
		       "%s: RFLAGS %#lx, want %#lx",			\
		       name, __f->rflags,				\
		       (uint64_t)((rflags_) | EXPECTED_RF(vec)));	\
	__GUEST_ASSERT(__f->rsp == (uint64_t)(rsp_),			\
		       "%s: RSP %#lx, want %#lx",			\
		       name, __f->rsp, (uint64_t)(rsp_));		\
	__GUEST_ASSERT(__f->frame + 40 == (uint64_t)(stack_top),	\
		       "%s: frame at %#lx, want it to end at %#lx",	\
		       name, __f->frame, (uint64_t)(stack_top));	\
} while (0)

/* RSP of a probe's instruction run by run_in_user_mode() (probes.h). */
#define PROBE_RSP (USER_STACK_TOP - 8)

/* FEP variants run only when the host honours the prefix. */
#define for_each_fep(fep)						\
	for (int fep = 0; fep <= (int)is_forced_emulation_enabled; fep++)

#endif
