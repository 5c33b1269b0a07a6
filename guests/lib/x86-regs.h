/* SPDX-License-Identifier: MIT */
/*
 * Architectural constants under upstream's names, included by processor.h:
 * exception vectors (KVM's uapi asm/kvm.h), RFLAGS, CR0, CR3, CR4 and CR8
 * bits (the kernel's uapi asm/processor-flags.h; CR0/CR4 and
 * X86_EFLAGS_FIXED with KVM selftests' processor.h types), #PF error code
 * bits, XSAVE feature masks, page sizes and levels (KVM selftests'
 * processor.h).  SDM Vol. 3 sections 2.3, 2.5, 4.7, 6.3; Vol. 1 13.1.
 */
#ifndef RINGZERO_X86_REGS_H
#define RINGZERO_X86_REGS_H

#include <linux/bits.h>
#include <linux/types.h>

/* ---- exception vectors (SDM Vol. 3 Table 6-1) */
#define DE_VECTOR 0
#define DB_VECTOR 1
#define NMI_VECTOR 0x02
#define BP_VECTOR 3
#define OF_VECTOR 4
#define BR_VECTOR 5
#define UD_VECTOR 6
#define NM_VECTOR 7
#define DF_VECTOR 8
#define TS_VECTOR 10
#define NP_VECTOR 11
#define SS_VECTOR 12
#define GP_VECTOR 13
#define PF_VECTOR 14
#define MF_VECTOR 16
#define AC_VECTOR 17
#define MC_VECTOR 18
#define XM_VECTOR 19
#define VE_VECTOR 20
#define CP_VECTOR 21
#define HV_VECTOR 28
#define VC_VECTOR 29
#define SX_VECTOR 30
#define NUM_INTERRUPTS 256

/* ---- RFLAGS (SDM Vol. 1 3.4.3); FIXED is KVM selftests' (1u << 1) */
#define X86_EFLAGS_CF_BIT 0
#define X86_EFLAGS_FIXED_BIT 1
#define X86_EFLAGS_PF_BIT 2
#define X86_EFLAGS_AF_BIT 4
#define X86_EFLAGS_ZF_BIT 6
#define X86_EFLAGS_SF_BIT 7
#define X86_EFLAGS_TF_BIT 8
#define X86_EFLAGS_IF_BIT 9
#define X86_EFLAGS_DF_BIT 10
#define X86_EFLAGS_OF_BIT 11
#define X86_EFLAGS_IOPL_BIT 12		/* two bits */
#define X86_EFLAGS_NT_BIT 14
#define X86_EFLAGS_RF_BIT 16
#define X86_EFLAGS_VM_BIT 17
#define X86_EFLAGS_AC_BIT 18
#define X86_EFLAGS_VIF_BIT 19
#define X86_EFLAGS_VIP_BIT 20
#define X86_EFLAGS_ID_BIT 21
#define X86_EFLAGS_CF BIT(X86_EFLAGS_CF_BIT)
#define X86_EFLAGS_FIXED (1u << 1)
#define X86_EFLAGS_PF BIT(X86_EFLAGS_PF_BIT)
#define X86_EFLAGS_AF BIT(X86_EFLAGS_AF_BIT)
#define X86_EFLAGS_ZF BIT(X86_EFLAGS_ZF_BIT)
#define X86_EFLAGS_SF BIT(X86_EFLAGS_SF_BIT)
#define X86_EFLAGS_TF BIT(X86_EFLAGS_TF_BIT)
#define X86_EFLAGS_IF BIT(X86_EFLAGS_IF_BIT)
#define X86_EFLAGS_DF BIT(X86_EFLAGS_DF_BIT)
#define X86_EFLAGS_OF BIT(X86_EFLAGS_OF_BIT)
#define X86_EFLAGS_IOPL (3UL << X86_EFLAGS_IOPL_BIT)
#define X86_EFLAGS_NT BIT(X86_EFLAGS_NT_BIT)
#define X86_EFLAGS_RF BIT(X86_EFLAGS_RF_BIT)
#define X86_EFLAGS_VM BIT(X86_EFLAGS_VM_BIT)
#define X86_EFLAGS_AC BIT(X86_EFLAGS_AC_BIT)
#define X86_EFLAGS_VIF BIT(X86_EFLAGS_VIF_BIT)
#define X86_EFLAGS_VIP BIT(X86_EFLAGS_VIP_BIT)
#define X86_EFLAGS_ID BIT(X86_EFLAGS_ID_BIT)

/* ---- CR0 (SDM Vol. 3 2.5) */
#define X86_CR0_PE_BIT 0
#define X86_CR0_MP_BIT 1
#define X86_CR0_EM_BIT 2
#define X86_CR0_TS_BIT 3
#define X86_CR0_ET_BIT 4
#define X86_CR0_NE_BIT 5
#define X86_CR0_WP_BIT 16
#define X86_CR0_AM_BIT 18
#define X86_CR0_NW_BIT 29
#define X86_CR0_CD_BIT 30
#define X86_CR0_PG_BIT 31
#define X86_CR0_PE (1UL << X86_CR0_PE_BIT)
#define X86_CR0_MP (1UL << X86_CR0_MP_BIT)
#define X86_CR0_EM (1UL << X86_CR0_EM_BIT)
#define X86_CR0_TS (1UL << X86_CR0_TS_BIT)
#define X86_CR0_ET (1UL << X86_CR0_ET_BIT)
#define X86_CR0_NE (1UL << X86_CR0_NE_BIT)
#define X86_CR0_WP (1UL << X86_CR0_WP_BIT)
#define X86_CR0_AM (1UL << X86_CR0_AM_BIT)
#define X86_CR0_NW (1UL << X86_CR0_NW_BIT)
#define X86_CR0_CD (1UL << X86_CR0_CD_BIT)
#define X86_CR0_PG (1UL << X86_CR0_PG_BIT)

/* ---- CR3 (SDM Vol. 3 4.5) */
#define X86_CR3_PWT_BIT 3
#define X86_CR3_PCD_BIT 4
#define X86_CR3_PCID_BITS 12
#define X86_CR3_LAM_U57_BIT 61
#define X86_CR3_LAM_U48_BIT 62
#define X86_CR3_PCID_NOFLUSH_BIT 63
#define X86_CR3_PWT BIT(X86_CR3_PWT_BIT)
#define X86_CR3_PCD BIT(X86_CR3_PCD_BIT)
#define X86_CR3_PCID_MASK ((1UL << X86_CR3_PCID_BITS) - 1)
#define X86_CR3_LAM_U57 BIT_ULL(X86_CR3_LAM_U57_BIT)
#define X86_CR3_LAM_U48 BIT_ULL(X86_CR3_LAM_U48_BIT)
#define X86_CR3_PCID_NOFLUSH BIT_ULL(X86_CR3_PCID_NOFLUSH_BIT)

/* ---- CR4 (SDM Vol. 3 2.5) */
#define X86_CR4_VME_BIT 0
#define X86_CR4_PVI_BIT 1
#define X86_CR4_TSD_BIT 2
#define X86_CR4_DE_BIT 3
#define X86_CR4_PSE_BIT 4
#define X86_CR4_PAE_BIT 5
#define X86_CR4_MCE_BIT 6
#define X86_CR4_PGE_BIT 7
#define X86_CR4_PCE_BIT 8
#define X86_CR4_OSFXSR_BIT 9
#define X86_CR4_OSXMMEXCPT_BIT 10
#define X86_CR4_UMIP_BIT 11
#define X86_CR4_LA57_BIT 12
#define X86_CR4_VMXE_BIT 13
#define X86_CR4_SMXE_BIT 14
#define X86_CR4_FSGSBASE_BIT 16
#define X86_CR4_PCIDE_BIT 17
#define X86_CR4_OSXSAVE_BIT 18
#define X86_CR4_SMEP_BIT 20
#define X86_CR4_SMAP_BIT 21
#define X86_CR4_PKE_BIT 22
#define X86_CR4_CET_BIT 23
#define X86_CR4_LAM_SUP_BIT 28
#define X86_CR4_FRED_BIT 32
#define X86_CR4_VME (1ul << X86_CR4_VME_BIT)
#define X86_CR4_PVI (1ul << X86_CR4_PVI_BIT)
#define X86_CR4_TSD (1ul << X86_CR4_TSD_BIT)
#define X86_CR4_DE (1ul << X86_CR4_DE_BIT)
#define X86_CR4_PSE (1ul << X86_CR4_PSE_BIT)
#define X86_CR4_PAE (1ul << X86_CR4_PAE_BIT)
#define X86_CR4_MCE (1ul << X86_CR4_MCE_BIT)
#define X86_CR4_PGE (1ul << X86_CR4_PGE_BIT)
#define X86_CR4_PCE (1ul << X86_CR4_PCE_BIT)
#define X86_CR4_OSFXSR (1ul << X86_CR4_OSFXSR_BIT)
#define X86_CR4_OSXMMEXCPT (1ul << X86_CR4_OSXMMEXCPT_BIT)
#define X86_CR4_UMIP (1ul << X86_CR4_UMIP_BIT)
#define X86_CR4_LA57 (1ul << X86_CR4_LA57_BIT)
#define X86_CR4_VMXE (1ul << X86_CR4_VMXE_BIT)
#define X86_CR4_SMXE (1ul << X86_CR4_SMXE_BIT)
#define X86_CR4_FSGSBASE (1ul << X86_CR4_FSGSBASE_BIT)
#define X86_CR4_PCIDE (1ul << X86_CR4_PCIDE_BIT)
#define X86_CR4_OSXSAVE (1ul << X86_CR4_OSXSAVE_BIT)
#define X86_CR4_SMEP (1ul << X86_CR4_SMEP_BIT)
#define X86_CR4_SMAP (1ul << X86_CR4_SMAP_BIT)
#define X86_CR4_PKE (1ul << X86_CR4_PKE_BIT)
#define X86_CR4_CET (1ul << X86_CR4_CET_BIT)
#define X86_CR4_LAM_SUP (1ul << X86_CR4_LAM_SUP_BIT)
#define X86_CR4_FRED (1ul << X86_CR4_FRED_BIT)

/* ---- CR8: the task-priority class (SDM Vol. 3 10.8.6) */
#define X86_CR8_TPR 0x0000000fUL

/* ---- #PF error code (SDM Vol. 3 4.7); bits 32+ are KVM's own */
#define PFERR_PRESENT_BIT 0
#define PFERR_WRITE_BIT 1
#define PFERR_USER_BIT 2
#define PFERR_RSVD_BIT 3
#define PFERR_FETCH_BIT 4
#define PFERR_PK_BIT 5
#define PFERR_SGX_BIT 15
#define PFERR_GUEST_FINAL_BIT 32
#define PFERR_GUEST_PAGE_BIT 33
#define PFERR_IMPLICIT_ACCESS_BIT 48
#define PFERR_PRESENT_MASK BIT(PFERR_PRESENT_BIT)
#define PFERR_WRITE_MASK BIT(PFERR_WRITE_BIT)
#define PFERR_USER_MASK BIT(PFERR_USER_BIT)
#define PFERR_RSVD_MASK BIT(PFERR_RSVD_BIT)
#define PFERR_FETCH_MASK BIT(PFERR_FETCH_BIT)
#define PFERR_PK_MASK BIT(PFERR_PK_BIT)
#define PFERR_SGX_MASK BIT(PFERR_SGX_BIT)
#define PFERR_GUEST_FINAL_MASK BIT_ULL(PFERR_GUEST_FINAL_BIT)
#define PFERR_GUEST_PAGE_MASK BIT_ULL(PFERR_GUEST_PAGE_BIT)
#define PFERR_IMPLICIT_ACCESS BIT_ULL(PFERR_IMPLICIT_ACCESS_BIT)

/* ---- XSAVE state components (SDM Vol. 1 13.1) */
#define XFEATURE_MASK_FP BIT_ULL(0)
#define XFEATURE_MASK_SSE BIT_ULL(1)
#define XFEATURE_MASK_YMM BIT_ULL(2)
#define XFEATURE_MASK_BNDREGS BIT_ULL(3)
#define XFEATURE_MASK_BNDCSR BIT_ULL(4)
#define XFEATURE_MASK_OPMASK BIT_ULL(5)
#define XFEATURE_MASK_ZMM_Hi256 BIT_ULL(6)
#define XFEATURE_MASK_Hi16_ZMM BIT_ULL(7)
#define XFEATURE_MASK_PT BIT_ULL(8)
#define XFEATURE_MASK_PKRU BIT_ULL(9)
#define XFEATURE_MASK_PASID BIT_ULL(10)
#define XFEATURE_MASK_CET_USER BIT_ULL(11)
#define XFEATURE_MASK_CET_KERNEL BIT_ULL(12)
#define XFEATURE_MASK_LBR BIT_ULL(15)
#define XFEATURE_MASK_XTILE_CFG BIT_ULL(17)
#define XFEATURE_MASK_XTILE_DATA BIT_ULL(18)
#define XFEATURE_MASK_AVX512 \
	(XFEATURE_MASK_OPMASK | XFEATURE_MASK_ZMM_Hi256 | XFEATURE_MASK_Hi16_ZMM)
#define XFEATURE_MASK_XTILE (XFEATURE_MASK_XTILE_DATA | XFEATURE_MASK_XTILE_CFG)

/* The XSAVE header after the 512-byte legacy area (SDM Vol. 1 13.4.2). */
struct xstate_header {
	u64 xstate_bv;
	u64 xcomp_bv;
	u64 reserved[6];
} __attribute__((packed));

struct xstate {
	u8 i387[512];
	struct xstate_header header;
	u8 extended_state_area[0];
} __attribute__((packed, aligned(64)));

/* ---- pages (4-level paging, SDM Vol. 3 4.5) */
#define PHYSICAL_PAGE_MASK GENMASK_ULL(51, 12)
#define PAGE_SHIFT 12
#define PAGE_SIZE (1ULL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1) & PHYSICAL_PAGE_MASK)
#define HUGEPAGE_SHIFT(x) (PAGE_SHIFT + (((x) - 1) * 9))
#define HUGEPAGE_SIZE(x) (1UL << HUGEPAGE_SHIFT(x))
#define HUGEPAGE_MASK(x) (~(HUGEPAGE_SIZE(x) - 1) & PHYSICAL_PAGE_MASK)
#define PTE_GET_PA(pte) ((pte) & PHYSICAL_PAGE_MASK)
#define PTE_GET_PFN(pte) (PTE_GET_PA(pte) >> PAGE_SHIFT)

enum pg_level {
	PG_LEVEL_NONE,
	PG_LEVEL_4K,
	PG_LEVEL_2M,
	PG_LEVEL_1G,
	PG_LEVEL_512G,
	PG_LEVEL_256T
};
#define PG_LEVEL_SHIFT(_level) ((_level - 1) * 9 + 12)
#define PG_LEVEL_SIZE(_level) (1ull << PG_LEVEL_SHIFT(_level))
#define PG_SIZE_4K PG_LEVEL_SIZE(PG_LEVEL_4K)
#define PG_SIZE_2M PG_LEVEL_SIZE(PG_LEVEL_2M)
#define PG_SIZE_1G PG_LEVEL_SIZE(PG_LEVEL_1G)

/* An address no 48- or 57-bit CPU accepts (upstream's pattern). */
#define NONCANONICAL 0xaaaaaaaaaaaaaaaaull

#endif
