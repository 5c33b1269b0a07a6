/* SPDX-License-Identifier: MIT */
/*
 * The kernel's fixed-width integer names (<linux/types.h>), which KVM
 * selftests use everywhere: u8..u64, s8..s64 and the __u/__s forms.
 */
#ifndef RINGZERO_LINUX_TYPES_H
#define RINGZERO_LINUX_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* As the kernel's asm-generic/int-ll64.h: 64-bit is unsigned long long. */
typedef unsigned char __u8;
typedef signed char __s8;
typedef unsigned short __u16;
typedef signed short __s16;
typedef unsigned int __u32;
typedef signed int __s32;
typedef unsigned long long __u64;
typedef signed long long __s64;

typedef __u8 u8;
typedef __s8 s8;
typedef __u16 u16;
typedef __s16 s16;
typedef __u32 u32;
typedef __s32 s32;
typedef __u64 u64;
typedef __s64 s64;

#endif
