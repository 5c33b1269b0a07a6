/* SPDX-License-Identifier: MIT */
/*
 * KVM selftests' kvm_test_harness.h is the host's test harness
 * (KVM_ONE_VCPU_TEST_SUITE, KVM_ONE_VCPU_TEST: host functions that create the
 * VM and run the vCPU).  A guest has nothing to take from it: this header
 * exists so that a guest half copied with its includes compiles unchanged.
 * The host half of such a test is a vitest file (README: "Porting an upstream
 * selftest").
 */
#ifndef RINGZERO_KVM_TEST_HARNESS_H
#define RINGZERO_KVM_TEST_HARNESS_H

#include "kvm_util.h"

#endif
