// What XSAVE, XSAVEOPT, XSAVEC, XSAVES and XRSTOR, XRSTORS share (SDM Vol. 1 Chapter 13): the area
// checks, the legacy-region image (the FXSAVE layout, exec/fxsave.ts), the header, and XINUSE.
//
// XINUSE (SDM §13.6): the model derives it from the state when it is needed (XSAVE*, XGETBV with
// ECX = 1), as the AMD host does (measured with XGETBV(1) and XSAVEC after FXRSTOR64 of images that
// differ from the initial configuration in one field each, and after FNINIT, FNCLEX, FLDENV, FRSTOR,
// FLD1/FLDZ and FSTP, FLDCW, LDMXCSR, PXOR, PCMPEQB, MMX moves; test/diff/x87-control.test.ts):
// - x87 is in use when FCW ≠ 037FH, FSW ≠ 0 (TOP included), a register is not empty, any of the eight
//   physical registers R0-R7 is not all zero bits (FNINIT does not clear them), or an x87 instruction
//   wrote a data register since FNINIT, FNCLEX, FLDENV, FRSTOR, FXRSTOR or XRSTOR last cleared that
//   (X87State.written: FLDZ; FSTP leaves x87 in use, FLDZ; FSTP; FNCLEX does not). FOP, FIP, FDP,
//   FCS, FDS do not count (FNOP leaves x87 not in use).
// - SSE is in use when MXCSR ≠ 1F80H or XMM0-15 is not zero, from the values alone (PCMPEQB then PXOR
//   of the same register leaves it not in use).
// The SDM lets a processor report a component in use while it is in its initial configuration, never
// the reverse, so this is also a valid Intel model (an Intel CPU may report 1 more often).
import { Vector } from '../../arch/vectors.js';
import { FCW_INIT } from '../../arch/x87.js';
import { MXCSR_RESET } from '../../arch/mxcsr.js';
import { XCR0_SSE, XCR0_X87, XSAVE_ALIGN, XSAVE_AREA_SIZE, XSAVE_LEGACY_SIZE } from '../../arch/xsave.js';
import { VEC_SLOT_BYTES } from '../vector-registers.js';
import type { Insn } from '../../isa/insn.js';
import type { ExecContext } from '../context.js';
import { effectiveAddress, isCanonicalAccess, isStackReference } from '../operands.js';
import { fxImage } from './fxsave.js';

/** The legacy region's used bytes (416-511 are neither written nor read by any form). */
export const USED = 416;
/**
 * The end of the XMM registers in the image and their number: XMM8-15 (bytes 288-415) only in 64-bit
 * mode; outside it the save forms do not write those bytes and the restore forms do not load or
 * initialise XMM8-15 (SDM Vol. 1 §13.5.2).
 */
export const xmmEnd = (i: Insn) => (i.compat ? 288 : USED);
export const xmmCount = (i: Insn) => (i.compat ? 8 : 16);
/** A view of the shared legacy-region image (exec/fxsave.ts; no allocation per instruction). */
export const view = new DataView(fxImage.buffer, fxImage.byteOffset, USED);

export const wide = (i: Insn) => (i.rex & 8) !== 0;

/** XINUSE for x87 (bit 0) and SSE (bit 1), from the state (see above). */
export function xinuse(c: ExecContext): number {
  let used = 0;
  const x = c.x87;
  if (x.written || x.cw !== FCW_INIT || x.status() !== 0 || x.valid !== 0) used = XCR0_X87;
  else for (let p = 0; p < 8; p++) if ((x.lo[p]! | x.hi[p]! | x.se[p]!) !== 0) { used = XCR0_X87; break; }
  if (c.mxcsr !== MXCSR_RESET) return used | XCR0_SSE;
  const w = c.xmm.u32, step = VEC_SLOT_BYTES / 4;
  for (let r = 0; r < 16; r++) {
    const k = r * step;
    if ((w[k]! | w[k + 1]! | w[k + 2]! | w[k + 3]!) !== 0) return used | XCR0_SSE;
  }
  return used;
}

/**
 * The area's address: canonical (#SS(0) for a stack reference, else #GP(0)), then 64-byte aligned
 * (#GP(0)), then the page walk for all 576 bytes (at most two pages) before any byte is stored or
 * loaded, in the AMD host's order and CR2 (measured with the area across a page boundary, whatever
 * RFBM): the save forms check the first byte, then the last (CR2 = base + 575 for a bad second page);
 * the restore forms the header first (CR2 = base + 512), then the first byte (CR2 = base).
 * In 32-bit code the segment check of all 576 bytes comes first (compat-x87.ts).
 */
export function xsaveArea(c: ExecContext, i: Insn, write: boolean): number {
  const a = effectiveAddress(c, i);
  if (!isCanonicalAccess(a, XSAVE_AREA_SIZE)) c.raise(isStackReference(i) ? Vector.SS : Vector.GP, 0);
  if (a % XSAVE_ALIGN !== 0) c.raise(Vector.GP, 0);
  if (write) {
    c.mmu.probeWrite(a, 1);
    c.mmu.probeWrite(a + XSAVE_AREA_SIZE - 1, 1);
  } else {
    c.mmu.probeRead(a + XSAVE_LEGACY_SIZE, 1);
    c.mmu.probeRead(a, 1);
  }
  return a;
}

/** Writes image bytes [from, to) (multiples of 8) to the area at `a`. */
export function storeImage(c: ExecContext, a: number, from: number, to: number): void {
  for (let k = from; k < to; k += 8) c.mmu.write64(a + k, view.getInt32(k, true), view.getInt32(k + 4, true));
}

/** Reads the legacy region's used bytes of the area at `a` into the image. */
export function loadImage(c: ExecContext, a: number): void {
  const m = c.mmu;
  for (let k = 0; k < USED; k += 8) {
    view.setInt32(k, m.read64(a + k), true);
    view.setInt32(k + 4, m.hi, true);
  }
}

/** The x87 initial configuration (SDM Vol. 1 §13.6): FCW 037FH, FSW 0, all empty, pointers and FOP 0, R0-R7 0. */
export function initX87(c: ExecContext): void {
  const x = c.x87;
  x.init();
  x.lo.fill(0); x.hi.fill(0); x.se.fill(0);
}

/** The SSE initial configuration: XMM0-15 (or the first `count`) zero (MXCSR is the caller's: the forms differ). */
export function initXmm(c: ExecContext, count = 16): void {
  for (let r = 0; r < count; r++) c.xmm.u8.fill(0, r * VEC_SLOT_BYTES, r * VEC_SLOT_BYTES + 16);
}
