// `npm run bench`: guest MIPS on CPU-bound guests (never a timed test).
// Builds bench/guests with the guest runtime, runs each image on the cached
// fast path (best of 3) and once on the reference path, and prints a table.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Vm } from '../src/vm.js';

const build = spawnSync(process.execPath, ['scripts/build-guests.mjs', '--src', 'bench/guests', '--out', 'build/bench'], { stdio: 'inherit' });
if (build.status !== 0) {
  console.error('bench: building the benchmark guests failed (gcc and binutils are required)');
  process.exit(1);
}

interface Sample { outcome: string; instructions: number; ms: number }

function runOnce(file: Uint8Array, reference: boolean): Sample {
  const vm = Vm.fromElf(file, { maxInstructions: 2e9, executionPath: reference ? 'reference' : 'interp' });
  const t0 = process.hrtime.bigint();
  const r = vm.run();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return { outcome: r.outcome, instructions: r.instructions, ms };
}

const dir = 'build/bench';
const rows: string[][] = [];
let failed = false;
for (const f of readdirSync(dir).filter((x) => x.endsWith('.elf')).sort()) {
  const file = readFileSync(join(dir, f));
  const samples = [runOnce(file, false), runOnce(file, false), runOnce(file, false)];
  const best = samples.reduce((a, b) => (b.ms < a.ms ? b : a));
  const ref = runOnce(file, true);
  if (best.outcome !== 'done' || ref.outcome !== 'done') failed = true;
  const mips = (s: Sample) => (s.instructions / s.ms / 1000).toFixed(1);
  rows.push([f.replace(/\.elf$/, ''), best.outcome, String(best.instructions), best.ms.toFixed(0), mips(best), mips(ref)]);
}
const head = ['guest', 'outcome', 'instructions', 'ms', 'MIPS', 'MIPS (reference path)'];
const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
const fmt = (r: string[]) => r.map((x, c) => (c >= 2 ? x.padStart(widths[c]!) : x.padEnd(widths[c]!))).join('  ');
console.log(fmt(head));
for (const r of rows) console.log(fmt(r));
if (failed) { console.error('bench: a guest did not finish with "done"'); process.exit(1); }
