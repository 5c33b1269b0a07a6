// SSE conversions and round-to-integral on binary32/binary64 bits (SDM Vol. 2A CVTSS2SD,
// CVTSD2SS, CVTSI2SS/SD, CVT(T)SS2SI, CVT(T)SD2SI, ROUNDSS/SD). Integers are signed two's
// complement: int32 as a number, int64 as two uint32 halves (lo, hi).
import { Cls, F32, F64, type Format, type Unpacked, createUnpacked, packFinite, packInf, packZero, unpack32, unpack64 } from './format.js';
import { raise, roundAt, roundPack, roundedInexact, roundedM } from './round.js';
import { FpFlag, type FpEnv, type FpResult, Rounding, createFpResult } from './types.js';
import {
  fastF32ToF64, fastF32ToInt, fastF64ToF32, fastF64ToInt, fastI32ToF32, fastI32ToF64, fastI64ToF32, fastI64ToF64,
  fastInt,
} from './fast-convert.js';

const A = createUnpacked();
const tmp = createFpResult();

function begin(env: FpEnv): void {
  env.last = 0;
  env.c1 = 0;
}

/** Unpack with the SSE input rules: SNaN -> IE; denormal -> DE unless DAZ. */
function input32(a: number, env: FpEnv, de: boolean): Unpacked {
  unpack32(a, A, env.daz);
  if (A.cls === Cls.SNAN) raise(env, FpFlag.IE);
  else if (de && A.denormal && !env.daz) raise(env, FpFlag.DE);
  return A;
}
function input64(lo: number, hi: number, env: FpEnv, de: boolean): Unpacked {
  unpack64(lo, hi, A, env.daz);
  if (A.cls === Cls.SNAN) raise(env, FpFlag.IE);
  else if (de && A.denormal && !env.daz) raise(env, FpFlag.DE);
  return A;
}

/** CVTSS2SD: exact; a NaN keeps its payload (shifted up) and is quieted. */
export function f32ToF64(a: number, env: FpEnv, res: FpResult): void {
  begin(env);
  if (fastF32ToF64(a, res)) return;
  const u = input32(a, env, true);
  if (u.cls === Cls.QNAN || u.cls === Cls.SNAN) {
    res.hi = ((a & 0x80000000) | 0x7ff80000 | ((a & 0x3fffff) >>> 3)) >>> 0;
    res.lo = (a << 29) >>> 0;
  } else if (u.cls === Cls.INF) packInf(u.sign, F64, res);
  else if (u.cls === Cls.ZERO) packZero(u.sign, F64, res);
  else packFinite(u.sign, u.sig, u.exp, F64, res);
}

/** CVTSD2SS: rounded by RC, with overflow/underflow/FTZ; a NaN keeps the top of its payload. */
export function f64ToF32(lo: number, hi: number, env: FpEnv): number {
  begin(env);
  const f = fastF64ToF32(lo, hi, env);
  if (f >= 0) return f;
  const u = input64(lo, hi, env, true);
  if (u.cls === Cls.QNAN || u.cls === Cls.SNAN) return ((hi & 0x80000000) | 0x7fc00000 | ((hi & 0x7ffff) << 3) | (lo >>> 29)) >>> 0;
  if (u.cls === Cls.INF) packInf(u.sign, F32, tmp);
  else if (u.cls === Cls.ZERO) packZero(u.sign, F32, tmp);
  else roundPack(u.sign, u.sig, u.exp, false, F32, env, tmp, false);
  return tmp.lo;
}

function fromInt(neg: boolean, mag: bigint, fmt: Format, env: FpEnv, res: FpResult): void {
  if (mag === 0n) packZero(0, fmt, res);
  else roundPack(neg ? 1 : 0, mag, 0, false, fmt, env, res, false);
}

/** CVTSI2SS r32 / CVTSI2SD r32 (binary64 is exact). */
export function i32ToF32(x: number, env: FpEnv): number {
  begin(env);
  const f = fastI32ToF32(x, env);
  if (f >= 0) return f;
  x |= 0;
  fromInt(x < 0, BigInt(Math.abs(x)), F32, env, tmp);
  return tmp.lo;
}
export function i32ToF64(x: number, env: FpEnv, res: FpResult): void {
  begin(env);
  if (fastI32ToF64(x, res)) return;
  x |= 0;
  fromInt(x < 0, BigInt(Math.abs(x)), F64, env, res);
}
function int64(lo: number, hi: number): bigint {
  return (BigInt(hi | 0) << 32n) | BigInt(lo >>> 0);
}
export function i64ToF32(lo: number, hi: number, env: FpEnv): number {
  begin(env);
  const f = fastI64ToF32(lo, hi, env);
  if (f >= 0) return f;
  const v = int64(lo, hi);
  fromInt(v < 0n, v < 0n ? -v : v, F32, env, tmp);
  return tmp.lo;
}
export function i64ToF64(lo: number, hi: number, env: FpEnv, res: FpResult): void {
  begin(env);
  if (fastI64ToF64(lo, hi, res)) return;
  const v = int64(lo, hi);
  fromInt(v < 0n, v < 0n ? -v : v, F64, env, res);
}

/**
 * Round to an integer and check it fits `bits` (32 or 64) signed; sets `intResult`. Out of range,
 * NaN or infinity: IE and the integer indefinite (1 << (bits-1)), no PE. DAZ applies to the input
 * (a denormal then converts to 0 without PE); no DE (SDM: CVTSS2SI signals #I and #P only).
 */
let intResult = 0n;
function toInt(u: Unpacked, bits: number, rc: number, env: FpEnv): void {
  const min = -(1n << BigInt(bits - 1));
  if (u.cls === Cls.ZERO) {
    intResult = 0n;
    return;
  }
  if (u.cls !== Cls.FINITE) {
    raise(env, FpFlag.IE);
    intResult = min;
    return;
  }
  roundAt(u.sign, u.sig, u.exp, 0, rc);
  const v = u.sign ? -roundedM : roundedM;
  if (v < min || v > -min - 1n) {
    raise(env, FpFlag.IE);
    intResult = min;
    return;
  }
  if (roundedInexact) raise(env, FpFlag.PE);
  intResult = v;
}

/** An integer-valued double below 2^53 in magnitude as two's complement halves. */
function int64Halves(v: number, res: FpResult): void {
  const hi = Math.floor(v / 4294967296);
  res.lo = (v - hi * 4294967296) >>> 0;
  res.hi = hi >>> 0;
}

/** CVTSS2SI / CVTTSS2SI r32: `truncate` rounds toward zero instead of by RC. */
export function f32ToI32(a: number, truncate: boolean, env: FpEnv): number {
  begin(env);
  if (fastF32ToInt(a, 32, truncate ? Rounding.TOWARD_ZERO : env.rc, env)) return fastInt;
  toInt(input32(a, env, false), 32, truncate ? Rounding.TOWARD_ZERO : env.rc, env);
  return Number(intResult) | 0;
}
export function f64ToI32(lo: number, hi: number, truncate: boolean, env: FpEnv): number {
  begin(env);
  if (fastF64ToInt(lo, hi, 32, truncate ? Rounding.TOWARD_ZERO : env.rc, env)) return fastInt;
  toInt(input64(lo, hi, env, false), 32, truncate ? Rounding.TOWARD_ZERO : env.rc, env);
  return Number(intResult) | 0;
}
/** 64-bit results: res.lo / res.hi. */
export function f32ToI64(a: number, truncate: boolean, env: FpEnv, res: FpResult): void {
  begin(env);
  if (fastF32ToInt(a, 64, truncate ? Rounding.TOWARD_ZERO : env.rc, env)) return int64Halves(fastInt, res);
  toInt(input32(a, env, false), 64, truncate ? Rounding.TOWARD_ZERO : env.rc, env);
  res.lo = Number(intResult & 0xffffffffn) >>> 0;
  res.hi = Number((intResult >> 32n) & 0xffffffffn) >>> 0;
}
export function f64ToI64(lo: number, hi: number, truncate: boolean, env: FpEnv, res: FpResult): void {
  begin(env);
  if (fastF64ToInt(lo, hi, 64, truncate ? Rounding.TOWARD_ZERO : env.rc, env)) return int64Halves(fastInt, res);
  toInt(input64(lo, hi, env, false), 64, truncate ? Rounding.TOWARD_ZERO : env.rc, env);
  res.lo = Number(intResult & 0xffffffffn) >>> 0;
  res.hi = Number((intResult >> 32n) & 0xffffffffn) >>> 0;
}

/** ROUNDSS/SD immediate (SDM Vol. 2A ROUNDSS table 4-18): bits 1:0 RC, bit 2 use MXCSR.RC, bit 3 suppress PE. */
export const RoundImm = { USE_MXCSR: 0x4, SUPPRESS_PE: 0x8 } as const;

function roundIntegral(u: Unpacked, imm: number, fmt: Format, env: FpEnv, res: FpResult): void {
  if (u.cls === Cls.ZERO) return packZero(u.sign, fmt, res);
  if (u.cls === Cls.INF) return packInf(u.sign, fmt, res);
  const rc = imm & RoundImm.USE_MXCSR ? env.rc : imm & 3;
  if (u.exp >= 0) return packFinite(u.sign, u.sig, u.exp, fmt, res);
  roundAt(u.sign, u.sig, u.exp, 0, rc);
  if (roundedInexact && !(imm & RoundImm.SUPPRESS_PE)) raise(env, FpFlag.PE);
  packFinite(u.sign, roundedM, 0, fmt, res);
}

export function f32Round(a: number, imm: number, env: FpEnv): number {
  begin(env);
  const u = input32(a, env, false);
  if (u.cls === Cls.QNAN || u.cls === Cls.SNAN) return (a | 0x400000) >>> 0;
  roundIntegral(u, imm, F32, env, tmp);
  return tmp.lo;
}
export function f64Round(lo: number, hi: number, imm: number, env: FpEnv, res: FpResult): void {
  begin(env);
  const u = input64(lo, hi, env, false);
  if (u.cls === Cls.QNAN || u.cls === Cls.SNAN) {
    res.lo = lo >>> 0;
    res.hi = (hi | 0x80000) >>> 0;
    return;
  }
  roundIntegral(u, imm, F64, env, res);
}
