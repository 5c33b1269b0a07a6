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

/*
 * Upstream's host hands the guest code to vm_create_with_one_vcpu(&vcpu,
 * guest_code) and its arguments to vcpu_args_set(); here the runtime's
 * _start calls main(), so a ported guest names its code once with
 * GUEST_MAIN(guest_code) (in place of the host's main()), and the host sets the
 * arguments with vm.setGuestArgs(...) (guest_entry_args, cpu-globals.c).  A
 * guest_code taking fewer than six arguments ignores the rest (SysV ABI).
 */
extern uint64_t guest_entry_args[6];
typedef void (*guest_entry_fn)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
/*
 * A guest function or variable only the host names: a handler it installs
 * (vm_install_exception_handler(vm, UD_VECTOR, guest_ud_handler) upstream,
 * vm.installExceptionHandler(vector, 'guest_ud_handler') here) or a static it
 * writes (sync_global_to_guest; vm.writeGlobal).  With the host half gone
 * nothing in the guest refers to it, so gcc drops the function, or folds a
 * never-written static to its initial value; GUEST_KEEP(name) keeps it, its
 * symbol and every read of it.
 */
#define GUEST_KEEP(sym)								\
	static void *const __guest_keep_##sym __attribute__((used)) = (void *)&(sym)

#define GUEST_MAIN(fn)								\
	void main(void)								\
	{									\
		/* an opaque pointer: gcc may not see the type change */	\
		void *__entry = (void *)(fn);					\
		__asm__("" : "+r"(__entry));					\
		((guest_entry_fn)__entry)(guest_entry_args[0],			\
			guest_entry_args[1], guest_entry_args[2],		\
			guest_entry_args[3], guest_entry_args[4],		\
			guest_entry_args[5]);					\
	}

#endif
