// Starts the command line (dist/start.cjs, what bin/ringzero.cjs requires): loads
// the CommonJS bundle of main.ts (dist/cli.cjs) through a V8 code cache and runs it.
//
// Start time (issue 11): compiling the ~0.5 MB bundle, and then each function the
// first time it runs, is a large part of a short run. The first `run` without a
// usable cache writes one beside the bundle, taken after the run, so that it holds
// the bytecode of everything the run compiled; later starts deserialise it instead
// of compiling. The cache's name carries a hash of the bundle (scripts/build.mjs
// defines it and deletes older caches), and V8 itself rejects a cache made by
// another V8 version or with other flags (then it is written anew). Writing is
// best-effort (a read-only install runs without one) and atomic (a rename), so
// runs in parallel never read half a file. The functions the bundle builds from
// generated source (cpu/generated.ts: new Function, which no code cache of the
// bundle holds) get a cache of their own: their sources, compiled as one script
// with its V8 code cache, handed to the bundle before its modules initialise; a
// run that compiles new ones rewrites it with them added. This starter and the
// bin script are CommonJS (scripts/build.mjs bundles this file with format
// 'cjs'): an ES module entry point costs Node's ESM loader, ~15 ms a start.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { Script } from 'node:vm';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';

// The process is the CLI's own, so it may tune V8's tiering (the library never does: its host's
// process is not ours). V8 11 (Node 20) hands a function to TurboFan once it has run ~66 KB of
// bytecode (--interrupt-budget=67584); the interpreter's loop and handlers reach that before their
// type feedback settles, and a short guest pays for compiles, deoptimisations and recompiles it
// never gets back (hello's run: ~44 ms, ~30 with eight times the budget; `run build/guests`: 18
// images in 0.59-0.63 s, 0.50-0.58). Long runs measured the same on both tiers. Before the caches
// below: V8 keys a code cache on its flags, so the flag is the same when a cache is made and used.
// Only on the V8 it was measured on (another may lack the flag, and would print an error).
if (process.versions.v8.startsWith('11.')) setFlagsFromString('--interrupt-budget=540672');

/** The cache files' names (scripts/build.mjs defines them from the bundle's hash). */
declare const CLI_CODE_CACHE: string;
declare const CLI_FUNCTION_CACHE: string;

/** What start.ts uses of the bundle (src/cli/main.ts exports it). */
interface Cli {
  main(argv: string[]): number;
  generatedSources(): readonly string[];
}
/** Where cpu/generated.ts looks for factories compiled ahead (set before the bundle's modules initialise, which build some). */
const FACTORIES = Symbol.for('ringzero.generated-factories');

const bundle = join(__dirname, 'cli.cjs');
const cacheFile = join(__dirname, CLI_CODE_CACHE);
const functionCacheFile = join(__dirname, CLI_FUNCTION_CACHE);

/** Writes `data` to `file` atomically (a rename: runs in parallel never read half a file); best-effort. */
function writeCache(file: string, data: Uint8Array[]): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, Buffer.concat(data));
    renameSync(tmp, file);
  } catch {
    try { rmSync(tmp, { force: true }); } catch { /* nothing to clean */ }
  }
}

// The functions built from generated source (cpu/generated.ts) that earlier runs compiled: their source
// and its V8 code cache in one file (a 4-byte length, the source, the cache), the source an array of
// the factories, each found by its own text (its key). A rejected or stale cache only costs the
// compile it would have saved.
let known: Map<string, unknown> | undefined;
let knownRejected = false;
try {
  const file = readFileSync(functionCacheFile), n = file.readUInt32LE(0);
  const factories = new Script(file.toString('utf8', 4, 4 + n), { filename: functionCacheFile, cachedData: file.subarray(4 + n) });
  knownRejected = factories.cachedDataRejected === true;
  const list = factories.runInThisContext() as unknown[];
  known = new Map();
  for (let k = 0; k < list.length; k++) known.set(String(list[k]), list[k]);
  (globalThis as Record<symbol, unknown>)[FACTORIES] = known;
} catch { /* none yet, or unreadable: compile as usual */ }

let cachedData: Buffer | undefined;
try { cachedData = readFileSync(cacheFile); } catch { /* none yet */ }
// The bundle is the module's body in Node's CommonJS wrapper, in ASCII (scripts/build.mjs).
const script = new Script(readFileSync(bundle, 'latin1'), { filename: bundle, cachedData });
const mod = { exports: {} as Cli };
script.runInThisContext()(mod.exports, createRequire(bundle), mod, bundle, __dirname);
const cli = mod.exports;

const argv = process.argv.slice(2);
const status = cli.main(argv);
process.exitCode = status;
// Caches after a run (not --help or a usage error, which compile little of the bundle). The bundle's
// code cache is written once, by the first run that finds none: not by a --trace run, which steps
// every instruction through the debug loop and leaves the fast loops out (hello then started ~25 ms slower).
if (argv.includes('run') && status !== 2) {
  if ((cachedData === undefined || script.cachedDataRejected) && !argv.includes('--trace')) writeCache(cacheFile, [script.createCachedData()]);
  const added = cli.generatedSources();
  if (added.length > 0 || knownRejected) {
    const keys = [...new Set([...(known?.keys() ?? []), ...added])];
    // Parenthesised: V8 compiles the factories and the functions in them at once, so a code cache made
    // right after compiling holds them all.
    const source = `[${keys.map((key) => `(${key})`).join(',\n')}]`;
    const text = Buffer.from(source, 'utf8'), length = Buffer.alloc(4);
    length.writeUInt32LE(text.length);
    writeCache(functionCacheFile, [length, text, new Script(source, { filename: functionCacheFile }).createCachedData()]);
  }
}
// Every line went out synchronously (main.ts writeLine) and nothing is pending: exit now, instead of
// letting Node drain its platform's tasks first, which waits for V8's background compiles of the run's
// hot code (5-10 ms after a short guest).
process.exit(status);
