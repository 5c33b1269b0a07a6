// SPDX-License-Identifier: MIT
/*
 * slots: memory slots changed by the host while the guest runs
 * (test/host-slots.test.ts drives it).  The guest reaches guest-physical
 * addresses the host chooses through map_page; `slot_gpa` is the variable
 * the host writes (the selftests' sync_global_to_guest) before each stage.
 *
 *   1  poll an unbacked GPA until it reads something other than all ones:
 *      each read exits as mmio until the host adds a slot there.
 *   2  write pages 0, 1 and 3 of the slot (dirty logging on).
 *   3  write page 2 after the host cleared the log.
 *   4  read the marker after the host moved the slot to slot_gpa.
 *   5  read and write after the host deleted it: mmio exits.
 *   6  write a read-only slot: an mmio exit, memory unchanged.
 *   7  a slot above 4 GiB (slot_gpa) read and written.
 */
#include "guest.h"
#include "mm.h"

volatile uint64_t slot_gpa;

#define WINDOW ((volatile uint64_t *)0x0000200000000000ul)

static volatile uint64_t *window(uint64_t gpa, unsigned int pages)
{
	for (unsigned int i = 0; i < pages; i++)
		map_page((void *)((uint64_t)WINDOW + i * PAGE_SIZE), gpa + i * PAGE_SIZE,
			 PTE_WRITABLE_MASK | PTE_NX_MASK);
	return WINDOW;
}

#define PAGE_WORDS (PAGE_SIZE / 8)

void main(void)
{
	volatile uint64_t *w = window(slot_gpa, 4);
	uint64_t polls = 0, v;

	while ((v = w[0]) == ~0ul)
		polls++;
	GUEST_SYNC_ARGS(1, polls, v, 0, 0);

	w[0] = 0x11;
	w[PAGE_WORDS] = 0x22;
	w[3 * PAGE_WORDS + 5] = 0x44;
	GUEST_SYNC_ARGS(2, 0, 0, 0, 0);

	w[2 * PAGE_WORDS] = 0x33;
	GUEST_SYNC_ARGS(3, 0, 0, 0, 0);

	w = window(slot_gpa, 4);
	GUEST_SYNC_ARGS(4, w[0], w[PAGE_WORDS], w[2 * PAGE_WORDS], w[3 * PAGE_WORDS + 5]);

	v = w[1];
	w[1] = 0x5555;
	GUEST_SYNC_ARGS(5, v, 0, 0, 0);

	w = window(slot_gpa, 1);
	w[0] = 0x6666;
	GUEST_SYNC_ARGS(6, w[0], 0, 0, 0);

	w = window(slot_gpa, 1);
	v = w[0];
	w[1] = v + 1;
	GUEST_SYNC_ARGS(7, v, w[1], 0, 0);
	GUEST_DONE();
}
