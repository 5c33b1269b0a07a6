// Robustness fuzzing of the emulator: random (seeded) byte sequences, including
// prefix-heavy and escape-heavy ones, must always end in one of the defined
// outcomes, never throw, and respect the instruction budget.
import { describe, expect, it } from 'vitest';
import { runSnippet, type SnippetOutput } from '../src/testing/snippet.js';
import { Rng } from './support/rng.js';

const COUNT = Number(process.env.RINGZERO_FUZZ_COUNT ?? '20000');
const BUDGET = 24;
const OUTCOMES = new Set(['ok', 'exception', 'limit', 'emulation-failure']);

const DATA_ADDR = 0x20000000n;
const STACK_ADDR = 0x30000000n;
const PREFIXES = [0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x2e, 0x3e, 0x26, 0x36, 0x64, 0x65];
const REX = Array.from({ length: 16 }, (_, i) => 0x40 + i);

function randomCode(rng: Rng): Uint8Array {
  const out: number[] = [];
  const kind = rng.below(6);
  const tail = (n: number) => {
    for (let i = 0; i < n; i++) out.push(rng.below(256));
  };
  switch (kind) {
    case 0: // uniformly random bytes
      tail(rng.int(1, 24));
      break;
    case 1: // prefix-heavy (may exceed 15 bytes)
      for (let i = rng.int(1, 16); i > 0; i--) out.push(rng.pick(rng.bool(0.8) ? PREFIXES : REX));
      if (rng.bool(0.5)) out.push(rng.pick(REX));
      tail(rng.int(1, 10));
      break;
    case 2: // two-byte / three-byte opcode maps
      if (rng.bool(0.5)) out.push(rng.pick(PREFIXES));
      if (rng.bool(0.5)) out.push(rng.pick(REX));
      out.push(0x0f);
      if (rng.bool(0.3)) out.push(rng.pick([0x38, 0x3a]));
      tail(rng.int(1, 10));
      break;
    case 3: // VEX / EVEX / XOP-looking starts
      out.push(rng.pick([0xc4, 0xc5, 0x62, 0x8f]));
      tail(rng.int(1, 12));
      break;
    case 4: // a run of short random instructions with modrm bytes
      for (let k = rng.int(2, 6); k > 0; k--) {
        if (rng.bool(0.3)) out.push(rng.pick(PREFIXES));
        if (rng.bool(0.4)) out.push(rng.pick(REX));
        tail(rng.int(1, 4));
      }
      break;
    default: // near-valid: common one-byte opcodes with modrm/imm
      for (let k = rng.int(1, 4); k > 0; k--) {
        if (rng.bool(0.3)) out.push(rng.pick(PREFIXES));
        if (rng.bool(0.5)) out.push(rng.pick(REX));
        out.push(rng.pick([0x00, 0x01, 0x03, 0x0f, 0x29, 0x31, 0x39, 0x63, 0x69, 0x6b, 0x80, 0x81, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8d, 0x8f, 0xa4, 0xa5, 0xaa, 0xab, 0xc0, 0xc1, 0xc6, 0xc7, 0xc8, 0xd0, 0xd1, 0xd2, 0xd3, 0xe3, 0xe8, 0xe9, 0xeb, 0xf6, 0xf7, 0xfe, 0xff]));
        tail(rng.int(1, 6));
      }
  }
  return new Uint8Array(out);
}

function randomRegs(rng: Rng): bigint[] {
  const regs: bigint[] = [];
  for (let i = 0; i < 16; i++) {
    const r = rng.below(10);
    regs.push(
      r < 3
        ? DATA_ADDR + BigInt(rng.below(0x2000))
        : r < 4
          ? STACK_ADDR + BigInt(rng.below(0x2000))
          : r < 6
            ? BigInt(rng.below(64))
            : rng.u64(),
    );
  }
  regs[4] = STACK_ADDR + 0x1000n + BigInt(rng.int(-64, 64) * 8);
  return regs;
}

function checkOutput(o: SnippetOutput, max: number): string | undefined {
  if (!OUTCOMES.has(o.outcome)) return `undefined outcome ${String(o.outcome)}`;
  if (!(o.instructions >= 0 && o.instructions <= max)) return `ran ${o.instructions} instructions with a budget of ${max}`;
  if (!Array.isArray(o.regs) || o.regs.length !== 16) return 'regs is not 16 values';
  for (const v of o.regs) if (typeof v !== 'bigint' || v < 0n || v >= 1n << 64n) return `register value out of range: ${String(v)}`;
  if (typeof o.rflags !== 'bigint' || typeof o.rip !== 'bigint') return 'rflags/rip not bigint';
  if (o.data.length !== 0x2000 || o.stack.length !== 0x2000) return 'data/stack size changed';
  if (o.outcome === 'exception') {
    const v = o.exception?.vector;
    // Exceptions are vectors 0-31; INT 0x80 is the one software interrupt whose gate
    // user mode may use in the snippet's Linux-like IDT (it reports vector 0x80).
    if (v === undefined || !Number.isInteger(v) || v < 0 || (v > 31 && v !== 0x80)) return `bad exception vector ${String(v)}`;
  }
  return undefined;
}

const hexBytes = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('fuzz: random byte sequences', () => {
  it(`${COUNT} random sequences end in a defined outcome within the budget`, () => {
    const rng = new Rng('ringzero-fuzz');
    const data = rng.bytes(0x2000);
    const stack = rng.bytes(0x2000);
    const failures: string[] = [];
    const outcomes: Record<string, number> = {};
    const failureKinds = new Map<string, number>();
    let slowest = { ms: 0, code: '' };
    for (let i = 0; i < COUNT; i++) {
      const code = randomCode(rng);
      const regs = randomRegs(rng);
      const rflags = rng.bits(12) & 0xcd5n;
      const reference = (i & 1) === 1;
      const path = reference ? 'reference' : 'cached';
      const t0 = performance.now();
      let problem: string | undefined;
      try {
        const o = runSnippet({ code, regs, rflags, data: new Uint8Array(data), stack: new Uint8Array(stack), path, maxInstructions: BUDGET });
        problem = checkOutput(o, BUDGET);
        const key = o.outcome === 'exception' ? `exception #${o.exception?.vector}` : o.outcome;
        outcomes[key] = (outcomes[key] ?? 0) + 1;
        if (o.outcome === 'emulation-failure') {
          const m = (o.message ?? '?').replace(/0x[0-9a-f]+|\b\d+\b/gi, 'N').slice(0, 70);
          failureKinds.set(m, (failureKinds.get(m) ?? 0) + 1);
        }
      } catch (e) {
        problem = `threw ${(e as Error).stack?.split('\n').slice(0, 3).join(' | ')}`;
      }
      const ms = performance.now() - t0;
      if (ms > slowest.ms) slowest = { ms, code: hexBytes(code) };
      if (ms > 2000) problem = (problem ? problem + '; ' : '') + `took ${ms.toFixed(0)} ms`;
      if (problem) failures.push(`#${i} ${reference ? 'ref ' : 'fast'} code=${hexBytes(code)}: ${problem}`);
    }
    const top = [...failureKinds.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8);
    console.log(
      `fuzz: ${COUNT} sequences; outcomes ${JSON.stringify(outcomes)}; slowest ${slowest.ms.toFixed(1)} ms (${slowest.code})` +
        (top.length ? `\n  most frequent emulation-failure messages:\n${top.map(([m, n]) => `    ${n}× ${m}`).join('\n')}` : ''),
    );
    expect(failures.length, `${failures.length} failures:\n${failures.slice(0, 15).join('\n')}`).toBe(0);
  });

  it('the fast and reference paths agree on random sequences', () => {
    const rng = new Rng('ringzero-fuzz-paths');
    const data = rng.bytes(0x2000);
    const stack = rng.bytes(0x2000);
    const n = Math.round(COUNT / 8);
    const diffs: string[] = [];
    for (let i = 0; i < n; i++) {
      const code = randomCode(rng);
      const regs = randomRegs(rng);
      const rflags = rng.bits(12) & 0xcd5n;
      const run = (reference: boolean) => {
        try {
          return runSnippet({ code, regs: [...regs], rflags, data: new Uint8Array(data), stack: new Uint8Array(stack), path: reference ? 'reference' : 'cached', maxInstructions: BUDGET });
        } catch (e) {
          return (e as Error).message;
        }
      };
      const a = run(false);
      const b = run(true);
      if (typeof a === 'string' || typeof b === 'string') continue; // covered by the first test
      const what: string[] = [];
      if (a.outcome !== b.outcome) what.push(`outcome ${a.outcome}/${b.outcome}`);
      if (a.outcome === 'emulation-failure' || b.outcome === 'emulation-failure') continue;
      if (JSON.stringify(a.exception, (_k, v) => (typeof v === 'bigint' ? v.toString(16) : v)) !== JSON.stringify(b.exception, (_k, v) => (typeof v === 'bigint' ? v.toString(16) : v)))
        what.push(`exception ${JSON.stringify(a.exception, (_k, v) => (typeof v === 'bigint' ? v.toString(16) : v))}/${JSON.stringify(b.exception, (_k, v) => (typeof v === 'bigint' ? v.toString(16) : v))}`);
      a.regs.forEach((v, r) => {
        if (v !== b.regs[r]) what.push(`reg${r} ${v.toString(16)}/${b.regs[r].toString(16)}`);
      });
      if (a.rflags !== b.rflags) what.push(`rflags ${a.rflags.toString(16)}/${b.rflags.toString(16)}`);
      if (a.rip !== b.rip) what.push(`rip ${a.rip.toString(16)}/${b.rip.toString(16)}`);
      if (Buffer.compare(a.data, b.data) !== 0) what.push('data');
      if (Buffer.compare(a.stack, b.stack) !== 0) what.push('stack');
      if (what.length) diffs.push(`code=${hexBytes(code)}: fast/ref differ: ${what.join(', ')}`);
    }
    expect(diffs.length, `${diffs.length}/${n} sequences differ between the paths:\n${diffs.slice(0, 15).join('\n')}`).toBe(0);
  });
});
