/* SPDX-License-Identifier: MIT */
/*
 * The guest-usable part of KVM selftests' include/test_util.h: the kernel
 * types and helpers it pulls in (u8..u64, BIT, GENMASK, READ_ONCE, noinline,
 * __always_inline, __stringify) and its small arithmetic helpers.  The
 * host-side TEST_ASSERT family has no guest meaning and is not here: in a
 * guest, use GUEST_ASSERT (ucall_common.h).
 */
#ifndef RINGZERO_TEST_UTIL_H
#define RINGZERO_TEST_UTIL_H

#include <errno.h>		/* guests/lib/errno.h: the Linux numbers */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/bits.h>
#include <linux/compiler.h>
#include <linux/stringify.h>
#include <linux/types.h>

#include "guest-libc.h"
#include "ucall.h"

/* Token-identical to guest.h's. */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define msecs_to_usecs(msec) ((msec) * 1000ULL)

static inline bool is_power_of_2(uint64_t n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

/* x rounded up / down to a multiple of size, a power of two. */
static inline uint64_t align_up(uint64_t x, uint64_t size)
{
	__GUEST_ASSERT(is_power_of_2(size), "size not a power of 2: %lu",
		       (unsigned long)size);
	return (x + size - 1) & ~(size - 1);
}

static inline uint64_t align_down(uint64_t x, uint64_t size)
{
	uint64_t up = align_up(x, size);

	return x == up ? x : up - size;
}

static inline void *align_ptr_up(void *x, size_t size)
{
	return (void *)align_up((unsigned long)x, size);
}

#endif
