// The CPU model's CPUID: a "ringzero virtual x86-64 CPU" with the vendor
// string and family of the vCPU's vendor model (arch/vendor.ts; undefined
// flags follow AMD in both models, docs/cpu-model.md). Instruction features
// are derived from the opcode table: a feature is reported exactly when the
// table implements every one of its instructions (isa/features.ts), so the CPU
// never reports an instruction it lacks. The system features below are those
// the MMU and the system code implement.
import { CR4_OSXSAVE, CR4_PKE } from '../arch/control-registers.js';
import { XCR0_SUPPORTED, XSAVE_AREA_SIZE } from '../arch/xsave.js';
import { FEATURES, FEATURE_NAMES, type FeatureInfo, type FeatureName, type CpuidRegister } from '../isa/features.js';
import { OPCODE_STORE } from '../isa/opcodes.js';
import { FACT_PENDING, type RowColumns } from '../isa/row-store.js';
import { VENDOR_STRING, type CpuVendor } from '../arch/vendor.js';
import type { ArchState } from './state.js';

/** Leaf 1 EAX: AMD family 19h (Zen 3) model 1 stepping 1; Intel family 6 model 8Fh (Sapphire Rapids) stepping 8. */
const SIGNATURE: Readonly<Record<CpuVendor, number>> = { amd: 0x00a00f11, intel: 0x000806f8 };
const BRAND = 'ringzero virtual x86-64 CPU';

/**
 * The instruction features of the table: those it implements completely
 * (`complete`) and those it has an implemented row for (`some`). One pass over
 * the rows' columns, without building the rows (this runs at load time).
 */
function tableFeatures(c: RowColumns): { complete: Set<FeatureName>; some: Set<FeatureName> } {
  const complete = new Set<FeatureName>(), some = new Set<FeatureName>();
  const implemented = new Set<string>(), pendingFeatures = new Set<FeatureName>();
  for (let k = 0; k < c.id.length; k++) {
    const feature = c.feature[k]!;
    if (c.facts[k]! & FACT_PENDING) { if (feature !== null) pendingFeatures.add(feature); continue; }
    implemented.add(c.mnemonic[k]!);
    if (feature !== null) some.add(feature);
  }
  for (const name of FEATURE_NAMES) {
    const f = FEATURES[name];
    if ('incomplete' in f && f.incomplete) continue;
    if (pendingFeatures.has(name)) continue;
    if (f.instructions.every((m) => implemented.has(m))) complete.add(name);
  }
  for (const name of complete) some.add(name);
  return { complete, some };
}

const TABLE_FEATURES = tableFeatures(OPCODE_STORE.columns);
/** The model's features: everything the table implements. */
export const MODEL_FEATURES: ReadonlySet<FeatureName> = TABLE_FEATURES.complete;

/** Every feature the table has an implemented row for (used to compare with a host CPU that has them all). */
export const ALL_TABLE_FEATURES: ReadonlySet<FeatureName> = TABLE_FEATURES.some;

/** A CPUID bit: leaf, register, bit number. */
export type CpuidBit = readonly [number, CpuidRegister, number];

// System features (leaf, register, bit): what the MMU and system code implement. Named: host-cpuid.ts
// ties CR4/EFER bits and the page walk to them.
export const SYSTEM_BITS = {
  DE: [1, 'edx', 2],                // debug extensions (CR4.DE)
  PSE: [1, 'edx', 3],
  PAE: [1, 'edx', 6],
  MCE: [1, 'edx', 7],               // CR4.MCE (no machine check is ever signalled)
  PGE: [1, 'edx', 13],              // global pages
  PAT: [1, 'edx', 16],
  MONITOR: [1, 'ecx', 3],           // MONITOR/MWAIT as KVM presents them (exec/monitor.ts)
  PCID: [1, 'ecx', 17],             // CR4.PCIDE, a PCID-tagged TLB, CR3 bit 63
  HYPERVISOR: [1, 'ecx', 31],       // hypervisor present
  TSC_ADJUST: [7, 'ebx', 1],        // IA32_TSC_ADJUST (msr-kvm.ts)
  SMEP: [7, 'ebx', 7],
  ERMS: [7, 'ebx', 9],              // enhanced REP MOVSB/STOSB
  UMIP: [7, 'ecx', 2],
  NX: [0x80000001, 'edx', 20],
  PAGE1GB: [0x80000001, 'edx', 26], // 1 GiB pages
  LM: [0x80000001, 'edx', 29],      // long mode
  INVTSC: [0x80000007, 'edx', 8],   // invariant TSC
} as const satisfies Record<string, CpuidBit>;
const SYSTEM_FEATURES: readonly CpuidBit[] = Object.values(SYSTEM_BITS);

function str4(s: string, off: number): number {
  let v = 0;
  for (let k = 0; k < 4; k++) v |= (s.charCodeAt(off + k) || 0) << (8 * k);
  return v;
}

/** Index of a CPUID output register in [EAX, EBX, ECX, EDX]. */
export const REG_INDEX: Readonly<Record<CpuidRegister, number>> = { eax: 0, ebx: 1, ecx: 2, edx: 3 };

/** What CPUID reports besides the state: the vCPU's features and vendor model. */
export interface CpuModel {
  readonly features: ReadonlySet<FeatureName>;
  readonly vendor: CpuVendor;
}

/** EAX, EBX, ECX, EDX for leaf `leaf`, subleaf `subleaf`. */
export function cpuid(s: ArchState & CpuModel, leaf: number, subleaf: number): [number, number, number, number] {
  const features = s.features;
  const vendor = VENDOR_STRING[s.vendor];
  const out: [number, number, number, number] = [0, 0, 0, 0];
  const set = (reg: CpuidRegister, bit: number) => { const k = REG_INDEX[reg]; out[k] = out[k]! | (1 << bit); };
  const bits = (l: number, sub = 0) => {
    if (sub === 0) for (const [fl, reg, bit] of SYSTEM_FEATURES) if (fl === l) set(reg, bit);
    for (const name of features) {
      const f: FeatureInfo = FEATURES[name];
      if (f.leaf === l && (f.subleaf ?? 0) === sub) set(f.reg, f.bit);
    }
  };
  switch (leaf >>> 0) {
    // The highest basic leaf: 0DH when XSAVE is reported (its leaf), else 7.
    case 0: return [features.has('xsave') ? 0xd : 7, str4(vendor, 0), str4(vendor, 8), str4(vendor, 4)];
    case 1:
      out[0] = SIGNATURE[s.vendor];
      out[1] = 0x00010800;      // CLFLUSH line 8 × 8 bytes, one logical processor
      bits(1);
      if (features.has('xsave') && (s.cr4 & CR4_OSXSAVE)) set('ecx', 27); // OSXSAVE mirrors CR4.OSXSAVE
      return out;
    // MONITOR/MWAIT leaf: 64-byte monitor lines, ECX extensions enumerated, interrupts as break events.
    case 5: return [64, 64, 3, 0];
    case 7:
      if (subleaf !== 0) return out;
      bits(7);
      if (features.has('pku') && (s.cr4 & CR4_PKE)) set('ecx', 4); // OSPKE mirrors CR4.PKE
      return out;
    // Leaf 0DH (SDM Vol. 1 §13.2, Vol. 2 CPUID): subleaf 0 gives the supported XCR0 bits (EDX:EAX), the
    // area size for the enabled components (EBX) and for all supported ones (ECX): x87 and SSE both
    // live in the legacy region, so both are 576 whatever XCR0 holds. Subleaf 1: the features of
    // isa/features.ts in EAX (XSAVEOPT, XSAVEC, XGETBV ECX = 1, XSAVES), no supervisor state.
    case 0xd:
      if (!features.has('xsave')) return out;
      if (subleaf === 0) return [XCR0_SUPPORTED, XSAVE_AREA_SIZE, XSAVE_AREA_SIZE, 0];
      if (subleaf !== 1) return out; // components 2 and up: none
      bits(0xd, 1);
      // EBX: the compacted area for XCR0 | IA32_XSS (x87 and SSE in the legacy region: 576), given
      // when a compacted form exists; ECX:EDX: the IA32_XSS bits supported (none)
      if (features.has('xsavec') || features.has('xsaves')) out[1] = XSAVE_AREA_SIZE;
      return out;
    case 0x80000000: return [0x80000008, str4(vendor, 0), str4(vendor, 8), str4(vendor, 4)];
    case 0x80000001:
      out[0] = s.vendor === 'amd' ? SIGNATURE.amd : 0; // Intel: reserved (SDM CPUID leaf 80000001h)
      bits(0x80000001);
      return out;
    case 0x80000002: case 0x80000003: case 0x80000004: {
      const base = (leaf - 0x80000002) * 16;
      return [str4(BRAND, base), str4(BRAND, base + 4), str4(BRAND, base + 8), str4(BRAND, base + 12)];
    }
    case 0x80000007: bits(0x80000007); return out;
    case 0x80000008: return [0x3030 /* 48-bit physical and virtual */, 0, 0, 0];
    default: return out;
  }
}
