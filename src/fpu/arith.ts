// Exact arithmetic on unpacked operands (any format), then one rounding: IEEE 754 add, sub, mul,
// div, sqrt with the x86 invalid/zero-divide cases (SDM Vol. 1 §4.9.1.2-3). NaN operands, the
// denormal flag and DAZ are the callers' business (SSE and x87 differ); operands here are ZERO,
// FINITE or INF.
import { Cls, type Format, type Unpacked, bitLength, packDefaultNaN, packInf, packZero } from './format.js';
import { raise, roundPack } from './round.js';
import { FpFlag, type FpEnv, type FpResult, Rounding } from './types.js';

export const Op = { ADD: 0, SUB: 1, MUL: 2, DIV: 3 } as const;

function invalid(fmt: Format, env: FpEnv, res: FpResult): void {
  raise(env, FpFlag.IE);
  packDefaultNaN(fmt, res);
}

function addCore(sa: number, a: Unpacked, sb: number, b: Unpacked, fmt: Format, env: FpEnv, res: FpResult, x87: boolean): void {
  if (a.cls === Cls.INF || b.cls === Cls.INF) {
    if (a.cls === Cls.INF && b.cls === Cls.INF && sa !== sb) invalid(fmt, env, res);
    else packInf(a.cls === Cls.INF ? sa : sb, fmt, res);
    return;
  }
  if (a.cls === Cls.ZERO && b.cls === Cls.ZERO) {
    packZero(sa === sb ? sa : env.rc === Rounding.DOWN ? 1 : 0, fmt, res);
    return;
  }
  if (a.cls === Cls.ZERO) return roundPack(sb, b.sig, b.exp, false, fmt, env, res, x87);
  if (b.cls === Cls.ZERO) return roundPack(sa, a.sig, a.exp, false, fmt, env, res, x87);
  const e0 = Math.min(a.exp, b.exp);
  let va = a.sig << BigInt(a.exp - e0);
  let vb = b.sig << BigInt(b.exp - e0);
  if (sa) va = -va;
  if (sb) vb = -vb;
  const sum = va + vb;
  if (sum === 0n) packZero(env.rc === Rounding.DOWN ? 1 : 0, fmt, res);
  else if (sum < 0n) roundPack(1, -sum, e0, false, fmt, env, res, x87);
  else roundPack(0, sum, e0, false, fmt, env, res, x87);
}

/** a op b for ZERO/FINITE/INF operands, rounded to fmt. */
export function arith(op: number, a: Unpacked, b: Unpacked, fmt: Format, env: FpEnv, res: FpResult, x87: boolean): void {
  if (op === Op.ADD) return addCore(a.sign, a, b.sign, b, fmt, env, res, x87);
  if (op === Op.SUB) return addCore(a.sign, a, b.sign ^ 1, b, fmt, env, res, x87);
  const sign = a.sign ^ b.sign;
  if (op === Op.MUL) {
    if ((a.cls === Cls.INF && b.cls === Cls.ZERO) || (a.cls === Cls.ZERO && b.cls === Cls.INF)) invalid(fmt, env, res);
    else if (a.cls === Cls.INF || b.cls === Cls.INF) packInf(sign, fmt, res);
    else if (a.cls === Cls.ZERO || b.cls === Cls.ZERO) packZero(sign, fmt, res);
    else roundPack(sign, a.sig * b.sig, a.exp + b.exp, false, fmt, env, res, x87);
    return;
  }
  // DIV
  if ((a.cls === Cls.INF && b.cls === Cls.INF) || (a.cls === Cls.ZERO && b.cls === Cls.ZERO)) invalid(fmt, env, res);
  else if (a.cls === Cls.INF) packInf(sign, fmt, res);
  else if (b.cls === Cls.INF || a.cls === Cls.ZERO) packZero(sign, fmt, res);
  else if (b.cls === Cls.ZERO) {
    raise(env, FpFlag.ZE);
    packInf(sign, fmt, res);
  } else {
    const k = Math.max(0, fmt.p + 2 + bitLength(b.sig) - bitLength(a.sig));
    const num = a.sig << BigInt(k);
    const quo = num / b.sig;
    roundPack(sign, quo, a.exp - b.exp - k, quo * b.sig !== num, fmt, env, res, x87);
  }
}

/** Integer square root (floor) of a positive BigInt. */
export function isqrt(n: bigint): bigint {
  if (n < 0x10000000000000n) {
    let r = BigInt(Math.floor(Math.sqrt(Number(n))));
    while (r * r > n) r--;
    while ((r + 1n) * (r + 1n) <= n) r++;
    return r;
  }
  let x = 1n << BigInt((bitLength(n) + 1) >> 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** sqrt(a) for a ZERO/FINITE/INF operand: -0 stays -0, other negatives are invalid. */
export function sqrtCore(a: Unpacked, fmt: Format, env: FpEnv, res: FpResult, x87: boolean): void {
  if (a.cls === Cls.ZERO) return packZero(a.sign, fmt, res);
  if (a.sign) return invalid(fmt, env, res);
  if (a.cls === Cls.INF) return packInf(0, fmt, res);
  let k = Math.max(0, 2 * fmt.p + 4 - bitLength(a.sig));
  if ((a.exp - k) & 1) k++;
  const n = a.sig << BigInt(k);
  const r = isqrt(n);
  roundPack(0, r, (a.exp - k) / 2, r * r !== n, fmt, env, res, x87);
}
