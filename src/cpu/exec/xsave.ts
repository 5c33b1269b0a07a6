// XGETBV, XSETBV, XSAVE and XRSTOR in the standard format (SDM Vol. 1 Chapter 13, Vol. 2 XGETBV,
// XSETBV, XSAVE, XRSTOR; APM Vol. 2 §11.5). The model manages x87 and SSE only (arch/xsave.ts), both
// in the legacy region, which is the FXSAVE layout (exec/fxsave.ts; REX.W: the 64-bit layout).
// The requested-feature bitmap RFBM is EDX:EAX & XCR0. The model does not track XINUSE (the init
// optimization): every enabled component counts as in use, which the SDM allows (§13.6), so XSAVE
// sets XSTATE_BV[i] for each i in RFBM. XGETBV with ECX = 1 is not supported (CPUID.(EAX=0DH,ECX=1)
// :EAX[2] = 0): #GP(0). XSAVEOPT, XSAVEC, XSAVES and XRSTORS are not in the model (CPUID leaf 0DH.1
// reports none), so XRSTOR of a compacted area (XCOMP_BV[63] = 1) is #GP(0).
import { Vector } from '../../arch/vectors.js';
import { RAX, RCX, RDX } from '../../arch/registers.js';
import { XCR0_AVX, XCR0_SSE, XCR0_SUPPORTED, XCR0_X87, XSAVE_ALIGN, XSAVE_AREA_SIZE, XSAVE_LEGACY_SIZE } from '../../arch/xsave.js';
import type { Insn } from '../../isa/insn.js';
import type { ExecContext, Handler } from '../context.js';
import { effectiveAddress, isCanonicalAccess, isStackReference } from '../operands.js';
import { fillFxImage, fxImage, fxImageMxcsr, loadFxX87, loadFxXmm } from './fxsave.js';

const wide = (i: Insn) => (i.rex & 8) !== 0;
const XSTATE_BV = XSAVE_LEGACY_SIZE, XCOMP_BV = XSAVE_LEGACY_SIZE + 8;
/** The legacy region's used bytes (416-511 are neither written nor read) and a view of the shared image. */
const USED = 416;
const view = new DataView(fxImage.buffer, fxImage.byteOffset, USED);

/** XGETBV: EDX:EAX ← XCR[ECX]; only XCR0 exists (#GP(0) for any other ECX, upper RCX ignored). */
export const xgetbv: Handler = (c) => {
  if (c.regLo[RCX] !== 0) c.raise(Vector.GP, 0);
  c.setReg(4, RAX, c.xcr0, 0);
  c.setReg(4, RDX, 0, 0);
};

/**
 * XSETBV (CPL 0, checked by the row): XCR[ECX] ← EDX:EAX. #GP(0) for ECX ≠ 0, a bit the model does not
 * support (reserved or AVX…: only 1 and 3 are valid), bit 0 clear, or bit 2 without bit 1.
 */
export const xsetbv: Handler = (c) => {
  if (c.regLo[RCX] !== 0) c.raise(Vector.GP, 0);
  const lo = c.regLo[RAX]!, hi = c.regLo[RDX]!;
  if (hi !== 0 || (lo & ~XCR0_SUPPORTED) !== 0 || !(lo & XCR0_X87)) c.raise(Vector.GP, 0);
  if ((lo & XCR0_AVX) && !(lo & XCR0_SSE)) c.raise(Vector.GP, 0);
  c.xcr0 = lo;
};

/** The area's address: canonical (#SS(0) for a stack reference, else #GP(0)), then 64-byte aligned, then the page walk. */
function area(c: ExecContext, i: Insn, write: boolean): number {
  const a = effectiveAddress(c, i);
  if (!isCanonicalAccess(a, XSAVE_AREA_SIZE)) c.raise(isStackReference(i) ? Vector.SS : Vector.GP, 0);
  if (a % XSAVE_ALIGN !== 0) c.raise(Vector.GP, 0);
  if (write) c.mmu.probeWrite(a, XSAVE_AREA_SIZE);
  else c.mmu.probeRead(a, XSAVE_AREA_SIZE);
  return a;
}

/** Writes image bytes [from, to) (multiples of 8) to the area at `a`. */
function store(c: ExecContext, a: number, from: number, to: number): void {
  for (let k = from; k < to; k += 8) c.mmu.write64(a + k, view.getInt32(k, true), view.getInt32(k + 4, true));
}

/**
 * XSAVE (SDM Vol. 2 XSAVE, Vol. 1 §13.7): x87 (bytes 0-23, 32-159) if RFBM[0]; XMM0-15 (160-415) if
 * RFBM[1]; MXCSR and MXCSR_MASK (24-31) if RFBM[1] or RFBM[2]; then XSTATE_BV ← (old & ~RFBM) |
 * (XINUSE & RFBM). No other byte is written (the header's XCOMP_BV and the rest stay).
 */
export const xsave: Handler = (c, i) => {
  const rfbm = c.regLo[RAX]! & c.xcr0; // XCR0[63:32] = 0
  const a = area(c, i, true);
  fillFxImage(c, wide(i));
  if (rfbm & XCR0_X87) { store(c, a, 0, 24); store(c, a, 32, 160); }
  if (rfbm & (XCR0_SSE | XCR0_AVX)) store(c, a, 24, 32);
  if (rfbm & XCR0_SSE) store(c, a, 160, USED);
  const old = c.mmu.read64(a + XSTATE_BV), oldHi = c.mmu.hi;
  c.mmu.write64(a + XSTATE_BV, old | rfbm, oldHi);
};

/**
 * XRSTOR, standard form (SDM Vol. 2 XRSTOR, Vol. 1 §13.8.1). #GP(0), before any change: XCOMP_BV[63] = 1
 * (no XSAVEC in the model), a bit of XSTATE_BV outside XCR0, header bytes 8-23 not zero, or (RFBM[1] or
 * RFBM[2]) an MXCSR bit outside MXCSR_MASK. Then each component i of RFBM is loaded when XSTATE_BV[i] = 1,
 * else initialised (§13.6: x87 as FNINIT with ST0-7 zero; SSE: XMM0-15 zero). The standard form loads
 * MXCSR whenever RFBM[1] or RFBM[2] is set, whatever XSTATE_BV says (§13.8.1).
 */
export const xrstor: Handler = (c, i) => {
  const rfbm = c.regLo[RAX]! & c.xcr0;
  const a = area(c, i, false);
  const m = c.mmu;
  const bv = m.read64(a + XSTATE_BV), bvHi = m.hi;
  const comp = m.read64(a + XCOMP_BV), compHi = m.hi;
  const r2 = m.read64(a + XCOMP_BV + 8), r2Hi = m.hi;
  if (compHi !== 0 || comp !== 0 || r2 !== 0 || r2Hi !== 0) c.raise(Vector.GP, 0); // XCOMP_BV[63] included
  if (bvHi !== 0 || (bv & ~c.xcr0) !== 0) c.raise(Vector.GP, 0);
  for (let k = 0; k < USED; k += 8) {
    view.setInt32(k, m.read64(a + k), true);
    view.setInt32(k + 4, m.hi, true);
  }
  const loadMxcsr = (rfbm & (XCR0_SSE | XCR0_AVX)) !== 0;
  const mxcsr = loadMxcsr ? fxImageMxcsr(c) : c.mxcsr;
  if (rfbm & XCR0_X87) {
    if (bv & XCR0_X87) loadFxX87(c, wide(i));
    else initX87(c);
  }
  if (loadMxcsr) c.mxcsr = mxcsr;
  if (rfbm & XCR0_SSE) {
    if (bv & XCR0_SSE) loadFxXmm(c);
    else for (let r = 0; r < 16; r++) c.xmm.u8.fill(0, r * 32, r * 32 + 16);
  }
};

/** The x87 initial configuration (SDM Vol. 1 §13.6): FCW 037FH, FSW 0, all empty, pointers and FOP 0, ST0-7 0. */
function initX87(c: ExecContext): void {
  const x = c.x87;
  x.init();
  x.lo.fill(0); x.hi.fill(0); x.se.fill(0);
}
