// `npm run bench:fpu`: operations per second of the software floating-point core (never a timed
// test). Normal operands (the fast paths, in every rounding mode) and denormal operands (the exact
// BigInt slow path), binary64 add/mul/div and a few others.
import * as fpu from '../src/fpu/index.js';

// No options: anything given is a mistake, said in one line (no stack trace).
if (process.argv.length > 2) {
  console.error(`bench:fpu: no options (got ${process.argv.slice(2).join(' ')}); usage: npm run bench:fpu`);
  process.exit(2);
}

const N = 1 << 12;
const MASK = N - 1;
function operands(seed: number, exp: () => number): Uint32Array {
  const w = new Uint32Array(2 * N);
  let s = seed;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
  for (let i = 0; i < N; i++) {
    w[2 * i] = next();
    w[2 * i + 1] = ((exp() << 20) | (next() & 0xfffff)) >>> 0;
  }
  return w;
}
let es = 7;
const normalExp = () => 1023 + ((es = (es * 75 + 74) % 65537) % 64) - 32;
const denormalExp = () => ((es = (es * 75 + 74) % 65537) % 2 === 0 ? 0 : 1023);
const normal = [operands(1, normalExp), operands(2, normalExp)] as const;
const slow = [operands(3, denormalExp), operands(4, denormalExp)] as const;

type Op = (alo: number, ahi: number, blo: number, bhi: number, env: fpu.FpEnv, res: fpu.FpResult) => void;
const res = fpu.createFpResult();

function measure(name: string, op: Op, ops: readonly [Uint32Array, Uint32Array], rc: number, minMs = 300): void {
  const env = fpu.createFpEnv({ rc });
  const [a, b] = ops;
  let n = 0;
  let sink = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < minMs) {
    for (let i = 0; i < 10000; i++, n++) {
      const k = (n & MASK) * 2;
      op(a[k]!, a[k + 1]!, b[k]!, b[k + 1]!, env, res);
      sink ^= res.lo;
    }
    t = performance.now();
  }
  const mops = n / ((t - t0) * 1000);
  console.log(`${name.padEnd(34)} ${mops.toFixed(2).padStart(8)} Mops/s${sink === 0.5 ? '' : ''}`);
}

const sqrt: Op = (alo, ahi, _blo, _bhi, env, r) => fpu.f64Sqrt(alo, ahi & 0x7fffffff, env, r);
const f32add: Op = (alo, ahi, _blo, bhi, env, r) => {
  r.lo = fpu.f32Add((ahi & 0x3fffffff) | 0x3c000000, (bhi & 0x3fffffff) | 0x3c000000, env) ^ alo;
};
const x87add: Op = (alo, ahi, blo, bhi, env, r) => fpu.f80Add(alo, ahi | 0x80000000, 0x3fff, blo, bhi | 0x80000000, 0x4001, env, r);
const x87mul: Op = (alo, ahi, blo, bhi, env, r) => fpu.f80Mul(alo, ahi | 0x80000000, 0x3fff, blo, bhi | 0x80000000, 0x4001, env, r);
const x87ldst: Op = (alo, ahi, _blo, _bhi, env, r) => {
  fpu.f80FromF64(alo, ahi, env, r);
  fpu.f80ToF64(r.lo, r.hi, r.se, env, r);
};
const x87div: Op = (alo, ahi, blo, bhi, env, r) => fpu.f80Div(alo, ahi | 0x80000000, 0x3fff, blo, bhi | 0x80000000, 0x4001, env, r);

for (let round = 0; round < 2; round++) {
  if (round === 1) console.log('--');
  measure('binary64 add (nearest, normal)', fpu.f64Add, normal, 0);
  measure('binary64 mul (nearest, normal)', fpu.f64Mul, normal, 0);
  measure('binary64 div (nearest, normal)', fpu.f64Div, normal, 0);
  measure('binary64 sqrt (nearest, normal)', sqrt, normal, 0);
  measure('binary32 add (nearest, normal)', f32add, normal, 0);
  measure('binary64 add (toward zero)', fpu.f64Add, normal, 3);
  measure('binary64 div (toward zero)', fpu.f64Div, normal, 3);
  measure('binary64 add (denormals: slow)', fpu.f64Add, slow, 0);
  measure('binary64 mul (denormals: slow)', fpu.f64Mul, slow, 0);
  measure('binary64 div (denormals: slow)', fpu.f64Div, slow, 0);
  measure('extended add (x87, limbs)', x87add, normal, 0);
  measure('extended mul (x87, limbs)', x87mul, normal, 0);
  measure('extended div (x87: slow)', x87div, normal, 0);
  measure('FLD m64 + FST m64 (x87)', x87ldst, normal, 0);
}
