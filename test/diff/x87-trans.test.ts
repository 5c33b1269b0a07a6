// Differential tests: the x87 transcendentals (FSIN FCOS FSINCOS FPTAN FPATAN F2XM1 FYL2X FYL2XP1)
// against the host FPU, through the whole-instruction harness (the x87 state as an FXSAVE image,
// every RC and PC, some exceptions unmasked, stack faults). The host's transcendentals are not
// correctly rounded, so a result register may differ by one ulp (same sign, adjacent encodings);
// then C1 may differ too and nothing else. Everything else — the other registers, TOP, the tag
// word, FOP/FIP, the exception flags and C0/C2/C3 — is compared exactly, and where the result is
// bit-equal the whole status word is. Per instruction, the rate of bit-equal rounded results
// (host PE set) is asserted to stay at least at the level measured on the AMD host (minus a
// margin; docs/cpu-model.md lists the measured rates).
import { afterAll, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../../src/cpu/execution-path.js';
import { SCALE, diffSuite, x87Diffs, type GenCtx } from '../support/diff.js';
import { requireNative } from '../support/gate.js';
import type { Rng } from '../support/rng.js';
import { x87State } from '../support/x87-forms.js';

interface Stats { rounded: number; exact: number; near: number; c1: number }
const STATS = new Map<string, Stats>();

const FSW_C1 = 0x200, FSW_PE = 0x20;

/**
 * ST(k) of an image as a signed linear integer (adjacent values differ by 1, across exponents and
 * into the denormals), or undefined (NaN, infinity, unnormal).
 */
function linear(img: Uint8Array, k: number): bigint | undefined {
  const v = new DataView(img.buffer, img.byteOffset, 160);
  const o = 32 + 16 * k;
  const se = v.getUint16(o + 8, true), e = se & 0x7fff, sig = v.getBigUint64(o, true);
  if (e === 0x7fff || (e !== 0 && sig >> 63n === 0n)) return undefined;
  const mag = e === 0 ? sig : (BigInt(e) << 63n) | (sig & ((1n << 63n) - 1n));
  return se & 0x8000 ? -mag : mag;
}

function within1ulp(name: string): (cpu: Uint8Array, emu: Uint8Array) => [string, string][] {
  const st: Stats = { rounded: 0, exact: 0, near: 0, c1: 0 };
  STATS.set(name, st);
  return (cpu, emu) => {
    const d = x87Diffs(cpu, emu);
    const fswCpu = cpu[2]! | (cpu[3]! << 8), fswEmu = emu[2]! | (emu[3]! << 8);
    const rounded = (fswCpu & FSW_PE) !== 0;
    if (rounded) st.rounded++;
    const regs = d.filter(([k]) => k.startsWith('x87.st'));
    if (regs.length === 0) {
      if (rounded) st.exact++;
      // the same result with C1 the other way: the host's own approximation lay on the other side
      // of the result than the exact value (counted, bounded below)
      if (rounded && d.length === 1 && d[0]![0] === 'x87.fsw' && (fswCpu ^ fswEmu) === FSW_C1) {
        st.c1++;
        return [];
      }
      return d;
    }
    const tolerated = regs.every(([k]) => {
      const i = Number(k.slice(6));
      const a = linear(cpu, i), b = linear(emu, i);
      return a !== undefined && b !== undefined && (a < 0n) === (b < 0n) && (a - b === 1n || b - a === 1n);
    });
    if (!tolerated) return d;
    st.near++;
    return d.filter(([k]) => !k.startsWith('x87.st') && !(k === 'x87.fsw' && ((fswCpu ^ fswEmu) & ~FSW_C1) === 0));
  };
}

type Value = [number, number, number];

function mk(rng: Rng, sign: number, exp: number): Value {
  return [rng.u32(), (rng.u32() | 0x80000000) >>> 0, ((sign << 15) | exp) >>> 0];
}
const sgn = (rng: Rng) => rng.below(2);

/** Writes ST(k) of an image. */
function setSt(img: Uint8Array, k: number, [lo, hi, se]: Value): void {
  const v = new DataView(img.buffer, img.byteOffset, 160);
  const o = 32 + 16 * k;
  v.setUint32(o, lo >>> 0, true);
  v.setUint32(o + 4, hi >>> 0, true);
  v.setUint16(o + 8, se & 0xffff, true);
}

interface TransForm {
  name: string;
  bytes: [number, number];
  need: number;
  pushes?: boolean;
  /** in-domain operands: ST(0), then ST(1) */
  values: (rng: Rng) => Value[];
  /** asserted lower bound of the bit-equal rate of rounded results (measured minus a margin) */
  minExact: number;
  /** asserted upper bound of the rate of bit-equal results with C1 differing (measured plus a margin) */
  maxC1: number;
}

const BIAS = 0x3fff;
const FORMS: TransForm[] = [
  { name: 'fsin', bytes: [0xd9, 0xfe], need: 1, minExact: 0.985, maxC1: 0.008, values: (r) => [mk(r, sgn(r), BIAS + r.int(-40, 64))] },
  { name: 'fcos', bytes: [0xd9, 0xff], need: 1, minExact: 0.99, maxC1: 0.008, values: (r) => [mk(r, sgn(r), BIAS + r.int(-40, 64))] },
  { name: 'fsincos', bytes: [0xd9, 0xfb], need: 1, pushes: true, minExact: 0.975, maxC1: 0.008, values: (r) => [mk(r, sgn(r), BIAS + r.int(-40, 64))] },
  { name: 'fptan', bytes: [0xd9, 0xf2], need: 1, pushes: true, minExact: 0.91, maxC1: 0.035, values: (r) => [mk(r, sgn(r), BIAS + r.int(-40, 64))] },
  {
    name: 'fpatan', bytes: [0xd9, 0xf3], need: 2, minExact: 0.97, maxC1: 0.01,
    values: (r) => [mk(r, sgn(r), BIAS + r.int(-40, 40)), mk(r, sgn(r), BIAS + r.int(-40, 40))],
  },
  {
    name: 'f2xm1', bytes: [0xd9, 0xf0], need: 1, minExact: 0.97, maxC1: 0.01,
    values: (r) => [r.bool(0.05) ? [0, 0x80000000, (sgn(r) << 15) | BIAS] : mk(r, sgn(r), BIAS - r.int(1, 66))],
  },
  {
    name: 'fyl2x', bytes: [0xd9, 0xf1], need: 2, minExact: 0.97, maxC1: 0.02,
    values: (r) => [r.bool(0.1) ? [0, 0x80000000, BIAS + r.int(-5, 5)] : mk(r, 0, BIAS + r.int(-60, 60)), mk(r, sgn(r), BIAS + r.int(-30, 30))],
  },
  {
    name: 'fyl2xp1', bytes: [0xd9, 0xf9], need: 2, minExact: 0.965, maxC1: 0.02,
    values: (r) => [mk(r, sgn(r), BIAS - r.int(3, 66)), mk(r, sgn(r), BIAS + r.int(-30, 30))],
  },
];

const CASES = 4000;

/** Special operands: ±0, denormals, a pseudo-denormal, an unnormal, ±1, -0.5, ±2^63, the largest, ±inf, NaNs, a pseudo-NaN. */
const SPECIALS: Value[] = [
  [0, 0, 0], [0, 0, 0x8000], [1, 0, 0], [0, 0x40000000, 0x8000], [5, 0x80000000, 0], [0, 0x40000000, 0x3fff],
  [0, 0x80000000, 0x3fff], [0, 0x80000000, 0xbfff], [0, 0x80000000, 0xbffe], [0, 0x80000000, 0x403e], [0, 0x80000000, 0xc03e],
  [0xffffffff, 0xffffffff, 0x7ffe], [0, 0x80000000, 0x7fff], [0, 0x80000000, 0xffff], [0, 0xc0000001, 0x7fff],
  [0, 0xa0000000, 0xffff], [0, 0xc0000000, 0xffff], [0, 0x40000000, 0x7fff], [0x2168c235, 0xc90fdaa2, 0x3fff],
];

/** Every special operand (pairs for the two-operand forms) under each RC, all exceptions masked, then unmasked. */
function specials(f: TransForm, g: GenCtx): void {
  const pairs: Value[][] = f.need === 2 ? SPECIALS.flatMap((x) => SPECIALS.map((y) => [x, y])) : SPECIALS.map((x) => [x]);
  for (const masks of [0x3f, 0]) {
    for (const rc of f.need === 2 ? [masks ? 0 : 3] : [0, 1, 2, 3]) {
      for (const vals of pairs) {
        const img = x87State(g.rng, f.need, 0);
        const v = new DataView(img.buffer);
        v.setUint16(0, masks | 0x40 | (3 << 8) | (rc << 10), true);
        v.setUint16(2, v.getUint16(2, true) & 0x3800, true);
        vals.forEach((x, i) => setSt(img, i, x));
        g.add({ x87: img });
      }
    }
  }
}

function gen(f: TransForm) {
  return (g: GenCtx): void => {
    specials(f, g);
    const rng = g.rng;
    for (let k = 0; k < CASES; k++) {
      const r = rng.below(40);
      let depth = f.need + rng.below(3);
      if (r === 0) depth = rng.below(f.need); // underflow
      else if (r === 1 || (f.pushes && r < 4)) depth = 8;
      const img = x87State(rng, Math.min(8, depth), 0.1);
      if (rng.bool(0.75)) f.values(rng).forEach((v, i) => setSt(img, i, v));
      g.add({ x87: img });
    }
  };
}

const hex2 = (b: number) => `0x${b.toString(16).padStart(2, '0')}`;

diffSuite('x87-trans', (s) => {
  for (const f of FORMS) {
    s.form(`.byte ${f.bytes.map(hex2).join(', ')}`, gen(f), { name: f.name, compareX87: within1ulp(f.name) });
  }
});

const gate = requireNative('diff/x87-trans');
it.skipIf(!gate.ok)('x87-trans: the bit-equal rate of each instruction stays at the measured level', () => {
  const rates: [TransForm, number, number, number][] = [];
  for (const f of FORMS) {
    const st = STATS.get(f.name);
    if (!st || st.rounded === 0) continue; // filtered out
    rates.push([f, st.exact / st.rounded, st.c1 / st.rounded, st.rounded / EXECUTION_PATHS.length]); // counted once per path
    console.log(`[diff x87-trans] ${f.name}: ${st.exact}/${st.rounded} rounded results bit-equal ` +
      `(${(100 * st.exact / st.rounded).toFixed(2)}%), ${st.near} within one ulp; C1 differs in ${st.c1} of the bit-equal`);
  }
  // The case set is fixed, so at RINGZERO_DIFF_SCALE = 1 the bounds are exact; another scale
  // draws another sample: three standard deviations of slack then.
  for (const [f, rate, c1, n] of rates) {
    const slack = (p: number) => (SCALE === 1 ? 0 : 3 * Math.sqrt((p * (1 - p)) / n));
    expect(rate, f.name).toBeGreaterThanOrEqual(f.minExact - slack(f.minExact));
    expect(c1, `${f.name} C1`).toBeLessThanOrEqual(f.maxC1 + slack(f.maxC1));
  }
});

afterAll(() => undefined);
