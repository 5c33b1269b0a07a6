// The MSRs whose rules are KVM's (arch/x86/kvm/x86.c, kvm_{get,set}_msr_common),
// as a guest under KVM sees them on both vendor models: IA32_MISC_ENABLE,
// MSR_PLATFORM_INFO, MSR_MISC_FEATURES_ENABLES (CPUID faulting),
// IA32_TSC_ADJUST and TSC_AUX. `host` marks a host-initiated access
// (KVM_{GET,SET}_MSRS), which skips the guest's checks as KVM does.
import {
  MSR_MISC_ENABLE, MSR_PLATFORM_INFO, MSR_MISC_FEATURES_ENABLES, MSR_TSC_ADJUST, MSR_TSC_AUX,
  MISC_ENABLE_BTS_UNAVAIL, MISC_ENABLE_PEBS_UNAVAIL, MISC_ENABLE_EMON, MISC_ENABLE_MWAIT,
  PLATFORM_INFO_CPUID_FAULT, MISC_FEATURES_CPUID_FAULT,
} from '../arch/msr-index.js';
import type { ArchState } from './state.js';
import type { ExecContext } from './context.js';

/** What these rules read of the vCPU. */
export type MsrContext = ArchState & Pick<ExecContext, 'features' | 'vendor' | 'cpuidTable' | 'kvm'>;

/** IA32_MISC_ENABLE at reset: BTS and PEBS unavailable (KVM's kvm_vcpu_reset). */
export const MISC_ENABLE_RESET = MISC_ENABLE_BTS_UNAVAIL | MISC_ENABLE_PEBS_UNAVAIL;
/** Bits a guest may not change (#GP), and bits whose writes are ignored (KVM's MISC_ENABLE_PMU_RO_MASK, EMON). */
const MISC_ENABLE_RO = MISC_ENABLE_BTS_UNAVAIL | MISC_ENABLE_PEBS_UNAVAIL;
/** MSR_PLATFORM_INFO at creation: CPUID faulting supported (KVM's kvm_arch_vcpu_create). */
export const PLATFORM_INFO_RESET = PLATFORM_INFO_CPUID_FAULT;

/** The MSRs of this file with their reset values (stored in ArchState.msrs). */
export const KVM_MSR_RESET: readonly (readonly [number, bigint])[] = [
  [MSR_MISC_ENABLE, MISC_ENABLE_RESET], [MSR_PLATFORM_INFO, PLATFORM_INFO_RESET],
  [MSR_MISC_FEATURES_ENABLES, 0n], [MSR_TSC_ADJUST, 0n], [MSR_TSC_AUX, 0n],
];

const stored = (s: ArchState, index: number) => s.msrs.get(index) ?? 0n;

/** TSC_AUX exists for the guest when CPUID reports RDTSCP or RDPID (KVM). */
const hasTscAux = (s: MsrContext) => s.features.has('rdtscp') || s.features.has('rdpid');

/** CPUID.(EAX=07H,ECX=0):EBX.TSC_ADJUST[bit 1] of the guest's CPUID (the model reports it). */
const hasTscAdjust = (s: MsrContext) => s.cpuidTable === null || s.cpuidTable.has([7, 'ebx', 1]);

/** CPUID faulting is on: CPUID above CPL 0 raises #GP(0) (SDM Vol. 4 MSR_MISC_FEATURES_ENABLES). */
export const cpuidFaulting = (s: ArchState) => (stored(s, MSR_MISC_FEATURES_ENABLES) & MISC_FEATURES_CPUID_FAULT) !== 0n;

/** Whether IA32_MISC_ENABLE enables MONITOR/MWAIT. */
export const miscEnableMwait = (s: ArchState) => (stored(s, MSR_MISC_ENABLE) & MISC_ENABLE_MWAIT) !== 0n;

/** A read of one of these MSRs: its value, undefined for #GP(0), or null when the index is not one of them. */
export function readKvmMsr(s: MsrContext, index: number, host: boolean): bigint | undefined | null {
  switch (index) {
    case MSR_PLATFORM_INFO:
      return host || s.kvm.platformInfoReadable ? stored(s, index) : undefined;
    case MSR_TSC_AUX:
      return host || hasTscAux(s) ? stored(s, index) : undefined;
    case MSR_MISC_ENABLE: case MSR_MISC_FEATURES_ENABLES: case MSR_TSC_ADJUST:
      return stored(s, index); // KVM reads TSC_ADJUST whatever CPUID says
  }
  return null;
}

/** A write: true done, false for #GP(0), null when the index is not one of them. */
export function writeKvmMsr(s: MsrContext, index: number, value: bigint, host: boolean): boolean | null {
  switch (index) {
    case MSR_MISC_ENABLE: {
      const old = stored(s, index);
      if (!host) {
        if ((old ^ value) & MISC_ENABLE_RO) return false;
        value = (value & ~MISC_ENABLE_EMON) | (old & MISC_ENABLE_EMON);
      }
      // With KVM_X86_QUIRK_MISC_ENABLE_NO_MWAIT off the bit drives CPUID.MONITOR, and needs SSE3.
      if (!s.kvm.miscEnableNoMwait && ((old ^ value) & MISC_ENABLE_MWAIT) && !s.features.has('sse3')) return false;
      break;
    }
    case MSR_PLATFORM_INFO:
      // Only the host writes it; it may not withdraw CPUID faulting while the guest uses it.
      if (!host || (!(value & PLATFORM_INFO_CPUID_FAULT) && cpuidFaulting(s))) return false;
      break;
    case MSR_MISC_FEATURES_ENABLES:
      if (value & ~MISC_FEATURES_CPUID_FAULT) return false;
      if ((value & MISC_FEATURES_CPUID_FAULT) && !(stored(s, MSR_PLATFORM_INFO) & PLATFORM_INFO_CPUID_FAULT)) return false;
      break;
    case MSR_TSC_ADJUST:
      if (!hasTscAdjust(s)) return true; // KVM drops the write without the feature
      // SDM Vol. 3B §18.17.3: a write adds (new - old) to the TSC; the host's write only sets the value.
      if (!host) s.tscOffset += Number(BigInt.asIntN(64, value - stored(s, index)));
      break;
    case MSR_TSC_AUX:
      if (!host && !hasTscAux(s)) return false;
      // Intel: bits 63:32 reserved (SDM); AMD ignores them, reading zeros (as KVM models both).
      if (s.vendor === 'intel' && value >> 32n) return false;
      value &= 0xffffffffn;
      break;
    default:
      return null;
  }
  s.msrs.set(index, value);
  return true;
}

/** A write to IA32_TSC: the guest's also moves IA32_TSC_ADJUST by the same amount (SDM Vol. 3B §18.17.3). */
export function writeTsc(s: ArchState, value: bigint, host: boolean): void {
  const offset = BigInt.asIntN(64, value - BigInt(s.instructions));
  if (!host) s.msrs.set(MSR_TSC_ADJUST, BigInt.asUintN(64, stored(s, MSR_TSC_ADJUST) + offset - BigInt(s.tscOffset)));
  s.tscOffset = Number(offset);
}
