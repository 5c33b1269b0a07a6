/* SPDX-License-Identifier: MIT */
/*
 * Bit helpers with the kernel's names and types (<linux/bits.h>):
 * BIT(n) is an unsigned long, BIT_ULL(n) an unsigned long long; GENMASK(h, l)
 * sets bits h..l inclusive.
 */
#ifndef RINGZERO_LINUX_BITS_H
#define RINGZERO_LINUX_BITS_H

#define BITS_PER_BYTE 8
#define BITS_PER_LONG 64
#define BITS_PER_LONG_LONG 64

#define BIT(nr) (1UL << (nr))
#define BIT_ULL(nr) (1ULL << (nr))
#define BIT_MASK(nr) (1UL << ((nr) % BITS_PER_LONG))
#define BIT_WORD(nr) ((nr) / BITS_PER_LONG)

/* Bits l..h of an unsigned long (long long), h >= l. */
#define GENMASK(h, l) \
	(((~0UL) - (1UL << (l)) + 1) & (~0UL >> (BITS_PER_LONG - 1 - (h))))
#define GENMASK_ULL(h, l) \
	(((~0ULL) - (1ULL << (l)) + 1) & \
	 (~0ULL >> (BITS_PER_LONG_LONG - 1 - (h))))

#endif
