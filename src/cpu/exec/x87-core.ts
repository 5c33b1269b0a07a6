// What every x87 executor shares (SDM Vol. 1 §8.5-8.7; APM Vol. 1 §6.4):
//  - waiting instructions first deliver a pending unmasked exception (FSW.ES): #MF with CR0.NE = 1;
//    with CR0.NE = 0 the hardware signals FERR# to an external interrupt controller, which this
//    model does not have: emulation-failure, said so (§8.7);
//  - non-control instructions record FIP/FCS, FOP and, with a memory operand, FDP/FDS (§8.1.8-8.1.9);
//  - stack faults: IE and SF, C1 = 1 on overflow, 0 on underflow; masked, the real indefinite is
//    the result; unmasked, nothing is written and TOP does not move (§8.5.1.1);
//  - the flags of an operation go to FSW; an unmasked one sets ES and B; an unmasked IE, DE or ZE
//    leaves the destination and TOP unchanged (§8.5, pre-computation exceptions), an unmasked OE/UE
//    delivers the re-biased result to a register (the FP core computes it, §8.5.4-8.5.5).
// Memory operands are read, and written ones probed, before any x87 state changes, so a #PF or
// #GP leaves the FPU as it was.
import { Vector } from '../../arch/vectors.js';
import { CR0_NE } from '../../arch/control-registers.js';
import { SEG_CS, SEG_DS, SEG_FS, SEG_SS } from '../../arch/registers.js';
import {
  FCW_MASKS, FCW_PC_SHIFT, FCW_RC_SHIFT, FSW_B, FSW_C1, FSW_ES, FSW_IE, FSW_SF, FSW_DE, FSW_ZE,
} from '../../arch/x87.js';
import { compatOffset, defaultSegment } from '../compat-segments.js';
import type { Insn } from '../../isa/insn.js';
import type { FpEnv, FpResult } from '../../fpu/index.js';
import type { ExecContext } from '../context.js';
import { effectiveAddress, isStackReference } from '../operands.js';
import type { X87State } from '../x87-state.js';

/** The real indefinite (QNaN, sign 1): the masked response to an invalid operation (SDM Vol. 1 §4.8.3.7). */
export const INDEF_LO = 0, INDEF_HI = 0xc0000000, INDEF_SE = 0xffff;

/** A waiting instruction: delivers a pending unmasked exception before anything else. */
export function x87Wait(c: ExecContext): void {
  if (!(c.x87.sw & FSW_ES)) return;
  if (c.cr0 & CR0_NE) c.raise(Vector.MF);
  c.emulationFailure('pending x87 exception with CR0.NE = 0: the FERR#/IGNNE# external path is not modelled');
}

/** Records FIP/FCS and FOP of a non-control instruction (after its memory operand has been accessed). */
export function recordInstruction(c: ExecContext, i: Insn): void {
  const x = c.x87;
  x.setFip(c.insnStart);
  x.fcs = c.segSel[SEG_CS]!;
  x.fop = ((i.row.opcode & 7) << 8) | (i.modrm & 0xff);
}

/** Records FDP/FDS: the memory operand's offset (in 32/16-bit code: within its segment) and its segment selector. */
export function recordData(c: ExecContext, i: Insn, lin: number): void {
  const x = c.x87;
  if (i.compat) {
    x.setFdp(compatOffset(c, i));
    x.fds = c.segSel[defaultSegment(i)]!;
    return;
  }
  const seg = i.seg >= 0 ? i.seg : isStackReference(i) ? SEG_SS : SEG_DS;
  x.setFdp(i.seg >= SEG_FS ? lin - c.segBase[seg]! : lin);
  x.fds = c.segSel[seg]!;
}

/** The memory operand's linear address (canonical check on its whole size). */
export function x87Address(c: ExecContext, i: Insn): number {
  return effectiveAddress(c, i);
}

/** The FP core's environment set from FCW: RC, PC and which exceptions are unmasked. */
export function fpEnv(x: X87State): FpEnv {
  const e = x.env, cw = x.cw;
  e.rc = (cw >> FCW_RC_SHIFT) & 3;
  e.pc = (cw >> FCW_PC_SHIFT) & 3;
  e.unmasked = ~cw & FCW_MASKS;
  e.flags = 0;
  return e;
}

/**
 * Applies an operation's flags and C1 to FSW. Returns false when an unmasked IE, DE or ZE
 * suppresses the result (the destination and TOP stay as they were).
 */
export function applyFlags(x: X87State, flags: number, c1: number): boolean {
  x.sw = (x.sw & ~FSW_C1) | (c1 ? FSW_C1 : 0) | flags;
  const unmasked = flags & ~x.cw & FCW_MASKS;
  if (unmasked) x.sw |= FSW_ES | FSW_B;
  return (unmasked & (FSW_IE | FSW_DE | FSW_ZE)) === 0;
}

/**
 * A stack fault: IE and SF, C1 = 1 for an overflow, 0 for an underflow. Returns true when IE is
 * masked (the caller delivers the indefinite), false when unmasked (nothing else changes).
 */
export function stackFault(x: X87State, overflow: boolean): boolean {
  x.sw = (x.sw & ~FSW_C1) | FSW_IE | FSW_SF | (overflow ? FSW_C1 : 0);
  if (x.cw & FSW_IE) return true;
  x.sw |= FSW_ES | FSW_B;
  return false;
}

/**
 * Pushes a value: on an overflow (ST(7) not empty) the masked response pushes the indefinite,
 * the unmasked one changes nothing. Returns false when nothing was pushed.
 */
export function pushValue(x: X87State, lo: number, hi: number, se: number): boolean {
  if (!x.empty(7)) {
    if (!stackFault(x, true)) return false;
    lo = INDEF_LO; hi = INDEF_HI; se = INDEF_SE;
  }
  x.push();
  x.set(0, lo, hi, se);
  return true;
}

/** Writes the indefinite to ST(i). */
export function setIndefinite(x: X87State, i: number): void {
  x.set(i, INDEF_LO, INDEF_HI, INDEF_SE);
}

/** Reads a 10-byte (m80) operand at `a` into res (lo, hi significand, se). */
export function readM80(c: ExecContext, a: number, res: FpResult): void {
  const m = c.mmu;
  m.probeRead(a, 10);
  res.lo = m.read64(a) >>> 0;
  res.hi = m.hi >>> 0;
  res.se = m.read16(a + 8) & 0xffff;
}

/** Writes a 10-byte (m80) value; the caller probed the range. */
export function writeM80(c: ExecContext, a: number, lo: number, hi: number, se: number): void {
  c.mmu.write64(a, lo | 0, hi | 0);
  c.mmu.write16(a + 8, se & 0xffff);
}

/** Reads a float or integer memory operand of i.memSize bytes into lo/hi halves (integers sign-extended). */
export function readOperand(c: ExecContext, a: number, size: number, signed: boolean, res: FpResult): void {
  const m = c.mmu;
  if (size === 8) {
    res.lo = m.read64(a) >>> 0;
    res.hi = m.hi >>> 0;
  } else if (size === 4) {
    res.lo = m.read32(a) >>> 0;
    res.hi = signed ? (res.lo >> 31) >>> 0 : 0;
  } else {
    const v = (m.read16(a) << 16) >> 16;
    res.lo = v >>> 0;
    res.hi = (v >> 31) >>> 0;
  }
}
