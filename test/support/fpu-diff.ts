// Driver of the floating-point differential suites: builds seeded cases, runs them through the
// emulator's FPU core and through the host (test/native/fpu.c), compares result bits and flags.
import { REC_WORDS, runFpuNative } from './fpu-native.js';
import { Rng } from './rng.js';

export interface FpCase {
  op: number;
  ctl: number;
  imm: number;
  a: readonly number[];
  b: readonly number[];
  /** oracle mode word (fpu.c): bit 0 = SSE exceptions may be unmasked, catch #XM */
  mode?: number;
}

export interface FpSuite {
  name: string;
  /** cases per control setting */
  perControl: number;
  controls: readonly number[];
  make(rng: Rng, ctl: number): FpCase;
  /** the emulator's answer as words (result bits, then flags, then anything else compared) */
  emulate(c: FpCase): number[];
  /** the host's answer in the same shape, from the output record */
  native(out: Uint32Array, off: number, c: FpCase): number[];
}

const hex = (w: readonly number[]) => w.map((x) => (x >>> 0).toString(16)).join(' ');

export interface FpSuiteResult {
  cases: number;
  mismatches: string[];
  count: number;
  /** how many host results raised each flag IE DE ZE OE UE PE (shows the generator reaches them) */
  flagCounts: number[];
}

/**
 * Run a suite; returns the number of cases, a description of the first mismatches and the flag
 * counts (the flags are the last word of `native`: bits IE..PE).
 */
export function runFpSuite(s: FpSuite, maxReported = 8): FpSuiteResult {
  const rng = new Rng(`fpu:${s.name}`);
  const cases: FpCase[] = [];
  for (const ctl of s.controls) for (let i = 0; i < s.perControl; i++) cases.push(s.make(rng, ctl));
  const rec = new Uint32Array(cases.length * REC_WORDS);
  cases.forEach((c, i) => {
    const o = i * REC_WORDS;
    rec[o] = c.op;
    rec[o + 1] = c.ctl;
    rec[o + 2] = c.imm;
    rec[o + 3] = c.mode ?? 0;
    for (let k = 0; k < 4; k++) {
      rec[o + 4 + k] = c.a[k] ?? 0;
      rec[o + 8 + k] = c.b[k] ?? 0;
    }
  });
  const out = runFpuNative(rec);
  const mismatches: string[] = [];
  let count = 0;
  const flagCounts = [0, 0, 0, 0, 0, 0];
  cases.forEach((c, i) => {
    const want = s.native(out, i * REC_WORDS, c).map((x) => x >>> 0);
    const flags = want[want.length - 1]!;
    for (let k = 0; k < 6; k++) if (flags & (1 << k)) flagCounts[k]!++;
    let got: number[];
    try {
      got = s.emulate(c).map((x) => x >>> 0);
    } catch (e) {
      got = [NaN];
      if (mismatches.length < maxReported) mismatches.push(`exception ${(e as Error).stack}`);
    }
    if (got.length !== want.length || got.some((x, k) => x !== want[k])) {
      count++;
      if (mismatches.length < maxReported) {
        mismatches.push(
          `op ${c.op} ctl ${c.ctl.toString(16)} imm ${c.imm} a [${hex(c.a)}] b [${hex(c.b)}]: got [${hex(got)}] want [${hex(want)}]`,
        );
      }
    }
  });
  return { cases: cases.length, mismatches, count, flagCounts };
}

export function describeRun(name: string, r: FpSuiteResult): string {
  const names = ['IE', 'DE', 'ZE', 'OE', 'UE', 'PE'];
  return `fpu ${name}: ${r.cases} cases, ${r.count} mismatches (host flags: ${names.map((n, k) => `${n} ${r.flagCounts[k]}`).join(', ')})`;
}
