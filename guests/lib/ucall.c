// SPDX-License-Identifier: MIT
/*
 * ucall implementation, after KVM selftests' lib/ucall_common.c (ucall,
 * ucall_fmt, ucall_assert) and lib/x86/ucall.c (the port I/O transport).
 *
 * As upstream, every ucall takes a struct from a small pool and gives it back
 * when the host resumes the guest, so a ucall made while another is being
 * filled (GUEST_PRINTF whose text overflows asserts from inside its own
 * formatting) gets a struct of its own, and every ucall returns: after DONE
 * or ABORT a host that resumes the vCPU sees the guest go on.  The pool lives
 * in the supervisor .bss: the host reads it as a privileged access.  The
 * build compiles this file a second time with -DRINGZERO_USER into the user
 * half (symbols prefixed __user_, see ucall.h): that copy's pool is in the
 * user .bss, where CPL 3 code can write it.
 */
#include <stdarg.h>

#include "guest.h"

/* Upstream's pool has a struct per vCPU; nesting depth is what counts here. */
#define UCALL_POOL_SIZE 4

static struct ucall uc_pool[UCALL_POOL_SIZE];
static uint8_t uc_in_use[UCALL_POOL_SIZE];

/*
 * The actual exit, exactly like KVM's x86 ucall_arch_do_ucall(): a 1-byte
 * `in` (the only size the TSS I/O bitmap lets through from ring 3) with RDI =
 * the struct's address.  "memory" makes the stores to the struct visible
 * first.
 */
void ucall_arch_do_ucall(uint64_t uc)
{
	asm volatile("in %[port], %%al"
		     : : [port] "d"(UCALL_PIO_PORT), "D"(uc) : "rax", "memory");
}

static struct ucall *ucall_alloc(uint64_t cmd)
{
	for (int i = 0; i < UCALL_POOL_SIZE; i++) {
		struct ucall *uc = &uc_pool[i];

		if (__atomic_exchange_n(&uc_in_use[i], 1, __ATOMIC_ACQUIRE))
			continue;
		uc->cmd = cmd;
		for (int k = 0; k < UCALL_MAX_ARGS; k++)
			uc->args[k] = 0;
		uc->buffer[0] = '\0';
		uc->hva = (uint64_t)uc;
		return uc;
	}
	/*
	 * All in use (ucalls nested deeper than the pool): as upstream, a bare
	 * ucall with the magic address, which the host reports as an error.
	 * GUEST_ASSERT needs a struct, so it cannot be used here; park.
	 */
	ucall_arch_do_ucall(GUEST_UCALL_FAILED);
	guest_halt_forever();
}

static void ucall_free(struct ucall *uc)
{
	__atomic_store_n(&uc_in_use[uc - uc_pool], 0, __ATOMIC_RELEASE);
}

static void ucall_send(struct ucall *uc)
{
	ucall_arch_do_ucall((uint64_t)uc);
	ucall_free(uc);
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

	ucall_send(uc);
}

/* The buffer is formatted with guest_vsnprintf: text that does not fit asserts. */
void ucall_fmt(uint64_t cmd, const char *fmt, ...)
{
	struct ucall *uc = ucall_alloc(cmd);
	va_list va;

	va_start(va, fmt);
	guest_vsnprintf(uc->buffer, UCALL_BUFFER_LEN, fmt, va);
	va_end(va);

	ucall_send(uc);
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
	guest_vsnprintf(uc->buffer, UCALL_BUFFER_LEN, fmt, va);
	va_end(va);

	ucall_send(uc);
}

/*
 * The Guest ABI's UNHANDLED report (args = vector, error code, RIP, and the
 * same facts as text).  The runtime no longer sends it itself: an exception
 * nobody handles is a GUEST_FAIL, as upstream (processor.c).
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

	ucall_send(uc);
}

void ucall_done(void)
{
	ucall(UCALL_DONE, 0);
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
