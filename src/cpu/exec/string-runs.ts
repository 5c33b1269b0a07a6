// The page-run fast paths of REP MOVS/STOS/CMPS/SCAS: whole runs within the
// current source and destination pages, through RAM addresses the one memory
// path translated (Mmu.ramAddress: faults exactly as the first element would).
// Each returns the number of elements done; 0 sends the next element down the
// element-by-element path (pages that are not RAM, straddling elements).
import { RAX, RSI, RDI } from '../../arch/registers.js';
import { ALU_CMP } from '../../isa/executors.js';
import type { Insn } from '../../isa/insn.js';
import type { ExecContext } from '../context.js';
import { alu } from './alu.js';
import { advance, consume, strAddr } from './string-addressing.js';

const TWO32 = 4294967296;
const PAGE = 4096;

/** A page-run fast path: the number of elements done, 0 when the next element needs the element path. */
export type Run = (c: ExecContext, i: Insn, s: number, a32: boolean, back: boolean, max: number, whileEqual: boolean) => number;

/**
 * Number of whole elements of size s, at most `max`, that fit between `lin` and
 * the page boundary in the direction of travel (0 when the first element
 * straddles a page). With a 32-bit address size the run also stops where the
 * register would wrap around 2^32.
 */
function runLength(lin: number, reg: number, a32: boolean, back: boolean, s: number, max: number): number {
  const off = lin - Math.floor(lin / PAGE) * PAGE;
  if (off + s > PAGE) return 0;
  let k = back ? Math.floor(off / s) + 1 : Math.floor((PAGE - off) / s);
  if (a32) {
    const e = reg >>> 0;
    const k2 = back ? Math.floor(e / s) + 1 : Math.floor((TWO32 - e) / s);
    if (k2 < k) k = k2;
  }
  return k < max ? k : max;
}

/** Copies one element of s bytes: reads it whole before writing (overlapping runs). */
function copyElement(view: DataView, dst: number, src: number, s: number): void {
  switch (s) {
    case 1: view.setUint8(dst, view.getUint8(src)); return;
    case 2: view.setUint16(dst, view.getUint16(src, true), true); return;
    case 4: view.setInt32(dst, view.getInt32(src, true), true); return;
    default: {
      const lo = view.getInt32(src, true), hi = view.getInt32(src + 4, true);
      view.setInt32(dst, lo, true); view.setInt32(dst + 4, hi, true);
    }
  }
}

/**
 * Copies up to `max` MOVS elements within the current source and destination
 * pages. Returns the number done (0: the slow path must do the next element).
 */
export function movsRun(c: ExecContext, i: Insn, s: number, a32: boolean, back: boolean, max: number): number {
  const src = strAddr(c, RSI, a32, i.seg);
  const dst = strAddr(c, RDI, a32, -1);
  let k = runLength(src, c.regLo[RSI]!, a32, back, s, max);
  if (k > 1) k = runLength(dst, c.regLo[RDI]!, a32, back, s, k);
  if (k <= 1) return 0; // one element (or a straddling one): the slow path is as good
  const mmu = c.mmu;
  // Translate (and fault) the source before the destination, like the first element would;
  // a page that is not RAM goes element by element (each access reaches its device).
  const ps = mmu.ramAddress(src, mmu.readMask);
  if (ps < 0) return 0;
  const srcBytes = mmu.runBytes;
  const pd = mmu.ramAddress(dst, mmu.writeMask);
  if (pd < 0) return 0;
  const dstBytes = mmu.runBytes;
  const len = k * s;
  const ps0 = back ? ps - len + s : ps, pd0 = back ? pd - len + s : pd;
  if (srcBytes !== dstBytes) {
    dstBytes.set(srcBytes.subarray(ps0, ps0 + len), pd0); // two slots: no overlap
  } else if (ps0 + len <= pd0 || pd0 + len <= ps0 || ps0 === pd0) {
    dstBytes.copyWithin(pd0, ps0, ps0 + len);
  } else {
    // Overlap: element-by-element in the direction of travel replicates the
    // pattern the way the hardware does (REP MOVSB with RDI = RSI + 1 smears).
    const view = mmu.runView;
    if (!back) for (let j = 0; j < len; j += s) copyElement(view, pd0 + j, ps0 + j, s);
    else for (let j = len - s; j >= 0; j -= s) copyElement(view, pd0 + j, ps0 + j, s);
  }
  const delta = back ? -len : len;
  advance(c, RSI, a32, delta);
  advance(c, RDI, a32, delta);
  consume(c, a32, k);
  return k;
}

/** Fills up to `max` STOS elements within the current destination page; 0 = use the slow path. */
export function stosRun(c: ExecContext, _i: Insn, s: number, a32: boolean, back: boolean, max: number): number {
  const dst = strAddr(c, RDI, a32, -1);
  const k = runLength(dst, c.regLo[RDI]!, a32, back, s, max);
  if (k <= 1) return 0;
  const mmu = c.mmu;
  const pd = mmu.ramAddress(dst, mmu.writeMask);
  if (pd < 0) return 0;
  const len = k * s;
  const pd0 = back ? pd - len + s : pd;
  const lo = c.regLo[RAX]!;
  const bytes = mmu.runBytes;
  if (s === 1) bytes.fill(lo & 0xff, pd0, pd0 + len);
  else {
    // One element, then double the filled prefix with memmove-speed copies.
    const view = mmu.runView;
    if (s === 2) view.setUint16(pd0, lo, true);
    else { view.setInt32(pd0, lo, true); if (s === 8) view.setInt32(pd0 + 4, c.regHi[RAX]!, true); }
    for (let done = s; done < len; done *= 2) bytes.copyWithin(pd0 + done, pd0, pd0 + Math.min(done, len - done));
  }
  advance(c, RDI, a32, back ? -len : len);
  consume(c, a32, k);
  return k;
}

/** Scratch for the element read by readElement (high dword of 8-byte elements). */
let elemHi = 0;

/** Reads an element of s bytes at offset p of slot memory (inside a span): low dword returned, high in elemHi. */
function readElement(v: DataView, p: number, s: number): number {
  switch (s) {
    case 1: return v.getUint8(p);
    case 2: return v.getUint16(p, true);
    case 4: return v.getInt32(p, true);
    default: elemHi = v.getInt32(p + 4, true); return v.getInt32(p, true);
  }
}

/**
 * REPE/REPNE SCAS over the current destination page: compares elements
 * against rAX until the termination condition or the end of the run, then
 * sets the flags from the last comparison exactly as the slow path would.
 * Returns the number of elements done (0: use the slow path).
 */
export function scasRun(c: ExecContext, _i: Insn, s: number, a32: boolean, back: boolean, max: number, whileEqual: boolean): number {
  const dst = strAddr(c, RDI, a32, -1);
  const k = runLength(dst, c.regLo[RDI]!, a32, back, s, max);
  if (k <= 1) return 0;
  const m = c.mmu;
  const pd = m.ramAddress(dst, m.readMask);
  if (pd < 0) return 0;
  const view = m.runView;
  const acc = s === 1 ? c.regLo[RAX]! & 0xff : s === 2 ? c.regLo[RAX]! & 0xffff : c.regLo[RAX]!;
  const accHi = c.regHi[RAX]!;
  const step = back ? -s : s;
  let j = 0, v = 0, vh = 0;
  for (let p = pd; ; p += step) {
    v = readElement(view, p, s); vh = elemHi;
    const eq = v === acc && (s !== 8 || vh === accHi);
    if (eq !== whileEqual || j === k - 1) break;
    j++;
  }
  alu(c, ALU_CMP, s, c.regLo[RAX]!, accHi, v, vh);
  advance(c, RDI, a32, (j + 1) * step);
  consume(c, a32, j + 1);
  return j + 1;
}

/** REPE/REPNE CMPS over the current source and destination pages (see scasRun). */
export function cmpsRun(c: ExecContext, i: Insn, s: number, a32: boolean, back: boolean, max: number, whileEqual: boolean): number {
  const src = strAddr(c, RSI, a32, i.seg);
  const dst = strAddr(c, RDI, a32, -1);
  let k = runLength(src, c.regLo[RSI]!, a32, back, s, max);
  if (k > 1) k = runLength(dst, c.regLo[RDI]!, a32, back, s, k);
  if (k <= 1) return 0;
  const m = c.mmu;
  const ps = m.ramAddress(src, m.readMask);
  if (ps < 0) return 0;
  const srcView = m.runView;
  const pd = m.ramAddress(dst, m.readMask);
  if (pd < 0) return 0;
  const dstView = m.runView;
  const step = back ? -s : s;
  let j = 0, a = 0, ah = 0, b = 0, bh = 0;
  for (let off = 0; ; off += step) {
    a = readElement(srcView, ps + off, s); ah = elemHi;
    b = readElement(dstView, pd + off, s); bh = elemHi;
    const eq = a === b && (s !== 8 || ah === bh);
    if (eq !== whileEqual || j === k - 1) break;
    j++;
  }
  alu(c, ALU_CMP, s, a, ah, b, bh);
  const d = (j + 1) * step;
  advance(c, RSI, a32, d);
  advance(c, RDI, a32, d);
  consume(c, a32, j + 1);
  return j + 1;
}
