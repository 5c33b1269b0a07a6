// SSE2 packed integer and logical operations (SDM Vol. 2 entries: PAND …
// PXOR and ANDPS … XORPD, PADD*/PSUB* with and without saturation, PMULLW,
// PMULHW, PMULHUW, PMULUDQ, PMADDWD, PSADBW, PAVGB/W, PMIN*/PMAX*, PCMPEQ*,
// PCMPGT*) and the binding of the `vecInt` and `vecShiftImm` executors: every
// name of isa/vector-ops.ts to its kernel.
import { VEC_OPS, type VecOp } from '../../isa/vector-ops.js';
import type { Handler } from '../context.js';
import { sourceSlot } from '../sse-operands.js';
import { buildFunction } from '../generated.js';
import { DWORD_LANES, DWORD_MIXES, dwordLanesSource, dwordMixSource } from './vector-source.js';
import type { RowBinder } from './binding.js';
import * as s4 from './sse4-int.js';
import * as crypto from './crypto-ops.js';
import { byCount, dupDwords, dwordShiftImm, movddup, pshufd, pshufw, shiftBytes, shufpd, shufps, type VecFn } from './sse-shuffle.js';

type Lane = (a: number, b: number) => number;

/** Byte lanes: signed (Int8Array) or unsigned (Uint8Array) views; the store wraps to 8 bits. */
const bytes = (signed: boolean, f: Lane): VecFn => (x, d, s) => {
  const v = signed ? x.i8 : x.u8, a = d * 32, b = s * 32;
  for (let k = 0; k < 16; k++) v[a + k] = f(v[a + k]!, v[b + k]!);
};
const words = (signed: boolean, f: Lane): VecFn => (x, d, s) => {
  const v = signed ? x.i16 : x.u16, a = d * 16, b = s * 16;
  for (let k = 0; k < 8; k++) v[a + k] = f(v[a + k]!, v[b + k]!);
};

/** 64-bit lanes as dword pairs: add (sub = false) or subtract with the carry between the halves. */
const qwordAdd = (sub: boolean): VecFn => (x, d, s) => {
  const v = x.i32, a = d * 8, b = s * 8;
  for (let k = 0; k < 4; k += 2) {
    const al = v[a + k]! >>> 0, bl = v[b + k]! >>> 0;
    const lo = sub ? al - bl : al + bl;
    const carry = sub ? (lo < 0 ? -1 : 0) : (lo > 0xffffffff ? 1 : 0);
    v[a + k] = lo | 0;
    v[a + k + 1] = (sub ? v[a + k + 1]! - v[b + k + 1]! : v[a + k + 1]! + v[b + k + 1]!) + carry | 0;
  }
};

/** PMULUDQ: the unsigned product of dwords 0 and 2, as qwords (exact: 16-bit partial products). */
const pmuludq: VecFn = (x, d, s) => {
  const v = x.i32, a = d * 8, b = s * 8;
  for (let k = 0; k < 4; k += 2) {
    const p = v[a + k]! >>> 0, q = v[b + k]! >>> 0;
    const pl = p & 0xffff, ph = p >>> 16, ql = q & 0xffff, qh = q >>> 16;
    const ll = pl * ql, lh = pl * qh, hl = ph * ql;
    const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
    v[a + k] = ((mid & 0xffff) << 16) | (ll & 0xffff);
    v[a + k + 1] = (ph * qh + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) | 0;
  }
};

const pmaddwd: VecFn = (x, d, s) => {
  const w = x.i16, v = x.i32, a = d * 16, b = s * 16;
  for (let k = 0; k < 4; k++) {
    const r = w[a + 2 * k]! * w[b + 2 * k]! + w[a + 2 * k + 1]! * w[b + 2 * k + 1]!;
    v[d * 8 + k] = r | 0;
  }
};

const psadbw: VecFn = (x, d, s) => {
  const u = x.u8, v = x.i32;
  for (let q = 0; q < 2; q++) {
    let sum = 0;
    for (let k = 0; k < 8; k++) sum += Math.abs(u[d * 32 + q * 8 + k]! - u[s * 32 + q * 8 + k]!);
    v[d * 8 + q * 2] = sum; v[d * 8 + q * 2 + 1] = 0;
  }
};

const sat = (v: number, lo: number, hi: number) => (v < lo ? lo : v > hi ? hi : v);

/** The kernel of a dword operation, built from its lanes' source (vector-source.ts, which the compiled tier inlines). */
const lanes = (op: keyof typeof DWORD_LANES): VecFn =>
  buildFunction(op, ['x', 'd', 's'], `const v = x.i32; ${dwordLanesSource(DWORD_LANES[op]!, 'v', 'd', 's')}`);

/** The kernel of a mix (vector-source.ts, which the compiled tier inlines); a shift's count is the imm8. */
const mix = (op: keyof typeof DWORD_MIXES): VecFn =>
  buildFunction(op, ['x', 'd', 's', 'imm'], `const v = x.i32, n = imm & 0xff; ${dwordMixSource(DWORD_MIXES[op]!, 'v', 'd', 's')}`);

/**
 * Every vecInt/vecShiftImm operation's kernel (the type makes a missing one a compile error), built
 * at the first bind of one: many are compiled from source, and a guest without SSE integer code
 * does not pay for them at start.
 */
function buildKernels(): { readonly [K in VecOp]: VecFn } {
  // The shifts by an imm8 (vecShiftImm); by a count in an XMM register they run the same kernels (byCount).
  const psllwi = mix('psllwi'), psrlwi = mix('psrlwi'), psrawi = mix('psrawi'), psllqi = mix('psllqi'), psrlqi = mix('psrlqi');
  const pslldi = dwordShiftImm(0), psrldi = dwordShiftImm(1), psradi = dwordShiftImm(2);
  return {
    pand: lanes('pand'), pandn: lanes('pandn'), por: lanes('por'), pxor: lanes('pxor'),
    paddb: bytes(false, (a, b) => a + b), paddw: words(false, (a, b) => a + b), paddd: lanes('paddd'), paddq: qwordAdd(false),
    psubb: bytes(false, (a, b) => a - b), psubw: words(false, (a, b) => a - b), psubd: lanes('psubd'), psubq: qwordAdd(true),
    paddsb: bytes(true, (a, b) => sat(a + b, -128, 127)), paddsw: words(true, (a, b) => sat(a + b, -32768, 32767)),
    paddusb: bytes(false, (a, b) => sat(a + b, 0, 255)), paddusw: words(false, (a, b) => sat(a + b, 0, 65535)),
    psubsb: bytes(true, (a, b) => sat(a - b, -128, 127)), psubsw: words(true, (a, b) => sat(a - b, -32768, 32767)),
    psubusb: bytes(false, (a, b) => sat(a - b, 0, 255)), psubusw: words(false, (a, b) => sat(a - b, 0, 65535)),
    pmullw: words(false, (a, b) => a * b), pmulhw: words(true, (a, b) => (a * b) >> 16), pmulhuw: words(false, (a, b) => (a * b) >>> 16),
    pmuludq, pmaddwd, psadbw,
    pavgb: bytes(false, (a, b) => (a + b + 1) >> 1), pavgw: words(false, (a, b) => (a + b + 1) >> 1),
    pminub: bytes(false, Math.min), pmaxub: bytes(false, Math.max), pminsw: words(true, Math.min), pmaxsw: words(true, Math.max),
    pcmpeqb: bytes(false, (a, b) => (a === b ? 0xff : 0)), pcmpeqw: words(false, (a, b) => (a === b ? 0xffff : 0)),
    pcmpeqd: lanes('pcmpeqd'),
    pcmpgtb: bytes(true, (a, b) => (a > b ? -1 : 0)), pcmpgtw: words(true, (a, b) => (a > b ? -1 : 0)), pcmpgtd: lanes('pcmpgtd'),
    punpcklbw: mix('punpcklbw'), punpcklwd: mix('punpcklwd'), punpckldq: mix('punpckldq'), punpcklqdq: mix('punpcklqdq'),
    punpckhbw: mix('punpckhbw'), punpckhwd: mix('punpckhwd'), punpckhdq: mix('punpckhdq'), punpckhqdq: mix('punpckhqdq'),
    packsswb: mix('packsswb'), packssdw: mix('packssdw'), packuswb: mix('packuswb'),
    pshufd, pshufhw: pshufw(true), pshuflw: pshufw(false), shufps, shufpd,
    psllw: byCount(psllwi), pslld: byCount(pslldi), psllq: byCount(psllqi), psrlw: byCount(psrlwi), psrld: byCount(psrldi), psrlq: byCount(psrlqi),
    psraw: byCount(psrawi), psrad: byCount(psradi),
    psllwi, pslldi, psllqi, psrlwi, psrldi, psrlqi, psrawi, psradi, pslldqi: shiftBytes(true), psrldqi: shiftBytes(false),
    pshufb: s4.pshufb, phaddw: s4.hWords(false, false), phaddd: s4.hDwords(false), phaddsw: s4.hWords(false, true),
    pmaddubsw: s4.pmaddubsw, phsubw: s4.hWords(true, false), phsubd: s4.hDwords(true), phsubsw: s4.hWords(true, true),
    psignb: s4.psign(1), psignw: s4.psign(2), psignd: s4.psign(4), pmulhrsw: s4.pmulhrsw,
    pabsb: s4.pabs(1), pabsw: s4.pabs(2), pabsd: s4.pabs(4), palignr: s4.palignr,
    pblendvb: s4.blendv(1), blendvps: s4.blendv(4), blendvpd: s4.blendv(8),
    blendps: s4.blendImm(4), blendpd: s4.blendImm(8), pblendw: s4.blendImm(2),
    pmovsxbw: s4.pmovx(1, 2, true), pmovsxbd: s4.pmovx(1, 4, true), pmovsxbq: s4.pmovx(1, 8, true),
    pmovsxwd: s4.pmovx(2, 4, true), pmovsxwq: s4.pmovx(2, 8, true), pmovsxdq: s4.pmovx(4, 8, true),
    pmovzxbw: s4.pmovx(1, 2, false), pmovzxbd: s4.pmovx(1, 4, false), pmovzxbq: s4.pmovx(1, 8, false),
    pmovzxwd: s4.pmovx(2, 4, false), pmovzxwq: s4.pmovx(2, 8, false), pmovzxdq: s4.pmovx(4, 8, false),
    pmuldq: s4.pmuldq, pmulld: lanes('pmulld'), pcmpeqq: s4.pcmpq(false), pcmpgtq: s4.pcmpq(true), packusdw: mix('packusdw'),
    pminsb: bytes(true, Math.min), pminsd: lanes('pminsd'), pminuw: words(false, Math.min), pminud: s4.udwords(Math.min),
    pmaxsb: bytes(true, Math.max), pmaxsd: lanes('pmaxsd'), pmaxuw: words(false, Math.max), pmaxud: s4.udwords(Math.max),
    phminposuw: s4.phminposuw, mpsadbw: s4.mpsadbw,
    movsldup: dupDwords(false), movshdup: dupDwords(true), movddup,
    ...crypto, // PCLMULQDQ, AES, SHA, GFNI: crypto-ops.ts exports exactly their kernels, by their VecOp names
  };
}
let kernels: ReturnType<typeof buildKernels> | undefined;

export function kernel(param: number): VecFn {
  const name = VEC_OPS[param];
  if (name === undefined) throw new Error(`vecInt: no operation ${param}`);
  return (kernels ??= buildKernels())[name];
}

/** V = op(V, W[, imm8]). */
export const bindVecInt: RowBinder = (row) => {
  const f = kernel(row.param);
  const h: Handler = (c, i) => { const s = sourceSlot(c, i); f(c.xmm, i.reg, s, i.imm); };
  return () => h;
};

/** U = op(U, imm8) (66 0F 71-73). */
export const bindVecShiftImm: RowBinder = (row) => {
  const f = kernel(row.param);
  const h: Handler = (c, i) => { f(c.xmm, i.rm, i.rm, i.imm); };
  return () => h;
};


