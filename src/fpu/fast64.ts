// Fast path for binary64 add/sub/mul/div/sqrt: round-to-nearest, both operands normal and the result
// safely normal, where the host double is the correctly rounded result and the precision flag is
// found exactly with error-free transforms (TwoSum; Dekker/Veltkamp TwoProduct; for division the
// remainder a - q*b, exact by Sterbenz's lemma). Everything else returns false (slow exact path).
// No allocation: one shared Float64Array view.
import { FpFlag, type FpEnv, type FpResult } from './types.js';

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
f64[0] = 1;
const LITTLE_ENDIAN = u32[1] === 0x3ff00000;

const SPLIT = 134217729; // 2^27 + 1

/** Switch for tests (the slow path must agree with the host on its own); on by default. */
export const FastPath = { enabled: true };

/** Biased exponent bounds: operands and results inside keep every partial product exact. */
const EXP_MIN = 130; // 2^-893: Dekker's low products stay above the denormal range
const EXP_MAX = 2000; // 2^977: the Veltkamp split does not overflow

function toDouble(lo: number, hi: number): number {
  u32[0] = lo;
  u32[1] = hi;
  return f64[0]!;
}

/** The exact error of fl(x*y) = p, i.e. x*y - p (both within the EXP bounds). */
function productError(x: number, y: number, p: number): number {
  let c = SPLIT * x;
  const xh = c - (c - x);
  const xl = x - xh;
  c = SPLIT * y;
  const yh = c - (c - y);
  const yl = y - yh;
  return xh * yh - p + xh * yl + xl * yh + xl * yl;
}

/** op: 0 add, 1 sub, 2 mul, 3 div (arith.ts Op). True when the result was produced here. */
export function fastArith64(op: number, alo: number, ahi: number, blo: number, bhi: number, env: FpEnv, res: FpResult): boolean {
  if (env.rc !== 0 || !LITTLE_ENDIAN || !FastPath.enabled) return false;
  const ea = (ahi >>> 20) & 0x7ff;
  const eb = (bhi >>> 20) & 0x7ff;
  if (ea === 0 || ea === 0x7ff || eb === 0 || eb === 0x7ff) return false;
  const a = toDouble(alo, ahi);
  const b = toDouble(blo, bhi);
  let r: number;
  let inexact: boolean;
  if (op <= 1) {
    const bb = op === 0 ? b : -b;
    r = a + bb;
    const v = r - a;
    inexact = a - (r - v) + (bb - v) !== 0;
  } else {
    if (ea > EXP_MAX || eb > EXP_MAX || ea < EXP_MIN || eb < EXP_MIN) return false;
    r = op === 2 ? a * b : a / b;
    f64[0] = r;
    const er = (u32[1]! >>> 20) & 0x7ff;
    if (er < EXP_MIN || er > EXP_MAX) return false;
    if (op === 2) inexact = productError(a, b, r) !== 0;
    else {
      const p = r * b;
      inexact = a - p !== productError(r, b, p);
    }
  }
  f64[0] = r;
  const hi = u32[1]!;
  const er = (hi >>> 20) & 0x7ff;
  if (er < 2 || er === 0x7ff) return false; // zero, near the underflow threshold, or overflow
  res.lo = u32[0]!;
  res.hi = hi;
  if (inexact) {
    env.last |= FpFlag.PE;
    env.flags |= FpFlag.PE;
  }
  return true;
}

/** SQRTSD: exact iff r*r == a (TwoProduct), for a positive normal a in the split-safe range. */
export function fastSqrt64(lo: number, hi: number, env: FpEnv, res: FpResult): boolean {
  if (env.rc !== 0 || !LITTLE_ENDIAN || !FastPath.enabled || hi >>> 31) return false;
  const ea = (hi >>> 20) & 0x7ff;
  if (ea < EXP_MIN || ea > EXP_MAX) return false;
  const a = toDouble(lo, hi);
  const r = Math.sqrt(a);
  const p = r * r;
  const inexact = p !== a || productError(r, r, p) !== 0;
  f64[0] = r;
  res.lo = u32[0]!;
  res.hi = u32[1]!;
  if (inexact) {
    env.last |= FpFlag.PE;
    env.flags |= FpFlag.PE;
  }
  return true;
}
