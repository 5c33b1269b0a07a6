// The compiled tier's stack: the 8-byte slots of PUSH, POP, CALL, RET and
// PUSHFQ (control-templates.ts), addressed as int32 halves and reached
// through a stack page the region keeps in locals; and the 4- and 8-byte
// memory operands addressed from RSP (locals and arrays in stack frames),
// which try the same page first.
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
// nor to clean pages while dirty logging, nor to read-only slots).
import { RSP } from '../../arch/registers.js';
import type { Insn } from '../../isa/insn.js';
import { PAGE } from '../code-cache.js';
import { SMALL_HI, TWO32, type Emitter } from './emitter.js';

/** A miss (rare: after a handler, at a page change) goes through the MMU with the slot's address as a number. */
const SLOT_ADDRESS = `ea = sh * ${TWO32} + (sl >>> 0);`;

/** After a stack access through the MMU: cache its page if the access may use it directly (1: for writes too). */
const cacheStackPage = (write: 0 | 1): string =>
  `q = M.directPage(ea, ${write === 1}); if (q >= 0) { kp = sl >>> 12; kh = sh; kb = ea - (sl & 4095); kv = M.runView; ko = q; kw = ${write}; }`;

/**
 * Emits the halves sl/sh of the slot at RSP + delta; a slot that is not
 * canonical with all 8 bytes (#SS(0)) leaves the instruction to the
 * interpreter (bail).
 */
export function stackSlot(e: Emitter, delta: number): void {
  e.mayFault();
  e.line(`sl = ${rspPlus(e, delta, 'lo')}; sh = ${rspPlus(e, delta, 'hi')};`);
  e.line(`if (sh > ${SMALL_HI} || sh < ${-SMALL_HI - 1} || (sh === ${SMALL_HI} && (sl >>> 0) > ${TWO32 - 8})) ${e.bail()}`);
}

/** Emits v/w = the 8 bytes of the slot, from the cached stack page or through the MMU. */
export function stackRead(e: Emitter): void {
  e.requireFaultMark();
  e.line('if ((sl >>> 12) === kp && sh === kh && (sl & 4095) <= 4088) { q = ko + (sl & 4095); v = kv.getInt32(q, true); w = kv.getInt32(q + 4, true); }');
  e.line(`else { ${SLOT_ADDRESS} v = M.read64(ea); w = M.hi; ${e.faultCheck} ${cacheStackPage(0)} }`);
}

/** Emits the 8 bytes (lo, hi: locals or constants) into the slot, to the cached stack page or through the MMU. */
export function stackWrite(e: Emitter, lo: string, hi: string): void {
  e.requireFaultMark();
  e.line(`if ((sl >>> 12) === kp && sh === kh && kw === 1 && (sl & 4095) <= 4088) { q = ko + (sl & 4095); kv.setInt32(q, ${lo}, true); kv.setInt32(q + 4, ${hi}, true); }`);
  e.line(`else { ${SLOT_ADDRESS} M.write64(ea, ${lo}, ${hi}); ${e.faultCheck} ${cacheStackPage(1)} }`);
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

// ---- memory operands addressed from RSP ----

/** Whether an instruction's `size`-byte memory operand is addressed from RSP and takes the stack page first. */
export const onStack = (i: Insn, size: number): boolean => i.base === RSP && (size === 8 || size === 4);

/** After an operand access through the MMU at `ea`: cache its page as the stack page if the access may use it directly. */
const cacheOperandPage = (write: 0 | 1): string =>
  `kt = M.directPage(ea, ${write === 1}); if (kt >= 0) { kb = Math.floor(ea / ${PAGE}) * ${PAGE}; kh = Math.floor(ea / ${TWO32}); ` +
  `kp = (kb - kh * ${TWO32}) >>> 12; kv = M.runView; ko = kt; kw = ${write}; }`;

/**
 * Emits v (and w for 8 bytes) = the operand at `ea` (onStack): from the stack
 * page when it holds every byte (and lets writes use it, for a read that a
 * write back follows: `rmw`), else through the MMU, with the write permission
 * probed first for `rmw`, as the operand stage does. Leaves q = the operand's
 * offset in kv, or -1 after the MMU (what stackOperandWrite then takes).
 */
export function stackOperandRead(e: Emitter, size: number, rmw: boolean): void {
  e.requireFaultMark();
  e.line(`q = ea - kb; if (q >= 0 && q <= ${PAGE - size}${rmw ? ' && kw === 1' : ''}) { q += ko; v = kv.getInt32(q, true);${size === 8 ? ' w = kv.getInt32(q + 4, true);' : ''} }`);
  const probe = rmw ? `M.probeWrite(ea, ${size}); ${e.faultCheck} ` : '';
  e.line(`else { q = -1; ${probe}${size === 8 ? 'v = M.read64(ea); w = M.hi;' : 'v = M.read32(ea);'} ${e.faultCheck} ${cacheOperandPage(rmw ? 1 : 0)} }`);
}

/**
 * Emits the store of lo (and hi for 8 bytes) to the operand at `ea` (onStack):
 * after stackOperandRead (`afterRead`) where it read, else to the stack page
 * when writes may use it and it holds every byte, else through the MMU.
 */
export function stackOperandWrite(e: Emitter, size: number, lo: string, hi: string, afterRead: boolean): void {
  e.requireFaultMark();
  const direct = `kv.setInt32(q, ${lo}, true);${size === 8 ? ` kv.setInt32(q + 4, ${hi}, true);` : ''}`;
  if (afterRead) e.line(`if (q >= 0) { ${direct} }`);
  else e.line(`q = ea - kb; if (q >= 0 && q <= ${PAGE - size} && kw === 1) { q += ko; ${direct} }`);
  const store = size === 8 ? `M.write64(ea, ${lo}, ${hi});` : `M.write32(ea, ${lo});`;
  e.line(`else { ${store} ${e.faultCheck}${afterRead ? '' : ` ${cacheOperandPage(1)}`} }`);
}
