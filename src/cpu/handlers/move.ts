// Data movement: MOV (all forms), MOVZX/MOVSX/MOVSXD, LEA, XCHG, BSWAP, MOVBE,
// CMPXCHG/CMPXCHG8B/CMPXCHG16B, XADD, CMOVcc, SETcc, CBW family, XLAT,
// LAHF/SAHF and the flag instructions (SDM Vol. 2 entries).
import type { Cpu } from '../cpu.js';
import type { Handler, Insn } from '../insn.js';
import { CF, PF, AF, ZF, SF, OF, DF } from '../flags.js';
import { alu, ADD, CMP } from './alu.js';

export const movEG = (byte: boolean): Handler => (cpu, i) => {
  const s = byte ? 1 : i.opSize;
  const v = cpu.getReg(s, i.reg);
  cpu.writeE(i, s, v, cpu.hi);
};

export const movGE = (byte: boolean): Handler => (cpu, i) => {
  const s = byte ? 1 : i.opSize;
  const v = cpu.readE(i, s);
  cpu.setReg(s, i.reg, v, cpu.hi);
};

/** MOV E, imm (C6/C7) and MOV Z, imm (B0+r / B8+r: rm holds the register). */
export const movEI = (byte: boolean): Handler => (cpu, i) => {
  cpu.writeE(i, byte ? 1 : i.opSize, i.imm, i.immHi);
};

/** MOV AL/rAX <-> moffs (A0-A3): the immediate is the absolute offset. */
function moffsAddr(cpu: Cpu, i: Insn): number {
  let lin = i.addrSize === 8 ? i.immHi * 4294967296 + (i.imm >>> 0) : i.imm >>> 0;
  if (i.seg >= 4) lin += cpu.segBase[i.seg]!;
  if (!cpu.isCanonical(lin)) cpu.raise(13, 0);
  return lin;
}
export const movALMoffs = (byte: boolean): Handler => (cpu, i) => {
  const s = byte ? 1 : i.opSize;
  const v = cpu.readMem(s, moffsAddr(cpu, i));
  cpu.setReg(s, 0, v, cpu.hi);
};
export const movMoffsAL = (byte: boolean): Handler => (cpu, i) => {
  const s = byte ? 1 : i.opSize;
  const v = cpu.getReg(s, 0);
  cpu.writeMem(s, moffsAddr(cpu, i), v, cpu.hi);
};

/** MOVZX G, Eb/Ew */
export const movzx = (srcSize: number): Handler => (cpu, i) => {
  const v = cpu.readE(i, srcSize);
  cpu.setReg(i.opSize, i.reg, v, 0);
};

/** MOVSX G, Eb/Ew; MOVSXD G, Ed */
export const movsx = (srcSize: number): Handler => (cpu, i) => {
  let v = cpu.readE(i, srcSize);
  if (srcSize === 1) v = (v << 24) >> 24;
  else if (srcSize === 2) v = (v << 16) >> 16;
  cpu.setReg(i.opSize, i.reg, v, v >> 31);
};

/** LEA: the offset of the memory operand (no segment base), truncated to the operand size. */
export const lea: Handler = (cpu, i) => {
  const lo = cpu.eaOffset(i);
  cpu.setReg(i.opSize, i.reg, lo, cpu.hi);
};

/** XCHG E, G (memory form is implicitly locked) and XCHG rAX, Z. */
export const xchg = (byte: boolean): Handler => (cpu, i) => {
  const s = byte ? 1 : i.opSize;
  const a = cpu.readModifyE(i, s), ah = cpu.hi;
  const b = cpu.getReg(s, i.reg), bh = cpu.hi;
  cpu.writeBackE(i, s, b, bh);
  cpu.setReg(s, i.reg, a, ah);
};

export const bswap: Handler = (cpu, i) => {
  const swap = (v: number) => ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24);
  if (i.opSize === 8) {
    const lo = cpu.regLo[i.rm]!, hi = cpu.regHi[i.rm]!;
    cpu.setReg(8, i.rm, swap(hi), swap(lo));
  } else if (i.opSize === 4) cpu.setReg(4, i.rm, swap(cpu.regLo[i.rm]!), 0);
  else cpu.setReg(2, i.rm, 0, 0); // BSWAP r16 is undefined; AMD zeroes the low word
};

/** CMPXCHG E, G: compare rAX with E; equal → E = G, else rAX = E. The destination is always written. */
export const cmpxchg = (byte: boolean): Handler => (cpu, i) => {
  const s = byte ? 1 : i.opSize;
  const d = cpu.readModifyE(i, s), dh = cpu.hi;
  const a = cpu.getReg(s, 0), ah = cpu.hi;
  alu(cpu, CMP, s, a, ah, d, dh);
  if (cpu.fZ === 0) {
    const g = cpu.getReg(s, i.reg);
    cpu.writeBackE(i, s, g, cpu.hi);
  } else {
    if (i.isMem) cpu.writeBackE(i, s, d, dh); // the processor writes back the old value (SDM CMPXCHG)
    cpu.setReg(s, 0, d, dh);
  }
};

/** CMPXCHG8B/16B m64/m128 (REX.W selects 16B, which needs 16-byte alignment). */
export const cmpxchg8b16b: Handler = (cpu, i) => {
  const wide = (i.rex & 8) !== 0;
  const a = cpu.ea(i);
  if (wide) {
    if (a % 16 !== 0) cpu.raise(13, 0);
    cpu.mmu.probeWrite(a, 16);
    const m0 = cpu.mmu.read64(a), m1 = cpu.mmu.hi, m2 = cpu.mmu.read64(a + 8), m3 = cpu.mmu.hi;
    const eq = m0 === cpu.regLo[0] && m1 === cpu.regHi[0] && m2 === cpu.regLo[2] && m3 === cpu.regHi[2];
    if (eq) {
      cpu.mmu.write64(a, cpu.regLo[3]!, cpu.regHi[3]!);
      cpu.mmu.write64(a + 8, cpu.regLo[1]!, cpu.regHi[1]!);
    } else {
      cpu.mmu.write64(a, m0, m1);
      cpu.mmu.write64(a + 8, m2, m3);
      cpu.setReg(8, 0, m0, m1);
      cpu.setReg(8, 2, m2, m3);
    }
    setZfOnly(cpu, eq);
  } else {
    cpu.mmu.probeWrite(a, 8);
    const lo = cpu.mmu.read64(a), hi = cpu.mmu.hi;
    const eq = lo === cpu.regLo[0] && hi === cpu.regLo[2];
    if (eq) cpu.mmu.write64(a, cpu.regLo[3]!, cpu.regLo[1]!);
    else {
      cpu.mmu.write64(a, lo, hi);
      cpu.setReg(4, 0, lo, 0);
      cpu.setReg(4, 2, hi, 0);
    }
    setZfOnly(cpu, eq);
  }
};

function setZfOnly(cpu: Cpu, zf: boolean): void {
  const f = cpu.getRflags();
  cpu.setArithFlags(zf ? f | ZF : f & ~ZF);
}

/** XADD E, G: temp = E + G; G = E; E = temp. */
export const xadd = (byte: boolean): Handler => (cpu, i) => {
  const s = byte ? 1 : i.opSize;
  const d = cpu.readModifyE(i, s), dh = cpu.hi;
  const g = cpu.getReg(s, i.reg), gh = cpu.hi;
  const r = alu(cpu, ADD, s, d, dh, g, gh), rh = cpu.hi;
  cpu.setReg(s, i.reg, d, dh);
  cpu.writeBackE(i, s, r, rh);
};

/** CMOVcc G, E: the source is always read; a 32-bit destination is zero-extended even when false. */
export const cmov = (cc: number): Handler => (cpu, i) => {
  const s = i.opSize;
  const v = cpu.readE(i, s), vh = cpu.hi;
  if (cpu.cond(cc)) cpu.setReg(s, i.reg, v, vh);
  else if (s === 4) cpu.regHi[i.reg] = 0;
};

export const setcc = (cc: number): Handler => (cpu, i) => {
  cpu.writeE(i, 1, cpu.cond(cc) ? 1 : 0, 0);
};

/** CBW/CWDE/CDQE (98): sign-extend the lower half of rAX into rAX. */
export const cbwFamily: Handler = (cpu, i) => {
  const v = cpu.regLo[0]!;
  if (i.opSize === 2) cpu.setReg(2, 0, (v << 24) >> 24, 0);
  else if (i.opSize === 4) cpu.setReg(4, 0, (v << 16) >> 16, 0);
  else cpu.setReg(8, 0, v, v >> 31);
};

/** CWD/CDQ/CQO (99): rDX = sign of rAX. */
export const cwdFamily: Handler = (cpu, i) => {
  if (i.opSize === 2) cpu.setReg(2, 2, (cpu.regLo[0]! << 16) >> 31, 0);
  else if (i.opSize === 4) cpu.setReg(4, 2, cpu.regLo[0]! >> 31, 0);
  else { const s = cpu.regHi[0]! >> 31; cpu.setReg(8, 2, s, s); }
};

/** XLAT: AL = [rBX + zero-extended AL]. */
export const xlat: Handler = (cpu, i) => {
  // Exact: 64-bit RBX + AL, or EBX + AL wrapped at 2^32 with a 67 prefix.
  const sum = (cpu.regLo[3]! >>> 0) + (cpu.regLo[0]! & 0xff);
  let lin = i.addrSize === 4 ? sum >>> 0 : ((cpu.regHi[3]! + (sum > 0xffffffff ? 1 : 0)) | 0) * 4294967296 + (sum >>> 0);
  if (i.seg >= 4) lin += cpu.segBase[i.seg]!;
  if (!cpu.isCanonical(lin)) cpu.raise(13, 0);
  cpu.setReg(1, 0, cpu.mmu.read8(lin), 0);
};

/** LAHF: AH = SF:ZF:0:AF:0:PF:1:CF. */
export const lahf: Handler = (cpu) => {
  cpu.setReg(1, 16, (cpu.getRflags() & (SF | ZF | AF | PF | CF)) | 2, 0);
};

/** SAHF: SF ZF AF PF CF from AH (OF unchanged). */
export const sahf: Handler = (cpu) => {
  const ah = (cpu.regLo[0]! >> 8) & (SF | ZF | AF | PF | CF);
  cpu.setArithFlags((cpu.getRflags() & OF) | ah);
};

export const clc: Handler = (cpu) => { cpu.fAux &= ~CF; };
export const stc: Handler = (cpu) => { cpu.fAux |= CF; };
export const cmc: Handler = (cpu) => { cpu.fAux ^= CF; };
export const cld: Handler = (cpu) => { cpu.flagsRest &= ~DF; };
export const std: Handler = (cpu) => { cpu.flagsRest |= DF; };

/** MOVBE G, M / M, G (0F 38 F0/F1): load/store with byte swap. */
export const movbe = (toMem: boolean): Handler => (cpu, i) => {
  const s = i.opSize;
  const swap32 = (v: number) => ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24);
  if (toMem) {
    const lo = cpu.getReg(s, i.reg), hi = cpu.hi;
    if (s === 2) cpu.writeE(i, 2, ((lo & 0xff) << 8) | ((lo >> 8) & 0xff), 0);
    else if (s === 4) cpu.writeE(i, 4, swap32(lo), 0);
    else cpu.writeE(i, 8, swap32(hi), swap32(lo));
  } else {
    const lo = cpu.readE(i, s), hi = cpu.hi;
    if (s === 2) cpu.setReg(2, i.reg, ((lo & 0xff) << 8) | ((lo >> 8) & 0xff), 0);
    else if (s === 4) cpu.setReg(4, i.reg, swap32(lo), 0);
    else cpu.setReg(8, i.reg, swap32(hi), swap32(lo));
  }
};

