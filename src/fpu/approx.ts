// RCPSS/RCPPS and RSQRTSS/RSQRTPS: the hardware's approximations (SDM: |error|
// ≤ 1.5 × 2^-12; the values are the vendor's), from the measured AMD tables
// (approx-amd.ts) indexed by the top 12 significand bits (RSQRT: and the
// exponent's parity). Rules measured on the same host: a zero or denormal
// input is a zero (±inf; RSQRT of -0 is -inf), whatever DAZ; a result below
// the normal range is a signed zero, whatever FTZ; RCP of ±inf is ±0, RSQRT of
// +inf is +0; RSQRT of a negative non-zero is the default NaN; a NaN is
// returned quieted. No MXCSR flag is ever set.
import { RCP_TABLE_HEX, RSQRT_TABLE_HEX } from './approx-amd.js';

function decode(hex: string): Uint16Array {
  const t = new Uint16Array(hex.length / 3);
  for (let k = 0; k < t.length; k++) t[k] = parseInt(hex.slice(3 * k, 3 * k + 3), 16);
  return t;
}
// Decoded on first use: 12,288 entries are milliseconds of every start otherwise (issue 11).
let RCP: Uint16Array | undefined, RSQRT: Uint16Array | undefined;
const SIGN = 0x80000000, INF = 0x7f800000, QNAN_BIT = 0x400000, DEFAULT_NAN = 0xffc00000;

/** RCPSS of binary32 bits `x` (AMD). */
export function rcp32Amd(x: number): number {
  const sign = x & SIGN, e = (x >>> 23) & 0xff, m = x & 0x7fffff;
  if (e === 0xff) return m ? (x | QNAN_BIT) >>> 0 : sign >>> 0;
  if (e === 0) return (sign | INF) >>> 0;
  const r = 253 - e;
  if (r <= 0) return sign >>> 0;
  return (sign | (r << 23) | ((RCP ??= decode(RCP_TABLE_HEX))[m >>> 11]! << 11)) >>> 0;
}

/** RSQRTSS of binary32 bits `x` (AMD). */
export function rsqrt32Amd(x: number): number {
  const sign = x & SIGN, e = (x >>> 23) & 0xff, m = x & 0x7fffff;
  if (e === 0xff && m) return (x | QNAN_BIT) >>> 0;
  if (e === 0) return (sign | INF) >>> 0;
  if (sign) return DEFAULT_NAN;
  if (e === 0xff) return 0;
  const r = 126 + Math.floor((128 - e) / 2);
  return ((r << 23) | ((RSQRT ??= decode(RSQRT_TABLE_HEX))[(((e + 1) & 1) << 12) | (m >>> 11)]! << 11)) >>> 0;
}
