// The library's entry (dist/index.cjs; dist/index.js, the ES module entry, re-exports it): loads
// the library's bundle (dist/lib.cjs) through its V8 code caches (code-cache.ts) and exports the
// library. The caches are saved after the process's first guest run, and what later runs compiled
// at its exit where the process has one (test runners' workers do not): a process that imports the
// library loads it in ~35-40 ms instead of ~55-70 and runs its first guest without compiling the
// functions built from generated source (issue 11: start time). Never sets a V8 flag: the process
// is its host's.
import { join } from 'node:path';
import { loadCachedBundle } from './code-cache.js';
import type * as LibraryBundle from './library-bundle.js';

/** The cache files' names (scripts/build.mjs defines them from the bundle's hash). */
declare const LIB_CODE_CACHE: string;
declare const LIB_FUNCTION_CACHE: string;

const { exports: bundle, save } = loadCachedBundle<typeof LibraryBundle>(join(__dirname, 'lib.cjs'), join(__dirname, LIB_CODE_CACHE), join(__dirname, LIB_FUNCTION_CACHE));
// The bundle's cache only once a guest has run: one made at the exit of a process that ran none (a script
// that lists the exports) would hold little more than the modules' initialisation, and be kept.
bundle.onRunEnd(() => save(bundle.generatedSources()));
process.once('exit', () => save(bundle.generatedSources(), bundle.anyRun()));
module.exports = bundle.library;
