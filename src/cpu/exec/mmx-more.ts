// The MMX forms that are not the low half of an XMM operation (SDM Vol. 2
// entries): PACKSSWB/PACKSSDW/PACKUSWB, PHADD*/PHSUB* (their 64-bit operands
// packed into one scratch slot, dst then src, so the XMM kernel's low qword is
// the MMX result), PUNPCKH* (the high dwords moved down first), PSHUFB,
// PALIGNR, PINSRW/PEXTRW/PMOVMSKB, MOVNTQ, MASKMOVQ; and the SSE instructions
// with an MMX operand: CVTPI2PS, CVT(T)PS2PI, CVTPI2PD, CVT(T)PD2PI,
// MOVQ2DQ, MOVDQ2Q. An MM register operand first delivers a pending x87
// exception and puts the x87 unit in MMX mode (TOP = 0, all tags valid).
import { RDI } from '../../arch/registers.js';
import { f32ToI32, f64ToI32, i32ToF32, i32ToF64 } from '../../fpu/index.js';
import type { Insn } from '../../isa/insn.js';
import type { ExecContext, Handler } from '../context.js';
import { effectiveAddress, loadOperand } from '../operands.js';
import { sourceSlot } from '../sse-operands.js';
import { XMM_TMP, XMM_TMP2, XMM_TMP3 } from '../vector-registers.js';
import { strAddr } from './string-addressing.js';
import type { RowBinder } from './binding.js';
import { enter, mmToSlot, slotToMm, sourceQ } from './mmx.js';
import { kernel } from './sse-int.js';
import { x87Wait } from './x87-core.js';
import { beginFp, commitFp, laneDone, sseEnv as env, sseRes as res } from '../sse-fp-env.js';

const P = (i: Insn) => (i.modrm >> 3) & 7;

/** mmxPair: P = low qword of op(T, T), T = [P, Q] (packs, horizontal add/subtract). param: the vecInt operation. */
export const bindMmxPair: RowBinder = (row) => {
  const f = kernel(row.param);
  const h: Handler = (c, i) => {
    x87Wait(c);
    sourceQ(c, i, XMM_TMP);
    enter(c);
    const v = c.xmm.i32, t = XMM_TMP3 * 8, x = c.x87, p = P(i);
    v[t] = x.lo[p]! | 0; v[t + 1] = x.hi[p]! | 0; v[t + 2] = v[XMM_TMP * 8]!; v[t + 3] = v[XMM_TMP * 8 + 1]!;
    f(c.xmm, XMM_TMP3, XMM_TMP3, i.imm);
    slotToMm(c, XMM_TMP3, p);
  };
  return () => h;
};

/** mmxUnpackHigh: PUNPCKHBW/WD/DQ: the low-unpack kernel on the high dwords of P and Q. param: the low unpack. */
export const bindMmxUnpackHigh: RowBinder = (row) => {
  const f = kernel(row.param);
  const h: Handler = (c, i) => {
    x87Wait(c);
    sourceQ(c, i, XMM_TMP);
    enter(c);
    const v = c.xmm.i32, p = P(i);
    mmToSlot(c, p, XMM_TMP3);
    v[XMM_TMP3 * 8] = v[XMM_TMP3 * 8 + 1]!; v[XMM_TMP3 * 8 + 1] = 0;
    v[XMM_TMP * 8] = v[XMM_TMP * 8 + 1]!; v[XMM_TMP * 8 + 1] = 0;
    f(c.xmm, XMM_TMP3, XMM_TMP, 0);
    slotToMm(c, XMM_TMP3, p);
  };
  return () => h;
};

/** PSHUFB mm: byte k = 0 if index bit 7, else P's byte (index & 7). */
export const pshufbMmx: Handler = (c, i) => {
  x87Wait(c);
  sourceQ(c, i, XMM_TMP);
  enter(c);
  const u = c.xmm.u8, p = P(i);
  mmToSlot(c, p, XMM_TMP3);
  const d = XMM_TMP3 * 32, s = XMM_TMP * 32, o = XMM_TMP2 * 32;
  for (let k = 0; k < 8; k++) { const ix = u[s + k]!; u[o + k] = ix & 0x80 ? 0 : u[d + (ix & 7)]!; }
  slotToMm(c, XMM_TMP2, p);
};

/** PALIGNR mm: the low 8 bytes of (P:Q) shifted right by imm8 bytes (zeros beyond 16). */
export const palignrMmx: Handler = (c, i) => {
  x87Wait(c);
  sourceQ(c, i, XMM_TMP);
  enter(c);
  const u = c.xmm.u8, p = P(i), n = i.imm & 0xff;
  mmToSlot(c, p, XMM_TMP3);
  const src = XMM_TMP * 32, dst = XMM_TMP3 * 32, o = XMM_TMP2 * 32;
  for (let k = 0; k < 8; k++) { const j = k + n; u[o + k] = j < 8 ? u[src + j]! : j < 16 ? u[dst + j - 8]! : 0; }
  slotToMm(c, XMM_TMP2, p);
};

/** PINSRW mm, r32/m16, imm8: word imm8[1:0] of P. */
export const pinsrwMmx: Handler = (c, i) => {
  x87Wait(c);
  loadOperand(c, i, 1);
  enter(c);
  const x = c.x87, p = P(i), w = c.ops.lo[1]! & 0xffff, k = i.imm & 3;
  if (k < 2) x.lo[p] = ((x.lo[p]! & ~(0xffff << (16 * k))) | (w << (16 * k))) >>> 0;
  else x.hi[p] = ((x.hi[p]! & ~(0xffff << (16 * (k - 2)))) | (w << (16 * (k - 2)))) >>> 0;
  x.se[p] = 0xffff;
};

/** PEXTRW r32, mm, imm8 / PMOVMSKB r32, mm (param 1). */
export const mmxToGpr: Handler = (c, i) => {
  x87Wait(c);
  enter(c);
  const x = c.x87, n = i.modrm & 7;
  let v: number;
  if (i.row.param === 1) {
    v = 0;
    for (let k = 0; k < 8; k++) if (((k < 4 ? x.lo[n]! : x.hi[n]!) >>> (8 * (k & 3) + 7)) & 1) v |= 1 << k;
  } else {
    const k = i.imm & 3;
    v = ((k < 2 ? x.lo[n]! : x.hi[n]!) >>> (16 * (k & 1))) & 0xffff;
  }
  c.setReg(i.opSize === 8 ? 8 : 4, i.reg, v, 0);
};

/** MOVNTQ m64, mm. */
export const movntq: Handler = (c, i) => {
  x87Wait(c);
  const x = c.x87, p = P(i);
  c.mmu.write64(effectiveAddress(c, i), x.lo[p]! | 0, x.hi[p]! | 0);
  enter(c);
};

/** MASKMOVQ mm1, mm2: the bytes of P whose mask byte (N) has bit 7 set, to DS:[rDI] (all 8 bytes checked for writing first). */
export const maskmovq: Handler = (c, i) => {
  x87Wait(c);
  const x = c.x87, p = P(i), n = i.modrm & 7;
  const a = strAddr(c, RDI, i.addrSize === 4, i.seg, 8); // 64-bit code only (MASKMOVDQU in 32-bit code is not implemented either)
  c.mmu.probeWrite(a, 8);
  enter(c);
  for (let k = 0; k < 8; k++) {
    const sh = 8 * (k & 3);
    if ((((k < 4 ? x.lo[n]! : x.hi[n]!) >>> sh) & 0x80) !== 0) c.mmu.write8(a + k, ((k < 4 ? x.lo[p]! : x.hi[p]!) >>> sh) & 0xff);
  }
};

/**
 * The SSE conversions with an MMX operand, and MOVQ2DQ/MOVDQ2Q; param: 0 CVTPI2PS,
 * 1 CVTPS2PI, 2 CVTTPS2PI, 3 CVTPI2PD, 4 CVTPD2PI, 5 CVTTPD2PI, 6 MOVQ2DQ, 7 MOVDQ2Q.
 */
export const mmxSse: Handler = (c, i) => {
  const k = i.row.param, x = c.x87, u = c.xmm.u32;
  const fromMm = k === 0 || k === 3 || k === 6;           // the source is Q (MM or m64)
  const mmReg = fromMm ? !i.isMem : true;                  // an MM register takes part
  if (mmReg) x87Wait(c);
  if (fromMm) {
    sourceQ(c, i, XMM_TMP);
    if (mmReg) enter(c);
    const d = i.reg * 8, s = XMM_TMP * 8;
    if (k === 6) { u[d] = u[s]!; u[d + 1] = u[s + 1]!; u[d + 2] = 0; u[d + 3] = 0; return; }
    beginFp(c);
    if (k === 0) {
      const a = i32ToF32(u[s]!, env); laneDone();
      const b = i32ToF32(u[s + 1]!, env); laneDone();
      commitFp(c);
      u[d] = a; u[d + 1] = b;
      return;
    }
    i32ToF64(u[s]!, env, res); laneDone(); const lo0 = res.lo, hi0 = res.hi;
    i32ToF64(u[s + 1]!, env, res); laneDone();
    commitFp(c);
    u[d] = lo0; u[d + 1] = hi0; u[d + 2] = res.lo; u[d + 3] = res.hi;
    return;
  }
  const s = sourceSlot(c, i), p = P(i);
  // MMX mode is entered before the conversion's #XM check (host-checked: a faulting CVTPS2PI leaves TOP = 0, tags valid).
  enter(c);
  if (k === 7) { x.lo[p] = u[s * 8]!; x.hi[p] = u[s * 8 + 1]!; x.se[p] = 0xffff; return; }
  beginFp(c);
  const trunc = k === 2 || k === 5;
  let a: number, b: number;
  if (k <= 2) { a = f32ToI32(u[s * 8]!, trunc, env); laneDone(); b = f32ToI32(u[s * 8 + 1]!, trunc, env); laneDone(); }
  else { a = f64ToI32(u[s * 8]!, u[s * 8 + 1]!, trunc, env); laneDone(); b = f64ToI32(u[s * 8 + 2]!, u[s * 8 + 3]!, trunc, env); laneDone(); }
  commitFp(c);
  x.lo[p] = a >>> 0; x.hi[p] = b >>> 0; x.se[p] = 0xffff;
};
