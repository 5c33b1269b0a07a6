// x87 extended-precision (80-bit) arithmetic, loads and stores (SDM Vol. 1 chapter 8, Vol. 2
// FADD/FSUB/FMUL/FDIV/FSQRT/FLD/FILD/FST/FIST/FISTTP). Extended values: significand lo/hi
// (integer bit explicit, bit 31 of hi) and se (sign and 15-bit exponent); results go to the
// caller's FpResult. Precision control (env.pc) rounds arithmetic results to 24/53/64 bits with
// the full 15-bit exponent range; env.c1 reports a round-up (C1). No DAZ/FTZ on the x87.
import { Op, arith, sqrtCore } from './arith.js';
import { fastAdd80, fastMul80 } from './fast80.js';
import { fastLoad32, fastLoad64, fastLoadInt, fastStore, fastToInt } from './fast80-move.js';
import {
  Cls, F32, F64, F80, F80_24, F80_53, type Format, type Unpacked, createUnpacked, packDefaultNaN, packFinite, packInf,
  packZero, unpack32, unpack64, unpack80,
} from './format.js';
import { raise, roundAt, roundPack, roundedInexact, roundedM, roundedUp } from './round.js';
import { FpFlag, type FpEnv, type FpResult, Precision, Rounding } from './types.js';

/** The operands of the x87 entry points (shared with x87-misc.ts; nan80x2 reads them). */
export const A = createUnpacked();
export const B = createUnpacked();

export function x87Format(pc: number): Format {
  return pc === Precision.SINGLE ? F80_24 : pc === Precision.DOUBLE ? F80_53 : F80;
}

export function begin87(env: FpEnv): void {
  env.last = 0;
  env.c1 = 0;
}

const isNaNCls = (u: Unpacked) => u.cls === Cls.QNAN || u.cls === Cls.SNAN;

/** Copy an extended NaN to res, quieted. */
function quiet80(lo: number, hi: number, se: number, res: FpResult): void {
  res.lo = lo >>> 0;
  res.hi = (hi | 0x40000000) >>> 0;
  res.se = se & 0xffff;
}

/**
 * Operand checks shared by the two-operand x87 arithmetic (SDM Vol. 1 §8.5.1.2, table 4-7 x87
 * column): an unsupported encoding is invalid (default NaN); NaNs propagate: an SNaN with a QNaN
 * gives the QNaN, two NaNs of a kind give the one with the larger significand (then the positive
 * one), an SNaN is quieted with IE. Returns true when the result is decided.
 */
export function nan80x2(
  alo: number, ahi: number, ase: number, blo: number, bhi: number, bse: number, env: FpEnv, res: FpResult,
): boolean {
  if (A.cls === Cls.UNSUPPORTED || B.cls === Cls.UNSUPPORTED) {
    raise(env, FpFlag.IE);
    packDefaultNaN(F80, res);
    return true;
  }
  const na = isNaNCls(A);
  const nb = isNaNCls(B);
  if (!na && !nb) return false;
  if (A.cls === Cls.SNAN || B.cls === Cls.SNAN) raise(env, FpFlag.IE);
  let pickA: boolean;
  if (!nb) pickA = true;
  else if (!na) pickA = false;
  else if (A.cls !== B.cls) pickA = A.cls === Cls.QNAN;
  else {
    const qa = (ahi | 0x40000000) >>> 0;
    const qb = (bhi | 0x40000000) >>> 0;
    if (qa !== qb) pickA = qa > qb;
    else if (alo >>> 0 !== blo >>> 0) pickA = alo >>> 0 > blo >>> 0;
    else pickA = (ase & 0xffff) <= (bse & 0xffff);
  }
  if (pickA) quiet80(alo, ahi, ase, res);
  else quiet80(blo, bhi, bse, res);
  return true;
}

/** DE when `a` or `b` is a denormal (a finite with a zero integer bit or exponent; §4.9.1.2). */
export function denormalOperands(env: FpEnv, a: Unpacked, b: Unpacked = a): void {
  if ((a.cls === Cls.FINITE && a.denormal) || (b.cls === Cls.FINITE && b.denormal)) raise(env, FpFlag.DE);
}

/** DE for a denormal operand unless the operation was invalid or a divide by zero (§4.9.2). */
function denormal87(env: FpEnv, a: Unpacked, b: Unpacked = a): void {
  if ((env.last & (FpFlag.IE | FpFlag.ZE)) === 0) denormalOperands(env, a, b);
}

/**
 * Two-operand entry: unpack a into the module operand A and b into B; an unsupported encoding or
 * a NaN decides the result (nan80x2). Returns true when it is decided.
 */
export function operands80(
  alo: number, ahi: number, ase: number, blo: number, bhi: number, bse: number, env: FpEnv, res: FpResult,
): boolean {
  unpack80(alo, ahi, ase, A);
  unpack80(blo, bhi, bse, B);
  return nan80x2(alo, ahi, ase, blo, bhi, bse, env, res);
}

function arith80(
  op: number, alo: number, ahi: number, ase: number, blo: number, bhi: number, bse: number, env: FpEnv, res: FpResult,
): void {
  begin87(env);
  if (op === Op.MUL ? fastMul80(alo, ahi, ase, blo, bhi, bse, env, res) : op !== Op.DIV && fastAdd80(alo, ahi, ase, blo, bhi, bse, op === Op.SUB, env, res)) return;
  if (operands80(alo, ahi, ase, blo, bhi, bse, env, res)) return;
  arith(op, A, B, x87Format(env.pc), env, res, true);
  denormal87(env, A, B);
}

/** FADD/FSUB/FMUL/FDIV: a op b (a = the destination's old value for FSUB/FDIV, not reversed). */
export function f80Add(alo: number, ahi: number, ase: number, blo: number, bhi: number, bse: number, env: FpEnv, res: FpResult): void {
  arith80(Op.ADD, alo, ahi, ase, blo, bhi, bse, env, res);
}
export function f80Sub(alo: number, ahi: number, ase: number, blo: number, bhi: number, bse: number, env: FpEnv, res: FpResult): void {
  arith80(Op.SUB, alo, ahi, ase, blo, bhi, bse, env, res);
}
export function f80Mul(alo: number, ahi: number, ase: number, blo: number, bhi: number, bse: number, env: FpEnv, res: FpResult): void {
  arith80(Op.MUL, alo, ahi, ase, blo, bhi, bse, env, res);
}
export function f80Div(alo: number, ahi: number, ase: number, blo: number, bhi: number, bse: number, env: FpEnv, res: FpResult): void {
  arith80(Op.DIV, alo, ahi, ase, blo, bhi, bse, env, res);
}

/**
 * One-operand entry: unpack a into the module operand A; an unsupported encoding gives IE and the
 * default NaN, a NaN is propagated quieted (IE for an SNaN). Returns the operand or undefined
 * when the result is decided.
 */
export function operand80(lo: number, hi: number, se: number, env: FpEnv, res: FpResult): Unpacked | undefined {
  unpack80(lo, hi, se, A);
  if (A.cls === Cls.UNSUPPORTED) {
    raise(env, FpFlag.IE);
    packDefaultNaN(F80, res);
    return undefined;
  }
  if (isNaNCls(A)) {
    if (A.cls === Cls.SNAN) raise(env, FpFlag.IE);
    quiet80(lo, hi, se, res);
    return undefined;
  }
  return A;
}

export function f80Sqrt(lo: number, hi: number, se: number, env: FpEnv, res: FpResult): void {
  begin87(env);
  const a = operand80(lo, hi, se, env, res);
  if (!a) return;
  sqrtCore(a, x87Format(env.pc), env, res, true);
  denormal87(env, a);
}

// ---------------------------------------------------------------------------------------------
// Loads (FLD m32/m64, FILD): exact. SNaN -> IE and quieted; a denormal source raises DE.

export function f80FromF32(x: number, env: FpEnv, res: FpResult): void {
  begin87(env);
  if (fastLoad32(x, env, res)) return;
  const u = unpack32(x, A, false);
  if (isNaNCls(u)) {
    if (u.cls === Cls.SNAN) raise(env, FpFlag.IE);
    res.lo = 0;
    res.hi = (0xc0000000 | ((x & 0x3fffff) << 8)) >>> 0;
    res.se = (u.sign << 15) | 0x7fff;
  } else if (u.cls === Cls.INF) packInf(u.sign, F80, res);
  else if (u.cls === Cls.ZERO) packZero(u.sign, F80, res);
  else {
    if (u.denormal) raise(env, FpFlag.DE);
    packFinite(u.sign, u.sig, u.exp, F80, res);
  }
}

export function f80FromF64(lo: number, hi: number, env: FpEnv, res: FpResult): void {
  begin87(env);
  if (fastLoad64(lo, hi, env, res)) return;
  const u = unpack64(lo, hi, A, false);
  if (isNaNCls(u)) {
    if (u.cls === Cls.SNAN) raise(env, FpFlag.IE);
    res.lo = (lo << 11) >>> 0;
    res.hi = (0xc0000000 | ((hi & 0x7ffff) << 11) | (lo >>> 21)) >>> 0;
    res.se = (u.sign << 15) | 0x7fff;
  } else if (u.cls === Cls.INF) packInf(u.sign, F80, res);
  else if (u.cls === Cls.ZERO) packZero(u.sign, F80, res);
  else {
    if (u.denormal) raise(env, FpFlag.DE);
    packFinite(u.sign, u.sig, u.exp, F80, res);
  }
}

/** FILD m16/m32/m64: the signed integer sign-extended to 64 bits as lo/hi halves (exact). */
export function f80FromInt(lo: number, hi: number, env: FpEnv, res: FpResult): void {
  begin87(env);
  if (fastLoadInt(lo, hi, env, res)) return;
  const v = (BigInt(hi | 0) << 32n) | BigInt(lo >>> 0);
  if (v === 0n) packZero(0, F80, res);
  else packFinite(v < 0n ? 1 : 0, v < 0n ? -v : v, 0, F80, res);
}

// ---------------------------------------------------------------------------------------------
// Stores.

/** FST(P) m32 / m64: rounded by RC to the memory format (x87 underflow/overflow rules). */
function storeFloat(lo: number, hi: number, se: number, fmt: Format, env: FpEnv, res: FpResult): void {
  begin87(env);
  if (fastStore(lo, hi, se, fmt.bits, env, res)) return;
  unpack80(lo, hi, se, A);
  if (A.cls === Cls.UNSUPPORTED) {
    raise(env, FpFlag.IE);
    return packDefaultNaN(fmt, res);
  }
  if (isNaNCls(A)) {
    if (A.cls === Cls.SNAN) raise(env, FpFlag.IE);
    const s = (se >>> 15) & 1;
    if (fmt.bits === 32) res.lo = ((s << 31) | 0x7fc00000 | ((hi >>> 8) & 0x3fffff)) >>> 0;
    else {
      res.lo = ((hi << 21) | (lo >>> 11)) >>> 0;
      res.hi = ((s << 31) | 0x7ff80000 | ((hi >>> 11) & 0x7ffff)) >>> 0;
    }
    return;
  }
  if (A.cls === Cls.INF) return packInf(A.sign, fmt, res);
  if (A.cls === Cls.ZERO) return packZero(A.sign, fmt, res);
  // no DE for a denormal source (host-checked: it underflows to the memory format instead)
  roundPack(A.sign, A.sig, A.exp, false, fmt, env, res, true);
}

export function f80ToF32(lo: number, hi: number, se: number, env: FpEnv, res: FpResult): number {
  storeFloat(lo, hi, se, F32, env, res);
  return res.lo;
}
export function f80ToF64(lo: number, hi: number, se: number, env: FpEnv, res: FpResult): void {
  storeFloat(lo, hi, se, F64, env, res);
}

/**
 * FIST(P) / FISTTP m16/m32/m64 (`bits`): rounded by RC, or toward zero for FISTTP. Out of range,
 * NaN, infinity or an unsupported encoding: IE and the integer indefinite (only the top bit set).
 * The result (sign-extended to 64 bits) goes to res.lo/res.hi.
 */
export function f80ToInt(lo: number, hi: number, se: number, bits: number, truncate: boolean, env: FpEnv, res: FpResult): void {
  begin87(env);
  if (fastToInt(lo, hi, se, bits, truncate ? Rounding.TOWARD_ZERO : env.rc, env, res)) return;
  unpack80(lo, hi, se, A);
  const min = -(1n << BigInt(bits - 1));
  let v = 0n;
  if (A.cls === Cls.FINITE) {
    // no DE for a denormal source (host-checked)
    roundAt(A.sign, A.sig, A.exp, 0, truncate ? Rounding.TOWARD_ZERO : env.rc);
    v = A.sign ? -roundedM : roundedM;
    if (v < min || v > -min - 1n) v = min - 1n;
    else if (roundedInexact) {
      raise(env, FpFlag.PE);
      env.c1 = roundedUp ? 1 : 0;
    }
  } else if (A.cls !== Cls.ZERO) v = min - 1n;
  if (v === min - 1n) {
    raise(env, FpFlag.IE);
    v = min;
  }
  const w = BigInt.asUintN(64, v);
  res.lo = Number(w & 0xffffffffn) >>> 0;
  res.hi = Number(w >> 32n) >>> 0;
}
