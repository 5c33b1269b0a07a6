// IMUL's truncated product and CF/OF from alu-source.ts imulSource, the one
// definition both tiers run, against BigInt arithmetic: products near ±2^31
// and ±2^63, where the double-precision overflow test is closest to wrong
// and the 64-bit form falls back to its exact helper.
import { describe, expect, it } from 'vitest';
import { buildFunction } from '../src/cpu/generated.js';
import { imulSource, IMUL_OVERFLOW_NAME } from '../src/cpu/exec/alu-source.js';
import { imulOverflow64 } from '../src/cpu/exec/muldiv.js';

const flags = { z: 'f.z', s: 'f.s', p: 'f.p', aux: 'f.aux' };
type Imul = (a: number, ah: number, b: number, bh: number, out: Int32Array, f: { aux: number }) => void;
const imul = (size: number): Imul => buildFunction('imul', ['a', 'ah', 'b', 'bh', 'out', 'f'],
  imulSource(size, { lo: 'a', hi: 'ah' }, { lo: 'b', hi: 'bh' }, 'out[0]', 'out[1]', flags), { [IMUL_OVERFLOW_NAME]: imulOverflow64 });

const bits = (size: number) => BigInt(size * 8);
const signed = (x: bigint, size: number) => BigInt.asIntN(size * 8, x);

/** Random signed values and, for each, partners whose product lands just below, at and above ±2^(w-1). */
function boundaryPairs(size: number, seed: number): [bigint, bigint][] {
  let s = seed;
  const rnd = () => { s = (s * 1103515245 + 12345) % 2147483648; return s; };
  const limit = 1n << (bits(size) - 1n);
  const pairs: [bigint, bigint][] = [[limit - 1n, 1n], [-limit, 1n], [-limit, -1n], [1n << (bits(size) / 2n), 1n << (bits(size) / 2n - 1n)]];
  for (let k = 0; k < 400; k++) {
    let a = 0n;
    for (let j = 0; j < size; j++) a = (a << 8n) | BigInt(rnd() & 0xff);
    a = signed(a >> BigInt(rnd() % (size * 8 - 2)), size) || 3n;
    for (const target of [limit, -limit]) {
      const b = target / a;
      for (const d of [-1n, 0n, 1n]) pairs.push([a, signed(b + d, size)]);
    }
  }
  return pairs;
}

describe('IMUL truncated product and overflow (imulSource)', () => {
  for (const size of [4, 8]) {
    it(`${size * 8}-bit products near the overflow boundary match BigInt arithmetic`, () => {
      const run = imul(size), out = new Int32Array(2), f = { aux: 0x10 };
      let overflows = 0, fits = 0;
      for (const [a, b] of boundaryPairs(size, size)) {
        const full = a * b, truncated = signed(full, size);
        const overflow = truncated !== full;
        const lo = Number(BigInt.asIntN(32, a)), hi = Number(BigInt.asIntN(32, a >> 32n));
        const blo = Number(BigInt.asIntN(32, b)), bhi = Number(BigInt.asIntN(32, b >> 32n));
        f.aux = 0x10;
        run(lo, size === 8 ? hi : 0, blo, size === 8 ? bhi : 0, out, f);
        const got = size === 8 ? (BigInt(out[1]!) << 32n) | BigInt(out[0]! >>> 0) : BigInt(out[0]!);
        expect({ a, b, result: got, cfof: f.aux }).toEqual({ a, b, result: truncated, cfof: 0x10 | (overflow ? 0x801 : 0) });
        if (overflow) overflows++; else fits++;
      }
      expect(overflows).toBeGreaterThan(100);
      expect(fits).toBeGreaterThan(100);
    });
  }
});
