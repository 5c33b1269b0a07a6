// The x87 transcendentals (SDM Vol. 2A/2B FSIN, FCOS, FSINCOS, FPTAN, FPATAN, F2XM1, FYL2X, FYL2XP1;
// SDM Vol. 1 §8.3.10; APM Vol. 5): each evaluated to ~185 bits (bigfloat.ts) and rounded once to
// 64 bits by RC (the precision control does not apply: SDM §8.1.5.2, host-checked). What the host
// (AMD, family 1Ah) does and this models, measured by test/diff/x87-trans.test.ts:
//  - FSIN/FCOS/FSINCOS/FPTAN reduce the argument by π/2 with a 66-bit π (π truncated to 66 bits,
//    as Intel documents in SDM Vol. 1 §8.3.10): r = x - q·(π66/2), result f(r + q·π/2) exactly, then
//    rounded; |x| >= 2^63: C2 = 1 and the operand unchanged, no flags;
//  - the hardware's own evaluation is within one ulp of that and equal to it in most cases (the
//    rate per instruction is in docs/cpu-model.md);
//  - F2XM1 with |x| > 1 returns x unchanged with PE; FYL2XP1 with x <= -1 returns x unchanged
//    with PE (outside the SDM's ranges: host-checked); FYL2XP1 with |x| >= 1 - √2/2 computes.
// Entry points return C2 (FSIN/FCOS/FSINCOS/FPTAN: 1 = out of range, res = the operand).
import {
  type BF, atan, bf, cmpAbs, div, exp2m1, log2, log2p1, mul, neg, pi, sinCos, sub, tanCot, top,
} from './bigfloat.js';
import { Cls, F80, type Unpacked, packDefaultNaN, packFinite, packInf, packZero } from './format.js';
import { raise, roundPack } from './round.js';
import { FpFlag, type FpEnv, type FpResult } from './types.js';
import { A, B, begin87, denormalOperands, operand80, operands80 } from './x87.js';

/** π truncated to 66 bits (π·2^64 rounded down): the reduction constant (SDM Vol. 1 §8.3.10). */
const PI66 = 0x3243f6a8885a308d3n;

const toBF = (u: Unpacked): BF => bf(u.sign, u.sig, u.exp);

/** Rounds a value to extended (x87 rules: OE/UE, C1 = rounded up); inexact unless `exact`. */
function round80(r: BF, env: FpEnv, res: FpResult, exact = false): void {
  if (r.m === 0n) return packZero(r.s, F80, res);
  roundPack(r.s, r.m, r.e, !exact, F80, env, res, true);
}

// ---------------------------------------------------------------------------------------------
// FSIN, FCOS, FSINCOS, FPTAN

export const Trig = { SIN: 0, COS: 1, TAN: 2 } as const;

/** |x| reduced: x = q·(π66/2) + r, |r| <= π66/4 (r exact). */
function reduce(u: Unpacked): [number, BF] {
  if (u.exp < -65) return [0, bf(0, u.sig, u.exp)];
  const x = u.sig << BigInt(u.exp + 65);
  const q = (2n * x + PI66) / (2n * PI66);
  return [Number(q & 3n), bf(0, x - q * PI66, -65)];
}

/** f(x) of a finite nonzero x with |x| < 2^63. */
function trig(which: number, u: Unpacked): BF {
  const [q, r] = reduce(u);
  let v: BF;
  if (which === Trig.TAN) v = q & 1 ? neg(tanCot(r, true)) : tanCot(r, false);
  else {
    const [s, c] = sinCos(r);
    const k = (q + (which === Trig.COS ? 1 : 0)) & 3; // cos(r + qπ/2) = sin(r + (q+1)π/2)
    v = k === 0 ? s : k === 1 ? c : k === 2 ? neg(s) : neg(c);
  }
  return which === Trig.COS || !u.sign ? v : neg(v);
}

/**
 * The operand checks of FSIN/FCOS/FSINCOS/FPTAN: NaN, unsupported and infinity (IE, the
 * indefinite) are decided in res; returns the operand, or undefined when decided, or null when
 * |x| >= 2^63 (C2 = 1, nothing changes).
 */
function trigOperand(lo: number, hi: number, se: number, env: FpEnv, res: FpResult): Unpacked | undefined | null {
  begin87(env);
  const a = operand80(lo, hi, se, env, res);
  if (!a) return undefined;
  if (a.cls === Cls.INF) {
    raise(env, FpFlag.IE);
    packDefaultNaN(F80, res);
    return undefined;
  }
  if (a.cls === Cls.FINITE && top(toBF(a)) >= 63) return null;
  if (a.cls === Cls.FINITE && a.denormal) raise(env, FpFlag.DE);
  return a;
}

/** FSIN (which = Trig.SIN), FCOS, FPTAN (Trig.TAN: the tangent; the caller pushes 1.0). Returns C2. */
export function f80Trig(which: number, lo: number, hi: number, se: number, env: FpEnv, res: FpResult): number {
  const a = trigOperand(lo, hi, se, env, res);
  if (a === null) return 1;
  if (!a) return 0;
  if (a.cls === Cls.ZERO) {
    if (which === Trig.COS) packFinite(0, 1n, 0, F80, res);
    else packZero(a.sign, F80, res);
    return 0;
  }
  round80(trig(which, a), env, res);
  return 0;
}

/** FSINCOS: sin to `sin`, cos to `cos` (C1 from the sine, host-checked). Returns C2. */
export function f80SinCos(lo: number, hi: number, se: number, env: FpEnv, sin: FpResult, cos: FpResult): number {
  const a = trigOperand(lo, hi, se, env, sin);
  if (a === null) return 1;
  if (!a) {
    cos.lo = sin.lo; cos.hi = sin.hi; cos.se = sin.se;
    return 0;
  }
  if (a.cls === Cls.ZERO) {
    packZero(a.sign, F80, sin);
    packFinite(0, 1n, 0, F80, cos);
    return 0;
  }
  round80(trig(Trig.COS, a), env, cos);
  round80(trig(Trig.SIN, a), env, sin);
  return 0;
}

// ---------------------------------------------------------------------------------------------
// FPATAN

/** π·k/4 rounded (k = 1, 2, 3, 4), sign s. */
function piQuarters(s: number, k: number, env: FpEnv, res: FpResult): void {
  const p = pi();
  const v = k === 3 ? mul(p, bf(0, 3n, -2)) : { s: 0, m: p.m, e: p.e + (k === 4 ? 0 : k === 2 ? -1 : -2) };
  round80({ ...v, s }, env, res);
}

/** FPATAN: atan(y/x) with the quadrant of (x, y) (SDM Vol. 2A FPATAN table). */
export function f80Atan(
  ylo: number, yhi: number, yse: number, xlo: number, xhi: number, xse: number, env: FpEnv, res: FpResult,
): void {
  begin87(env);
  if (operands80(xlo, xhi, xse, ylo, yhi, yse, env, res)) return;
  const x = A, y = B;
  denormalOperands(env, x, y);
  const s = y.sign;
  if (y.cls === Cls.ZERO) {
    if (x.sign) piQuarters(s, 4, env, res);
    else packZero(s, F80, res);
    return;
  }
  if (y.cls === Cls.INF) return piQuarters(s, x.cls === Cls.INF ? (x.sign ? 3 : 1) : 2, env, res);
  if (x.cls === Cls.ZERO) return piQuarters(s, 2, env, res);
  if (x.cls === Cls.INF) {
    if (x.sign) piQuarters(s, 4, env, res);
    else packZero(s, F80, res);
    return;
  }
  let t = atan(div(bf(0, y.sig, y.exp), bf(0, x.sig, x.exp)));
  if (x.sign) t = sub(pi(), t);
  round80({ s, m: t.m, e: t.e }, env, res);
}

// ---------------------------------------------------------------------------------------------
// FYL2X, FYL2XP1, F2XM1

/** y · (a value of sign `ls`, infinite): ±inf, or IE for y = 0. */
function timesInf(y: Unpacked, ls: number, env: FpEnv, res: FpResult): void {
  if (y.cls === Cls.ZERO) {
    raise(env, FpFlag.IE);
    return packDefaultNaN(F80, res);
  }
  packInf(y.sign ^ ls, F80, res);
}

/** y · (a finite nonzero value of sign `ls`) where only the sign matters: y infinite or zero. */
function timesSign(y: Unpacked, ls: number, res: FpResult): void {
  if (y.cls === Cls.INF) packInf(y.sign ^ ls, F80, res);
  else packZero(y.sign ^ ls, F80, res);
}

/** FYL2X: y · log2(x) (SDM Vol. 2B FYL2X table). */
export function f80Yl2x(
  ylo: number, yhi: number, yse: number, xlo: number, xhi: number, xse: number, env: FpEnv, res: FpResult,
): void {
  begin87(env);
  if (operands80(xlo, xhi, xse, ylo, yhi, yse, env, res)) return;
  const x = A, y = B;
  if (x.sign && x.cls !== Cls.ZERO) {
    raise(env, FpFlag.IE);
    return packDefaultNaN(F80, res);
  }
  if (x.cls === Cls.ZERO) {
    if (y.cls === Cls.ZERO) {
      raise(env, FpFlag.IE);
      return packDefaultNaN(F80, res);
    }
    if (y.cls === Cls.FINITE) raise(env, FpFlag.ZE); // no DE for a denormal y then (host-checked)
    return packInf(y.sign ^ 1, F80, res);
  }
  if (x.cls === Cls.INF) {
    denormalOperands(env, y);
    return timesInf(y, 0, env, res);
  }
  const bx = toBF(x);
  const c = cmpAbs(bx, bf(0, 1n, 0));
  if (y.cls !== Cls.FINITE) {
    if (c === 0 && y.cls === Cls.INF) {
      raise(env, FpFlag.IE);
      return packDefaultNaN(F80, res);
    }
    denormalOperands(env, x);
    return timesSign(y, c < 0 ? 1 : 0, res);
  }
  denormalOperands(env, x, y);
  if ((bx.m & (bx.m - 1n)) === 0n) {
    // log2(2^k) = k: y·k rounded, and PE even when exact unless k = 0, UE then too for a tiny
    // result (host-checked)
    const k = top(bx);
    round80(mul(toBF(y), bf(k < 0 ? 1 : 0, BigInt(Math.abs(k)), 0)), env, res, true);
    if (k !== 0) raise(env, FpFlag.PE | ((res.se & 0x7fff) === 0 ? FpFlag.UE : 0));
    return;
  }
  round80(mul(toBF(y), log2(bx)), env, res);
}

/** FYL2XP1: y · log2(x + 1). */
export function f80Yl2xp1(
  ylo: number, yhi: number, yse: number, xlo: number, xhi: number, xse: number, env: FpEnv, res: FpResult,
): void {
  begin87(env);
  if (operands80(xlo, xhi, xse, ylo, yhi, yse, env, res)) return;
  const x = A, y = B;
  if (x.cls === Cls.INF && x.sign) {
    raise(env, FpFlag.IE);
    return packDefaultNaN(F80, res);
  }
  denormalOperands(env, x, y);
  if (x.cls === Cls.ZERO) {
    if (y.cls === Cls.INF) {
      env.last &= ~FpFlag.DE;
      raise(env, FpFlag.IE);
      return packDefaultNaN(F80, res);
    }
    return packZero(y.sign ^ x.sign, F80, res);
  }
  if (x.cls === Cls.INF) return timesInf(y, 0, env, res);
  // y zero or infinite: the sign of log2(1 + x) is the sign of x, also for x <= -1 (host-checked)
  if (y.cls !== Cls.FINITE) return timesSign(y, x.sign, res);
  const bx = toBF(x);
  if (x.sign && cmpAbs(bx, bf(0, 1n, 0)) >= 0) {
    // outside the domain: x unchanged with PE (host-checked)
    raise(env, FpFlag.PE);
    return packFinite(x.sign, x.sig, x.exp, F80, res);
  }
  round80(mul(toBF(y), log2p1(bx)), env, res);
}

/** F2XM1: 2^x - 1 for |x| <= 1; larger |x|: x unchanged with PE (host-checked). */
export function f80F2xm1(lo: number, hi: number, se: number, env: FpEnv, res: FpResult): void {
  begin87(env);
  const a = operand80(lo, hi, se, env, res);
  if (!a) return;
  if (a.cls === Cls.ZERO) return packZero(a.sign, F80, res);
  if (a.cls === Cls.INF) {
    if (a.sign) packFinite(1, 1n, 0, F80, res);
    else packInf(0, F80, res);
    return;
  }
  if (a.denormal) raise(env, FpFlag.DE);
  const bx = toBF(a);
  if (cmpAbs(bx, bf(0, 1n, 0)) > 0) {
    raise(env, FpFlag.PE);
    return packFinite(a.sign, a.sig, a.exp, F80, res);
  }
  if (cmpAbs(bx, bf(0, 1n, 0)) === 0) {
    // x = +1: the host's value is just below 1 (1.0 rounded up, or the largest value below 1);
    // x = -1: -0.5 exactly but with PE, C1 = 0, in every RC (host-checked)
    if (!a.sign) return round80(bf(0, (1n << 128n) - 1n, -128), env, res);
    raise(env, FpFlag.PE);
    return packFinite(1, 1n, -1, F80, res);
  }
  round80(exp2m1(bx), env, res);
}

