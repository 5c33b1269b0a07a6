// Far transfers from 32-bit code in compatibility mode: indirect far JMP/CALL
// (FF /5, FF /3 with m16:32, or m16:16 with 66) and direct ones (EA, 9A with
// ptr16:32) to a code segment (32-bit or 64-bit code), and far RET (CB, CA) with far.ts's checks on the ESP stack
// (SDM JMP, CALL, RET protected-mode / IA-32e paths), or through a 64-bit call
// gate as from 64-bit code (far.ts). Task switches do not exist in IA-32e mode:
// a TSS or task gate target is #GP(selector), like every other system descriptor.
import { Vector } from '../../arch/vectors.js';
import { SEG_CS, SEG_SS } from '../../arch/registers.js';
import { ATTR_DB, ATTR_S, ATTR_TYPE, SYS_CALL_GATE, isCodeSegment } from '../../arch/descriptors.js';
import type { Insn } from '../../isa/insn.js';
import type { ExecContext, Handler } from '../context.js';
import { Descriptor, loadCodeSegment, markAccessed, readDescriptor } from '../segmentation.js';
import { compatAdjustStack, compatOperandAt, compatPeek, segmentLinear, setStackPointer, stackPointer } from '../compat-segments.js';
import { callThroughGate, checkCodeTarget, checkRip, farReturn, jumpThroughGate } from './far.js';

/** The target's descriptor and selector, left by the pointer readers below for the transfer. */
const target = new Descriptor();
let targetSel = 0;

/**
 * Looks the target selector up: null → #GP(0), beyond the table → #GP(sel); a
 * 64-bit call gate → true (the caller goes through it); any other system
 * descriptor (TSS, task gate, 16-bit call gate, LDT…) or a data segment →
 * #GP(sel) (SDM JMP/CALL: task switches are #GP in IA-32e mode); then the code
 * segment's checks (far.ts checkCodeTarget). The descriptor is left in `target`.
 */
function lookUpTarget(c: ExecContext, sel: number): boolean {
  const err = sel & 0xfffc;
  if (err === 0) c.raise(Vector.GP, 0);
  const attr = readDescriptor(c, sel, err, target).attr;
  if (!(attr & ATTR_S)) {
    if ((attr & ATTR_TYPE) !== SYS_CALL_GATE) c.raise(Vector.GP, err);
    return true;
  }
  if (!isCodeSegment(attr)) c.raise(Vector.GP, err);
  checkCodeTarget(c, sel, attr);
  return false;
}

/** The offset read with the selector, or GATE when the selector names a call gate. */
const GATE = -1;

/** JMP to targetSel:offset: the offset checked against the new CS (canonical for 64-bit code). */
function farJump(c: ExecContext, offset: number): void {
  if (offset === GATE) return jumpThroughGate(c, targetSel, target);
  checkRip(c, offset, target);
  markAccessed(c, target);
  loadCodeSegment(c, targetSel, target.base, target.limit, target.attr, c.cpl);
  c.rip = offset;
}

/**
 * CALL to targetSel:offset: CS (zero-extended) and EIP pushed at the operand size.
 * SDM CALL: the stack room (#SS(0)) is checked before the offset (#GP(0)),
 * both before anything is written; the pages are probed before either write.
 */
function farCall(c: ExecContext, i: Insn, offset: number): void {
  if (offset === GATE) return callThroughGate(c, targetSel, target);
  const s = i.opSize, sp = stackPointer(c);
  const wrap = (v: number) => (c.segAttr[SEG_SS]! & ATTR_DB) ? v >>> 0 : v & 0xffff;
  const csAt = segmentLinear(c, SEG_SS, wrap(sp - s), s, true);
  const ipAt = segmentLinear(c, SEG_SS, wrap(sp - 2 * s), s, true);
  checkRip(c, offset, target);
  c.mmu.probeWrite(csAt, s);
  c.mmu.probeWrite(ipAt, s);
  markAccessed(c, target);
  c.mmu.write(s, csAt, c.segSel[SEG_CS]!, 0);
  c.mmu.write(s, ipAt, c.rip, 0);
  setStackPointer(c, wrap(sp - 2 * s));
  loadCodeSegment(c, targetSel, target.base, target.limit, target.attr, c.cpl);
  c.rip = offset;
}

/** Reads m16:32 (m16:16 with 66): the offset (returned) then the selector (targetSel), all checked against the segment. */
function memoryPointer(c: ExecContext, i: Insn): number {
  const s = i.opSize;
  const at = compatOperandAt(c, i, 0, s + 2, false);
  const lo = c.mmu.read(s, at);
  targetSel = c.mmu.read(2, (at + s) >>> 0) & 0xffff;
  if (lookUpTarget(c, targetSel)) return GATE;
  return s === 2 ? lo & 0xffff : lo >>> 0;
}

/** The immediate ptr16:32 (ptr16:16 with 66) of EA/9A: the offset (returned) and the selector (targetSel). */
function immediatePointer(c: ExecContext, i: Insn): number {
  targetSel = i.imm2 & 0xffff;
  if (lookUpTarget(c, targetSel)) return GATE;
  return i.opSize === 2 ? i.imm & 0xffff : i.imm >>> 0;
}

/** JMP m16:32 (FF /5). */
export const compatJmpFar: Handler = (c, i) => farJump(c, memoryPointer(c, i));
/** CALL m16:32 (FF /3). */
export const compatCallFar: Handler = (c, i) => farCall(c, i, memoryPointer(c, i));
/** JMP ptr16:32 (EA; SDM JMP protected-mode path). */
export const compatJmpPtr: Handler = (c, i) => farJump(c, immediatePointer(c, i));
/** CALL ptr16:32 (9A; SDM CALL protected-mode path). */
export const compatCallPtr: Handler = (c, i) => farCall(c, i, immediatePointer(c, i));

/** RETF / RETF imm16 (CB, CA) from 32-bit code: far.ts's checks, EIP and CS popped from SS:ESP at the operand size. */
export const compatRetFar: Handler = (c, i) => farReturn(c, i, compatPeek, compatAdjustStack);
