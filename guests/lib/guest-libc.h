/* SPDX-License-Identifier: MIT */
/*
 * The little libc the runtime provides (string.c, printf.c, console.c):
 * included by guest.h, and by test_util.h so that upstream-style guests that
 * include only the KVM selftests headers have it too.
 */
#ifndef RINGZERO_GUEST_LIBC_H
#define RINGZERO_GUEST_LIBC_H

#include <stdarg.h>
#include <stddef.h>

/* ---- string.c: gcc emits calls to the mem* ones even when freestanding */
void *memset(void *s, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strcpy(char *dst, const char *src);

/* ---- printf.c: C99 semantics, see the file for the supported subset */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* KVM selftests' names: the same text, but overflow asserts (printf.c) */
int guest_vsnprintf(char *buf, int n, const char *fmt, va_list args)
	__attribute__((format(printf, 3, 0)));
int guest_snprintf(char *buf, int n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- console.c: COM1 (port 0x3f8), bytes go out unchanged (no \n -> \r\n) */
void console_putc(char c);
void console_puts(const char *s);
void console_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
