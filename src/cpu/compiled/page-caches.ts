// The compiled tier's page caches: for 4- and 8-byte memory operands, a
// region keeps the last page each base register's accesses reached through
// the TLB (RSP's is the stack page of stack-slots.ts: cache `k`; one cache
// more for an index without a base) and reads and writes it
// directly when the page holds every byte of the operand. A cache is a TLB
// entry held in locals (emitter.ts declares them: `<k>b` the page's linear
// address, NaN for none; `<k>v`/`<k>o` its view and offset; `<k>w` whether
// writes may use it), valid until something that can change the TLB or the
// access rights runs, which inside a region only an interpreter handler can
// (emitter.ts HANDLER_CALL drops them all); a write to code cannot hit one
// (the TLB never grants direct writes to code pages, nor to clean pages while
// dirty logging, nor to read-only slots, MMIO, watched or alignment-checked
// accesses). One cache per base register, not per access site (measured
// slower: larger regions) nor one for all (source and destination pages of a
// copy take turns).
import { RSP } from '../../arch/registers.js';
import { BASE_RIP, type Insn } from '../../isa/insn.js';
import { PAGE } from '../code-cache.js';
import { TWO32, WROTE_THROUGH_MMU, type Emitter } from './emitter.js';

/**
 * Whether an instruction's `size`-byte memory operand goes through a page
 * cache: 4 or 8 bytes addressed from a register (an absolute or RIP-relative
 * operand, a global variable, is mostly touched once per region visit, in
 * system code: the cache would cost it a check and a refill for nothing).
 */
export const cachedOperand = (i: Insn, size: number): boolean =>
  (size === 8 || size === 4) && ((i.base >= 0 && i.base !== BASE_RIP) || i.index >= 0);

/**
 * Operands without a page cache (absolute and RIP-relative ones: globals) of 4 or 8 bytes go
 * through the instruction's own copy of its page's TLB entry instead (mmu.ts AccessCache, the
 * interpreter's): it outlives the region visit, so a system call's accesses to its globals,
 * one per visit, cost no TLB lookup. Sources for e.access (v, and w for 8 bytes).
 */
export const copyRead = (e: Emitter, size: 4 | 8): string =>
  size === 8 ? `v = M.read64Cached(${e.constant(e.insn)}, ea); w = M.hi;` : `v = M.read32Cached(${e.constant(e.insn)}, ea);`;
export const copyWrite = (e: Emitter, size: 4 | 8, lo: string, hi: string): string =>
  size === 8 ? `M.write64Cached(${e.constant(e.insn)}, ea, ${lo}, ${hi});` : `M.write32Cached(${e.constant(e.insn)}, ea, ${lo});`;
export const copyProbeWrite = (e: Emitter, size: 4 | 8): string => `M.probeWriteCached(${e.constant(e.insn)}, ea, ${size});`;

/** The stack's cache (RSP's): stack-slots.ts reads and fills it too, and keeps its page as int32 halves (kp, kh) as well. */
export const STACK_CACHE = 'k';

/** The cache of the instruction's memory operand, by its base register. */
function cacheOf(e: Emitter, i: Insn): string {
  const base = i.base;
  return e.pageCache(base === RSP ? STACK_CACHE : base < 0 ? 'jn' : `j${base}`); // jn: an index and no base
}

/** Source filling cache k with the page at linear address `base`, at `offset` in M.runView (what M.directPage just returned). */
export function fillCache(k: string, base: string, offset: string, write: 0 | 1): string {
  const halves = k === STACK_CACHE ? ` kh = Math.floor(kb / ${TWO32}); kp = (kb - kh * ${TWO32}) >>> 12;` : '';
  return `${k}b = ${base};${halves} ${k}v = M.runView; ${k}o = ${offset}; ${k}w = ${write};`;
}

/** Source reading `size` (4 or 8) bytes at offset q of cache k's view into v (and w). */
export const viewRead = (k: string, size: number): string =>
  `v = ${k}v.getInt32(q, true);${size === 8 ? ` w = ${k}v.getInt32(q + 4, true);` : ''}`;

/** Source of the int32 at offset q + `disp` of cache k's view (a run of stack slots, stack-slots.ts). */
export const viewInt32 = (k: string, disp: number): string => `${k}v.getInt32(q + ${disp}, true)`;

/** Source writing lo (and hi for 8 bytes) at offset q (+ disp) of cache k's view. */
export const viewWrite = (k: string, size: number, lo: string, hi: string, disp = 0): string => {
  const at = (d: number) => (d === 0 ? 'q' : `q + ${d}`);
  return `${k}v.setInt32(${at(disp)}, ${lo}, true);${size === 8 ? ` ${k}v.setInt32(${at(disp + 4)}, ${hi}, true);` : ''}`;
};

/**
 * After an access through the MMU at `ea`: cache its page if the access may
 * use it directly (1: writes too) and the cache's previous miss was on the
 * same page (`<k>m`): a page touched once per region visit (a pointer chase,
 * a system call's one access to its frame) would pay the lookup for nothing.
 */
function refill(k: string, write: 0 | 1): string {
  return `${k}t = Math.floor(ea / ${PAGE}) * ${PAGE}; if (${k}t !== ${k}m) ${k}m = ${k}t; ` +
    `else { ${k}t = M.directPage(ea, ${write === 1}); if (${k}t >= 0) { ${fillCache(k, `${k}m`, `${k}t`, write)} } }`;
}

/**
 * Emits v (and w for 8 bytes) = the operand at `ea`: from its cached page when
 * that holds every byte (and lets writes use it, for a read that a write back
 * follows: `rmw`), else through the MMU, with the write permission probed
 * first for `rmw`, as the operand stage does. Leaves q = the operand's offset
 * in the cache's view, or -1 after the MMU (what cachedWrite then takes).
 */
export function cachedRead(e: Emitter, size: number, rmw: boolean): void {
  e.requireFaultMark();
  const k = cacheOf(e, e.insn);
  e.line(`q = ea - ${k}b; if (q >= 0 && q <= ${PAGE - size}${rmw ? ` && ${k}w === 1` : ''}) { q += ${k}o; ${viewRead(k, size)} }`);
  const probe = rmw ? `M.probeWrite(ea, ${size}); ${e.faultCheck} ` : '';
  e.line(`else { q = -1; ${probe}${size === 8 ? 'v = M.read64(ea); w = M.hi;' : 'v = M.read32(ea);'} ${e.faultCheck} ${refill(k, rmw ? 1 : 0)} }`);
}

/**
 * Emits the store of lo (and hi for 8 bytes) to the operand at `ea`: after
 * cachedRead (`afterRead`) where it read, else to its cached page when writes
 * may use it and it holds every byte, else through the MMU (marked for
 * emitter.ts afterWrite).
 */
export function cachedWrite(e: Emitter, size: number, lo: string, hi: string, afterRead: boolean): void {
  e.requireFaultMark();
  const k = cacheOf(e, e.insn);
  const direct = viewWrite(k, size, lo, hi);
  if (afterRead) e.line(`if (q >= 0) { ${direct} }`);
  else e.line(`q = ea - ${k}b; if (q >= 0 && q <= ${PAGE - size} && ${k}w === 1) { q += ${k}o; ${direct} }`);
  const store = size === 8 ? `M.write64(ea, ${lo}, ${hi});` : `M.write32(ea, ${lo});`;
  e.line(`else { ${store} ${e.faultCheck}${afterRead ? '' : ` ${refill(k, 1)}`} ${WROTE_THROUGH_MMU} }`);
}
