// SPDX-License-Identifier: MIT
/*
 * The globals KVM selftests' host syncs into the guest before it runs
 * (lib/x86/processor.c; processor.h declares them).  ringzero's loader
 * (src/vm.ts) writes them from the VM's CPU vendor model whenever the image
 * has them.  is_forced_emulation_enabled lives in processor.c.
 */
#include <stdbool.h>
#include <stdint.h>

bool host_cpu_is_intel;
bool host_cpu_is_amd;
bool host_cpu_is_hygon;
bool host_cpu_is_amd_compatible;
uint64_t guest_tsc_khz;
