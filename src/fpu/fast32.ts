// Fast path for binary32 add/sub/mul/div/sqrt: normal operands, a safely normal result, any RC. The operation is done in binary64 and rounded once more with Math.fround: a sum or
// product of two binary32 values is exact in binary64 (or, for far-apart addends, never lands on
// a binary32 midpoint), and for div/sqrt double rounding through binary64 is innocuous
// (53 >= 2*24 + 2). The sign of the rounding error (hence PE and the directed roundings: the
// neighbour of the nearest result) is exact: binary32 results times binary32 operands are exact
// in binary64, and so are the differences taken (Sterbenz).
// Returns -1 when the slow path must run.
import { FastPath, directedStep } from './fast64.js';
import { FpFlag, type FpEnv, Rounding } from './types.js';
import { raise } from './round.js';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

function toFloat(x: number): number {
  u32[0] = x;
  return f32[0]!;
}

/** op: 0 add, 1 sub, 2 mul, 3 div, 4 sqrt (of a). */
export function fastArith32(op: number, a: number, b: number, env: FpEnv): number {
  if (!FastPath.enabled) return -1;
  const ea = (a >>> 23) & 0xff;
  const eb = (b >>> 23) & 0xff;
  if (ea === 0 || ea === 0xff || (op !== 4 && (eb === 0 || eb === 0xff))) return -1;
  const x = toFloat(a);
  const y = toFloat(b);
  let s: number;
  let err: number; // the sign of (exact - s); each difference below is exact in binary64
  if (op <= 1) {
    const yy = op === 0 ? y : -y;
    const r = x + yy;
    const v = r - x;
    s = Math.fround(r);
    err = r - s + (x - (r - v) + (yy - v));
  } else if (op === 2) {
    const r = x * y;
    s = Math.fround(r);
    err = r - s;
  } else if (op === 3) {
    s = Math.fround(x / y);
    err = y < 0 ? s * y - x : x - s * y;
  } else {
    if (a >>> 31) return -1;
    s = Math.fround(Math.sqrt(x));
    err = x - s * s;
  }
  f32[0] = s;
  let r = u32[0]!;
  if ((r & 0x7f800000) === 0x7f800000) return -1; // overflow: the slow path decides OE and the result
  if (err !== 0 && env.rc !== Rounding.NEAREST) {
    r += directedStep(env.rc, r >>> 31 === 1, err);
  }
  const er = (r >>> 23) & 0xff;
  if (er < 2 || er === 0xff) return -1;
  if (err !== 0) raise(env, FpFlag.PE);
  return r >>> 0;
}
