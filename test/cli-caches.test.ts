// The command line's start-time caches (src/cli/start.ts): the V8 code cache of its
// bundle and the cache of functions built from generated source (cpu/generated.ts).
// A run writes them; later runs take them (the functions are not compiled again) and
// behave exactly as without them; a damaged cache is ignored and written anew.
import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeImage } from './helpers/elf-writer.js';

// mov ecx,1000; mov eax,1; l: imul eax,eax,3; add eax,ecx; shl eax,1; dec ecx; jnz l;
// and eax,0x7f; out 0xf4,eax (debug-exit: status (v << 1) | 1); hlt
const LOOP = [0xb9, 0xe8, 0x03, 0, 0, 0xb8, 1, 0, 0, 0, 0x6b, 0xc0, 0x03, 0x01, 0xc8, 0xd1, 0xe0, 0xff, 0xc9, 0x75, 0xf5,
  0x83, 0xe0, 0x7f, 0xe7, 0xf4, 0xf4];

let dir = '', image = '';
beforeAll(() => {
  if (!existsSync('dist/start.cjs')) spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  // A copy of the command line, so that its caches start empty and are this test's own.
  dir = mkdtempSync(join(tmpdir(), 'ringzero-cli-caches-'));
  for (const f of ['start.cjs', 'cli.cjs']) copyFileSync(join('dist', f), join(dir, f));
  image = join(dir, 'loop.elf');
  writeFileSync(image, codeImage(LOOP));
});

const run = () => spawnSync(process.execPath, [join(dir, 'start.cjs'), 'run', image, '--json'], { encoding: 'utf8' });
const cacheFiles = () => readdirSync(dir).filter((f) => f.endsWith('.v8cache')).sort();
const functionCache = () => join(dir, cacheFiles().find((f) => f.endsWith('.fn.v8cache'))!);
const bundleCache = () => join(dir, cacheFiles().find((f) => !f.endsWith('.fn.v8cache'))!);
/** The factories in the function cache (its source is an array of them). */
const cachedKeys = () => {
  const file = readFileSync(functionCache()), n = file.readUInt32LE(0);
  return new Function(`return ${file.toString('utf8', 4, 4 + n)};`)() as unknown[];
};

describe('the command line\'s start-time caches', () => {
  it('a run writes the code cache and the function cache; later runs take them and behave the same', () => {
    const first = run();
    expect(first.status, first.stderr).toBe(((LOOP_RESULT & 0x7f) << 1 | 1) & 0xff);
    expect(cacheFiles()).toHaveLength(2);
    expect(cachedKeys().length).toBeGreaterThan(10);
    const written = statSync(functionCache()).mtimeMs, bundleWritten = statSync(bundleCache()).mtimeMs;
    const second = run();
    expect([second.status, second.stdout, second.stderr]).toEqual([first.status, first.stdout, first.stderr]);
    // Every function was taken from the cache: nothing new to save, the file stays as it was.
    expect(statSync(functionCache()).mtimeMs).toBe(written);
    // V8 took the bundle's cache (one it rejects, e.g. made under other V8 flags than the run's, is written anew).
    expect(statSync(bundleCache()).mtimeMs).toBe(bundleWritten);
  });

  it('a --trace run writes a code cache of the bundle without the fast loops (it compiles the debug loop); the next plain run writes it anew, later ones keep it', () => {
    const own = mkdtempSync(join(tmpdir(), 'ringzero-cli-caches-trace-'));
    for (const f of ['start.cjs', 'cli.cjs']) copyFileSync(join('dist', f), join(own, f));
    const bundleCacheFile = () => join(own, readdirSync(own).find((f) => f.endsWith('.v8cache') && !f.endsWith('.fn.v8cache'))!);
    const runOwn = (...extra: string[]) => spawnSync(process.execPath, [join(own, 'start.cjs'), 'run', image, ...extra], { encoding: 'utf8' });
    const traced = runOwn('--trace');
    expect(traced.status, traced.stderr).toBe(((LOOP_RESULT & 0x7f) << 1 | 1) & 0xff);
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

  it('a damaged function cache is ignored and written anew', () => {
    const before = run();
    writeFileSync(functionCache(), Buffer.from([8, 0, 0, 0, 0x28, 0x28, 0x28]));
    const after = run();
    expect([after.status, after.stdout, after.stderr]).toEqual([before.status, before.stdout, before.stderr]);
    expect(cachedKeys().length).toBeGreaterThan(10);
  });
});

/** What the loop computes, as the guest does (32-bit wrap-around). */
const LOOP_RESULT = (() => {
  let eax = 1;
  for (let ecx = 1000; ecx > 0; ecx--) eax = ((Math.imul(eax, 3) + ecx) << 1) | 0;
  return eax;
})();
