/* SPDX-License-Identifier: MIT */
/*
 * Every guest-side macro of upstream processor.h, apic.h, the uapi
 * processor-flags.h, exception vectors and kvm_para.h, test_util.h, kvm_util.h.
 * Names only, 60 per #if; included by upstream-all-names.c.
 */

/* ---- processor.h: CPUID features, properties, PMU events (136 names) */
#if !defined(X86_FEATURE_MWAIT) || !defined(X86_FEATURE_VMX) \
    || !defined(X86_FEATURE_SMX) || !defined(X86_FEATURE_PDCM) \
    || !defined(X86_FEATURE_PCID) || !defined(X86_FEATURE_X2APIC) \
    || !defined(X86_FEATURE_MOVBE) \
    || !defined(X86_FEATURE_TSC_DEADLINE_TIMER) \
    || !defined(X86_FEATURE_XSAVE) || !defined(X86_FEATURE_OSXSAVE) \
    || !defined(X86_FEATURE_RDRAND) || !defined(X86_FEATURE_HYPERVISOR) \
    || !defined(X86_FEATURE_PAE) || !defined(X86_FEATURE_MCE) \
    || !defined(X86_FEATURE_APIC) || !defined(X86_FEATURE_CLFLUSH) \
    || !defined(X86_FEATURE_XMM) || !defined(X86_FEATURE_XMM2) \
    || !defined(X86_FEATURE_FSGSBASE) || !defined(X86_FEATURE_TSC_ADJUST) \
    || !defined(X86_FEATURE_SGX) || !defined(X86_FEATURE_HLE) \
    || !defined(X86_FEATURE_SMEP) || !defined(X86_FEATURE_INVPCID) \
    || !defined(X86_FEATURE_RTM) || !defined(X86_FEATURE_MPX) \
    || !defined(X86_FEATURE_SMAP) || !defined(X86_FEATURE_PCOMMIT) \
    || !defined(X86_FEATURE_CLFLUSHOPT) || !defined(X86_FEATURE_CLWB) \
    || !defined(X86_FEATURE_UMIP) || !defined(X86_FEATURE_PKU) \
    || !defined(X86_FEATURE_OSPKE) || !defined(X86_FEATURE_LA57) \
    || !defined(X86_FEATURE_RDPID) || !defined(X86_FEATURE_SGX_LC) \
    || !defined(X86_FEATURE_SHSTK) || !defined(X86_FEATURE_IBT) \
    || !defined(X86_FEATURE_AMX_TILE) || !defined(X86_FEATURE_SPEC_CTRL) \
    || !defined(X86_FEATURE_ARCH_CAPABILITIES) || !defined(X86_FEATURE_PKS) \
    || !defined(X86_FEATURE_XTILECFG) || !defined(X86_FEATURE_XTILEDATA) \
    || !defined(X86_FEATURE_XSAVES) || !defined(X86_FEATURE_XFD) \
    || !defined(X86_FEATURE_XTILEDATA_XFD) || !defined(X86_FEATURE_SVM) \
    || !defined(X86_FEATURE_PERFCTR_CORE) \
    || !defined(X86_FEATURE_PERFCTR_NB) || !defined(X86_FEATURE_PERFCTR_LLC) \
    || !defined(X86_FEATURE_NX) || !defined(X86_FEATURE_GBPAGES) \
    || !defined(X86_FEATURE_RDTSCP) || !defined(X86_FEATURE_LM) \
    || !defined(X86_FEATURE_INVTSC) || !defined(X86_FEATURE_RDPRU) \
    || !defined(X86_FEATURE_AMD_IBPB) || !defined(X86_FEATURE_NPT) \
    || !defined(X86_FEATURE_LBRV)
#error "processor.h: CPUID features, properties, PMU events: a name is missing (names 1..60)"
#endif
#if !defined(X86_FEATURE_NRIPS) || !defined(X86_FEATURE_TSCRATEMSR) \
    || !defined(X86_FEATURE_PAUSEFILTER) \
    || !defined(X86_FEATURE_PFTHRESHOLD) || !defined(X86_FEATURE_VGIF) \
    || !defined(X86_FEATURE_IDLE_HLT) || !defined(X86_FEATURE_SEV) \
    || !defined(X86_FEATURE_SEV_ES) || !defined(X86_FEATURE_SEV_SNP) \
    || !defined(X86_FEATURE_PERFMON_V2) \
    || !defined(X86_FEATURE_LBR_PMC_FREEZE) \
    || !defined(X86_FEATURE_KVM_CLOCKSOURCE) \
    || !defined(X86_FEATURE_KVM_NOP_IO_DELAY) \
    || !defined(X86_FEATURE_KVM_MMU_OP) \
    || !defined(X86_FEATURE_KVM_CLOCKSOURCE2) \
    || !defined(X86_FEATURE_KVM_ASYNC_PF) \
    || !defined(X86_FEATURE_KVM_STEAL_TIME) \
    || !defined(X86_FEATURE_KVM_PV_EOI) \
    || !defined(X86_FEATURE_KVM_PV_UNHALT) \
    || !defined(X86_FEATURE_KVM_PV_TLB_FLUSH) \
    || !defined(X86_FEATURE_KVM_ASYNC_PF_VMEXIT) \
    || !defined(X86_FEATURE_KVM_PV_SEND_IPI) \
    || !defined(X86_FEATURE_KVM_POLL_CONTROL) \
    || !defined(X86_FEATURE_KVM_PV_SCHED_YIELD) \
    || !defined(X86_FEATURE_KVM_ASYNC_PF_INT) \
    || !defined(X86_FEATURE_KVM_MSI_EXT_DEST_ID) \
    || !defined(X86_FEATURE_KVM_HC_MAP_GPA_RANGE) \
    || !defined(X86_FEATURE_KVM_MIGRATION_CONTROL) \
    || !defined(X86_PROPERTY_MAX_BASIC_LEAF) \
    || !defined(X86_PROPERTY_PMU_VERSION) \
    || !defined(X86_PROPERTY_PMU_NR_GP_COUNTERS) \
    || !defined(X86_PROPERTY_PMU_GP_COUNTERS_BIT_WIDTH) \
    || !defined(X86_PROPERTY_PMU_EBX_BIT_VECTOR_LENGTH) \
    || !defined(X86_PROPERTY_PMU_EVENTS_MASK) \
    || !defined(X86_PROPERTY_PMU_FIXED_COUNTERS_BITMASK) \
    || !defined(X86_PROPERTY_PMU_NR_FIXED_COUNTERS) \
    || !defined(X86_PROPERTY_PMU_FIXED_COUNTERS_BIT_WIDTH) \
    || !defined(X86_PROPERTY_SUPPORTED_XCR0_LO) \
    || !defined(X86_PROPERTY_XSTATE_MAX_SIZE_XCR0) \
    || !defined(X86_PROPERTY_XSTATE_MAX_SIZE) \
    || !defined(X86_PROPERTY_SUPPORTED_XCR0_HI) \
    || !defined(X86_PROPERTY_XSTATE_TILE_SIZE) \
    || !defined(X86_PROPERTY_XSTATE_TILE_OFFSET) \
    || !defined(X86_PROPERTY_AMX_MAX_PALETTE_TABLES) \
    || !defined(X86_PROPERTY_AMX_TOTAL_TILE_BYTES) \
    || !defined(X86_PROPERTY_AMX_BYTES_PER_TILE) \
    || !defined(X86_PROPERTY_AMX_BYTES_PER_ROW) \
    || !defined(X86_PROPERTY_AMX_NR_TILE_REGS) \
    || !defined(X86_PROPERTY_AMX_MAX_ROWS) \
    || !defined(X86_PROPERTY_MAX_KVM_LEAF) \
    || !defined(X86_PROPERTY_MAX_EXT_LEAF) \
    || !defined(X86_PROPERTY_MAX_PHY_ADDR) \
    || !defined(X86_PROPERTY_MAX_VIRT_ADDR) \
    || !defined(X86_PROPERTY_GUEST_MAX_PHY_ADDR) \
    || !defined(X86_PROPERTY_SEV_C_BIT) \
    || !defined(X86_PROPERTY_PHYS_ADDR_REDUCTION) \
    || !defined(X86_PROPERTY_NR_PERFCTR_CORE) \
    || !defined(X86_PROPERTY_NR_PERFCTR_NB) \
    || !defined(X86_PROPERTY_MAX_CENTAUR_LEAF) \
    || !defined(X86_PMU_FEATURE_CPU_CYCLES)
#error "processor.h: CPUID features, properties, PMU events: a name is missing (names 61..120)"
#endif
#if !defined(X86_PMU_FEATURE_INSNS_RETIRED) \
    || !defined(X86_PMU_FEATURE_REFERENCE_CYCLES) \
    || !defined(X86_PMU_FEATURE_LLC_REFERENCES) \
    || !defined(X86_PMU_FEATURE_LLC_MISSES) \
    || !defined(X86_PMU_FEATURE_BRANCH_INSNS_RETIRED) \
    || !defined(X86_PMU_FEATURE_BRANCHES_MISPREDICTED) \
    || !defined(X86_PMU_FEATURE_TOPDOWN_SLOTS) \
    || !defined(X86_PMU_FEATURE_TOPDOWN_BE_BOUND) \
    || !defined(X86_PMU_FEATURE_TOPDOWN_BAD_SPEC) \
    || !defined(X86_PMU_FEATURE_TOPDOWN_FE_BOUND) \
    || !defined(X86_PMU_FEATURE_TOPDOWN_RETIRING) \
    || !defined(X86_PMU_FEATURE_LBR_INSERTS) \
    || !defined(X86_PMU_FEATURE_INSNS_RETIRED_FIXED) \
    || !defined(X86_PMU_FEATURE_CPU_CYCLES_FIXED) \
    || !defined(X86_PMU_FEATURE_REFERENCE_TSC_CYCLES_FIXED) \
    || !defined(X86_PMU_FEATURE_TOPDOWN_SLOTS_FIXED)
#error "processor.h: CPUID features, properties, PMU events: a name is missing (names 121..136)"
#endif

/* ---- processor.h: CR0, CR4, EFLAGS, PFERR, XFEATURE, pages (101 names) */
#if !defined(MAX_NR_CPUID_ENTRIES) || !defined(NMI_VECTOR) \
    || !defined(X86_EFLAGS_FIXED) || !defined(X86_CR4_VME) \
    || !defined(X86_CR4_PVI) || !defined(X86_CR4_TSD) \
    || !defined(X86_CR4_DE) || !defined(X86_CR4_PSE) \
    || !defined(X86_CR4_PAE) || !defined(X86_CR4_MCE) \
    || !defined(X86_CR4_PGE) || !defined(X86_CR4_PCE) \
    || !defined(X86_CR4_OSFXSR) || !defined(X86_CR4_OSXMMEXCPT) \
    || !defined(X86_CR4_UMIP) || !defined(X86_CR4_LA57) \
    || !defined(X86_CR4_VMXE) || !defined(X86_CR4_SMXE) \
    || !defined(X86_CR4_FSGSBASE) || !defined(X86_CR4_PCIDE) \
    || !defined(X86_CR4_OSXSAVE) || !defined(X86_CR4_SMEP) \
    || !defined(X86_CR4_SMAP) || !defined(X86_CR4_PKE) \
    || !defined(XFEATURE_MASK_FP) || !defined(XFEATURE_MASK_SSE) \
    || !defined(XFEATURE_MASK_YMM) || !defined(XFEATURE_MASK_BNDREGS) \
    || !defined(XFEATURE_MASK_BNDCSR) || !defined(XFEATURE_MASK_OPMASK) \
    || !defined(XFEATURE_MASK_ZMM_Hi256) || !defined(XFEATURE_MASK_Hi16_ZMM) \
    || !defined(XFEATURE_MASK_PT) || !defined(XFEATURE_MASK_PKRU) \
    || !defined(XFEATURE_MASK_PASID) || !defined(XFEATURE_MASK_CET_USER) \
    || !defined(XFEATURE_MASK_CET_KERNEL) || !defined(XFEATURE_MASK_LBR) \
    || !defined(XFEATURE_MASK_XTILE_CFG) \
    || !defined(XFEATURE_MASK_XTILE_DATA) || !defined(XFEATURE_MASK_AVX512) \
    || !defined(XFEATURE_MASK_XTILE) || !defined(KVM_X86_CPU_FEATURE) \
    || !defined(KVM_X86_CPU_PROPERTY) || !defined(KVM_X86_PMU_FEATURE) \
    || !defined(PTE_PRESENT_MASK) || !defined(PTE_WRITABLE_MASK) \
    || !defined(PTE_USER_MASK) || !defined(PTE_ACCESSED_MASK) \
    || !defined(PTE_DIRTY_MASK) || !defined(PTE_LARGE_MASK) \
    || !defined(PTE_GLOBAL_MASK) || !defined(PTE_NX_MASK) \
    || !defined(PHYSICAL_PAGE_MASK) || !defined(PAGE_SHIFT) \
    || !defined(PAGE_SIZE) || !defined(PAGE_MASK) \
    || !defined(HUGEPAGE_SHIFT) || !defined(HUGEPAGE_SIZE) \
    || !defined(HUGEPAGE_MASK)
#error "processor.h: CR0, CR4, EFLAGS, PFERR, XFEATURE, pages: a name is missing (names 1..60)"
#endif
#if !defined(PTE_GET_PA) || !defined(PTE_GET_PFN) || !defined(__sse128_u) \
    || !defined(sse128_lo) || !defined(sse128_hi) \
    || !defined(PG_LEVEL_SHIFT) || !defined(PG_LEVEL_SIZE) \
    || !defined(PG_SIZE_4K) || !defined(PG_SIZE_2M) || !defined(PG_SIZE_1G) \
    || !defined(X86_CR0_PE) || !defined(X86_CR0_MP) || !defined(X86_CR0_EM) \
    || !defined(X86_CR0_TS) || !defined(X86_CR0_ET) || !defined(X86_CR0_NE) \
    || !defined(X86_CR0_WP) || !defined(X86_CR0_AM) || !defined(X86_CR0_NW) \
    || !defined(X86_CR0_CD) || !defined(X86_CR0_PG) \
    || !defined(PFERR_PRESENT_BIT) || !defined(PFERR_WRITE_BIT) \
    || !defined(PFERR_USER_BIT) || !defined(PFERR_RSVD_BIT) \
    || !defined(PFERR_FETCH_BIT) || !defined(PFERR_PK_BIT) \
    || !defined(PFERR_SGX_BIT) || !defined(PFERR_GUEST_FINAL_BIT) \
    || !defined(PFERR_GUEST_PAGE_BIT) || !defined(PFERR_IMPLICIT_ACCESS_BIT) \
    || !defined(PFERR_PRESENT_MASK) || !defined(PFERR_WRITE_MASK) \
    || !defined(PFERR_USER_MASK) || !defined(PFERR_RSVD_MASK) \
    || !defined(PFERR_FETCH_MASK) || !defined(PFERR_PK_MASK) \
    || !defined(PFERR_SGX_MASK) || !defined(PFERR_GUEST_FINAL_MASK) \
    || !defined(PFERR_GUEST_PAGE_MASK) || !defined(PFERR_IMPLICIT_ACCESS)
#error "processor.h: CR0, CR4, EFLAGS, PFERR, XFEATURE, pages: a name is missing (names 61..101)"
#endif

/* ---- asm/processor-flags.h (86 names) */
#if !defined(X86_EFLAGS_CF_BIT) || !defined(X86_EFLAGS_CF) \
    || !defined(X86_EFLAGS_FIXED_BIT) || !defined(X86_EFLAGS_PF_BIT) \
    || !defined(X86_EFLAGS_PF) || !defined(X86_EFLAGS_AF_BIT) \
    || !defined(X86_EFLAGS_AF) || !defined(X86_EFLAGS_ZF_BIT) \
    || !defined(X86_EFLAGS_ZF) || !defined(X86_EFLAGS_SF_BIT) \
    || !defined(X86_EFLAGS_SF) || !defined(X86_EFLAGS_TF_BIT) \
    || !defined(X86_EFLAGS_TF) || !defined(X86_EFLAGS_IF_BIT) \
    || !defined(X86_EFLAGS_IF) || !defined(X86_EFLAGS_DF_BIT) \
    || !defined(X86_EFLAGS_DF) || !defined(X86_EFLAGS_OF_BIT) \
    || !defined(X86_EFLAGS_OF) || !defined(X86_EFLAGS_IOPL_BIT) \
    || !defined(X86_EFLAGS_IOPL) || !defined(X86_EFLAGS_NT_BIT) \
    || !defined(X86_EFLAGS_NT) || !defined(X86_EFLAGS_RF_BIT) \
    || !defined(X86_EFLAGS_RF) || !defined(X86_EFLAGS_VM_BIT) \
    || !defined(X86_EFLAGS_VM) || !defined(X86_EFLAGS_AC_BIT) \
    || !defined(X86_EFLAGS_AC) || !defined(X86_EFLAGS_VIF_BIT) \
    || !defined(X86_EFLAGS_VIF) || !defined(X86_EFLAGS_VIP_BIT) \
    || !defined(X86_EFLAGS_VIP) || !defined(X86_EFLAGS_ID_BIT) \
    || !defined(X86_EFLAGS_ID) || !defined(X86_CR0_PE_BIT) \
    || !defined(X86_CR0_MP_BIT) || !defined(X86_CR0_EM_BIT) \
    || !defined(X86_CR0_TS_BIT) || !defined(X86_CR0_ET_BIT) \
    || !defined(X86_CR0_NE_BIT) || !defined(X86_CR0_WP_BIT) \
    || !defined(X86_CR0_AM_BIT) || !defined(X86_CR0_NW_BIT) \
    || !defined(X86_CR0_CD_BIT) || !defined(X86_CR0_PG_BIT) \
    || !defined(X86_CR3_PWT_BIT) || !defined(X86_CR3_PWT) \
    || !defined(X86_CR3_PCD_BIT) || !defined(X86_CR3_PCD) \
    || !defined(X86_CR3_PCID_BITS) || !defined(X86_CR3_PCID_MASK) \
    || !defined(X86_CR3_LAM_U57_BIT) || !defined(X86_CR3_LAM_U57) \
    || !defined(X86_CR3_LAM_U48_BIT) || !defined(X86_CR3_LAM_U48) \
    || !defined(X86_CR3_PCID_NOFLUSH_BIT) || !defined(X86_CR3_PCID_NOFLUSH) \
    || !defined(X86_CR4_VME_BIT) || !defined(X86_CR4_PVI_BIT)
#error "asm/processor-flags.h: a name is missing (names 1..60)"
#endif
#if !defined(X86_CR4_TSD_BIT) || !defined(X86_CR4_DE_BIT) \
    || !defined(X86_CR4_PSE_BIT) || !defined(X86_CR4_PAE_BIT) \
    || !defined(X86_CR4_MCE_BIT) || !defined(X86_CR4_PGE_BIT) \
    || !defined(X86_CR4_PCE_BIT) || !defined(X86_CR4_OSFXSR_BIT) \
    || !defined(X86_CR4_OSXMMEXCPT_BIT) || !defined(X86_CR4_UMIP_BIT) \
    || !defined(X86_CR4_LA57_BIT) || !defined(X86_CR4_VMXE_BIT) \
    || !defined(X86_CR4_SMXE_BIT) || !defined(X86_CR4_FSGSBASE_BIT) \
    || !defined(X86_CR4_PCIDE_BIT) || !defined(X86_CR4_OSXSAVE_BIT) \
    || !defined(X86_CR4_SMEP_BIT) || !defined(X86_CR4_SMAP_BIT) \
    || !defined(X86_CR4_PKE_BIT) || !defined(X86_CR4_CET_BIT) \
    || !defined(X86_CR4_CET) || !defined(X86_CR4_LAM_SUP_BIT) \
    || !defined(X86_CR4_LAM_SUP) || !defined(X86_CR4_FRED_BIT) \
    || !defined(X86_CR4_FRED) || !defined(X86_CR8_TPR)
#error "asm/processor-flags.h: a name is missing (names 61..86)"
#endif

/* ---- asm/kvm.h exception vectors (22 names) */
#if !defined(DE_VECTOR) || !defined(DB_VECTOR) || !defined(BP_VECTOR) \
    || !defined(OF_VECTOR) || !defined(BR_VECTOR) || !defined(UD_VECTOR) \
    || !defined(NM_VECTOR) || !defined(DF_VECTOR) || !defined(TS_VECTOR) \
    || !defined(NP_VECTOR) || !defined(SS_VECTOR) || !defined(GP_VECTOR) \
    || !defined(PF_VECTOR) || !defined(MF_VECTOR) || !defined(AC_VECTOR) \
    || !defined(MC_VECTOR) || !defined(XM_VECTOR) || !defined(VE_VECTOR) \
    || !defined(CP_VECTOR) || !defined(HV_VECTOR) || !defined(VC_VECTOR) \
    || !defined(SX_VECTOR)
#error "asm/kvm.h exception vectors: a name is missing (names 1..22)"
#endif

/* ---- apic.h (51 names) */
#if !defined(APIC_DEFAULT_GPA) || !defined(MSR_IA32_APICBASE_EXTD) \
    || !defined(GET_APIC_BASE) || !defined(APIC_BASE_MSR) \
    || !defined(X2APIC_ENABLE) || !defined(APIC_ID) || !defined(APIC_LVR) \
    || !defined(GET_APIC_ID_FIELD) || !defined(APIC_TASKPRI) \
    || !defined(APIC_PROCPRI) || !defined(APIC_EOI) || !defined(APIC_SPIV) \
    || !defined(APIC_SPIV_FOCUS_DISABLED) \
    || !defined(APIC_SPIV_APIC_ENABLED) || !defined(APIC_IRR) \
    || !defined(APIC_ICR) || !defined(APIC_LVTCMCI) \
    || !defined(APIC_DEST_SELF) || !defined(APIC_DEST_ALLINC) \
    || !defined(APIC_DEST_ALLBUT) || !defined(APIC_ICR_RR_MASK) \
    || !defined(APIC_ICR_RR_INVALID) || !defined(APIC_ICR_RR_INPROG) \
    || !defined(APIC_ICR_RR_VALID) || !defined(APIC_INT_LEVELTRIG) \
    || !defined(APIC_INT_ASSERT) || !defined(APIC_ICR_BUSY) \
    || !defined(APIC_DEST_LOGICAL) || !defined(APIC_DEST_PHYSICAL) \
    || !defined(APIC_DM_FIXED) || !defined(APIC_DM_FIXED_MASK) \
    || !defined(APIC_DM_LOWEST) || !defined(APIC_DM_SMI) \
    || !defined(APIC_DM_REMRD) || !defined(APIC_DM_NMI) \
    || !defined(APIC_DM_INIT) || !defined(APIC_DM_STARTUP) \
    || !defined(APIC_DM_EXTINT) || !defined(APIC_VECTOR_MASK) \
    || !defined(APIC_ICR2) || !defined(SET_APIC_DEST_FIELD) \
    || !defined(APIC_LVTT) || !defined(APIC_LVT_TIMER_ONESHOT) \
    || !defined(APIC_LVT_TIMER_PERIODIC) \
    || !defined(APIC_LVT_TIMER_TSCDEADLINE) || !defined(APIC_LVT_MASKED) \
    || !defined(APIC_TMICT) || !defined(APIC_TMCCT) || !defined(APIC_TDCR) \
    || !defined(GET_APIC_PRI) || !defined(SET_APIC_PRI)
#error "apic.h: a name is missing (names 1..51)"
#endif

/* ---- linux/kvm_para.h, asm/kvm_para.h (80 names) */
#if !defined(KVM_ENOSYS) || !defined(KVM_EFAULT) || !defined(KVM_EINVAL) \
    || !defined(KVM_E2BIG) || !defined(KVM_EPERM) \
    || !defined(KVM_EOPNOTSUPP) || !defined(KVM_HC_VAPIC_POLL_IRQ) \
    || !defined(KVM_HC_MMU_OP) || !defined(KVM_HC_FEATURES) \
    || !defined(KVM_HC_PPC_MAP_MAGIC_PAGE) || !defined(KVM_HC_KICK_CPU) \
    || !defined(KVM_HC_MIPS_GET_CLOCK_FREQ) || !defined(KVM_HC_MIPS_EXIT_VM) \
    || !defined(KVM_HC_MIPS_CONSOLE_OUTPUT) \
    || !defined(KVM_HC_CLOCK_PAIRING) || !defined(KVM_HC_SEND_IPI) \
    || !defined(KVM_HC_SCHED_YIELD) || !defined(KVM_HC_MAP_GPA_RANGE) \
    || !defined(KVM_CPUID_SIGNATURE) || !defined(KVM_SIGNATURE) \
    || !defined(KVM_CPUID_FEATURES) || !defined(KVM_FEATURE_CLOCKSOURCE) \
    || !defined(KVM_FEATURE_NOP_IO_DELAY) || !defined(KVM_FEATURE_MMU_OP) \
    || !defined(KVM_FEATURE_CLOCKSOURCE2) || !defined(KVM_FEATURE_ASYNC_PF) \
    || !defined(KVM_FEATURE_STEAL_TIME) || !defined(KVM_FEATURE_PV_EOI) \
    || !defined(KVM_FEATURE_PV_UNHALT) || !defined(KVM_FEATURE_PV_TLB_FLUSH) \
    || !defined(KVM_FEATURE_ASYNC_PF_VMEXIT) \
    || !defined(KVM_FEATURE_PV_SEND_IPI) \
    || !defined(KVM_FEATURE_POLL_CONTROL) \
    || !defined(KVM_FEATURE_PV_SCHED_YIELD) \
    || !defined(KVM_FEATURE_ASYNC_PF_INT) \
    || !defined(KVM_FEATURE_MSI_EXT_DEST_ID) \
    || !defined(KVM_FEATURE_HC_MAP_GPA_RANGE) \
    || !defined(KVM_FEATURE_MIGRATION_CONTROL) \
    || !defined(KVM_HINTS_REALTIME) \
    || !defined(KVM_FEATURE_CLOCKSOURCE_STABLE_BIT) \
    || !defined(MSR_KVM_WALL_CLOCK) || !defined(MSR_KVM_SYSTEM_TIME) \
    || !defined(KVM_MSR_ENABLED) || !defined(MSR_KVM_WALL_CLOCK_NEW) \
    || !defined(MSR_KVM_SYSTEM_TIME_NEW) || !defined(MSR_KVM_ASYNC_PF_EN) \
    || !defined(MSR_KVM_STEAL_TIME) || !defined(MSR_KVM_PV_EOI_EN) \
    || !defined(MSR_KVM_POLL_CONTROL) || !defined(MSR_KVM_ASYNC_PF_INT) \
    || !defined(MSR_KVM_ASYNC_PF_ACK) || !defined(MSR_KVM_MIGRATION_CONTROL) \
    || !defined(KVM_VCPU_PREEMPTED) || !defined(KVM_VCPU_FLUSH_TLB) \
    || !defined(KVM_CLOCK_PAIRING_WALLCLOCK) \
    || !defined(KVM_STEAL_ALIGNMENT_BITS) || !defined(KVM_STEAL_VALID_BITS) \
    || !defined(KVM_STEAL_RESERVED_MASK) || !defined(KVM_MAX_MMU_OP_BATCH) \
    || !defined(KVM_ASYNC_PF_ENABLED)
#error "linux/kvm_para.h, asm/kvm_para.h: a name is missing (names 1..60)"
#endif
#if !defined(KVM_ASYNC_PF_SEND_ALWAYS) \
    || !defined(KVM_ASYNC_PF_DELIVERY_AS_PF_VMEXIT) \
    || !defined(KVM_ASYNC_PF_DELIVERY_AS_INT) \
    || !defined(KVM_ASYNC_PF_VEC_MASK) || !defined(KVM_MIGRATION_READY) \
    || !defined(KVM_MAP_GPA_RANGE_PAGE_SZ_4K) \
    || !defined(KVM_MAP_GPA_RANGE_PAGE_SZ_2M) \
    || !defined(KVM_MAP_GPA_RANGE_PAGE_SZ_1G) \
    || !defined(KVM_MAP_GPA_RANGE_ENC_STAT) \
    || !defined(KVM_MAP_GPA_RANGE_ENCRYPTED) \
    || !defined(KVM_MAP_GPA_RANGE_DECRYPTED) \
    || !defined(KVM_MMU_OP_WRITE_PTE) || !defined(KVM_MMU_OP_FLUSH_TLB) \
    || !defined(KVM_MMU_OP_RELEASE_PT) \
    || !defined(KVM_PV_REASON_PAGE_NOT_PRESENT) \
    || !defined(KVM_PV_REASON_PAGE_READY) || !defined(KVM_PV_EOI_BIT) \
    || !defined(KVM_PV_EOI_MASK) || !defined(KVM_PV_EOI_ENABLED) \
    || !defined(KVM_PV_EOI_DISABLED)
#error "linux/kvm_para.h, asm/kvm_para.h: a name is missing (names 61..80)"
#endif

/* ---- test_util.h, kvm_util.h, linux/ headers, processor.h helpers (17 names) */
#if !defined(BIT) || !defined(BIT_ULL) || !defined(GENMASK) \
    || !defined(GENMASK_ULL) || !defined(BITS_PER_BYTE) \
    || !defined(BITS_PER_LONG) || !defined(READ_ONCE) \
    || !defined(WRITE_ONCE) || !defined(noinline) \
    || !defined(__always_inline) || !defined(__stringify) \
    || !defined(barrier) || !defined(kvm_static_assert) \
    || !defined(__kvm_static_assert) || !defined(msecs_to_usecs) \
    || !defined(ARRAY_SIZE) || !defined(NONCANONICAL)
#error "test_util.h, kvm_util.h, linux/ headers, processor.h helpers: a name is missing (names 1..17)"
#endif
