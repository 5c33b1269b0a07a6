/* SPDX-License-Identifier: MIT */
/*
 * The guest-usable part of KVM selftests' include/kvm_util.h (with
 * kvm_util_types.h and x86's kvm_util_arch.h): guest address types,
 * kvm_static_assert, and the host-synced is_forced_emulation_enabled.  The
 * VM/vCPU API itself is the host's: in ringzero it is the TypeScript host
 * API (docs/host-api.md).
 */
#ifndef RINGZERO_KVM_UTIL_H
#define RINGZERO_KVM_UTIL_H

#include "test_util.h"
#include "ucall_common.h"

typedef uint64_t vm_paddr_t;	/* guest-physical address */
typedef uint64_t vm_vaddr_t;	/* guest-virtual address */

/* A compile-time assertion; the message defaults to the expression. */
#define __kvm_static_assert(expr, msg, ...) _Static_assert(expr, msg)
#define kvm_static_assert(expr, ...) \
	__kvm_static_assert(expr, ##__VA_ARGS__, #expr)

/* Set by the host before the guest starts (the loader: src/vm.ts). */
extern bool is_forced_emulation_enabled;

#endif
