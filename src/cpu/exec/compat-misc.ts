// More of 32-bit code in compatibility mode (see compat.ts): instructions whose
// memory operand's size is not the decoded operand size (BT with a bit offset,
// MOV Sreg to memory, LSS/LFS/LGS, ARPL), PUSH/POP FS/GS and ENTER on the ESP
// stack. Every access goes through compat-segments.ts (segment type and limit).
import { Vector } from '../../arch/vectors.js';
import { RBP, RSP, SEG_SS } from '../../arch/registers.js';
import { ATTR_DB } from '../../arch/descriptors.js';
import type { Handler } from '../context.js';
import { loadOperand } from '../operands.js';
import { loadDataSegment } from '../segmentation.js';
import {
  compatAdjustStack, compatOperandAt, compatPeek, compatPush, segmentLinear, setStackPointer, stackPointer,
} from '../compat-segments.js';
import { applyBit } from './bits.js';
import { setZfOnly } from './move.js';

/**
 * BT/BTS/BTR/BTC m, r/imm (SDM BT; Vol. 1 §3.4.1 bit strings): a register bit
 * offset is signed and selects the operand-size unit at the operand's offset
 * + (offset >> 4) * 2 or (offset >> 5) * 4; the segment type and limit apply
 * to that unit. An immediate offset is taken modulo the operand width.
 */
export const compatBtMem: Handler = (c, i) => {
  const s = i.size0, op = i.param, v = c.ops;
  loadOperand(c, i, 1);
  const off = v.lo[1]!;
  let disp = 0;
  if (i.row.operands[1]!.kind === 'G') disp = s === 2 ? (((off << 16) >> 16) >> 4) * 2 : (off >> 5) * 4;
  const lin = compatOperandAt(c, i, disp, s, op !== 0);
  if (op !== 0) c.mmu.probeWrite(lin, s); // a read-modify-write faults as a write
  v.lo[0] = c.mmu.read(s, lin); v.hi[0] = 0;
  applyBit(c, i, op, off & (s * 8 - 1), lin);
};

/** MOV m16, Sreg (8C): always a 16-bit store, whatever the operand size (SDM MOV). */
export const compatMovFromSegMem: Handler = (c, i) => {
  c.mmu.write16(compatOperandAt(c, i, 0, 2, true), c.segSel[i.reg & 7]!);
};

/** PUSH FS/GS (0F A0, 0F A8): the selector zero-extended to the operand size. */
export const compatPushSeg: Handler = (c, i) => compatPush(c, i.opSize, c.segSel[i.param]!);

/** POP FS/GS (0F A1, 0F A9): the segment load's checks before the stack pointer moves. */
export const compatPopSeg: Handler = (c, i) => {
  loadDataSegment(c, i.param, compatPeek(c, i.opSize, 0) & 0xffff);
  compatAdjustStack(c, i.opSize);
};

/**
 * LSS/LFS/LGS r, m16:32 (m16:16 with 66): the offset then the selector, the
 * whole pointer checked against the segment (SDM LSS); outside 64-bit mode a
 * null selector for SS is #GP(0) at any CPL. The register is written after the
 * segment load succeeded.
 */
export const compatLoadFarPointer: Handler = (c, i) => {
  const s = i.opSize;
  const at = compatOperandAt(c, i, 0, s + 2, false);
  const lo = c.mmu.read(s, at);
  const sel = c.mmu.read(2, (at + s) >>> 0) & 0xffff;
  if (i.param === SEG_SS && (sel & ~3) === 0) c.raise(Vector.GP, 0);
  loadDataSegment(c, i.param, sel);
  c.setReg(s, i.reg, lo, 0);
};

/** ARPL r/m16, r16 (63): if the destination's RPL is below the source's, ZF = 1 and it is raised to it, else ZF = 0 (SDM ARPL). */
export const compatArpl: Handler = (c, i) => {
  const src = c.regLo[i.reg]! & 0xffff;
  if (!i.isMem) {
    const d = c.regLo[i.rm]! & 0xffff;
    const raise = (d & 3) < (src & 3);
    if (raise) c.setReg(2, i.rm, (d & ~3) | (src & 3), 0);
    setZfOnly(c, raise);
    return;
  }
  const at = compatOperandAt(c, i, 0, 2, true); // a write to a non-writable segment is #GP(0) either way
  c.mmu.probeWrite(at, 2);
  const d = c.mmu.read(2, at) & 0xffff;
  const raise = (d & 3) < (src & 3);
  if (raise) c.mmu.write16(at, (d & ~3) | (src & 3));
  setZfOnly(c, raise);
};

/**
 * ENTER imm16, imm8 (SDM ENTER, StackSize 32 or 16): push EBP; with a nesting
 * level L > 0, L - 1 frame pointers copied from SS:[EBP - k * size] and then
 * the new frame pointer pushed; EBP = the frame (BP with 66) and the stack
 * pointer lowered by imm16. The new stack pointer must lie within the SS limit
 * and its page be writable (#SS(0) / #PF, "a write using the final value of
 * the stack pointer"); a fault leaves ESP and EBP as they were.
 */
export const compatEnter: Handler = (c, i) => {
  const s = i.opSize, alloc = i.imm & 0xffff, level = i.imm2 & 31;
  const wrap = (v: number) => (c.segAttr[SEG_SS]! & ATTR_DB) ? v >>> 0 : v & 0xffff;
  const rspLo = c.regLo[RSP]!, rspHi = c.regHi[RSP]!, rbpLo = c.regLo[RBP]!, rbpHi = c.regHi[RBP]!;
  try {
    compatPush(c, s, c.regLo[RBP]!);
    const frame = stackPointer(c);
    if (level > 0) {
      let bp = c.regLo[RBP]!;
      for (let k = 1; k < level; k++) {
        bp = wrap(bp - s);
        compatPush(c, s, c.mmu.read(s, segmentLinear(c, SEG_SS, bp, s, false)));
      }
      compatPush(c, s, frame);
    }
    const top = wrap(stackPointer(c) - alloc);
    c.mmu.probeWrite(segmentLinear(c, SEG_SS, top, 1, true), 1);
    c.setReg(s, RBP, frame, 0);
    setStackPointer(c, top);
  } catch (e) {
    c.regLo[RSP] = rspLo; c.regHi[RSP] = rspHi; c.regLo[RBP] = rbpLo; c.regHi[RBP] = rbpHi;
    throw e;
  }
};
