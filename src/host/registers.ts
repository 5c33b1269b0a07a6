// The host's view of vCPU registers (KVM_GET/SET_REGS and _SREGS): plain
// records of unsigned 64-bit bigints, segment registers with their hidden
// parts spelled out field by field. Setting them is the host's privilege:
// no architectural checks, as KVM_SET_SREGS (the host builds any state it wants).
import type { Cpu } from '../cpu/cpu.js';
import { GPR_NAMES, SEG_CS, SEG_SS, SEG_DS, SEG_ES, SEG_FS, SEG_GS } from '../arch/registers.js';
import { ATTR_TYPE, ATTR_S, ATTR_DPL_SHIFT, ATTR_P, ATTR_L, ATTR_DB, ATTR_G, dplOf } from '../arch/descriptors.js';
import { MSR_APIC_BASE } from '../arch/msr-index.js';
import { msrValue } from '../cpu/msr.js';

export type GprName = (typeof GPR_NAMES)[number];
/** RAX…R15, RIP and RFLAGS as unsigned 64-bit values. */
export type Regs = Record<GprName | 'rip' | 'rflags', bigint>;

/** A segment register with its hidden part (KVM's struct kvm_segment). */
export interface Segment {
  selector: number;
  base: bigint;
  /** The byte-granular limit (G already applied). */
  limit: number;
  type: number;
  /** S: code/data (1) or system (0). */
  s: boolean;
  dpl: number;
  present: boolean;
  avl: boolean;
  /** L: 64-bit code. */
  l: boolean;
  /** D/B: 32-bit default size. */
  db: boolean;
  /** G: page-granular limit. */
  g: boolean;
}

export interface DescriptorTable { base: bigint; limit: number }

/** The special registers (KVM's struct kvm_sregs). */
export interface Sregs {
  cs: Segment; ds: Segment; es: Segment; fs: Segment; gs: Segment; ss: Segment;
  tr: Segment; ldt: Segment;
  gdt: DescriptorTable; idt: DescriptorTable;
  cr0: bigint; cr2: bigint; cr3: bigint; cr4: bigint; cr8: bigint;
  efer: bigint;
  apicBase: bigint;
}

const SEGMENTS = { es: SEG_ES, cs: SEG_CS, ss: SEG_SS, ds: SEG_DS, fs: SEG_FS, gs: SEG_GS } as const;
type SegName = keyof typeof SEGMENTS;

const u64 = (v: number): bigint => BigInt.asUintN(64, BigInt(v));
/** A 64-bit value as the signed number the CPU keeps for linear addresses (exact below 2^53). */
const num = (v: bigint): number => Number(BigInt.asIntN(64, v));

export function getRegs(cpu: Cpu): Regs {
  const out = {} as Regs;
  GPR_NAMES.forEach((n, r) => { out[n] = cpu.getReg64(r); });
  out.rip = cpu.ripBig();
  out.rflags = BigInt(cpu.getRflags() >>> 0);
  return out;
}

/** Sets the named registers (others keep their values). */
export function setRegs(cpu: Cpu, regs: Partial<Regs>): void {
  GPR_NAMES.forEach((n, r) => { const v = regs[n]; if (v !== undefined) cpu.setReg64(r, BigInt.asUintN(64, v)); });
  if (regs.rip !== undefined) {
    const rip = BigInt.asIntN(64, regs.rip);
    if (rip >= 1n << 53n || rip < -(1n << 53n)) throw new RangeError(`RIP 0x${regs.rip.toString(16)} is beyond what the host API can set (|RIP| < 2^53)`);
    cpu.rip = Number(rip);
  }
  if (regs.rflags !== undefined) cpu.setRflags(Number(BigInt.asUintN(32, regs.rflags)));
}

function segmentOf(attr: number, selector: number, base: number, limit: number): Segment {
  return {
    selector, base: u64(base), limit,
    type: attr & ATTR_TYPE, s: (attr & ATTR_S) !== 0, dpl: dplOf(attr), present: (attr & ATTR_P) !== 0,
    avl: (attr & 0x1000) !== 0, l: (attr & ATTR_L) !== 0, db: (attr & ATTR_DB) !== 0, g: (attr & ATTR_G) !== 0,
  };
}

export function attributesOf(s: Segment): number {
  return (s.type & ATTR_TYPE) | (s.s ? ATTR_S : 0) | ((s.dpl & 3) << ATTR_DPL_SHIFT) | (s.present ? ATTR_P : 0)
    | (s.avl ? 0x1000 : 0) | (s.l ? ATTR_L : 0) | (s.db ? ATTR_DB : 0) | (s.g ? ATTR_G : 0);
}

export function getSregs(cpu: Cpu): Sregs {
  const seg = (n: SegName) => { const i = SEGMENTS[n]; return segmentOf(cpu.segAttr[i]!, cpu.segSel[i]!, cpu.segBase[i]!, cpu.segLimit[i]!); };
  return {
    cs: seg('cs'), ds: seg('ds'), es: seg('es'), fs: seg('fs'), gs: seg('gs'), ss: seg('ss'),
    tr: segmentOf(cpu.trAttr, cpu.trSel, cpu.trBase, cpu.trLimit),
    ldt: segmentOf(cpu.ldtrAttr, cpu.ldtrSel, cpu.ldtrBase, cpu.ldtrLimit),
    gdt: { base: u64(cpu.gdtrBase), limit: cpu.gdtrLimit },
    idt: { base: u64(cpu.idtrBase), limit: cpu.idtrLimit },
    cr0: u64(cpu.cr0 >>> 0), cr2: u64(cpu.cr2), cr3: u64(cpu.cr3), cr4: u64(cpu.cr4 >>> 0), cr8: u64(cpu.cr8),
    efer: u64(cpu.efer), apicBase: msrValue(cpu, MSR_APIC_BASE),
  };
}

/**
 * Sets the given special registers, as KVM_SET_SREGS: values are taken as
 * they are; CPL becomes SS.DPL (what KVM does on both vendors); the paging
 * view, the TLB and the fetch state are rebuilt.
 */
export function setSregs(cpu: Cpu, s: Partial<Sregs>): void {
  for (const n of Object.keys(SEGMENTS) as SegName[]) {
    const v = s[n];
    if (!v) continue;
    const i = SEGMENTS[n];
    cpu.segSel[i] = v.selector; cpu.segBase[i] = num(v.base); cpu.segLimit[i] = v.limit; cpu.segAttr[i] = attributesOf(v);
  }
  if (s.tr) { cpu.trSel = s.tr.selector; cpu.trBase = num(s.tr.base); cpu.trLimit = s.tr.limit; cpu.trAttr = attributesOf(s.tr); }
  if (s.ldt) { cpu.ldtrSel = s.ldt.selector; cpu.ldtrBase = num(s.ldt.base); cpu.ldtrLimit = s.ldt.limit; cpu.ldtrAttr = attributesOf(s.ldt); }
  if (s.gdt) { cpu.gdtrBase = num(s.gdt.base); cpu.gdtrLimit = s.gdt.limit; }
  if (s.idt) { cpu.idtrBase = num(s.idt.base); cpu.idtrLimit = s.idt.limit; }
  if (s.cr0 !== undefined) cpu.cr0 = Number(BigInt.asUintN(32, s.cr0)) | 0;
  if (s.cr2 !== undefined) cpu.cr2 = num(s.cr2);
  if (s.cr3 !== undefined) cpu.cr3 = Number(BigInt.asUintN(52, s.cr3));
  if (s.cr4 !== undefined) cpu.cr4 = Number(BigInt.asUintN(32, s.cr4)) | 0;
  if (s.cr8 !== undefined) cpu.cr8 = Number(s.cr8 & 0xfn);
  if (s.efer !== undefined) cpu.efer = Number(BigInt.asUintN(32, s.efer));
  if (s.apicBase !== undefined) cpu.msrs.set(MSR_APIC_BASE, s.apicBase);
  cpu.setCpl(dplOf(cpu.segAttr[SEG_SS]!));
  cpu.syncPaging();
  cpu.invalidateFetch();
}
