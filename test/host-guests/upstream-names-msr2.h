/* SPDX-License-Identifier: MIT */
/*
 * Every macro upstream asm/msr-index.h defines (Linux 6.12), second half.
 * Names only, 60 per #if; included by upstream-all-names.c.
 */

/* ---- asm/msr-index.h, continued */
#if !defined(MSR_AMD64_SNP_RESERVED_BIT15) \
    || !defined(MSR_AMD64_SNP_VMSA_REG_PROT_BIT) \
    || !defined(MSR_AMD64_SNP_VMSA_REG_PROT) \
    || !defined(MSR_AMD64_SNP_SMT_PROT_BIT) \
    || !defined(MSR_AMD64_SNP_SMT_PROT) || !defined(MSR_AMD64_SNP_RESV_BIT) \
    || !defined(MSR_AMD64_SNP_RESERVED_MASK) \
    || !defined(MSR_AMD64_VIRT_SPEC_CTRL) || !defined(MSR_AMD64_RMP_BASE) \
    || !defined(MSR_AMD64_RMP_END) || !defined(MSR_SVSM_CAA) \
    || !defined(MSR_AMD_CPPC_CAP1) || !defined(MSR_AMD_CPPC_ENABLE) \
    || !defined(MSR_AMD_CPPC_CAP2) || !defined(MSR_AMD_CPPC_REQ) \
    || !defined(MSR_AMD_CPPC_STATUS) || !defined(AMD_CPPC_LOWEST_PERF) \
    || !defined(AMD_CPPC_LOWNONLIN_PERF) || !defined(AMD_CPPC_NOMINAL_PERF) \
    || !defined(AMD_CPPC_HIGHEST_PERF) || !defined(AMD_CPPC_MAX_PERF) \
    || !defined(AMD_CPPC_MIN_PERF) || !defined(AMD_CPPC_DES_PERF) \
    || !defined(AMD_CPPC_ENERGY_PERF_PREF) \
    || !defined(MSR_AMD64_PERF_CNTR_GLOBAL_STATUS) \
    || !defined(MSR_AMD64_PERF_CNTR_GLOBAL_CTL) \
    || !defined(MSR_AMD64_PERF_CNTR_GLOBAL_STATUS_CLR) \
    || !defined(MSR_AMD64_LBR_SELECT) || !defined(MSR_ZEN4_BP_CFG) \
    || !defined(MSR_ZEN4_BP_CFG_SHARED_BTB_FIX_BIT) \
    || !defined(MSR_ZEN2_BP_CFG_BUG_FIX_BIT) \
    || !defined(MSR_F19H_UMC_PERF_CTL) || !defined(MSR_F19H_UMC_PERF_CTR) \
    || !defined(MSR_ZEN2_SPECTRAL_CHICKEN) \
    || !defined(MSR_ZEN2_SPECTRAL_CHICKEN_BIT) || !defined(MSR_F17H_IRPERF) \
    || !defined(MSR_F16H_L2I_PERF_CTL) || !defined(MSR_F16H_L2I_PERF_CTR) \
    || !defined(MSR_F16H_DR1_ADDR_MASK) || !defined(MSR_F16H_DR2_ADDR_MASK) \
    || !defined(MSR_F16H_DR3_ADDR_MASK) || !defined(MSR_F16H_DR0_ADDR_MASK) \
    || !defined(MSR_F15H_CU_PWR_ACCUMULATOR) \
    || !defined(MSR_F15H_CU_MAX_PWR_ACCUMULATOR) \
    || !defined(MSR_F15H_PERF_CTL) || !defined(MSR_F15H_PERF_CTL0) \
    || !defined(MSR_F15H_PERF_CTL1) || !defined(MSR_F15H_PERF_CTL2) \
    || !defined(MSR_F15H_PERF_CTL3) || !defined(MSR_F15H_PERF_CTL4) \
    || !defined(MSR_F15H_PERF_CTL5) || !defined(MSR_F15H_PERF_CTR) \
    || !defined(MSR_F15H_PERF_CTR0) || !defined(MSR_F15H_PERF_CTR1) \
    || !defined(MSR_F15H_PERF_CTR2) || !defined(MSR_F15H_PERF_CTR3) \
    || !defined(MSR_F15H_PERF_CTR4) || !defined(MSR_F15H_PERF_CTR5) \
    || !defined(MSR_F15H_NB_PERF_CTL) || !defined(MSR_F15H_NB_PERF_CTR)
#error "asm/msr-index.h: a name is missing (names 481..540)"
#endif
#if !defined(MSR_F15H_PTSC) || !defined(MSR_F15H_IC_CFG) \
    || !defined(MSR_F15H_EX_CFG) || !defined(MSR_FAM10H_MMIO_CONF_BASE) \
    || !defined(FAM10H_MMIO_CONF_ENABLE) \
    || !defined(FAM10H_MMIO_CONF_BUSRANGE_MASK) \
    || !defined(FAM10H_MMIO_CONF_BUSRANGE_SHIFT) \
    || !defined(FAM10H_MMIO_CONF_BASE_MASK) \
    || !defined(FAM10H_MMIO_CONF_BASE_SHIFT) || !defined(MSR_FAM10H_NODE_ID) \
    || !defined(MSR_K8_TOP_MEM1) || !defined(MSR_K8_TOP_MEM2) \
    || !defined(MSR_AMD64_SYSCFG) \
    || !defined(MSR_AMD64_SYSCFG_MEM_ENCRYPT_BIT) \
    || !defined(MSR_AMD64_SYSCFG_MEM_ENCRYPT) \
    || !defined(MSR_AMD64_SYSCFG_SNP_EN_BIT) \
    || !defined(MSR_AMD64_SYSCFG_SNP_EN) \
    || !defined(MSR_AMD64_SYSCFG_SNP_VMPL_EN_BIT) \
    || !defined(MSR_AMD64_SYSCFG_SNP_VMPL_EN) \
    || !defined(MSR_AMD64_SYSCFG_MFDM_BIT) \
    || !defined(MSR_AMD64_SYSCFG_MFDM) || !defined(MSR_K8_INT_PENDING_MSG) \
    || !defined(K8_INTP_C1E_ACTIVE_MASK) || !defined(MSR_K8_TSEG_ADDR) \
    || !defined(MSR_K8_TSEG_MASK) || !defined(K8_MTRRFIXRANGE_DRAM_ENABLE) \
    || !defined(K8_MTRRFIXRANGE_DRAM_MODIFY) \
    || !defined(K8_MTRR_RDMEM_WRMEM_MASK) || !defined(MSR_K7_EVNTSEL0) \
    || !defined(MSR_K7_PERFCTR0) || !defined(MSR_K7_EVNTSEL1) \
    || !defined(MSR_K7_PERFCTR1) || !defined(MSR_K7_EVNTSEL2) \
    || !defined(MSR_K7_PERFCTR2) || !defined(MSR_K7_EVNTSEL3) \
    || !defined(MSR_K7_PERFCTR3) || !defined(MSR_K7_CLK_CTL) \
    || !defined(MSR_K7_HWCR) || !defined(MSR_K7_HWCR_SMMLOCK_BIT) \
    || !defined(MSR_K7_HWCR_SMMLOCK) || !defined(MSR_K7_HWCR_IRPERF_EN_BIT) \
    || !defined(MSR_K7_HWCR_IRPERF_EN) || !defined(MSR_K7_FID_VID_CTL) \
    || !defined(MSR_K7_FID_VID_STATUS) || !defined(MSR_K7_HWCR_CPB_DIS_BIT) \
    || !defined(MSR_K7_HWCR_CPB_DIS) || !defined(MSR_K6_WHCR) \
    || !defined(MSR_K6_UWCCR) || !defined(MSR_K6_EPMR) \
    || !defined(MSR_K6_PSOR) || !defined(MSR_K6_PFIR) \
    || !defined(MSR_IDT_FCR1) || !defined(MSR_IDT_FCR2) \
    || !defined(MSR_IDT_FCR3) || !defined(MSR_IDT_FCR4) \
    || !defined(MSR_IDT_MCR0) || !defined(MSR_IDT_MCR1) \
    || !defined(MSR_IDT_MCR2) || !defined(MSR_IDT_MCR3) \
    || !defined(MSR_IDT_MCR4)
#error "asm/msr-index.h: a name is missing (names 541..600)"
#endif
#if !defined(MSR_IDT_MCR5) || !defined(MSR_IDT_MCR6) \
    || !defined(MSR_IDT_MCR7) || !defined(MSR_IDT_MCR_CTRL) \
    || !defined(MSR_VIA_FCR) || !defined(MSR_VIA_LONGHAUL) \
    || !defined(MSR_VIA_RNG) || !defined(MSR_VIA_BCR2) \
    || !defined(MSR_TMTA_LONGRUN_CTRL) || !defined(MSR_TMTA_LONGRUN_FLAGS) \
    || !defined(MSR_TMTA_LRTI_READOUT) || !defined(MSR_TMTA_LRTI_VOLT_MHZ) \
    || !defined(MSR_IA32_P5_MC_ADDR) || !defined(MSR_IA32_P5_MC_TYPE) \
    || !defined(MSR_IA32_TSC) || !defined(MSR_IA32_PLATFORM_ID) \
    || !defined(MSR_IA32_EBL_CR_POWERON) || !defined(MSR_EBC_FREQUENCY_ID) \
    || !defined(MSR_SMI_COUNT) || !defined(MSR_IA32_FEAT_CTL) \
    || !defined(FEAT_CTL_LOCKED) \
    || !defined(FEAT_CTL_VMX_ENABLED_INSIDE_SMX) \
    || !defined(FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX) \
    || !defined(FEAT_CTL_SGX_LC_ENABLED) || !defined(FEAT_CTL_SGX_ENABLED) \
    || !defined(FEAT_CTL_LMCE_ENABLED) || !defined(MSR_IA32_TSC_ADJUST) \
    || !defined(MSR_IA32_BNDCFGS) || !defined(MSR_IA32_BNDCFGS_RSVD) \
    || !defined(MSR_IA32_XFD) || !defined(MSR_IA32_XFD_ERR) \
    || !defined(MSR_IA32_XSS) || !defined(MSR_IA32_APICBASE) \
    || !defined(MSR_IA32_APICBASE_BSP) || !defined(MSR_IA32_APICBASE_ENABLE) \
    || !defined(MSR_IA32_APICBASE_BASE) || !defined(MSR_IA32_UCODE_WRITE) \
    || !defined(MSR_IA32_UCODE_REV) || !defined(MSR_IA32_SGXLEPUBKEYHASH0) \
    || !defined(MSR_IA32_SGXLEPUBKEYHASH1) \
    || !defined(MSR_IA32_SGXLEPUBKEYHASH2) \
    || !defined(MSR_IA32_SGXLEPUBKEYHASH3) \
    || !defined(MSR_IA32_SMM_MONITOR_CTL) || !defined(MSR_IA32_SMBASE) \
    || !defined(MSR_IA32_PERF_STATUS) || !defined(MSR_IA32_PERF_CTL) \
    || !defined(INTEL_PERF_CTL_MASK) || !defined(MSR_AMD_DBG_EXTN_CFG) \
    || !defined(MSR_AMD_SAMP_BR_FROM) || !defined(DBG_EXTN_CFG_LBRV2EN) \
    || !defined(MSR_IA32_MPERF) || !defined(MSR_IA32_APERF) \
    || !defined(MSR_IA32_THERM_CONTROL) \
    || !defined(MSR_IA32_THERM_INTERRUPT) || !defined(THERM_INT_HIGH_ENABLE) \
    || !defined(THERM_INT_LOW_ENABLE) || !defined(THERM_INT_PLN_ENABLE) \
    || !defined(MSR_IA32_THERM_STATUS) || !defined(THERM_STATUS_PROCHOT) \
    || !defined(THERM_STATUS_POWER_LIMIT)
#error "asm/msr-index.h: a name is missing (names 601..660)"
#endif
#if !defined(MSR_THERM2_CTL) || !defined(MSR_THERM2_CTL_TM_SELECT) \
    || !defined(MSR_IA32_MISC_ENABLE) \
    || !defined(MSR_IA32_TEMPERATURE_TARGET) \
    || !defined(MSR_MISC_FEATURE_CONTROL) || !defined(MSR_MISC_PWR_MGMT) \
    || !defined(MSR_IA32_ENERGY_PERF_BIAS) \
    || !defined(ENERGY_PERF_BIAS_PERFORMANCE) \
    || !defined(ENERGY_PERF_BIAS_BALANCE_PERFORMANCE) \
    || !defined(ENERGY_PERF_BIAS_NORMAL) \
    || !defined(ENERGY_PERF_BIAS_NORMAL_POWERSAVE) \
    || !defined(ENERGY_PERF_BIAS_BALANCE_POWERSAVE) \
    || !defined(ENERGY_PERF_BIAS_POWERSAVE) \
    || !defined(MSR_IA32_PACKAGE_THERM_STATUS) \
    || !defined(PACKAGE_THERM_STATUS_PROCHOT) \
    || !defined(PACKAGE_THERM_STATUS_POWER_LIMIT) \
    || !defined(PACKAGE_THERM_STATUS_HFI_UPDATED) \
    || !defined(MSR_IA32_PACKAGE_THERM_INTERRUPT) \
    || !defined(PACKAGE_THERM_INT_HIGH_ENABLE) \
    || !defined(PACKAGE_THERM_INT_LOW_ENABLE) \
    || !defined(PACKAGE_THERM_INT_PLN_ENABLE) \
    || !defined(PACKAGE_THERM_INT_HFI_ENABLE) \
    || !defined(THERM_INT_THRESHOLD0_ENABLE) \
    || !defined(THERM_SHIFT_THRESHOLD0) || !defined(THERM_MASK_THRESHOLD0) \
    || !defined(THERM_INT_THRESHOLD1_ENABLE) \
    || !defined(THERM_SHIFT_THRESHOLD1) || !defined(THERM_MASK_THRESHOLD1) \
    || !defined(THERM_STATUS_THRESHOLD0) || !defined(THERM_LOG_THRESHOLD0) \
    || !defined(THERM_STATUS_THRESHOLD1) || !defined(THERM_LOG_THRESHOLD1) \
    || !defined(MSR_IA32_MISC_ENABLE_FAST_STRING_BIT) \
    || !defined(MSR_IA32_MISC_ENABLE_FAST_STRING) \
    || !defined(MSR_IA32_MISC_ENABLE_TCC_BIT) \
    || !defined(MSR_IA32_MISC_ENABLE_TCC) \
    || !defined(MSR_IA32_MISC_ENABLE_EMON_BIT) \
    || !defined(MSR_IA32_MISC_ENABLE_EMON) \
    || !defined(MSR_IA32_MISC_ENABLE_BTS_UNAVAIL_BIT) \
    || !defined(MSR_IA32_MISC_ENABLE_BTS_UNAVAIL) \
    || !defined(MSR_IA32_MISC_ENABLE_PEBS_UNAVAIL_BIT) \
    || !defined(MSR_IA32_MISC_ENABLE_PEBS_UNAVAIL) \
    || !defined(MSR_IA32_MISC_ENABLE_ENHANCED_SPEEDSTEP_BIT) \
    || !defined(MSR_IA32_MISC_ENABLE_ENHANCED_SPEEDSTEP) \
    || !defined(MSR_IA32_MISC_ENABLE_MWAIT_BIT) \
    || !defined(MSR_IA32_MISC_ENABLE_MWAIT) \
    || !defined(MSR_IA32_MISC_ENABLE_LIMIT_CPUID_BIT) \
    || !defined(MSR_IA32_MISC_ENABLE_LIMIT_CPUID) \
    || !defined(MSR_IA32_MISC_ENABLE_XTPR_DISABLE_BIT) \
    || !defined(MSR_IA32_MISC_ENABLE_XTPR_DISABLE) \
    || !defined(MSR_IA32_MISC_ENABLE_XD_DISABLE_BIT) \
    || !defined(MSR_IA32_MISC_ENABLE_XD_DISABLE) \
    || !defined(MSR_IA32_MISC_ENABLE_X87_COMPAT_BIT) \
    || !defined(MSR_IA32_MISC_ENABLE_X87_COMPAT) \
    || !defined(MSR_IA32_MISC_ENABLE_TM1_BIT) \
    || !defined(MSR_IA32_MISC_ENABLE_TM1) \
    || !defined(MSR_IA32_MISC_ENABLE_SPLIT_LOCK_DISABLE_BIT) \
    || !defined(MSR_IA32_MISC_ENABLE_SPLIT_LOCK_DISABLE) \
    || !defined(MSR_IA32_MISC_ENABLE_L3CACHE_DISABLE_BIT) \
    || !defined(MSR_IA32_MISC_ENABLE_L3CACHE_DISABLE)
#error "asm/msr-index.h: a name is missing (names 661..720)"
#endif
#if !defined(MSR_IA32_MISC_ENABLE_SUPPRESS_LOCK_BIT) \
    || !defined(MSR_IA32_MISC_ENABLE_SUPPRESS_LOCK) \
    || !defined(MSR_IA32_MISC_ENABLE_PREFETCH_DISABLE_BIT) \
    || !defined(MSR_IA32_MISC_ENABLE_PREFETCH_DISABLE) \
    || !defined(MSR_IA32_MISC_ENABLE_FERR_BIT) \
    || !defined(MSR_IA32_MISC_ENABLE_FERR) \
    || !defined(MSR_IA32_MISC_ENABLE_FERR_MULTIPLEX_BIT) \
    || !defined(MSR_IA32_MISC_ENABLE_FERR_MULTIPLEX) \
    || !defined(MSR_IA32_MISC_ENABLE_TM2_BIT) \
    || !defined(MSR_IA32_MISC_ENABLE_TM2) \
    || !defined(MSR_IA32_MISC_ENABLE_ADJ_PREF_DISABLE_BIT) \
    || !defined(MSR_IA32_MISC_ENABLE_ADJ_PREF_DISABLE) \
    || !defined(MSR_IA32_MISC_ENABLE_SPEEDSTEP_LOCK_BIT) \
    || !defined(MSR_IA32_MISC_ENABLE_SPEEDSTEP_LOCK) \
    || !defined(MSR_IA32_MISC_ENABLE_L1D_CONTEXT_BIT) \
    || !defined(MSR_IA32_MISC_ENABLE_L1D_CONTEXT) \
    || !defined(MSR_IA32_MISC_ENABLE_DCU_PREF_DISABLE_BIT) \
    || !defined(MSR_IA32_MISC_ENABLE_DCU_PREF_DISABLE) \
    || !defined(MSR_IA32_MISC_ENABLE_TURBO_DISABLE_BIT) \
    || !defined(MSR_IA32_MISC_ENABLE_TURBO_DISABLE) \
    || !defined(MSR_IA32_MISC_ENABLE_IP_PREF_DISABLE_BIT) \
    || !defined(MSR_IA32_MISC_ENABLE_IP_PREF_DISABLE) \
    || !defined(MSR_MISC_FEATURES_ENABLES) \
    || !defined(MSR_MISC_FEATURES_ENABLES_CPUID_FAULT_BIT) \
    || !defined(MSR_MISC_FEATURES_ENABLES_CPUID_FAULT) \
    || !defined(MSR_MISC_FEATURES_ENABLES_RING3MWAIT_BIT) \
    || !defined(MSR_IA32_TSC_DEADLINE) || !defined(MSR_TSX_FORCE_ABORT) \
    || !defined(MSR_TFA_RTM_FORCE_ABORT_BIT) \
    || !defined(MSR_TFA_RTM_FORCE_ABORT) \
    || !defined(MSR_TFA_TSX_CPUID_CLEAR_BIT) \
    || !defined(MSR_TFA_TSX_CPUID_CLEAR) \
    || !defined(MSR_TFA_SDV_ENABLE_RTM_BIT) \
    || !defined(MSR_TFA_SDV_ENABLE_RTM) || !defined(MSR_IA32_MCG_EAX) \
    || !defined(MSR_IA32_MCG_EBX) || !defined(MSR_IA32_MCG_ECX) \
    || !defined(MSR_IA32_MCG_EDX) || !defined(MSR_IA32_MCG_ESI) \
    || !defined(MSR_IA32_MCG_EDI) || !defined(MSR_IA32_MCG_EBP) \
    || !defined(MSR_IA32_MCG_ESP) || !defined(MSR_IA32_MCG_EFLAGS) \
    || !defined(MSR_IA32_MCG_EIP) || !defined(MSR_IA32_MCG_RESERVED) \
    || !defined(MSR_P4_BPU_PERFCTR0) || !defined(MSR_P4_BPU_PERFCTR1) \
    || !defined(MSR_P4_BPU_PERFCTR2) || !defined(MSR_P4_BPU_PERFCTR3) \
    || !defined(MSR_P4_MS_PERFCTR0) || !defined(MSR_P4_MS_PERFCTR1) \
    || !defined(MSR_P4_MS_PERFCTR2) || !defined(MSR_P4_MS_PERFCTR3) \
    || !defined(MSR_P4_FLAME_PERFCTR0) || !defined(MSR_P4_FLAME_PERFCTR1) \
    || !defined(MSR_P4_FLAME_PERFCTR2) || !defined(MSR_P4_FLAME_PERFCTR3) \
    || !defined(MSR_P4_IQ_PERFCTR0) || !defined(MSR_P4_IQ_PERFCTR1) \
    || !defined(MSR_P4_IQ_PERFCTR2)
#error "asm/msr-index.h: a name is missing (names 721..780)"
#endif
#if !defined(MSR_P4_IQ_PERFCTR3) || !defined(MSR_P4_IQ_PERFCTR4) \
    || !defined(MSR_P4_IQ_PERFCTR5) || !defined(MSR_P4_BPU_CCCR0) \
    || !defined(MSR_P4_BPU_CCCR1) || !defined(MSR_P4_BPU_CCCR2) \
    || !defined(MSR_P4_BPU_CCCR3) || !defined(MSR_P4_MS_CCCR0) \
    || !defined(MSR_P4_MS_CCCR1) || !defined(MSR_P4_MS_CCCR2) \
    || !defined(MSR_P4_MS_CCCR3) || !defined(MSR_P4_FLAME_CCCR0) \
    || !defined(MSR_P4_FLAME_CCCR1) || !defined(MSR_P4_FLAME_CCCR2) \
    || !defined(MSR_P4_FLAME_CCCR3) || !defined(MSR_P4_IQ_CCCR0) \
    || !defined(MSR_P4_IQ_CCCR1) || !defined(MSR_P4_IQ_CCCR2) \
    || !defined(MSR_P4_IQ_CCCR3) || !defined(MSR_P4_IQ_CCCR4) \
    || !defined(MSR_P4_IQ_CCCR5) || !defined(MSR_P4_ALF_ESCR0) \
    || !defined(MSR_P4_ALF_ESCR1) || !defined(MSR_P4_BPU_ESCR0) \
    || !defined(MSR_P4_BPU_ESCR1) || !defined(MSR_P4_BSU_ESCR0) \
    || !defined(MSR_P4_BSU_ESCR1) || !defined(MSR_P4_CRU_ESCR0) \
    || !defined(MSR_P4_CRU_ESCR1) || !defined(MSR_P4_CRU_ESCR2) \
    || !defined(MSR_P4_CRU_ESCR3) || !defined(MSR_P4_CRU_ESCR4) \
    || !defined(MSR_P4_CRU_ESCR5) || !defined(MSR_P4_DAC_ESCR0) \
    || !defined(MSR_P4_DAC_ESCR1) || !defined(MSR_P4_FIRM_ESCR0) \
    || !defined(MSR_P4_FIRM_ESCR1) || !defined(MSR_P4_FLAME_ESCR0) \
    || !defined(MSR_P4_FLAME_ESCR1) || !defined(MSR_P4_FSB_ESCR0) \
    || !defined(MSR_P4_FSB_ESCR1) || !defined(MSR_P4_IQ_ESCR0) \
    || !defined(MSR_P4_IQ_ESCR1) || !defined(MSR_P4_IS_ESCR0) \
    || !defined(MSR_P4_IS_ESCR1) || !defined(MSR_P4_ITLB_ESCR0) \
    || !defined(MSR_P4_ITLB_ESCR1) || !defined(MSR_P4_IX_ESCR0) \
    || !defined(MSR_P4_IX_ESCR1) || !defined(MSR_P4_MOB_ESCR0) \
    || !defined(MSR_P4_MOB_ESCR1) || !defined(MSR_P4_MS_ESCR0) \
    || !defined(MSR_P4_MS_ESCR1) || !defined(MSR_P4_PMH_ESCR0) \
    || !defined(MSR_P4_PMH_ESCR1) || !defined(MSR_P4_RAT_ESCR0) \
    || !defined(MSR_P4_RAT_ESCR1) || !defined(MSR_P4_SAAT_ESCR0) \
    || !defined(MSR_P4_SAAT_ESCR1) || !defined(MSR_P4_SSU_ESCR0)
#error "asm/msr-index.h: a name is missing (names 781..840)"
#endif
#if !defined(MSR_P4_SSU_ESCR1) || !defined(MSR_P4_TBPU_ESCR0) \
    || !defined(MSR_P4_TBPU_ESCR1) || !defined(MSR_P4_TC_ESCR0) \
    || !defined(MSR_P4_TC_ESCR1) || !defined(MSR_P4_U2L_ESCR0) \
    || !defined(MSR_P4_U2L_ESCR1) || !defined(MSR_P4_PEBS_MATRIX_VERT) \
    || !defined(MSR_CORE_PERF_FIXED_CTR0) \
    || !defined(MSR_CORE_PERF_FIXED_CTR1) \
    || !defined(MSR_CORE_PERF_FIXED_CTR2) \
    || !defined(MSR_CORE_PERF_FIXED_CTR3) \
    || !defined(MSR_CORE_PERF_FIXED_CTR_CTRL) \
    || !defined(MSR_CORE_PERF_GLOBAL_STATUS) \
    || !defined(MSR_CORE_PERF_GLOBAL_CTRL) \
    || !defined(MSR_CORE_PERF_GLOBAL_OVF_CTRL) || !defined(MSR_PERF_METRICS) \
    || !defined(MSR_CORE_PERF_GLOBAL_OVF_CTRL_TRACE_TOPA_PMI_BIT) \
    || !defined(MSR_CORE_PERF_GLOBAL_OVF_CTRL_TRACE_TOPA_PMI) \
    || !defined(MSR_CORE_PERF_GLOBAL_OVF_CTRL_OVF_BUF_BIT) \
    || !defined(MSR_CORE_PERF_GLOBAL_OVF_CTRL_OVF_BUF) \
    || !defined(MSR_CORE_PERF_GLOBAL_OVF_CTRL_COND_CHGD_BIT) \
    || !defined(MSR_CORE_PERF_GLOBAL_OVF_CTRL_COND_CHGD) \
    || !defined(MSR_GEODE_BUSCONT_CONF0) || !defined(MSR_IA32_VMX_BASIC) \
    || !defined(MSR_IA32_VMX_PINBASED_CTLS) \
    || !defined(MSR_IA32_VMX_PROCBASED_CTLS) \
    || !defined(MSR_IA32_VMX_EXIT_CTLS) || !defined(MSR_IA32_VMX_ENTRY_CTLS) \
    || !defined(MSR_IA32_VMX_MISC) || !defined(MSR_IA32_VMX_CR0_FIXED0) \
    || !defined(MSR_IA32_VMX_CR0_FIXED1) \
    || !defined(MSR_IA32_VMX_CR4_FIXED0) \
    || !defined(MSR_IA32_VMX_CR4_FIXED1) || !defined(MSR_IA32_VMX_VMCS_ENUM) \
    || !defined(MSR_IA32_VMX_PROCBASED_CTLS2) \
    || !defined(MSR_IA32_VMX_EPT_VPID_CAP) \
    || !defined(MSR_IA32_VMX_TRUE_PINBASED_CTLS) \
    || !defined(MSR_IA32_VMX_TRUE_PROCBASED_CTLS) \
    || !defined(MSR_IA32_VMX_TRUE_EXIT_CTLS) \
    || !defined(MSR_IA32_VMX_TRUE_ENTRY_CTLS) \
    || !defined(MSR_IA32_VMX_VMFUNC) \
    || !defined(MSR_IA32_VMX_PROCBASED_CTLS3) \
    || !defined(MSR_IA32_L3_QOS_CFG) || !defined(MSR_IA32_L2_QOS_CFG) \
    || !defined(MSR_IA32_QM_EVTSEL) || !defined(MSR_IA32_QM_CTR) \
    || !defined(MSR_IA32_PQR_ASSOC) || !defined(MSR_IA32_L3_CBM_BASE) \
    || !defined(MSR_RMID_SNC_CONFIG) || !defined(MSR_IA32_L2_CBM_BASE) \
    || !defined(MSR_IA32_MBA_THRTL_BASE) || !defined(MSR_IA32_MBA_BW_BASE) \
    || !defined(MSR_IA32_SMBA_BW_BASE) || !defined(MSR_IA32_EVT_CFG_BASE) \
    || !defined(MSR_VM_CR) || !defined(MSR_VM_IGNNE) \
    || !defined(MSR_VM_HSAVE_PA) || !defined(SVM_VM_CR_VALID_MASK) \
    || !defined(SVM_VM_CR_SVM_LOCK_MASK)
#error "asm/msr-index.h: a name is missing (names 841..900)"
#endif
#if !defined(SVM_VM_CR_SVM_DIS_MASK) || !defined(MSR_IA32_HW_FEEDBACK_PTR) \
    || !defined(MSR_IA32_HW_FEEDBACK_CONFIG) \
    || !defined(MSR_IA32_XAPIC_DISABLE_STATUS) \
    || !defined(LEGACY_XAPIC_DISABLED)
#error "asm/msr-index.h: a name is missing (names 901..905)"
#endif
