// The micro guests of `npm run bench -- --micro`: each repeats one piece of a
// selftest's system path ROUNDS times and reports ROUNDS (GUEST_SYNC stage 1,
// first argument), so the bench prints the cost of one round per tier. Pairs
// of them isolate a cost: pf-raw minus int3-raw is what a #PF costs beyond an
// INT3 into the same handler, tlb-miss minus tlb-hit a TLB miss with INVLPG.
#include "guest.h"

#define ROUNDS 1000000

/** Points IDT gate `vec` at `fn` (a bare assembly handler), keeping the gate's type, selector and DPL. */
static inline void set_raw_gate(int vec, void *fn)
{
	struct idt_entry *e = (struct idt_entry *)sidt().address + vec;
	uint64_t a = (uint64_t)fn;

	e->offset0 = a & 0xffff;
	e->offset1 = (a >> 16) & 0xffff;
	e->offset2 = a >> 32;
}

#define MICRO_DONE()					\
	do {						\
		GUEST_SYNC_ARGS(1, ROUNDS, 0, 0, 0);	\
		GUEST_DONE();				\
	} while (0)
