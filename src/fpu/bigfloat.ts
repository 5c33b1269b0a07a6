// A small high-precision binary floating point for the x87 transcendentals (transcendental.ts):
// values (-1)^s * m * 2^e with m a BigInt kept to W = 192 significant bits (truncated), plus
// fixed-point series (scale 2^-W) for sin, cos, atan, atanh and expm1. Not on any hot path: one
// transcendental instruction costs a few dozen BigInt operations of ~200 bits. The results carry
// ~185 correct bits, so rounding them to 64 bits is correct except in the rarest of cases.
// Values are never mutated (the operations may return an operand itself, or a cached constant).
import { bitLength } from './format.js';

export interface BF {
  s: number;
  m: bigint;
  e: number;
}

export const W = 192;
const WB = BigInt(W);
/** 1.0 in the fixed-point scale 2^-W. */
const FONE = 1n << WB;

export function bf(s: number, m: bigint, e: number): BF {
  if (m < 0n) {
    m = -m;
    s ^= 1;
  }
  if (m === 0n) return { s, m, e: 0 };
  const n = bitLength(m);
  if (n > W) {
    const k = n - W;
    return { s, m: m >> BigInt(k), e: e + k };
  }
  return { s, m, e };
}

export const bfInt = (v: number): BF => bf(v < 0 ? 1 : 0, BigInt(Math.abs(v)), 0);

/** The exponent of the leading bit (floor(log2|a|)); -Infinity for 0. */
export const top = (a: BF): number => (a.m === 0n ? -Infinity : a.e + bitLength(a.m) - 1);

export const neg = (a: BF): BF => ({ s: a.s ^ 1, m: a.m, e: a.e });

export function mul(a: BF, b: BF): BF {
  return bf(a.s ^ b.s, a.m * b.m, a.e + b.e);
}

export function div(a: BF, b: BF): BF {
  const sh = W + bitLength(b.m) - bitLength(a.m) + 2;
  if (a.m === 0n) return a;
  return bf(a.s ^ b.s, (a.m << BigInt(sh)) / b.m, a.e - b.e - sh);
}

export function add(a: BF, b: BF): BF {
  if (a.m === 0n) return b;
  if (b.m === 0n) return a;
  const ta = top(a), tb = top(b);
  if (ta - tb > W + 4) return a;
  if (tb - ta > W + 4) return b;
  const e = Math.min(a.e, b.e);
  const ma = a.m << BigInt(a.e - e), mb = b.m << BigInt(b.e - e);
  return bf(0, (a.s ? -ma : ma) + (b.s ? -mb : mb), e);
}

export const sub = (a: BF, b: BF): BF => add(a, neg(b));

/** Signed magnitude comparison |a| vs |b|: -1, 0, 1. */
export function cmpAbs(a: BF, b: BF): number {
  const d = sub({ s: 0, m: a.m, e: a.e }, { s: 0, m: b.m, e: b.e });
  return d.m === 0n ? 0 : d.s ? -1 : 1;
}

/** a * 2^W as a signed BigInt (truncated). */
export function toFixed(a: BF): bigint {
  const sh = a.e + W;
  const v = sh >= 0 ? a.m << BigInt(sh) : a.m >> BigInt(-sh);
  return a.s ? -v : v;
}

export const fromFixed = (v: bigint): BF => bf(0, v, -W);

const fmul = (a: bigint, b: bigint): bigint => (a * b) >> WB;

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt((bitLength(n) >> 1) + 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** sqrt of a fixed-point value (fixed point). */
const fsqrt = (v: bigint): bigint => isqrt(v << WB);

/** sin(r)/r as a series in u = r^2 (fixed point, 0 <= u < 1): sum (-u)^k / (2k+1)!. */
function sinSeries(u: bigint): bigint {
  if (u === 0n) return FONE - 1n; // r^2 below 2^-W: just below 1 (an exact 1 would round as if above)
  let term = FONE, sum = FONE;
  for (let k = 1; term !== 0n; k++) {
    term = -fmul(term, u) / BigInt(2 * k * (2 * k + 1));
    sum += term;
  }
  return sum;
}

/** cos(r) as a series in u = r^2: sum (-u)^k / (2k)!. */
function cosSeries(u: bigint): bigint {
  if (u === 0n) return FONE - 1n;
  let term = FONE, sum = FONE;
  for (let k = 1; term !== 0n; k++) {
    term = -fmul(term, u) / BigInt((2 * k - 1) * (2 * k));
    sum += term;
  }
  return sum;
}

/** sum (±u)^k / (2k+1): atan(t)/t (alternating) or atanh(t)/t, with u = t^2. */
function oddSeries(u: bigint, alternating: boolean): bigint {
  if (u === 0n) return alternating ? FONE - 1n : FONE + 1n;
  let pow = FONE, sum = FONE;
  for (let k = 1; pow !== 0n; k++) {
    pow = fmul(pow, u);
    const t = pow / BigInt(2 * k + 1);
    sum += alternating && k & 1 ? -t : t;
  }
  return sum;
}

/** (e^t - 1)/t for a fixed-point t: sum t^k / (k+1)! (t = 0: |t| below 2^-W, of that sign). */
function expm1Series(t: bigint, negative: boolean): bigint {
  if (t === 0n) return negative ? FONE - 1n : FONE + 1n;
  let term = FONE, sum = FONE;
  for (let k = 1; term !== 0n; k++) {
    term = fmul(term, t) / BigInt(k + 1);
    sum += term;
  }
  return sum;
}

/** sin(r) and cos(r) for |r| <= ~0.8. */
export function sinCos(r: BF): [BF, BF] {
  const u = toFixed(mul(r, r));
  return [mul(r, fromFixed(sinSeries(u))), fromFixed(cosSeries(u))];
}

/** tan(r), or cot(r) when `cot`, for 0 < |r| <= ~0.8. */
export function tanCot(r: BF, cot: boolean): BF {
  if (2 * top(r) < -W) {
    // r^2 below 2^-W: tan r just above r, cot r just below 1/r in magnitude
    return cot ? mul(div(bf(0, 1n, 0), r), fromFixed(FONE - 1n)) : mul(r, fromFixed(FONE + 1n));
  }
  const [s, c] = sinCos(r);
  return cot ? div(c, s) : div(s, c);
}

/** atan(t) for 0 <= t (any size: atan(t) = π/2 - atan(1/t) above 1). */
export function atan(t: BF): BF {
  if (t.m === 0n) return t;
  if (top(t) >= 0 && cmpAbs(t, bfInt(1)) > 0) return sub(half(pi()), atan(div(bfInt(1), t)));
  let k = 0;
  // atan(t) = 2 atan(t / (1 + sqrt(1 + t^2))), until t < 1/8
  while (top(t) >= -3) {
    const s = fsqrt(FONE + toFixed(mul(t, t)));
    t = div(t, fromFixed(FONE + s));
    k++;
  }
  const r = mul(t, fromFixed(oddSeries(toFixed(mul(t, t)), true)));
  return { s: r.s, m: r.m, e: r.e + k };
}

const half = (a: BF): BF => ({ s: a.s, m: a.m, e: a.e - 1 });

/** 2 atanh(z) = ln((1+z)/(1-z)) for |z| <= 1/3. */
function twoAtanh(z: BF): BF {
  const r = mul(z, fromFixed(oddSeries(toFixed(mul(z, z)), false)));
  return { s: r.s, m: r.m, e: r.e + 1 };
}

let PI: BF | undefined;
const SQRT2 = fsqrt(2n * FONE);
let LN2: BF | undefined;

/** π (Machin: 16 atan(1/5) - 4 atan(1/239)). */
export function pi(): BF {
  if (!PI) {
    const a = atan(div(bfInt(1), bfInt(5))), b = atan(div(bfInt(1), bfInt(239)));
    PI = sub({ ...a, e: a.e + 4 }, { ...b, e: b.e + 2 });
  }
  return PI;
}

/** ln 2 = 2 atanh(1/3). */
export function ln2(): BF {
  LN2 ??= twoAtanh(div(bfInt(1), bfInt(3)));
  return LN2;
}

/** log2(x) for x > 0: k + ln(m)/ln 2 with x = m * 2^k, m in [√2/2, √2). */
export function log2(x: BF): BF {
  let k = top(x);
  let m: BF = { s: 0, m: x.m, e: x.e - k };
  // m in [1, 2): above √2 (1.0110101…) use m/2
  if (toFixed(m) > SQRT2) {
    m = half(m);
    k++;
  }
  const one = bfInt(1);
  const lnm = twoAtanh(div(sub(m, one), add(m, one)));
  return add(bfInt(k), div(lnm, ln2()));
}

/** log2(1 + x) for x > -1, accurate for tiny x. */
export function log2p1(x: BF): BF {
  if (top(x) >= -2) return log2(add(bfInt(1), x));
  // ln(1 + x) = 2 atanh(x / (2 + x))
  return div(twoAtanh(div(x, add(bfInt(2), x))), ln2());
}

/** 2^x - 1 for |x| <= 1, accurate for tiny x. */
export function exp2m1(x: BF): BF {
  const t = mul(x, ln2());
  return mul(t, fromFixed(expm1Series(toFixed(t), t.s === 1)));
}
