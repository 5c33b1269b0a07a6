// A VM's userspace-MSR policy (KVM_CAP_X86_USER_SPACE_MSR and KVM_X86_SET_MSR_FILTER):
// which exits the host asked for and the MSR filter. The rules that use it: host-calls.ts.

export type MsrExitWhy = 'unknown' | 'invalid' | 'filter';

/** One compiled filter range: MSRs [base, base + count); a null bitmap means the range does not filter that direction. */
export interface MsrFilterRangeBits {
  base: number;
  count: number;
  read: Uint8Array | null;
  write: Uint8Array | null;
}

/** A VM's MSR policy, shared by its vCPUs: which exits the host wants, and the filter (null: every access allowed). */
export class MsrPolicy {
  exitUnknown = false;
  exitInvalid = false;
  exitFilter = false;
  filter: { defaultAllow: boolean; ranges: readonly MsrFilterRangeBits[] } | null = null;

  /** kvm_msr_allowed (arch/x86/kvm/x86.c). */
  allowed(index: number, write: boolean): boolean {
    const f = this.filter;
    if (f === null) return true;
    if (index >= 0x800 && index <= 0x8ff) return true; // x2APIC MSRs are never filtered
    for (const r of f.ranges) {
      const bits = write ? r.write : r.read;
      if (bits === null || index < r.base || index - r.base >= r.count) continue;
      const bit = index - r.base;
      return ((bits[bit >>> 3] ?? 0) >> (bit & 7) & 1) === 1;
    }
    return f.defaultAllow;
  }
}

