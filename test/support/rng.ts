// Small seeded PRNG (xoshiro128**) so that generated cases are reproducible.
import { at } from './types.js';

export function hashSeed(s: string): number[] {
  // FNV-1a variants -> four 32-bit words
  const out: number[] = [];
  for (let k = 0; k < 4; k++) {
    let h = (0x811c9dc5 ^ (k * 0x9e3779b9)) >>> 0;
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b) >>> 0;
    h ^= h >>> 13;
    out.push(h >>> 0 || 1);
  }
  return out;
}

export class Rng {
  // xoshiro128** state
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  constructor(seed: string | number) {
    const [a = 1, b = 1, c = 1, d = 1] = hashSeed(String(seed)); // hashSeed returns four nonzero words
    this.s0 = a;
    this.s1 = b;
    this.s2 = c;
    this.s3 = d;
    for (let i = 0; i < 8; i++) this.u32();
  }
  u32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 = (this.s2 ^ this.s0) >>> 0;
    this.s3 = (this.s3 ^ this.s1) >>> 0;
    this.s1 = (this.s1 ^ this.s2) >>> 0;
    this.s0 = (this.s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl(this.s3, 11);
    return result;
  }
  /** uniform in [0, n) for n <= 2^32 */
  below(n: number): number {
    return Math.floor((this.u32() / 0x100000000) * n);
  }
  /** uniform integer in [lo, hi] */
  int(lo: number, hi: number): number {
    return lo + this.below(hi - lo + 1);
  }
  bool(p = 0.5): boolean {
    return this.u32() / 0x100000000 < p;
  }
  pick<T>(a: readonly T[]): T {
    if (a.length === 0) throw new RangeError('Rng.pick from an empty list');
    return at(a, this.below(a.length));
  }
  u64(): bigint {
    return (BigInt(this.u32()) << 32n) | BigInt(this.u32());
  }
  /** uniform w-bit value (w <= 64) */
  bits(w: number): bigint {
    return BigInt.asUintN(w, this.u64());
  }
  bytes(n: number): Uint8Array {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      const v = this.u32();
      for (let k = 0; k < 4 && i + k < n; k++) b[i + k] = (v >>> (8 * k)) & 0xff;
    }
    return b;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
