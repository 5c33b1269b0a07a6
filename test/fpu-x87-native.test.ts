// Differential tests of the x87 side of the floating-point core (src/fpu) against the host FPU:
// every operation × every rounding mode × precision control 24/53/64 (all exceptions masked),
// extended operands biased to the hard cases, unsupported encodings included; result bits, the
// six flags and the condition codes C0-C3 compared exactly.
import { describe, expect, it } from 'vitest';
import * as fpu from '../src/fpu/index.js';
import { type FpCase, type FpSuite, describeRun, runFpSuite } from './support/fpu-diff.js';
import { gen32, gen64, gen80, genI32, genI64, related80 } from './support/fpu-gen.js';
import { NOp, fpuNativeAvailable } from './support/fpu-native.js';
import type { Rng } from './support/rng.js';

const avail = fpuNativeAvailable();
if (!avail.ok) console.warn(`\n*** ringzero: SKIPPING fpu x87 differential suite: ${avail.reason} ***\n`);

const CW_MASKED = 0x3f;
/** RC 0-3 × PC 24/53/64 */
const CONTROLS = [0, 1, 2, 3].flatMap((rc) => [0, 1, 2, 3].map((pc) => CW_MASKED | (pc << 8) | (rc << 10)));
const PER_CONTROL = Number(process.env.RINGZERO_FPU_CASES ?? 2000);
/** status word bits compared: flags IE..PE and C0-C3 */
const SW_MASK = 0x473f;

function envOf(cw: number): fpu.FpEnv {
  return fpu.createFpEnv({ rc: (cw >>> 10) & 3, pc: (cw >>> 8) & 3, unmasked: ~cw & 0x3f });
}
const res = fpu.createFpResult();
const res2 = fpu.createFpResult();
const C1 = fpu.X87Cond.C1;

type Emu = (c: FpCase, env: fpu.FpEnv) => { words: number[]; cond?: number };
interface OpDef {
  name: string;
  op: number;
  make: (rng: Rng) => { a: number[]; b: number[]; imm?: number };
  emu: Emu;
  /** native result words compared: a function of the output record */
  words: (out: Uint32Array, o: number) => number[];
}

const w80 = (r: fpu.FpResult = res) => [r.lo, r.hi, r.se & 0xffff];
const n80 = (out: Uint32Array, o: number) => [out[o]!, out[o + 1]!, out[o + 2]! & 0xffff];
const none = () => [];
const two = (rng: Rng) => {
  const a = gen80(rng);
  return { a, b: rng.bool(0.35) ? related80(rng, a) : gen80(rng) };
};
const one = (rng: Rng) => ({ a: gen80(rng), b: [] });
type Bin80 = (alo: number, ahi: number, ase: number, blo: number, bhi: number, bse: number, env: fpu.FpEnv, r: fpu.FpResult) => void;
const A = (c: FpCase, k = 0) => c.a[k]!;
const B = (c: FpCase, k = 0) => c.b[k]!;
const bin = (f: Bin80): Emu => (c, env) => (f(A(c), A(c, 1), A(c, 2), B(c), B(c, 1), B(c, 2), env, res), { words: w80() });
const sext = (v: number, bits: number) => {
  const s = bits === 32 ? v | 0 : (v << 16) >> 16;
  return [s, s < 0 ? -1 : 0];
};
function scaleOperand(rng: Rng): [number, number, number] {
  if (rng.bool(0.3)) return gen80(rng);
  const v = rng.pick([rng.int(-80, 80), rng.int(-70000, 70000), rng.int(-17000, 17000)]) + (rng.bool(0.3) ? 0.5 : 0);
  const e = fpu.createFpEnv();
  fpu.f80FromF64(...(f64bits(v) as [number, number]), e, res2);
  return [res2.lo, res2.hi, res2.se];
}
function f64bits(v: number): number[] {
  const f = new Float64Array([v]);
  return Array.from(new Uint32Array(f.buffer));
}

/** Packed BCD: valid digits mostly, sometimes a digit above 9 (undefined, compared as measured). */
function genBcd(rng: Rng): number[] {
  const d: number[] = [];
  const n = rng.int(0, 18);
  for (let i = 0; i < 18; i++) d.push(i < n ? (rng.bool(0.03) ? rng.int(10, 15) : rng.int(0, 9)) : 0);
  const byte = (i: number) => d[2 * i]! | (d[2 * i + 1]! << 4);
  const word = (i: number) => (byte(i) | (byte(i + 1) << 8) | (byte(i + 2) << 16) | (byte(i + 3) << 24)) >>> 0;
  return [word(0), word(4), byte(8) | (rng.bool() ? 0x8000 : 0) | (rng.bool(0.1) ? rng.below(128) << 8 : 0)];
}
/** Extended values around the BCD range (up to 10^18, rounding at the integer boundary). */
function bcdRange(rng: Rng): [number, number, number] {
  const v = rng.bool(0.3) ? 10n ** 18n - BigInt(rng.int(-2, 2)) : BigInt.asUintN(60, rng.u64()) >> BigInt(rng.below(60));
  const frac = BigInt(rng.below(4));
  const sig = (v << 2n) | frac;
  if (sig === 0n) return [0, 0, rng.below(2) << 15];
  const n = sig.toString(2).length;
  const m = sig << BigInt(64 - n);
  return [Number(m & 0xffffffffn), Number(m >> 32n), (rng.below(2) << 15) | (0x3fff + n - 3)];
}

const store = (name: string, op: number, bits: number, truncate: boolean): OpDef => ({
  name, op, make: one,
  emu: (c, env) => {
    fpu.f80ToInt(A(c), A(c, 1), A(c, 2), bits, truncate, env, res);
    return { words: bits === 16 ? [res.lo & 0xffff] : bits === 32 ? [res.lo] : [res.lo, res.hi] };
  },
  words: (out, o) => (bits === 16 ? [out[o]! & 0xffff] : bits === 32 ? [out[o]!] : [out[o]!, out[o + 1]!]),
});
const fild = (name: string, op: number, bits: number): OpDef => ({
  name, op,
  make: (rng) => {
    if (bits === 64) return { a: genI64(rng), b: [] };
    const v = genI32(rng);
    return { a: [bits === 16 ? (v >> rng.below(17)) & 0xffff : v >>> 0], b: [] };
  },
  emu: (c, env) => {
    const [lo, hi] = bits === 64 ? [A(c), A(c, 1)] : sext(A(c), bits) as [number, number];
    fpu.f80FromInt(lo, hi, env, res);
    return { words: w80() };
  },
  words: n80,
});

const OPS: OpDef[] = [
  { name: 'FADD', op: NOp.FADD, make: two, emu: bin(fpu.f80Add), words: n80 },
  { name: 'FSUB', op: NOp.FSUB, make: two, emu: bin(fpu.f80Sub), words: n80 },
  { name: 'FMUL', op: NOp.FMUL, make: two, emu: bin(fpu.f80Mul), words: n80 },
  { name: 'FDIV', op: NOp.FDIV, make: two, emu: bin(fpu.f80Div), words: n80 },
  { name: 'FSQRT', op: NOp.FSQRT, make: one, emu: (c, env) => (fpu.f80Sqrt(A(c), A(c, 1), A(c, 2), env, res), { words: w80() }), words: n80 },
  ...([false, true] as const).map((u): OpDef => ({
    name: u ? 'FUCOM' : 'FCOM', op: u ? NOp.FUCOM : NOp.FCOM, make: two, words: none,
    emu: (c, env) => ({ words: [], cond: fpu.f80Compare(A(c), A(c, 1), A(c, 2), B(c), B(c, 1), B(c, 2), u, env) }),
  })),
  { name: 'FXAM', op: NOp.FXAM, make: one, words: n80, emu: (c) => ({ words: [A(c), A(c, 1), A(c, 2)], cond: fpu.f80Examine(A(c), A(c, 1), A(c, 2), false) }) },
  { name: 'FRNDINT', op: NOp.FRNDINT, make: one, emu: (c, env) => (fpu.f80RoundInt(A(c), A(c, 1), A(c, 2), env, res), { words: w80() }), words: n80 },
  { name: 'FSCALE', op: NOp.FSCALE, make: (rng) => ({ a: gen80(rng), b: scaleOperand(rng) }), emu: bin(fpu.f80Scale), words: n80 },
  {
    name: 'FXTRACT', op: NOp.FXTRACT, make: one,
    emu: (c, env) => (fpu.f80Extract(A(c), A(c, 1), A(c, 2), env, res, res2), { words: [...w80(), ...w80(res2)] }),
    words: (out, o) => [...n80(out, o), ...n80(out, o + 4)],
  },
  ...([false, true] as const).map((r): OpDef => ({
    name: r ? 'FPREM1' : 'FPREM', op: r ? NOp.FPREM1 : NOp.FPREM, make: two, words: n80,
    emu: (c, env) => {
      const cond = fpu.f80Rem(A(c), A(c, 1), A(c, 2), B(c), B(c, 1), B(c, 2), r, env, res);
      return { words: w80(), cond };
    },
  })),
  { name: 'FLD m32', op: NOp.FLD32, make: (rng) => ({ a: [gen32(rng)], b: [] }), emu: (c, env) => (fpu.f80FromF32(A(c), env, res), { words: w80() }), words: n80 },
  { name: 'FLD m64', op: NOp.FLD64, make: (rng) => ({ a: gen64(rng), b: [] }), emu: (c, env) => (fpu.f80FromF64(A(c), A(c, 1), env, res), { words: w80() }), words: n80 },
  fild('FILD m16', NOp.FILD16, 16),
  fild('FILD m32', NOp.FILD32, 32),
  fild('FILD m64', NOp.FILD64, 64),
  { name: 'FSTP m32', op: NOp.FST32, make: one, emu: (c, env) => ({ words: [fpu.f80ToF32(A(c), A(c, 1), A(c, 2), env, res)] }), words: (out, o) => [out[o]!] },
  { name: 'FSTP m64', op: NOp.FST64, make: one, emu: (c, env) => (fpu.f80ToF64(A(c), A(c, 1), A(c, 2), env, res), { words: [res.lo, res.hi] }), words: (out, o) => [out[o]!, out[o + 1]!] },
  {
    name: 'FBLD', op: NOp.FBLD, make: (rng) => ({ a: genBcd(rng), b: [] }),
    emu: (c, env) => (fpu.f80FromBcd(A(c), A(c, 1), A(c, 2), env, res), { words: w80() }), words: n80,
  },
  {
    name: 'FBSTP', op: NOp.FBSTP, make: (rng) => ({ a: rng.bool(0.5) ? gen80(rng) : bcdRange(rng), b: [] }),
    emu: (c, env) => (fpu.f80ToBcd(A(c), A(c, 1), A(c, 2), env, res), { words: w80() }), words: n80,
  },
  {
    name: 'FLD constants', op: NOp.FLDCONST, make: (rng) => ({ a: [], b: [], imm: rng.below(7) }), words: n80,
    emu: (c, env) => (fpu.f80Constant(c.imm, env, res), { words: w80() }),
  },
  store('FISTP m16', NOp.FIST16, 16, false),
  store('FISTP m32', NOp.FIST32, 32, false),
  store('FISTP m64', NOp.FIST64, 64, false),
  store('FISTTP m16', NOp.FISTT16, 16, true),
  store('FISTTP m32', NOp.FISTT32, 32, true),
  store('FISTTP m64', NOp.FISTT64, 64, true),
];

function suiteOf(d: OpDef): FpSuite {
  return {
    name: d.name,
    perControl: PER_CONTROL,
    controls: CONTROLS,
    make: (rng, ctl) => ({ op: d.op, ctl, imm: 0, ...d.make(rng) }),
    emulate: (c) => {
      const env = envOf(c.ctl);
      const r = d.emu(c, env);
      return [...r.words, (env.flags & 0x3f) | (env.c1 ? C1 : 0) | (r.cond ?? 0)];
    },
    native: (out, o) => [...d.words(out, o), out[o + 8]! & SW_MASK],
  };
}

/**
 * Register-result operations with exceptions unmasked (the host result is read with FNSAVE): OE/UE
 * unmasked give re-biased results; an unmasked pre-computation exception (IE, DE, ZE) leaves ST0
 * unchanged and raises only the pre-computation flags (what an executor does with `last`).
 */
const UNMASKED_SETS = [fpu.FpFlag.UE, fpu.FpFlag.OE, fpu.FpFlag.OE | fpu.FpFlag.UE, fpu.FpFlag.PE | fpu.FpFlag.UE, 0x3f];
const UNMASKED_CONTROLS = [0, 1, 2, 3].flatMap((rc) =>
  [0, 2, 3].flatMap((pc) => UNMASKED_SETS.map((u) => (CW_MASKED & ~u) | (pc << 8) | (rc << 10))),
);
const REGISTER_OPS = new Set(['FADD', 'FSUB', 'FMUL', 'FDIV', 'FSQRT', 'FRNDINT', 'FSCALE', 'FPREM', 'FPREM1']);

function unmaskedSuiteOf(d: OpDef): FpSuite {
  const base = suiteOf(d);
  return {
    ...base,
    name: `${d.name} unmasked`,
    perControl: Math.ceil(PER_CONTROL / 8),
    controls: UNMASKED_CONTROLS,
    make: (rng, ctl) => ({ ...base.make(rng, ctl), imm: 1 }),
    emulate: (c) => {
      const env = envOf(c.ctl);
      const r = d.emu(c, env);
      const pre = env.last & fpu.PRE_COMPUTATION_FLAGS;
      if (pre & env.unmasked) return [A(c), A(c, 1), A(c, 2) & 0xffff, pre];
      return [...r.words, (env.last & 0x3f) | (env.c1 ? C1 : 0) | (r.cond ?? 0)];
    },
  };
}

describe.skipIf(!avail.ok)('fpu x87 core vs the host FPU', () => {
  it.each(OPS.map((d) => [d.name, d] as const))('%s', (_name, d) => {
    const r = runFpSuite(suiteOf(d));
    console.log(describeRun(d.name, r));
    expect(r.mismatches).toEqual([]);
  });
});

describe.skipIf(!avail.ok)('fpu x87 core vs the host FPU, exceptions unmasked', () => {
  it.each(OPS.filter((d) => REGISTER_OPS.has(d.name)).map((d) => [d.name, d] as const))('%s', (_name, d) => {
    const r = runFpSuite(unmaskedSuiteOf(d));
    console.log(describeRun(`${d.name} unmasked`, r));
    expect(r.mismatches).toEqual([]);
  });
});

/**
 * Stores to memory with exceptions unmasked: an unmasked exception other than PE leaves memory
 * unchanged (the oracle's output slot stays zero), with the flags the core reports in `last`.
 */
const STORE_OPS = new Set(['FSTP m32', 'FSTP m64', 'FISTP m16', 'FISTP m32', 'FISTP m64', 'FISTTP m32', 'FBSTP']);
function unmaskedStoreSuiteOf(d: OpDef): FpSuite {
  const base = suiteOf(d);
  return {
    ...base,
    name: `${d.name} unmasked`,
    perControl: Math.ceil(PER_CONTROL / 8),
    controls: UNMASKED_CONTROLS.concat([0, 1, 2, 3].map((rc) => (CW_MASKED & ~fpu.FpFlag.IE) | (3 << 8) | (rc << 10))),
    emulate: (c) => {
      const env = envOf(c.ctl);
      const r = d.emu(c, env);
      const stored = !(env.last & env.unmasked & ~fpu.FpFlag.PE);
      return [...(stored ? r.words : r.words.map(() => 0)), (env.last & 0x3f) | (env.c1 ? C1 : 0) | (r.cond ?? 0)];
    },
  };
}

describe.skipIf(!avail.ok)('fpu x87 stores vs the host FPU, exceptions unmasked', () => {
  it.each(OPS.filter((d) => STORE_OPS.has(d.name)).map((d) => [d.name, d] as const))('%s', (_name, d) => {
    const r = runFpSuite(unmaskedStoreSuiteOf(d));
    console.log(describeRun(`${d.name} unmasked`, r));
    expect(r.mismatches).toEqual([]);
  });
});

/** FADD/FSUB/FMUL, loads and stores with the fast paths off: the exact slow path on its own. */
describe.skipIf(!avail.ok)('fpu x87 core vs the host FPU, slow path only', () => {
  it.each(OPS.filter((d) => ['FADD', 'FSUB', 'FMUL', 'FLD m32', 'FLD m64', 'FILD m16', 'FILD m32', 'FILD m64', 'FSTP m32', 'FSTP m64', 'FISTP m16', 'FISTP m32', 'FISTP m64', 'FISTTP m32'].includes(d.name)).map((d) => [d.name, d] as const))('%s', (_name, d) => {
    fpu.FastPath.enabled = false;
    try {
      const r = runFpSuite({ ...suiteOf(d), name: `${d.name} slow`, perControl: Math.ceil(PER_CONTROL / 4) });
      console.log(describeRun(`${d.name} (slow path)`, r));
      expect(r.mismatches).toEqual([]);
    } finally {
      fpu.FastPath.enabled = true;
    }
  });
});
