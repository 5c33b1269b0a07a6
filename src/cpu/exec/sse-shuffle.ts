// SSE2 lane rearrangement and shifts (SDM Vol. 2 entries): PSHUFD/PSHUFHW/PSHUFLW,
// SHUFPS/SHUFPD, PSLLD/PSRLD/PSRAD by an immediate, any shift by a count in an
// XMM register (the by-immediate kernel), PSLLDQ/PSRLDQ. (The interleaves, packs
// and the word and qword shifts by an immediate are mixes: vector-source.ts.)
// Kernels work on slots of the vector register file
// (d: destination, s: source); a result that reads lanes it overwrites is
// built in XMM_TMP2 first.
import type { VectorRegisters } from '../vector-registers.js';
import { XMM_TMP2 } from '../vector-registers.js';
import { buildFunction } from '../generated.js';
import { DWORD_SHIFT_LANES, dwordLanesSource } from './vector-source.js';

/** A kernel: slot d = op(slot d, slot s, imm8). */
export type VecFn = (x: VectorRegisters, d: number, s: number, imm: number) => void;

/** Copies the scratch slot XMM_TMP2, where a kernel built its result, to slot d. */
export function commit(x: VectorRegisters, d: number): void {
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

/** PSLLD, PSRLD, PSRAD (kind 0, 1, 2) by an imm8 count, built from their lanes' source (vector-source.ts). */
export const dwordShiftImm = (kind: number): VecFn =>
  buildFunction('dwordShift', ['x', 'd', 's', 'imm'], `const v = x.i32, n = imm & 0xff; ${dwordLanesSource(DWORD_SHIFT_LANES[kind]!, 'v', 'd', 's')}`);

/**
 * A shift by the count in an XMM register or m128 (PSLLW … PSRAD with a W
 * operand): the by-immediate kernel with the low qword of slot s, saturated to
 * 255 (anything above 63 shifts everything out), as its count.
 */
export const byCount = (byImm: VecFn): VecFn => (x, d, s) => {
  const lo = x.u32[s * 8]!, hi = x.u32[s * 8 + 1]!;
  byImm(x, d, d, hi !== 0 || lo > 255 ? 255 : lo);
};

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
