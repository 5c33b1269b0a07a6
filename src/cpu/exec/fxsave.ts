// FXSAVE / FXRSTOR (SDM Vol. 2A FXSAVE Tables 3-53 and 3-55, FXRSTOR; APM Vol. 4 FXSAVE): the
// x87, MXCSR and XMM0-15 state in a 512-byte area that must be 16-byte aligned (#GP(0) otherwise,
// after the canonical check). REX.W selects the 64-bit layout (FIP and FDP as 64-bit offsets),
// without it FIP[31:0], FCS, FDP[31:0], FDS. Bytes 416-511 are neither written nor read.
// AMD stores FOP, FIP and FDP only while FSW.ES = 1 (x87-state.ts); FXRSTOR loads them whatever
// ES says, and recomputes ES and B from the loaded flags and masks (host-checked).
// FXRSTOR with an MXCSR bit outside MXCSR_MASK raises #GP(0) and changes nothing.
// EFER.FFXSR (AMD's fast FXSAVE) is not writable in this model, so XMM is always saved.
import { Vector } from '../../arch/vectors.js';
import { MXCSR_MASK } from '../../arch/mxcsr.js';
import { FSW_B, FSW_ES, FSW_EXCEPTIONS } from '../../arch/x87.js';
import type { Insn } from '../../isa/insn.js';
import type { ExecContext, Handler } from '../context.js';
import { effectiveAddress, isCanonicalAccess, isStackReference } from '../operands.js';

const AREA = 512, USED = 416;
/** One reusable image (no allocation per instruction). */
const img = new Uint8Array(USED);
const view = new DataView(img.buffer);

function area(c: ExecContext, i: Insn, write: boolean): number {
  const a = effectiveAddress(c, i);
  if (!isCanonicalAccess(a, AREA)) c.raise(isStackReference(i) ? Vector.SS : Vector.GP, 0);
  if (a % 16 !== 0) c.raise(Vector.GP, 0);
  if (write) c.mmu.probeWrite(a, USED);
  else c.mmu.probeRead(a, USED);
  return a;
}

const wide = (i: Insn) => (i.rex & 8) !== 0;

/**
 * Fills the shared image with the 416 used bytes of an FXSAVE area (x87, MXCSR, MXCSR_MASK,
 * XMM0-15); `wide` selects the 64-bit layout. XSAVE's legacy region is this image (exec/xsave.ts).
 */
export function fillFxImage(c: ExecContext, wide: boolean): Uint8Array {
  const x = c.x87;
  x.writeFxImage(img, c.vendor);
  if (!wide) {
    // the 32-bit layout: FIP[31:0], FCS, FDP[31:0], FDS (reserved words zero)
    const pointers = c.vendor === 'intel' || (x.sw & FSW_ES) !== 0;
    view.setUint32(8, pointers ? x.fip : 0, true);
    view.setUint32(12, pointers ? x.fcs & 0xffff : 0, true);
    view.setUint32(16, pointers ? x.fdp : 0, true);
    view.setUint32(20, pointers ? x.fds & 0xffff : 0, true);
  }
  view.setUint32(24, c.mxcsr, true);
  view.setUint32(28, MXCSR_MASK, true);
  for (let r = 0; r < 16; r++) img.set(c.xmm.u8.subarray(r * 32, r * 32 + 16), 160 + 16 * r);
  return img;
}

/** The shared image (read from memory by the caller before loadFx*). */
export const fxImage = img;

/** Loads the x87 state from the shared image (the bytes 0-23 and 32-159 of an FXSAVE area). */
export function loadFxX87(c: ExecContext, wide: boolean): void {
  const x = c.x87;
  x.readFxImage(img);
  x.cw = (x.cw & 0x1f3f) | 0x40; // FCW's fixed bits (as FLDCW)
  if (!wide) {
    x.fipHi = 0; x.fcs = view.getUint16(12, true);
    x.fdpHi = 0; x.fds = view.getUint16(20, true);
  } else {
    x.fcs = 0; x.fds = 0; // the 64-bit layout has none: FNSTENV then stores 0 (host-checked)
  }
  // ES and B follow the loaded flags and masks (host-checked)
  if (x.sw & ~x.cw & FSW_EXCEPTIONS) x.sw |= FSW_ES | FSW_B;
  else x.sw &= ~(FSW_ES | FSW_B);
}

/** XMM0-15 (or the first `count`) from the shared image (bytes 160-415). */
export function loadFxXmm(c: ExecContext, count = 16): void {
  for (let r = 0; r < count; r++) c.xmm.u8.set(img.subarray(160 + 16 * r, 176 + 16 * r), r * 32);
}

/** MXCSR from the shared image (byte 24); #GP(0) for a bit outside MXCSR_MASK, before any change. */
export function fxImageMxcsr(c: ExecContext): number {
  const mxcsr = view.getUint32(24, true);
  if (mxcsr & ~MXCSR_MASK) c.raise(Vector.GP, 0);
  return mxcsr;
}

export const fxsave: Handler = (c, i) => {
  const a = area(c, i, true);
  fillFxImage(c, wide(i));
  for (let k = 0; k < USED; k += 8) c.mmu.write64(a + k, view.getInt32(k, true), view.getInt32(k + 4, true));
};

export const fxrstor: Handler = (c, i) => {
  const a = area(c, i, false);
  for (let k = 0; k < USED; k += 8) {
    view.setInt32(k, c.mmu.read64(a + k), true);
    view.setInt32(k + 4, c.mmu.hi, true);
  }
  const mxcsr = fxImageMxcsr(c);
  loadFxX87(c, wide(i));
  c.mxcsr = mxcsr;
  loadFxXmm(c);
};
