// SSE scalar arithmetic on binary32 / binary64 bits: ADDSS/SD, SUB, MUL, DIV, SQRT, MIN, MAX,
// CMPSS/SD predicates and (U)COMISS/SD. DAZ treats denormal operands as signed zeros without DE
// (SDM Vol. 1 §10.2.3.4); a denormal operand otherwise raises DE. NaN results follow table 4-7:
// the first source operand if it is a NaN, else the second, quieted; invalid operations return
// the default NaN. binary64 results go to the caller's FpResult (lo/hi).
import { Op, arith, sqrtCore } from './arith.js';
import { Cls, F32, F64, createUnpacked, unpack32, unpack64 } from './format.js';
import { raise } from './round.js';
import { fastArith32 } from './fast32.js';
import { fastArith64, fastSqrt64 } from './fast64.js';
import { FpFlag, type FpEnv, type FpResult, createFpResult } from './types.js';

const A = createUnpacked();
const B = createUnpacked();
const tmp = createFpResult();

function isNaN32(x: number): boolean {
  return (x & 0x7fffffff) > 0x7f800000;
}
function isSNaN32(x: number): boolean {
  return isNaN32(x) && !(x & 0x400000);
}
function isNaN64(lo: number, hi: number): boolean {
  const h = hi & 0x7fffffff;
  return h > 0x7ff00000 || (h === 0x7ff00000 && lo !== 0);
}
function isSNaN64(lo: number, hi: number): boolean {
  return isNaN64(lo, hi) && !(hi & 0x80000);
}
function isDenormal32(x: number): boolean {
  return (x & 0x7f800000) === 0 && (x & 0x7fffff) !== 0;
}
function isDenormal64(lo: number, hi: number): boolean {
  return (hi & 0x7ff00000) === 0 && ((hi & 0xfffff) !== 0 || lo !== 0);
}

/**
 * A denormal operand raises DE unless an invalid operation or a divide by zero, which take
 * precedence (SDM Vol. 1 §4.9.2), was signaled (checked against the host: x/0 and sqrt(-x) with a
 * denormal x raise ZE or IE alone).
 */
function denormalOperand(env: FpEnv): void {
  if (!(env.last & (FpFlag.IE | FpFlag.ZE))) raise(env, FpFlag.DE);
}

function begin(env: FpEnv): void {
  env.last = 0;
  env.c1 = 0;
}

/** Two-operand NaN handling (table 4-7); returns true when the result is decided. */
function nan32(a: number, b: number, env: FpEnv): number | undefined {
  if (!isNaN32(a) && !isNaN32(b)) return undefined;
  if (isSNaN32(a) || isSNaN32(b)) raise(env, FpFlag.IE);
  return (isNaN32(a) ? a | 0x400000 : b | 0x400000) >>> 0;
}

function nan64(alo: number, ahi: number, blo: number, bhi: number, env: FpEnv, res: FpResult): boolean {
  const na = isNaN64(alo, ahi);
  if (!na && !isNaN64(blo, bhi)) return false;
  if (isSNaN64(alo, ahi) || isSNaN64(blo, bhi)) raise(env, FpFlag.IE);
  res.lo = (na ? alo : blo) >>> 0;
  res.hi = ((na ? ahi : bhi) | 0x80000) >>> 0;
  return true;
}

function arith32(op: number, a: number, b: number, env: FpEnv): number {
  begin(env);
  const f = fastArith32(op, a, b, env);
  if (f >= 0) return f;
  const n = nan32(a, b, env);
  if (n !== undefined) return n;
  arith(op, unpack32(a, A, env.daz), unpack32(b, B, env.daz), F32, env, tmp, false);
  if (!env.daz && (isDenormal32(a) || isDenormal32(b))) denormalOperand(env);
  return tmp.lo;
}

function arith64(op: number, alo: number, ahi: number, blo: number, bhi: number, env: FpEnv, res: FpResult): void {
  begin(env);
  if (fastArith64(op, alo, ahi, blo, bhi, env, res)) return;
  if (nan64(alo, ahi, blo, bhi, env, res)) return;
  arith(op, unpack64(alo, ahi, A, env.daz), unpack64(blo, bhi, B, env.daz), F64, env, res, false);
  if (!env.daz && (isDenormal64(alo, ahi) || isDenormal64(blo, bhi))) denormalOperand(env);
}

export const f32Add = (a: number, b: number, env: FpEnv): number => arith32(Op.ADD, a, b, env);
export const f32Sub = (a: number, b: number, env: FpEnv): number => arith32(Op.SUB, a, b, env);
export const f32Mul = (a: number, b: number, env: FpEnv): number => arith32(Op.MUL, a, b, env);
export const f32Div = (a: number, b: number, env: FpEnv): number => arith32(Op.DIV, a, b, env);

export function f64Add(alo: number, ahi: number, blo: number, bhi: number, env: FpEnv, res: FpResult): void {
  arith64(Op.ADD, alo, ahi, blo, bhi, env, res);
}
export function f64Sub(alo: number, ahi: number, blo: number, bhi: number, env: FpEnv, res: FpResult): void {
  arith64(Op.SUB, alo, ahi, blo, bhi, env, res);
}
export function f64Mul(alo: number, ahi: number, blo: number, bhi: number, env: FpEnv, res: FpResult): void {
  arith64(Op.MUL, alo, ahi, blo, bhi, env, res);
}
export function f64Div(alo: number, ahi: number, blo: number, bhi: number, env: FpEnv, res: FpResult): void {
  arith64(Op.DIV, alo, ahi, blo, bhi, env, res);
}

export function f32Sqrt(a: number, env: FpEnv): number {
  begin(env);
  const f = fastArith32(4, a, 0, env);
  if (f >= 0) return f;
  if (isNaN32(a)) {
    if (isSNaN32(a)) raise(env, FpFlag.IE);
    return (a | 0x400000) >>> 0;
  }
  sqrtCore(unpack32(a, A, env.daz), F32, env, tmp, false);
  if (!env.daz && isDenormal32(a)) denormalOperand(env);
  return tmp.lo;
}

export function f64Sqrt(lo: number, hi: number, env: FpEnv, res: FpResult): void {
  begin(env);
  if (fastSqrt64(lo, hi, env, res)) return;
  if (isNaN64(lo, hi)) {
    if (isSNaN64(lo, hi)) raise(env, FpFlag.IE);
    res.lo = lo >>> 0;
    res.hi = (hi | 0x80000) >>> 0;
    return;
  }
  sqrtCore(unpack64(lo, hi, A, env.daz), F64, env, res, false);
  if (!env.daz && isDenormal64(lo, hi)) denormalOperand(env);
}

// ---------------------------------------------------------------------------------------------
// Comparisons. Relation bits: LT, EQ, GT, UNORDERED.
export const Rel = { LT: 1, EQ: 2, GT: 4, UN: 8 } as const;

/** Order of two non-NaN operands given as unpacked values (zeros of any sign are equal). */
function relation(): number {
  const za = A.cls === Cls.ZERO;
  const zb = B.cls === Cls.ZERO;
  if (za && zb) return Rel.EQ;
  // map to a signed magnitude key: infinities beyond every finite
  const sa = za ? 0 : A.sign ? -1 : 1;
  const sb = zb ? 0 : B.sign ? -1 : 1;
  if (sa !== sb) return sa < sb ? Rel.LT : Rel.GT;
  // same nonzero sign: compare magnitudes
  let c: number;
  if (A.cls === Cls.INF || B.cls === Cls.INF) c = A.cls === B.cls ? 0 : A.cls === Cls.INF ? 1 : -1;
  else {
    const e0 = Math.min(A.exp, B.exp);
    const ma = A.sig << BigInt(A.exp - e0);
    const mb = B.sig << BigInt(B.exp - e0);
    c = ma === mb ? 0 : ma > mb ? 1 : -1;
  }
  if (sa < 0) c = -c;
  return c === 0 ? Rel.EQ : c < 0 ? Rel.LT : Rel.GT;
}

/**
 * Compare: the relation (Rel.*) of a to b. IE on an SNaN, and on a QNaN too when `signalQNaN`;
 * DE on a denormal operand (without DAZ).
 */
export function f32Compare(a: number, b: number, signalQNaN: boolean, env: FpEnv): number {
  begin(env);
  if (isNaN32(a) || isNaN32(b)) {
    if (signalQNaN || isSNaN32(a) || isSNaN32(b)) raise(env, FpFlag.IE);
    return Rel.UN;
  }
  if (!env.daz && (isDenormal32(a) || isDenormal32(b))) raise(env, FpFlag.DE);
  unpack32(a, A, env.daz);
  unpack32(b, B, env.daz);
  return relation();
}

export function f64Compare(alo: number, ahi: number, blo: number, bhi: number, signalQNaN: boolean, env: FpEnv): number {
  begin(env);
  if (isNaN64(alo, ahi) || isNaN64(blo, bhi)) {
    if (signalQNaN || isSNaN64(alo, ahi) || isSNaN64(blo, bhi)) raise(env, FpFlag.IE);
    return Rel.UN;
  }
  if (!env.daz && (isDenormal64(alo, ahi) || isDenormal64(blo, bhi))) raise(env, FpFlag.DE);
  unpack64(alo, ahi, A, env.daz);
  unpack64(blo, bhi, B, env.daz);
  return relation();
}

/**
 * CMPPS/CMPSS predicates 0-31 (SDM Vol. 2A CMPPS table 3-1): bits of the relations that make the
 * predicate true, and whether it signals on QNaN (predicates 0-7 are the legacy SSE set).
 */
const PRED_TRUE = [
  Rel.EQ, Rel.LT, Rel.LT | Rel.EQ, Rel.UN, Rel.LT | Rel.GT | Rel.UN, Rel.EQ | Rel.GT | Rel.UN, Rel.GT | Rel.UN,
  Rel.LT | Rel.EQ | Rel.GT, Rel.EQ | Rel.UN, Rel.LT | Rel.UN, Rel.LT | Rel.EQ | Rel.UN, 0, Rel.LT | Rel.GT,
  Rel.GT | Rel.EQ, Rel.GT, 15,
];
/** Signaling predicates among 0-15 (the ones in 16-31 have the opposite). */
const PRED_SIGNALS = 0b0110_0110_0110_0110;

export function cmpPredicateSignals(pred: number): boolean {
  return (((PRED_SIGNALS >> (pred & 15)) & 1) ^ ((pred >> 4) & 1)) === 1;
}
export function cmpPredicateHolds(pred: number, rel: number): boolean {
  return (PRED_TRUE[pred & 15]! & rel) !== 0;
}

/** CMPSS: true when predicate `pred` (0-31) holds for (a, b). */
export function f32Cmp(a: number, b: number, pred: number, env: FpEnv): boolean {
  return cmpPredicateHolds(pred, f32Compare(a, b, cmpPredicateSignals(pred), env));
}
export function f64Cmp(alo: number, ahi: number, blo: number, bhi: number, pred: number, env: FpEnv): boolean {
  return cmpPredicateHolds(pred, f64Compare(alo, ahi, blo, bhi, cmpPredicateSignals(pred), env));
}

/** RFLAGS bits ZF, PF, CF for (U)COMIS (SDM Vol. 2A COMISS): unordered 111, > 000, < 001, = 100. */
export const COMI_ZF = 0x40;
export const COMI_PF = 0x04;
export const COMI_CF = 0x01;
export function comiFlags(rel: number): number {
  if (rel === Rel.UN) return COMI_ZF | COMI_PF | COMI_CF;
  return rel === Rel.LT ? COMI_CF : rel === Rel.EQ ? COMI_ZF : 0;
}

// ---------------------------------------------------------------------------------------------
// MIN/MAX (SDM Vol. 2A MINSS): a NaN operand (either kind) or two zeros return the second
// operand; a NaN operand signals IE.

export function f32MinMax(a: number, b: number, max: boolean, env: FpEnv): number {
  if (env.daz) {
    // the operand returned is the flushed one (checked against the host)
    if (isDenormal32(a)) a &= 0x80000000;
    if (isDenormal32(b)) b &= 0x80000000;
  }
  const rel = f32Compare(a, b, true, env);
  if (rel === Rel.UN || rel === Rel.EQ) return b >>> 0;
  return (rel === Rel.LT) !== max ? a >>> 0 : b >>> 0;
}

export function f64MinMax(alo: number, ahi: number, blo: number, bhi: number, max: boolean, env: FpEnv, res: FpResult): void {
  if (env.daz) {
    if (isDenormal64(alo, ahi)) (alo = 0), (ahi &= 0x80000000);
    if (isDenormal64(blo, bhi)) (blo = 0), (bhi &= 0x80000000);
  }
  const rel = f64Compare(alo, ahi, blo, bhi, true, env);
  const first = rel !== Rel.UN && rel !== Rel.EQ && (rel === Rel.LT) !== max;
  res.lo = (first ? alo : blo) >>> 0;
  res.hi = (first ? ahi : bhi) >>> 0;
}
