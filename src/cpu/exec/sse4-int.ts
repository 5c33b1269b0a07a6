// SSSE3 and SSE4.1 packed integer kernels (SDM Vol. 2 entries): PSHUFB,
// PHADD*/PHSUB*, PMADDUBSW, PSIGN*, PMULHRSW, PABS*, PALIGNR; the blends
// (PBLENDVB, BLENDVPS, BLENDVPD read the mask in XMM0, slot 0), PMOVSX*/PMOVZX*,
// PMULDQ, PMULLD, PCMPEQQ, PCMPGTQ (SSE4.2), PACKUSDW, PMIN*/PMAX* of the new
// lane types, PHMINPOSUW, MPSADBW. Slots as in sse-shuffle.ts.
import { XMM_TMP2 } from '../vector-registers.js';
import { commit, type VecFn } from './sse-shuffle.js';

const TB = XMM_TMP2 * 32, TW = XMM_TMP2 * 16, TD = XMM_TMP2 * 8;
const sat16 = (v: number) => (v < -32768 ? -32768 : v > 32767 ? 32767 : v);

export const pshufb: VecFn = (x, d, s) => {
  const u = x.u8;
  for (let k = 0; k < 16; k++) { const m = u[s * 32 + k]!; u[TB + k] = m & 0x80 ? 0 : u[d * 32 + (m & 15)]!; }
  commit(x, d);
};

/** PHADDW/PHSUBW (saturating: PHADDSW/PHSUBSW): pairs of d, then pairs of s. */
export const hWords = (sub: boolean, saturate: boolean): VecFn => (x, d, s) => {
  const w = x.i16;
  for (let k = 0; k < 8; k++) {
    const src = k < 4 ? d * 16 : s * 16, j = (k & 3) * 2;
    const r = sub ? w[src + j]! - w[src + j + 1]! : w[src + j]! + w[src + j + 1]!;
    w[TW + k] = saturate ? sat16(r) : r;
  }
  commit(x, d);
};
export const hDwords = (sub: boolean): VecFn => (x, d, s) => {
  const v = x.i32;
  for (let k = 0; k < 4; k++) {
    const src = k < 2 ? d * 8 : s * 8, j = (k & 1) * 2;
    v[TD + k] = sub ? (v[src + j]! - v[src + j + 1]!) | 0 : (v[src + j]! + v[src + j + 1]!) | 0;
  }
  commit(x, d);
};

/** PMADDUBSW: unsigned bytes of d times signed bytes of s, adjacent products added with signed saturation. */
export const pmaddubsw: VecFn = (x, d, s) => {
  const u = x.u8, i8 = x.i8, w = x.i16;
  for (let k = 0; k < 8; k++) {
    w[TW + k] = sat16(u[d * 32 + 2 * k]! * i8[s * 32 + 2 * k]! + u[d * 32 + 2 * k + 1]! * i8[s * 32 + 2 * k + 1]!);
  }
  commit(x, d);
};

/** PSIGNB/W/D: d negated where s < 0, zeroed where s = 0. */
export const psign = (size: number): VecFn => (x, d, s) => {
  const v = size === 1 ? x.i8 : size === 2 ? x.i16 : x.i32, n = 16 / size, a = d * (32 / size), b = s * (32 / size);
  for (let k = 0; k < n; k++) { const m = v[b + k]!; v[a + k] = m < 0 ? -v[a + k]! : m === 0 ? 0 : v[a + k]!; }
};

export const pmulhrsw: VecFn = (x, d, s) => {
  const w = x.i16;
  for (let k = 0; k < 8; k++) w[d * 16 + k] = (((w[d * 16 + k]! * w[s * 16 + k]!) >> 14) + 1) >> 1;
};

/** PABSB/W/D: |s| (the most negative value stays, read as unsigned). */
export const pabs = (size: number): VecFn => (x, d, s) => {
  const v = size === 1 ? x.i8 : size === 2 ? x.i16 : x.i32, n = 16 / size, a = d * (32 / size), b = s * (32 / size);
  for (let k = 0; k < n; k++) v[a + k] = Math.abs(v[b + k]!);
};

/** PALIGNR: bytes imm8.. of the 32-byte d:s (d high), zeros beyond. */
export const palignr: VecFn = (x, d, s, imm) => {
  const u = x.u8;
  for (let k = 0; k < 16; k++) { const j = k + imm; u[TB + k] = j < 16 ? u[s * 32 + j]! : j < 32 ? u[d * 32 + j - 16]! : 0; }
  commit(x, d);
};

/** Variable blends: s where the sign bit of the mask lane in XMM0 is set. */
export const blendv = (size: number): VecFn => (x, d, s) => {
  const u = x.u8;
  for (let k = 0; k < 16; k += size) {
    if (!(u[k + size - 1]! & 0x80)) continue;
    for (let b = 0; b < size; b++) u[d * 32 + k + b] = u[s * 32 + k + b]!;
  }
};
/** Immediate blends: s where bit k of imm8 is set. */
export const blendImm = (size: number): VecFn => (x, d, s, imm) => {
  const u = x.u8;
  for (let k = 0; k < 16 / size; k++) {
    if (!((imm >> k) & 1)) continue;
    for (let b = 0; b < size; b++) u[d * 32 + k * size + b] = u[s * 32 + k * size + b]!;
  }
};

/** PMOVSX/PMOVZX: the low lanes of s (`from` bytes each) widened to `to` bytes. */
export const pmovx = (from: number, to: number, signed: boolean): VecFn => (x, d, s) => {
  const u = x.u8;
  for (let k = 0; k < 16 / to; k++) {
    const top = u[s * 32 + k * from + from - 1]!;
    const fill = signed && top & 0x80 ? 0xff : 0;
    for (let b = 0; b < to; b++) u[TB + k * to + b] = b < from ? u[s * 32 + k * from + b]! : fill;
  }
  commit(x, d);
};

/** PMULDQ: the signed product of dwords 0 and 2, as qwords. */
export const pmuldq: VecFn = (x, d, s) => {
  const v = x.i32;
  for (let k = 0; k < 4; k += 2) {
    const a = v[d * 8 + k]!, b = v[s * 8 + k]!, p = a >>> 0, q = b >>> 0;
    const pl = p & 0xffff, ph = p >>> 16, ql = q & 0xffff, qh = q >>> 16;
    const ll = pl * ql, lh = pl * qh, hl = ph * ql;
    const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
    let hi = ph * qh + (lh >>> 16) + (hl >>> 16) + (mid >>> 16);
    if (a < 0) hi -= q;
    if (b < 0) hi -= p;
    v[d * 8 + k] = ((mid & 0xffff) << 16) | (ll & 0xffff);
    v[d * 8 + k + 1] = hi | 0;
  }
};

/** PCMPEQQ (gt = false) / PCMPGTQ (signed). */
export const pcmpq = (gt: boolean): VecFn => (x, d, s) => {
  const v = x.i32;
  for (let k = 0; k < 4; k += 2) {
    const al = v[d * 8 + k]! >>> 0, ah = v[d * 8 + k + 1]!, bl = v[s * 8 + k]! >>> 0, bh = v[s * 8 + k + 1]!;
    const r = gt ? ah > bh || (ah === bh && al > bl) : ah === bh && al === bl;
    v[d * 8 + k] = r ? -1 : 0; v[d * 8 + k + 1] = r ? -1 : 0;
  }
};

/** Unsigned dword lanes (PMINUD/PMAXUD). */
export const udwords = (f: (a: number, b: number) => number): VecFn => (x, d, s) => {
  const v = x.u32;
  for (let k = 0; k < 4; k++) v[d * 8 + k] = f(v[d * 8 + k]!, v[s * 8 + k]!);
};

/** PHMINPOSUW: the minimum unsigned word of s and its (lowest) index; the rest zeroed. */
export const phminposuw: VecFn = (x, d, s) => {
  const w = x.u16;
  let min = w[s * 16]!, at = 0;
  for (let k = 1; k < 8; k++) if (w[s * 16 + k]! < min) { min = w[s * 16 + k]!; at = k; }
  const v = x.i32;
  v[d * 8] = min | (at << 16); v[d * 8 + 1] = 0; v[d * 8 + 2] = 0; v[d * 8 + 3] = 0;
};

/** MPSADBW: eight sums of absolute differences of 4-byte groups (SDM MPSADBW: imm8[2] picks d's offset, imm8[1:0] s's block). */
export const mpsadbw: VecFn = (x, d, s, imm) => {
  const u = x.u8, a = d * 32 + ((imm >> 2) & 1) * 4, b = s * 32 + (imm & 3) * 4;
  for (let k = 0; k < 8; k++) {
    let sum = 0;
    for (let j = 0; j < 4; j++) sum += Math.abs(u[a + k + j]! - u[b + j]!);
    x.u16[TW + k] = sum;
  }
  commit(x, d);
};
