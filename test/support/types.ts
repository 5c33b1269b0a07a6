// Shared constants and shapes for the native/emulator differential harness.
// The runSnippet types come from src/testing/snippet.ts (the contract itself).
import type { SnippetInput, SnippetOutput } from '../../src/testing/snippet.js';

export const CODE_ADDR = 0x10000000n;
export const DATA_ADDR = 0x20000000n;
export const DATA_SIZE = 0x2000;
export const STACK_ADDR = 0x30000000n;
export const STACK_SIZE = 0x2000;

export const REG_NAMES = [
  'rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi',
  'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15',
] as const;
export type RegName = (typeof REG_NAMES)[number];
export const REG_INDEX: Record<RegName, number> = Object.fromEntries(REG_NAMES.map((r, i) => [r, i])) as Record<
  RegName,
  number
>;

export const FLAG = {
  CF: 0x1n,
  PF: 0x4n,
  AF: 0x10n,
  ZF: 0x40n,
  SF: 0x80n,
  TF: 0x100n,
  IF: 0x200n,
  DF: 0x400n,
  OF: 0x800n,
  NT: 0x4000n,
  RF: 0x10000n,
  AC: 0x40000n,
  ID: 0x200000n,
} as const;
export const ARITH_FLAGS = FLAG.CF | FLAG.PF | FLAG.AF | FLAG.ZF | FLAG.SF | FLAG.OF;

export interface Patch {
  off: number;
  bytes: Uint8Array;
}

/**
 * The runSnippet contract (src/testing/snippet.ts). Another implementation can
 * be plugged in with RINGZERO_SNIPPET_MODULE; the emulator-only output fields are optional.
 */
export type SnippetLikeInput = SnippetInput;
export type SnippetLikeOutput = Omit<SnippetOutput, 'undefinedFlags' | 'instructions' | 'message' | 'xmm' | 'mxcsr'> &
  Partial<Pick<SnippetOutput, 'undefinedFlags' | 'instructions' | 'xmm' | 'mxcsr'>>;

export function applyPatches(base: Uint8Array, patches: readonly Patch[]): Uint8Array {
  const out = new Uint8Array(base);
  for (const p of patches) out.set(p.bytes, p.off);
  return out;
}

export function applyPatchesInPlace(buf: Uint8Array, patches: readonly Patch[]): void {
  for (const p of patches) buf.set(p.bytes, p.off);
}

/** Ranges where b differs from a (gaps shorter than 8 bytes are merged). */
export function diffPatches(a: Uint8Array, b: Uint8Array): Patch[] {
  const out: Patch[] = [];
  const n = a.length;
  let i = 0;
  while (i < n) {
    if (a[i] === b[i]) {
      i++;
      continue;
    }
    const start = i;
    let end = i + 1;
    i++;
    while (i < n) {
      if (a[i] !== b[i]) {
        end = ++i;
        continue;
      }
      if (i - end >= 8) break;
      i++;
    }
    out.push({ off: start, bytes: b.slice(start, end) });
  }
  return out;
}

/**
 * a[i] for an index that must be in range (noUncheckedIndexedAccess): throws a
 * RangeError instead of yielding undefined.
 */
export function at<T>(a: ArrayLike<T>, i: number): T {
  const v = a[i];
  if (v === undefined) throw new RangeError(`index ${i} out of range (length ${a.length})`);
  return v;
}

export const hex = (v: bigint | number, width = 0): string => {
  const s = BigInt.asUintN(64, BigInt(v)).toString(16);
  return '0x' + (width ? s.padStart(width, '0') : s);
};

export function flagNames(f: bigint): string {
  const names: string[] = [];
  for (const [k, v] of Object.entries(FLAG)) if (f & v) names.push(k);
  return names.join(' ') || '-';
}
