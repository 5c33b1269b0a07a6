// Robustness of the floating-point core on arbitrary bits (no host needed): every entry point,
// random words (given both as uint32 and as signed int32, which must not matter) and random
// controls, never throws, and returns well-formed results: uint32 words, a 16-bit se, flags
// within IE..PE with `last` included in `flags`.
import { describe, expect, it } from 'vitest';
import * as fpu from '../src/fpu/index.js';
import { Rng } from './support/rng.js';

type Entry = (w: number[], env: fpu.FpEnv, r: fpu.FpResult, r2: fpu.FpResult) => number | boolean | void;
const ENTRIES: Record<string, Entry> = {
  f32Add: (w, e) => fpu.f32Add(w[0]!, w[1]!, e),
  f32Sub: (w, e) => fpu.f32Sub(w[0]!, w[1]!, e),
  f32Mul: (w, e) => fpu.f32Mul(w[0]!, w[1]!, e),
  f32Div: (w, e) => fpu.f32Div(w[0]!, w[1]!, e),
  f32Sqrt: (w, e) => fpu.f32Sqrt(w[0]!, e),
  f32MinMax: (w, e) => fpu.f32MinMax(w[0]!, w[1]!, (w[2]! & 1) === 1, e),
  f32Cmp: (w, e) => fpu.f32Cmp(w[0]!, w[1]!, w[2]! & 31, e),
  f64Add: (w, e, r) => fpu.f64Add(w[0]!, w[1]!, w[2]!, w[3]!, e, r),
  f64Sub: (w, e, r) => fpu.f64Sub(w[0]!, w[1]!, w[2]!, w[3]!, e, r),
  f64Mul: (w, e, r) => fpu.f64Mul(w[0]!, w[1]!, w[2]!, w[3]!, e, r),
  f64Div: (w, e, r) => fpu.f64Div(w[0]!, w[1]!, w[2]!, w[3]!, e, r),
  f64Sqrt: (w, e, r) => fpu.f64Sqrt(w[0]!, w[1]!, e, r),
  f64MinMax: (w, e, r) => fpu.f64MinMax(w[0]!, w[1]!, w[2]!, w[3]!, (w[4]! & 1) === 1, e, r),
  f64Cmp: (w, e) => fpu.f64Cmp(w[0]!, w[1]!, w[2]!, w[3]!, w[4]! & 31, e),
  f32ToF64: (w, e, r) => fpu.f32ToF64(w[0]!, e, r),
  f64ToF32: (w, e) => fpu.f64ToF32(w[0]!, w[1]!, e),
  i32ToF32: (w, e) => fpu.i32ToF32(w[0]!, e),
  i64ToF64: (w, e, r) => fpu.i64ToF64(w[0]!, w[1]!, e, r),
  i64ToF32: (w, e) => fpu.i64ToF32(w[0]!, w[1]!, e),
  f32ToI32: (w, e) => fpu.f32ToI32(w[0]!, (w[1]! & 1) === 1, e) >>> 0,
  f64ToI64: (w, e, r) => fpu.f64ToI64(w[0]!, w[1]!, (w[2]! & 1) === 1, e, r),
  f32Round: (w, e) => fpu.f32Round(w[0]!, w[1]! & 15, e),
  f64Round: (w, e, r) => fpu.f64Round(w[0]!, w[1]!, w[2]! & 15, e, r),
  f80Add: (w, e, r) => fpu.f80Add(w[0]!, w[1]!, w[2]!, w[3]!, w[4]!, w[5]!, e, r),
  f80Sub: (w, e, r) => fpu.f80Sub(w[0]!, w[1]!, w[2]!, w[3]!, w[4]!, w[5]!, e, r),
  f80Mul: (w, e, r) => fpu.f80Mul(w[0]!, w[1]!, w[2]!, w[3]!, w[4]!, w[5]!, e, r),
  f80Div: (w, e, r) => fpu.f80Div(w[0]!, w[1]!, w[2]!, w[3]!, w[4]!, w[5]!, e, r),
  f80Sqrt: (w, e, r) => fpu.f80Sqrt(w[0]!, w[1]!, w[2]!, e, r),
  f80Compare: (w, e) => fpu.f80Compare(w[0]!, w[1]!, w[2]!, w[3]!, w[4]!, w[5]!, (w[6]! & 1) === 1, e),
  f80Examine: (w) => fpu.f80Examine(w[0]!, w[1]!, w[2]!, (w[3]! & 1) === 1),
  f80RoundInt: (w, e, r) => fpu.f80RoundInt(w[0]!, w[1]!, w[2]!, e, r),
  f80Scale: (w, e, r) => fpu.f80Scale(w[0]!, w[1]!, w[2]!, w[3]!, w[4]!, w[5]!, e, r),
  f80Extract: (w, e, r, r2) => fpu.f80Extract(w[0]!, w[1]!, w[2]!, e, r, r2),
  f80Rem: (w, e, r) => fpu.f80Rem(w[0]!, w[1]!, w[2]!, w[3]!, w[4]!, w[5]!, (w[6]! & 1) === 1, e, r),
  f80FromF32: (w, e, r) => fpu.f80FromF32(w[0]!, e, r),
  f80FromF64: (w, e, r) => fpu.f80FromF64(w[0]!, w[1]!, e, r),
  f80FromInt: (w, e, r) => fpu.f80FromInt(w[0]!, w[1]!, e, r),
  f80ToF32: (w, e, r) => fpu.f80ToF32(w[0]!, w[1]!, w[2]!, e, r),
  f80ToF64: (w, e, r) => fpu.f80ToF64(w[0]!, w[1]!, w[2]!, e, r),
  f80ToInt: (w, e, r) => fpu.f80ToInt(w[0]!, w[1]!, w[2]!, [16, 32, 64][(w[3]! >>> 0) % 3]!, (w[4]! & 1) === 1, e, r),
  f80FromBcd: (w, e, r) => fpu.f80FromBcd(w[0]!, w[1]!, w[2]!, e, r),
  f80ToBcd: (w, e, r) => fpu.f80ToBcd(w[0]!, w[1]!, w[2]!, e, r),
};

/** Random words biased to special exponent fields (x87 se words in the low 16 bits). */
function word(rng: Rng): number {
  switch (rng.below(6)) {
    case 0: return rng.pick([0, 0x7fff, 0xffff, 0x8000, 0x7f800000, 0xff800001, 0x7ff00000, 0x80000000, 0xffffffff]);
    case 1: return rng.u32() & 0x8000ffff;
    case 2: return rng.u32() >>> rng.below(32);
    default: return rng.u32();
  }
}

describe('fpu entry points on arbitrary bits', () => {
  it.each(Object.keys(ENTRIES))('%s', (name) => {
    const f = ENTRIES[name]!;
    const rng = new Rng(`fpu-robust:${name}`);
    for (let i = 0; i < 1000; i++) {
      const w = Array.from({ length: 7 }, () => word(rng));
      const ctl = { rc: rng.below(4), pc: rng.below(4), daz: rng.bool(), ftz: rng.bool(), unmasked: rng.below(64) };
      const outs = [w.map((x) => x >>> 0), w.map((x) => x | 0)].map((ws) => {
        const env = fpu.createFpEnv(ctl);
        const r = fpu.createFpResult();
        const r2 = fpu.createFpResult();
        const v = f(ws, env, r, r2);
        return { v, r, r2, flags: env.flags, last: env.last, c1: env.c1 };
      });
      const [u, s] = outs as [(typeof outs)[0], (typeof outs)[0]];
      expect(s).toEqual(u);
      for (const r of [u.r, u.r2]) {
        expect(Number.isInteger(r.lo) && r.lo >= 0 && r.lo <= 0xffffffff).toBe(true);
        expect(Number.isInteger(r.hi) && r.hi >= 0 && r.hi <= 0xffffffff).toBe(true);
        expect(Number.isInteger(r.se) && r.se >= 0 && r.se <= 0xffff).toBe(true);
      }
      if (typeof u.v === 'number') expect(Number.isInteger(u.v) && u.v >= 0 && u.v <= 0xffffffff).toBe(true);
      expect(u.flags & ~0x3f).toBe(0);
      expect(u.last & ~u.flags).toBe(0);
      expect([0, 1]).toContain(u.c1);
    }
  });
});
