// Packed integer operations as source text (SDM Vol. 2 PAND, PANDN, POR,
// PXOR, PADDD, PSUBD, PCMPEQD, PCMPGTD, PMULLD, PMINSD, PMAXSD, PSLLD, PSRLD,
// PSRAD, the 16-byte register moves, and the mixes below: interleaves, packs,
// word and qword shifts): the one definition of their lanes. sse-int.ts and
// sse-shuffle.ts build the interpreter's kernels from it; the compiled tier
// inlines it into regions for register operands.
//
// A lane's source is an int32 expression of `a` (the destination's lane) and
// `b` (the source's lane); a shift's of `a` and the count `n`.
import type { VecOp } from '../../isa/vector-ops.js';

/** The dword-lane operations by vecInt name. */
export const DWORD_LANES: { readonly [K in VecOp]?: string } = {
  pand: 'a & b', pandn: '~a & b', por: 'a | b', pxor: 'a ^ b',
  paddd: '(a + b) | 0', psubd: '(a - b) | 0',
  pcmpeqd: '(a === b ? -1 : 0)', pcmpgtd: '(a > b ? -1 : 0)',
  pmulld: 'Math.imul(a, b)', pminsd: 'Math.min(a, b)', pmaxsd: 'Math.max(a, b)',
};

/** A 16-byte register move (MOVAPS, MOVDQA, … between registers): every lane from the source. */
export const MOVE_LANES = 'b';

/** The dword shifts by kind (0 left, 1 logical right, 2 arithmetic right): counts above 31 shift everything out (the sign, for 2). */
export const DWORD_SHIFT_LANES: readonly string[] = ['(n > 31 ? 0 : a << n)', '(n > 31 ? 0 : a >>> n)', 'a >> (n > 31 ? 31 : n)'];

/**
 * Statements applying `lane` to the four dwords of register slots d and s
 * (source expressions) of the Int32Array `x`; `n` (a shift's count) must be
 * in scope. Each lane reads both operands before it writes, so d = s works.
 */
export function dwordLanesSource(lane: string, x: string, d: string, s: string): string {
  const out: string[] = [];
  for (let k = 0; k < 4; k++) {
    out.push(`{ const a = ${x}[${d} * 8 + ${k}], b = ${x}[${s} * 8 + ${k}]; ${x}[${d} * 8 + ${k}] = ${lane}; }`);
  }
  return out.join(' ');
}

// ---- mixes: operations whose result dwords each draw on several source dwords (SDM PUNPCK*,
// PACKSS*/PACKUS*, PSLLW/PSRLW/PSRAW and PSLLQ/PSRLQ by imm8). Result dword k is an int32
// expression of the destination's dwords a0..a3, the source's b0..b3 and a shift's count n (0..255).

/** Interleave the elements of `size` bytes of the low (high = false) or high qwords, the destination's first. */
function interleave(size: number, high: boolean): string[] {
  const [p, q, r, s] = high ? ['a2', 'a3', 'b2', 'b3'] : ['a0', 'a1', 'b0', 'b1'];
  if (size === 8) return [p, q, r, s];
  if (size === 4) return [p, r, q, s];
  // Two dwords from dword x of one and y of the other: their low halves, then their high halves.
  const pair = size === 2
    ? (x: string, y: string) => [`(${x} & 0xffff) | (${y} << 16)`, `(${x} >>> 16) | (${y} & -65536)`]
    : (x: string, y: string) => [
      `(${x} & 0xff) | ((${y} & 0xff) << 8) | ((${x} & 0xff00) << 8) | ((${y} & 0xff00) << 16)`,
      `((${x} >>> 16) & 0xff) | ((${y} >>> 8) & 0xff00) | ((${x} >>> 8) & 0xff0000) | (${y} & -16777216)`];
  return [...pair(p, r), ...pair(q, s)];
}

const saturate = (v: string, lo: number, hi: number) => `Math.min(Math.max(${v}, ${lo}), ${hi})`;

/** Signed words to bytes saturated to lo..hi (PACKSSWB, PACKUSWB), or signed dwords to words (PACKSSDW, PACKUSDW). */
function packed(fromWords: boolean, lo: number, hi: number): string[] {
  const dword = fromWords
    ? (x: string, y: string) => [`((${x} << 16) >> 16)`, `(${x} >> 16)`, `((${y} << 16) >> 16)`, `(${y} >> 16)`]
      .map((w, k) => `((${saturate(w, lo, hi)} & 0xff) << ${8 * k})`).join(' | ')
    : (x: string, y: string) => `(${saturate(x, lo, hi)} & 0xffff) | (${saturate(y, lo, hi)} << 16)`;
  return [dword('a0', 'a1'), dword('a2', 'a3'), dword('b0', 'b1'), dword('b2', 'b3')];
}

/** The same word shift (kind 0 left, 1 logical right, 2 arithmetic right) on both words of each dword. */
function wordShift(kind: number): string[] {
  const lane = [
    (a: string) => `n > 15 ? 0 : (${a} << n) & (((0xffff << n) & 0xffff) * 0x10001)`,
    (a: string) => `n > 15 ? 0 : (${a} >>> n) & ((0xffff >>> n) * 0x10001)`,
    (a: string) => `((${a} >> (n > 15 ? 15 : n)) & -65536) | ((((${a} << 16) >> 16) >> (n > 15 ? 15 : n)) & 0xffff)`,
  ][kind]!;
  return ['a0', 'a1', 'a2', 'a3'].map(lane);
}

/** The qword shifts left (PSLLQ) or logically right (PSRLQ) on the dword pairs (a0, a1) and (a2, a3). */
function qwordShift(left: boolean): string[] {
  const pair = left
    ? (lo: string, hi: string) => [`n > 31 ? 0 : ${lo} << n`,
      `n > 63 ? 0 : n > 31 ? ${lo} << (n - 32) : n === 0 ? ${hi} : (${hi} << n) | (${lo} >>> (32 - n))`]
    : (lo: string, hi: string) => [`n > 63 ? 0 : n > 31 ? ${hi} >>> (n - 32) : n === 0 ? ${lo} : (${lo} >>> n) | (${hi} << (32 - n))`,
      `n > 31 ? 0 : ${hi} >>> n`];
  return [...pair('a0', 'a1'), ...pair('a2', 'a3')];
}

/** The mixes by vecInt name: four result expressions each. */
export const DWORD_MIXES: { readonly [K in VecOp]?: readonly string[] } = {
  punpcklbw: interleave(1, false), punpcklwd: interleave(2, false), punpckldq: interleave(4, false), punpcklqdq: interleave(8, false),
  punpckhbw: interleave(1, true), punpckhwd: interleave(2, true), punpckhdq: interleave(4, true), punpckhqdq: interleave(8, true),
  packsswb: packed(true, -128, 127), packuswb: packed(true, 0, 255), packssdw: packed(false, -32768, 32767), packusdw: packed(false, 0, 65535),
  psllwi: wordShift(0), psrlwi: wordShift(1), psrawi: wordShift(2), psllqi: qwordShift(true), psrlqi: qwordShift(false),
};

/**
 * Statements applying a mix to register slots d and s (source expressions) of
 * the Int32Array `x`: every source dword is read before any is written, so d = s works.
 */
export function dwordMixSource(mix: readonly string[], x: string, d: string, s: string): string {
  const reads = [0, 1, 2, 3].flatMap((k) => [`a${k} = ${x}[${d} * 8 + ${k}]`, `b${k} = ${x}[${s} * 8 + ${k}]`]);
  return `{ const ${reads.join(', ')}; ${mix.map((m, k) => `${x}[${d} * 8 + ${k}] = ${m};`).join(' ')} }`;
}
