// XRSTOR (standard and compacted forms) and XRSTORS (SDM Vol. 1 §13.8, §13.12; Vol. 2 XRSTOR,
// XRSTORS). The legacy region is the FXSAVE layout (REX.W: the 64-bit one), at the same offsets in
// both formats for x87 and SSE. Every #GP(0) check is made before anything changes. Outside 64-bit
// mode XMM8-15 are neither loaded nor initialised (SDM Vol. 1 §13.5.2).
import { Vector } from '../../arch/vectors.js';
import { RAX } from '../../arch/registers.js';
import { MXCSR_RESET } from '../../arch/mxcsr.js';
import {
  XCOMP_BV_COMPACTED_HI, XCOMP_BV_OFFSET, XCR0_AVX, XCR0_SSE, XCR0_X87, XSS_SUPPORTED, XSTATE_BV_OFFSET,
} from '../../arch/xsave.js';
import type { Insn } from '../../isa/insn.js';
import type { ExecContext, Handler } from '../context.js';
import { fxImageMxcsr, loadFxX87, loadFxXmm } from './fxsave.js';
import { initX87, initXmm, loadImage, wide, xmmCount, xsaveArea } from './xsave-area.js';

/** Whether header bytes [from, to) (8-byte words) are all zero. */
function headerZero(c: ExecContext, a: number, from: number, to: number): boolean {
  for (let k = from; k < to; k += 8) if ((c.mmu.read64(a + XSTATE_BV_OFFSET + k) | c.mmu.hi) !== 0) return false;
  return true;
}

/**
 * The shared restore. Standard form (XCOMP_BV[63] = 0; XRSTOR only), §13.8.1: #GP(0) for XSTATE_BV bits
 * outside XCR0 or header bytes 8-23 not zero (bytes 24-63 are ignored); MXCSR is loaded (and checked
 * against MXCSR_MASK) whenever RFBM[1] or RFBM[2] is set, whatever XSTATE_BV says.
 * Compacted form (XCOMP_BV[63] = 1), §13.8.2: #GP(0) when the CPU lacks compaction (XRSTOR without
 * XSAVEC reported), XCOMP_BV[62:0] has a bit outside XCR0 (XRSTORS: XCR0 | IA32_XSS), XSTATE_BV has a
 * bit outside XCOMP_BV[62:0] (bit 63 included), or header bytes 16-63 are not zero; SSE (MXCSR and
 * XMM0-15) is loaded, MXCSR checked, only when XSTATE_BV[1] = 1, else initialised with MXCSR = 1F80H
 * (host-checked: no MXCSR check then).
 * Then each component i of RFBM is loaded when XSTATE_BV[i] = 1, else initialised (§13.6).
 */
function restore(c: ExecContext, i: Insn, supervisor: boolean): void {
  const enabled = supervisor ? c.xcr0 | XSS_SUPPORTED : c.xcr0;
  const rfbm = c.regLo[RAX]! & enabled;
  const a = xsaveArea(c, i, false);
  const m = c.mmu;
  const bv = m.read64(a + XSTATE_BV_OFFSET), bvHi = m.hi;
  const comp = m.read64(a + XCOMP_BV_OFFSET), compHi = m.hi;
  const compacted = (compHi & XCOMP_BV_COMPACTED_HI) !== 0;
  if (compacted) {
    if (!supervisor && !c.features.has('xsavec')) c.raise(Vector.GP, 0);
    if ((compHi & ~XCOMP_BV_COMPACTED_HI) !== 0 || (comp & ~enabled) !== 0) c.raise(Vector.GP, 0);
    if (bvHi !== 0 || (bv & ~comp) !== 0 || !headerZero(c, a, 16, 64)) c.raise(Vector.GP, 0);
  } else {
    if (supervisor) c.raise(Vector.GP, 0); // XRSTORS: the standard format is #GP(0)
    if (comp !== 0 || compHi !== 0 || !headerZero(c, a, 16, 24)) c.raise(Vector.GP, 0);
    if (bvHi !== 0 || (bv & ~c.xcr0) !== 0) c.raise(Vector.GP, 0);
  }
  loadImage(c, a);
  const sse = (rfbm & XCR0_SSE) !== 0;
  let mxcsr = c.mxcsr;
  if (compacted) {
    if (sse) mxcsr = (bv & XCR0_SSE) ? fxImageMxcsr(c) : MXCSR_RESET;
  } else if (rfbm & (XCR0_SSE | XCR0_AVX)) {
    mxcsr = fxImageMxcsr(c);
  }
  if (rfbm & XCR0_X87) {
    if (bv & XCR0_X87) loadFxX87(c, wide(i));
    else initX87(c);
  }
  c.mxcsr = mxcsr;
  if (sse) {
    if (bv & XCR0_SSE) loadFxXmm(c, xmmCount(i));
    else initXmm(c, xmmCount(i));
  }
}

export const xrstor: Handler = (c, i) => restore(c, i, false);

/** XRSTORS (CPL 0: the row's `priv`): the compacted form only, with XCR0 | IA32_XSS. */
export const xrstors: Handler = (c, i) => restore(c, i, true);
