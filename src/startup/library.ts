// The library's entry (dist/index.cjs; dist/index.js, the ES module entry, re-exports it): loads
// the library's bundle (dist/lib.cjs) through its V8 code caches (code-cache.ts) and exports the
// library. What the caches lack is saved whenever a guest run ends (host/process-runs.ts) and at the
// process's exit: a process that imports the library then loads it in ~27 ms instead of ~52 and runs
// its first guest without compiling the functions built from generated source (issue 11: start
// time). Never sets a V8 flag: the process is its host's.
import { join } from 'node:path';
import { loadCachedBundle } from './code-cache.js';
import type * as LibraryBundle from './library-bundle.js';

/** The cache files' names (scripts/build.mjs defines them from the bundle's hash). */
declare const LIB_CODE_CACHE: string;
declare const LIB_FUNCTION_CACHE: string;

const { exports: bundle, save } = loadCachedBundle<typeof LibraryBundle>(join(__dirname, 'lib.cjs'), join(__dirname, LIB_CODE_CACHE), join(__dirname, LIB_FUNCTION_CACHE));
// What a run compiled goes into the caches once a guest has run (code-cache.ts RunsSeen).
const saveCaches = (): void => save(bundle.generatedSources(), bundle.takenSources(), bundle.runsSeen());
bundle.onRunEnd(saveCaches);
process.once('exit', saveCaches);
module.exports = bundle.library;
