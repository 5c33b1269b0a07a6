/* SPDX-License-Identifier: MIT */
/*
 * MSR numbers and their bit fields under upstream's names (asm/msr-index.h,
 * as the kernel tree's tools/arch/x86/include/asm/msr-index.h of Linux 6.12
 * names them; values from the SDM Vol. 4 and APM Vol. 2 Appendix A).  This
 * part: the x86-64 MSRs, EFER, FRED, VMX capabilities, resctrl, SVM; the
 * rest is split by concern into the files included at the end.  Only the
 * numbers: which MSRs the CPU model implements is docs/cpu-model.md.
 */
#ifndef RINGZERO_ASM_MSR_INDEX_H
#define RINGZERO_ASM_MSR_INDEX_H

#include <linux/bits.h>

#define MSR_EFER	0xc0000080
#define MSR_STAR	0xc0000081
#define MSR_LSTAR	0xc0000082
#define MSR_CSTAR	0xc0000083
#define MSR_SYSCALL_MASK	0xc0000084
#define MSR_FS_BASE	0xc0000100
#define MSR_GS_BASE	0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102
#define MSR_TSC_AUX	0xc0000103

#define _EFER_SCE	0
#define _EFER_LME	8
#define _EFER_LMA	10
#define _EFER_NX	11
#define _EFER_SVME	12
#define _EFER_LMSLE	13
#define _EFER_FFXSR	14
#define _EFER_AUTOIBRS	21

#define EFER_SCE	(1<<_EFER_SCE)
#define EFER_LME	(1<<_EFER_LME)
#define EFER_LMA	(1<<_EFER_LMA)
#define EFER_NX	(1<<_EFER_NX)
#define EFER_SVME	(1<<_EFER_SVME)
#define EFER_LMSLE	(1<<_EFER_LMSLE)
#define EFER_FFXSR	(1<<_EFER_FFXSR)
#define EFER_AUTOIBRS	(1<<_EFER_AUTOIBRS)

#define X86_MEMTYPE_UC	0ull
#define X86_MEMTYPE_WC	1ull

#define X86_MEMTYPE_WT	4ull
#define X86_MEMTYPE_WP	5ull
#define X86_MEMTYPE_WB	6ull
#define X86_MEMTYPE_UC_MINUS	7ull

#define MSR_IA32_FRED_RSP0	0x1cc
#define MSR_IA32_FRED_RSP1	0x1cd
#define MSR_IA32_FRED_RSP2	0x1ce
#define MSR_IA32_FRED_RSP3	0x1cf
#define MSR_IA32_FRED_STKLVLS	0x1d0
#define MSR_IA32_FRED_SSP0	MSR_IA32_PL0_SSP
#define MSR_IA32_FRED_SSP1	0x1d1
#define MSR_IA32_FRED_SSP2	0x1d2
#define MSR_IA32_FRED_SSP3	0x1d3
#define MSR_IA32_FRED_CONFIG	0x1d4

#define MSR_IA32_VMX_BASIC	0x00000480
#define MSR_IA32_VMX_PINBASED_CTLS	0x00000481
#define MSR_IA32_VMX_PROCBASED_CTLS	0x00000482
#define MSR_IA32_VMX_EXIT_CTLS	0x00000483
#define MSR_IA32_VMX_ENTRY_CTLS	0x00000484
#define MSR_IA32_VMX_MISC	0x00000485
#define MSR_IA32_VMX_CR0_FIXED0	0x00000486
#define MSR_IA32_VMX_CR0_FIXED1	0x00000487
#define MSR_IA32_VMX_CR4_FIXED0	0x00000488
#define MSR_IA32_VMX_CR4_FIXED1	0x00000489
#define MSR_IA32_VMX_VMCS_ENUM	0x0000048a
#define MSR_IA32_VMX_PROCBASED_CTLS2	0x0000048b
#define MSR_IA32_VMX_EPT_VPID_CAP	0x0000048c
#define MSR_IA32_VMX_TRUE_PINBASED_CTLS	0x0000048d
#define MSR_IA32_VMX_TRUE_PROCBASED_CTLS	0x0000048e
#define MSR_IA32_VMX_TRUE_EXIT_CTLS	0x0000048f
#define MSR_IA32_VMX_TRUE_ENTRY_CTLS	0x00000490
#define MSR_IA32_VMX_VMFUNC	0x00000491
#define MSR_IA32_VMX_PROCBASED_CTLS3	0x00000492

#define MSR_IA32_L3_QOS_CFG	0xc81
#define MSR_IA32_L2_QOS_CFG	0xc82
#define MSR_IA32_QM_EVTSEL	0xc8d
#define MSR_IA32_QM_CTR	0xc8e
#define MSR_IA32_PQR_ASSOC	0xc8f
#define MSR_IA32_L3_CBM_BASE	0xc90
#define MSR_RMID_SNC_CONFIG	0xca0
#define MSR_IA32_L2_CBM_BASE	0xd10
#define MSR_IA32_MBA_THRTL_BASE	0xd50

#define MSR_IA32_MBA_BW_BASE	0xc0000200
#define MSR_IA32_SMBA_BW_BASE	0xc0000280
#define MSR_IA32_EVT_CFG_BASE	0xc0000400

#define MSR_VM_CR	0xc0010114
#define MSR_VM_IGNNE	0xc0010115
#define MSR_VM_HSAVE_PA	0xc0010117

#define SVM_VM_CR_VALID_MASK	0x001fULL
#define SVM_VM_CR_SVM_LOCK_MASK	0x0008ULL
#define SVM_VM_CR_SVM_DIS_MASK	0x0010ULL

#define MSR_IA32_HW_FEEDBACK_PTR	0x17d0
#define MSR_IA32_HW_FEEDBACK_CONFIG	0x17d1

#define MSR_IA32_XAPIC_DISABLE_STATUS	0xBD
#define LEGACY_XAPIC_DISABLED	BIT(0)

#include "msr-index-intel.h"
#include "msr-index-power.h"
#include "msr-index-amd.h"
#include "msr-index-ia32.h"

#endif
