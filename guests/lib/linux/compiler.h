/* SPDX-License-Identifier: MIT */
/*
 * Compiler helpers under the kernel's names (<linux/compiler.h> and
 * compiler_types.h) that KVM selftests guest code uses.
 */
#ifndef RINGZERO_LINUX_COMPILER_H
#define RINGZERO_LINUX_COMPILER_H

#ifndef __always_inline
#define __always_inline inline __attribute__((__always_inline__))
#endif
#define noinline __attribute__((__noinline__))
#define __noreturn __attribute__((__noreturn__))
#define __packed __attribute__((__packed__))
#define __aligned(x) __attribute__((__aligned__(x)))
#define __maybe_unused __attribute__((__unused__))
#define __always_unused __attribute__((__unused__))
#define __used __attribute__((__used__))
#define __weak __attribute__((__weak__))
#define __section(s) __attribute__((__section__(s)))
#define __printf(a, b) __attribute__((__format__(printf, a, b)))

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* A compiler barrier: no memory access moves across it. */
#define barrier() __asm__ __volatile__("" : : : "memory")

/*
 * One access of exactly the object's size through a volatile lvalue: the
 * compiler may neither merge, split, repeat nor drop it.
 */
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, val)						\
do {									\
	*(volatile __typeof__(x) *)&(x) = (val);			\
} while (0)

#endif
