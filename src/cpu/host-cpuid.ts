// CPUID as the host sets it (KVM_SET_CPUID2): a table of leaves the guest's
// CPUID returns, and which the CPU honours — an instruction feature whose bit
// is clear raises #UD, and the CR4/EFER bits of a cleared system feature are
// reserved (#GP on MOV CR4 / WRMSR). Without a host table the model's CPUID
// (cpuid.ts) stands. As KVM, the OSXSAVE and OSPKE bits follow CR4 at run time.
import {
  CR4_DE, CR4_PSE, CR4_PAE, CR4_MCE, CR4_PGE, CR4_OSFXSR, CR4_OSXMMEXCPT, CR4_UMIP, CR4_PCIDE, CR4_SMEP, CR4_TSD, CR4_PCE,
  CR4_OSXSAVE, CR4_PKE, EFER_NXE, EFER_LME, EFER_SCE,
} from '../arch/control-registers.js';
import { FEATURES, FEATURE_NAMES, type CpuidRegister, type FeatureName } from '../isa/features.js';
import { cpuid, ALL_TABLE_FEATURES, REG_INDEX, SYSTEM_BITS, type CpuidBit, type CpuModel } from './cpuid.js';
import type { ArchState } from './state.js';

/** One leaf of the table (KVM's struct kvm_cpuid_entry2, without flags). */
export interface CpuidEntry {
  leaf: number;
  subleaf: number;
  eax: number;
  ebx: number;
  ecx: number;
  edx: number;
}

type Bit = CpuidBit;
const bitOf = (f: FeatureName): Bit => [FEATURES[f].leaf, FEATURES[f].reg, FEATURES[f].bit];

/** CR4 bits and the CPUID bit that must be set for them (SDM Vol. 3A §2.5, CPUID). */
const CR4_FEATURE_BITS: readonly (readonly [number, Bit])[] = [
  [CR4_DE, SYSTEM_BITS.DE], [CR4_PSE, SYSTEM_BITS.PSE], [CR4_PAE, SYSTEM_BITS.PAE], [CR4_MCE, SYSTEM_BITS.MCE],
  [CR4_PGE, SYSTEM_BITS.PGE], [CR4_TSD, bitOf('tsc')], [CR4_PCE, bitOf('fpu')],
  [CR4_OSFXSR, bitOf('fxsr')], [CR4_OSXMMEXCPT, bitOf('sse')],
  [CR4_PCIDE, SYSTEM_BITS.PCID], [CR4_SMEP, SYSTEM_BITS.SMEP], [CR4_UMIP, SYSTEM_BITS.UMIP],
];
/** EFER bits and their CPUID bits (APM Vol. 2 §3.1.7). */
const EFER_FEATURE_BITS: readonly (readonly [number, Bit])[] = [
  [EFER_NXE, SYSTEM_BITS.NX], [EFER_LME, SYSTEM_BITS.LM], [EFER_SCE, bitOf('syscall')],
];

/** Leaves whose subleaf selects the data (others ignore ECX). */
const INDEXED = new Set([4, 7, 0xb, 0xd, 0xf, 0x10, 0x12, 0x14, 0x17, 0x18, 0x1d, 0x1e, 0x1f, 0x20, 0x23, 0x24, 0x8000001d, 0x80000020]);

const key = (leaf: number, subleaf: number) => `${leaf >>> 0}:${INDEXED.has(leaf >>> 0) ? subleaf >>> 0 : 0}`;

export class HostCpuid {
  private readonly leaves = new Map<string, [number, number, number, number]>();
  readonly entries: readonly CpuidEntry[];

  constructor(entries: readonly CpuidEntry[]) {
    for (const e of entries) {
      for (const v of [e.leaf, e.subleaf, e.eax, e.ebx, e.ecx, e.edx]) {
        if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 32) throw new RangeError(`CPUID entry ${JSON.stringify(e)}: values are 32-bit integers`);
      }
      this.leaves.set(key(e.leaf, e.subleaf), [e.eax | 0, e.ebx | 0, e.ecx | 0, e.edx | 0]);
    }
    this.entries = entries.map((e) => ({ ...e }));
  }

  has([leaf, reg, bit]: Bit): boolean {
    const v = this.leaves.get(key(leaf, 0));
    return v !== undefined && ((v[REG_INDEX[reg]]! >>> bit) & 1) === 1;
  }

  /** The instruction features the guest sees: those the table reports and the emulator has rows for. */
  features(): Set<FeatureName> {
    return new Set(FEATURE_NAMES.filter((n) => ALL_TABLE_FEATURES.has(n) && this.has(bitOf(n))));
  }

  /** What the guest's CPUID returns: the entry, else zeros (a leaf the host did not set). */
  lookup(s: ArchState, leaf: number, subleaf: number): [number, number, number, number] {
    const v = this.leaves.get(key(leaf, subleaf));
    if (!v) return [0, 0, 0, 0];
    const out: [number, number, number, number] = [v[0], v[1], v[2], v[3]];
    // OSXSAVE (1.ECX[27]) and OSPKE (7.ECX[4]) mirror CR4 (KVM's kvm_update_cpuid_runtime).
    if ((leaf >>> 0) === 1) out[2] = (out[2] & ~(1 << 27)) | (this.has(bitOf('xsave')) && (s.cr4 & CR4_OSXSAVE) ? 1 << 27 : 0);
    if ((leaf >>> 0) === 7 && (subleaf >>> 0) === 0) out[2] = (out[2] & ~(1 << 4)) | (this.has(bitOf('pku')) && (s.cr4 & CR4_PKE) ? 1 << 4 : 0);
    return out;
  }

  /** CR4 bits whose feature the table clears (reserved for this guest). */
  reservedCr4(): number {
    let r = 0;
    for (const [bit, f] of CR4_FEATURE_BITS) if (!this.has(f)) r |= bit;
    return r;
  }

  /** CPUID.80000001H:EDX[26] (Page1GB): whether PS in a PDPTE maps a 1 GiB page or is reserved. */
  gbPages(): boolean { return this.has(SYSTEM_BITS.PAGE1GB); }

  /** CPUID.0DH.0 EAX: the XCR0 bits XSETBV may set (a missing leaf: none). */
  xcr0Bits(): number { return this.leaves.get(key(0xd, 0))?.[0] ?? 0; }

  reservedEfer(): number {
    let r = 0;
    for (const [bit, f] of EFER_FEATURE_BITS) if (!this.has(f)) r |= bit;
    return r;
  }
}

/** The leaves of the model's CPUID (KVM_GET_SUPPORTED_CPUID): a starting point for the host's table. */
export function modelCpuid(model: CpuModel & ArchState): CpuidEntry[] {
  const out: CpuidEntry[] = [];
  const add = (leaf: number, subleaf: number) => {
    const [eax, ebx, ecx, edx] = cpuid(model, leaf, subleaf);
    out.push({ leaf, subleaf, eax: eax >>> 0, ebx: ebx >>> 0, ecx: ecx >>> 0, edx: edx >>> 0 });
  };
  const maxBasic = cpuid(model, 0, 0)[0] >>> 0;
  for (let l = 0; l <= maxBasic; l++) {
    if (l === 0xd) { add(l, 0); add(l, 1); } else add(l, 0);
  }
  const maxExt = cpuid(model, 0x80000000, 0)[0] >>> 0;
  for (let l = 0x80000000; l <= maxExt; l++) add(l, 0);
  return out;
}
