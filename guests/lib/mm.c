// SPDX-License-Identifier: MIT
/*
 * Guest page allocation and page-table helpers (mm.h): a bump allocator over
 * the guest-physical pool below 1 MiB, 4-level page-table walks through the
 * direct map, and two bump allocators of virtual addresses, one per half.
 */
#include "guest.h"

static uint64_t next_phys = GUEST_PHYS_POOL_START;
static uint64_t next_user_va = USER_ALLOC_BASE;
static uint64_t next_supervisor_va = SUPERVISOR_ALLOC_BASE;

uint64_t alloc_phys_page(void)
{
	uint64_t gpa = next_phys;

	if (gpa >= GUEST_PHYS_POOL_END || gpa >= guest_ram_size)
		GUEST_FAIL("out of guest-physical pages (pool [%#lx, %#lx))",
			   GUEST_PHYS_POOL_START, GUEST_PHYS_POOL_END);
	next_phys += PAGE_SIZE;
	memset(phys_to_virt(gpa), 0, PAGE_SIZE);
	return gpa;
}

static unsigned int pt_index(uint64_t va, int level)
{
	return (va >> (PAGE_SHIFT + 9 * (level - 1))) & 511;
}

static bool is_user_half(uint64_t va)
{
	return va < 0x0000800000000000ul;
}

/*
 * The entry for va at `level` (4 = PML4E ... 1 = PTE).  With create, missing
 * tables above it are allocated; otherwise NULL when one is missing or a
 * large page ends the walk earlier (then *leaf_level says where).
 */
static uint64_t *walk(uint64_t va, int level, bool create, int *leaf_level)
{
	uint64_t *table = phys_to_virt(get_cr3() & PHYSICAL_PAGE_MASK);
	uint64_t nonleaf = PTE_PRESENT_MASK | PTE_WRITABLE_MASK |
			   (is_user_half(va) ? PTE_USER_MASK : 0);

	for (int l = 4; l > level; l--) {
		uint64_t *e = &table[pt_index(va, l)];

		if (!(*e & PTE_PRESENT_MASK)) {
			if (!create)
				return 0;
			*e = alloc_phys_page() | nonleaf;
		} else if (l <= 3 && (*e & PTE_LARGE_MASK)) {
			if (create)
				GUEST_FAIL("%#lx is inside a large page", va);
			if (leaf_level)
				*leaf_level = l;
			return e;
		}
		table = phys_to_virt(*e & PHYSICAL_PAGE_MASK);
	}
	if (leaf_level)
		*leaf_level = level;
	return &table[pt_index(va, level)];
}

void map_page(void *va, uint64_t gpa, uint64_t pte_bits)
{
	uint64_t *pte = walk((uint64_t)va, 1, true, 0);

	*pte = (gpa & PHYSICAL_PAGE_MASK) | pte_bits | PTE_PRESENT_MASK;
	invlpg(va);
}

void *alloc_pages(unsigned int n, bool user, enum page_prot prot)
{
	uint64_t *next = user ? &next_user_va : &next_supervisor_va;
	uint64_t va = *next;
	uint64_t bits = (user ? PTE_USER_MASK : 0) |
			(prot == PAGE_RO ? 0 : PTE_WRITABLE_MASK) |
			(prot == PAGE_RWX ? 0 : PTE_NX_MASK);

	*next += (uint64_t)(n + 1) * PAGE_SIZE;	/* + one guard page */
	for (unsigned int i = 0; i < n; i++)
		map_page((void *)(va + i * PAGE_SIZE), alloc_phys_page(), bits);
	return (void *)va;
}

uint64_t *get_pte_level(const void *va, int *level)
{
	int l = 1;
	uint64_t *e = walk((uint64_t)va, 1, false, &l);

	if (!e)
		return 0;
	if (level)
		*level = l;
	return e;
}

static uint64_t *must_get_pte(const void *va)
{
	uint64_t *e = get_pte(va);

	if (!e)
		GUEST_FAIL("%p is not mapped", va);
	return e;
}

void set_pte(const void *va, uint64_t pte)
{
	*must_get_pte(va) = pte;
	invlpg(va);
}

uint64_t pte_update(const void *va, uint64_t clear, uint64_t set)
{
	uint64_t *e = must_get_pte(va);
	uint64_t old = *e;

	*e = (old & ~clear) | set;
	invlpg(va);
	return old;
}

uint64_t virt_to_phys(const void *va)
{
	int level = 1;
	uint64_t *e = get_pte_level(va, &level);
	uint64_t size = PAGE_SIZE << (9 * (level - 1));

	if (!e || !(*e & PTE_PRESENT_MASK))
		return ~0ul;
	return (*e & PHYSICAL_PAGE_MASK & ~(size - 1)) | ((uint64_t)va & (size - 1));
}

void *direct_alias(const void *va)
{
	uint64_t gpa = virt_to_phys(va);

	if (gpa == ~0ul)
		GUEST_FAIL("%p is not mapped", va);
	return phys_to_virt(gpa);
}
