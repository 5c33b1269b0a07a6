// Model-specific registers of the CPU model (cpuid.ts documents the model).
// RDMSR/WRMSR of an MSR not listed here raises #GP(0) (SDM Vol. 4 intro).
// msr-kvm.ts holds the MSRs whose rules are KVM's. `host` marks a
// host-initiated access (the host API's getMsr/setMsr, as KVM_{GET,SET}_MSRS).
import {
  MSR_TSC, MSR_APIC_BASE, MSR_SYSENTER_CS, MSR_SYSENTER_ESP, MSR_SYSENTER_EIP, MSR_PAT, MSR_EFER, MSR_STAR, MSR_LSTAR,
  MSR_CSTAR, MSR_SFMASK, MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE, MSR_XSS,
} from '../arch/msr-index.js';
import { XSS_SUPPORTED } from '../arch/xsave.js';
import { CR0_PG, EFER_LMA, EFER_LME, EFER_WRITABLE } from '../arch/control-registers.js';
import { SEG_FS, SEG_GS } from '../arch/registers.js';
import type { ArchState } from './state.js';
import type { ExecContext } from './context.js';
import { syncPaging } from './control-registers.js';
import { KVM_MSR_RESET, readKvmMsr, writeKvmMsr, writeTsc, type MsrContext } from './msr-kvm.js';

export type { MsrContext };

/** MSRs that are plain storage, with their reset values. */
const PLAIN_MSRS: readonly (readonly [number, bigint])[] = [
  [MSR_SYSENTER_CS, 0n], [MSR_SYSENTER_ESP, 0n], [MSR_SYSENTER_EIP, 0n],
  [MSR_PAT, 0x0007040600070406n],
  [MSR_STAR, 0n], [MSR_LSTAR, 0n], [MSR_CSTAR, 0n], [MSR_SFMASK, 0n],
  [MSR_KERNEL_GS_BASE, 0n],
  [MSR_APIC_BASE, 0xfee00900n],
];

export function resetMsrs(s: ArchState): void {
  s.msrs.clear();
  for (const [k, v] of PLAIN_MSRS) s.msrs.set(k, v);
  for (const [k, v] of KVM_MSR_RESET) s.msrs.set(k, v);
}

/** Returns the value, or undefined when the read raises #GP(0) (an MSR the model lacks, or one the guest may not read). */
export function readMsr(s: MsrContext, index: number, host = false): bigint | undefined {
  switch (index) {
    // IA32_XSS exists with XSAVES (CPUID.(EAX=0DH,ECX=1):EAX[3]); no supervisor component: always 0
    case MSR_XSS: return s.features.has('xsaves') ? 0n : undefined;
    case MSR_TSC: return s.readTsc();
    case MSR_EFER: return BigInt(s.efer);
    case MSR_FS_BASE: return BigInt.asUintN(64, BigInt(s.segBase[SEG_FS]!));
    case MSR_GS_BASE: return BigInt.asUintN(64, BigInt(s.segBase[SEG_GS]!));
  }
  const kvm = readKvmMsr(s, index, host);
  return kvm === null ? s.msrs.get(index) : kvm;
}

/** An MSR's stored value for instruction and host-side reads that cannot fail (0 when absent; IA32_XSS is always 0). */
export function msrValue(s: ArchState, index: number): bigint {
  switch (index) {
    case MSR_TSC: return s.readTsc();
    case MSR_EFER: return BigInt(s.efer);
    case MSR_FS_BASE: return BigInt.asUintN(64, BigInt(s.segBase[SEG_FS]!));
    case MSR_GS_BASE: return BigInt.asUintN(64, BigInt(s.segBase[SEG_GS]!));
  }
  return s.msrs.get(index) ?? 0n;
}

const isCanonical64 = (v: bigint) => BigInt.asIntN(64, v) >= -(1n << 47n) && BigInt.asIntN(64, v) < (1n << 47n);

/** Writes the value with its effects; returns false when the write must raise #GP(0). */
export function writeMsr(c: ExecContext, index: number, value: bigint, host = false): boolean {
  switch (index) {
    case MSR_TSC:
      writeTsc(c, value, host);
      return true;
    case MSR_EFER: {
      if (value & ~BigInt(EFER_WRITABLE | EFER_LMA)) return false;
      if (c.cpuidTable && (Number(value & 0xffffffffn) & c.cpuidTable.reservedEfer())) return false; // the host's CPUID clears NX / LM / SYSCALL
      const v = Number(value);
      // LMA is read-only; LME may not change while paging is on (APM §3.1.7).
      if (((v ^ c.efer) & EFER_LME) && (c.cr0 & CR0_PG)) return false;
      c.efer = (v & EFER_WRITABLE) | (c.efer & EFER_LMA);
      syncPaging(c);
      return true;
    }
    case MSR_FS_BASE: case MSR_GS_BASE:
      if (!isCanonical64(value)) return false;
      c.segBase[index === MSR_FS_BASE ? SEG_FS : SEG_GS] = Number(BigInt.asIntN(64, value));
      return true;
    case MSR_LSTAR: case MSR_CSTAR: case MSR_KERNEL_GS_BASE:
      if (!isCanonical64(value)) return false;
      break;
    case MSR_SYSENTER_ESP: case MSR_SYSENTER_EIP:
      // AMD: 32-bit registers, bits 63:32 dropped (APM Vol. 2 §6.1.2; KVM's svm_set_msr). Intel: 64-bit
      // addresses, #GP(0) when non-canonical (SDM WRMSR); a host write is made canonical as KVM's __kvm_set_msr does.
      if (c.vendor === 'amd') value &= 0xffffffffn;
      else if (host) value = BigInt.asUintN(64, BigInt.asIntN(48, value));
      else if (!isCanonical64(value)) return false;
      break;
    case MSR_PAT:
      // Each byte must be a valid memory type: 0, 1, 4, 5, 6 or 7 (SDM §11.12.2).
      for (let b = 0n; b < 64n; b += 8n) { const t = (value >> b) & 0xffn; if (t === 2n || t === 3n || t > 7n) return false; }
      break;
    case MSR_XSS: return c.features.has('xsaves') && (value & ~BigInt(XSS_SUPPORTED)) === 0n; // any set bit: #GP(0)
    case MSR_SFMASK:
      if (value >> 32n) return false;
      break;
    default: {
      const kvm = writeKvmMsr(c, index, value, host);
      if (kvm !== null) return kvm;
      if (!c.msrs.has(index)) return false;
    }
  }
  c.msrs.set(index, value);
  return true;
}
