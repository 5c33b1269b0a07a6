// Far transfers from 32-bit code in compatibility mode: indirect far JMP/CALL
// (FF /5, FF /3 with m16:32, or m16:16 with 66) to a code segment (32-bit or
// 64-bit code), and far RET (CB, CA) with far.ts's checks on the ESP stack
// (SDM JMP, CALL, RET protected-mode / IA-32e paths). A call gate, TSS or task
// gate target ends in emulation-failure (not implemented from 32-bit code).
import { Vector } from '../../arch/vectors.js';
import { SEG_CS, SEG_SS } from '../../arch/registers.js';
import { ATTR_DB, ATTR_S, isCodeSegment } from '../../arch/descriptors.js';
import type { Insn } from '../../isa/insn.js';
import type { ExecContext, Handler } from '../context.js';
import { Descriptor, loadCodeSegment, markAccessed, readDescriptor } from '../segmentation.js';
import { compatAdjustStack, compatOperandAt, compatPeek, segmentLinear, setStackPointer, stackPointer } from '../compat-segments.js';
import { checkCodeTarget, checkRip, farReturn } from './far.js';

const target = new Descriptor();
let targetSel = 0;

/**
 * Reads m16:32 (m16:16) — the offset then the selector, all of it checked
 * against the segment — and looks the selector up: null → #GP(0), beyond the
 * table → #GP(sel), a system descriptor → emulation-failure, a data segment →
 * #GP(sel); then the code segment's checks (far.ts checkCodeTarget). Returns the offset.
 */
function farPointer(c: ExecContext, i: Insn): number {
  const s = i.opSize;
  const at = compatOperandAt(c, i, 0, s + 2, false);
  const lo = c.mmu.read(s, at);
  targetSel = c.mmu.read(2, (at + s) >>> 0) & 0xffff;
  const err = targetSel & 0xfffc;
  if (err === 0) c.raise(Vector.GP, 0);
  const attr = readDescriptor(c, targetSel, err, target).attr;
  if (!(attr & ATTR_S)) c.emulationFailure(`${i.row.mnemonic} m16:${8 * s} through a system descriptor (gate or TSS) from 32-bit code is not implemented`);
  if (!isCodeSegment(attr)) c.raise(Vector.GP, err);
  checkCodeTarget(c, targetSel, attr);
  return s === 2 ? lo & 0xffff : lo >>> 0;
}

/** JMP m16:32 (FF /5): the offset checked against the new CS (canonical for 64-bit code). */
export const compatJmpFar: Handler = (c, i) => {
  const offset = farPointer(c, i);
  checkRip(c, offset, target);
  markAccessed(c, target);
  loadCodeSegment(c, targetSel, target.base, target.limit, target.attr, c.cpl);
  c.rip = offset;
};

/**
 * CALL m16:32 (FF /3): CS (zero-extended) and EIP pushed at the operand size.
 * SDM CALL: the stack room (#SS(0)) is checked before the offset (#GP(0)),
 * both before anything is written; the pages are probed before either write.
 */
export const compatCallFar: Handler = (c, i) => {
  const offset = farPointer(c, i);
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
};

/** RETF / RETF imm16 (CB, CA) from 32-bit code: far.ts's checks, EIP and CS popped from SS:ESP at the operand size. */
export const compatRetFar: Handler = (c, i) => farReturn(c, i, compatPeek, compatAdjustStack);
