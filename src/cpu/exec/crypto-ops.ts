// The cryptographic extensions' kernels (vecInt: V ← op(V, W[, imm8])), per
// the SDM Vol. 2 entries: PCLMULQDQ (carry-less multiply), AES-NI (AESENC,
// AESENCLAST, AESDEC, AESDECLAST, AESIMC, AESKEYGENASSIST; FIPS-197's round
// steps), SHA (SHA1RNDS4, SHA1NEXTE, SHA1MSG1/2, SHA256RNDS2 with its
// implicit XMM0, SHA256MSG1/2; FIPS 180-4's functions), GFNI (GF2P8MULB,
// GF2P8AFFINEQB, GF2P8AFFINEINVQB over x^8 + x^4 + x^3 + x + 1). Slots as in
// sse-shuffle.ts: d is the destination (and first source), s the second;
// every result is computed into the scratch slot XMM_TMP2 before d is written.
// Every export is a kernel named by its VecOp: sse-int.ts spreads the module.
import { XMM_TMP2 } from '../vector-registers.js';
import { commit, type VecFn } from './sse-shuffle.js';

/** The scratch slot's bytes and dwords. */
const TB = XMM_TMP2 * 32, TD = XMM_TMP2 * 8;

// ---- PCLMULQDQ

/** The carry-less product of the qwords imm8 bit 0 picks of d and bit 4 of s, 128 bits. */
export const pclmulqdq: VecFn = (x, d, s, imm) => {
  const v = x.i32;
  const a0 = v[d * 8 + (imm & 1 ? 2 : 0)]! >>> 0, a1 = v[d * 8 + (imm & 1 ? 3 : 1)]! >>> 0;
  const b0 = v[s * 8 + (imm & 0x10 ? 2 : 0)]! >>> 0, b1 = v[s * 8 + (imm & 0x10 ? 3 : 1)]! >>> 0;
  let r0 = 0, r1 = 0, r2 = 0, r3 = 0;
  for (let k = 0; k < 64; k++) {
    if (((k < 32 ? b0 >>> k : b1 >>> (k - 32)) & 1) === 0) continue;
    // a << k as four dwords (k < 64).
    const w = k >>> 5, sh = k & 31;
    const p0 = a0 << sh, p1 = sh ? (a1 << sh) | (a0 >>> (32 - sh)) : a1, p2 = sh ? a1 >>> (32 - sh) : 0;
    if (w === 0) { r0 ^= p0; r1 ^= p1; r2 ^= p2; } else { r1 ^= p0; r2 ^= p1; r3 ^= p2; }
  }
  v[TD] = r0; v[TD + 1] = r1; v[TD + 2] = r2; v[TD + 3] = r3;
  commit(x, d);
};

// ---- AES (FIPS-197 §5): the state is the register's 16 bytes, column c = bytes 4c..4c+3.

/** x * 2 in GF(2^8) with AES's polynomial 0x11B. */
const xtime = (b: number): number => ((b << 1) ^ (b & 0x80 ? 0x1b : 0)) & 0xff;
function gmul(a: number, b: number): number {
  let p = 0;
  for (; b; b >>= 1, a = xtime(a)) if (b & 1) p ^= a;
  return p;
}
/** The multiplicative inverse in GF(2^8) (0 for 0): a^254. */
function ginv(a: number): number {
  let r = 1;
  for (let e = 254, p = a; e; e >>= 1, p = gmul(p, p)) if (e & 1) r = gmul(r, p);
  return a === 0 ? 0 : r;
}
/** The field's inverses and AES's S-boxes, built at the first use (~7 ms of cold code: not at every start). */
interface FieldTables { readonly inverse: Uint8Array; readonly sbox: Uint8Array; readonly invSbox: Uint8Array }
let built: FieldTables | null = null;
function tables(): FieldTables {
  if (built !== null) return built;
  const inverse = Uint8Array.from({ length: 256 }, (_, a) => ginv(a));
  const sbox = new Uint8Array(256), invSbox = new Uint8Array(256);
  const rotl = (b: number, n: number) => ((b << n) | (b >>> (8 - n))) & 0xff;
  for (let a = 0; a < 256; a++) {
    // The affine transformation: b ^ rotl(b,1) ^ rotl(b,2) ^ rotl(b,3) ^ rotl(b,4) ^ 0x63.
    const q = inverse[a]!, s = q ^ rotl(q, 1) ^ rotl(q, 2) ^ rotl(q, 3) ^ rotl(q, 4) ^ 0x63;
    sbox[a] = s;
    invSbox[s] = a;
  }
  return (built = { inverse, sbox, invSbox });
}

/** ShiftRows (row r rotated left by r) or InvShiftRows, with SubBytes or InvSubBytes, of slot d into the scratch slot. */
function shiftSub(u: Uint8Array, d: number, inverse: boolean): void {
  const box = inverse ? tables().invSbox : tables().sbox;
  for (let c = 0; c < 4; c++) {
    for (let r = 0; r < 4; r++) {
      const from = inverse ? (c - r + 4) & 3 : (c + r) & 3;
      u[TB + 4 * c + r] = box[u[d * 32 + 4 * from + r]!]!;
    }
  }
}
const MIX = [2, 3, 1, 1], INV_MIX = [14, 11, 13, 9];
/** MixColumns (the circulant matrix of 2 3 1 1) or InvMixColumns (14 11 13 9) of the scratch slot, in place. */
function mixColumns(u: Uint8Array, inverse: boolean): void {
  const m = inverse ? INV_MIX : MIX;
  for (let c = TB; c < TB + 16; c += 4) {
    const a0 = u[c]!, a1 = u[c + 1]!, a2 = u[c + 2]!, a3 = u[c + 3]!;
    for (let r = 0; r < 4; r++) {
      u[c + r] = gmul(m[(4 - r) & 3]!, a0) ^ gmul(m[(5 - r) & 3]!, a1) ^ gmul(m[(6 - r) & 3]!, a2) ^ gmul(m[(7 - r) & 3]!, a3);
    }
  }
}
/** One AES round on d with round key s: (Inv)ShiftRows, (Inv)SubBytes, (Inv)MixColumns unless `last`, AddRoundKey. */
const aesRound = (inverse: boolean, last: boolean): VecFn => (x, d, s) => {
  const u = x.u8;
  shiftSub(u, d, inverse);
  if (!last) mixColumns(u, inverse);
  for (let k = 0; k < 16; k++) u[TB + k] = u[TB + k]! ^ u[s * 32 + k]!;
  commit(x, d);
};
export const aesenc = aesRound(false, false);
export const aesenclast = aesRound(false, true);
export const aesdec = aesRound(true, false);
export const aesdeclast = aesRound(true, true);

/** AESIMC: InvMixColumns of s (for the decryption key schedule). */
export const aesimc: VecFn = (x, d, s) => {
  const u = x.u8;
  for (let k = 0; k < 16; k++) u[TB + k] = u[s * 32 + k]!;
  mixColumns(u, true);
  commit(x, d);
};

function subWord(w: number): number {
  const box = tables().sbox;
  return box[w & 0xff]! | (box[(w >>> 8) & 0xff]! << 8) | (box[(w >>> 16) & 0xff]! << 16) | (box[w >>> 24]! << 24);
}
/** RotWord: [a0 a1 a2 a3] → [a1 a2 a3 a0], a rotation right by 8 of the little-endian dword. */
const rotWord = (w: number): number => (w >>> 8) | (w << 24);

/** AESKEYGENASSIST: SubWord of dwords 1 and 3 of s, each also rotated and XORed with the round constant imm8. */
export const aeskeygenassist: VecFn = (x, d, s, imm) => {
  const v = x.i32, x1 = subWord(v[s * 8 + 1]!), x3 = subWord(v[s * 8 + 3]!), rcon = imm & 0xff;
  v[TD] = x1; v[TD + 1] = rotWord(x1) ^ rcon; v[TD + 2] = x3; v[TD + 3] = rotWord(x3) ^ rcon;
  commit(x, d);
};

// ---- SHA (FIPS 180-4): the SDM numbers dwords from the top, A = bits 127:96.

const rol = (v: number, n: number): number => (v << n) | (v >>> (32 - n));
const ror = (v: number, n: number): number => (v >>> n) | (v << (32 - n));

const SHA1_K = [0x5a827999, 0x6ed9eba1, 0x8f1bbcdc, 0xca62c1d6];
function sha1f(k: number, b: number, c: number, d: number): number {
  if (k === 0) return (b & c) ^ (~b & d);
  if (k === 2) return (b & c) ^ (b & d) ^ (c & d);
  return b ^ c ^ d;
}
/** SHA1RNDS4: four rounds from A..D (d) with W0+E, W1..W3 (s); imm8[1:0] picks the function and constant. */
export const sha1rnds4: VecFn = (x, d, s, imm) => {
  const v = x.i32, f = imm & 3, k = SHA1_K[f]!;
  let a = v[d * 8 + 3]!, b = v[d * 8 + 2]!, c = v[d * 8 + 1]!, dd = v[d * 8]!, e = 0;
  for (let i = 0; i < 4; i++) { // W0 + E, W1, W2, W3: s's dwords from the top
    const t = (sha1f(f, b, c, dd) + rol(a, 5) + v[s * 8 + 3 - i]! + e + k) | 0;
    e = dd; dd = c; c = rol(b, 30); b = a; a = t;
  }
  v[TD + 3] = a; v[TD + 2] = b; v[TD + 1] = c; v[TD] = dd;
  commit(x, d);
};
/** SHA1NEXTE: s with its top dword plus ROL(d's top dword, 30) (the next E). */
export const sha1nexte: VecFn = (x, d, s) => {
  const v = x.i32;
  v[TD + 3] = (v[s * 8 + 3]! + rol(v[d * 8 + 3]!, 30)) | 0; v[TD + 2] = v[s * 8 + 2]!; v[TD + 1] = v[s * 8 + 1]!; v[TD] = v[s * 8]!;
  commit(x, d);
};
/** SHA1MSG1: W0..W3 (d, top first) and W4, W5 (s's top two): W2^W0, W3^W1, W4^W2, W5^W3. */
export const sha1msg1: VecFn = (x, d, s) => {
  const v = x.i32, w0 = v[d * 8 + 3]!, w1 = v[d * 8 + 2]!, w2 = v[d * 8 + 1]!, w3 = v[d * 8]!, w4 = v[s * 8 + 3]!, w5 = v[s * 8 + 2]!;
  v[TD + 3] = w2 ^ w0; v[TD + 2] = w3 ^ w1; v[TD + 1] = w4 ^ w2; v[TD] = w5 ^ w3;
  commit(x, d);
};
/** SHA1MSG2: W16..W19 from d's dwords and W13..W15 (s's low three). */
export const sha1msg2: VecFn = (x, d, s) => {
  const v = x.i32, w13 = v[s * 8 + 2]!, w14 = v[s * 8 + 1]!, w15 = v[s * 8]!;
  const w16 = rol(v[d * 8 + 3]! ^ w13, 1), w17 = rol(v[d * 8 + 2]! ^ w14, 1), w18 = rol(v[d * 8 + 1]! ^ w15, 1), w19 = rol(v[d * 8]! ^ w16, 1);
  v[TD + 3] = w16; v[TD + 2] = w17; v[TD + 1] = w18; v[TD] = w19;
  commit(x, d);
};

/** SHA256RNDS2: two rounds; A, B, E, F from s, C, D, G, H from d, WK0 and WK1 the low dwords of XMM0 (slot 0). */
export const sha256rnds2: VecFn = (x, d, s) => {
  const v = x.i32;
  let a = v[s * 8 + 3]!, b = v[s * 8 + 2]!, c = v[d * 8 + 3]!, dd = v[d * 8 + 2]!;
  let e = v[s * 8 + 1]!, f = v[s * 8]!, g = v[d * 8 + 1]!, h = v[d * 8]!;
  for (let i = 0; i < 2; i++) {
    const ch = (e & f) ^ (~e & g), maj = (a & b) ^ (a & c) ^ (b & c);
    const s1 = ror(e, 6) ^ ror(e, 11) ^ ror(e, 25), s0 = ror(a, 2) ^ ror(a, 13) ^ ror(a, 22);
    const t = (ch + s1 + v[i]! + h) | 0;
    h = g; g = f; f = e; e = (t + dd) | 0;
    dd = c; c = b; b = a; a = (t + maj + s0) | 0;
  }
  v[TD + 3] = a; v[TD + 2] = b; v[TD + 1] = e; v[TD] = f;
  commit(x, d);
};
const sigma0 = (w: number): number => ror(w, 7) ^ ror(w, 18) ^ (w >>> 3);
const sigma1 = (w: number): number => ror(w, 17) ^ ror(w, 19) ^ (w >>> 10);
/** SHA256MSG1: W0..W3 (d, low first) each plus σ0 of the next, W4 = s's low dword. */
export const sha256msg1: VecFn = (x, d, s) => {
  const v = x.i32, w0 = v[d * 8]!, w1 = v[d * 8 + 1]!, w2 = v[d * 8 + 2]!, w3 = v[d * 8 + 3]!, w4 = v[s * 8]!;
  v[TD] = (w0 + sigma0(w1)) | 0; v[TD + 1] = (w1 + sigma0(w2)) | 0; v[TD + 2] = (w2 + sigma0(w3)) | 0; v[TD + 3] = (w3 + sigma0(w4)) | 0;
  commit(x, d);
};
/** SHA256MSG2: W16..W19 from d's dwords plus σ1 of W14, W15 (s's top two) and of the new W16, W17. */
export const sha256msg2: VecFn = (x, d, s) => {
  const v = x.i32, w14 = v[s * 8 + 2]!, w15 = v[s * 8 + 3]!;
  const w16 = (v[d * 8]! + sigma1(w14)) | 0, w17 = (v[d * 8 + 1]! + sigma1(w15)) | 0;
  v[TD] = w16; v[TD + 1] = w17; v[TD + 2] = (v[d * 8 + 2]! + sigma1(w16)) | 0; v[TD + 3] = (v[d * 8 + 3]! + sigma1(w17)) | 0;
  commit(x, d);
};

// ---- GFNI: the byte field is AES's (x^8 + x^4 + x^3 + x + 1).

/** GF2P8MULB: the bytes of d and s multiplied in GF(2^8). */
export const gf2p8mulb: VecFn = (x, d, s) => {
  const u = x.u8;
  for (let k = 0; k < 16; k++) u[TB + k] = gmul(u[d * 32 + k]!, u[s * 32 + k]!);
  commit(x, d);
};
/**
 * GF2P8AFFINEQB / GF2P8AFFINEINVQB: each byte of d (or its inverse) times the
 * 8×8 bit matrix in the same qword of s, plus imm8: bit i of the result is the
 * parity of (the matrix's byte 7 - i AND the byte), XOR imm8 bit i.
 */
const affine = (inverse: boolean): VecFn => (x, d, s, imm) => {
  const u = x.u8, inv = tables().inverse;
  for (let k = 0; k < 16; k++) {
    const q = s * 32 + (k & 8), byte = inverse ? inv[u[d * 32 + k]!]! : u[d * 32 + k]!;
    let r = 0;
    for (let i = 0; i < 8; i++) {
      let p = u[q + 7 - i]! & byte;
      p ^= p >>> 4; p ^= p >>> 2; p ^= p >>> 1;
      r |= (p & 1) << i;
    }
    u[TB + k] = r ^ (imm & 0xff);
  }
  commit(x, d);
};
export const gf2p8affineqb = affine(false);
export const gf2p8affineinvqb = affine(true);
