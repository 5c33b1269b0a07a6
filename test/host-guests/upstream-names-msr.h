/* SPDX-License-Identifier: MIT */
/*
 * Every macro upstream asm/msr-index.h defines (Linux 6.12), first half.
 * Names only, 60 per #if; included by upstream-all-names.c.
 */

/* ---- asm/msr-index.h (905 names) */
#if !defined(MSR_EFER) || !defined(MSR_STAR) || !defined(MSR_LSTAR) \
    || !defined(MSR_CSTAR) || !defined(MSR_SYSCALL_MASK) \
    || !defined(MSR_FS_BASE) || !defined(MSR_GS_BASE) \
    || !defined(MSR_KERNEL_GS_BASE) || !defined(MSR_TSC_AUX) \
    || !defined(_EFER_SCE) || !defined(_EFER_LME) || !defined(_EFER_LMA) \
    || !defined(_EFER_NX) || !defined(_EFER_SVME) || !defined(_EFER_LMSLE) \
    || !defined(_EFER_FFXSR) || !defined(_EFER_AUTOIBRS) \
    || !defined(EFER_SCE) || !defined(EFER_LME) || !defined(EFER_LMA) \
    || !defined(EFER_NX) || !defined(EFER_SVME) || !defined(EFER_LMSLE) \
    || !defined(EFER_FFXSR) || !defined(EFER_AUTOIBRS) \
    || !defined(X86_MEMTYPE_UC) || !defined(X86_MEMTYPE_WC) \
    || !defined(X86_MEMTYPE_WT) || !defined(X86_MEMTYPE_WP) \
    || !defined(X86_MEMTYPE_WB) || !defined(X86_MEMTYPE_UC_MINUS) \
    || !defined(MSR_IA32_FRED_RSP0) || !defined(MSR_IA32_FRED_RSP1) \
    || !defined(MSR_IA32_FRED_RSP2) || !defined(MSR_IA32_FRED_RSP3) \
    || !defined(MSR_IA32_FRED_STKLVLS) || !defined(MSR_IA32_FRED_SSP0) \
    || !defined(MSR_IA32_FRED_SSP1) || !defined(MSR_IA32_FRED_SSP2) \
    || !defined(MSR_IA32_FRED_SSP3) || !defined(MSR_IA32_FRED_CONFIG) \
    || !defined(MSR_TEST_CTRL) \
    || !defined(MSR_TEST_CTRL_SPLIT_LOCK_DETECT_BIT) \
    || !defined(MSR_TEST_CTRL_SPLIT_LOCK_DETECT) \
    || !defined(MSR_IA32_SPEC_CTRL) || !defined(SPEC_CTRL_IBRS) \
    || !defined(SPEC_CTRL_STIBP_SHIFT) || !defined(SPEC_CTRL_STIBP) \
    || !defined(SPEC_CTRL_SSBD_SHIFT) || !defined(SPEC_CTRL_SSBD) \
    || !defined(SPEC_CTRL_RRSBA_DIS_S_SHIFT) \
    || !defined(SPEC_CTRL_RRSBA_DIS_S) \
    || !defined(SPEC_CTRL_BHI_DIS_S_SHIFT) || !defined(SPEC_CTRL_BHI_DIS_S) \
    || !defined(SPEC_CTRL_MITIGATIONS_MASK) || !defined(MSR_IA32_PRED_CMD) \
    || !defined(PRED_CMD_IBPB) || !defined(PRED_CMD_SBPB) \
    || !defined(MSR_PPIN_CTL) || !defined(MSR_PPIN)
#error "asm/msr-index.h: a name is missing (names 1..60)"
#endif
#if !defined(MSR_IA32_PERFCTR0) || !defined(MSR_IA32_PERFCTR1) \
    || !defined(MSR_FSB_FREQ) || !defined(MSR_PLATFORM_INFO) \
    || !defined(MSR_PLATFORM_INFO_CPUID_FAULT_BIT) \
    || !defined(MSR_PLATFORM_INFO_CPUID_FAULT) \
    || !defined(MSR_IA32_UMWAIT_CONTROL) \
    || !defined(MSR_IA32_UMWAIT_CONTROL_C02_DISABLE) \
    || !defined(MSR_IA32_UMWAIT_CONTROL_RESERVED) \
    || !defined(MSR_IA32_UMWAIT_CONTROL_TIME_MASK) \
    || !defined(MSR_IA32_CORE_CAPS) \
    || !defined(MSR_IA32_CORE_CAPS_INTEGRITY_CAPS_BIT) \
    || !defined(MSR_IA32_CORE_CAPS_INTEGRITY_CAPS) \
    || !defined(MSR_IA32_CORE_CAPS_SPLIT_LOCK_DETECT_BIT) \
    || !defined(MSR_IA32_CORE_CAPS_SPLIT_LOCK_DETECT) \
    || !defined(MSR_PKG_CST_CONFIG_CONTROL) || !defined(NHM_C3_AUTO_DEMOTE) \
    || !defined(NHM_C1_AUTO_DEMOTE) || !defined(ATM_LNC_C6_AUTO_DEMOTE) \
    || !defined(SNB_C3_AUTO_UNDEMOTE) || !defined(SNB_C1_AUTO_UNDEMOTE) \
    || !defined(MSR_MTRRcap) || !defined(MSR_IA32_ARCH_CAPABILITIES) \
    || !defined(ARCH_CAP_RDCL_NO) || !defined(ARCH_CAP_IBRS_ALL) \
    || !defined(ARCH_CAP_RSBA) || !defined(ARCH_CAP_SKIP_VMENTRY_L1DFLUSH) \
    || !defined(ARCH_CAP_SSB_NO) || !defined(ARCH_CAP_MDS_NO) \
    || !defined(ARCH_CAP_PSCHANGE_MC_NO) || !defined(ARCH_CAP_TSX_CTRL_MSR) \
    || !defined(ARCH_CAP_TAA_NO) || !defined(ARCH_CAP_SBDR_SSDP_NO) \
    || !defined(ARCH_CAP_FBSDP_NO) || !defined(ARCH_CAP_PSDP_NO) \
    || !defined(ARCH_CAP_FB_CLEAR) || !defined(ARCH_CAP_FB_CLEAR_CTRL) \
    || !defined(ARCH_CAP_RRSBA) || !defined(ARCH_CAP_BHI_NO) \
    || !defined(ARCH_CAP_XAPIC_DISABLE) || !defined(ARCH_CAP_PBRSB_NO) \
    || !defined(ARCH_CAP_GDS_CTRL) || !defined(ARCH_CAP_GDS_NO) \
    || !defined(ARCH_CAP_RFDS_NO) || !defined(ARCH_CAP_RFDS_CLEAR) \
    || !defined(MSR_IA32_FLUSH_CMD) || !defined(L1D_FLUSH) \
    || !defined(MSR_IA32_BBL_CR_CTL) || !defined(MSR_IA32_BBL_CR_CTL3) \
    || !defined(MSR_IA32_TSX_CTRL) || !defined(TSX_CTRL_RTM_DISABLE) \
    || !defined(TSX_CTRL_CPUID_CLEAR) || !defined(MSR_IA32_MCU_OPT_CTRL) \
    || !defined(RNGDS_MITG_DIS) || !defined(RTM_ALLOW) \
    || !defined(FB_CLEAR_DIS) || !defined(GDS_MITG_DIS) \
    || !defined(GDS_MITG_LOCKED) || !defined(MSR_IA32_SYSENTER_CS) \
    || !defined(MSR_IA32_SYSENTER_ESP)
#error "asm/msr-index.h: a name is missing (names 61..120)"
#endif
#if !defined(MSR_IA32_SYSENTER_EIP) || !defined(MSR_IA32_MCG_CAP) \
    || !defined(MSR_IA32_MCG_STATUS) || !defined(MSR_IA32_MCG_CTL) \
    || !defined(MSR_ERROR_CONTROL) || !defined(MSR_IA32_MCG_EXT_CTL) \
    || !defined(MSR_OFFCORE_RSP_0) || !defined(MSR_OFFCORE_RSP_1) \
    || !defined(MSR_TURBO_RATIO_LIMIT) || !defined(MSR_TURBO_RATIO_LIMIT1) \
    || !defined(MSR_TURBO_RATIO_LIMIT2) || !defined(MSR_SNOOP_RSP_0) \
    || !defined(MSR_SNOOP_RSP_1) || !defined(MSR_LBR_SELECT) \
    || !defined(MSR_LBR_TOS) || !defined(MSR_IA32_POWER_CTL) \
    || !defined(MSR_IA32_POWER_CTL_BIT_EE) || !defined(MSR_INTEGRITY_CAPS) \
    || !defined(MSR_INTEGRITY_CAPS_ARRAY_BIST_BIT) \
    || !defined(MSR_INTEGRITY_CAPS_ARRAY_BIST) \
    || !defined(MSR_INTEGRITY_CAPS_PERIODIC_BIST_BIT) \
    || !defined(MSR_INTEGRITY_CAPS_PERIODIC_BIST) \
    || !defined(MSR_INTEGRITY_CAPS_SBAF_BIT) \
    || !defined(MSR_INTEGRITY_CAPS_SBAF) \
    || !defined(MSR_INTEGRITY_CAPS_SAF_GEN_MASK) \
    || !defined(MSR_LBR_NHM_FROM) || !defined(MSR_LBR_NHM_TO) \
    || !defined(MSR_LBR_CORE_FROM) || !defined(MSR_LBR_CORE_TO) \
    || !defined(MSR_LBR_INFO_0) || !defined(LBR_INFO_MISPRED) \
    || !defined(LBR_INFO_IN_TX) || !defined(LBR_INFO_ABORT) \
    || !defined(LBR_INFO_CYC_CNT_VALID) || !defined(LBR_INFO_CYCLES) \
    || !defined(LBR_INFO_BR_TYPE_OFFSET) || !defined(LBR_INFO_BR_TYPE) \
    || !defined(LBR_INFO_BR_CNTR_OFFSET) || !defined(LBR_INFO_BR_CNTR_NUM) \
    || !defined(LBR_INFO_BR_CNTR_BITS) || !defined(LBR_INFO_BR_CNTR_MASK) \
    || !defined(LBR_INFO_BR_CNTR_FULL_MASK) || !defined(MSR_ARCH_LBR_CTL) \
    || !defined(ARCH_LBR_CTL_LBREN) || !defined(ARCH_LBR_CTL_CPL_OFFSET) \
    || !defined(ARCH_LBR_CTL_CPL) || !defined(ARCH_LBR_CTL_STACK_OFFSET) \
    || !defined(ARCH_LBR_CTL_STACK) || !defined(ARCH_LBR_CTL_FILTER_OFFSET) \
    || !defined(ARCH_LBR_CTL_FILTER) || !defined(MSR_ARCH_LBR_DEPTH) \
    || !defined(MSR_ARCH_LBR_FROM_0) || !defined(MSR_ARCH_LBR_TO_0) \
    || !defined(MSR_ARCH_LBR_INFO_0) || !defined(MSR_IA32_PEBS_ENABLE) \
    || !defined(MSR_PEBS_DATA_CFG) || !defined(MSR_IA32_DS_AREA) \
    || !defined(MSR_IA32_PERF_CAPABILITIES) \
    || !defined(PERF_CAP_METRICS_IDX) || !defined(PERF_CAP_PT_IDX)
#error "asm/msr-index.h: a name is missing (names 121..180)"
#endif
#if !defined(MSR_PEBS_LD_LAT_THRESHOLD) || !defined(PERF_CAP_PEBS_TRAP) \
    || !defined(PERF_CAP_ARCH_REG) || !defined(PERF_CAP_PEBS_FORMAT) \
    || !defined(PERF_CAP_PEBS_BASELINE) || !defined(PERF_CAP_PEBS_MASK) \
    || !defined(MSR_IA32_RTIT_CTL) || !defined(RTIT_CTL_TRACEEN) \
    || !defined(RTIT_CTL_CYCLEACC) || !defined(RTIT_CTL_OS) \
    || !defined(RTIT_CTL_USR) || !defined(RTIT_CTL_PWR_EVT_EN) \
    || !defined(RTIT_CTL_FUP_ON_PTW) || !defined(RTIT_CTL_FABRIC_EN) \
    || !defined(RTIT_CTL_CR3EN) || !defined(RTIT_CTL_TOPA) \
    || !defined(RTIT_CTL_MTC_EN) || !defined(RTIT_CTL_TSC_EN) \
    || !defined(RTIT_CTL_DISRETC) || !defined(RTIT_CTL_PTW_EN) \
    || !defined(RTIT_CTL_BRANCH_EN) || !defined(RTIT_CTL_EVENT_EN) \
    || !defined(RTIT_CTL_NOTNT) || !defined(RTIT_CTL_MTC_RANGE_OFFSET) \
    || !defined(RTIT_CTL_MTC_RANGE) || !defined(RTIT_CTL_CYC_THRESH_OFFSET) \
    || !defined(RTIT_CTL_CYC_THRESH) || !defined(RTIT_CTL_PSB_FREQ_OFFSET) \
    || !defined(RTIT_CTL_PSB_FREQ) || !defined(RTIT_CTL_ADDR0_OFFSET) \
    || !defined(RTIT_CTL_ADDR0) || !defined(RTIT_CTL_ADDR1_OFFSET) \
    || !defined(RTIT_CTL_ADDR1) || !defined(RTIT_CTL_ADDR2_OFFSET) \
    || !defined(RTIT_CTL_ADDR2) || !defined(RTIT_CTL_ADDR3_OFFSET) \
    || !defined(RTIT_CTL_ADDR3) || !defined(MSR_IA32_RTIT_STATUS) \
    || !defined(RTIT_STATUS_FILTEREN) || !defined(RTIT_STATUS_CONTEXTEN) \
    || !defined(RTIT_STATUS_TRIGGEREN) || !defined(RTIT_STATUS_BUFFOVF) \
    || !defined(RTIT_STATUS_ERROR) || !defined(RTIT_STATUS_STOPPED) \
    || !defined(RTIT_STATUS_BYTECNT_OFFSET) || !defined(RTIT_STATUS_BYTECNT) \
    || !defined(MSR_IA32_RTIT_ADDR0_A) || !defined(MSR_IA32_RTIT_ADDR0_B) \
    || !defined(MSR_IA32_RTIT_ADDR1_A) || !defined(MSR_IA32_RTIT_ADDR1_B) \
    || !defined(MSR_IA32_RTIT_ADDR2_A) || !defined(MSR_IA32_RTIT_ADDR2_B) \
    || !defined(MSR_IA32_RTIT_ADDR3_A) || !defined(MSR_IA32_RTIT_ADDR3_B) \
    || !defined(MSR_IA32_RTIT_CR3_MATCH) \
    || !defined(MSR_IA32_RTIT_OUTPUT_BASE) \
    || !defined(MSR_IA32_RTIT_OUTPUT_MASK) || !defined(MSR_MTRRfix64K_00000) \
    || !defined(MSR_MTRRfix16K_80000) || !defined(MSR_MTRRfix16K_A0000)
#error "asm/msr-index.h: a name is missing (names 181..240)"
#endif
#if !defined(MSR_MTRRfix4K_C0000) || !defined(MSR_MTRRfix4K_C8000) \
    || !defined(MSR_MTRRfix4K_D0000) || !defined(MSR_MTRRfix4K_D8000) \
    || !defined(MSR_MTRRfix4K_E0000) || !defined(MSR_MTRRfix4K_E8000) \
    || !defined(MSR_MTRRfix4K_F0000) || !defined(MSR_MTRRfix4K_F8000) \
    || !defined(MSR_MTRRdefType) || !defined(MSR_IA32_CR_PAT) \
    || !defined(PAT_VALUE) || !defined(MSR_IA32_DEBUGCTLMSR) \
    || !defined(MSR_IA32_LASTBRANCHFROMIP) \
    || !defined(MSR_IA32_LASTBRANCHTOIP) || !defined(MSR_IA32_LASTINTFROMIP) \
    || !defined(MSR_IA32_LASTINTTOIP) || !defined(MSR_IA32_PASID) \
    || !defined(MSR_IA32_PASID_VALID) || !defined(DEBUGCTLMSR_LBR) \
    || !defined(DEBUGCTLMSR_BTF_SHIFT) || !defined(DEBUGCTLMSR_BTF) \
    || !defined(DEBUGCTLMSR_BUS_LOCK_DETECT) || !defined(DEBUGCTLMSR_TR) \
    || !defined(DEBUGCTLMSR_BTS) || !defined(DEBUGCTLMSR_BTINT) \
    || !defined(DEBUGCTLMSR_BTS_OFF_OS) || !defined(DEBUGCTLMSR_BTS_OFF_USR) \
    || !defined(DEBUGCTLMSR_FREEZE_LBRS_ON_PMI) \
    || !defined(DEBUGCTLMSR_FREEZE_PERFMON_ON_PMI) \
    || !defined(DEBUGCTLMSR_FREEZE_IN_SMM_BIT) \
    || !defined(DEBUGCTLMSR_FREEZE_IN_SMM) || !defined(MSR_PEBS_FRONTEND) \
    || !defined(MSR_IA32_MC0_CTL) || !defined(MSR_IA32_MC0_STATUS) \
    || !defined(MSR_IA32_MC0_ADDR) || !defined(MSR_IA32_MC0_MISC) \
    || !defined(MSR_PKG_C3_RESIDENCY) || !defined(MSR_PKG_C6_RESIDENCY) \
    || !defined(MSR_ATOM_PKG_C6_RESIDENCY) || !defined(MSR_PKG_C7_RESIDENCY) \
    || !defined(MSR_CORE_C3_RESIDENCY) || !defined(MSR_CORE_C6_RESIDENCY) \
    || !defined(MSR_CORE_C7_RESIDENCY) \
    || !defined(MSR_KNL_CORE_C6_RESIDENCY) || !defined(MSR_PKG_C2_RESIDENCY) \
    || !defined(MSR_PKG_C8_RESIDENCY) || !defined(MSR_PKG_C9_RESIDENCY) \
    || !defined(MSR_PKG_C10_RESIDENCY) || !defined(MSR_PKGC3_IRTL) \
    || !defined(MSR_PKGC6_IRTL) || !defined(MSR_PKGC7_IRTL) \
    || !defined(MSR_PKGC8_IRTL) || !defined(MSR_PKGC9_IRTL) \
    || !defined(MSR_PKGC10_IRTL) || !defined(MSR_VR_CURRENT_CONFIG) \
    || !defined(MSR_RAPL_POWER_UNIT) || !defined(MSR_PKG_POWER_LIMIT) \
    || !defined(MSR_PKG_ENERGY_STATUS) || !defined(MSR_PKG_PERF_STATUS) \
    || !defined(MSR_PKG_POWER_INFO)
#error "asm/msr-index.h: a name is missing (names 241..300)"
#endif
#if !defined(MSR_DRAM_POWER_LIMIT) || !defined(MSR_DRAM_ENERGY_STATUS) \
    || !defined(MSR_DRAM_PERF_STATUS) || !defined(MSR_DRAM_POWER_INFO) \
    || !defined(MSR_PP0_POWER_LIMIT) || !defined(MSR_PP0_ENERGY_STATUS) \
    || !defined(MSR_PP0_POLICY) || !defined(MSR_PP0_PERF_STATUS) \
    || !defined(MSR_PP1_POWER_LIMIT) || !defined(MSR_PP1_ENERGY_STATUS) \
    || !defined(MSR_PP1_POLICY) || !defined(MSR_AMD_RAPL_POWER_UNIT) \
    || !defined(MSR_AMD_CORE_ENERGY_STATUS) \
    || !defined(MSR_AMD_PKG_ENERGY_STATUS) \
    || !defined(MSR_CONFIG_TDP_NOMINAL) || !defined(MSR_CONFIG_TDP_LEVEL_1) \
    || !defined(MSR_CONFIG_TDP_LEVEL_2) || !defined(MSR_CONFIG_TDP_CONTROL) \
    || !defined(MSR_TURBO_ACTIVATION_RATIO) \
    || !defined(MSR_PLATFORM_ENERGY_STATUS) \
    || !defined(MSR_SECONDARY_TURBO_RATIO_LIMIT) \
    || !defined(MSR_PKG_WEIGHTED_CORE_C0_RES) \
    || !defined(MSR_PKG_ANY_CORE_C0_RES) \
    || !defined(MSR_PKG_ANY_GFXE_C0_RES) \
    || !defined(MSR_PKG_BOTH_CORE_GFXE_C0_RES) || !defined(MSR_CORE_C1_RES) \
    || !defined(MSR_MODULE_C6_RES_MS) \
    || !defined(MSR_CC6_DEMOTION_POLICY_CONFIG) \
    || !defined(MSR_MC6_DEMOTION_POLICY_CONFIG) \
    || !defined(MSR_ATOM_CORE_RATIOS) || !defined(MSR_ATOM_CORE_VIDS) \
    || !defined(MSR_ATOM_CORE_TURBO_RATIOS) \
    || !defined(MSR_ATOM_CORE_TURBO_VIDS) \
    || !defined(MSR_CORE_PERF_LIMIT_REASONS) \
    || !defined(MSR_GFX_PERF_LIMIT_REASONS) \
    || !defined(MSR_RING_PERF_LIMIT_REASONS) || !defined(MSR_IA32_U_CET) \
    || !defined(MSR_IA32_S_CET) || !defined(CET_SHSTK_EN) \
    || !defined(CET_WRSS_EN) || !defined(CET_ENDBR_EN) \
    || !defined(CET_LEG_IW_EN) || !defined(CET_NO_TRACK_EN) \
    || !defined(CET_SUPPRESS_DISABLE) || !defined(CET_RESERVED) \
    || !defined(CET_SUPPRESS) || !defined(CET_WAIT_ENDBR) \
    || !defined(MSR_IA32_PL0_SSP) || !defined(MSR_IA32_PL1_SSP) \
    || !defined(MSR_IA32_PL2_SSP) || !defined(MSR_IA32_PL3_SSP) \
    || !defined(MSR_IA32_INT_SSP_TAB) || !defined(MSR_PPERF) \
    || !defined(MSR_PERF_LIMIT_REASONS) || !defined(MSR_PM_ENABLE) \
    || !defined(MSR_HWP_CAPABILITIES) || !defined(MSR_HWP_REQUEST_PKG) \
    || !defined(MSR_HWP_INTERRUPT) || !defined(MSR_HWP_REQUEST) \
    || !defined(MSR_HWP_STATUS)
#error "asm/msr-index.h: a name is missing (names 301..360)"
#endif
#if !defined(HWP_BASE_BIT) || !defined(HWP_NOTIFICATIONS_BIT) \
    || !defined(HWP_ACTIVITY_WINDOW_BIT) \
    || !defined(HWP_ENERGY_PERF_PREFERENCE_BIT) \
    || !defined(HWP_PACKAGE_LEVEL_REQUEST_BIT) || !defined(HWP_HIGHEST_PERF) \
    || !defined(HWP_GUARANTEED_PERF) || !defined(HWP_MOSTEFFICIENT_PERF) \
    || !defined(HWP_LOWEST_PERF) || !defined(HWP_MIN_PERF) \
    || !defined(HWP_MAX_PERF) || !defined(HWP_DESIRED_PERF) \
    || !defined(HWP_ENERGY_PERF_PREFERENCE) || !defined(HWP_EPP_PERFORMANCE) \
    || !defined(HWP_EPP_BALANCE_PERFORMANCE) \
    || !defined(HWP_EPP_BALANCE_POWERSAVE) || !defined(HWP_EPP_POWERSAVE) \
    || !defined(HWP_ACTIVITY_WINDOW) || !defined(HWP_PACKAGE_CONTROL) \
    || !defined(HWP_GUARANTEED_CHANGE) || !defined(HWP_EXCURSION_TO_MINIMUM) \
    || !defined(HWP_CHANGE_TO_GUARANTEED_INT) \
    || !defined(HWP_EXCURSION_TO_MINIMUM_INT) \
    || !defined(MSR_AMD64_MC0_MASK) || !defined(MSR_IA32_MCx_CTL) \
    || !defined(MSR_IA32_MCx_STATUS) || !defined(MSR_IA32_MCx_ADDR) \
    || !defined(MSR_IA32_MCx_MISC) || !defined(MSR_AMD64_MCx_MASK) \
    || !defined(MSR_IA32_MC0_CTL2) || !defined(MSR_IA32_MCx_CTL2) \
    || !defined(MSR_P6_PERFCTR0) || !defined(MSR_P6_PERFCTR1) \
    || !defined(MSR_P6_EVNTSEL0) || !defined(MSR_P6_EVNTSEL1) \
    || !defined(MSR_KNC_PERFCTR0) || !defined(MSR_KNC_PERFCTR1) \
    || !defined(MSR_KNC_EVNTSEL0) || !defined(MSR_KNC_EVNTSEL1) \
    || !defined(MSR_IA32_PMC0) || !defined(MSR_RELOAD_PMC0) \
    || !defined(MSR_RELOAD_FIXED_CTR0) || !defined(MSR_IA32_PMC_V6_GP0_CTR) \
    || !defined(MSR_IA32_PMC_V6_GP0_CFG_A) \
    || !defined(MSR_IA32_PMC_V6_FX0_CTR) || !defined(MSR_IA32_PMC_V6_STEP) \
    || !defined(MSR_IA32_MKTME_KEYID_PARTITIONING) \
    || !defined(MSR_AMD64_PATCH_LEVEL) || !defined(MSR_AMD64_TSC_RATIO) \
    || !defined(MSR_AMD64_NB_CFG) || !defined(MSR_AMD64_PATCH_LOADER) \
    || !defined(MSR_AMD_PERF_CTL) || !defined(MSR_AMD_PERF_STATUS) \
    || !defined(MSR_AMD_PSTATE_DEF_BASE) \
    || !defined(MSR_AMD64_OSVW_ID_LENGTH) || !defined(MSR_AMD64_OSVW_STATUS) \
    || !defined(MSR_AMD_PPIN_CTL) || !defined(MSR_AMD_PPIN) \
    || !defined(MSR_AMD64_CPUID_FN_7) || !defined(MSR_AMD64_CPUID_FN_1)
#error "asm/msr-index.h: a name is missing (names 361..420)"
#endif
#if !defined(MSR_AMD64_LS_CFG) || !defined(MSR_AMD64_DC_CFG) \
    || !defined(MSR_AMD64_TW_CFG) || !defined(MSR_AMD64_DE_CFG) \
    || !defined(MSR_AMD64_DE_CFG_LFENCE_SERIALIZE_BIT) \
    || !defined(MSR_AMD64_DE_CFG_LFENCE_SERIALIZE) \
    || !defined(MSR_AMD64_DE_CFG_ZEN2_FP_BACKUP_FIX_BIT) \
    || !defined(MSR_AMD64_BU_CFG2) || !defined(MSR_AMD64_IBSFETCHCTL) \
    || !defined(MSR_AMD64_IBSFETCHLINAD) \
    || !defined(MSR_AMD64_IBSFETCHPHYSAD) \
    || !defined(MSR_AMD64_IBSFETCH_REG_COUNT) \
    || !defined(MSR_AMD64_IBSFETCH_REG_MASK) || !defined(MSR_AMD64_IBSOPCTL) \
    || !defined(MSR_AMD64_IBSOPRIP) || !defined(MSR_AMD64_IBSOPDATA) \
    || !defined(MSR_AMD64_IBSOPDATA2) || !defined(MSR_AMD64_IBSOPDATA3) \
    || !defined(MSR_AMD64_IBSDCLINAD) || !defined(MSR_AMD64_IBSDCPHYSAD) \
    || !defined(MSR_AMD64_IBSOP_REG_COUNT) \
    || !defined(MSR_AMD64_IBSOP_REG_MASK) || !defined(MSR_AMD64_IBSCTL) \
    || !defined(MSR_AMD64_IBSBRTARGET) || !defined(MSR_AMD64_ICIBSEXTDCTL) \
    || !defined(MSR_AMD64_IBSOPDATA4) \
    || !defined(MSR_AMD64_IBS_REG_COUNT_MAX) \
    || !defined(MSR_AMD64_SVM_AVIC_DOORBELL) \
    || !defined(MSR_AMD64_VM_PAGE_FLUSH) || !defined(MSR_AMD64_SEV_ES_GHCB) \
    || !defined(MSR_AMD64_SEV) || !defined(MSR_AMD64_SEV_ENABLED_BIT) \
    || !defined(MSR_AMD64_SEV_ENABLED) \
    || !defined(MSR_AMD64_SEV_ES_ENABLED_BIT) \
    || !defined(MSR_AMD64_SEV_ES_ENABLED) \
    || !defined(MSR_AMD64_SEV_SNP_ENABLED_BIT) \
    || !defined(MSR_AMD64_SEV_SNP_ENABLED) \
    || !defined(MSR_AMD64_SNP_VTOM_BIT) || !defined(MSR_AMD64_SNP_VTOM) \
    || !defined(MSR_AMD64_SNP_REFLECT_VC_BIT) \
    || !defined(MSR_AMD64_SNP_REFLECT_VC) \
    || !defined(MSR_AMD64_SNP_RESTRICTED_INJ_BIT) \
    || !defined(MSR_AMD64_SNP_RESTRICTED_INJ) \
    || !defined(MSR_AMD64_SNP_ALT_INJ_BIT) \
    || !defined(MSR_AMD64_SNP_ALT_INJ) \
    || !defined(MSR_AMD64_SNP_DEBUG_SWAP_BIT) \
    || !defined(MSR_AMD64_SNP_DEBUG_SWAP) \
    || !defined(MSR_AMD64_SNP_PREVENT_HOST_IBS_BIT) \
    || !defined(MSR_AMD64_SNP_PREVENT_HOST_IBS) \
    || !defined(MSR_AMD64_SNP_BTB_ISOLATION_BIT) \
    || !defined(MSR_AMD64_SNP_BTB_ISOLATION) \
    || !defined(MSR_AMD64_SNP_VMPL_SSS_BIT) \
    || !defined(MSR_AMD64_SNP_VMPL_SSS) \
    || !defined(MSR_AMD64_SNP_SECURE_TSC_BIT) \
    || !defined(MSR_AMD64_SNP_SECURE_TSC) \
    || !defined(MSR_AMD64_SNP_VMGEXIT_PARAM_BIT) \
    || !defined(MSR_AMD64_SNP_VMGEXIT_PARAM) \
    || !defined(MSR_AMD64_SNP_RESERVED_BIT13) \
    || !defined(MSR_AMD64_SNP_IBS_VIRT_BIT) \
    || !defined(MSR_AMD64_SNP_IBS_VIRT)
#error "asm/msr-index.h: a name is missing (names 421..480)"
#endif
