// Fast paths for the commonest SSE conversions, on host doubles (no BigInt): binary64/binary32
// (zero or normal) to int32/int64 within ±2^53 (every RC, and truncation), int32 to binary64
// (exact) and binary32, binary32 <-> binary64 for normal values (CVTSD2SS, CVTSI2SS: round to
// nearest or exact results only).
// Each returns false (or -1) when the exact path must run; flags as the exact path raises them.
import { FastPath } from './fast64.js';
import { FpFlag, type FpEnv, type FpResult, Rounding } from './types.js';
import { raise } from './round.js';

const f64 = new Float64Array(1);
const u64 = new Uint32Array(f64.buffer);
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
f64[0] = 1;
const LITTLE_ENDIAN = u64[1] === 0x3ff00000;

/** Result of fastToInt. */
export let fastInt = 0;

/**
 * Round a finite double to an integer by rc into fastInt; false when |value| >= 2^53 or the result
 * is outside [min, max] (the exact path then decides, the integer indefinite included).
 */
function toInt(v: number, rc: number, min: number, max: number, env: FpEnv): boolean {
  if (!(v > -9007199254740992 && v < 9007199254740992)) return false;
  const t = Math.trunc(v);
  const frac = v - t; // exact
  let r = t;
  if (frac !== 0) {
    if (rc === Rounding.NEAREST) {
      const a = Math.abs(frac);
      if (a > 0.5 || (a === 0.5 && t % 2 !== 0)) r = t + Math.sign(frac);
    } else if (rc === Rounding.DOWN) r = Math.floor(v);
    else if (rc === Rounding.UP) r = Math.ceil(v);
  }
  if (r < min || r > max) return false;
  if (frac !== 0) raise(env, FpFlag.PE);
  fastInt = r === 0 ? 0 : r; // no -0
  return true;
}

/** CVT(T)SD2SI from binary64 bits (zero or normal): `bits` 32 or 64; result in fastInt. */
export function fastF64ToInt(lo: number, hi: number, bits: number, rc: number, env: FpEnv): boolean {
  const e = (hi >>> 20) & 0x7ff;
  if (!FastPath.enabled || !LITTLE_ENDIAN || e === 0x7ff) return false;
  if (e === 0) {
    if ((hi & 0xfffff) !== 0 || lo !== 0) return false; // denormal: DAZ decides PE
    fastInt = 0;
    return true;
  }
  u64[0] = lo;
  u64[1] = hi;
  return toInt(f64[0]!, rc, bits === 32 ? -2147483648 : -9007199254740991, bits === 32 ? 2147483647 : 9007199254740991, env);
}

/** CVT(T)SS2SI from binary32 bits (zero or normal). */
export function fastF32ToInt(x: number, bits: number, rc: number, env: FpEnv): boolean {
  const e = (x >>> 23) & 0xff;
  if (!FastPath.enabled || e === 0xff) return false;
  if (e === 0) {
    if ((x & 0x7fffff) !== 0) return false;
    fastInt = 0;
    return true;
  }
  u32[0] = x;
  return toInt(f32[0]!, rc, bits === 32 ? -2147483648 : -9007199254740991, bits === 32 ? 2147483647 : 9007199254740991, env);
}

/** A double to binary64 bits in res. */
export function doubleBits(v: number, res: FpResult): void {
  f64[0] = v;
  res.lo = u64[0]!;
  res.hi = u64[1]!;
}

/** CVTSI2SD r32 (always exact). */
export function fastI32ToF64(x: number, res: FpResult): boolean {
  if (!FastPath.enabled || !LITTLE_ENDIAN) return false;
  doubleBits(x | 0, res);
  return true;
}

/** CVTSI2SS r32: round-to-nearest, or an exact result. */
export function fastI32ToF32(x: number, env: FpEnv): number {
  if (!FastPath.enabled) return -1;
  x |= 0;
  const s = Math.fround(x);
  if (s !== x && env.rc !== Rounding.NEAREST) return -1;
  if (s !== x) raise(env, FpFlag.PE);
  f32[0] = s;
  return u32[0]!;
}

/** CVTSS2SD of a normal binary32 (exact). */
export function fastF32ToF64(x: number, res: FpResult): boolean {
  const e = (x >>> 23) & 0xff;
  if (!FastPath.enabled || !LITTLE_ENDIAN || e === 0 || e === 0xff) return false;
  u32[0] = x;
  doubleBits(f32[0]!, res);
  return true;
}

/** CVTSD2SS of a normal binary64 whose result is a safely normal binary32: RN, or exact. */
export function fastF64ToF32(lo: number, hi: number, env: FpEnv): number {
  const e = (hi >>> 20) & 0x7ff;
  if (!FastPath.enabled || !LITTLE_ENDIAN || e < 1023 - 125 || e > 1023 + 127) return -1;
  u64[0] = lo;
  u64[1] = hi;
  const v = f64[0]!;
  const s = Math.fround(v);
  if (s !== v && env.rc !== Rounding.NEAREST) return -1;
  f32[0] = s;
  const r = u32[0]!;
  const er = (r >>> 23) & 0xff;
  if (er < 2 || er === 0xff) return -1;
  if (s !== v) raise(env, FpFlag.PE);
  return r;
}

/** A signed 64-bit integer (lo/hi) as an exact double when below 2^53 in magnitude, else NaN. */
function int64Value(lo: number, hi: number): number {
  const h = hi | 0;
  if (h > 0x1fffff || h < -0x200000) return NaN;
  return h * 4294967296 + (lo >>> 0);
}

/** CVTSI2SD r64 below 2^53 (exact). */
export function fastI64ToF64(lo: number, hi: number, res: FpResult): boolean {
  if (!FastPath.enabled || !LITTLE_ENDIAN) return false;
  const v = int64Value(lo, hi);
  if (v !== v) return false;
  doubleBits(v, res);
  return true;
}

/** CVTSI2SS r64 below 2^53: round-to-nearest, or an exact result. */
export function fastI64ToF32(lo: number, hi: number, env: FpEnv): number {
  if (!FastPath.enabled) return -1;
  const v = int64Value(lo, hi);
  if (v !== v) return -1;
  const s = Math.fround(v);
  if (s !== v && env.rc !== Rounding.NEAREST) return -1;
  if (s !== v) raise(env, FpFlag.PE);
  f32[0] = s;
  return u32[0]!;
}
