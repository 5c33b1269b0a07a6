// Starts the command line (dist/start.cjs, what bin/ringzero.cjs requires): loads
// the CommonJS bundle of main.ts (dist/cli.cjs) through its V8 code caches
// (startup/code-cache.ts) and runs it. This starter and the bin script are
// CommonJS (scripts/build.mjs bundles this file with format 'cjs'): an ES module
// entry point costs Node's ESM loader, ~15 ms a start.
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { loadCachedBundle } from '../startup/code-cache.js';

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
  takenSources(): ReadonlySet<string>;
}
const { exports: cli, save } = loadCachedBundle<Cli>(join(__dirname, 'cli.cjs'), join(__dirname, CLI_CODE_CACHE), join(__dirname, CLI_FUNCTION_CACHE));

const argv = process.argv.slice(2);
const status = cli.main(argv);
process.exitCode = status;
// Caches after a run (not --help or a usage error, which compile little of the bundle). The bundle's
// code cache is written by the first run that finds none, and again by the first run after one made
// by a --trace run, which steps every instruction through the debug loop and leaves the fast loops out
// (hello then started ~25 ms slower).
if (argv.includes('run') && status !== 2) save(cli.generatedSources(), cli.takenSources(), argv.includes('--trace') ? 'debug' : 'fast');
// Every line went out synchronously (main.ts writeLine) and nothing is pending: exit now, instead of
// letting Node drain its platform's tasks first, which waits for V8's background compiles of the run's
// hot code (5-10 ms after a short guest).
process.exit(status);
