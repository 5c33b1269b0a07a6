// The library's start-time caches (src/startup/library.ts, code-cache.ts): the V8 code cache of its
// bundle (dist/lib.cjs) and the cache of functions built from generated source (cpu/generated.ts).
// The first guest run of a process writes them at its end (the guest's DONE ucall, or Vm.run's
// outcome), even in a process that then ends without an 'exit' event (as test runners end their
// workers); later processes take them and behave exactly as without them; a process that runs no
// guest writes no code cache of the bundle, one that ran only under debug hooks one that a later run
// on the fast loops replaces; with RINGZERO_CODE_CACHE=off a process writes none; a function cache grown
// past its limit is cut to what a process used; a damaged cache is ignored and written anew.
import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { hostGuestsAvailable, HOST_GUEST_DIR } from './helpers/host-guests.js';
import {
  bundleCache, cacheFiles, cachedKeys, distCopy, functionCache, LOOP_EXIT_CODE, LOOP_INSTRUCTIONS, seedFunctionCache, writeLoopImage,
} from './helpers/start-caches.js';
import { FUNCTION_CACHE_LIMIT } from '../src/startup/code-cache.js';

let image = '';
beforeAll(() => {
  if (!existsSync('dist/lib.cjs')) spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  image = writeLoopImage();
});

/** A copy of the library's entry and bundle, so that its caches start empty and are the test's own. */
const library = (): string => distCopy(['index.cjs', 'lib.cjs']);
/** A process that loads the library in `dir`, runs the image (unless `runs` is false) and prints what it saw; `kill`: it ends by SIGKILL. */
function use(dir: string, { runs = true, kill = false, env = {} }: { runs?: boolean; kill?: boolean; env?: Record<string, string> } = {}) {
  const script = `const { Vm } = require(${JSON.stringify(join(dir, 'index.cjs'))});
    ${runs ? `const r = Vm.fromElf(require('node:fs').readFileSync(${JSON.stringify(image)})).run();
    process.stdout.write(JSON.stringify({ outcome: r.outcome, code: r.code, instructions: r.instructions }));` : ''}
    ${kill ? "process.kill(process.pid, 'SIGKILL');" : ''}`;
  return spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, ...env } });
}
const EXPECTED = () => ({ outcome: 'debug-exit', code: LOOP_EXIT_CODE, instructions: LOOP_INSTRUCTIONS });

describe('the library\'s start-time caches', () => {
  it('the first run writes the code cache and the function cache; later processes take them and behave the same', () => {
    const dir = library();
    const first = use(dir);
    expect(first.status, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual(EXPECTED());
    expect(cacheFiles(dir)).toHaveLength(2);
    expect(cachedKeys(dir).length).toBeGreaterThan(10);
    const written = statSync(functionCache(dir)).mtimeMs, bundleWritten = statSync(bundleCache(dir)).mtimeMs;
    const second = use(dir);
    expect([second.status, second.stdout, second.stderr]).toEqual([first.status, first.stdout, first.stderr]);
    // Every function was taken from the cache: nothing new to save, the file stays as it was.
    expect(statSync(functionCache(dir)).mtimeMs).toBe(written);
    // V8 took the bundle's cache (one it rejects is written anew).
    expect(statSync(bundleCache(dir)).mtimeMs).toBe(bundleWritten);
  });

  it('are written at the end of the first run, before a process that ends without an exit event', () => {
    const dir = library();
    const killed = use(dir, { kill: true });
    expect(killed.signal).toBe('SIGKILL');
    expect(JSON.parse(killed.stdout)).toEqual(EXPECTED());
    expect(cacheFiles(dir)).toHaveLength(2);
  });

  // What ringzero/vitest's runGuest and host-side tests do: vcpu.run() until the guest's DONE ucall, never Vm.run().
  it.skipIf(!hostGuestsAvailable.ok)('are written at the guest\'s DONE ucall in a process that drives vcpu.run() itself, then ends by SIGKILL', () => {
    const dir = library();
    const script = `const { Vm } = require(${JSON.stringify(join(dir, 'index.cjs'))});
      const vm = Vm.fromElf(require('node:fs').readFileSync(${JSON.stringify(resolve(HOST_GUEST_DIR, 'harness.elf'))}));
      const cmds = [];
      for (;;) { const exit = vm.vcpu.run(); if (exit.reason !== 'ucall') continue; cmds.push(exit.cmd); if (exit.cmd === 'DONE') break; }
      process.stdout.write(cmds.join(' '));
      process.kill(process.pid, 'SIGKILL');`;
    const killed = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(killed.signal).toBe('SIGKILL');
    expect(killed.stdout).toBe('SYNC PRINTF DONE');
    expect(cacheFiles(dir)).toHaveLength(2);
  });

  it('a run under an onInstruction hook (the debug loop) writes a code cache without the fast loops; a later plain run writes it anew', () => {
    const dir = library();
    const script = `const { Vm } = require(${JSON.stringify(join(dir, 'index.cjs'))});
      let steps = 0;
      const r = Vm.fromElf(require('node:fs').readFileSync(${JSON.stringify(image)}), { onInstruction: () => { steps++; } }).run();
      process.stdout.write(JSON.stringify({ outcome: r.outcome, code: r.code, instructions: r.instructions }) + ' ' + steps);`;
    const traced = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(traced.stdout).toBe(`${JSON.stringify(EXPECTED())} ${EXPECTED().instructions}`);
    // Its first byte: 1 if the process that made it ran the fast loops (src/startup/code-cache.ts).
    expect(readFileSync(bundleCache(dir))[0]).toBe(0);
    expect(JSON.parse(use(dir).stdout)).toEqual(EXPECTED());
    expect(readFileSync(bundleCache(dir))[0]).toBe(1);
    const written = statSync(bundleCache(dir)).mtimeMs;
    expect(spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' }).stdout).toBe(traced.stdout);
    expect(statSync(bundleCache(dir)).mtimeMs).toBe(written);
  });

  it('a process that runs no guest writes no code cache of the bundle', () => {
    const dir = library();
    const loaded = use(dir, { runs: false });
    expect(loaded.status, loaded.stderr).toBe(0);
    expect(cacheFiles(dir).filter((f) => !f.endsWith('.fn.v8cache'))).toEqual([]);
    expect(use(dir).status).toBe(0);
    expect(cacheFiles(dir).filter((f) => !f.endsWith('.fn.v8cache'))).toHaveLength(1);
  });

  it('with RINGZERO_CODE_CACHE=off, a process writes none and leaves those there as they are', () => {
    const dir = library();
    const off = use(dir, { env: { RINGZERO_CODE_CACHE: 'off' } });
    expect(JSON.parse(off.stdout)).toEqual(EXPECTED());
    expect(cacheFiles(dir)).toEqual([]);
    use(dir);
    writeFileSync(bundleCache(dir), Buffer.from('not a cache'));
    const files = cacheFiles(dir).map((f) => [f, readFileSync(join(dir, f))]);
    expect(JSON.parse(use(dir, { env: { RINGZERO_CODE_CACHE: 'off' } }).stdout)).toEqual(EXPECTED());
    expect(cacheFiles(dir).map((f) => [f, readFileSync(join(dir, f))])).toEqual(files);
  });

  it('a function cache of more factories than FUNCTION_CACHE_LIMIT is cut to those the process used', () => {
    const dir = library();
    const first = use(dir);
    const used = cachedKeys(dir).map(String).sort();
    seedFunctionCache(dir, FUNCTION_CACHE_LIMIT);
    const second = use(dir);
    expect([second.status, second.stdout]).toEqual([first.status, first.stdout]);
    expect(cachedKeys(dir).map(String).sort()).toEqual(used);
  });

  it('a damaged code cache or function cache is ignored and written anew', () => {
    const dir = library();
    use(dir);
    writeFileSync(bundleCache(dir), Buffer.from('not a cache'));
    writeFileSync(functionCache(dir), Buffer.from([8, 0, 0, 0, 0x28, 0x28, 0x28]));
    const after = use(dir);
    expect(JSON.parse(after.stdout)).toEqual(EXPECTED());
    expect(statSync(bundleCache(dir)).size).toBeGreaterThan(100_000);
    expect(cachedKeys(dir).length).toBeGreaterThan(10);
  });
});
