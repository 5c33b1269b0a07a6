// Segmentation for 32-bit code in compatibility mode (CS.L = 0 in IA-32e mode):
// SDM Vol. 3A §3.4.3 / §5.3 (limit checking) and §5.2.1 (compatibility mode
// uses segments as in protected mode), APM Vol. 2 §4.7-4.8. Effective
// addresses are 32 (or 16) bits; linear = segment base + offset, mod 2^32.
// Only instructions decoded as 32-bit code (Insn.compat) come here, so the
// 64-bit paths pay nothing for it.
import { Vector } from '../arch/vectors.js';
import { RSP, SEG_DS, SEG_SS } from '../arch/registers.js';
import { ATTR_DB, ATTR_P, TYPE_CODE, TYPE_EC, TYPE_RW } from '../arch/descriptors.js';
import type { Insn } from '../isa/insn.js';
import type { ExecContext } from './context.js';

/**
 * The linear address of `size` bytes at `offset` in segment `seg`, after the
 * protected-mode checks (SDM §5.3, §5.4.1 "segment-type checks"): an unusable
 * (null) segment, a write to a code or read-only data segment, a read of an
 * execute-only code segment, and offsets beyond the limit (expand-down: at or
 * below it, or beyond 0xFFFF with B = 0) raise #GP(0), or #SS(0) for SS.
 */
export function segmentLinear(c: ExecContext, seg: number, offset: number, size: number, write: boolean): number {
  const attr = c.segAttr[seg]!;
  const vector = seg === SEG_SS ? Vector.SS : Vector.GP;
  if ((attr & ATTR_P) === 0) c.raise(vector, 0); // null selector or nothing loaded (§5.4.1)
  const type = attr & 0xf;
  if (type & TYPE_CODE) {
    if (write || (type & TYPE_RW) === 0) c.raise(vector, 0); // code: never written, read only if readable
  } else if (write && (type & TYPE_RW) === 0) c.raise(vector, 0);
  const last = offset + size - 1;
  const limit = c.segLimit[seg]!;
  if ((type & (TYPE_CODE | TYPE_EC)) === TYPE_EC) {
    // Expand-down data segment (SDM §5.3): valid offsets are limit+1 .. 0xFFFFFFFF (B = 1) or 0xFFFF.
    const upper = (attr & ATTR_DB) ? 0xffffffff : 0xffff;
    if (offset <= limit || last > upper) c.raise(vector, 0);
  } else if (last > limit) c.raise(vector, 0);
  return (c.segBase[seg]! + offset) >>> 0;
}

/** The offset (base + index << scale + disp, 32- or 16-bit wrap) of a 32-bit code memory operand. */
export function compatOffset(c: ExecContext, i: Insn): number {
  let off = i.disp;
  if (i.base >= 0) off += c.regLo[i.base]!;
  if (i.index >= 0) off += c.regLo[i.index]! << i.scale;
  return i.addrSize === 2 ? off & 0xffff : off >>> 0;
}

/** The default segment of a ModRM memory operand: SS for ESP/EBP (BP in ModRM16) bases, else DS (SDM Vol. 1 §3.7.4). */
export function defaultSegment(i: Insn): number {
  if (i.seg >= 0) return i.seg;
  return i.base === RSP || i.base === 5 ? SEG_SS : SEG_DS;
}

/** effectiveAddress for 32-bit code: the ModRM memory operand (Insn.memSize bytes) checked against its segment. */
export function compatEffectiveAddress(c: ExecContext, i: Insn): number {
  return segmentLinear(c, defaultSegment(i), compatOffset(c, i), i.memSize, (i.memAccess & 2) !== 0);
}

/** The ModRM memory operand's linear address for `size` bytes at `disp` bytes past its offset (wrapped at the address size). */
export function compatOperandAt(c: ExecContext, i: Insn, disp: number, size: number, write: boolean): number {
  const off = compatOffset(c, i) + disp;
  return segmentLinear(c, defaultSegment(i), i.addrSize === 2 ? off & 0xffff : off >>> 0, size, write);
}

/** A moffs operand in 32-bit code: DS (or the override) at the 32/16-bit immediate offset. */
export function compatMoffsAddress(c: ExecContext, i: Insn, size: number, write: boolean): number {
  const off = i.addrSize === 2 ? i.imm & 0xffff : i.imm >>> 0;
  return segmentLinear(c, i.seg >= 0 ? i.seg : SEG_DS, off, size, write);
}

// ---- the stack of 32-bit code: ESP (SS.B = 1) or SP (SS.B = 0), SS base and limit (#SS(0)) ----

/** The stack pointer as an offset in SS: ESP, or SP when SS.B = 0. */
export function stackPointer(c: ExecContext): number {
  return (c.segAttr[SEG_SS]! & ATTR_DB) ? c.regLo[RSP]! >>> 0 : c.regLo[RSP]! & 0xffff;
}

/** Stores a new stack pointer: ESP (the upper half of RSP cleared, as any 32-bit write), or SP only. */
export function setStackPointer(c: ExecContext, offset: number): void {
  if (c.segAttr[SEG_SS]! & ATTR_DB) { c.regLo[RSP] = offset; c.regHi[RSP] = 0; }
  else c.regLo[RSP] = (c.regLo[RSP]! & ~0xffff) | (offset & 0xffff);
}

function wrapStack(c: ExecContext, offset: number): number {
  return (c.segAttr[SEG_SS]! & ATTR_DB) ? offset >>> 0 : offset & 0xffff;
}

/** Pushes `size` bytes (2 or 4); the stack pointer moves only once the write succeeded. */
export function compatPush(c: ExecContext, size: number, value: number): void {
  const sp = wrapStack(c, stackPointer(c) - size);
  c.mmu.write(size, segmentLinear(c, SEG_SS, sp, size, true), value, 0);
  setStackPointer(c, sp);
}

/** Reads `size` bytes at stack pointer + `offset` without moving it. */
export function compatPeek(c: ExecContext, size: number, offset: number): number {
  const sp = wrapStack(c, stackPointer(c) + offset);
  return c.mmu.read(size, segmentLinear(c, SEG_SS, sp, size, false));
}

/** Moves the stack pointer by `delta` (with the 32- or 16-bit wrap). */
export function compatAdjustStack(c: ExecContext, delta: number): void {
  setStackPointer(c, wrapStack(c, stackPointer(c) + delta));
}
