// XGETBV, XSETBV and the XSAVE save forms: XSAVE (standard format), XSAVEOPT, XSAVEC and XSAVES
// (compacted format) (SDM Vol. 1 Chapter 13 §13.7, §13.9-§13.11; Vol. 2 XGETBV, XSETBV, XSAVE,
// XSAVEOPT, XSAVEC, XSAVES; APM Vol. 2 §11.5). The model manages x87 and SSE only (arch/xsave.ts),
// both in the legacy region, which is the FXSAVE layout (exec/fxsave.ts; REX.W: the 64-bit layout):
// for them the compacted format places every byte where the standard format does. The restore
// forms are in exec/xrstor.ts, the area checks and XINUSE in exec/xsave-area.ts.
// Outside 64-bit mode (32-bit code) the layout is the 32-bit one and XMM8-15 are not saved (xsave-area.ts).
// The requested-feature bitmap RFBM is EDX:EAX & XCR0 (XSAVES: & (XCR0 | IA32_XSS), and IA32_XSS is
// always 0 here). What each form writes was measured on the AMD host (test/diff/x87-control.test.ts).
import { Vector } from '../../arch/vectors.js';
import { RAX, RCX, RDX } from '../../arch/registers.js';
import {
  XCOMP_BV_COMPACTED_HI, XCOMP_BV_OFFSET, XCR0_AVX, XCR0_SSE, XCR0_SUPPORTED, XCR0_X87, XSS_SUPPORTED, XSTATE_BV_OFFSET,
} from '../../arch/xsave.js';
import type { ExecContext, Handler } from '../context.js';
import type { Insn } from '../../isa/insn.js';
import { fillFxImage } from './fxsave.js';
import { storeImage, wide, xinuse, xmmEnd, xsaveArea } from './xsave-area.js';

/**
 * XGETBV: EDX:EAX ← XCR[ECX] (upper RCX ignored). ECX = 0: XCR0; ECX = 1 (when CPUID.(EAX=0DH,ECX=1)
 * :EAX[2] is reported, feature `xgetbv1`): XCR0 & XINUSE; any other ECX: #GP(0).
 */
export const xgetbv: Handler = (c) => {
  const n = c.regLo[RCX]!;
  let v: number;
  if (n === 0) v = c.xcr0;
  else if (n === 1 && c.features.has('xgetbv1')) v = c.xcr0 & xinuse(c);
  else return c.raise(Vector.GP, 0);
  c.setReg(4, RAX, v, 0);
  c.setReg(4, RDX, 0, 0);
};

/**
 * XSETBV (CPL 0, checked by the row): XCR[ECX] ← EDX:EAX. #GP(0) for ECX ≠ 0, a bit the model does not
 * support or the host's CPUID leaf 0DH does not report (reserved or AVX…: only 1 and 3 are valid), bit 0
 * clear, or bit 2 without bit 1.
 */
export const xsetbv: Handler = (c) => {
  if (c.regLo[RCX] !== 0) c.raise(Vector.GP, 0);
  const lo = c.regLo[RAX]!, hi = c.regLo[RDX]!;
  // The host's CPUID 0DH.0 EAX narrows the supported bits (KVM's guest_supported_xcr0).
  const supported = c.cpuidTable ? XCR0_SUPPORTED & c.cpuidTable.xcr0Bits() : XCR0_SUPPORTED;
  if (hi !== 0 || (lo & ~supported) !== 0 || !(lo & XCR0_X87)) c.raise(Vector.GP, 0);
  if ((lo & XCR0_AVX) && !(lo & XCR0_SSE)) c.raise(Vector.GP, 0);
  c.xcr0 = lo;
};

/** Stores the x87 part of the image (bytes 0-23 and 32-159). */
function storeX87(c: ExecContext, a: number): void { storeImage(c, a, 0, 24); storeImage(c, a, 32, 160); }

/** XSTATE_BV ← (old & ~RFBM) | (XINUSE & RFBM): the standard-format forms keep the other bits. */
function mergeXstateBv(c: ExecContext, a: number, rfbm: number, used: number): void {
  const old = c.mmu.read64(a + XSTATE_BV_OFFSET), oldHi = c.mmu.hi;
  c.mmu.write64(a + XSTATE_BV_OFFSET, (old & ~rfbm) | (used & rfbm), oldHi);
}

/**
 * XSAVE (SDM Vol. 2 XSAVE, Vol. 1 §13.7): x87 (bytes 0-23, 32-159) if RFBM[0]; XMM0-15 (160-415) if
 * RFBM[1]; MXCSR and MXCSR_MASK (24-31) if RFBM[1] or RFBM[2], in use or not; then XSTATE_BV ←
 * (old & ~RFBM) | (XINUSE & RFBM). No other byte is written (XCOMP_BV and the rest stay).
 */
export const xsave: Handler = (c, i) => {
  const rfbm = c.regLo[RAX]! & c.xcr0; // XCR0[63:32] = 0
  const a = xsaveArea(c, i, true);
  const used = xinuse(c);
  fillFxImage(c, wide(i));
  if (rfbm & XCR0_X87) storeX87(c, a);
  if (rfbm & (XCR0_SSE | XCR0_AVX)) storeImage(c, a, 24, 32);
  if (rfbm & XCR0_SSE) storeImage(c, a, 160, xmmEnd(i));
  mergeXstateBv(c, a, rfbm, used);
};

/**
 * XSAVEOPT (SDM Vol. 2 XSAVEOPT, Vol. 1 §13.9): the standard format with the init optimization: x87
 * and XMM0-15 are written only if requested and in use (XINUSE); MXCSR and MXCSR_MASK whenever RFBM[1]
 * or RFBM[2] is set; XSTATE_BV as XSAVE. The modified optimization (skipping a component unchanged
 * since the XRSTOR that loaded it from the same area) is optional (§13.9) and never applied here: an
 * in-use component is always written, so the memory always holds the current state.
 */
export const xsaveopt: Handler = (c, i) => {
  const rfbm = c.regLo[RAX]! & c.xcr0;
  const a = xsaveArea(c, i, true);
  const used = xinuse(c), save = rfbm & used;
  fillFxImage(c, wide(i));
  if (save & XCR0_X87) storeX87(c, a);
  if (rfbm & (XCR0_SSE | XCR0_AVX)) storeImage(c, a, 24, 32);
  if (save & XCR0_SSE) storeImage(c, a, 160, xmmEnd(i));
  mergeXstateBv(c, a, rfbm, used);
};

/**
 * XSAVEC and XSAVES (compacted format; §13.10, §13.11): a component is written only if requested and
 * in use: x87 (bytes 0-23, 32-159), SSE (MXCSR and MXCSR_MASK 24-31, XMM0-15 160-415). The header's
 * first 16 bytes are written whole: XSTATE_BV ← XINUSE & RFBM, XCOMP_BV ← 2^63 | RFBM; header bytes
 * 16-63 and legacy bytes 416-511 are not written (host-checked).
 */
function saveCompacted(c: ExecContext, i: Insn, rfbm: number): void {
  const a = xsaveArea(c, i, true);
  const save = rfbm & xinuse(c);
  fillFxImage(c, wide(i));
  if (save & XCR0_X87) storeX87(c, a);
  if (save & XCR0_SSE) { storeImage(c, a, 24, 32); storeImage(c, a, 160, xmmEnd(i)); }
  c.mmu.write64(a + XSTATE_BV_OFFSET, save, 0);
  c.mmu.write64(a + XCOMP_BV_OFFSET, rfbm, XCOMP_BV_COMPACTED_HI);
}

export const xsavec: Handler = (c, i) => saveCompacted(c, i, c.regLo[RAX]! & c.xcr0);

/**
 * XSAVES (CPL 0: the row's `priv`, #GP(0) above): XSAVEC with RFBM = EDX:EAX & (XCR0 | IA32_XSS); the
 * model supports no supervisor component (IA32_XSS is 0), and never applies the modified optimization.
 */
export const xsaves: Handler = (c, i) => saveCompacted(c, i, c.regLo[RAX]! & (c.xcr0 | XSS_SUPPORTED));
