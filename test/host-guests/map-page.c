// SPDX-License-Identifier: MIT
/*
 * The host maps a page into the guest's address space while it waits
 * (virt_pg_map; vm.mapPage): the guest reads through it after its SYNC.
 * `expected` and guest_pf_handler are named only by the host (writeGlobal,
 * installExceptionHandler), as an upstream guest half's would be: GUEST_KEEP.
 */
#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"

#define WINDOW 0x40000000ul

static uint64_t expected;

/* A #PF the host asked for: it maps the page at this SYNC; the load then runs again. */
static void guest_pf_handler(struct ex_regs *regs)
{
	GUEST_SYNC(regs->vector);
}

static void guest_code(void)
{
	volatile uint64_t *window = (volatile uint64_t *)WINDOW;

	GUEST_SYNC(0);
	GUEST_ASSERT_EQ(*window, expected);
	*window = 0x600d;
	GUEST_DONE();
}

GUEST_KEEP(expected);
GUEST_KEEP(guest_pf_handler);
GUEST_MAIN(guest_code);
