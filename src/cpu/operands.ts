// The operand stage (decode → load → execute → write back, as QEMU's new i386
// decoder does): operands are loaded into the operand values (slot k for
// operand k) and written back from them generically, driven by the row's
// operand letters and access markers, so an executor is just its operation.
// Also the effective-address computation (SDM Vol. 1 §3.7.5, Vol. 3A §3.3.7.1).
import { Vector } from '../arch/vectors.js';
import { SEG_FS, SEG_SS } from '../arch/registers.js';
import { BASE_RIP, LOC_REG, LOC_MEM, LOC_IMM, LOC_IMM2, LOC_MOFFS, LOC_ONE, LOC_SEG, type Insn } from '../isa/insn.js';
import type { ExecContext } from './context.js';
import { compatEffectiveAddress, compatMoffsAddress } from './compat-segments.js';

const TWO32 = 4294967296;
/** Canonical addresses lie in [-2^47, 2^47). */
export const CANON_LIMIT = 0x800000000000;

export function isCanonical(lin: number): boolean {
  return lin < CANON_LIMIT && lin >= -CANON_LIMIT;
}

/** Whether every byte of a `size`-byte access at `lin` is canonical: its first and its last (SDM Vol. 3A §3.3.7.1). */
export function isCanonicalAccess(lin: number, size: number): boolean {
  return lin + size <= CANON_LIMIT && lin >= -CANON_LIMIT;
}

/** Scratch slot for address arithmetic (not an operand). */
const SCRATCH = 3;

/** Linear address of the memory operand, with the canonical check (#GP(0), or #SS(0) for stack references). */
export function effectiveAddress(c: ExecContext, i: Insn): number {
  if (i.addrSize !== 8) return effectiveAddressShort(c, i);
  let lin = i.disp;
  const b = i.base, x = i.index;
  if (b >= 0) {
    if (b === BASE_RIP) lin += c.rip;
    else {
      const h = c.regHi[b]!;
      if (h > 0x7fff || h < -0x8000) return effectiveAddressExact(c, i);
      lin += h * TWO32 + (c.regLo[b]! >>> 0);
    }
  }
  if (x >= 0) {
    const h = c.regHi[x]!;
    if (h > 0x7fff || h < -0x8000) return effectiveAddressExact(c, i);
    lin += (h * TWO32 + (c.regLo[x]! >>> 0)) * (1 << i.scale);
  }
  if (i.seg >= SEG_FS) lin += c.segBase[i.seg]!;
  // The last MAX_OPERAND bytes below 2^47 too: an access there may end beyond it.
  if (lin > CANON_LIMIT - MAX_OPERAND || lin < -CANON_LIMIT) return effectiveAddressExact(c, i);
  return lin;
}

/** The widest memory operand (bytes) the table has: V/W operands of 32 bytes leave room for YMM. */
const MAX_OPERAND = 32;

/** The size of the instruction's memory operand (its widest, for the canonical check of its last byte). */
function memoryOperandSize(i: Insn): number {
  let s = 0;
  if (i.loc0 === LOC_MEM && i.size0 > s) s = i.size0;
  if (i.loc1 === LOC_MEM && i.size1 > s) s = i.size1;
  if (i.loc2 === LOC_MEM && i.size2 > s) s = i.size2;
  return s || i.opSize;
}

/**
 * A 32-bit (67 prefix) address in 64-bit mode: the offset wraps at 2^32 and is
 * zero-extended, then FS/GS add their base. 32-bit code (compatibility mode)
 * goes to its segmented path (compat-segments.ts).
 */
function effectiveAddressShort(c: ExecContext, i: Insn): number {
  if (i.compat) return compatEffectiveAddress(c, i);
  let off = i.disp;
  const b = i.base, x = i.index;
  if (b === BASE_RIP) off += c.rip;
  else if (b >= 0) off += c.regLo[b]!;
  if (x >= 0) off += c.regLo[x]! << i.scale;
  let lin = off >>> 0;
  if (i.seg >= SEG_FS) lin += c.segBase[i.seg]!;
  if (!isCanonicalAccess(lin, memoryOperandSize(i))) {
    c.raise(isStackReference(i) ? Vector.SS : Vector.GP, 0);
  }
  return lin;
}

/**
 * The offset of the memory operand (base + index << scale + disp, no segment)
 * with exact 64-bit wrap-around (zero-extended from 32 bits with a 67 prefix),
 * stored at index k of the int32 pair (loOut, hiOut): an operand slot, or a
 * register. LEA's result; the exact path of effectiveAddress.
 */
export function addressOffset(c: ExecContext, i: Insn, loOut: Int32Array, hiOut: Int32Array, k: number): void {
  let lo = i.disp, hi = i.disp >> 31;
  const b = i.base;
  if (b >= 0) {
    let bl: number, bh: number;
    if (b === BASE_RIP) { bh = Math.floor(c.rip / TWO32); bl = (c.rip - bh * TWO32) | 0; }
    else { bl = c.regLo[b]!; bh = c.regHi[b]!; }
    const sum = (lo >>> 0) + (bl >>> 0);
    lo = sum | 0;
    hi = (hi + bh + (sum > 0xffffffff ? 1 : 0)) | 0;
  }
  const x = i.index;
  if (x >= 0) {
    const sc = i.scale;
    let xl = c.regLo[x]!, xh = c.regHi[x]!;
    if (sc) { xh = (xh << sc) | (xl >>> (32 - sc)); xl <<= sc; }
    const sum = (lo >>> 0) + (xl >>> 0);
    lo = sum | 0;
    hi = (hi + xh + (sum > 0xffffffff ? 1 : 0)) | 0;
  }
  loOut[k] = lo;
  hiOut[k] = i.addrSize === 4 ? 0 : hi;
}

/** effectiveAddress for register values beyond ±2^47: exact 64-bit arithmetic, then the canonical check. */
function effectiveAddressExact(c: ExecContext, i: Insn): number {
  addressOffset(c, i, c.ops.lo, c.ops.hi, SCRATCH);
  let lo = c.ops.lo[SCRATCH]!, hi = c.ops.hi[SCRATCH]!;
  if (i.seg >= SEG_FS) {
    const base = c.segBase[i.seg]!;
    const bh = Math.floor(base / TWO32), bl = base - bh * TWO32;
    const sum = (lo >>> 0) + bl;
    lo = sum | 0;
    hi = (hi + bh + (sum > 0xffffffff ? 1 : 0)) | 0;
  }
  const lin = hi * TWO32 + (lo >>> 0);
  // Bits 63:47 equal, for the first and the last byte of the access (SDM Vol. 3A §3.3.7.1).
  if (!isCanonicalAccess(lin, memoryOperandSize(i))) {
    c.raise(isStackReference(i) ? Vector.SS : Vector.GP, 0);
  }
  return lin;
}

/** A memory operand based on RSP or RBP without a segment override is a stack reference (#SS, not #GP). */
export function isStackReference(i: Insn): boolean {
  return i.seg === SEG_SS || (i.seg < 0 && (i.base === 4 || i.base === 5));
}

/** Linear address of a moffs operand (A0-A3): the immediate is the absolute offset. */
function moffsAddress(c: ExecContext, i: Insn, size: number, write: boolean): number {
  if (i.compat) return compatMoffsAddress(c, i, size, write);
  let lin = i.addrSize === 8 ? i.immHi * TWO32 + (i.imm >>> 0) : i.imm >>> 0;
  if (i.seg >= SEG_FS) lin += c.segBase[i.seg]!;
  if (!isCanonicalAccess(lin, size)) c.raise(Vector.GP, 0);
  return lin;
}

/**
 * Loads operand k into slot k. A memory operand the instruction also writes
 * ('+') is checked for writing first: the hardware reports a fault on a
 * read-modify-write operand as a write (#PF with W=1).
 */
export function loadOperand(c: ExecContext, i: Insn, k: number): void {
  if (k === 0) load(c, i, 0, i.loc0, i.reg0, i.size0);
  else if (k === 1) load(c, i, 1, i.loc1, i.reg1, i.size1);
  else load(c, i, 2, i.loc2, i.reg2, i.size2);
}

function load(c: ExecContext, i: Insn, k: number, loc: number, reg: number, size: number): void {
  const v = c.ops;
  switch (loc) {
    case LOC_REG:
      if (size === 8) { v.lo[k] = c.regLo[reg]!; v.hi[k] = c.regHi[reg]!; return; }
      v.lo[k] = size === 4 ? c.regLo[reg]! : c.getReg(size, reg);
      v.hi[k] = 0;
      return;
    case LOC_MEM: {
      const a = effectiveAddress(c, i);
      v.ea = a;
      if (i.memAccess === 3) c.mmu.probeWrite(a, size);
      v.lo[k] = c.mmu.read(size, a);
      v.hi[k] = size === 8 ? c.mmu.hi : 0;
      return;
    }
    case LOC_IMM: v.lo[k] = i.imm; v.hi[k] = i.immHi; return;
    case LOC_IMM2: v.lo[k] = i.imm2; v.hi[k] = 0; return;
    case LOC_MOFFS: {
      const a = moffsAddress(c, i, size, false);
      v.lo[k] = c.mmu.read(size, a);
      v.hi[k] = size === 8 ? c.mmu.hi : 0;
      return;
    }
    case LOC_ONE: v.lo[k] = 1; v.hi[k] = 0; return;
    case LOC_SEG: v.lo[k] = c.segSel[reg]!; v.hi[k] = 0; return;
    default: throw new Error(`operand stage: operand ${k} of ${i.row.id} is not loaded by the stage`);
  }
}

/** Writes slot k back to operand k (a write-only memory operand computes its address now). */
export function storeOperand(c: ExecContext, i: Insn, k: number): void {
  if (k === 0) store(c, i, 0, i.loc0, i.reg0, i.size0);
  else if (k === 1) store(c, i, 1, i.loc1, i.reg1, i.size1);
  else store(c, i, 2, i.loc2, i.reg2, i.size2);
}

function store(c: ExecContext, i: Insn, k: number, loc: number, reg: number, size: number): void {
  const v = c.ops;
  const lo = v.lo[k]!;
  switch (loc) {
    case LOC_REG:
      if (size === 8) { c.regLo[reg] = lo; c.regHi[reg] = v.hi[k]!; }
      else if (size === 4) { c.regLo[reg] = lo; c.regHi[reg] = 0; }
      else c.setReg(size, reg, lo, 0);
      return;
    case LOC_MEM: c.mmu.write(size, i.memAccess === 2 ? effectiveAddress(c, i) : v.ea, lo, v.hi[k]!); return;
    case LOC_MOFFS: c.mmu.write(size, moffsAddress(c, i, size, true), lo, v.hi[k]!); return;
    default: throw new Error(`operand stage: operand ${k} of ${i.row.id} is not written by the stage`);
  }
}
