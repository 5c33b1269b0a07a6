// Fast path for binary64 add/sub/mul/div/sqrt: both operands normal and the result safely normal.
// The host double is the round-to-nearest result; error-free transforms (TwoSum; Dekker/Veltkamp
// TwoProduct; for division the remainder a - q*b, exact by Sterbenz's lemma) give the sign of the
// rounding error exactly, hence the precision flag and the directed roundings (the neighbour of
// the nearest result). Everything else returns false (the exact slow path).
// No allocation: one shared Float64Array view.
import { FpFlag, type FpEnv, type FpResult, Rounding } from './types.js';
import { raise } from './round.js';

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

/**
 * Under a directed rounding (rc ≠ nearest), how the round-to-nearest result's encoding moves to
 * the directed one, given its sign and the sign of (exact − result): +1 one ulp up in magnitude,
 * −1 one ulp down, 0 it stays.
 */
export function directedStep(rc: number, neg: boolean, err: number): number {
  let dir = 0; // +1 toward +infinity, -1 toward -infinity
  if (rc === Rounding.DOWN) dir = err < 0 ? -1 : 0;
  else if (rc === Rounding.UP) dir = err > 0 ? 1 : 0;
  else if (neg ? err > 0 : err < 0) dir = neg ? 1 : -1; // toward zero
  return dir === 0 ? 0 : dir > 0 !== neg ? 1 : -1;
}

/**
 * Deliver the round-to-nearest result r under env.rc, given the sign of the exact value minus r
 * (a directed rounding is r or its neighbour toward the rounding direction); false when the result
 * is not safely normal.
 */
function finish64(r: number, err: number, env: FpEnv, res: FpResult): boolean {
  f64[0] = r;
  let lo = u32[0]!;
  let hi = u32[1]!;
  if ((hi & 0x7ff00000) === 0x7ff00000) return false; // overflow: the slow path decides OE and the result
  if (err !== 0 && env.rc !== Rounding.NEAREST) {
    const step = directedStep(env.rc, hi >>> 31 === 1, err);
    if (step > 0) {
      lo = (lo + 1) >>> 0;
      if (lo === 0) hi = (hi + 1) >>> 0;
    } else if (step < 0) {
      if (lo === 0) hi = (hi - 1) >>> 0;
      lo = (lo - 1) >>> 0;
    }
  }
  const er = (hi >>> 20) & 0x7ff;
  if (er < 2 || er === 0x7ff) return false; // zero, near the underflow threshold, or overflow
  res.lo = lo;
  res.hi = hi;
  if (err !== 0) raise(env, FpFlag.PE);
  return true;
}

/** op: 0 add, 1 sub, 2 mul, 3 div (arith.ts Op). True when the result was produced here. */
export function fastArith64(op: number, alo: number, ahi: number, blo: number, bhi: number, env: FpEnv, res: FpResult): boolean {
  if (!LITTLE_ENDIAN || !FastPath.enabled) return false;
  const ea = (ahi >>> 20) & 0x7ff;
  const eb = (bhi >>> 20) & 0x7ff;
  if (ea === 0 || ea === 0x7ff || eb === 0 || eb === 0x7ff) return false;
  const a = toDouble(alo, ahi);
  const b = toDouble(blo, bhi);
  let r: number;
  let err: number; // the sign of (exact - r)
  if (op <= 1) {
    const bb = op === 0 ? b : -b;
    r = a + bb;
    const v = r - a;
    err = a - (r - v) + (bb - v);
  } else {
    if (ea > EXP_MAX || eb > EXP_MAX || ea < EXP_MIN || eb < EXP_MIN) return false;
    r = op === 2 ? a * b : a / b;
    f64[0] = r;
    const er = (u32[1]! >>> 20) & 0x7ff;
    if (er < EXP_MIN || er > EXP_MAX) return false;
    if (op === 2) err = productError(a, b, r);
    else {
      // exact - r has the sign of the remainder a - r*b = (a - p) - (r*b - p), times the sign of b
      const p = r * b;
      const rem = a - p - productError(r, b, p);
      err = b < 0 ? -rem : rem;
    }
  }
  return finish64(r, err, env, res);
}

/** SQRTSD: sqrt(a) - r has the sign of a - r*r = (a - p) - (r*r - p), for a positive normal a. */
export function fastSqrt64(lo: number, hi: number, env: FpEnv, res: FpResult): boolean {
  if (!LITTLE_ENDIAN || !FastPath.enabled || hi >>> 31) return false;
  const ea = (hi >>> 20) & 0x7ff;
  if (ea < EXP_MIN || ea > EXP_MAX) return false;
  const a = toDouble(lo, hi);
  const r = Math.sqrt(a);
  const p = r * r;
  return finish64(r, a - p - productError(r, r, p), env, res);
}
