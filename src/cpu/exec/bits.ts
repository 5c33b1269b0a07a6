// BT BTS BTR BTC (register and memory bit-string forms), BSF BSR TZCNT LZCNT
// POPCNT (SDM Vol. 2 entries; APM Vol. 3 same names).
//
// Undefined flags follow AMD (measured on an AMD EPYC host with the native
// differential harness):
//   BT/BTS/BTR/BTC: only CF changes; OF SF ZF AF PF are left unchanged.
//   BSF/BSR: OF SF AF CF = 0; source 0: ZF = 1, PF = 1 and the destination is
//            not written at all (a 32-bit destination keeps its upper half);
//            otherwise ZF = 0 and PF is the parity of the bit index.
//   TZCNT/LZCNT: CF = source zero, ZF = result zero, SF = AF = PF = 0, OF unchanged.
//   POPCNT: ZF = source zero, all others 0 (defined by the SDM).
import { CF, OF } from '../../arch/rflags.js';
import { Vector } from '../../arch/vectors.js';
import { SEG_FS } from '../../arch/registers.js';
import type { Insn } from '../../isa/insn.js';
import type { ExecContext, Handler } from '../context.js';
import { CANON_LIMIT, effectiveAddress, isStackReference, loadOperand, storeOperand } from '../operands.js';

/** Applies bit operation `op` (0 bt, 1 bts, 2 btr, 3 btc) to bit `b` (0..31) of x; CF = the old bit. */
function bitOp(c: ExecContext, op: number, x: number, b: number): number {
  const m = 1 << b;
  c.fAux = (c.fAux & ~CF) | ((x >>> b) & 1);
  switch (op) {
    case 1: return x | m;
    case 2: return x & ~m;
    case 3: return x ^ m;
    default: return x;
  }
}

/** Tests/modifies bit `bit` of slot 0 and writes it back to the register or to `lin`. */
export function applyBit(c: ExecContext, i: Insn, op: number, bit: number, lin: number): void {
  const s = i.size0, v = c.ops;
  if (s === 8 && bit >= 32) v.hi[0] = bitOp(c, op, v.hi[0]!, bit - 32);
  else v.lo[0] = bitOp(c, op, v.lo[0]!, bit);
  if (op === 0) return;
  if (!i.isMem) c.setReg(s, i.rm, v.lo[0]!, v.hi[0]!);
  else c.mmu.write(s, lin, v.lo[0]!, v.hi[0]!);
}

/**
 * BT* Ev, Gv / Ev, Ib (param: the operation). With a memory operand and a
 * register offset, the register is a signed bit offset into a bit string at
 * the operand's address (SDM Vol. 1 §3.4.1 "bit string", Vol. 2 "BT"): the
 * access is the operand-size unit at address + (offset >> log2(bits)) * bytes.
 * An immediate offset is taken modulo the operand width (memory does not move).
 */
export const bt: Handler = (c, i) => {
  const s = i.size0, op = i.param, v = c.ops;
  loadOperand(c, i, 1);
  const off = v.lo[1]!, offHi = v.hi[1]!;
  const bit = off & (s * 8 - 1);
  if (!i.isMem) {
    loadOperand(c, i, 0);
    applyBit(c, i, op, bit, 0);
    return;
  }
  let lin = effectiveAddress(c, i);
  if (i.row.operands[1]!.kind === 'G') lin = bitStringAddress(c, i, lin, bitStringDisplacement(s, i, off, offHi));
  if (op !== 0) c.mmu.probeWrite(lin, s); // a read-modify-write faults as a write (#PF W=1)
  v.lo[0] = c.mmu.read(s, lin);
  v.hi[0] = s === 8 ? c.mmu.hi : 0;
  applyBit(c, i, op, bit, lin);
};

/** Displacement in bytes (a multiple of the operand size) of the unit holding the signed bit offset. */
function bitStringDisplacement(s: number, i: Insn, off: number, offHi: number): number {
  if (s === 2) return (((off << 16) >> 16) >> 4) * 2;
  if (s === 4) return (off >> 5) * 4;
  if (i.addrSize === 4) return ((off >>> 3) | (offHi << 29)) & ~7; // only the low 32 bits matter
  return (offHi * 67108864 /* 2^26 */ + Math.floor((off >>> 0) / 64)) * 8; // inexact only far outside the canonical range
}

/**
 * The operand address moved by `disp` bytes, canonical-checked. With a 32-bit
 * address size the offset wraps at 2^32 before the FS/GS base is added (checked
 * on hardware).
 */
function bitStringAddress(c: ExecContext, i: Insn, lin: number, disp: number): number {
  if (i.addrSize === 4) {
    const base = i.seg >= SEG_FS ? c.segBase[i.seg]! : 0;
    lin = (((lin - base) + disp) >>> 0) + base;
  } else lin += disp;
  if (lin >= CANON_LIMIT || lin < -CANON_LIMIT) c.raise(isStackReference(i) ? Vector.SS : Vector.GP, 0);
  return lin;
}

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

/** BSF/BSR flags: ZF from the source, PF from the index, the rest 0. */
function bitScanFlags(c: ExecContext, zero: boolean, idx: number): void {
  c.fAux = 0;
  c.fS = 0;
  c.fZ = zero ? 0 : 1;
  c.fP = zero ? 0 : idx;
}

/** BSF (param 0) / BSR (param 1): with a zero source the destination is not written (AMD). */
function bitScan(forward: boolean): Handler {
  return (c, i) => {
    loadOperand(c, i, 1);
    const s = i.size0, lo = c.ops.lo[1]!, hi = c.ops.hi[1]!;
    if ((lo | hi) === 0) { bitScanFlags(c, true, 0); return; }
    const idx = forward ? lowestBit(s, lo, hi) : highestBit(s, lo, hi);
    c.ops.lo[0] = idx; c.ops.hi[0] = 0;
    storeOperand(c, i, 0);
    bitScanFlags(c, false, idx);
  };
}
export const bsf = bitScan(true);
export const bsr = bitScan(false);

/** TZCNT/LZCNT/POPCNT result flags: CF as given, ZF = result zero, SF = AF = PF = 0. */
function countFlags(c: ExecContext, keep: number, cf: number, result: number): void {
  c.fAux = (c.fAux & keep) | cf;
  c.fZ = result;
  c.fS = 0;
  c.fP = 1; // odd parity: PF = 0
}

/** TZCNT (BMI1) / LZCNT (ABM): zero count; the operand width for a zero source. */
function zeroCount(trailing: boolean): Handler {
  return (c, i) => {
    loadOperand(c, i, 1);
    const s = i.size0, lo = c.ops.lo[1]!, hi = c.ops.hi[1]!;
    const zero = (lo | hi) === 0;
    const n = zero ? s * 8 : trailing ? lowestBit(s, lo, hi) : s * 8 - 1 - highestBit(s, lo, hi);
    c.ops.lo[0] = n; c.ops.hi[0] = 0;
    storeOperand(c, i, 0);
    countFlags(c, OF, zero ? CF : 0, n);
  };
}
export const tzcnt = zeroCount(true);
export const lzcnt = zeroCount(false);

function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** POPCNT: ZF = source zero, OF SF AF CF PF = 0. */
export const popcnt: Handler = (c, i) => {
  loadOperand(c, i, 1);
  const n = popcount32(c.ops.lo[1]!) + popcount32(c.ops.hi[1]!);
  c.ops.lo[0] = n; c.ops.hi[0] = 0;
  storeOperand(c, i, 0);
  countFlags(c, 0, 0, n);
};
