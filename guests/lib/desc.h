/* SPDX-License-Identifier: MIT */
/*
 * The TSS and IDT the guest runs with, and what an exception delivered.
 * The TSS is the runner's (Guest ABI section 4: at TSS_BASE, supervisor RW
 * page, I/O map base 0x68); the IDT is the runtime's (processor.c).
 */
#ifndef RINGZERO_DESC_H
#define RINGZERO_DESC_H

#include <stdint.h>

/* 64-bit TSS layout, SDM Vol. 3 Figure 8-11 (offsets in bytes). */
#define TSS_BASE 0xfffffe0000001000ul
#define TSS_RSP0 0x04
#define TSS_IST(n) (0x24 + ((n) - 1) * 8)	/* n = 1..7 */
#define TSS_IOMAP_BASE 0x66
#define TSS_LIMIT_ABI 0x2068

static inline void tss_write64(unsigned int offset, uint64_t v)
{
	/* RSP0 sits at offset 4: an unaligned store, fine at CPL 0. */
	*(volatile uint64_t *)(TSS_BASE + offset) = v;
}

static inline uint64_t tss_read64(unsigned int offset)
{
	return *(volatile uint64_t *)(TSS_BASE + offset);
}

/* The I/O permission bitmap: bit p set = port p denied (SDM Vol. 1 19.5.2). */
static inline volatile uint8_t *tss_io_bitmap(void)
{
	return (volatile uint8_t *)(TSS_BASE +
		*(volatile uint16_t *)(TSS_BASE + TSS_IOMAP_BASE));
}

/*
 * Change the gate of one vector (the runtime's stub stays the target):
 * DPL (who may reach it with INT n, SDM Vol. 3 6.12.1.1) and IST index
 * (0 = none, 1..7: the stack the CPU switches to, SDM Vol. 3 6.14.5).
 */
void set_idt_gate(int vector, int dpl, int ist);

/*
 * An exception as the handler saw it: the error code (0 when the vector has
 * none) and the five words the CPU pushed, where it pushed them, and CR2.
 */
struct exception_frame {
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss;
	uint64_t frame;		/* address of the pushed RIP */
	uint64_t cr2;
};

/* The last exception a KVM_ASM_SAFE fixup resumed from (processor.c). */
extern struct exception_frame last_safe_exception;

#endif
