/* SPDX-License-Identifier: MIT */
/*
 * The debug registers from guest code (MOV DRn; SDM Vol. 3B §18.2): get_drN /
 * set_drN for DR0-DR3, DR6, DR7, and set_dr(n, v) for a number chosen at run
 * time.  ringzero's own header (guest.h includes it; upstream's headers do not,
 * so copied upstream code keeps its own names).
 */
#ifndef RINGZERO_DEBUGREG_H
#define RINGZERO_DEBUGREG_H

#include <stdint.h>

#define DEFINE_DR_ACCESSORS(n)						\
static inline uint64_t get_dr##n(void)					\
{									\
	uint64_t v;							\
	asm volatile("mov %%dr" #n ", %0" : "=r"(v));			\
	return v;							\
}									\
static inline void set_dr##n(uint64_t v)				\
{									\
	asm volatile("mov %0, %%dr" #n : : "r"(v));			\
}
DEFINE_DR_ACCESSORS(0)
DEFINE_DR_ACCESSORS(1)
DEFINE_DR_ACCESSORS(2)
DEFINE_DR_ACCESSORS(3)
DEFINE_DR_ACCESSORS(6)
DEFINE_DR_ACCESSORS(7)
#undef DEFINE_DR_ACCESSORS

/* MOV to DRn needs n in the encoding: a switch over the registers. */
static inline void set_dr(int n, uint64_t v)
{
	switch (n) {
	case 0: set_dr0(v); break;
	case 1: set_dr1(v); break;
	case 2: set_dr2(v); break;
	case 3: set_dr3(v); break;
	case 6: set_dr6(v); break;
	case 7: set_dr7(v); break;
	}
}

#endif
