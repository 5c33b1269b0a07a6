// The stack in 64-bit mode (SDM Vol. 1 §6.2, Vol. 3A §6.14.2): SS has base 0,
// RSP wraps at 2^64, and a non-canonical stack address raises #SS(0). Pushes
// and pops go through the one memory path; RSP moves only once the access
// succeeded, so a fault leaves it unchanged.
import { Vector } from '../arch/vectors.js';
import { RSP } from '../arch/registers.js';
import type { ExecContext } from './context.js';
import type { AccessCache } from '../mmu/mmu.js';
import { offsetInCopy } from '../mmu/tlb.js';
import { isCanonicalAccess } from './operands.js';

const TWO32 = 4294967296;

/**
 * RSP + delta as the linear address of a `size`-byte stack access, with the
 * canonical check of its first and last byte raising #SS(0) (SDM Vol. 3A
 * §6.15 Interrupt 12: a stack reference to a non-canonical address).
 */
export function stackAddress(c: ExecContext, delta: number, size = 1): number {
  const lin = c.regHi[RSP]! * TWO32 + (c.regLo[RSP]! >>> 0) + delta;
  if (!isCanonicalAccess(lin, size)) c.raise(Vector.SS, 0);
  return lin;
}

/** RSP += delta (|delta| < 2^32), with 64-bit wrap-around. */
export function adjustRsp(c: ExecContext, delta: number): void {
  const lo = (c.regLo[RSP]! >>> 0) + delta;
  if (lo >= TWO32) { c.regLo[RSP] = lo - TWO32; c.regHi[RSP] = c.regHi[RSP]! + 1; }
  else if (lo < 0) { c.regLo[RSP] = lo + TWO32; c.regHi[RSP] = c.regHi[RSP]! - 1; }
  else c.regLo[RSP] = lo;
}

/** Pushes `size` bytes (2 or 8; 4 for 32-bit stacks later). */
export function push(c: ExecContext, size: number, lo: number, hi: number): void {
  const a = stackAddress(c, -size, size);
  c.mmu.write(size, a, lo, hi);
  adjustRsp(c, -size);
}

// The 64-bit forms (the common case, without the size switch) go through the instruction's
// copy of the stack page's TLB entry (`k`, mmu.ts AccessCache). A #PF their access deferred
// (mmu.ts deferCached) leaves RSP unchanged; the caller returns before changing anything else.

/**
 * Where a push of `size` bytes writes in k's view, on RSP's int32 halves: when k's page holds all
 * of them (canonical then: the page came through the TLB) and lets writes use it, and RSP moves
 * down without a borrow between its halves; else -1, and the caller takes the general path. One
 * PUSH, or a run of them (exec/stack-runs.ts).
 */
export function heldPushSlots(c: ExecContext, k: AccessCache, size: number): number {
  const rlo = c.regLo[RSP]!, at = offsetInCopy(k, rlo - size, c.regHi[RSP]!, size);
  return at >= 0 && (rlo >>> 0) >= size && c.mmu.writableCopy(k) ? at : -1;
}

/** The same for a pop of `size` bytes: where it reads, when RSP moves up without a carry between its halves and k's page lets reads use it. */
export function heldPopSlots(c: ExecContext, k: AccessCache, size: number): number {
  const rlo = c.regLo[RSP]!, at = offsetInCopy(k, rlo, c.regHi[RSP]!, size);
  return at >= 0 && (rlo >>> 0) + size <= 0xffffffff && c.mmu.readableCopy(k) ? at : -1;
}

/** Pushes a 64-bit value. */
export function push64(c: ExecContext, lo: number, hi: number, k: AccessCache): void {
  const at = heldPushSlots(c, k, 8);
  if (at >= 0) {
    const v = k.cacheView;
    v.setInt32(at, lo, true); v.setInt32(at + 4, hi, true);
    c.regLo[RSP] = c.regLo[RSP]! - 8;
    return;
  }
  const a = stackAddress(c, -8, 8);
  c.mmu.write64Cached(k, a, lo, hi);
  if (c.mmu.faultDeferred) return;
  adjustRsp(c, -8);
}

/** Pops 8 bytes: the low dword, the high one in c.mmu.hi. */
export function pop64(c: ExecContext, k: AccessCache): number {
  const at = heldPopSlots(c, k, 8);
  if (at >= 0) {
    const view = k.cacheView;
    c.mmu.hi = view.getInt32(at + 4, true);
    c.regLo[RSP] = c.regLo[RSP]! + 8;
    return view.getInt32(at, true);
  }
  const v = c.mmu.read64Cached(k, stackAddress(c, 0, 8));
  if (c.mmu.faultDeferred) return 0;
  adjustRsp(c, 8);
  return v;
}

/** Reads 8 bytes at RSP without moving RSP: the low dword, the high one in c.mmu.hi. */
export function peek64(c: ExecContext, k: AccessCache): number {
  const at = heldPopSlots(c, k, 8);
  if (at >= 0) {
    const view = k.cacheView;
    c.mmu.hi = view.getInt32(at + 4, true);
    return view.getInt32(at, true);
  }
  return c.mmu.read64Cached(k, stackAddress(c, 0, 8));
}

/** Reads `size` bytes at RSP + offset without moving RSP: the low dword, the high one in c.mmu.hi. */
export function peek(c: ExecContext, size: number, offset: number): number {
  return c.mmu.read(size, stackAddress(c, offset, size));
}

/** Pops `size` bytes: the low dword, the high one in c.mmu.hi. */
export function pop(c: ExecContext, size: number): number {
  const v = c.mmu.read(size, stackAddress(c, 0, size));
  adjustRsp(c, size);
  return v;
}

/** Pushes a return address (a signed number) as 8 bytes, or 2 for a 16-bit operand size. */
export function pushAddress(c: ExecContext, size: number, lin: number, k: AccessCache): void {
  const hi = Math.floor(lin / TWO32);
  if (size === 8) push64(c, (lin - hi * TWO32) | 0, hi, k);
  else push(c, size, (lin - hi * TWO32) | 0, hi);
}
