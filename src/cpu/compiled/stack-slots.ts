// The compiled tier's stack: the 8-byte slots of PUSH, POP, CALL, RET and
// PUSHFQ (control-templates.ts), addressed as int32 halves and reached
// through a stack page the region keeps in locals (the page cache `k` of
// page-caches.ts, which RSP-based memory operands use too).
//
// A slot's linear address RSP + delta is computed on RSP's halves (sl/sh,
// SDM Vol. 3A §6.14.2: SS has base 0 in 64-bit mode): int32 arithmetic, and
// the page compare below needs no number beyond 2^31 (a kernel stack address
// as a number is a HeapNumber whenever it is passed to a call). The
// region keeps the last stack page it reached through the TLB (kp/kh: the
// page, kb: its linear address as a number, kv/ko: its view and offset, kw:
// whether writes may use it; declared and dropped by emitter.ts) and reads
// and writes it directly: a TLB entry held in locals, valid until something
// that can change the TLB or the access rights runs, which inside a region
// only an interpreter handler can (emitter.ts, HANDLER_CALL drops it); a write
// to code cannot hit it (the TLB never grants direct writes to code pages,
// nor to clean pages while dirty logging, nor to read-only slots). The page
// also goes into the region's copy of its TLB entry (mmu.ts AccessCache),
// which outlives the visit: the next one starts with the page cached while
// the TLB's slot is unchanged and grants writes at the CPL then (a system
// call's entry pushes to the same kernel stack page at every call).
import { RSP } from '../../arch/registers.js';
import { SMALL_HI, TWO32, WROTE_THROUGH_MMU, type Emitter } from './emitter.js';
import { STACK_CACHE, viewInt32, viewRead, viewWrite } from './page-caches.js';
import { emptyAccessCache } from '../../mmu/tlb.js';
import { PAGE } from '../code-cache.js';

/** A miss (rare: after a handler, at a page change) goes through the MMU with the slot's address as a number. */
const SLOT_ADDRESS = `ea = sh * ${TWO32} + (sl >>> 0);`;

/**
 * After a stack access through the MMU: cache its page if the access may use it directly (1: for
 * writes too), through the region's copy of the page's TLB entry (stackCopy), which the
 * region's next visit starts from.
 */
const cacheStackPage = (e: Emitter, write: 0 | 1): string => {
  const copy = stackCopy(e);
  return `if (M.copyEntry(${copy}, ea, 8, ${write === 1})) { ${fromCopy(copy, write)} }`;
};

/** The region's copy of its stack page's TLB entry, which its entry takes the page from when it grants writes. */
function stackCopy(e: Emitter): string {
  const copy = e.regionConstant('SK', emptyAccessCache);
  e.atEntry(`if (M.writableCopy(${copy})) { ${fromCopy(copy, 1)} }`);
  return copy;
}

/** Source loading the stack page's locals (page-caches.ts `k`, and kp/kh) from `copy`, an AccessCache holding it. */
const fromCopy = (copy: string, write: 0 | 1): string =>
  `kb = ${copy}.cacheBase; kh = ${copy}.cacheHi; kp = ${copy}.cacheLo >>> 12; kv = ${copy}.cacheView; ko = ${copy}.cacheFrame; kw = ${write};`;

/**
 * Emits the halves sl/sh of the slot at RSP + delta. Whether the slot is
 * canonical with all 8 bytes is checked where the access misses the cached
 * page (stackRead, stackWrite): a slot within that page is (the page was
 * reached through the TLB); one that is not (#SS(0)) leaves the instruction
 * to the interpreter (bail), before anything is written.
 */
export function stackSlot(e: Emitter, delta: number): void {
  e.mayFault();
  e.line(`sl = ${rspPlus(e, delta, 'lo')}; sh = ${rspPlus(e, delta, 'hi')};`);
}

/**
 * Source of the test that the cached stack page holds the `size` bytes at the address whose int32
 * halves are `lo`/`hi` (and lets writes use it, for `write`), then `q` = their offset in its view:
 * one slot, or a run's slots.
 */
const heldAt = (lo: string, hi: string, size: number, write: boolean): string =>
  `if ((${lo} >>> 12) === kp && ${hi} === kh${write ? ' && kw === 1' : ''} && (${lo} & 4095) <= ${PAGE - size}) { q = ko + (${lo} & 4095);`;

/** Source leaving the instruction to the interpreter unless the slot sl/sh is canonical with all 8 bytes. */
const checkSlot = (e: Emitter): string => `if (sh > ${SMALL_HI} || sh < ${-SMALL_HI - 1} || (sh === ${SMALL_HI} && (sl >>> 0) > ${TWO32 - 8})) ${e.bail()}`;

/** Emits v/w = the 8 bytes of the slot, from the cached stack page or through the MMU. */
export function stackRead(e: Emitter): void {
  e.requireFaultMark();
  e.line(`${heldAt('sl', 'sh', 8, false)} ${viewRead(STACK_CACHE, 8)} }`);
  e.line(`else { ${checkSlot(e)} ${SLOT_ADDRESS} v = M.read64(ea); w = M.hi; ${e.faultCheck} ${cacheStackPage(e, 0)} }`);
}

/** Emits the 8 bytes (lo, hi: locals or constants) into the slot, to the cached stack page or through the MMU (marked for afterWrite). */
export function stackWrite(e: Emitter, lo: string, hi: string): void {
  e.requireFaultMark();
  e.line(`${heldAt('sl', 'sh', 8, true)} ${viewWrite(STACK_CACHE, 8, lo, hi)} }`);
  e.line(`else { ${checkSlot(e)} ${SLOT_ADDRESS} M.write64(ea, ${lo}, ${hi}); ${e.faultCheck} ${cacheStackPage(e, 1)} ${WROTE_THROUGH_MMU} }`);
}

/** Emits RSP = the slot stackSlot() computed (a push moves RSP down to it). */
export function moveStackToSlot(e: Emitter): void {
  e.set(RSP, 'sl', 'sh');
}

/** Emits RSP += delta (after stackSlot() checked the slot at RSP): int32 arithmetic on the halves. */
export function moveStack(e: Emitter, delta: number): void {
  e.set(RSP, rspPlus(e, delta, 'lo'), rspPlus(e, delta, 'hi'));
}

/** Source of one int32 half of RSP + delta (|delta| < 2^31), the carry or borrow into the high half included. */
function rspPlus(e: Emitter, delta: number, half: 'lo' | 'hi'): string {
  const l = e.lo(RSP), h = e.hi(RSP);
  if (delta === 0) return half === 'lo' ? l : h;
  if (half === 'lo') return `((${l} + ${delta}) | 0)`;
  return `(${h} + ${delta < 0 ? `((${l} >>> 0) < ${-delta} ? -1 : 0)` : `((${l} >>> 0) + ${delta} > 0xffffffff ? 1 : 0)`})`;
}

/**
 * Opens the fast path of a run of PUSH r64 (`regs` in order, RSP not among
 * them): when the cached stack page lets writes use it and holds every slot,
 * each register goes to its slot directly and RSP moves once; the source ends
 * in `else {`, for the run's own instructions (the caller closes it). Nothing
 * there can fault: the slots lie within a page the TLB granted, so canonical.
 */
export function openPushRun(e: Emitter, regs: readonly number[]): void {
  const size = 8 * regs.length;
  const stores = regs.map((r, j) => viewWrite(STACK_CACHE, 8, e.lo(r), e.hi(r), size - 8 * (j + 1))); // the first push, the highest slot
  e.line(`sl = ${rspPlus(e, -size, 'lo')}; sh = ${rspPlus(e, -size, 'hi')};`);
  e.line(`${heldAt('sl', 'sh', size, true)} ${stores.join(' ')}`);
  moveStackToSlot(e);
  e.line('} else {');
}

/** The same for a run of POP r64 (`regs` in order, RSP not among them): the slots read directly, RSP moved once. */
export function openPopRun(e: Emitter, regs: readonly number[]): void {
  const size = 8 * regs.length;
  e.line(heldAt(e.lo(RSP), e.hi(RSP), size, false));
  regs.forEach((r, j) => e.set(r, viewInt32(STACK_CACHE, 8 * j), viewInt32(STACK_CACHE, 8 * j + 4)));
  moveStack(e, size);
  e.line('} else {');
}
