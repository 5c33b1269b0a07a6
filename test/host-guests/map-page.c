// SPDX-License-Identifier: MIT
/*
 * The host maps a page into the guest's address space while it waits
 * (virt_pg_map; vm.mapPage): the guest reads through it after its SYNC.
 */
#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"

#define WINDOW 0x40000000ul

static void guest_code(void)
{
	volatile uint64_t *window = (volatile uint64_t *)WINDOW;

	GUEST_SYNC(0);
	GUEST_SYNC(*window);
	*window = 0x600d;
	GUEST_DONE();
}

GUEST_MAIN(guest_code);
