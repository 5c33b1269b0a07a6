// SPDX-License-Identifier: MIT
/*
 * ucall implementation, after KVM selftests' lib/ucall_common.c (ucall,
 * ucall_fmt, ucall_assert) and lib/x86_64/ucall.c (the port I/O transport).
 *
 * KVM keeps a pool of structs so several vCPUs can ucall at once; a ringzero
 * guest has one vCPU, so one static struct is enough.  It lives in the
 * supervisor .bss: the host reads it as a privileged access.  The build
 * compiles this file a second time with -DRINGZERO_USER into the user half
 * (symbols prefixed __user_, see ucall.h): that copy's struct is in the
 * user .bss, where CPL 3 code can write it.  A ucall made while another is being filled (say an
 * exception inside GUEST_PRINTF's formatting) overwrites it, which is fine
 * since the only such ucalls (ABORT, UNHANDLED) end the run.
 */
#include <stdarg.h>

#include "guest.h"

static struct ucall uc_slot;

/*
 * The actual exit, exactly like KVM's x86 ucall_arch_do_ucall(): a 1-byte
 * `in` (the only size the TSS I/O bitmap lets through from ring 3) with RDI =
 * the struct's address.  "memory" makes the stores to *uc visible first.
 */
static void ucall_arch_do_ucall(struct ucall *uc)
{
	asm volatile("in %[port], %%al"
		     : : [port] "d"(UCALL_PIO_PORT), "D"(uc) : "rax", "memory");
}

static struct ucall *ucall_alloc(uint64_t cmd)
{
	struct ucall *uc = &uc_slot;
	int i;

	uc->cmd = cmd;
	for (i = 0; i < UCALL_MAX_ARGS; i++)
		uc->args[i] = 0;
	uc->buffer[0] = '\0';
	return uc;
}

void ucall(uint64_t cmd, int nargs, ...)
{
	struct ucall *uc = ucall_alloc(cmd);
	va_list va;
	int i;

	if (nargs > UCALL_MAX_ARGS)
		nargs = UCALL_MAX_ARGS;
	va_start(va, nargs);
	for (i = 0; i < nargs; i++)
		uc->args[i] = va_arg(va, uint64_t);
	va_end(va);

	ucall_arch_do_ucall(uc);
}

void ucall_fmt(uint64_t cmd, const char *fmt, ...)
{
	struct ucall *uc = ucall_alloc(cmd);
	va_list va;

	va_start(va, fmt);
	vsnprintf(uc->buffer, UCALL_BUFFER_LEN, fmt, va);
	va_end(va);

	ucall_arch_do_ucall(uc);
}

void ucall_assert(uint64_t cmd, const char *exp, const char *file,
		  unsigned int line, const char *fmt, ...)
{
	struct ucall *uc = ucall_alloc(cmd);
	va_list va;

	uc->args[GUEST_ERROR_STRING] = (uint64_t)exp;
	uc->args[GUEST_FILE] = (uint64_t)file;
	uc->args[GUEST_LINE] = line;

	va_start(va, fmt);
	vsnprintf(uc->buffer, UCALL_BUFFER_LEN, fmt, va);
	va_end(va);

	ucall_arch_do_ucall(uc);
	/* The host stops at an ABORT; if it ever resumes us, stay put. */
	guest_halt_forever();
}

/*
 * KVM sends this through ucall_assert() with a message only; the Guest ABI
 * wants the numbers in args[0..2].  The buffer gets the same facts as text
 * for a host that just prints it.
 */
void ucall_unhandled(uint64_t vector, uint64_t error_code, uint64_t rip)
{
	struct ucall *uc = ucall_alloc(UCALL_UNHANDLED);

	uc->args[GUEST_UNHANDLED_VECTOR] = vector;
	uc->args[GUEST_UNHANDLED_ERROR_CODE] = error_code;
	uc->args[GUEST_UNHANDLED_RIP] = rip;
	snprintf(uc->buffer, UCALL_BUFFER_LEN,
		 "Unhandled exception %lu (error code %#lx) at RIP %#lx",
		 vector, error_code, rip);

	ucall_arch_do_ucall(uc);
	guest_halt_forever();
}

void ucall_done(void)
{
	ucall(UCALL_DONE, 0);
	guest_halt_forever();
}

#ifndef RINGZERO_USER
/* IF=0, so on a runner that did not stop at the ucall this is "halt". */
void guest_halt_forever(void)
{
	for (;;)
		asm volatile("cli; hlt" : : : "memory");
}
#else
/* The CPL 3 copy (ucall.h): CLI and HLT would #GP, so spin. */
void guest_halt_forever(void)
{
	for (;;)
		asm volatile("pause" : : : "memory");
}
#endif
