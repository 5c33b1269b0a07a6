// Seeded operand generators for the floating-point differential suites, heavily biased to the hard
// cases: zeros, denormals (smallest, largest), normals at the exponent extremes, infinities, QNaN
// and SNaN with payloads, sparse and all-ones significands (exact/halfway products and sums),
// operands one ulp apart or equal and opposite (cancellation), integers at conversion boundaries.
import type { Rng } from './rng.js';

/** A binary32 from sign, biased exponent and fraction. */
export const mk32 = (s: number, e: number, f: number): number => ((s << 31) | (e << 23) | (f & 0x7fffff)) >>> 0;

function frac(rng: Rng, bits: number): number {
  // one of: random, sparse (few bits, gives exact and tie results), all ones, small, top bit only
  const mask = bits >= 32 ? 0xffffffff : (2 ** bits - 1);
  switch (rng.below(6)) {
    case 0:
    case 1:
      return rng.u32() & mask;
    case 2: {
      let f = 0;
      for (let k = rng.int(1, 3); k > 0; k--) f |= 2 ** rng.below(bits);
      return f >>> 0;
    }
    case 3:
      return (mask - rng.below(4)) >>> 0;
    case 4:
      return rng.below(8);
    default:
      return (2 ** (bits - 1) + rng.below(4)) >>> 0;
  }
}

const cf64 = new Float64Array(1);
const cu64 = new Uint32Array(cf64.buffer);
const cf32 = new Float32Array(1);
const cu32 = new Uint32Array(cf32.buffer);

/** Integers and half-integers (ties for the integer conversions), near 0 and the 2^31/2^63 edges. */
function halfInteger(rng: Rng): number {
  const base = rng.pick([0, 0, 2 ** 20, 2 ** 31, 2 ** 52, 2 ** 63, 2 ** 15]);
  const v = base + rng.int(-4, 4) + (rng.bool() ? 0.5 : rng.bool() ? 0.25 : 0);
  return rng.bool() ? -v : v;
}

/** A random "interesting" binary32. */
export function gen32(rng: Rng): number {
  const s = rng.below(2);
  if (rng.bool(0.05)) {
    cf32[0] = halfInteger(rng);
    return cu32[0]!;
  }
  switch (rng.below(14)) {
    case 0: return mk32(s, 0, 0);
    case 1: return mk32(s, 0, rng.pick([1, 2, 3, 0x7fffff, 0x400000, 0x7ffffe]));
    case 2: return mk32(s, 0, frac(rng, 23));
    case 3: return mk32(s, rng.int(1, 3), frac(rng, 23));
    case 4: return mk32(s, rng.int(0xfc, 0xfe), frac(rng, 23));
    case 5: return mk32(s, 0xff, 0);
    case 6: return mk32(s, 0xff, 0x400000 | frac(rng, 22));
    case 7: return mk32(s, 0xff, frac(rng, 22) || 1);
    case 8: return mk32(s, rng.int(120, 135), frac(rng, 23)); // near 1.0
    case 9: return mk32(s, rng.int(150, 160), frac(rng, 23)); // near 2^23..2^33 (integers, conversions)
    case 10: return mk32(s, rng.int(155, 191), frac(rng, 23)); // around 2^31 / 2^63
    case 11: return mk32(s, rng.int(20, 40), frac(rng, 23)); // products/quotients near underflow
    case 12: return mk32(s, rng.int(215, 240), frac(rng, 23)); // near overflow
    default: return mk32(s, rng.int(1, 0xfe), frac(rng, 23));
  }
}

/** A binary32 related to a: equal, opposite, 1 ulp apart, exponent offset by ~p (halfway adds). */
export function related32(rng: Rng, a: number): number {
  switch (rng.below(5)) {
    case 0: return (a ^ 0x80000000) >>> 0;
    case 1: return (a + rng.int(-2, 2)) >>> 0;
    case 2: {
      const e = (a >>> 23) & 0xff;
      const ne = Math.max(0, Math.min(0xfe, e - rng.int(22, 26)));
      return mk32(rng.below(2), ne, rng.pick([0, 0x7fffff, 1, 0x400000]));
    }
    case 3: return (((a & 0xff800000) ^ (rng.below(2) << 31)) | frac(rng, 23)) >>> 0;
    default: return a;
  }
}

/** binary64 as [lo, hi]. */
export function mk64(s: number, e: number, fh: number, lo: number): [number, number] {
  return [lo >>> 0, ((s << 31) | (e << 20) | (fh & 0xfffff)) >>> 0];
}

function frac64(rng: Rng): [number, number] {
  switch (rng.below(5)) {
    case 0: return [rng.u32(), rng.u32() & 0xfffff];
    case 1: {
      let lo = 0, hi = 0;
      for (let k = rng.int(1, 3); k > 0; k--) {
        const b = rng.below(52);
        if (b < 32) lo |= 2 ** b;
        else hi |= 2 ** (b - 32);
      }
      return [lo >>> 0, hi];
    }
    case 2: return [(0xffffffff - rng.below(4)) >>> 0, 0xfffff];
    case 3: return [rng.below(8), 0];
    default: return [rng.below(4), 0x80000];
  }
}

export function gen64(rng: Rng): [number, number] {
  const s = rng.below(2);
  if (rng.bool(0.05)) {
    cf64[0] = halfInteger(rng);
    return [cu64[0]!, cu64[1]!];
  }
  const [fl, fh] = frac64(rng);
  switch (rng.below(14)) {
    case 0: return mk64(s, 0, 0, 0);
    case 1: return rng.bool() ? mk64(s, 0, 0, rng.pick([1, 2, 3])) : mk64(s, 0, 0xfffff, 0xffffffff);
    case 2: return mk64(s, 0, fh, fl);
    case 3: return mk64(s, rng.int(1, 3), fh, fl);
    case 4: return mk64(s, rng.int(0x7fc, 0x7fe), fh, fl);
    case 5: return mk64(s, 0x7ff, 0, 0);
    case 6: return mk64(s, 0x7ff, 0x80000 | fh, fl);
    case 7: return mk64(s, 0x7ff, fh & 0x7ffff, fl || (fh & 0x7ffff ? fl : 1));
    case 8: return mk64(s, rng.int(1015, 1035), fh, fl);
    case 9: return mk64(s, rng.int(1050, 1060), fh, fl);
    case 10: return mk64(s, rng.int(1050, 1087), fh, fl);
    case 11: return mk64(s, rng.int(1, 60), fh, fl);
    case 12: return mk64(s, rng.int(0x7c0, 0x7fe), fh, fl);
    case 13: return mk64(s, rng.int(800, 1200), fh, fl); // binary32 range (CVTSD2SS boundaries)
    default: return mk64(s, rng.int(1, 0x7fe), fh, fl);
  }
}

export function related64(rng: Rng, a: [number, number]): [number, number] {
  const [lo, hi] = a;
  switch (rng.below(5)) {
    case 0: return [lo, (hi ^ 0x80000000) >>> 0];
    case 1: {
      const d = rng.int(-2, 2);
      const v = BigInt(hi) * 2n ** 32n + BigInt(lo) + BigInt(d);
      const w = BigInt.asUintN(64, v);
      return [Number(w & 0xffffffffn), Number(w >> 32n)];
    }
    case 2: {
      const e = (hi >>> 20) & 0x7ff;
      const ne = Math.max(0, Math.min(0x7fe, e - rng.int(51, 55)));
      return rng.bool() ? mk64(rng.below(2), ne, 0, 0) : mk64(rng.below(2), ne, 0xfffff, 0xffffffff);
    }
    case 3: {
      const [fl, fh] = frac64(rng);
      return [fl, ((hi & 0xfff00000) ^ (rng.below(2) << 31) | fh) >>> 0];
    }
    default: return a;
  }
}

/** An int32 biased to boundaries. */
export function genI32(rng: Rng): number {
  switch (rng.below(5)) {
    case 0: return rng.pick([0, 1, -1, 0x7fffffff, -0x80000000, 0x1000001, 0x1000003, -0x1000001]) | 0;
    case 1: return ((2 ** rng.below(31)) + rng.int(-3, 3)) | 0;
    case 2: return (rng.u32() >> rng.below(31)) | 0;
    case 3: return -(2 ** rng.below(31) + rng.below(3)) | 0;
    default: return rng.u32() | 0;
  }
}

/** An int64 as [lo, hi], biased to boundaries. */
export function genI64(rng: Rng): [number, number] {
  let v: bigint;
  switch (rng.below(5)) {
    case 0: v = rng.pick([0n, 1n, -1n, (1n << 63n) - 1n, -(1n << 63n), (1n << 53n) + 1n, (1n << 24n) + 1n]); break;
    case 1: v = (1n << BigInt(rng.below(63))) + BigInt(rng.int(-3, 3)); break;
    case 2: v = BigInt.asIntN(64, rng.u64()) >> BigInt(rng.below(63)); break;
    case 3: v = -((1n << BigInt(rng.below(63))) + BigInt(rng.below(1 << 12))); break;
    default: v = BigInt.asIntN(64, rng.u64());
  }
  const w = BigInt.asUintN(64, v);
  return [Number(w & 0xffffffffn), Number(w >> 32n)];
}

/** An extended value as [lo, hi, se] from sign, biased exponent, significand (64-bit, j explicit). */
export function mk80(s: number, e: number, sig: bigint): [number, number, number] {
  return [Number(sig & 0xffffffffn), Number((sig >> 32n) & 0xffffffffn), ((s << 15) | e) >>> 0];
}

function sig80(rng: Rng): bigint {
  // random, sparse, all ones, ties at 24/53/64 bits, small
  switch (rng.below(7)) {
    case 0:
    case 1: return rng.u64() | (1n << 63n);
    case 2: {
      let v = 1n << 63n;
      for (let k = rng.int(0, 3); k > 0; k--) v |= 1n << BigInt(rng.below(63));
      return v;
    }
    case 3: return (1n << 64n) - 1n - BigInt(rng.below(4));
    case 4: {
      const p = rng.pick([24, 53, 64]);
      const tie = 1n << BigInt(63 - p); // the half-ulp bit at precision p
      const base = (rng.u64() | (1n << 63n)) & ~((tie << 1n) - 1n);
      return base | (rng.bool() ? tie : tie - BigInt(rng.below(2))) | (rng.bool(0.3) ? tie >> 1n : 0n);
    }
    case 5: return (1n << 63n) | BigInt(rng.below(8));
    default: return (1n << 63n) | (BigInt(rng.below(4)) << 40n) | (BigInt(rng.below(4)) << 11n);
  }
}

/** A random "interesting" extended value, invalid encodings included (SDM table 8-3). */
export function gen80(rng: Rng): [number, number, number] {
  const s = rng.below(2);
  if (rng.bool(0.05)) {
    // an integer or half-integer (FIST/FRNDINT ties), exactly as a double has it
    cf64[0] = halfInteger(rng);
    const [lo, hi] = [cu64[0]!, cu64[1]!];
    const e = (hi >>> 20) & 0x7ff;
    if (e === 0) return mk80(hi >>> 31, 0, 0n);
    const sig = (1n << 63n) | (BigInt(hi & 0xfffff) << 43n) | (BigInt(lo) << 11n);
    return mk80(hi >>> 31, e - 1023 + 16383, sig);
  }
  const sig = sig80(rng);
  const frac = sig & ((1n << 63n) - 1n);
  switch (rng.below(18)) {
    case 0: return mk80(s, 0, 0n);
    case 1: return mk80(s, 0, frac >> BigInt(rng.below(63)) || 1n); // denormal
    case 2: return mk80(s, 0, sig); // pseudo-denormal
    case 3: return mk80(s, rng.int(1, 3), sig);
    case 4: return mk80(s, rng.int(0x7ffc, 0x7ffe), sig);
    case 5: return mk80(s, 0x7fff, 1n << 63n);
    case 6: return mk80(s, 0x7fff, (3n << 62n) | (frac & ((1n << 62n) - 1n)));
    case 7: return mk80(s, 0x7fff, (1n << 63n) | (frac & ((1n << 62n) - 1n) || 1n));
    case 8: return mk80(s, 0x7fff, rng.bool() ? 0n : frac || 1n); // pseudo-infinity / pseudo-NaN
    case 9: return mk80(s, rng.int(1, 0x7ffe), frac); // unnormal
    case 10:
    case 11: return mk80(s, rng.int(0x3fff - 20, 0x3fff + 20), sig);
    case 12: return mk80(s, rng.pick([0x3fff - 126, 0x3fff - 149, 0x3fff + 127, 0x3fff - 1022, 0x3fff - 1074, 0x3fff + 1023]) + rng.int(-2, 2), sig);
    case 13: return mk80(s, 0x3fff + rng.int(14, 64), sig); // integer conversions
    case 14: return mk80(s, rng.int(1, 70), sig); // near the extended underflow
    case 15: return mk80(s, 0x3fff - rng.int(-70, 70), (1n << 63n) >> 0n | (BigInt(rng.below(256)) << 55n));
    default: return mk80(s, rng.int(1, 0x7ffe), sig);
  }
}

export function related80(rng: Rng, a: [number, number, number]): [number, number, number] {
  const [lo, hi, se] = a;
  const e = se & 0x7fff;
  const sig = (BigInt(hi) << 32n) | BigInt(lo);
  switch (rng.below(5)) {
    case 0: return [lo, hi, se ^ 0x8000];
    case 1: return mk80(rng.below(2), e, BigInt.asUintN(64, sig + BigInt(rng.int(-2, 2))) | (sig & (1n << 63n)));
    case 2: return mk80(rng.below(2), Math.max(0, Math.min(0x7ffe, e - rng.int(22, 66))), sig80(rng));
    case 3: return mk80(rng.below(2), Math.max(1, Math.min(0x7ffe, e + rng.int(-3, 3))), sig80(rng));
    default: return a;
  }
}
