/* SPDX-License-Identifier: MIT */
/*
 * Page allocation and page-table access for guests (mm.c).
 *
 * Physical pages come from guest-physical [0x1000, 0x100000): Guest ABI
 * section 2 keeps everything the runner builds at or above 0x100000, so the
 * first MiB of RAM belongs to the guest (page 0 is never handed out).  The
 * runtime reaches those pages through the direct map and maps them at
 * virtual addresses it picks itself, in the half the caller asks for:
 *     USER pages        from USER_ALLOC_BASE        (U=1)
 *     SUPERVISOR pages  from SUPERVISOR_ALLOC_BASE  (U=0)
 * with one unmapped guard page after every allocation.  Page tables the
 * runtime adds follow the ABI (section 3): non-leaf entries P|RW|U in the
 * lower half and P|RW in the upper half, so the leaf decides.  Running out of
 * pages is a GUEST_FAIL (an ABORT naming mm.c), never a silent overlap.
 *
 * PTE helpers change an entry through the direct map and INVLPG the address
 * (SDM Vol. 3 4.10.4.1: software must invalidate a changed translation).
 */
#ifndef RINGZERO_MM_H
#define RINGZERO_MM_H

#include <stdbool.h>
#include <stdint.h>

#include "x86-regs.h"	/* PAGE_SHIFT, PAGE_SIZE, PHYSICAL_PAGE_MASK */

/* Page-table entry bits (SDM Vol. 3 Table 4-19; KVM selftests names). */
#define PTE_PRESENT_MASK (1ul << 0)
#define PTE_WRITABLE_MASK (1ul << 1)
#define PTE_USER_MASK (1ul << 2)
#define PTE_PWT_MASK (1ul << 3)
#define PTE_PCD_MASK (1ul << 4)
#define PTE_ACCESSED_MASK (1ul << 5)
#define PTE_DIRTY_MASK (1ul << 6)
#define PTE_LARGE_MASK (1ul << 7)
#define PTE_GLOBAL_MASK (1ul << 8)
#define PTE_NX_MASK (1ul << 63)
#define PTE_PKEY_SHIFT 59			/* bits 62:59, CR4.PKE */
#define PTE_PKEY_MASK (0xful << PTE_PKEY_SHIFT)
#define PTE_PKEY(k) ((uint64_t)(k) << PTE_PKEY_SHIFT)

/* Where mm.c puts the pages it maps (chosen by the runtime, see above). */
#define USER_ALLOC_BASE 0x0000100000000000ul
#define SUPERVISOR_ALLOC_BASE 0xffffc90000000000ul
#define GUEST_PHYS_POOL_START 0x1000ul
#define GUEST_PHYS_POOL_END 0x100000ul

/* Protection of a new allocation, on top of P (and U from the half). */
enum page_prot {
	PAGE_RW = 0,		/* R+W, NX */
	PAGE_RO = 1,		/* read-only, NX */
	PAGE_RWX = 2,		/* R+W, executable */
};

/* n zeroed pages at a new virtual address; U=1 (user half) or U=0. */
void *alloc_pages(unsigned int n, bool user, enum page_prot prot);
static inline void *alloc_user_pages(unsigned int n)
{
	return alloc_pages(n, true, PAGE_RW);
}
static inline void *alloc_supervisor_pages(unsigned int n)
{
	return alloc_pages(n, false, PAGE_RW);
}
static inline void *alloc_user_page(void)
{
	return alloc_user_pages(1);
}
static inline void *alloc_supervisor_page(void)
{
	return alloc_supervisor_pages(1);
}

/* A zeroed physical page from the pool; returns its guest-physical address. */
uint64_t alloc_phys_page(void);

/*
 * The entry that maps va (a 4 KiB PTE, or the PDE/PDPTE of a large page;
 * *level = 1, 2 or 3 if level is not NULL), reached through the direct map,
 * present or not; NULL if a table above it is not present.
 */
uint64_t *get_pte_level(const void *va, int *level);
static inline uint64_t *get_pte(const void *va)
{
	return get_pte_level(va, 0);
}
/* Write the entry mapping va (which must be mapped), then INVLPG va. */
void set_pte(const void *va, uint64_t pte);
/* Clear then set bits of the entry mapping va, then INVLPG va; returns the old entry. */
uint64_t pte_update(const void *va, uint64_t clear, uint64_t set);
/* Guest-physical address of va through the current page tables (~0ul if unmapped). */
uint64_t virt_to_phys(const void *va);
/* The direct-map alias of va: the same bytes, U=0, RW, NX. */
void *direct_alias(const void *va);

static inline void invlpg(const void *va)
{
	asm volatile("invlpg (%0)" : : "r"(va) : "memory");
}

/* Map one physical page at va (any half) with the given leaf bits (P added). */
void map_page(void *va, uint64_t gpa, uint64_t pte_bits);

#endif
