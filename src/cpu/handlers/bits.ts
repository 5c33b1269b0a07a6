// BT BTS BTR BTC (register and memory bit-string forms), BSF BSR TZCNT LZCNT POPCNT
// (SDM Vol. 2 entries; APM Vol. 3 same names).
//
// Undefined flags follow AMD (measured on an AMD EPYC host with the native
// differential harness):
//   BT/BTS/BTR/BTC: only CF changes; OF SF ZF AF PF are left unchanged.
//   BSF/BSR: OF SF AF CF = 0; source 0: ZF = 1, PF = 1 and the destination is
//            not written at all (a 32-bit destination keeps its upper half);
//            otherwise ZF = 0 and PF is the parity of the bit index.
//   TZCNT/LZCNT: CF = source zero, ZF = result zero, SF = AF = PF = 0, OF unchanged.
//   POPCNT: ZF = source zero, all others 0 (defined by the SDM).
import type { Cpu } from '../cpu.js';
import type { Handler, Insn } from '../insn.js';
import { SEG_FS, SEG_SS } from '../insn.js';
import { CF, OF } from '../flags.js';
import { Vector } from '../exceptions.js';

const CANON_LIMIT = 0x800000000000; // 2^47

/** Applies bit operation `op` (0 bt, 1 bts, 2 btr, 3 btc) to bit `b` (0..31) of x; CF = old bit. */
function bitOp(cpu: Cpu, op: number, x: number, b: number): number {
  const m = 1 << b;
  cpu.fAux = (cpu.fAux & ~CF) | ((x >>> b) & 1);
  switch (op) {
    case 1: return x | m;
    case 2: return x & ~m;
    case 3: return x ^ m;
    default: return x;
  }
}

/** Tests/modifies bit `bit` of the value (a, ah) and writes it back to the register or to `lin`. */
function btValue(cpu: Cpu, i: Insn, op: number, s: number, bit: number, a: number, ah: number, lin: number): void {
  let lo = a, hi = ah;
  if (s === 8 && bit >= 32) hi = bitOp(cpu, op, ah, bit - 32);
  else lo = bitOp(cpu, op, a, bit);
  if (op === 0) return;
  if (!i.isMem) cpu.setReg(s, i.rm, lo, hi);
  else cpu.writeMem(s, lin, lo, hi);
}

/**
 * BT* Ev, Gv. With a memory operand the register is a signed bit offset into a
 * bit string starting at the operand's address (SDM Vol. 1 §3.4.1 "bit
 * string", Vol. 2 "BT"): the access is the operand-size unit at
 * address + (offset >> log2(bits)) * bytes, bit offset & (bits - 1).
 */
export const btG = (op: number): Handler => (cpu, i) => {
  const s = i.opSize;
  const off = cpu.getReg(s, i.reg), offHi = cpu.hi;
  if (!i.isMem) {
    const a = cpu.getReg(s, i.rm), ah = cpu.hi;
    btValue(cpu, i, op, s, off & (s * 8 - 1), a, ah, 0);
    return;
  }
  // Displacement in bytes (a multiple of the operand size), from the signed offset.
  let disp: number;
  if (s === 2) disp = (((off << 16) >> 16) >> 4) * 2;
  else if (s === 4) disp = (off >> 5) * 4;
  else if (i.addrSize === 4) disp = ((off >>> 3) | (offHi << 29)) & ~7; // only the low 32 bits matter
  else disp = (offHi * 67108864 /* 2^26 */ + Math.floor((off >>> 0) / 64)) * 8; // inexact only far outside the canonical range
  const lin = bitStringAddress(cpu, i, disp);
  if (op !== 0) cpu.mmu.probeWrite(lin, s); // a read-modify-write faults as a write (#PF W=1)
  const a = cpu.readMem(s, lin), ah = cpu.hi;
  btValue(cpu, i, op, s, off & (s * 8 - 1), a, ah, lin);
};

/**
 * The operand address moved by `disp` bytes, canonical-checked. With a 32-bit
 * address size the offset wraps at 2^32 before the FS/GS base is added (checked
 * on hardware).
 */
function bitStringAddress(cpu: Cpu, i: Insn, disp: number): number {
  let lin = cpu.ea(i);
  if (i.addrSize === 4) {
    const base = i.seg >= SEG_FS ? cpu.segBase[i.seg]! : 0;
    lin = (((lin - base) + disp) >>> 0) + base;
  } else lin += disp;
  if (lin >= CANON_LIMIT || lin < -CANON_LIMIT) {
    const ss = i.seg === SEG_SS || (i.seg < 0 && (i.base === 4 || i.base === 5));
    cpu.raise(ss ? Vector.SS : Vector.GP, 0);
  }
  return lin;
}

/** BT* Ev, Ib: the offset is the immediate modulo the operand width; memory does not move. */
export const btI = (op: number): Handler => (cpu, i) => {
  const s = i.opSize;
  const bit = i.imm & (s * 8 - 1);
  if (!i.isMem) {
    const a = cpu.getReg(s, i.rm);
    btValue(cpu, i, op, s, bit, a, cpu.hi, 0);
    return;
  }
  const lin = cpu.ea(i);
  if (op !== 0) cpu.mmu.probeWrite(lin, s); // a read-modify-write faults as a write (#PF W=1)
  const a = cpu.readMem(s, lin);
  btValue(cpu, i, op, s, bit, a, cpu.hi, lin);
};

/** Index of the lowest set bit of a non-zero value of `s` bytes (low dword lo, high hi). */
function lowestBit(s: number, lo: number, hi: number): number {
  if (s === 8 && lo === 0) return 63 - Math.clz32(hi & -hi);
  return 31 - Math.clz32(lo & -lo);
}
/** Index of the highest set bit of a non-zero value. */
function highestBit(s: number, lo: number, hi: number): number {
  if (s === 8 && hi !== 0) return 63 - Math.clz32(hi);
  return 31 - Math.clz32(lo);
}
/** The operand masked to its size: low dword (the high dword stays in cpu.hi for size 8). */
function source(cpu: Cpu, i: Insn, s: number): number {
  const v = cpu.readE(i, s);
  return s === 2 ? v & 0xffff : v;
}

/** BSF/BSR flags: ZF from the source, PF from the index, the rest 0. */
function bsFlags(cpu: Cpu, zero: boolean, idx: number): void {
  cpu.fAux = 0;
  cpu.fS = 0;
  cpu.fZ = zero ? 0 : 1;
  cpu.fP = zero ? 0 : idx;
}

export const bsf: Handler = (cpu, i) => {
  const s = i.opSize;
  const lo = source(cpu, i, s), hi = s === 8 ? cpu.hi : 0;
  if ((lo | hi) === 0) { bsFlags(cpu, true, 0); return; } // AMD: destination unchanged
  const idx = lowestBit(s, lo, hi);
  cpu.setReg(s, i.reg, idx, 0);
  bsFlags(cpu, false, idx);
};

export const bsr: Handler = (cpu, i) => {
  const s = i.opSize;
  const lo = source(cpu, i, s), hi = s === 8 ? cpu.hi : 0;
  if ((lo | hi) === 0) { bsFlags(cpu, true, 0); return; }
  const idx = highestBit(s, lo, hi);
  cpu.setReg(s, i.reg, idx, 0);
  bsFlags(cpu, false, idx);
};

/** TZCNT/LZCNT/POPCNT result flags: CF as given, ZF = result zero, SF = AF = PF = 0. */
function countFlags(cpu: Cpu, keep: number, cf: number, result: number): void {
  cpu.fAux = (cpu.fAux & keep) | cf;
  cpu.fZ = result;
  cpu.fS = 0;
  cpu.fP = 1; // odd parity: PF = 0
}

/** TZCNT (F3 0F BC, BMI1): trailing zero count; the operand width for 0. */
export const tzcnt: Handler = (cpu, i) => {
  const s = i.opSize;
  const lo = source(cpu, i, s), hi = s === 8 ? cpu.hi : 0;
  const zero = (lo | hi) === 0;
  const n = zero ? s * 8 : lowestBit(s, lo, hi);
  cpu.setReg(s, i.reg, n, 0);
  countFlags(cpu, OF, zero ? CF : 0, n);
};

/** LZCNT (F3 0F BD, ABM): leading zero count; the operand width for 0. */
export const lzcnt: Handler = (cpu, i) => {
  const s = i.opSize;
  const lo = source(cpu, i, s), hi = s === 8 ? cpu.hi : 0;
  const zero = (lo | hi) === 0;
  const n = zero ? s * 8 : s * 8 - 1 - highestBit(s, lo, hi);
  cpu.setReg(s, i.reg, n, 0);
  countFlags(cpu, OF, zero ? CF : 0, n);
};

function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** POPCNT (F3 0F B8): ZF = source zero, OF SF AF CF PF = 0. */
export const popcnt: Handler = (cpu, i) => {
  const s = i.opSize;
  const lo = source(cpu, i, s), hi = s === 8 ? cpu.hi : 0;
  const n = popcount32(lo) + popcount32(hi);
  cpu.setReg(s, i.reg, n, 0);
  countFlags(cpu, 0, 0, n);
};
