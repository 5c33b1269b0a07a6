// MSR numbers (SDM Vol. 4; APM Vol. 2 Appendix A).
export const MSR_TSC = 0x10;
export const MSR_APIC_BASE = 0x1b;
export const MSR_TSC_ADJUST = 0x3b;
export const MSR_PLATFORM_INFO = 0xce;
export const MSR_MISC_FEATURES_ENABLES = 0x140;
export const MSR_SYSENTER_CS = 0x174, MSR_SYSENTER_ESP = 0x175, MSR_SYSENTER_EIP = 0x176;
export const MSR_MISC_ENABLE = 0x1a0;
export const MSR_PAT = 0x277;
/** IA32_XSS: the supervisor state components XSAVES/XRSTORS manage (SDM Vol. 1 §13.3). */
export const MSR_XSS = 0xda0;
export const MSR_EFER = 0xc0000080;
export const MSR_STAR = 0xc0000081, MSR_LSTAR = 0xc0000082, MSR_CSTAR = 0xc0000083, MSR_SFMASK = 0xc0000084;
export const MSR_FS_BASE = 0xc0000100, MSR_GS_BASE = 0xc0000101, MSR_KERNEL_GS_BASE = 0xc0000102, MSR_TSC_AUX = 0xc0000103;

// IA32_MISC_ENABLE bits (SDM Vol. 4 Table 2-2; the names of Linux's msr-index.h).
export const MISC_ENABLE_FAST_STRING = 1n << 0n;
export const MISC_ENABLE_EMON = 1n << 7n;
export const MISC_ENABLE_BTS_UNAVAIL = 1n << 11n;
export const MISC_ENABLE_PEBS_UNAVAIL = 1n << 12n;
/** ENABLE MONITOR FSM: MONITOR/MWAIT enabled; CPUID.01H:ECX.MONITOR reflects it (SDM Vol. 4 Table 2-2). */
export const MISC_ENABLE_MWAIT = 1n << 18n;

/** MSR_PLATFORM_INFO bit 31: CPUID faulting is supported (MSR_MISC_FEATURES_ENABLES bit 0 enables it). */
export const PLATFORM_INFO_CPUID_FAULT = 1n << 31n;
/** MSR_PLATFORM_INFO bits 15:8: the maximum non-turbo ratio. */
export const PLATFORM_INFO_MAX_TURBO_RATIO = 0xff00n;
/** MSR_MISC_FEATURES_ENABLES bit 0: CPUID at CPL > 0 raises #GP(0). */
export const MISC_FEATURES_CPUID_FAULT = 1n << 0n;
