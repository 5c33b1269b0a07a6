// Fast path for binary32 add/sub/mul/div/sqrt: round-to-nearest, normal operands, a safely normal
// result. The operation is done in binary64 and rounded once more with Math.fround: a sum or
// product of two binary32 values is exact in binary64 (or, for far-apart addends, never lands on
// a binary32 midpoint), and for div/sqrt double rounding through binary64 is innocuous
// (53 >= 2*24 + 2). Exactness: binary32 results times binary32 operands are exact in binary64.
// Returns -1 when the slow path must run.
import { FastPath } from './fast64.js';
import { FpFlag, type FpEnv } from './types.js';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

function toFloat(x: number): number {
  u32[0] = x;
  return f32[0]!;
}

/** op: 0 add, 1 sub, 2 mul, 3 div, 4 sqrt (of a). */
export function fastArith32(op: number, a: number, b: number, env: FpEnv): number {
  if (env.rc !== 0 || !FastPath.enabled) return -1;
  const ea = (a >>> 23) & 0xff;
  const eb = (b >>> 23) & 0xff;
  if (ea === 0 || ea === 0xff || (op !== 4 && (eb === 0 || eb === 0xff))) return -1;
  const x = toFloat(a);
  const y = toFloat(b);
  let s: number;
  let inexact: boolean;
  if (op <= 1) {
    const yy = op === 0 ? y : -y;
    const r = x + yy;
    const v = r - x;
    s = Math.fround(r);
    inexact = s !== r || x - (r - v) + (yy - v) !== 0;
  } else if (op === 2) {
    const r = x * y;
    s = Math.fround(r);
    inexact = s !== r;
  } else if (op === 3) {
    s = Math.fround(x / y);
    inexact = s * y !== x;
  } else {
    if (a >>> 31) return -1;
    s = Math.fround(Math.sqrt(x));
    inexact = s * s !== x;
  }
  f32[0] = s;
  const r = u32[0]!;
  const er = (r >>> 23) & 0xff;
  if (er < 2 || er === 0xff) return -1;
  if (inexact) {
    env.last |= FpFlag.PE;
    env.flags |= FpFlag.PE;
  }
  return r;
}
