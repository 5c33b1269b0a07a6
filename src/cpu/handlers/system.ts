// System instructions: HLT, CLI/STI, IN/OUT, MOV CR/DR, descriptor-table
// loads and stores, RDMSR/WRMSR, CPUID, RDTSC/RDTSCP, INVLPG, SWAPGS,
// SYSCALL/SYSRET, CLAC/STAC, RDPKRU/WRPKRU, and the #UD/NOP-like forms.
import type { Cpu } from '../cpu.js';
import { StopReason } from '../stop-reason.js';
import type { Handler, Insn } from '../insn.js';
import { SEG_CS, SEG_SS, SEG_GS } from '../insn.js';
import { IF, IOPL, AC, RF, VM, TF } from '../flags.js';
import { cpuid } from '../cpuid.js';
import { MSR_STAR, MSR_LSTAR, MSR_SFMASK, MSR_KERNEL_GS_BASE, MSR_TSC_AUX } from '../msr.js';
import { ACC_READ_SUP, ACC_WRITE_SUP } from '../../mmu/mmu.js';

const TWO32 = 4294967296;

function requireCpl0(cpu: Cpu): void {
  if (cpu.cpl !== 0) cpu.raise(13, 0);
}

/** UMIP (CR4 bit 11): SGDT/SIDT/SLDT/SMSW/STR raise #GP(0) above CPL 0. */
function checkUmip(cpu: Cpu): void {
  if ((cpu.cr4 & 0x800) && cpu.cpl > 0) cpu.raise(13, 0);
}

export const ud: Handler = (cpu) => cpu.raiseUD();
export const tooLong: Handler = (cpu) => cpu.raise(13, 0);
export const notImplemented: Handler = (cpu, i) => cpu.emulationFailure(`${i.row.mnemonic} is not implemented`);
export const nop: Handler = () => {};

/** UD2, or the forced-emulation prefix `ud2; 'kvm'` when enabled (guest-abi §7). */
export const ud2: Handler = (cpu) => {
  if (cpu.forcedEmulation) {
    const at = cpu.rip;
    let isFep = false;
    try {
      isFep = cpu.mmu.read8(at) === 0x6b && cpu.mmu.read8(at + 1) === 0x76 && cpu.mmu.read8(at + 2) === 0x6d;
    } catch {
      isFep = false; // the bytes after ud2 are unreadable: a plain #UD
    }
    if (isFep) { cpu.executeReference(at + 3); return; }
  }
  cpu.raiseUD();
};

/** HLT: with no interrupt source in this machine it can never wake: the `halt` outcome. */
export const hlt: Handler = (cpu) => {
  requireCpl0(cpu);
  cpu.requestStop(StopReason.Halt);
};

export const cli: Handler = (cpu) => {
  if (cpu.cpl > ((cpu.flagsRest & IOPL) >> 12)) cpu.raise(13, 0);
  cpu.flagsRest &= ~IF;
};

export const sti: Handler = (cpu) => {
  if (cpu.cpl > ((cpu.flagsRest & IOPL) >> 12)) cpu.raise(13, 0);
  if (!(cpu.flagsRest & IF)) cpu.interruptShadow = true;
  cpu.flagsRest |= IF;
};

function ioSize(i: Insn, byte: boolean): number {
  return byte ? 1 : i.opSize === 2 ? 2 : 4;
}

/** IN AL/eAX, imm8 | DX */
export const inPort = (byte: boolean, dxPort: boolean): Handler => (cpu, i) => {
  const size = ioSize(i, byte);
  const port = dxPort ? cpu.regLo[2]! & 0xffff : i.imm & 0xff;
  const v = cpu.portIn(port, size);
  cpu.setReg(size, 0, v, 0);
};

/** OUT imm8 | DX, AL/eAX */
export const outPort = (byte: boolean, dxPort: boolean): Handler => (cpu, i) => {
  const size = ioSize(i, byte);
  const port = dxPort ? cpu.regLo[2]! & 0xffff : i.imm & 0xff;
  const v = size === 1 ? cpu.regLo[0]! & 0xff : size === 2 ? cpu.regLo[0]! & 0xffff : cpu.regLo[0]!;
  cpu.portOut(port, size, v);
};

// ---- control and debug registers (SDM Vol. 3A §2.5, §17.2) ----

const CR0_PE = 1, CR0_TS = 8, CR0_ET = 0x10, CR0_NW = 0x20000000, CR0_CD = 0x40000000, CR0_PG = 0x80000000 | 0;
const CR0_KNOWN = 0x1 | 0x2 | 0x4 | 0x8 | 0x10 | 0x20 | 0x10000 | 0x40000 | CR0_NW | CR0_CD | CR0_PG;
/** CR4 bits the model implements: TSD DE PSE PAE MCE PGE PCE OSFXSR OSXMMEXCPT UMIP SMEP SMAP PKE. */
const CR4_KNOWN = 0x4 | 0x8 | 0x10 | 0x20 | 0x40 | 0x80 | 0x100 | 0x200 | 0x400 | 0x800 | 0x100000 | 0x200000 | 0x400000;
const CR4_PAGING = 0x10 | 0x20 | 0x80 | 0x100000 | 0x200000 | 0x400000;

function readCr(cpu: Cpu, n: number): [number, number] {
  switch (n) {
    case 0: return [cpu.cr0, 0];
    case 2: return [cpu.cr2 % TWO32 | 0, Math.floor(cpu.cr2 / TWO32)];
    case 3: return [cpu.cr3 % TWO32 | 0, Math.floor(cpu.cr3 / TWO32)];
    case 4: return [cpu.cr4, 0];
    case 8: return [cpu.cr8, 0];
    default: return cpu.raiseUD();
  }
}

function writeCr(cpu: Cpu, n: number, lo: number, hi: number): void {
  switch (n) {
    case 0: {
      if (hi !== 0 || (lo & ~CR0_KNOWN) !== 0) cpu.raise(13, 0);
      if ((lo & CR0_NW) && !(lo & CR0_CD)) cpu.raise(13, 0);
      if ((lo & CR0_PG) && !(lo & CR0_PE)) cpu.raise(13, 0);
      // Leaving long mode (clearing PG or PE) is not supported by this 64-bit-only core.
      if (!(lo & CR0_PG) || !(lo & CR0_PE)) cpu.emulationFailure('leaving long mode (CR0.PG/PE = 0) is not implemented');
      const old = cpu.cr0;
      cpu.cr0 = lo | CR0_ET;
      if ((old ^ cpu.cr0) & (0x10000 | CR0_PG)) cpu.syncPaging();
      return;
    }
    case 2: cpu.cr2 = hi * TWO32 + (lo >>> 0); return;
    case 3: {
      if ((hi >>> 0) >= 1 << 20) cpu.raise(13, 0); // bits 63:52 reserved (no PCID)
      cpu.cr3 = hi * TWO32 + (lo >>> 0);
      cpu.mmu.ctl.cr3 = cpu.cr3 - (cpu.cr3 % 4096);
      cpu.flushTlb((cpu.cr4 & 0x80) !== 0);
      return;
    }
    case 4: {
      if (hi !== 0 || (lo & ~CR4_KNOWN) !== 0) cpu.raise(13, 0);
      if (!(lo & 0x20)) cpu.raise(13, 0); // PAE may not be cleared in long mode
      const old = cpu.cr4;
      cpu.cr4 = lo;
      if ((old ^ lo) & CR4_PAGING) cpu.syncPaging();
      return;
    }
    case 8:
      if (hi !== 0 || (lo & ~0xf) !== 0) cpu.raise(13, 0);
      cpu.cr8 = lo;
      return;
    default: cpu.raiseUD();
  }
}

/** MOV r64, CRn (0F 20) and MOV CRn, r64 (0F 22); REX.R selects CR8. */
export const movFromCr: Handler = (cpu, i) => {
  requireCpl0(cpu);
  const [lo, hi] = readCr(cpu, i.reg);
  cpu.setReg(8, i.rm, lo, hi);
};
export const movToCr: Handler = (cpu, i) => {
  const n = i.reg;
  if (n !== 0 && n !== 2 && n !== 3 && n !== 4 && n !== 8) cpu.raiseUD();
  requireCpl0(cpu);
  writeCr(cpu, n, cpu.regLo[i.rm]!, cpu.regHi[i.rm]!);
  cpu.invalidateFetch();
};

function drIndex(cpu: Cpu, n: number): number {
  if (n > 7) cpu.raiseUD();
  if (n === 4 || n === 5) {
    if (cpu.cr4 & 0x8) cpu.raiseUD(); // CR4.DE: DR4/DR5 are reserved
    return n + 2;
  }
  return n;
}

export const movFromDr: Handler = (cpu, i) => {
  const n = drIndex(cpu, i.reg);
  requireCpl0(cpu);
  const v = cpu.dr[n]!;
  cpu.setReg(8, i.rm, v % TWO32 | 0, Math.floor(v / TWO32));
};
export const movToDr: Handler = (cpu, i) => {
  const n = drIndex(cpu, i.reg);
  requireCpl0(cpu);
  const lo = cpu.regLo[i.rm]!, hi = cpu.regHi[i.rm]!;
  if ((n === 6 || n === 7) && hi !== 0) cpu.raise(13, 0);
  if (n === 6) cpu.dr[6] = ((lo | 0xffff0ff0) & ~0x1000) >>> 0;
  else if (n === 7) cpu.dr[7] = ((lo | 0x400) & ~0xd800) >>> 0;
  else cpu.dr[n] = hi * TWO32 + (lo >>> 0);
};

// ---- descriptor tables ----

/** LGDT/LIDT m16&64 */
export const lgdtLidt = (idt: boolean): Handler => (cpu, i) => {
  requireCpl0(cpu);
  const a = cpu.ea(i);
  const limit = cpu.mmu.read16(a);
  const lo = cpu.mmu.read32(a + 2), hi = cpu.mmu.read32(a + 6);
  const base = hi * TWO32 + (lo >>> 0);
  if (!cpu.isCanonical(base)) cpu.raise(13, 0);
  if (idt) { cpu.idtrBase = base; cpu.idtrLimit = limit; } else { cpu.gdtrBase = base; cpu.gdtrLimit = limit; }
};

/** SGDT/SIDT m16&64 */
export const sgdtSidt = (idt: boolean): Handler => (cpu, i) => {
  checkUmip(cpu);
  const a = cpu.ea(i);
  const base = idt ? cpu.idtrBase : cpu.gdtrBase;
  cpu.mmu.probeWrite(a, 10);
  cpu.mmu.write16(a, idt ? cpu.idtrLimit : cpu.gdtrLimit);
  cpu.mmu.write64(a + 2, base % TWO32 | 0, Math.floor(base / TWO32));
};

export const sldt: Handler = (cpu, i) => {
  checkUmip(cpu);
  if (i.isMem) cpu.writeE(i, 2, cpu.ldtrSel, 0); else cpu.setReg(i.opSize, i.rm, cpu.ldtrSel, 0);
};
export const str: Handler = (cpu, i) => {
  checkUmip(cpu);
  if (i.isMem) cpu.writeE(i, 2, cpu.trSel, 0); else cpu.setReg(i.opSize, i.rm, cpu.trSel, 0);
};

/** Reads the 16-byte system descriptor for LLDT/LTR (SDM §7.2.3 for the 64-bit TSS descriptor). */
function systemDescriptor(cpu: Cpu, sel: number): { base: number; limit: number; attr: number; addr: number } {
  if (sel & 4) cpu.raise(13, sel & ~3);
  const idx = sel & ~7;
  if (idx + 15 > cpu.gdtrLimit) cpu.raise(13, sel & ~3);
  const addr = cpu.gdtrBase + idx;
  const d = cpu.readDescriptor(sel, sel & ~3);
  const upper = cpu.mmu.readWith(addr + 8, 4, ACC_READ_SUP);
  const base = upper * TWO32 + d.base;
  return { base, limit: d.limit, attr: d.attr, addr };
}

export const lldt: Handler = (cpu, i) => {
  requireCpl0(cpu);
  const sel = cpu.readE(i, 2) & 0xffff;
  if ((sel & ~3) === 0) { cpu.ldtrSel = sel; cpu.ldtrBase = 0; cpu.ldtrLimit = 0; cpu.ldtrAttr = 0; return; }
  const d = systemDescriptor(cpu, sel);
  if ((d.attr & 0x1f) !== 0x02) cpu.raise(13, sel & ~3);
  if ((d.attr & 0x80) === 0) cpu.raise(11, sel & ~3);
  if (!cpu.isCanonical(d.base)) cpu.raise(13, sel & ~3);
  cpu.ldtrSel = sel; cpu.ldtrBase = d.base; cpu.ldtrLimit = d.limit; cpu.ldtrAttr = d.attr;
};

export const ltr: Handler = (cpu, i) => {
  requireCpl0(cpu);
  const sel = cpu.readE(i, 2) & 0xffff;
  if ((sel & ~3) === 0) cpu.raise(13, 0);
  const d = systemDescriptor(cpu, sel);
  if ((d.attr & 0x1f) !== 0x09) cpu.raise(13, sel & ~3); // available 64-bit TSS
  if ((d.attr & 0x80) === 0) cpu.raise(11, sel & ~3);
  if (!cpu.isCanonical(d.base)) cpu.raise(13, sel & ~3);
  // Mark busy (type 11).
  const hi = cpu.mmu.readWith(d.addr + 4, 4, ACC_READ_SUP);
  cpu.mmu.writeWith(d.addr + 4, 4, hi | 0x200, 0, ACC_WRITE_SUP);
  cpu.trSel = sel; cpu.trBase = d.base; cpu.trLimit = d.limit; cpu.trAttr = d.attr | 2;
};

export const smsw: Handler = (cpu, i) => {
  checkUmip(cpu);
  if (i.isMem) cpu.writeE(i, 2, cpu.cr0 & 0xffff, 0); else cpu.setReg(i.opSize, i.rm, cpu.cr0, 0);
};

/** LMSW: loads PE MP EM TS; cannot clear PE. */
export const lmsw: Handler = (cpu, i) => {
  requireCpl0(cpu);
  const v = cpu.readE(i, 2);
  cpu.cr0 = (cpu.cr0 & ~0xe) | (v & 0xf) | (cpu.cr0 & 1);
};

export const clts: Handler = (cpu) => {
  requireCpl0(cpu);
  cpu.cr0 &= ~CR0_TS;
};

export const invlpg: Handler = (cpu, i) => {
  requireCpl0(cpu);
  // INVLPG of a non-canonical address is a no-op (SDM INVLPG).
  let lin: number;
  try { lin = cpu.ea(i); } catch { return; }
  cpu.mmu.invalidatePage(lin);
  cpu.invalidateFetch();
};

export const privNop: Handler = (cpu) => requireCpl0(cpu); // WBINVD, INVD

/** CLFLUSH m8: checked like a byte read (faults), no other effect. */
export const clflush: Handler = (cpu, i) => { cpu.mmu.probeRead(cpu.ea(i), 1); };

// ---- MSRs, CPUID, time ----

export const rdmsr: Handler = (cpu) => {
  requireCpl0(cpu);
  const v = cpu.msr.read(cpu.regLo[1]! >>> 0);
  if (v === undefined) return cpu.raise(13, 0);
  cpu.setReg(4, 0, Number(v & 0xffffffffn) | 0, 0);
  cpu.setReg(4, 2, Number(v >> 32n) | 0, 0);
};

export const wrmsr: Handler = (cpu) => {
  requireCpl0(cpu);
  const v = (BigInt(cpu.regLo[2]! >>> 0) << 32n) | BigInt(cpu.regLo[0]! >>> 0);
  if (!cpu.msr.write(cpu.regLo[1]! >>> 0, v)) cpu.raise(13, 0);
};

export const cpuidInsn: Handler = (cpu) => {
  const [a, b, c, d] = cpuid(cpu, cpu.regLo[0]!, cpu.regLo[1]!);
  cpu.setReg(4, 0, a, 0); cpu.setReg(4, 3, b, 0); cpu.setReg(4, 1, c, 0); cpu.setReg(4, 2, d, 0);
};

function writeTsc(cpu: Cpu): void {
  const t = cpu.readTsc();
  cpu.setReg(4, 0, Number(t & 0xffffffffn) | 0, 0);
  cpu.setReg(4, 2, Number(t >> 32n) | 0, 0);
}

export const rdtsc: Handler = (cpu) => {
  if ((cpu.cr4 & 0x4) && cpu.cpl > 0) cpu.raise(13, 0); // CR4.TSD
  writeTsc(cpu);
};

export const rdtscp: Handler = (cpu) => {
  if ((cpu.cr4 & 0x4) && cpu.cpl > 0) cpu.raise(13, 0);
  writeTsc(cpu);
  cpu.setReg(4, 1, Number(cpu.msr.get(MSR_TSC_AUX) & 0xffffffffn) | 0, 0);
};

export const rdpmc: Handler = (cpu) => cpu.raise(13, 0); // no performance counters in the model

// ---- fast system calls (APM Vol. 2 §6.1.1, SDM SYSCALL/SYSRET) ----

export const swapgs: Handler = (cpu) => {
  requireCpl0(cpu);
  const k = cpu.msr.get(MSR_KERNEL_GS_BASE);
  cpu.msr.write(MSR_KERNEL_GS_BASE, BigInt.asUintN(64, BigInt(cpu.segBase[SEG_GS]!)));
  cpu.segBase[SEG_GS] = Number(BigInt.asIntN(64, k));
};

/** Flat 64-bit code/data attributes SYSCALL/SYSRET load without reading the GDT. */
const ATTR_CODE64 = 0x209b, ATTR_DATA = 0xc093;

export const syscall: Handler = (cpu) => {
  if (!(cpu.efer & 1)) cpu.raiseUD();
  const star = cpu.msr.get(MSR_STAR);
  const lstar = Number(BigInt.asIntN(64, cpu.msr.get(MSR_LSTAR)));
  const mask = Number(cpu.msr.get(MSR_SFMASK) & 0xffffffffn);
  const ret = cpu.rip;
  cpu.setReg(8, 1, ret % TWO32 | 0, Math.floor(ret / TWO32));
  const flags = cpu.getRflags();
  cpu.setReg(8, 11, flags & ~RF, 0);
  cpu.setRflags(flags & ~mask & ~RF);
  const sel = Number((star >> 32n) & 0xfffcn);
  cpu.loadCodeSegment(sel, 0, 0xffffffff, ATTR_CODE64, 0);
  cpu.segSel[SEG_SS] = sel + 8; cpu.segBase[SEG_SS] = 0; cpu.segLimit[SEG_SS] = 0xffffffff; cpu.segAttr[SEG_SS] = ATTR_DATA;
  cpu.rip = lstar;
};

export const sysret: Handler = (cpu, i) => {
  if (!(cpu.efer & 1)) cpu.raiseUD();
  requireCpl0(cpu);
  const star = cpu.msr.get(MSR_STAR);
  const base = Number((star >> 48n) & 0xffffn);
  if (!(i.rex & 8)) cpu.emulationFailure('SYSRET to compatibility mode is not implemented');
  const target = cpu.regHi[1]! * TWO32 + (cpu.regLo[1]! >>> 0);
  if (!cpu.isCanonical(target)) cpu.raise(13, 0);
  cpu.setRflags((cpu.regLo[11]! & ~(RF | VM)) | 2);
  cpu.loadCodeSegment(((base + 16) & ~3) | 3, 0, 0xffffffff, ATTR_CODE64 | 0x60, 3);
  cpu.segSel[SEG_SS] = ((base + 8) & ~3) | 3; cpu.segBase[SEG_SS] = 0; cpu.segLimit[SEG_SS] = 0xffffffff; cpu.segAttr[SEG_SS] = ATTR_DATA | 0x60;
  cpu.rip = target;
};

// ---- SMAP and protection keys ----

/** CLAC/STAC (0F 01 CA/CB): #UD above CPL 0. */
export const clacStac = (set: boolean): Handler => (cpu) => {
  if (cpu.cpl > 0) cpu.raiseUD();
  const f = cpu.getRflags();
  cpu.setRflags(set ? f | AC : f & ~AC);
};

export const rdpkru: Handler = (cpu) => {
  if (!(cpu.cr4 & 0x400000)) cpu.raiseUD();
  if (cpu.regLo[1] !== 0) cpu.raise(13, 0);
  cpu.setReg(4, 0, cpu.mmu.pkru, 0);
  cpu.setReg(4, 2, 0, 0);
};

export const wrpkru: Handler = (cpu) => {
  if (!(cpu.cr4 & 0x400000)) cpu.raiseUD();
  if (cpu.regLo[1] !== 0 || cpu.regLo[2] !== 0) cpu.raise(13, 0);
  cpu.mmu.pkru = cpu.regLo[0]! >>> 0;
  cpu.flushTlb();
};

