// The `ringzero` command line. scripts/build.mjs bundles it as CommonJS (dist/cli.cjs),
// which start.ts (dist/start.cjs, what bin/ringzero.cjs requires) loads and runs.
import { parseArgs } from 'node:util';
import { readFileSync, statSync, readdirSync, writeSync } from 'node:fs';
import { join, basename } from 'node:path';
import { Vm, ImageError, type VmOptions } from '../vm.js';
import { parseElf } from '../guest/elf.js';
import { eventJson, exitJson, eventLine, summaryLine, exitStatus, hex, hexBytes } from './format.js';
import { describeAt, traceLine } from './describe.js';
import { Trace } from '../testing/guest-report.js';
import { MAX_TRACE_DEPTH } from '../host/debug.js';
import { isCpuVendor, type CpuVendor } from '../arch/vendor.js';
import { DEFAULT_EXECUTION_PATH, EXECUTION_PATHS, isExecutionPath, type ExecutionPath } from '../cpu/execution-path.js';

// For start.ts, which keeps the V8 code caches of the bundle and of the functions built from generated source.
export { generatedSources, takenSources } from '../cpu/generated.js';

const VERSION = '0.1.0';

const HELP = `ringzero ${VERSION} — an x86-64 CPU emulator for selftest-style guests

usage:
  ringzero run IMAGE [options]        run one guest image
  ringzero run IMAGE... | DIR         run many images, print a results table
  ringzero --help | --version

options:
  --json                  JSON lines: one per event, then {"type":"exit",...}
  --memory SIZE           guest RAM (default 128M; suffixes K M G; multiple of 2M)
  --max-instructions N    instruction budget (default 1000000000)
  --fep                   enable the forced-emulation prefix (ud2; 'kvm'); on by
                          itself for an image that declares GUEST_NEEDS_FEP
  --vendor amd|intel      CPU vendor model (default amd; docs/cpu-model.md)
  --tier TIER             execution tier: compiled, interp or reference
                          (default ${DEFAULT_EXECUTION_PATH}; README "Execution tiers")
  --stats                 print instructions, wall time and MIPS to stderr
  --trace                 print every executed instruction to stderr
  --history N             one image: when the run fails (not done, not debug-exit),
                          print the last N instructions before the failure point
                          to stderr, disassembled with symbols

exit status: 0 done; 1 abort, unhandled, shutdown, halt, emulation-failure;
2 bad usage or bad image; 3 instruction limit; debug-exit: (v << 1) | 1.`;

class UsageError extends Error {}

function parseSize(s: string): number {
  const m = /^(\d+)\s*([kKmMgG])?(i?[bB])?$/.exec(s.trim());
  if (!m) throw new UsageError(`bad memory size '${s}'`);
  const mult = { k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(m[2] ?? '').toLowerCase() as 'k' | 'm' | 'g'] ?? 1;
  return Number(m[1]) * mult;
}

function parseCount(s: string): number {
  if (!/^\d+$/.test(s)) throw new UsageError(`bad instruction count '${s}'`);
  return Number(s);
}

/** --history's N: the instructions the vCPU's trace keeps, up to its deepest. */
function parseHistory(s: string): number {
  if (!/^\d+$/.test(s) || Number(s) > MAX_TRACE_DEPTH) throw new UsageError(`bad history length '${s}' (0 to ${MAX_TRACE_DEPTH})`);
  return Number(s);
}

interface Options { json: boolean; memory?: number; maxInstructions?: number; fep: boolean; stats: boolean; trace: boolean; history: number; vendor?: CpuVendor; tier?: ExecutionPath }

/** What an image may declare it needs (`.ringzero.needs`, guests/README.md). */
const KNOWN_NEEDS = new Set(['fep']);

function loadVm(path: string, o: Options, extra: VmOptions = {}): Vm {
  let file: Uint8Array;
  try {
    file = readFileSync(path);
  } catch (e) {
    throw new ImageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const image = parseElf(file);
  const unknown = image.needs.filter((n) => !KNOWN_NEEDS.has(n));
  if (unknown.length) throw new ImageError(`${path} needs ${unknown.map((n) => `'${n}'`).join(', ')}, which this ringzero does not provide`);
  // GUEST_NEEDS_FEP: the image only makes sense with forced emulation, so it runs with it on.
  const fep = o.fep || image.needs.includes('fep');
  if (fep && !o.fep) writeLine(2, `ringzero: ${basename(path)} declares GUEST_NEEDS_FEP: forced emulation on`);
  const opts: VmOptions = { ...extra, forcedEmulation: fep };
  if (o.memory !== undefined) opts.memorySize = o.memory;
  if (o.maxInstructions !== undefined) opts.maxInstructions = o.maxInstructions;
  if (o.vendor !== undefined) opts.vendor = o.vendor;
  if (o.tier !== undefined) opts.executionPath = o.tier;
  return new Vm(image, opts);
}

/** A word to wait on for a millisecond while a slow reader drains the pipe. */
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes a line to fd 1 or 2, synchronously, as a C program's blocking write
 * would: the run goes on only once the line is out. A slow reader makes the
 * guest wait (no output piles up in memory while the run loop holds the
 * thread), and a reader that went away (`ringzero run … | head`) fails the
 * write at once: the command then ends quietly instead of running the guest
 * to its end.
 */
function writeLine(fd: 1 | 2, line: string): void {
  const buf = Buffer.from(line + '\n');
  for (let off = 0; off < buf.length;) {
    try {
      off += writeSync(fd, buf, off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') outputFailed(e as Error);
      Atomics.wait(PAUSE, 0, 0, 1); // a non-blocking pipe or socket is full: wait for the reader
    }
  }
}

function outputFailed(e: Error): never {
  // The reader went away: EPIPE from a pipe, ECONNRESET from a socket pair (a parent's 'pipe' stdio) whose reader closed with data unread.
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EPIPE' || code === 'ECONNRESET') process.exit(process.exitCode ?? 0);
  try { writeSync(2, `ringzero: cannot write the output: ${e.message}\n`); } catch { /* stderr is gone too */ }
  process.exit(1);
}

function runOne(path: string, o: Options): number {
  const print = (line: string) => writeLine(1, line);
  let vm: Vm | undefined;
  const describe = (rip: bigint) => (vm ? describeAt(vm, rip) : '');
  // One VM in this process: its RAM need not be counted for collection (VmOptions.sharedMemory).
  const extra: VmOptions = { onEvent: (e) => print(o.json ? eventJson(e) : eventLine(e, vm!, describe)), sharedMemory: true };
  if (o.trace) extra.onInstruction = (v) => writeLine(2, traceLine(v));
  vm = loadVm(path, o, extra);
  const trace = o.history > 0 ? new Trace(vm, o.history) : undefined;
  trace?.start();
  const start = process.hrtime.bigint();
  const result = vm.run();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  print(o.json ? exitJson(result) : summaryLine(result, ms, describe));
  if (trace !== undefined && result.outcome !== 'done' && result.outcome !== 'debug-exit') {
    const { heading, lines } = trace.history(result.last);
    if (lines.length > 0) writeLine(2, [heading, ...lines.map((l) => `  ${l}`)].join('\n'));
  }
  if (o.stats) {
    const mips = ms > 0 ? result.instructions / ms / 1000 : 0;
    writeLine(2, `instructions: ${result.instructions}\nwall time: ${ms.toFixed(1)} ms\nMIPS: ${mips.toFixed(1)}`);
  }
  return exitStatus(result);
}

function expandImages(paths: string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let st;
    try { st = statSync(p); } catch { throw new ImageError(`cannot read ${p}: no such file or directory`); }
    if (st.isDirectory()) {
      const elfs = readdirSync(p).filter((f) => f.endsWith('.elf')).sort();
      if (elfs.length === 0) throw new ImageError(`no .elf images in ${p}`);
      out.push(...elfs.map((f) => join(p, f)));
    } else out.push(p);
  }
  return out;
}

function runMany(paths: string[], o: Options): number {
  const rows: string[][] = [];
  let passed = 0, failed = 0, totalInsns = 0, totalMs = 0;
  for (const p of paths) {
    const start = process.hrtime.bigint();
    let outcome: string, expected = 'done', insns = 0, pass = false;
    try {
      const vm = loadVm(p, o);
      const r = vm.run();
      expected = vm.image.expect;
      outcome = r.outcome === 'debug-exit' ? `debug-exit:${r.code}` : r.outcome;
      if (r.outcome === 'emulation-failure') outcome += ` @${hex(r.rip ?? 0n)} [${hexBytes(r.bytes ?? new Uint8Array()).slice(0, 23)}]`;
      insns = r.instructions;
      pass = outcome === expected;
    } catch (e) {
      if (!(e instanceof ImageError)) throw e;
      outcome = `bad image: ${e.message}`;
    }
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    totalInsns += insns; totalMs += ms;
    if (pass) passed++; else failed++;
    if (o.json) {
      writeLine(1, JSON.stringify({ type: 'result', image: p, outcome, expected, instructions: insns, ms: Number(ms.toFixed(1)), pass }));
    }
    rows.push([basename(p), outcome, expected, String(insns), ms.toFixed(1), pass ? 'pass' : 'FAIL']);
  }
  if (!o.json) {
    const head = ['image', 'outcome', 'expected', 'instructions', 'ms', 'result'];
    const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
    const fmt = (r: string[]) => r.map((cell, c) => (c === 3 || c === 4 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd();
    writeLine(1, fmt(head));
    writeLine(1, widths.map((w) => '-'.repeat(w)).join('  '));
    for (const r of rows) writeLine(1, fmt(r));
    writeLine(1, `${passed} passed, ${failed} failed (${totalInsns} instructions, ${totalMs.toFixed(1)} ms)`);
  }
  return failed === 0 ? 0 : 1;
}

/**
 * Runs the command line; returns the exit status. Every line goes out through
 * writeLine: the command never touches process.stdout or process.stderr, whose
 * streams cost milliseconds to set up (start time, issue 11).
 */
export function main(argv: string[]): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'V' },
        json: { type: 'boolean' }, memory: { type: 'string' }, 'max-instructions': { type: 'string' },
        fep: { type: 'boolean' }, stats: { type: 'boolean' }, trace: { type: 'boolean' }, vendor: { type: 'string' },
        tier: { type: 'string' }, history: { type: 'string' },
      },
    });
  } catch (e) {
    writeLine(2, `ringzero: ${(e as Error).message.split('\n')[0]}`);
    return 2;
  }
  const v = parsed.values;
  if (v.help) { writeLine(1, HELP); return 0; }
  if (v.version) { writeLine(1, VERSION); return 0; }
  try {
    const [cmd, ...images] = parsed.positionals;
    if (cmd !== 'run') throw new UsageError(cmd ? `unknown command '${cmd}' (try --help)` : 'missing command (try --help)');
    if (images.length === 0) throw new UsageError('run: missing IMAGE');
    const o: Options = { json: !!v.json, fep: !!v.fep, stats: !!v.stats, trace: !!v.trace, history: 0 };
    if (v.history !== undefined) o.history = parseHistory(v.history);
    if (v.memory !== undefined) o.memory = parseSize(v.memory);
    if (v['max-instructions'] !== undefined) o.maxInstructions = parseCount(v['max-instructions']);
    if (v.vendor !== undefined) {
      if (!isCpuVendor(v.vendor)) throw new UsageError(`bad vendor '${v.vendor}' (amd or intel)`);
      o.vendor = v.vendor;
    }
    if (v.tier !== undefined) {
      if (!isExecutionPath(v.tier)) throw new UsageError(`bad tier '${v.tier}' (${EXECUTION_PATHS.join(', ')})`);
      o.tier = v.tier;
    }
    const paths = expandImages(images);
    const single = paths.length === 1 && !statSync(images[0]!).isDirectory();
    if (!single && o.history > 0) throw new UsageError('--history takes one image (a results table shows no instructions)');
    return single ? runOne(paths[0]!, o) : runMany(paths, o);
  } catch (e) {
    if (e instanceof UsageError || e instanceof ImageError) {
      writeLine(2, `ringzero: ${e.message}`);
      return 2;
    }
    writeLine(2, `ringzero: internal error: ${(e as Error).message}`);
    return 1;
  }
}
