// What a KVM host decides about the MSRs and MONITOR/MWAIT of its guests: two
// of KVM's quirks (KVM_CAP_DISABLE_QUIRKS2; both enabled by default, as KVM)
// and KVM_CAP_MSR_PLATFORM_INFO. The rules that use them: msr-kvm.ts and
// exec/monitor.ts. The host changes them on `Cpu.kvm` before running.

/** Quirk numbers of KVM's uapi (arch/x86/include/uapi/asm/kvm.h), for hosts that speak in masks. */
export const KVM_X86_QUIRK_MISC_ENABLE_NO_MWAIT = 1 << 4;
export const KVM_X86_QUIRK_MWAIT_NEVER_UD_FAULTS = 1 << 6;

export class KvmControls {
  /**
   * KVM_X86_QUIRK_MISC_ENABLE_NO_MWAIT. On (default): IA32_MISC_ENABLE.MWAIT is
   * plain storage and CPUID.01H:ECX.MONITOR is what the host set. Off: a guest
   * write that toggles the bit needs SSE3 in CPUID (#GP otherwise) and
   * CPUID.01H:ECX.MONITOR follows the bit.
   */
  miscEnableNoMwait = true;
  /**
   * KVM_X86_QUIRK_MWAIT_NEVER_UD_FAULTS. On (default): MONITOR/MWAIT at CPL 0 are
   * NOPs whatever CPUID says. Off: #UD when they are not enabled (CPUID.MONITOR
   * with the quirk above on, else IA32_MISC_ENABLE.MWAIT).
   */
  mwaitNeverUdFaults = true;
  /** KVM_CAP_MSR_PLATFORM_INFO (default on): the guest may read MSR_PLATFORM_INFO; off, RDMSR of it is #GP(0). */
  platformInfoReadable = true;

  /** KVM_CAP_DISABLE_QUIRKS2 with a mask of the quirk numbers above (other quirks: no effect here). */
  disableQuirks(mask: number): void {
    if (mask & KVM_X86_QUIRK_MISC_ENABLE_NO_MWAIT) this.miscEnableNoMwait = false;
    if (mask & KVM_X86_QUIRK_MWAIT_NEVER_UD_FAULTS) this.mwaitNeverUdFaults = false;
  }
}
