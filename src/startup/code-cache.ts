// Loads a CommonJS bundle of ringzero through V8 code caches kept beside it: what the command
// line (cli/start.ts: dist/cli.cjs) and the library's entry (startup/library.ts: dist/lib.cjs)
// start with.
//
// Start time (issue 11): compiling a ~0.6 MB bundle, and then each function the first time it
// runs, is a large part of a short run. A process that finds no usable cache writes one once it
// has run a guest (save), so that it holds the bytecode of everything the run compiled; later
// processes deserialise it instead of compiling. A cache's name carries a hash of its bundle
// (scripts/build.mjs defines it and deletes older caches), and V8 itself rejects a cache made by
// another V8 version or under other flags (then it is written anew). Writing is best-effort (a
// read-only install runs without one) and atomic (a rename), so processes in parallel never read
// half a file. The functions the bundle builds from generated source (cpu/generated.ts: new
// Function, which no code cache of the bundle holds) get a cache of their own: their sources,
// compiled as one script with its V8 code cache, handed to the bundle before its modules
// initialise; a process that compiles new ones rewrites it with them added.
// RINGZERO_CODE_CACHE=off: neither read nor write a cache (the bundle compiles as without one).
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { Script } from 'node:vm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { RunsSeen } from '../host/process-runs.js';

/** Where cpu/generated.ts looks for factories compiled ahead (set before the bundle's modules initialise, which build some). */
const FACTORIES = Symbol.for('ringzero.generated-factories');

/**
 * The most factories the function cache keeps from other processes' runs: each costs every start
 * ~15 µs to load (the command line's hello started in 139 ms with its own 109, in 151 ms with the 873
 * that the test suite's runs leave), and a cache grows by every kind of guest run with it. One past
 * it is cut to what the process saving it used (all 18 bundled guests together use ~190).
 */
export const FUNCTION_CACHE_LIMIT = 400;

/** Writes `data` to `file` atomically (a rename: processes in parallel never read half a file); best-effort. */
function writeCache(file: string, data: Uint8Array[]): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, Buffer.concat(data));
    renameSync(tmp, file);
  } catch {
    try { rmSync(tmp, { force: true }); } catch { /* nothing to clean */ }
  }
}

/**
 * A function cache holding the factories `keys` (cpu/generated.ts FactoryKey): a 4-byte length, the
 * source (an array of them), and V8's code cache of it made here (`filename`: the file's name).
 */
export function functionCacheContents(keys: Iterable<string>, filename: string): Uint8Array[] {
  // Parenthesised: V8 compiles the factories and the functions in them at once, so a code cache made
  // right after compiling holds them all.
  const source = `[${[...keys].map((key) => `(${key})`).join(',\n')}]`;
  const text = Buffer.from(source, 'utf8'), length = Buffer.alloc(4);
  length.writeUInt32LE(text.length);
  return [length, text, new Script(source, { filename }).createCachedData()];
}

/** A bundle loaded through its caches. */
export interface CachedBundle<T> {
  readonly exports: T;
  /**
   * Writes what the caches lack, best-effort: the bundle's code cache if there was none or V8
   * rejected it, or if it was made without the fast loops and `runs` has them (its first byte
   * says which; none after no run: it would hold little more than the modules' initialisation);
   * and the function cache if `generated` (cpu/generated.ts generatedSources) holds
   * sources it lacks, or if it holds more than FUNCTION_CACHE_LIMIT factories and this process
   * used fewer (`generated` and `taken`, cpu/generated.ts takenSources): then it keeps those.
   */
  save(generated: readonly string[], taken: ReadonlySet<string>, runs: RunsSeen): void;
}

/**
 * Compiles and runs `bundle` (the module's body already in Node's CommonJS wrapper, in ASCII:
 * scripts/build.mjs), with the V8 code cache in `codeCacheFile` and the factories in
 * `functionCacheFile` when they exist.
 */
export function loadCachedBundle<T>(bundle: string, codeCacheFile: string, functionCacheFile: string): CachedBundle<T> {
  const enabled = process.env['RINGZERO_CODE_CACHE'] !== 'off';
  // The factories earlier processes compiled: their source and its V8 code cache in one file (a 4-byte length,
  // the source, the cache), the source an array of the factories, each found by its own text (its key). A
  // rejected or stale cache only costs the compile it would have saved.
  let known: Map<string, unknown> | undefined;
  let knownRejected = false;
  if (enabled) {
    try {
      const file = readFileSync(functionCacheFile), n = file.readUInt32LE(0);
      const factories = new Script(file.toString('utf8', 4, 4 + n), { filename: functionCacheFile, cachedData: file.subarray(4 + n) });
      knownRejected = factories.cachedDataRejected === true;
      const list = factories.runInThisContext() as unknown[];
      known = new Map();
      for (let k = 0; k < list.length; k++) known.set(String(list[k]), list[k]);
      (globalThis as Record<symbol, unknown>)[FACTORIES] = known;
    } catch { /* none yet, or unreadable: compile as usual */ }
  }

  // The bundle's code cache: a byte, 1 if the process that made it ran the fast loops, then V8's cache.
  let cachedData: Buffer | undefined;
  let withFastLoops = false;
  if (enabled) {
    try {
      const file = readFileSync(codeCacheFile);
      if (file.length > 1) { withFastLoops = file[0] === 1; cachedData = file.subarray(1); }
    } catch { /* none yet */ }
  }
  // Read as Latin-1: the bundle is ASCII, and this makes no UTF-8 decoding pass over it.
  const script = new Script(readFileSync(bundle, 'latin1'), { filename: bundle, cachedData });
  const mod = { exports: {} as T };
  script.runInThisContext()(mod.exports, createRequire(bundle), mod, bundle, dirname(bundle));
  delete (globalThis as Record<symbol, unknown>)[FACTORIES];

  let bundleCacheDue = cachedData === undefined || script.cachedDataRejected === true;
  let functionCacheDue = knownRejected;
  let saved = new Set(known?.keys());
  return {
    exports: mod.exports,
    save(generated, taken, runs) {
      if (!enabled) return;
      if (runs !== 'none' && (bundleCacheDue || (runs === 'fast' && !withFastLoops))) {
        bundleCacheDue = false;
        withFastLoops = runs === 'fast';
        writeCache(codeCacheFile, [Uint8Array.of(withFastLoops ? 1 : 0), script.createCachedData()]);
      }
      for (const key of generated) if (!saved.has(key)) { saved.add(key); functionCacheDue = true; }
      if (saved.size > FUNCTION_CACHE_LIMIT && generated.length + taken.size < saved.size) {
        saved = new Set([...taken, ...generated]);
        functionCacheDue = true;
      }
      if (!functionCacheDue) return;
      functionCacheDue = false;
      writeCache(functionCacheFile, functionCacheContents(saved, functionCacheFile));
    },
  };
}
