// Fast paths for the commonest x87 moves, without BigInt: FLD m32/m64 of a normal value and FILD
// (exact), FST m32/m64 of a normal extended value whose rounded result is a normal of the memory
// format (every RC). Anything else returns false and the exact path runs.
import { FastPath } from './fast64.js';
import { FpFlag, type FpEnv, type FpResult, Rounding } from './types.js';
import { raise } from './round.js';

/** FLD m32 of a normal binary32. */
export function fastLoad32(x: number, env: FpEnv, res: FpResult): boolean {
  const e = (x >>> 23) & 0xff;
  if (!FastPath.enabled || e === 0 || e === 0xff) return false;
  res.lo = 0;
  res.hi = (0x80000000 | ((x & 0x7fffff) << 8)) >>> 0;
  res.se = ((x >>> 31) << 15) | (e - 127 + 16383);
  return true;
}

/** FLD m64 of a normal binary64. */
export function fastLoad64(lo: number, hi: number, env: FpEnv, res: FpResult): boolean {
  const e = (hi >>> 20) & 0x7ff;
  if (!FastPath.enabled || e === 0 || e === 0x7ff) return false;
  res.lo = (lo << 11) >>> 0;
  res.hi = (0x80000000 | ((hi & 0xfffff) << 11) | (lo >>> 21)) >>> 0;
  res.se = ((hi >>> 31) << 15) | (e - 1023 + 16383);
  return true;
}

/** FILD of a signed 64-bit integer (lo/hi), exact. */
export function fastLoadInt(lo: number, hi: number, env: FpEnv, res: FpResult): boolean {
  if (!FastPath.enabled) return false;
  lo >>>= 0;
  hi >>>= 0;
  const sign = hi >>> 31;
  if (sign) {
    // magnitude of a negative value (two's complement)
    lo = (~lo + 1) >>> 0;
    hi = (~hi + (lo === 0 ? 1 : 0)) >>> 0;
  }
  if (hi === 0 && lo === 0) {
    res.lo = 0;
    res.hi = 0;
    res.se = 0;
    return true;
  }
  // normalize the 64-bit magnitude so that bit 63 is set
  const n = hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo);
  if (n >= 32) {
    hi = (lo << (n - 32)) >>> 0;
    lo = 0;
  } else if (n > 0) {
    hi = ((hi << n) | (lo >>> (32 - n))) >>> 0;
    lo = (lo << n) >>> 0;
  }
  res.lo = lo;
  res.hi = hi;
  res.se = (sign << 15) | (16383 + 63 - n);
  return true;
}

/**
 * Round a normal extended significand (hi/lo, bit 63 set) to `p` = 24 or 53 bits: sets `kept`
 * (the rounded top p bits as an exact double, 2^p when it carried a binade up), `inexact` and
 * `roundedUp`.
 */
let kept = 0;
let inexact = false;
let roundedUp = false;
function roundSig(sign: number, hi: number, lo: number, p: number, rc: number): void {
  // the significand is hi * 2^32 + lo; keep its top p bits
  let rest: number; // the dropped bits, as a fraction of one unit: compare with one half
  let half: number;
  let any: boolean;
  if (p === 53) {
    kept = hi * 2097152 + (lo >>> 11); // hi * 2^21 + top 21 bits of lo
    rest = lo & 0x7ff;
    half = 0x400;
    any = rest !== 0;
  } else {
    kept = hi >>> 8;
    rest = hi & 0xff;
    half = 0x80;
    any = rest !== 0 || lo !== 0;
  }
  inexact = any;
  let inc = false;
  if (any) {
    const lowSticky = p === 24 && lo !== 0; // bits below the 8 dropped bits of hi
    if (rc === Rounding.NEAREST) inc = rest > half || (rest === half && (lowSticky || kept % 2 === 1));
    else if (rc === Rounding.DOWN) inc = sign === 1;
    else if (rc === Rounding.UP) inc = sign === 0;
  }
  if (inc) kept += 1;
  roundedUp = inc;
}

/** FST m64 / m32 (bits 64 or 32) of a normal extended value to a normal result; res.lo(/hi). */
export function fastStore(lo: number, hi: number, se: number, bits: number, env: FpEnv, res: FpResult): boolean {
  const e = se & 0x7fff;
  if (!FastPath.enabled || e === 0 || e === 0x7fff || !(hi & 0x80000000)) return false;
  const sign = (se >>> 15) & 1;
  const p = bits === 64 ? 53 : 24;
  roundSig(sign, hi >>> 0, lo >>> 0, p, env.rc);
  let exp = e - 16383;
  if (kept === 2 ** p) {
    kept = 2 ** (p - 1);
    exp++;
  }
  if (bits === 64) {
    if (exp < -1022 || exp > 1023) return false;
    const frac = kept - 2 ** 52; // 52 fraction bits
    res.lo = frac % 4294967296 >>> 0;
    res.hi = ((sign << 31) | ((exp + 1023) << 20) | Math.floor(frac / 4294967296)) >>> 0;
  } else {
    if (exp < -126 || exp > 127) return false;
    res.lo = ((sign << 31) | ((exp + 127) << 23) | (kept & 0x7fffff)) >>> 0;
  }
  if (inexact) raise(env, FpFlag.PE);
  env.c1 = roundedUp ? 1 : 0;
  return true;
}

/**
 * FIST/FISTTP of a zero or a normal extended value below 2^31 in magnitude: rounded by RC (or
 * toward zero) to a signed `bits`-bit integer, sign-extended into res.lo/res.hi. False when out of
 * reach (the exact path then decides, the integer indefinite included).
 */
export function fastToInt(lo: number, hi: number, se: number, bits: number, rc: number, env: FpEnv, res: FpResult): boolean {
  const e = se & 0x7fff;
  if (!FastPath.enabled) return false;
  hi >>>= 0;
  lo >>>= 0;
  if (e === 0) {
    if (hi !== 0 || lo !== 0) return false;
    res.lo = 0;
    res.hi = 0;
    return true;
  }
  const exp = e - 16383;
  if (exp > 30 || !(hi & 0x80000000)) return false;
  const sign = (se >>> 15) & 1;
  let mag = 0;
  let above = false; // the dropped part exceeds one half
  let tie = false;
  if (exp >= -1) {
    const unit = 2 ** (31 - exp); // the weight of one integer unit in hi
    mag = Math.floor(hi / unit);
    const rest = hi - mag * unit;
    const half = unit / 2;
    above = rest > half || (rest === half && lo !== 0);
    tie = rest === half && lo === 0;
  }
  const inexact = exp < 0 || hi % 2 ** (31 - exp) !== 0 || lo !== 0;
  let inc = false;
  if (inexact) {
    if (rc === Rounding.NEAREST) inc = above || (tie && mag % 2 === 1);
    else if (rc === Rounding.DOWN) inc = sign === 1;
    else if (rc === Rounding.UP) inc = sign === 0;
  }
  if (inc) mag++;
  const v = sign ? -mag : mag;
  if (bits === 16 && (v < -32768 || v > 32767)) return false;
  if (v === 2147483648) return false; // only reachable by rounding up: out of range for m32
  res.lo = v >>> 0;
  res.hi = v < 0 ? 0xffffffff : 0;
  if (inexact) {
    raise(env, FpFlag.PE);
    env.c1 = inc ? 1 : 0;
  }
  return true;
}
