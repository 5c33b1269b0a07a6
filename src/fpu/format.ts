// Formats, unpacking raw bits into an exact (sign, significand, exponent) triple and packing back.
// SDM Vol. 1 §4.2.2 (binary32/64), §8.2.2 (extended, table 8-3 for its unsupported encodings).
import type { FpResult } from './types.js';

/**
 * A destination format for rounding: `p` significand bits (precision), exponent range
 * [emin, emax] of normals, `storeP` stored significand bits (with the integer bit, explicit for
 * extended). Extended under x87 precision control keeps the 15-bit exponent with p = 24 or 53.
 */
export interface Format {
  readonly p: number;
  readonly emin: number;
  readonly emax: number;
  readonly storeP: number;
  readonly bits: 32 | 64 | 80;
}

export const F32: Format = { p: 24, emin: -126, emax: 127, storeP: 24, bits: 32 };
export const F64: Format = { p: 53, emin: -1022, emax: 1023, storeP: 53, bits: 64 };
export const F80: Format = { p: 64, emin: -16382, emax: 16383, storeP: 64, bits: 80 };
export const F80_53: Format = { p: 53, emin: -16382, emax: 16383, storeP: 64, bits: 80 };
export const F80_24: Format = { p: 24, emin: -16382, emax: 16383, storeP: 64, bits: 80 };

export const Cls = {
  ZERO: 0,
  FINITE: 1, // nonzero finite, denormals included (the exact value is sig * 2^exp)
  INF: 2,
  QNAN: 3,
  SNAN: 4,
  /** extended only: pseudo-NaN, pseudo-infinity, unnormal (SDM table 8-3): invalid operands */
  UNSUPPORTED: 5,
} as const;

/** An unpacked operand: value = (-1)^sign * sig * 2^exp when cls is FINITE. */
export interface Unpacked {
  cls: number;
  sign: number;
  sig: bigint;
  exp: number;
  /** a denormal (or pseudo-denormal) encoding, before any DAZ */
  denormal: boolean;
}

export function createUnpacked(): Unpacked {
  return { cls: 0, sign: 0, sig: 0n, exp: 0, denormal: false };
}

export function unpack32(x: number, u: Unpacked, daz: boolean): Unpacked {
  const e = (x >>> 23) & 0xff;
  const f = x & 0x7fffff;
  u.sign = x >>> 31;
  u.denormal = e === 0 && f !== 0;
  if (e === 0xff) u.cls = f === 0 ? Cls.INF : f & 0x400000 ? Cls.QNAN : Cls.SNAN;
  else if (e === 0 && (f === 0 || daz)) u.cls = Cls.ZERO;
  else {
    u.cls = Cls.FINITE;
    u.sig = BigInt(e === 0 ? f : f | 0x800000);
    u.exp = (e === 0 ? 1 : e) - 150;
  }
  return u;
}

export function unpack64(lo: number, hi: number, u: Unpacked, daz: boolean): Unpacked {
  const e = (hi >>> 20) & 0x7ff;
  const fh = hi & 0xfffff;
  u.sign = hi >>> 31;
  const zeroFrac = fh === 0 && lo === 0;
  u.denormal = e === 0 && !zeroFrac;
  if (e === 0x7ff) u.cls = zeroFrac ? Cls.INF : fh & 0x80000 ? Cls.QNAN : Cls.SNAN;
  else if (e === 0 && (zeroFrac || daz)) u.cls = Cls.ZERO;
  else {
    u.cls = Cls.FINITE;
    u.sig = (BigInt(e === 0 ? fh : fh | 0x100000) << 32n) | BigInt(lo >>> 0);
    u.exp = (e === 0 ? 1 : e) - 1075;
  }
  return u;
}

/** Extended: the integer bit is explicit; table 8-3 encodings without it are UNSUPPORTED. */
export function unpack80(lo: number, hi: number, se: number, u: Unpacked): Unpacked {
  const e = se & 0x7fff;
  const j = hi >>> 31;
  u.sign = (se >>> 15) & 1;
  u.denormal = false;
  if (e === 0x7fff) {
    const fracZero = (hi & 0x7fffffff) === 0 && lo === 0;
    if (!j) u.cls = Cls.UNSUPPORTED;
    else u.cls = fracZero ? Cls.INF : hi & 0x40000000 ? Cls.QNAN : Cls.SNAN;
  } else if (e !== 0 && !j) u.cls = Cls.UNSUPPORTED; // unnormal
  else if (e === 0 && hi === 0 && lo === 0) u.cls = Cls.ZERO;
  else {
    // denormal (e = 0, j = 0) and pseudo-denormal (e = 0, j = 1) both have the exponent of e = 1
    u.cls = Cls.FINITE;
    u.denormal = e === 0;
    u.sig = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
    u.exp = (e === 0 ? 1 : e) - 16446;
  }
  return u;
}

/** Number of significant bits of a positive BigInt. */
export function bitLength(x: bigint): number {
  if (x <= 0xffffffffn) return 32 - Math.clz32(Number(x));
  if (x < 0x20000000000000n) return 64 - Math.clz32(Math.floor(Number(x) / 4294967296));
  const h = x.toString(16);
  return (h.length - 1) * 4 + (32 - Math.clz32(parseInt(h[0]!, 16)));
}

/**
 * Pack (-1)^sign * m * 2^q (already exactly representable in fmt, m >= 0; or with the exponent
 * re-biased by the caller) into bits. binary32 goes to res.lo.
 */
export function packFinite(sign: number, m: bigint, q: number, fmt: Format, res: FpResult): void {
  if (m === 0n) {
    packZero(sign, fmt, res);
    return;
  }
  const n = bitLength(m);
  const e = q + n - 1;
  let field: number;
  let stored: bigint;
  if (e < fmt.emin) {
    field = 0;
    stored = m << BigInt(q - (fmt.emin - fmt.storeP + 1));
  } else {
    field = e + fmt.emax;
    stored = m << BigInt(fmt.storeP - n);
  }
  if (fmt.bits === 32) {
    res.lo = ((sign << 31) | (field << 23) | (Number(stored) & 0x7fffff)) >>> 0;
  } else if (fmt.bits === 64) {
    res.lo = Number(stored & 0xffffffffn) >>> 0;
    res.hi = ((sign << 31) | (field << 20) | (Number(stored >> 32n) & 0xfffff)) >>> 0;
  } else {
    res.lo = Number(stored & 0xffffffffn) >>> 0;
    res.hi = Number(stored >> 32n) >>> 0;
    res.se = ((sign << 15) | (field & 0x7fff)) >>> 0;
  }
}

export function packZero(sign: number, fmt: Format, res: FpResult): void {
  res.lo = 0;
  if (fmt.bits === 32) res.lo = (sign << 31) >>> 0;
  else if (fmt.bits === 64) res.hi = (sign << 31) >>> 0;
  else {
    res.hi = 0;
    res.se = sign << 15;
  }
}

export function packInf(sign: number, fmt: Format, res: FpResult): void {
  res.lo = 0;
  if (fmt.bits === 32) res.lo = ((sign << 31) | 0x7f800000) >>> 0;
  else if (fmt.bits === 64) res.hi = ((sign << 31) | 0x7ff00000) >>> 0;
  else {
    res.hi = 0x80000000;
    res.se = (sign << 15) | 0x7fff;
  }
}

/** The default NaN, "real indefinite" (sign 1, quiet bit only; SDM table 4-3). */
export function packDefaultNaN(fmt: Format, res: FpResult): void {
  res.lo = 0;
  if (fmt.bits === 32) res.lo = 0xffc00000;
  else if (fmt.bits === 64) res.hi = 0xfff80000;
  else {
    res.hi = 0xc0000000;
    res.se = 0xffff;
  }
}

/** The largest finite magnitude of fmt at its precision p. */
export function packMaxFinite(sign: number, fmt: Format, res: FpResult): void {
  packFinite(sign, (1n << BigInt(fmt.p)) - 1n, fmt.emax - fmt.p + 1, fmt, res);
}
