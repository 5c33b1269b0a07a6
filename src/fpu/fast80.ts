// Fast path for x87 FADD/FSUB/FMUL with normal operands and a normal result, every RC and PC,
// without BigInt: the exact sum or product is formed in a 144-bit frame of nine 16-bit limbs
// (module scratch, no allocation) with a sticky bit, normalized so that its leading bit is bit
// 127, rounded at bit 128 - p. Anything else (zeros, denormals, NaNs, infinities, unsupported
// encodings, exact cancellation, a result outside the normal range) returns false and the exact
// BigInt path runs.
import { FastPath } from './fast64.js';
import { FpFlag, type FpEnv, type FpResult, Precision, Rounding } from './types.js';
import { raise } from './round.js';

const L = new Int32Array(9); // limbs, L[0] least significant, each in [0, 0x10000)
const B = new Int32Array(4);
const A4 = new Int32Array(4);
const COLS = new Float64Array(9); // column sums of the product (up to 2^34)
let sticky = false;

const EMIN = -16382;
const EMAX = 16383;

function normal(hi: number, se: number): boolean {
  const e = se & 0x7fff;
  return e !== 0 && e !== 0x7fff && (hi & 0x80000000) !== 0;
}

/** Place the 64-bit significand in B (4 limbs) shifted so that its bit 0 lands at frame bit s. */
function placeB(s: number): void {
  for (let i = 0; i < 9; i++) L[i] = 0;
  sticky = false;
  for (let i = 0; i < 4; i++) {
    const v = B[i]!;
    if (v === 0) continue;
    const pos = s + 16 * i; // frame bit of this limb's bit 0
    if (pos >= 0) {
      const q = pos >> 4;
      const x = v << (pos & 15); // below 2^31
      L[q] = L[q]! | (x & 0xffff);
      if (q + 1 < 9) L[q + 1] = L[q + 1]! | (x >>> 16);
    } else if (pos > -16) {
      const r = -pos;
      if (v & ((1 << r) - 1)) sticky = true;
      L[0] = L[0]! | (v >>> r);
    } else sticky = true;
  }
}

/** Highest set bit of the frame, or -1. */
function topBit(): number {
  for (let i = 8; i >= 0; i--) {
    const v = L[i]!;
    if (v !== 0) return 16 * i + 31 - Math.clz32(v);
  }
  return -1;
}

/** Shift the frame left by k (0 < k < 128), exact. */
function shiftLeft(k: number): void {
  const q = k >> 4;
  const r = k & 15;
  for (let i = 8; i >= 0; i--) {
    const lo = i - q >= 0 ? L[i - q]! : 0;
    const lower = i - q - 1 >= 0 ? L[i - q - 1]! : 0;
    L[i] = ((lo << r) & 0xffff) | (r ? lower >>> (16 - r) : 0);
  }
}

/** Shift the frame right by 1, the dropped bit into sticky. */
function shiftRight1(): void {
  if (L[0]! & 1) sticky = true;
  for (let i = 0; i < 9; i++) L[i] = (L[i]! >>> 1) | (i < 8 ? (L[i + 1]! & 1) << 15 : 0);
}

/**
 * Round the normalized frame (leading bit 127) of exponent e to p bits and pack; false when the
 * result is not a normal extended value.
 */
function roundPack80(sign: number, e: number, env: FpEnv, res: FpResult): boolean {
  const p = env.pc === Precision.SINGLE ? 24 : env.pc === Precision.DOUBLE ? 53 : 64;
  const k = 128 - p; // the lowest kept bit
  const kq = k >> 4;
  const kr = k & 15;
  // round bit (k - 1) and the bits below it
  const rq = (k - 1) >> 4;
  const rr = (k - 1) & 15;
  const roundBit = (L[rq]! >> rr) & 1;
  let below = sticky || (L[rq]! & ((1 << rr) - 1)) !== 0;
  for (let i = 0; i < rq && !below; i++) if (L[i] !== 0) below = true;
  const inexact = roundBit === 1 || below;
  let inc = false;
  if (inexact) {
    if (env.rc === Rounding.NEAREST) inc = roundBit === 1 && (below || ((L[kq]! >> kr) & 1) === 1);
    else if (env.rc === Rounding.DOWN) inc = sign === 1;
    else if (env.rc === Rounding.UP) inc = sign === 0;
  }
  // clear the bits below k, then add one unit at k
  for (let i = 0; i < kq; i++) L[i] = 0;
  L[kq] = L[kq]! & ~((1 << kr) - 1);
  if (inc) {
    let carry = 1 << kr;
    for (let i = kq; i < 9 && carry; i++) {
      const v = L[i]! + carry;
      L[i] = v & 0xffff;
      carry = v >>> 16;
    }
    if (L[8] !== 0) {
      // 2^128: the significand becomes 1.0 one binade up
      L[8] = 0;
      L[7] = 0x8000;
      e++;
    }
  }
  if (e < EMIN || e > EMAX) return false;
  res.hi = ((L[7]! << 16) | L[6]!) >>> 0;
  res.lo = ((L[5]! << 16) | L[4]!) >>> 0;
  res.se = (sign << 15) | (e + 16383);
  if (inexact) raise(env, FpFlag.PE);
  env.c1 = inc ? 1 : 0;
  return true;
}

/** FADD (sub = false) / FSUB: a ± b. */
export function fastAdd80(
  alo: number, ahi: number, ase: number, blo: number, bhi: number, bse: number, sub: boolean, env: FpEnv, res: FpResult,
): boolean {
  if (!FastPath.enabled || !normal(ahi, ase) || !normal(bhi, bse)) return false;
  const sa = (ase >>> 15) & 1;
  const sb = ((bse >>> 15) & 1) ^ (sub ? 1 : 0);
  let ea = ase & 0x7fff;
  let eb = bse & 0x7fff;
  // make a the operand of larger magnitude (by exponent, then significand)
  const swap = eb > ea || (eb === ea && (bhi >>> 0 > ahi >>> 0 || (bhi === ahi && blo >>> 0 > alo >>> 0)));
  let s1 = sa;
  let s2 = sb;
  if (swap) {
    let t = alo;
    alo = blo;
    blo = t;
    t = ahi;
    ahi = bhi;
    bhi = t;
    t = ea;
    ea = eb;
    eb = t;
    s1 = sb;
    s2 = sa;
  }
  const d = ea - eb;
  B[0] = blo & 0xffff;
  B[1] = blo >>> 16;
  B[2] = bhi & 0xffff;
  B[3] = bhi >>> 16;
  placeB(64 - d);
  const bSticky = sticky;
  A4[0] = alo & 0xffff;
  A4[1] = alo >>> 16;
  A4[2] = ahi & 0xffff;
  A4[3] = ahi >>> 16;
  if (s1 === s2) {
    let carry = 0;
    for (let i = 0; i < 9; i++) {
      const v = L[i]! + (i >= 4 && i < 8 ? A4[i - 4]! : 0) + carry;
      L[i] = v & 0xffff;
      carry = v >>> 16;
    }
  } else {
    // a - b, minus one more unit when b has bits below the frame (the true b is larger)
    let borrow = bSticky ? 1 : 0;
    for (let i = 0; i < 9; i++) {
      const v = (i >= 4 && i < 8 ? A4[i - 4]! : 0) - L[i]! - borrow;
      borrow = v < 0 ? 1 : 0;
      L[i] = v & 0xffff;
    }
  }
  const t = topBit();
  if (t < 0) return false; // exact cancellation: the sign of zero depends on RC (slow path)
  if (t === 128) shiftRight1();
  else if (t < 127) shiftLeft(127 - t);
  return roundPack80(s1, ea - 16383 + (t - 127), env, res);
}

/** FMUL: a * b. */
export function fastMul80(alo: number, ahi: number, ase: number, blo: number, bhi: number, bse: number, env: FpEnv, res: FpResult): boolean {
  if (!FastPath.enabled || !normal(ahi, ase) || !normal(bhi, bse)) return false;
  const a0 = alo & 0xffff, a1 = alo >>> 16, a2 = ahi & 0xffff, a3 = ahi >>> 16;
  const b0 = blo & 0xffff, b1 = blo >>> 16, b2 = bhi & 0xffff, b3 = bhi >>> 16;
  // column sums (each below 2^34) then carries
  const c0 = a0 * b0;
  const c1 = a0 * b1 + a1 * b0;
  const c2 = a0 * b2 + a1 * b1 + a2 * b0;
  const c3 = a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0;
  const c4 = a1 * b3 + a2 * b2 + a3 * b1;
  const c5 = a2 * b3 + a3 * b2;
  const c6 = a3 * b3;
  COLS[0] = c0;
  COLS[1] = c1;
  COLS[2] = c2;
  COLS[3] = c3;
  COLS[4] = c4;
  COLS[5] = c5;
  COLS[6] = c6;
  let carry = 0;
  for (let i = 0; i < 9; i++) {
    const v = COLS[i]! + carry;
    L[i] = v % 0x10000;
    carry = Math.floor(v / 0x10000);
  }
  sticky = false;
  const t = topBit(); // 127 or 126
  if (t < 127) shiftLeft(127 - t);
  const e = (ase & 0x7fff) - 16383 + (bse & 0x7fff) - 16383 + (t - 126);
  return roundPack80(((ase ^ bse) >>> 15) & 1, e, env, res);
}
