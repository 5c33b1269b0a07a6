// SPDX-License-Identifier: MIT
/*
 * stack-remap: the stack's translation changes under running code.  One asm
 * block switches to a stack page W, pushes, reads the slot back through an
 * RSP-based operand and (twice) through another register, points W's PTE at
 * another frame and INVLPGs W, reads the top slot through both registers and
 * adds to it through RSP, pushes again and pops both slots: everything after
 * the INVLPG must use the new frame (SDM Vol. 3 4.10.4.1: after INVLPG no
 * cached translation of W remains).  The block is straight-line code, so the
 * compiled tier runs it as one region: this checks that a region's cached
 * pages (compiled/page-caches.ts: the stack page that pushes, pops and
 * RSP-based operands share, and the other registers') go when INVLPG runs.  The block runs
 * ROUNDS times, with W mapped back to its own frame in between.
 *
 * Then, ROUNDS times, one load and one store instruction (read_slot, write_slot) on W
 * before and after W is remapped.
 *
 * Events: SYNC_ARGS(1, old frame's top slot, new frame's slot below it,
 * the value popped from the new frame's top slot) = args[0] -> "hello",
 * args[1..4] = 1, 0x11, 0x22, 0x133; then DONE.
 */
#include "guest.h"

/* Rounds: enough for the compiled tier to compile the block (its threshold doubles per region of a page). */
#define ROUNDS 300

/*
 * One load and one store instruction each, run on W before and after W is
 * remapped: the interpreter keeps a copy of the TLB entry each instruction
 * used last (mmu.ts AccessCache), which the INVLPG must outdate.
 */
static noinline uint64_t read_slot(volatile uint64_t *p) { return *p; }
static noinline void write_slot(volatile uint64_t *p, uint64_t v) { *p = v; }

void main(void)
{
	uint64_t *w = alloc_supervisor_page(), *b = alloc_supervisor_page();
	uint64_t *old = direct_alias(w), *new = direct_alias(b);
	uint64_t *pte = get_pte(w);
	uint64_t original = *pte;
	uint64_t remapped = (original & ~PHYSICAL_PAGE_MASK) | virt_to_phys(b);
	uint64_t below = 0, top = 0, seen_old = 0, seen_new = 0, seen_alias = 0;

	for (int i = 0; i < ROUNDS; i++) {
		set_pte(w, original);
		old[510] = old[511] = new[510] = 0;
		new[511] = 0x33;	/* the new frame's top slot, popped second */
		asm volatile("mov %%rsp, %%r12\n\t"
			     "lea 4096(%[w]), %%rsp\n\t"
			     "pushq $0x11\n\t"		/* old frame, slot 511 */
			     "mov (%%rsp), %[seen_old]\n\t"	/* 0x11 */
			     "mov (%[top_slot]), %[seen_alias]\n\t"	/* the same slot through another register, twice */
			     "mov (%[top_slot]), %[seen_alias]\n\t"
			     "mov %[remapped], (%[pte])\n\t"
			     "invlpg (%[w])\n\t"
			     "mov (%%rsp), %[seen_new]\n\t"	/* new frame, slot 511: 0x33 */
			     "mov (%[top_slot]), %[seen_alias]\n\t"	/* 0x33 */
			     "addq $0x100, (%%rsp)\n\t"	/* new frame, slot 511: 0x133 */
			     "pushq $0x22\n\t"		/* new frame, slot 510 */
			     "popq %[below]\n\t"
			     "popq %[top]\n\t"		/* new frame, slot 511: 0x133 */
			     "mov %%r12, %%rsp"
			     : [below] "=&r"(below), [top] "=&r"(top), [seen_old] "=&r"(seen_old), [seen_new] "=&r"(seen_new),
			       [seen_alias] "=&r"(seen_alias)
			     : [w] "r"(w), [pte] "r"(pte), [remapped] "r"(remapped), [top_slot] "r"(w + 511)
			     : "r12", "memory");
		GUEST_ASSERT_EQ(old[510], 0);
		GUEST_ASSERT_EQ(new[510], 0x22);
		GUEST_ASSERT_EQ(below, 0x22);
		GUEST_ASSERT_EQ(seen_old, 0x11);
		GUEST_ASSERT_EQ(seen_new, 0x33);
		GUEST_ASSERT_EQ(seen_alias, 0x33);
		GUEST_ASSERT_EQ(top, 0x133);
		GUEST_ASSERT_EQ(old[511], 0x11);
	}
	for (int i = 0; i < ROUNDS; i++) {
		set_pte(w, original);	/* with INVLPG */
		old[0] = 1;
		new[0] = 2;
		GUEST_ASSERT_EQ(read_slot(w), 1);
		write_slot(w, 3);
		set_pte(w, remapped);
		GUEST_ASSERT_EQ(read_slot(w), 2);
		write_slot(w, 4);
		GUEST_ASSERT_EQ(old[0], 3);
		GUEST_ASSERT_EQ(new[0], 4);
	}
	set_pte(w, original);
	GUEST_SYNC_ARGS(1, old[511], new[510], top, 0);
	GUEST_DONE();
}
