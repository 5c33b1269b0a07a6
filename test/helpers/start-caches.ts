// What the tests of the start-time caches share (cli-caches.test.ts: the command line's;
// library-caches.test.ts: the library's; src/startup/code-cache.ts writes both): a guest
// image of a short loop and what it computes, and the cache files in a copy of dist/.
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeImage } from './elf-writer.js';
import { functionCacheContents } from '../../src/startup/code-cache.js';

// mov ecx,1000; mov eax,1; l: imul eax,eax,3; add eax,ecx; shl eax,1; dec ecx; jnz l;
// and eax,0x7f; out 0xf4,eax (debug-exit: status (v << 1) | 1); hlt
const LOOP = [0xb9, 0xe8, 0x03, 0, 0, 0xb8, 1, 0, 0, 0, 0x6b, 0xc0, 0x03, 0x01, 0xc8, 0xd1, 0xe0, 0xff, 0xc9, 0x75, 0xf5,
  0x83, 0xe0, 0x7f, 0xe7, 0xf4, 0xf4];
/** The loop's instructions: the two MOVs, 1000 rounds of five, AND and OUT. */
export const LOOP_INSTRUCTIONS = 2 + 5 * 1000 + 2;

/** What the loop leaves in EAX, computed as the guest does (32-bit wrap-around). */
const LOOP_RESULT = (() => {
  let eax = 1;
  for (let ecx = 1000; ecx > 0; ecx--) eax = ((Math.imul(eax, 3) + ecx) << 1) | 0;
  return eax;
})();
/** The debug-exit code of the loop's OUT (guest-abi: (value << 1) | 1), and the 8-bit exit status a process gets from it. */
export const LOOP_EXIT_CODE = ((LOOP_RESULT & 0x7f) << 1) | 1;
export const LOOP_STATUS = LOOP_EXIT_CODE & 0xff;

/** Writes the loop's image into a new temporary directory; returns its path. */
export function writeLoopImage(): string {
  const image = join(mkdtempSync(join(tmpdir(), 'ringzero-caches-image-')), 'loop.elf');
  writeFileSync(image, codeImage(LOOP));
  return image;
}

/** A new temporary directory holding a copy of these files of dist/: caches there start empty and are the caller's own. */
export function distCopy(files: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'ringzero-caches-'));
  for (const f of files) copyFileSync(join('dist', f), join(dir, f));
  return dir;
}

/** The cache files in `dir`, sorted. */
export const cacheFiles = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.v8cache')).sort();
/** The function cache (factories built from generated source) and the bundle's code cache in `dir`. */
export const functionCache = (dir: string): string => join(dir, cacheFiles(dir).find((f) => f.endsWith('.fn.v8cache'))!);
export const bundleCache = (dir: string): string => join(dir, cacheFiles(dir).find((f) => !f.endsWith('.fn.v8cache'))!);
/** The factories in the function cache (its source is an array of them). */
export function cachedKeys(dir: string): unknown[] {
  const file = readFileSync(functionCache(dir)), n = file.readUInt32LE(0);
  return new Function(`return ${file.toString('utf8', 4, 4 + n)};`)() as unknown[];
}

/**
 * Rewrites the function cache in `dir` with `count` made-up factories after the ones it holds (the
 * factories of other kinds of guest, as a cache shared by many runs gathers); returns their keys.
 */
export function seedFunctionCache(dir: string, count: number): string[] {
  const made = Array.from({ length: count }, (_, k) => `function (K) {"use strict";\nreturn (function seeded_${k}(c) {\nreturn K + ${k};\n});}`);
  const file = functionCache(dir);
  writeFileSync(file, Buffer.concat(functionCacheContents([...cachedKeys(dir).map(String), ...made], file)));
  return made;
}
