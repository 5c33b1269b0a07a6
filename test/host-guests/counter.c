// SPDX-License-Identifier: MIT
// README's "Writing a host-side test" guest, built and run by test/host-counter.test.ts.
#include "guest.h"

volatile uint64_t counter;

void main(void)
{
	for (int k = 1; k <= 3; k++) {
		counter += k;
		GUEST_SYNC_ARGS(k, counter, 0, 0, 0);
	}
	GUEST_ASSERT_EQ(counter, 6);
	GUEST_DONE();
}
