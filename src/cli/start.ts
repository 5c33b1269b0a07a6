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
// runs in parallel never read half a file. This starter and the bin script are
// CommonJS (scripts/build.mjs bundles this file with format 'cjs'): an ES module
// entry point costs Node's ESM loader, ~15 ms of a ~180 ms start.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { Script } from 'node:vm';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** The cache file's name (scripts/build.mjs defines it from the bundle's hash). */
declare const CLI_CODE_CACHE: string;

const bundle = join(__dirname, 'cli.cjs');
const cacheFile = join(__dirname, CLI_CODE_CACHE);

let cachedData: Buffer | undefined;
try { cachedData = readFileSync(cacheFile); } catch { /* none yet */ }
// The bundle is the module's body in Node's CommonJS wrapper, in ASCII (scripts/build.mjs).
const script = new Script(readFileSync(bundle, 'latin1'), { filename: bundle, cachedData });
const mod = { exports: {} as { main?: (argv: string[]) => number } };
script.runInThisContext()(mod.exports, createRequire(bundle), mod, bundle, __dirname);

const argv = process.argv.slice(2);
const status = mod.exports.main!(argv);
process.exitCode = status;
// A cache after a run (not --help or a usage error, which compile little of the bundle).
if ((cachedData === undefined || script.cachedDataRejected) && argv.includes('run') && status !== 2) {
  const tmp = `${cacheFile}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, script.createCachedData());
    renameSync(tmp, cacheFile);
  } catch {
    try { rmSync(tmp, { force: true }); } catch { /* nothing to clean */ }
  }
}
