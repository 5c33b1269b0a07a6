// The command line's start-time caches (src/cli/start.ts): the V8 code cache of its
// bundle and the cache of functions built from generated source (cpu/generated.ts).
// A run writes them; later runs take them (the functions are not compiled again) and
// behave exactly as without them; a function cache grown past its limit is cut to what a run
// used; a damaged cache is ignored and written anew.
import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleCache, cacheFiles, cachedKeys, distCopy, functionCache, LOOP_STATUS, seedFunctionCache, writeLoopImage } from './helpers/start-caches.js';
import { FUNCTION_CACHE_LIMIT } from '../src/startup/code-cache.js';

const CLI = ['start.cjs', 'cli.cjs'];
let dir = '', image = '';
beforeAll(() => {
  if (!existsSync('dist/start.cjs')) spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  dir = distCopy(CLI);
  image = writeLoopImage();
});

const run = () => spawnSync(process.execPath, [join(dir, 'start.cjs'), 'run', image, '--json'], { encoding: 'utf8' });

describe('the command line\'s start-time caches', () => {
  it('a run writes the code cache and the function cache; later runs take them and behave the same', () => {
    const first = run();
    expect(first.status, first.stderr).toBe(LOOP_STATUS);
    expect(cacheFiles(dir)).toHaveLength(2);
    expect(cachedKeys(dir).length).toBeGreaterThan(10);
    const written = statSync(functionCache(dir)).mtimeMs, bundleWritten = statSync(bundleCache(dir)).mtimeMs;
    const second = run();
    expect([second.status, second.stdout, second.stderr]).toEqual([first.status, first.stdout, first.stderr]);
    // Every function was taken from the cache: nothing new to save, the file stays as it was.
    expect(statSync(functionCache(dir)).mtimeMs).toBe(written);
    // V8 took the bundle's cache (one it rejects, e.g. made under other V8 flags than the run's, is written anew).
    expect(statSync(bundleCache(dir)).mtimeMs).toBe(bundleWritten);
  });

  it('a --trace run writes a code cache of the bundle without the fast loops (it compiles the debug loop); the next plain run writes it anew, later ones keep it', () => {
    const own = distCopy(CLI);
    const bundleCacheFile = () => bundleCache(own);
    const runOwn = (...extra: string[]) => spawnSync(process.execPath, [join(own, 'start.cjs'), 'run', image, ...extra], { encoding: 'utf8' });
    const traced = runOwn('--trace');
    expect(traced.status, traced.stderr).toBe(LOOP_STATUS);
    // Its first byte: 1 if the process that made it ran the fast loops (src/startup/code-cache.ts).
    expect(readFileSync(bundleCacheFile())[0]).toBe(0);
    const plain = runOwn();
    expect(plain.status, plain.stderr).toBe(traced.status);
    expect(readFileSync(bundleCacheFile())[0]).toBe(1);
    const written = statSync(bundleCacheFile()).mtimeMs;
    expect(runOwn('--trace').status).toBe(traced.status);
    expect(runOwn().status).toBe(traced.status);
    expect(statSync(bundleCacheFile()).mtimeMs).toBe(written);
  });

  it('a function cache of more factories than FUNCTION_CACHE_LIMIT is cut to those a run used; one within it keeps the others', () => {
    const own = distCopy(CLI);
    const runOwn = () => spawnSync(process.execPath, [join(own, 'start.cjs'), 'run', image, '--json'], { encoding: 'utf8' });
    const first = runOwn();
    const used = cachedKeys(own).map(String).sort();
    const few = seedFunctionCache(own, 20);
    const second = runOwn();
    expect([second.status, second.stdout]).toEqual([first.status, first.stdout]);
    expect(cachedKeys(own).map(String).sort()).toEqual([...used, ...few].sort());
    seedFunctionCache(own, FUNCTION_CACHE_LIMIT);
    const third = runOwn();
    expect([third.status, third.stdout]).toEqual([first.status, first.stdout]);
    expect(cachedKeys(own).map(String).sort()).toEqual(used);
  });

  it('a damaged function cache is ignored and written anew', () => {
    const before = run();
    writeFileSync(functionCache(dir), Buffer.from([8, 0, 0, 0, 0x28, 0x28, 0x28]));
    const after = run();
    expect([after.status, after.stdout, after.stderr]).toEqual([before.status, before.stdout, before.stderr]);
    expect(cachedKeys(dir).length).toBeGreaterThan(10);
  });
});
