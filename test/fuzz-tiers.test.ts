// Tier-vs-tier fuzz: random *valid* programs (test/support/program-gen.ts:
// ALU, moves, shifts, multiply/divide with #DE, stack, calls, branches and
// counted loops, SETcc/CMOVcc, XCHG/CMPXCHG, BT*, string operations with and
// without REP, PUSHF/POPF, RDTSC, SSE2 moves and arithmetic, accesses to
// read-only and unmapped pages, other faults (#GP, #UD, #BP; MOV r64, CRn and INVLPG: #GP at CPL 3),
// self-modifying stores and REP STOSB over code ahead) run on every execution
// path (EXECUTION_PATHS) and must end in identical state: GPRs, XMM, RIP, RFLAGS,
// instruction count (= TSC), stop reason, vector, error code, CR2, data,
// code, stack and page-table bytes (accessed/dirty bits). Each program runs
// in one Cpu.run (whole blocks), stopped at instruction budgets in the middle
// and resumed, in small random chunks, and with a host write into its code
// halfway. Reproduce one program: RINGZERO_FUZZ_TIERS_SEED=<seed> npx vitest run test/fuzz-tiers.test.ts
// (count: RINGZERO_FUZZ_TIERS_COUNT).
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS, type ExecutionPath } from '../src/cpu/execution-path.js';
import { StopReason } from '../src/cpu/cpu.js';
import { TierMachine, stateDiffs, T_CODE, type TierInput, type TierState } from './helpers/tier-machine.js';
import { generateProgram } from './support/program-gen.js';
import { layout, listing, le, type Item } from './support/x86-encode.js';
import { Rng } from './support/rng.js';

const COUNT = Number(process.env.RINGZERO_FUZZ_TIERS_COUNT ?? '250');
const ONE_SEED = process.env.RINGZERO_FUZZ_TIERS_SEED;
/** Far more than any generated program retires: every program ends by itself (HLT, or #GP at CPL 3, or a fault). */
const MAX = 200000;

interface Case { seed: string; input: TierInput; items: Item[]; addr: Map<Item, number> }

function makeCase(seed: string): Case {
  const p = generateProgram(seed);
  const { code, addr } = layout(p.items, T_CODE + p.origin);
  return { seed, items: p.items, addr, input: { code, origin: p.origin, data: p.data, regs: p.regs, rflags: p.rflags, xmm: p.xmm, cpl: p.cpl } };
}

const machine = new TierMachine();

function full(c: Case, path: ExecutionPath): TierState {
  machine.load(c.input, path);
  machine.run(MAX);
  return machine.snapshot();
}

/** Stops after `k` instructions (snapshot), then runs on to the end (snapshot). */
function split(c: Case, path: ExecutionPath, k: number): [TierState, TierState] {
  machine.load(c.input, path);
  machine.run(k);
  const mid = machine.snapshot();
  machine.run(MAX - k);
  return [mid, machine.snapshot()];
}

/** Runs in chunks of 1-9 instructions (up to n/300 for long programs; the same chunk sizes on every path). */
function chunked(c: Case, path: ExecutionPath, n: number): TierState {
  const rng = new Rng(`${c.seed}/chunks`), most = Math.max(9, Math.ceil(n / 300));
  machine.load(c.input, path);
  while (machine.cpu.instructions < MAX && machine.run(Math.min(rng.int(1, most), MAX - machine.cpu.instructions)) === StopReason.Limit);
  return machine.snapshot();
}

/** Stops after `k` instructions, writes a new immediate into the code from the host (as Vm.writePhysical), runs on. */
function hostWrite(c: Case, path: ExecutionPath, k: number, target: Item, value: number): TierState {
  machine.load(c.input, path);
  machine.run(k);
  machine.hostWriteCode(c.addr.get(target)! - T_CODE + target.imm32At!, Uint8Array.from(le(value, 4)));
  machine.run(MAX - k);
  return machine.snapshot();
}

function report(c: Case, what: string, a: ExecutionPath, b: ExecutionPath, diffs: string[], sa: TierState): string {
  const marks = new Map<number, string>([[Number(BigInt(sa.rip)), `   <== ${a} stopped here (${sa.stop})`]]);
  let out = `seed ${JSON.stringify(c.seed)} (${c.input.cpl === 3 ? 'CPL 3' : 'CPL 0'}), ${what}: ${a} vs ${b}:\n  ${diffs.join('\n  ')}\n` +
    `reproduce: RINGZERO_FUZZ_TIERS_SEED='${c.seed}' npx vitest run test/fuzz-tiers.test.ts\n` +
    `program (initial code, ${c.input.code.length} bytes):\n${listing(c.input.code, T_CODE + c.input.origin, marks)}`;
  const finalCode = sa.code.subarray(c.input.origin, c.input.origin + c.input.code.length);
  if (Buffer.compare(finalCode, c.input.code) !== 0) out += `\ncode as ${a} left it:\n${listing(finalCode, T_CODE + c.input.origin, marks)}`;
  return out;
}

interface Stats { programs: number; instructions: number; stops: Map<string, number>; smc: number; budgets: number }

/** Every comparison for one program; returns the failure reports. */
function check(c: Case, stats: Stats): string[] {
  const failures: string[] = [];
  const [p0, ...rest] = EXECUTION_PATHS;
  const compare = (what: string, a: ExecutionPath, sa: TierState, b: ExecutionPath, sb: TierState) => {
    const d = stateDiffs(sa, sb);
    if (d.length) failures.push(report(c, what, a, b, d, sa));
  };
  const base = new Map(EXECUTION_PATHS.map((p) => [p, full(c, p)] as const));
  const ref = base.get(p0)!;
  for (const p of rest) compare('full run', p0, ref, p, base.get(p)!);
  const n = ref.instructions;
  const key = ref.stop === 'exception' ? `exception ${ref.vector}` : ref.stop;
  stats.stops.set(key, (stats.stops.get(key) ?? 0) + 1);
  stats.programs++;
  stats.instructions += n;
  if (Buffer.compare(ref.code.subarray(c.input.origin, c.input.origin + c.input.code.length), c.input.code) !== 0) stats.smc++;
  if (ref.stop === 'emulation-failure' || ref.stop === 'internal-error' || ref.stop === 'limit') {
    failures.push(report(c, `a generated program must end by itself (HLT, a fault), not as ${ref.stop}`, p0, p0, [ref.message ?? ''], ref));
  }
  // Budgets that stop in the middle (first and last instruction too), then resume.
  const rng = new Rng(`${c.seed}/budgets`);
  const budgets = n > 1 ? [...new Set([1, n - 1, rng.int(1, n - 1), rng.int(1, n - 1), rng.int(1, n - 1)])] : [];
  for (const k of budgets) {
    stats.budgets++;
    const runs = EXECUTION_PATHS.map((p) => [p, split(c, p, k)] as const);
    const [, [mid0]] = runs[0]!;
    for (const [p, [mid, end]] of runs) {
      if (p !== p0) compare(`stopped by the budget after ${k} instructions`, p0, mid0, p, mid);
      compare(`stopped after ${k} instructions and resumed, against the full run on the same path`, p, base.get(p)!, p, end);
    }
    if (mid0.instructions !== k) failures.push(report(c, `a budget of ${k} must stop after exactly ${k} instructions`, p0, p0, [`instructions ${mid0.instructions}`], mid0));
  }
  for (const p of EXECUTION_PATHS) compare('run in small chunks of instructions, against the full run', p, base.get(p)!, p, chunked(c, p, n));
  // A host write into code between two runs: the new bytes run on every path.
  const patchable = c.items.filter((i) => i.imm32At !== undefined && !i.patched);
  if (n > 2 && patchable.length) {
    const k = rng.int(1, n - 1), t = rng.pick(patchable), v = rng.u32();
    const hw = EXECUTION_PATHS.map((p) => [p, hostWrite(c, p, k, t, v)] as const);
    for (const [p, s] of hw.slice(1)) compare(`host write into the code after ${k} instructions`, p0, hw[0]![1], p, s);
  }
  return failures;
}

function seeds(): string[] {
  if (ONE_SEED !== undefined) return [ONE_SEED];
  return Array.from({ length: COUNT }, (_, i) => `tiers-${i}`);
}

describe(`tier-vs-tier fuzz over ${EXECUTION_PATHS.join(', ')}`, () => {
  it(`${ONE_SEED !== undefined ? `seed ${ONE_SEED}` : `${COUNT} random valid programs`}: identical state after full runs, budget stops, resumes, chunked runs and host code writes`, async () => {
    const stats: Stats = { programs: 0, instructions: 0, stops: new Map(), smc: 0, budgets: 0 };
    const failures: string[] = [];
    for (const seed of seeds()) {
      if (failures.length >= 3) break;
      // A macrotask turn between programs: a worker busy for 60 s makes vitest report "Timeout calling onTaskUpdate".
      await new Promise<void>((resolve) => setImmediate(resolve));
      const c = makeCase(seed);
      try {
        failures.push(...check(c, stats));
      } catch (e) {
        failures.push(`seed ${JSON.stringify(seed)}: threw ${(e as Error).stack ?? String(e)}`);
      }
    }
    const stops = [...stats.stops.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}: ${v}`).join(', ');
    console.log(`fuzz-tiers: ${stats.programs} programs, ${stats.instructions} instructions (full runs), ${stats.budgets} budget stops; ends: ${stops}; ${stats.smc} programs changed their code`);
    expect(failures.length, `\n${failures.slice(0, 3).join('\n\n')}`).toBe(0);
    // The compiled tier compiled the programs (vitest.config.ts sets RINGZERO_COMPILE_THRESHOLD=1), not only interpreted them.
    if ((EXECUTION_PATHS as readonly string[]).includes('compiled')) expect(machine.cpu.compiledRegions, 'regions the compiled tier compiled').toBeGreaterThan(stats.programs);
    if (ONE_SEED === undefined && COUNT >= 100) {
      // The generator keeps its promise: programs halt, fault on pages and divides, and modify their code.
      const count = (k: string) => stats.stops.get(k) ?? 0;
      expect(count('halt') + count('exception 13'), 'programs that ran to their end').toBeGreaterThan(COUNT / 5);
      expect(count('exception 14'), 'programs ending in a page fault').toBeGreaterThan(COUNT / 20);
      expect(count('exception 0'), 'programs ending in a divide error').toBeGreaterThan(0);
      expect(stats.smc, 'programs that modified their code').toBeGreaterThan(COUNT / 10);
    }
  });
});
