/* SPDX-License-Identifier: MIT */
/*
 * ucall: how a guest talks to the host.  Mirrors the guest side of KVM
 * selftests' include/ucall_common.h (struct layout, command numbers, macro
 * names and messages) so that selftest guest code ports with little change.
 * The transport is the x86 one (lib/x86_64/ucall.c): an `in` from port
 * 0x1000 with RDI = address of the struct (Guest ABI section 6).
 */
#ifndef RINGZERO_UCALL_H
#define RINGZERO_UCALL_H

#include <stdint.h>

enum {
	UCALL_NONE = 0,
	UCALL_SYNC = 1,
	UCALL_ABORT = 2,
	UCALL_PRINTF = 3,
	UCALL_DONE = 4,
	UCALL_UNHANDLED = 5,
};

#define UCALL_MAX_ARGS 7
#define UCALL_BUFFER_LEN 1024

/* 1096 bytes; the host reads it through the guest page tables. */
struct ucall {
	uint64_t cmd;
	uint64_t args[UCALL_MAX_ARGS];
	char buffer[UCALL_BUFFER_LEN];
	uint64_t hva;		/* host-side bookkeeping in KVM, ignored here */
};

/* ABORT argument slots, as in KVM selftests. */
#define GUEST_ERROR_STRING 0
#define GUEST_FILE 1
#define GUEST_LINE 2
#define GUEST_ASSERT_BUILTIN_NARGS 3

/* UNHANDLED argument slots (Guest ABI section 6). */
#define GUEST_UNHANDLED_VECTOR 0
#define GUEST_UNHANDLED_ERROR_CODE 1
#define GUEST_UNHANDLED_RIP 2

/* The address a guest sends when it has no struct left (as upstream). */
#define GUEST_UCALL_FAILED ((uint64_t)-1)

/* The exit itself: RDI = uc (a guest-virtual address, 0 = no data). */
void ucall_arch_do_ucall(uint64_t uc);
/*
 * Every ucall returns when the host resumes the vCPU (as upstream), also
 * DONE and ABORT: the ABI runner stops there, a host API test may go on.
 * Every argument is read as a uint64_t; the macros below cast for you.
 */
void ucall(uint64_t cmd, int nargs, ...);
/* cmd with buffer = formatted text (PRINTF); text that does not fit asserts. */
void ucall_fmt(uint64_t cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* ABORT (or another cmd) with args[0..2] = exp, file, line; buffer = text. */
void ucall_assert(uint64_t cmd, const char *exp, const char *file,
		  unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* Ours: the Guest ABI's UNHANDLED with args = vector, error code, RIP. */
void ucall_unhandled(uint64_t vector, uint64_t error_code, uint64_t rip);
/* Ours: GUEST_DONE as a function (_start calls it when main returns). */
void ucall_done(void);
/* cli; hlt forever (CPL 3: a pause loop). */
void guest_halt_forever(void) __attribute__((noreturn));

/* A ucall without a struct: the host sees NONE (as upstream). */
#define GUEST_UCALL_NONE() ucall_arch_do_ucall(0)

#define GUEST_SYNC_ARGS(stage, arg1, arg2, arg3, arg4)			\
	ucall(UCALL_SYNC, 6, "hello", (uint64_t)(stage),		\
	      (uint64_t)(arg1), (uint64_t)(arg2), (uint64_t)(arg3),	\
	      (uint64_t)(arg4))
/* args[0] = address of the string "hello", args[1] = stage (as KVM). */
#define GUEST_SYNC(stage) ucall(UCALL_SYNC, 2, "hello", (uint64_t)(stage))
#define GUEST_SYNC1(a0) ucall(UCALL_SYNC, 1, (uint64_t)(a0))
#define GUEST_SYNC2(a0, a1)						\
	ucall(UCALL_SYNC, 2, (uint64_t)(a0), (uint64_t)(a1))
#define GUEST_SYNC3(a0, a1, a2)						\
	ucall(UCALL_SYNC, 3, (uint64_t)(a0), (uint64_t)(a1), (uint64_t)(a2))
#define GUEST_SYNC4(a0, a1, a2, a3)					\
	ucall(UCALL_SYNC, 4, (uint64_t)(a0), (uint64_t)(a1), (uint64_t)(a2), \
	      (uint64_t)(a3))
#define GUEST_SYNC5(a0, a1, a2, a3, a4)					\
	ucall(UCALL_SYNC, 5, (uint64_t)(a0), (uint64_t)(a1), (uint64_t)(a2), \
	      (uint64_t)(a3), (uint64_t)(a4))
#define GUEST_SYNC6(a0, a1, a2, a3, a4, a5)				\
	ucall(UCALL_SYNC, 6, (uint64_t)(a0), (uint64_t)(a1), (uint64_t)(a2), \
	      (uint64_t)(a3), (uint64_t)(a4), (uint64_t)(a5))
#define GUEST_PRINTF(fmt, args...) ucall_fmt(UCALL_PRINTF, fmt, ##args)
#define GUEST_DONE() ucall(UCALL_DONE, 0)

/*
 * Declare the outcome the image is expected to end with: "done" (the default
 * when absent), "abort", "unhandled", "shutdown", "halt" or "debug-exit:N"
 * (N decimal, = (v << 1) | 1 for a write of v to port 0xf4).  Use it once,
 * at file scope.  It only emits a string into the non-allocated section
 * .ringzero.expect, which the runner reads by name; nothing is loaded.
 */
#define GUEST_EXPECT(outcome)						\
	__asm__(".pushsection .ringzero.expect,\"\",@progbits\n\t"	\
		".asciz \"" outcome "\"\n\t"				\
		".popsection")

/*
 * The image only makes sense with forced emulation on (KVM_FEP, Guest ABI
 * section 7).  Once, at file scope; like GUEST_EXPECT a string ("fep") in a
 * non-allocated section, .ringzero.needs: the CLI (and `npm start`) runs the
 * image with --fep on, the test suites run it only with forced emulation, and
 * the guest build checks the section's strings.
 */
#define GUEST_NEEDS_FEP()						\
	__asm__(".pushsection .ringzero.needs,\"\",@progbits\n\t"	\
		".asciz \"fep\"\n\t"					\
		".popsection")

#define ____GUEST_ASSERT(_condition, _exp, _fmt, _args...)		\
do {									\
	if (!(_condition))						\
		ucall_assert(UCALL_ABORT, _exp, __FILE__, __LINE__,	\
			     _fmt, ##_args);				\
} while (0)

#define __GUEST_ASSERT(_condition, _fmt, _args...)			\
	____GUEST_ASSERT(_condition, #_condition, _fmt, ##_args)

/* The message is the condition text.  (KVM passes it as the format; "%s"
 * here keeps a '%' in the condition from being taken as a conversion.) */
#define GUEST_ASSERT(_condition)					\
	__GUEST_ASSERT(_condition, "%s", #_condition)

#define GUEST_FAIL(_fmt, _args...)					\
	ucall_assert(UCALL_ABORT, "Unconditional guest failure",	\
		     __FILE__, __LINE__, _fmt, ##_args)

#define GUEST_ASSERT_EQ(a, b)						\
do {									\
	typeof(a) __a = (a);						\
	typeof(b) __b = (b);						\
	____GUEST_ASSERT(__a == __b, #a " == " #b,			\
			 "%#lx != %#lx (%s != %s)",			\
			 (unsigned long)(__a), (unsigned long)(__b),	\
			 #a, #b);					\
} while (0)

#define GUEST_ASSERT_NE(a, b)						\
do {									\
	typeof(a) __a = (a);						\
	typeof(b) __b = (b);						\
	____GUEST_ASSERT(__a != __b, #a " != " #b,			\
			 "%#lx == %#lx (%s == %s)",			\
			 (unsigned long)(__a), (unsigned long)(__b),	\
			 #a, #b);					\
} while (0)

/*
 * ---- From CPL 3 (usermode.h): the USER_GUEST_* macros behave as their
 * GUEST_* namesakes, through the user-half copy of ucall.c, printf.c and
 * string.c that the build makes (every symbol prefixed __user_).  The
 * strings they pass (format, expression, file) are placed in the user
 * .user_rodata by __USER_STR, so CPL 3 code can read them; the format must
 * be a string literal.  Arguments printed with %s must be user-readable.
 * The ucall is a 1-byte IN from port 0x1000, which the TSS I/O bitmap lets
 * through at CPL 3 (Guest ABI section 4).
 */
void __user_ucall(uint64_t cmd, int nargs, ...);
void __user_ucall_fmt(uint64_t cmd, const char *fmt, ...);
void __user_ucall_assert(uint64_t cmd, const char *exp, const char *file,
			 unsigned int line, const char *fmt, ...);
void __user_ucall_done(void);

#define __USER_STR(s)							\
({									\
	static const char __user_str[]					\
		__attribute__((section(".user_rodata"))) = s;		\
	__user_str;							\
})
/* Format checking only: sizeof() evaluates nothing. */
#define __USER_CHECK_FMT(fmt, args...)					\
	((void)sizeof(snprintf((char *)0, 0, fmt, ##args)))

#define USER_GUEST_SYNC_ARGS(stage, arg1, arg2, arg3, arg4)		\
	__user_ucall(UCALL_SYNC, 6, (uint64_t)__USER_STR("hello"),	\
		     (uint64_t)(stage), (uint64_t)(arg1), (uint64_t)(arg2), \
		     (uint64_t)(arg3), (uint64_t)(arg4))
#define USER_GUEST_SYNC(stage)						\
	__user_ucall(UCALL_SYNC, 2, (uint64_t)__USER_STR("hello"),	\
		     (uint64_t)(stage))
#define USER_GUEST_SYNC1(arg0) __user_ucall(UCALL_SYNC, 1, (uint64_t)(arg0))
#define USER_GUEST_SYNC2(arg0, arg1)					\
	__user_ucall(UCALL_SYNC, 2, (uint64_t)(arg0), (uint64_t)(arg1))
#define USER_GUEST_PRINTF(fmt, args...)					\
do {									\
	__USER_CHECK_FMT(fmt, ##args);					\
	__user_ucall_fmt(UCALL_PRINTF, __USER_STR(fmt), ##args);	\
} while (0)
#define USER_GUEST_DONE() __user_ucall_done()

#define ____USER_GUEST_ASSERT(_condition, _exp, _fmt, _args...)	\
do {									\
	if (!(_condition)) {						\
		__USER_CHECK_FMT(_fmt, ##_args);			\
		__user_ucall_assert(UCALL_ABORT, __USER_STR(_exp),	\
				    __USER_STR(__FILE__), __LINE__,	\
				    __USER_STR(_fmt), ##_args);		\
	}								\
} while (0)
#define __USER_GUEST_ASSERT(_condition, _fmt, _args...)		\
	____USER_GUEST_ASSERT(_condition, #_condition, _fmt, ##_args)
#define USER_GUEST_ASSERT(_condition)					\
	____USER_GUEST_ASSERT(_condition, #_condition, "%s",		\
			      __USER_STR(#_condition))
#define USER_GUEST_FAIL(_fmt, _args...)					\
	____USER_GUEST_ASSERT(0, "Unconditional guest failure", _fmt, ##_args)
#define USER_GUEST_ASSERT_EQ(a, b)					\
do {									\
	typeof(a) __a = (a);						\
	typeof(b) __b = (b);						\
	____USER_GUEST_ASSERT(__a == __b, #a " == " #b,		\
			      "%#lx != %#lx (%s != %s)",		\
			      (unsigned long)(__a), (unsigned long)(__b), \
			      __USER_STR(#a), __USER_STR(#b));		\
} while (0)
#define USER_GUEST_ASSERT_NE(a, b)					\
do {									\
	typeof(a) __a = (a);						\
	typeof(b) __b = (b);						\
	____USER_GUEST_ASSERT(__a != __b, #a " != " #b,		\
			      "%#lx == %#lx (%s == %s)",		\
			      (unsigned long)(__a), (unsigned long)(__b), \
			      __USER_STR(#a), __USER_STR(#b));		\
} while (0)

#endif
