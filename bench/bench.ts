// `npm run bench`: guest MIPS on CPU-bound guests (never a timed test).
// Builds bench/guests with the guest runtime, runs each image on every
// execution tier (the compiled tier and the interpreter best of 3, the
// reference path once) and prints a table: MIPS per guest per tier, and the
// process's peak RSS. `npm run bench -- --tier compiled` runs one tier;
// `-- --guest NAME` one guest. `-- --full` builds the guests at the size of
// issue 11's table (BENCH_FULL: 130-280 M instructions each, steady state
// rather than warm-up) and prints each run's wall time too; one run per tier,
// and the reference path only over its first REFERENCE_BUDGET instructions.
// `-- --repeat N` runs each guest N times per tier (the reference path too) and prints the best
// with the range of the N (the host's noise: a single full-size run varies by 10-15%).
// `-- --isolate` runs each guest on each tier in a process of its own (as
// `ringzero run` would): V8's state after the guests before it no longer
// moves a guest's figure, and the peak RSS printed is the largest of theirs.
// `-- --micro` runs bench/micro instead: pieces of a selftest's system path
// (delivery and IRETQ, a TLB miss, a #PF, the runtime's exception path),
// each repeated, printed as the time of one round on the compiled tier and
// the interpreter (the reference path with --tier reference).
// `-- --start` measures start time instead: whole processes of the command line
// and the library running hello, against Node's own start (bench/start-time.ts).
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Vm } from '../src/vm.js';
import { EXECUTION_PATHS, isExecutionPath, type ExecutionPath } from '../src/cpu/execution-path.js';
import { measureStart } from './start-time.js';

const USAGE = 'usage: npm run bench [-- [--tier compiled|interp|reference] [--guest NAME] [--full | --micro] [--repeat N] [--isolate] | --start [--repeat N]]';
let parsed;
try {
  parsed = parseArgs({
    options: {
      tier: { type: 'string' }, guest: { type: 'string' }, full: { type: 'boolean' }, micro: { type: 'boolean' }, isolate: { type: 'boolean' }, help: { type: 'boolean' },
      start: { type: 'boolean' },
      repeat: { type: 'string' },
      // --isolate's child: runs one image on --tier and prints its samples as JSON (not for users).
      'run-one': { type: 'string' },
    },
  });
} catch (e) {
  console.error(`bench: ${(e as Error).message.split('\n')[0]}\n${USAGE}`); // a bad option: one line, no stack trace
  process.exit(2);
}
const args = parsed.values;
if (args.help === true) {
  console.log(USAGE);
  process.exit(0);
}
const full = args.full === true;
const micro = args.micro === true;
if (full && micro) {
  console.error(`bench: --full and --micro do not go together\n${USAGE}`);
  process.exit(2);
}
/** --repeat: runs per guest per tier (undefined: the defaults of samplesOf). */
const repeat = args.repeat === undefined ? undefined : Number(args.repeat);
if (repeat !== undefined && !(Number.isInteger(repeat) && repeat >= 1 && repeat <= 100)) {
  console.error(`bench: --repeat takes a whole number of runs, 1 to 100 (got '${args.repeat}')\n${USAGE}`);
  process.exit(2);
}
if (args.start === true) {
  if (full || micro || args.guest !== undefined || args.tier !== undefined || args.isolate === true) {
    console.error(`bench: --start measures whole processes: not with --full, --micro, --guest, --tier or --isolate\n${USAGE}`);
    process.exit(2);
  }
  process.exit(measureStart(repeat ?? 10) ? 0 : 1);
}
/** The reference path's instructions at full size (at ~3 MIPS a whole guest would take minutes). */
const REFERENCE_BUDGET = 20_000_000;
if (args.tier !== undefined && !isExecutionPath(args.tier)) {
  console.error(`bench: bad tier '${args.tier}' (${EXECUTION_PATHS.join(', ')})`);
  process.exit(2);
}
// The micro guests' rounds take the reference path ~30x as long: only when asked for.
const tiers: readonly ExecutionPath[] = args.tier !== undefined ? [args.tier as ExecutionPath] : micro ? EXECUTION_PATHS.filter((t) => t !== 'reference') : EXECUTION_PATHS;

const source = micro ? 'bench/micro' : 'bench/guests';
const dir = full ? 'build/bench-full' : micro ? 'build/bench-micro' : 'build/bench';

/** A run: its outcome, instructions and time, and the rounds a micro guest reported (its first SYNC's first argument; 0: none). */
interface Sample { outcome: string; instructions: number; ms: number; rounds: number }

function runOnce(file: Uint8Array, tier: ExecutionPath, maxInstructions: number): Sample {
  const vm = Vm.fromElf(file, { maxInstructions, executionPath: tier });
  const t0 = process.hrtime.bigint();
  const r = vm.run();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const sync = r.events.find((e) => e.type === 'ucall' && e.cmd === 'SYNC');
  const rounds = sync?.type === 'ucall' ? Number(sync.args[2]) : 0;
  return { outcome: r.outcome, instructions: r.instructions, ms, rounds };
}

/** A run's instruction budget: at full size the reference path's first REFERENCE_BUDGET (~30x slower than the others); else every instruction. */
const budgetOf = (tier: ExecutionPath): number => (full && tier === 'reference' ? REFERENCE_BUDGET : 2e9);

/** The runs of one guest on one tier: --repeat's count; else the reference path once, the others best of three (full size: once). */
function samplesOf(file: Uint8Array, tier: ExecutionPath): Sample[] {
  const runs = repeat ?? (tier === 'reference' || full ? 1 : 3);
  return Array.from({ length: runs }, () => runOnce(file, tier, budgetOf(tier)));
}

if (args['run-one'] !== undefined) {
  const samples = samplesOf(readFileSync(args['run-one']), tiers[0]!);
  console.log(JSON.stringify({ samples, maxRss: process.resourceUsage().maxRSS }));
  process.exit(0);
}

/** Peak RSS of the processes that ran guests, in KiB: this one's, or with --isolate the largest child's. */
let peakRss = 0;

/** samplesOf in a process of its own (--isolate). */
function isolatedSamples(path: string, tier: ExecutionPath): Sample[] {
  const child = spawnSync(process.execPath, [process.argv[1]!, '--run-one', path, '--tier', tier, ...(full ? ['--full'] : []), ...(repeat !== undefined ? ['--repeat', String(repeat)] : [])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (child.status !== 0) return [{ outcome: `child exit ${child.status ?? child.signal}`, instructions: 0, ms: 0, rounds: 0 }];
  const out = JSON.parse(child.stdout) as { samples: Sample[]; maxRss: number };
  peakRss = Math.max(peakRss, out.maxRss);
  return out.samples;
}

const build = spawnSync(process.execPath, ['scripts/build-guests.mjs', '--src', source, '--out', dir, ...(full ? ['--define', 'BENCH_FULL'] : [])], { stdio: 'inherit' });
if (build.status !== 0) {
  console.error('bench: building the benchmark guests failed (gcc and binutils are required)');
  process.exit(1);
}

const rows: string[][] = [];
let failed = false;
const images = readdirSync(dir).filter((x) => x.endsWith('.elf')).sort();
if (args.guest !== undefined && !images.includes(`${args.guest}.elf`)) {
  console.error(`bench: no guest '${args.guest}' (${images.map((x) => x.slice(0, -4)).join(', ')})`);
  process.exit(2);
}
for (const f of images) {
  const name = f.replace(/\.elf$/, '');
  if (args.guest !== undefined && args.guest !== name) continue;
  const file = readFileSync(join(dir, f));
  const row = [name];
  let instructions = '';
  let rounds = 0;
  for (const tier of tiers) {
    const budget = budgetOf(tier);
    const samples = args.isolate === true ? isolatedSamples(join(dir, f), tier) : samplesOf(file, tier);
    const best = samples.reduce((a, b) => (b.ms < a.ms ? b : a));
    const finished = best.outcome === 'done' || (budget < 2e9 && best.outcome === 'limit');
    // A micro guest reports its rounds; without them it has no figure.
    const measured = finished && (!micro || best.rounds > 0);
    if (!measured) failed = true;
    // Every tier retires the same instructions.
    if (best.outcome === 'done') {
      if (instructions !== '' && instructions !== String(best.instructions)) failed = true;
      instructions = String(best.instructions);
      rounds = best.rounds;
    }
    const mipsOf = (x: Sample) => (x.instructions / x.ms / 1000).toFixed(1), mips = mipsOf(best);
    // With --repeat, the range of the runs' MIPS: how far the host's noise moved them.
    const range = repeat !== undefined && samples.length > 1 ? `${mipsOf(samples.reduce((a, b) => (b.ms > a.ms ? b : a)))}-${mips} over ${samples.length}` : '';
    const details = (...parts: string[]) => (parts.some((p) => p !== '') ? ` (${parts.filter((p) => p !== '').join('; ')})` : '');
    if (!measured) row.push(best.outcome);
    else if (micro) row.push(`${(best.ms * 1e6 / best.rounds).toFixed(0)}${details(`${mips} MIPS`, range)}`);
    else if (best.outcome === 'limit') row.push(`${mips}${details(`first ${best.instructions / 1e6} M`, range)}`);
    else row.push(`${mips}${details(full ? `${(best.ms / 1000).toFixed(2)} s` : '', range)}`);
  }
  if (micro && instructions !== '' && rounds > 0) instructions = (Number(instructions) / rounds).toFixed(1);
  rows.push([row[0]!, instructions, ...row.slice(1)]);
}
const head = micro ? ['guest', 'instructions/round', ...tiers.map((t) => `ns/round ${t}`)] : ['guest', 'instructions', ...tiers.map((t) => `MIPS ${t}`)];
const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
const fmt = (r: string[]) => r.map((x, c) => (c >= 1 ? x.padStart(widths[c]!) : x.padEnd(widths[c]!))).join('  ');
console.log(fmt(head));
for (const r of rows) console.log(fmt(r));
if (args.isolate !== true) peakRss = process.resourceUsage().maxRSS;
console.log(`peak RSS ${(peakRss / 1024).toFixed(0)} MiB (guest RAM 128 MiB per VM, one VM at a time${args.isolate === true ? ', the largest of the processes' : ''})`);
const chaseRow = rows.find((r) => r[0] === 'pointer-chase');
if (chaseRow !== undefined && chaseRow[1] !== '') nativeChase(Number(chaseRow[1]));
if (failed) { console.error('bench: a guest did not finish with "done", or the tiers retired different instruction counts'); process.exit(1); }

/**
 * The pointer chase natively (bench/native/pointer-chase.c: the guest's chase.h, gcc -O2): the host's
 * own memory latency over the same pages and steps bounds what any tier can reach on that guest.
 * Printed as its time and the MIPS the guest's instruction count would make in that time.
 */
function nativeChase(guestInstructions: number): void {
  const exe = join(dir, 'pointer-chase.native');
  const cc = spawnSync('gcc', ['-O2', ...(full ? ['-DBENCH_FULL'] : []), '-o', exe, 'bench/native/pointer-chase.c'], { encoding: 'utf8' });
  const run = cc.status === 0 ? spawnSync(exe, { encoding: 'utf8' }) : undefined;
  const ns = run?.status === 0 ? Number(run.stdout.split(' ')[0]) : NaN;
  if (!(ns > 0)) {
    console.log(`pointer-chase natively: *** not measured (gcc -O2 of bench/native/pointer-chase.c ${cc.status === 0 ? 'ran but failed' : 'failed'}) ***`);
    return;
  }
  console.log(`pointer-chase natively on this host (gcc -O2, the same chase): ${(ns / 1e9).toFixed(2)} s, ` +
    `as fast as ${(guestInstructions / (ns / 1e6) / 1000).toFixed(1)} MIPS of the guest's instructions`);
}
