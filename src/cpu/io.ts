// Port I/O with its permission check (SDM Vol. 1 §19.5; APM Vol. 2 §13.3):
// above IOPL, every bit of the TSS I/O permission bitmap that covers a byte of
// the access must be 0, and the bytes read must lie within the TSS limit.
import { Vector } from '../arch/vectors.js';
import { IOPL, IOPL_SHIFT } from '../arch/rflags.js';
import { ACC_READ_SUP } from '../mmu/mmu.js';
import { DR7_ENABLES } from '../arch/control-registers.js';
import type { ExecContext } from './context.js';
import { ioBreakpoints } from './debug.js';

/** 64-bit TSS: the I/O map base is the 16-bit field at offset 0x66. */
const TSS_IOMAP_BASE = 0x66;

export function checkIoPermission(c: ExecContext, port: number, size: number): void {
  const iopl = (c.flagsRest & IOPL) >> IOPL_SHIFT;
  if (c.cpl <= iopl) return;
  if (c.trLimit < TSS_IOMAP_BASE + 1) c.raise(Vector.GP, 0);
  const mapBase = c.mmu.readWith(c.trBase + TSS_IOMAP_BASE, 2, ACC_READ_SUP);
  // The bits of the access may span two bytes of the bitmap: the CPU reads both.
  const byteOff = mapBase + (port >> 3);
  if (byteOff + 1 > c.trLimit) c.raise(Vector.GP, 0);
  const bits = c.mmu.readWith(c.trBase + byteOff, 2, ACC_READ_SUP);
  const mask = ((1 << size) - 1) << (port & 7);
  if (bits & mask) c.raise(Vector.GP, 0);
}

export function portIn(c: ExecContext, port: number, size: number): number {
  checkIoPermission(c, port, size);
  if (c.dr7 & DR7_ENABLES) ioBreakpoints(c, port, size);
  return c.io.claimed(port) ? c.io.read(port, size) : c.hostIo.read(port, size as 1 | 2 | 4);
}

export function portOut(c: ExecContext, port: number, size: number, value: number): void {
  checkIoPermission(c, port, size);
  if (c.dr7 & DR7_ENABLES) ioBreakpoints(c, port, size);
  if (c.io.claimed(port)) c.io.write(port, size, value);
  else c.hostIo.write(port, size as 1 | 2 | 4, value);
}
