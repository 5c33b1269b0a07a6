/* SPDX-License-Identifier: MIT */
/*
 * KVM selftests' include/ucall_common.h: the guest's side of ucalls
 * (struct ucall, UCALL_*, GUEST_SYNC*, GUEST_PRINTF, GUEST_ASSERT*,
 * GUEST_DONE, ...), which ringzero keeps in ucall.h.
 */
#ifndef RINGZERO_UCALL_COMMON_H
#define RINGZERO_UCALL_COMMON_H

#include "test_util.h"
#include "ucall.h"

#endif
