// Starts the command line (dist/cli.js, what bin/ringzero.js imports): loads the
// CommonJS bundle of main.ts (dist/cli.cjs) through a V8 code cache and runs it.
//
// Start time (issue 11): compiling the ~0.7 MB bundle, and then each function the
// first time it runs, is a large part of a short run. The first `run` without a
// usable cache writes one beside the bundle, taken after the run, so that it holds
// the bytecode of everything the run compiled; later starts deserialise it instead
// of compiling. The cache's name carries a hash of the bundle (scripts/build.mjs
// defines it and deletes older caches), and V8 itself rejects a cache made by
// another V8 version or with other flags (then it is written anew). Writing is
// best-effort (a read-only install runs without one) and atomic (a rename), so
// runs in parallel never read half a file. Node's modules come through
// process.getBuiltinModule (Node >= 20.16), not ESM imports: an import of a
// builtin builds a facade of all its exports (node:fs loads the stream modules).
import type * as NodeFs from 'node:fs';
import type * as NodeModule from 'node:module';
import type * as NodeUrl from 'node:url';
import type * as NodeVm from 'node:vm';

/** The cache file's name (scripts/build.mjs defines it from the bundle's hash). */
declare const CLI_CODE_CACHE: string;

async function builtin<T>(id: string): Promise<T> {
  return ((process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule?.(id) as T | undefined) ?? (await import(id) as T);
}
const fs = await builtin<typeof NodeFs>('node:fs');
const vm = await builtin<typeof NodeVm>('node:vm');
const { createRequire } = await builtin<typeof NodeModule>('node:module');
const { fileURLToPath } = await builtin<typeof NodeUrl>('node:url');

const bundle = fileURLToPath(new URL('./cli.cjs', import.meta.url));
const cacheFile = fileURLToPath(new URL(`./${CLI_CODE_CACHE}`, import.meta.url));

let cachedData: Buffer | undefined;
try { cachedData = fs.readFileSync(cacheFile); } catch { /* none yet */ }
// The CommonJS wrapper on a line of its own, numbered 0: positions in stack traces are the bundle's own.
const source = `(function (exports, require, module, __filename, __dirname) {\n${fs.readFileSync(bundle, 'utf8')}\n})`;
const script = new vm.Script(source, { filename: bundle, cachedData, lineOffset: -1 });
const mod = { exports: {} as { main?: (argv: string[]) => number } };
script.runInThisContext()(mod.exports, createRequire(bundle), mod, bundle, fileURLToPath(new URL('.', import.meta.url)));

const argv = process.argv.slice(2);
const status = mod.exports.main!(argv);
process.exitCode = status;
// A cache after a run (not --help or a usage error, which compile little of the bundle).
if ((cachedData === undefined || script.cachedDataRejected) && argv.includes('run') && status !== 2) {
  const tmp = `${cacheFile}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, script.createCachedData());
    fs.renameSync(tmp, cacheFile);
  } catch {
    try { fs.rmSync(tmp, { force: true }); } catch { /* nothing to clean */ }
  }
}
