// Registers and addresses of the string instructions (SDM Vol. 1 §7.3.9):
// [seg:rSI] and ES:[rDI] with a 64- or 32-bit (67) address size, the repeat
// count in rCX, and the direction flag.
import { Vector } from '../../arch/vectors.js';
import { DF } from '../../arch/rflags.js';
import { RCX, SEG_FS } from '../../arch/registers.js';
import { PFX_REP, PFX_REPNE, type Insn } from '../../isa/insn.js';
import type { ExecContext } from '../context.js';
import { isCanonicalAccess } from '../operands.js';

const TWO32 = 4294967296;

/** Linear address of RSI/RDI at the instruction's address size, plus the FS/GS base for `seg`, for a `size`-byte element. */
export function strAddr(c: ExecContext, r: number, a32: boolean, seg: number, size = 1): number {
  let lin = a32 ? c.regLo[r]! >>> 0 : c.regHi[r]! * TWO32 + (c.regLo[r]! >>> 0);
  if (seg >= SEG_FS) lin += c.segBase[seg]!;
  // A non-canonical first or last byte raises #GP(0) (DS/ES/FS/GS, never SS here).
  if (!isCanonicalAccess(lin, size)) c.raise(Vector.GP, 0);
  return lin;
}

/** RSI/RDI += delta (|delta| < 2^32), wrapping at the address size. */
export function advance(c: ExecContext, r: number, a32: boolean, delta: number): void {
  if (a32) {
    c.regLo[r] = (c.regLo[r]! + delta) | 0;
    c.regHi[r] = 0;
    return;
  }
  const lo = (c.regLo[r]! >>> 0) + delta;
  if (lo >= TWO32) { c.regLo[r] = lo - TWO32; c.regHi[r] = c.regHi[r]! + 1; }
  else if (lo < 0) { c.regLo[r] = lo + TWO32; c.regHi[r] = c.regHi[r]! - 1; }
  else c.regLo[r] = lo;
}

/** The repeat count (RCX or ECX) as a number (inexact above 2^53, which only matters for "non-zero"). */
export function count(c: ExecContext, a32: boolean): number {
  const lo = c.regLo[RCX]! >>> 0;
  return a32 ? lo : (c.regHi[RCX]! >>> 0) * TWO32 + lo;
}

/** RCX -= k (k <= count); ECX with a 67 prefix (zero-extended). */
export function consume(c: ExecContext, a32: boolean, k: number): void {
  if (a32) {
    c.regLo[RCX] = (c.regLo[RCX]! - k) | 0;
    c.regHi[RCX] = 0;
    return;
  }
  const lo = (c.regLo[RCX]! >>> 0) - k;
  if (lo < 0) { c.regLo[RCX] = lo + TWO32; c.regHi[RCX] = c.regHi[RCX]! - 1; }
  else c.regLo[RCX] = lo;
}

export const df = (c: ExecContext): boolean => (c.flagsRest & DF) !== 0;
export const isRep = (i: Insn): boolean => (i.prefixes & (PFX_REP | PFX_REPNE)) !== 0;

/** Re-executes the instruction if the count is not exhausted. */
export function again(c: ExecContext, n: number): void {
  if (n > 0) c.rip = c.insnStart;
}
