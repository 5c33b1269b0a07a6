// SSE2 lane rearrangement and shifts (SDM Vol. 2 entries): PSHUFD/PSHUFHW/PSHUFLW,
// SHUFPS/SHUFPD, PSLL/PSRL/PSRA by a count in an XMM register, PSLLD/PSRLD/PSRAD
// by an immediate, PSLLDQ/PSRLDQ. (The interleaves, packs and the word and qword
// shifts by an immediate are mixes: vector-source.ts.) Kernels work on slots of the vector register file
// (d: destination, s: source); a result that reads lanes it overwrites is
// built in XMM_TMP2 first.
import type { VectorRegisters } from '../vector-registers.js';
import { XMM_TMP2 } from '../vector-registers.js';
import { buildFunction } from '../generated.js';
import { DWORD_SHIFT_LANES, dwordLanesSource } from './vector-source.js';

/** A kernel: slot d = op(slot d, slot s, imm8). */
export type VecFn = (x: VectorRegisters, d: number, s: number, imm: number) => void;

function commit(x: VectorRegisters, d: number): void {
  const t = XMM_TMP2 * 8, a = d * 8, v = x.i32;
  v[a] = v[t]!; v[a + 1] = v[t + 1]!; v[a + 2] = v[t + 2]!; v[a + 3] = v[t + 3]!;
}

export const pshufd: VecFn = (x, d, s, imm) => {
  const v = x.i32, t = XMM_TMP2 * 8;
  for (let k = 0; k < 4; k++) v[t + k] = v[s * 8 + ((imm >> (2 * k)) & 3)]!;
  commit(x, d);
};
/** PSHUFHW (high = true) / PSHUFLW: shuffle the words of one half of s, copy the other half. */
export const pshufw = (high: boolean): VecFn => (x, d, s, imm) => {
  const w = x.u16, t = XMM_TMP2 * 16, base = high ? 4 : 0, keep = high ? 0 : 4;
  for (let k = 0; k < 4; k++) {
    w[t + base + k] = w[s * 16 + base + ((imm >> (2 * k)) & 3)]!;
    w[t + keep + k] = w[s * 16 + keep + k]!;
  }
  commit(x, d);
};
export const shufps: VecFn = (x, d, s, imm) => {
  const v = x.i32, t = XMM_TMP2 * 8;
  v[t] = v[d * 8 + (imm & 3)]!; v[t + 1] = v[d * 8 + ((imm >> 2) & 3)]!;
  v[t + 2] = v[s * 8 + ((imm >> 4) & 3)]!; v[t + 3] = v[s * 8 + ((imm >> 6) & 3)]!;
  commit(x, d);
};
export const shufpd: VecFn = (x, d, s, imm) => {
  const v = x.i32, t = XMM_TMP2 * 8, a = d * 8 + (imm & 1) * 2, b = s * 8 + ((imm >> 1) & 1) * 2;
  v[t] = v[a]!; v[t + 1] = v[a + 1]!; v[t + 2] = v[b]!; v[t + 3] = v[b + 1]!;
  commit(x, d);
};

// ---- shifts: kind 0 left, 1 logical right, 2 arithmetic right; a count above the lane width
// gives zero (the sign for arithmetic shifts), SDM PSLLW/PSRLW/PSRAW "IF (COUNT > 15)".

/** PSLLD, PSRLD, PSRAD by kind (0, 1, 2) and count n, built from their lanes' source (vector-source.ts). */
const DWORD_SHIFTS: readonly ((x: VectorRegisters, d: number, s: number, n: number) => void)[] = DWORD_SHIFT_LANES.map((lane) =>
  buildFunction('dwordShift', ['x', 'd', 's', 'n'], `const v = x.i32; ${dwordLanesSource(lane, 'v', 'd', 's')}`));

function shiftLanes(x: VectorRegisters, d: number, size: number, kind: number, count: number): void {
  const bits = size * 8;
  if (size === 2) {
    const w = x.i16, a = d * 16;
    for (let k = 0; k < 8; k++) {
      const v = w[a + k]!;
      w[a + k] = kind === 2 ? v >> (count > 15 ? 15 : count) : count > 15 ? 0 : kind === 0 ? v << count : (v & 0xffff) >>> count;
    }
  } else if (size === 4) {
    DWORD_SHIFTS[kind]!(x, d, d, count);
  } else {
    const v = x.i32, a = d * 8;
    for (let k = 0; k < 4; k += 2) {
      const lo = v[a + k]!, hi = v[a + k + 1]!;
      if (count >= bits) { v[a + k] = 0; v[a + k + 1] = 0; }
      else if (count === 0) continue;
      else if (kind === 0) {
        if (count >= 32) { v[a + k + 1] = lo << (count - 32); v[a + k] = 0; }
        else { v[a + k + 1] = (hi << count) | (lo >>> (32 - count)); v[a + k] = lo << count; }
      } else if (count >= 32) { v[a + k] = hi >>> (count - 32); v[a + k + 1] = 0; }
      else { v[a + k] = (lo >>> count) | (hi << (32 - count)); v[a + k + 1] = hi >>> count; }
    }
  }
}

/** The count of a shift by register or m128: the low qword, saturated to 255 (anything above 63 shifts everything out). */
function countOf(x: VectorRegisters, s: number): number {
  const lo = x.u32[s * 8]!, hi = x.u32[s * 8 + 1]!;
  return hi !== 0 || lo > 255 ? 255 : lo;
}

export const shiftBy = (size: number, kind: number): VecFn => (x, d, s) => shiftLanes(x, d, size, kind, countOf(x, s));
export const shiftImm = (size: number, kind: number): VecFn => (x, d, _s, imm) => shiftLanes(x, d, size, kind, imm & 0xff);

/** PSLLDQ (left = true) / PSRLDQ: bytes by imm8 (above 15: all zero). */
export const shiftBytes = (left: boolean): VecFn => (x, d, _s, imm) => {
  const u = x.u8, t = XMM_TMP2 * 32, n = imm & 0xff;
  for (let k = 0; k < 16; k++) {
    const from = left ? k - n : k + n;
    u[t + k] = from >= 0 && from < 16 ? u[d * 32 + from]! : 0;
  }
  commit(x, d);
};

/** MOVSLDUP (odd = false) / MOVSHDUP: the even (odd) dwords of s, each twice. */
export const dupDwords = (odd: boolean): VecFn => (x, d, s) => {
  const v = x.i32, t = XMM_TMP2 * 8, o = odd ? 1 : 0;
  v[t] = v[s * 8 + o]!; v[t + 1] = v[s * 8 + o]!; v[t + 2] = v[s * 8 + 2 + o]!; v[t + 3] = v[s * 8 + 2 + o]!;
  commit(x, d);
};
/** MOVDDUP: the low qword of s, twice. */
export const movddup: VecFn = (x, d, s) => {
  const v = x.i32, lo = v[s * 8]!, hi = v[s * 8 + 1]!;
  v[d * 8] = lo; v[d * 8 + 1] = hi; v[d * 8 + 2] = lo; v[d * 8 + 3] = hi;
};
