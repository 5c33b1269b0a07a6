// Robustness fuzzing of the emulator: random (seeded) byte sequences, including
// prefix-heavy and escape-heavy ones, must always end in one of the defined
// outcomes, never throw, never hit an internal error (a JavaScript exception
// escaping the CPU), respect the instruction budget, and end the same way on
// every execution path (EXECUTION_PATHS), XMM registers and MXCSR included.
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS, type ExecutionPath, runSnippet, type SnippetOutput } from '../src/testing/snippet.js';
import { Rng } from './support/rng.js';
import { at } from './support/types.js';

const COUNT = Number(process.env.RINGZERO_FUZZ_COUNT ?? '20000');
/** A macrotask turn now and then: a worker that never yields for 60 s makes vitest report "Timeout calling onTaskUpdate". */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
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

/** A JavaScript exception escaped the emulator: a bug, never an acceptable outcome. */
function internalError(o: SnippetOutput): string | undefined {
  return o.outcome === 'internal-error' ? `internal error: ${o.message ?? '(no message)'}` : undefined;
}

const hexBytes = (b: Uint8Array) => Buffer.from(b).toString('hex');
const show = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `0x${x.toString(16)}` : x)) ?? 'undefined';

function memDiff(name: string, a: Uint8Array, b: Uint8Array): string | undefined {
  if (Buffer.compare(a, b) === 0) return undefined;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `${name}[0x${i.toString(16)}] ${a[i]}/${b[i]}`;
}

/** Everything two paths report for the same input must be identical, including how an emulation failure ends. */
function pathDiffs(a: SnippetOutput, b: SnippetOutput): string[] {
  const what: string[] = [];
  const field = (name: string, x: unknown, y: unknown) => {
    if (show(x) !== show(y)) what.push(`${name} ${show(x)}/${show(y)}`);
  };
  field('outcome', a.outcome, b.outcome);
  field('exception', a.exception, b.exception);
  field('message', a.message, b.message);
  field('bytes', a.bytes && Array.from(a.bytes), b.bytes && Array.from(b.bytes));
  field('instructions', a.instructions, b.instructions);
  field('rip', a.rip, b.rip);
  field('rflags', a.rflags, b.rflags);
  field('regs.length', a.regs.length, b.regs.length);
  a.regs.forEach((v, r) => field(`reg${r}`, v, b.regs[r]));
  const xd = memDiff('xmm', a.xmm, b.xmm);
  if (xd) what.push(xd);
  field('mxcsr', a.mxcsr, b.mxcsr);
  const md = memDiff('data', a.data, b.data);
  if (md) what.push(md);
  const sd = memDiff('stack', a.stack, b.stack);
  if (sd) what.push(sd);
  return what;
}

interface Input {
  code: Uint8Array;
  regs: bigint[];
  rflags: bigint;
}
function randomInput(rng: Rng): Input {
  const code = randomCode(rng);
  const regs = randomRegs(rng);
  const rflags = rng.bits(12) & 0xcd5n;
  return { code, regs, rflags };
}

describe('fuzz: random byte sequences', () => {
  it(`${COUNT} random sequences (alternating over the paths ${EXECUTION_PATHS.join(', ')}) end in a defined outcome within the budget, without internal errors`, async () => {
    const rng = new Rng('ringzero-fuzz');
    const xmmRng = new Rng('ringzero-fuzz-xmm'); // XMM inputs from their own stream: the byte sequences stay as they were
    const data = rng.bytes(0x2000);
    const stack = rng.bytes(0x2000);
    const failures: string[] = [];
    const outcomes: Record<string, number> = {};
    const failureKinds = new Map<string, number>();
    let internalErrors = 0;
    let slowest = { ms: 0, code: '' };
    for (let i = 0; i < COUNT; i++) {
      if (i % 500 === 499) await yieldToEventLoop();
      const { code, regs, rflags } = randomInput(rng);
      const path: ExecutionPath = at(EXECUTION_PATHS, i % EXECUTION_PATHS.length);
      const t0 = performance.now();
      let problem: string | undefined;
      try {
        const o = runSnippet({ code, regs, rflags, data: new Uint8Array(data), stack: new Uint8Array(stack), xmm: xmmRng.bytes(256), path, maxInstructions: BUDGET });
        const internal = internalError(o);
        if (internal) internalErrors++;
        problem = checkOutput(o, BUDGET) ?? internal;
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
      if (problem) failures.push(`#${i} ${path} code=${hexBytes(code)}: ${problem}`);
    }
    const top = [...failureKinds.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8);
    console.log(
      `fuzz: ${COUNT} sequences; outcomes ${JSON.stringify(outcomes)}; internal errors ${internalErrors}; slowest ${slowest.ms.toFixed(1)} ms (${slowest.code})` +
        (top.length ? `\n  most frequent emulation-failure messages:\n${top.map(([m, n]) => `    ${n}× ${m}`).join('\n')}` : ''),
    );
    expect(failures.length, `${failures.length} failures:\n${failures.slice(0, 15).join('\n')}`).toBe(0);
  });

  it(`the execution paths (${EXECUTION_PATHS.join(', ')}) agree on random sequences, also when they end in an emulation failure`, async () => {
    const rng = new Rng('ringzero-fuzz-paths');
    const xmmRng = new Rng('ringzero-fuzz-paths-xmm');
    const data = rng.bytes(0x2000);
    const stack = rng.bytes(0x2000);
    const n = Math.round(COUNT / 8);
    const diffs: string[] = [];
    let failures = 0;
    for (let i = 0; i < n; i++) {
      if (i % 200 === 199) await yieldToEventLoop();
      const { code, regs, rflags } = randomInput(rng);
      const xmm = xmmRng.bytes(256);
      const runs = EXECUTION_PATHS.map((path) => {
        try {
          const out = runSnippet({ code, regs: [...regs], rflags, data: new Uint8Array(data), stack: new Uint8Array(stack), xmm, path, maxInstructions: BUDGET });
          return { path, out, problem: checkOutput(out, BUDGET) ?? internalError(out) };
        } catch (e) {
          return { path, out: undefined, problem: `threw ${(e as Error).message}` };
        }
      });
      const [first, ...others] = runs;
      if (!first) throw new Error('no execution paths');
      if (first.out?.outcome === 'emulation-failure') failures++;
      for (const r of runs) if (r.problem) diffs.push(`code=${hexBytes(code)}: ${r.path}: ${r.problem}`);
      for (const r of others) {
        if (!first.out || !r.out) continue; // the throw is reported above
        const what = pathDiffs(first.out, r.out);
        if (what.length) diffs.push(`code=${hexBytes(code)}: ${first.path}/${r.path} differ: ${what.join(', ')}`);
      }
    }
    console.log(`fuzz: ${n} sequences on ${EXECUTION_PATHS.length} paths, ${failures} of them ending in an emulation failure (compared too)`);
    expect(diffs.length, `${diffs.length} problems in ${n} sequences:\n${diffs.slice(0, 15).join('\n')}`).toBe(0);
  });
});
