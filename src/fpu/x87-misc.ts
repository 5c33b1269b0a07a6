// x87 compare, classification and the exact "integer-ish" operations: FCOM/FUCOM, FXAM, FRNDINT,
// FSCALE, FXTRACT, FPREM/FPREM1 (SDM Vol. 2A/2B). Condition codes come back as status-word bits.
import { Cls, F80, type Unpacked, bitLength, packDefaultNaN, packFinite, packInf, packZero, unpack80 } from './format.js';
import { raise, roundAt, roundPack, roundedInexact, roundedM, roundedUp } from './round.js';
import { FpFlag, type FpEnv, type FpResult, Rounding } from './types.js';
import { A, B, begin87, denormalOperands, operand80, operands80 } from './x87.js';

/** x87 status word condition bits (SDM Vol. 1 §8.1.3). */
export const X87Cond = { C0: 0x100, C1: 0x200, C2: 0x400, C3: 0x4000 } as const;


/** Signed comparison of two ZERO/FINITE/INF operands: -1, 0, 1. */
function order(a: Unpacked, b: Unpacked): number {
  const va = a.cls === Cls.ZERO ? 0 : a.sign ? -1 : 1;
  const vb = b.cls === Cls.ZERO ? 0 : b.sign ? -1 : 1;
  if (va !== vb || va === 0) return va < vb ? -1 : va > vb ? 1 : 0;
  let c: number;
  if (a.cls === Cls.INF || b.cls === Cls.INF) c = a.cls === b.cls ? 0 : a.cls === Cls.INF ? 1 : -1;
  else {
    const e0 = Math.min(a.exp, b.exp);
    const ma = a.sig << BigInt(a.exp - e0);
    const mb = b.sig << BigInt(b.exp - e0);
    c = ma === mb ? 0 : ma > mb ? 1 : -1;
  }
  return va < 0 ? -c : c;
}

/**
 * FCOM (unordered = false) / FUCOM: C3 C2 C0 = 000 greater, 001 less, 100 equal, 111 unordered.
 * FCOM signals IE on any NaN, FUCOM on an SNaN only; unsupported encodings always signal.
 */
export function f80Compare(
  alo: number, ahi: number, ase: number, blo: number, bhi: number, bse: number, unordered: boolean, env: FpEnv,
): number {
  begin87(env);
  unpack80(alo, ahi, ase, A);
  unpack80(blo, bhi, bse, B);
  const bad = (u: Unpacked) => u.cls === Cls.UNSUPPORTED || u.cls === Cls.SNAN || (!unordered && u.cls === Cls.QNAN);
  if (A.cls >= Cls.QNAN || B.cls >= Cls.QNAN) {
    if (bad(A) || bad(B)) raise(env, FpFlag.IE);
    return X87Cond.C3 | X87Cond.C2 | X87Cond.C0;
  }
  denormalOperands(env, A, B);
  const c = order(A, B);
  return c === 0 ? X87Cond.C3 : c < 0 ? X87Cond.C0 : 0;
}

/**
 * FXAM (SDM Vol. 2A FXAM table): C1 = sign; C3 C2 C0 = 000 unsupported, 001 NaN, 010 normal,
 * 011 infinity, 100 zero, 101 empty, 110 denormal (pseudo-denormals included). No flags.
 */
export function f80Examine(lo: number, hi: number, se: number, empty: boolean): number {
  unpack80(lo, hi, se, A);
  const c1 = A.sign ? X87Cond.C1 : 0;
  if (empty) return c1 | X87Cond.C3 | X87Cond.C0;
  switch (A.cls) {
    case Cls.UNSUPPORTED: return c1;
    case Cls.QNAN:
    case Cls.SNAN: return c1 | X87Cond.C0;
    case Cls.INF: return c1 | X87Cond.C2 | X87Cond.C0;
    case Cls.ZERO: return c1 | X87Cond.C3;
    default: return c1 | (A.denormal ? X87Cond.C3 | X87Cond.C2 : X87Cond.C2);
  }
}

/** FRNDINT: round to an integer by RC (64-bit precision, PC ignored); PE when inexact, C1 = round up. */
export function f80RoundInt(lo: number, hi: number, se: number, env: FpEnv, res: FpResult): void {
  begin87(env);
  const a = operand80(lo, hi, se, env, res);
  if (!a) return;
  if (a.cls === Cls.ZERO) return packZero(a.sign, F80, res);
  if (a.cls === Cls.INF) return packInf(a.sign, F80, res);
  if (a.denormal) raise(env, FpFlag.DE);
  if (a.exp >= 0) return packFinite(a.sign, a.sig, a.exp, F80, res);
  roundAt(a.sign, a.sig, a.exp, 0, env.rc);
  if (roundedInexact) raise(env, FpFlag.PE);
  env.c1 = roundedUp ? 1 : 0;
  packFinite(a.sign, roundedM, 0, F80, res);
}

/** The integer part of a finite b, toward zero, clamped to ±2^20 (beyond, every result saturates). */
function scaleCount(b: Unpacked): number {
  if (b.cls === Cls.ZERO) return 0;
  const n = b.exp >= 0 ? (bitLength(b.sig) + b.exp > 22 ? 1 << 21 : Number(b.sig << BigInt(b.exp))) : Number(b.sig >> BigInt(-b.exp));
  const m = Math.min(n, 1 << 21);
  return b.sign ? -m : m;
}

/** FSCALE: a * 2^trunc(b) (SDM Vol. 2A FSCALE table), rounded to 64 bits whatever PC. */
export function f80Scale(alo: number, ahi: number, ase: number, blo: number, bhi: number, bse: number, env: FpEnv, res: FpResult): void {
  begin87(env);
  if (operands80(alo, ahi, ase, blo, bhi, bse, env, res)) return;
  denormalOperands(env, A, B);
  if (B.cls === Cls.INF) {
    if ((B.sign && A.cls === Cls.INF) || (!B.sign && A.cls === Cls.ZERO)) {
      env.last &= ~FpFlag.DE; // invalid takes precedence
      raise(env, FpFlag.IE);
      return packDefaultNaN(F80, res);
    }
    if (A.cls === Cls.INF || !B.sign) return packInf(A.sign, F80, res);
    return packZero(A.sign, F80, res);
  }
  if (A.cls === Cls.ZERO) return packZero(A.sign, F80, res);
  if (A.cls === Cls.INF) return packInf(A.sign, F80, res);
  roundPack(A.sign, A.sig, A.exp + scaleCount(B), false, F80, env, res, true); // PC does not apply (host-checked)
}

/**
 * FXTRACT: res = the significand (exponent 0, sign kept), exp = the unbiased exponent as an
 * extended value. Zero: ZE, significand ±0 and exponent -inf; infinity: ±inf and +inf.
 */
export function f80Extract(lo: number, hi: number, se: number, env: FpEnv, res: FpResult, exp: FpResult): void {
  begin87(env);
  const a = operand80(lo, hi, se, env, res);
  if (!a) {
    exp.lo = res.lo;
    exp.hi = res.hi;
    exp.se = res.se;
    return;
  }
  if (a.cls === Cls.ZERO) {
    raise(env, FpFlag.ZE);
    packZero(a.sign, F80, res);
    return packInf(1, F80, exp);
  }
  if (a.cls === Cls.INF) {
    packInf(a.sign, F80, res);
    return packInf(0, F80, exp);
  }
  if (a.denormal) raise(env, FpFlag.DE);
  const n = bitLength(a.sig);
  const e = a.exp + n - 1;
  packFinite(a.sign, a.sig, 1 - n, F80, res);
  if (e === 0) packZero(0, F80, exp);
  else packFinite(e < 0 ? 1 : 0, BigInt(Math.abs(e)), 0, F80, exp);
}

/**
 * FPREM (round = false: quotient truncated) / FPREM1 (IEEE remainder: quotient rounded to
 * nearest-even). Returns C0 C1 C2 C3 as status bits: complete (C2 = 0) with C0 = Q2, C3 = Q1,
 * C1 = Q0; incomplete (C2 = 1) when the exponent difference D >= 64, reducing by a partial
 * quotient of N = 32 + (D - 32) mod 32 bits... checked against the host.
 */
export function f80Rem(
  alo: number, ahi: number, ase: number, blo: number, bhi: number, bse: number, round: boolean, env: FpEnv, res: FpResult,
): number {
  begin87(env);
  if (operands80(alo, ahi, ase, blo, bhi, bse, env, res)) return 0;
  if (A.cls === Cls.INF || B.cls === Cls.ZERO) {
    raise(env, FpFlag.IE);
    packDefaultNaN(F80, res);
    return 0;
  }
  denormalOperands(env, A, B);
  if (A.cls === Cls.ZERO) {
    packZero(A.sign, F80, res);
    return 0;
  }
  if (B.cls === Cls.INF) {
    // a itself; a denormal a is an (exact) tiny result: UE when unmasked, re-biased (host-checked)
    roundPack(A.sign, A.sig, A.exp, false, F80, env, res, true);
    return 0;
  }
  const ea = A.exp + bitLength(A.sig) - 1;
  const eb = B.exp + bitLength(B.sig) - 1;
  const d = ea - eb;
  const e0 = Math.min(A.exp, B.exp);
  const ma = A.sig << BigInt(A.exp - e0);
  let mb = B.sig << BigInt(B.exp - e0);
  let cond = 0;
  let q: bigint;
  if (d < 64) {
    q = ma / mb;
    if (round) {
      const r2 = (ma - q * mb) * 2n;
      if (r2 > mb || (r2 === mb && (q & 1n) === 1n)) q += 1n;
    }
  } else {
    const shift = d - (32 + ((d - 32) % 32));
    mb <<= BigInt(shift);
    q = ma / mb;
    cond = X87Cond.C2;
  }
  const r = ma - q * mb;
  if (!cond) {
    if (q & 4n) cond |= X87Cond.C0;
    if (q & 2n) cond |= X87Cond.C3;
    if (q & 1n) cond |= X87Cond.C1;
  }
  if (r === 0n) packZero(A.sign, F80, res);
  else roundPack(r < 0n ? A.sign ^ 1 : A.sign, r < 0n ? -r : r, e0, false, F80, env, res, true);
  env.c1 = 0;
  return cond;
}

/** FLD1, FLDL2T, FLDL2E, FLDPI, FLDLG2, FLDLN2, FLDZ (in that order: X87Const). */
export const X87Const = { ONE: 0, L2T: 1, L2E: 2, PI: 3, LG2: 4, LN2: 5, ZERO: 6 } as const;

// The constants' significands truncated to 64 bits (hi, lo), exponents (unbiased); every one but
// 1 and 0 has nonzero bits beyond (SDM Vol. 1 §8.3.7: the processor rounds its 66-bit constant by
// RC). Round to nearest is up for PI, L2E, LG2 and LN2 (their 65th bit is 1), down for L2T.
const CONST_HI = [0x80000000, 0xd49a784b, 0xb8aa3b29, 0xc90fdaa2, 0x9a209a84, 0xb17217f7];
const CONST_LO = [0, 0xcd1b8afe, 0x5c17f0bb, 0x2168c234, 0xfbcff798, 0xd1cf79ab];
const CONST_EXP = [0, 1, 0, 1, -2, -1];
const CONST_NEAREST_UP = [false, false, true, true, true, true];

/** Load an x87 constant rounded by RC (no flags; the precision control does not apply). */
export function f80Constant(which: number, env: FpEnv, res: FpResult): void {
  begin87(env);
  if (which === X87Const.ZERO || which < 0 || which > 6) return packZero(0, F80, res);
  let hi = CONST_HI[which]!;
  let lo = CONST_LO[which]!;
  const up = which !== X87Const.ONE && (env.rc === Rounding.NEAREST ? CONST_NEAREST_UP[which]! : env.rc === Rounding.UP);
  if (up) {
    lo = (lo + 1) >>> 0;
    if (lo === 0) hi = (hi + 1) >>> 0; // never carries out of the significand for these constants
  }
  res.lo = lo;
  res.hi = hi;
  res.se = 16383 + CONST_EXP[which]!;
}
