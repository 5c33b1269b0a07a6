// The operand stage of the SSE rows: XMM registers are slots of the vector
// register file (vector-registers.ts), and a memory operand of 4, 8 or 16
// bytes goes through the one MMU path. A source operand in memory is read
// into a scratch slot, so executors see every source as a slot number.
//   - A 16-byte access is two 8-byte accesses after a translation of the
//     whole range: a fault (the CR2 of the first byte that faults, the start
//     of the second page for a straddling access) leaves nothing read or written.
//   - Rows with the `a16` attribute raise #GP(0) for a 16-byte operand that
//     is not 16-byte aligned (SDM Vol. 1 §10.4.1.1; Vol. 2 MOVAPS "#GP(0) If a
//     memory operand is not aligned on a 16-byte boundary"), after the
//     canonical check and before any page fault.
import { Vector } from '../arch/vectors.js';
import type { Insn } from '../isa/insn.js';
import { Attr } from '../isa/table.js';
import type { ExecContext } from './context.js';
import { effectiveAddress } from './operands.js';
import { XMM_TMP } from './vector-registers.js';

/** The linear address of the instruction's memory operand, with the alignment rule of `a16` rows. */
export function vecAddress(c: ExecContext, i: Insn): number {
  const a = effectiveAddress(c, i);
  if ((i.row.attrs & Attr.A16) !== 0 && (a & 15) !== 0) c.raise(Vector.GP, 0);
  return a;
}

/** Reads `size` (2, 4, 8 or 16) bytes at `a` into slot `slot`, zeroing the rest of its 16 bytes. */
export function readVec(c: ExecContext, a: number, size: number, slot: number): void {
  const x = c.xmm.i32, d = slot * 8, m = c.mmu;
  if (size === 16) {
    m.probeRead(a, 16);
    x[d] = m.read64(a); x[d + 1] = m.hi;
    x[d + 2] = m.read64(a + 8); x[d + 3] = m.hi;
    return;
  }
  if (size === 8) { x[d] = m.read64(a); x[d + 1] = m.hi; }
  else { x[d] = size === 4 ? m.read32(a) : size === 2 ? m.read16(a) : m.read8(a); x[d + 1] = 0; }
  x[d + 2] = 0; x[d + 3] = 0;
}

/** Writes the low `size` (4, 8 or 16) bytes of slot `slot` at `a`; nothing is written if any byte faults. */
export function writeVec(c: ExecContext, a: number, size: number, slot: number): void {
  const x = c.xmm.i32, d = slot * 8, m = c.mmu;
  if (size === 16) {
    m.probeWrite(a, 16);
    m.write64(a, x[d]!, x[d + 1]!);
    m.write64(a + 8, x[d + 2]!, x[d + 3]!);
  } else if (size === 8) m.write64(a, x[d]!, x[d + 1]!);
  else if (size === 4) m.write32(a, x[d]!);
  else m.write16(a, x[d]! & 0xffff);
}

/** The slot of the W (or U) source operand: the ModRM.rm register, or the memory operand (Insn.memSize bytes) read into XMM_TMP. */
export function sourceSlot(c: ExecContext, i: Insn): number {
  if (!i.isMem) return i.rm;
  readVec(c, vecAddress(c, i), i.memSize, XMM_TMP);
  return XMM_TMP;
}

/** Copies the 16 bytes of slot `s` to slot `d`. */
export function copySlot(c: ExecContext, d: number, s: number): void {
  const x = c.xmm.i32, a = d * 8, b = s * 8;
  x[a] = x[b]!; x[a + 1] = x[b + 1]!; x[a + 2] = x[b + 2]!; x[a + 3] = x[b + 3]!;
}
