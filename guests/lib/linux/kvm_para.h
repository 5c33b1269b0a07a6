/* SPDX-License-Identifier: MIT */
/*
 * KVM's paravirtual interface as guest code sees it (<linux/kvm_para.h>):
 * hypercall numbers (RAX of kvm_hypercall()) and their error returns
 * (negated).  Documentation/virt/kvm/x86/hypercalls.rst.
 */
#ifndef RINGZERO_LINUX_KVM_PARA_H
#define RINGZERO_LINUX_KVM_PARA_H

#include <asm/kvm_para.h>

/* Error values (errno numbers of asm-generic/errno-base.h, and KVM's own). */
#define KVM_ENOSYS 1000
#define KVM_EFAULT 14
#define KVM_EINVAL 22
#define KVM_E2BIG 7
#define KVM_EPERM 1
#define KVM_EOPNOTSUPP 95

#define KVM_HC_VAPIC_POLL_IRQ 1
#define KVM_HC_MMU_OP 2
#define KVM_HC_FEATURES 3
#define KVM_HC_PPC_MAP_MAGIC_PAGE 4
#define KVM_HC_KICK_CPU 5
#define KVM_HC_MIPS_GET_CLOCK_FREQ 6
#define KVM_HC_MIPS_EXIT_VM 7
#define KVM_HC_MIPS_CONSOLE_OUTPUT 8
#define KVM_HC_CLOCK_PAIRING 9
#define KVM_HC_SEND_IPI 10
#define KVM_HC_SCHED_YIELD 11
#define KVM_HC_MAP_GPA_RANGE 12

#endif
