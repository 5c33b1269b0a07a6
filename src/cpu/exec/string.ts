// MOVS STOS LODS CMPS SCAS INS OUTS with REP/REPE/REPNE and DF (SDM Vol. 2
// entries and "REP/REPE/REPZ/REPNE/REPNZ"; SDM Vol. 1 §7.3.9; APM Vol. 3 same names).
//
// Addressing: the source is [seg:RSI] with seg = DS unless overridden (only FS
// and GS have a base in 64-bit mode), the destination is always ES:[RDI] (base
// 0). With a 67 prefix RSI/RDI/RCX are used as ESI/EDI/ECX and written back
// zero-extended (a 32-bit register write), exactly as the hardware does.
//
// Repetition: registers are updated after every completed element, so an
// exception in element k leaves RSI/RDI/RCX describing the k-1 elements done
// and RIP at the instruction (the run loop restores it). One execution does a
// bounded amount of work; if RCX is still non-zero it points RIP back at the
// instruction, which then runs again as a new instruction (so the run loop
// stays responsive and the instruction budget keeps meaning something).
// REP MOVS/STOS/CMPS/SCAS work on a page-sized run at a time through the
// translated physical address when the run lies in RAM (faults can then only
// happen at the start of a run, before any element of it is done).
//
// Prefixes as measured on hardware: F2 on MOVS/STOS/LODS/INS/OUTS repeats like
// F3. For CMPS/SCAS, F3 is REPE and F2 is REPNE; when both are present the last
// one wins on hardware, but the decoder records only which are present
// (PFX_REP | PFX_REPNE): that case is taken as REPE here.
import { Vector } from '../../arch/vectors.js';
import { RAX, RCX, RSI, RDI, RDX, SEG_FS } from '../../arch/registers.js';
import { ALU_CMP } from '../../isa/executors.js';
import { PFX_REP, PFX_REPNE, type Insn } from '../../isa/insn.js';
import type { Mmu } from '../../mmu/mmu.js';
import { DF } from '../../arch/rflags.js';
import type { ExecContext, Handler } from '../context.js';
import { CANON_LIMIT } from '../operands.js';
import { checkIoPermission, portIn, portOut } from '../io.js';
import { alu } from './alu.js';

const TWO32 = 4294967296;
const PAGE = 4096;

/**
 * Work allowed per execution of a repeated instruction, in bytes moved by the
 * page-at-a-time fast path; an element done one at a time costs SLOW_COST.
 */
const REP_BUDGET = 65536;
const SLOW_COST = 64; // => at most 1024 single elements per execution

// ---------------------------------------------------------------------------
// Registers and addresses

/** Linear address of RSI/RDI at the instruction's address size, plus the FS/GS base for `seg`. */
function strAddr(c: ExecContext, r: number, a32: boolean, seg: number): number {
  let lin = a32 ? c.regLo[r]! >>> 0 : c.regHi[r]! * TWO32 + (c.regLo[r]! >>> 0);
  if (seg >= SEG_FS) lin += c.segBase[seg]!;
  // Non-canonical string addresses raise #GP(0) (DS/ES/FS/GS, never SS here).
  if (lin >= CANON_LIMIT || lin < -CANON_LIMIT) c.raise(Vector.GP, 0);
  return lin;
}

/** RSI/RDI += delta (|delta| < 2^32), wrapping at the address size. */
function advance(c: ExecContext, r: number, a32: boolean, delta: number): void {
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
function count(c: ExecContext, a32: boolean): number {
  const lo = c.regLo[RCX]! >>> 0;
  return a32 ? lo : (c.regHi[RCX]! >>> 0) * TWO32 + lo;
}

/** RCX -= k (k <= count); ECX with a 67 prefix (zero-extended). */
function consume(c: ExecContext, a32: boolean, k: number): void {
  if (a32) {
    c.regLo[RCX] = (c.regLo[RCX]! - k) | 0;
    c.regHi[RCX] = 0;
    return;
  }
  const lo = (c.regLo[RCX]! >>> 0) - k;
  if (lo < 0) { c.regLo[RCX] = lo + TWO32; c.regHi[RCX] = c.regHi[RCX]! - 1; }
  else c.regLo[RCX] = lo;
}

const df = (c: ExecContext): boolean => (c.flagsRest & DF) !== 0;
const isRep = (i: Insn): boolean => (i.prefixes & (PFX_REP | PFX_REPNE)) !== 0;

/** Re-executes the instruction if the count is not exhausted. */
function again(c: ExecContext, n: number): void {
  if (n > 0) c.rip = c.insnStart;
}

// ---------------------------------------------------------------------------
// Page-run fast path (REP MOVS / REP STOS)

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
function movsRun(c: ExecContext, i: Insn, s: number, a32: boolean, back: boolean, max: number): number {
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
  const pd = mmu.ramAddress(dst, mmu.writeMask);
  if (pd < 0) return 0;
  const len = k * s;
  const ps0 = back ? ps - len + s : ps, pd0 = back ? pd - len + s : pd;
  if (ps0 + len <= pd0 || pd0 + len <= ps0 || ps0 === pd0) {
    mmu.ram.copyWithin(pd0, ps0, ps0 + len);
  } else {
    // Overlap: element-by-element in the direction of travel replicates the
    // pattern the way the hardware does (REP MOVSB with RDI = RSI + 1 smears).
    const view = mmu.ramView;
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
function stosRun(c: ExecContext, _i: Insn, s: number, a32: boolean, back: boolean, max: number): number {
  const dst = strAddr(c, RDI, a32, -1);
  const k = runLength(dst, c.regLo[RDI]!, a32, back, s, max);
  if (k <= 1) return 0;
  const mmu = c.mmu;
  const pd = mmu.ramAddress(dst, mmu.writeMask);
  if (pd < 0) return 0;
  const len = k * s;
  const pd0 = back ? pd - len + s : pd;
  const lo = c.regLo[RAX]!;
  if (s === 1) mmu.ram.fill(lo & 0xff, pd0, pd0 + len);
  else {
    // One element, then double the filled prefix with memmove-speed copies.
    const view = mmu.ramView;
    if (s === 2) view.setUint16(pd0, lo, true);
    else { view.setInt32(pd0, lo, true); if (s === 8) view.setInt32(pd0 + 4, c.regHi[RAX]!, true); }
    for (let done = s; done < len; done *= 2) mmu.ram.copyWithin(pd0 + done, pd0, pd0 + Math.min(done, len - done));
  }
  advance(c, RDI, a32, back ? -len : len);
  consume(c, a32, k);
  return k;
}

/** Scratch for the element read by readElement (high dword of 8-byte elements). */
let elemHi = 0;

/** Reads an element of s bytes at RAM address p (inside a span): low dword returned, high in elemHi. */
function readElement(m: Mmu, p: number, s: number): number {
  switch (s) {
    case 1: return m.ram[p]!;
    case 2: return m.ramView.getUint16(p, true);
    case 4: return m.ramView.getInt32(p, true);
    default: elemHi = m.ramView.getInt32(p + 4, true); return m.ramView.getInt32(p, true);
  }
}

/**
 * REPE/REPNE SCAS over the current destination page: compares elements
 * against rAX until the termination condition or the end of the run, then
 * sets the flags from the last comparison exactly as the slow path would.
 * Returns the number of elements done (0: use the slow path).
 */
function scasRun(c: ExecContext, s: number, a32: boolean, back: boolean, max: number, whileEqual: boolean): number {
  const dst = strAddr(c, RDI, a32, -1);
  const k = runLength(dst, c.regLo[RDI]!, a32, back, s, max);
  if (k <= 1) return 0;
  const m = c.mmu;
  const pd = m.ramAddress(dst, m.readMask);
  if (pd < 0) return 0;
  const acc = s === 1 ? c.regLo[RAX]! & 0xff : s === 2 ? c.regLo[RAX]! & 0xffff : c.regLo[RAX]!;
  const accHi = c.regHi[RAX]!;
  const step = back ? -s : s;
  let j = 0, v = 0, vh = 0;
  for (let p = pd; ; p += step) {
    v = readElement(m, p, s); vh = elemHi;
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
function cmpsRun(c: ExecContext, i: Insn, s: number, a32: boolean, back: boolean, max: number, whileEqual: boolean): number {
  const src = strAddr(c, RSI, a32, i.seg);
  const dst = strAddr(c, RDI, a32, -1);
  let k = runLength(src, c.regLo[RSI]!, a32, back, s, max);
  if (k > 1) k = runLength(dst, c.regLo[RDI]!, a32, back, s, k);
  if (k <= 1) return 0;
  const m = c.mmu;
  const ps = m.ramAddress(src, m.readMask);
  if (ps < 0) return 0;
  const pd = m.ramAddress(dst, m.readMask);
  if (pd < 0) return 0;
  const step = back ? -s : s;
  let j = 0, a = 0, ah = 0, b = 0, bh = 0;
  for (let off = 0; ; off += step) {
    a = readElement(m, ps + off, s); ah = elemHi;
    b = readElement(m, pd + off, s); bh = elemHi;
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

// ---------------------------------------------------------------------------
// One element of each instruction (registers advance only once it completed)

function movsOne(c: ExecContext, i: Insn, s: number, a32: boolean): void {
  const v = c.mmu.read(s, strAddr(c, RSI, a32, i.seg)), vh = c.mmu.hi;
  c.mmu.write(s, strAddr(c, RDI, a32, -1), v, vh);
  const d = df(c) ? -s : s;
  advance(c, RSI, a32, d);
  advance(c, RDI, a32, d);
}

function stosOne(c: ExecContext, _i: Insn, s: number, a32: boolean): void {
  c.mmu.write(s, strAddr(c, RDI, a32, -1), c.regLo[RAX]!, c.regHi[RAX]!);
  advance(c, RDI, a32, df(c) ? -s : s);
}

function lodsOne(c: ExecContext, i: Insn, s: number, a32: boolean): void {
  const v = c.mmu.read(s, strAddr(c, RSI, a32, i.seg));
  c.setReg(s, RAX, v, c.mmu.hi);
  advance(c, RSI, a32, df(c) ? -s : s);
}

/** CMPS: flags of [seg:RSI] - ES:[RDI]. */
function cmpsOne(c: ExecContext, i: Insn, s: number, a32: boolean): void {
  const a = c.mmu.read(s, strAddr(c, RSI, a32, i.seg)), ah = c.mmu.hi;
  const b = c.mmu.read(s, strAddr(c, RDI, a32, -1)), bh = c.mmu.hi;
  alu(c, ALU_CMP, s, a, ah, b, bh);
  const d = df(c) ? -s : s;
  advance(c, RSI, a32, d);
  advance(c, RDI, a32, d);
}

/** SCAS: flags of rAX - ES:[RDI]. */
function scasOne(c: ExecContext, s: number, a32: boolean): void {
  const b = c.mmu.read(s, strAddr(c, RDI, a32, -1)), bh = c.mmu.hi;
  alu(c, ALU_CMP, s, c.regLo[RAX]!, c.regHi[RAX]!, b, bh);
  advance(c, RDI, a32, df(c) ? -s : s);
}

/**
 * INS: port DX -> ES:[RDI]. The destination is checked (and may fault) before
 * the port is read, so a #PF does not consume device data; the I/O permission
 * check comes first, as in the SDM pseudo-code.
 */
function insOne(c: ExecContext, s: number, a32: boolean, port: number): void {
  const dst = strAddr(c, RDI, a32, -1);
  c.mmu.probeWrite(dst, s); // a straddling element faults with CR2 = the start of the second page
  const v = portIn(c, port, s);
  c.mmu.write(s, dst, v, 0);
  advance(c, RDI, a32, df(c) ? -s : s);
}

/** OUTS: [seg:RSI] -> port DX. */
function outsOne(c: ExecContext, i: Insn, s: number, a32: boolean, port: number): void {
  const v = c.mmu.read(s, strAddr(c, RSI, a32, i.seg));
  portOut(c, port, s, v);
  advance(c, RSI, a32, df(c) ? -s : s);
}

// ---------------------------------------------------------------------------
// Handlers

/**
 * REP MOVS/STOS: whole runs on translated RAM where possible (`run` returns the
 * elements it did, 0 when the next element needs the per-element path), single
 * elements otherwise, within one execution's budget.
 */
function repBlocks(
  c: ExecContext, i: Insn, s: number, a32: boolean,
  run: (c: ExecContext, i: Insn, s: number, a32: boolean, back: boolean, max: number) => number,
  one: (c: ExecContext, i: Insn, s: number, a32: boolean) => void,
): void {
  let n = count(c, a32);
  const back = df(c);
  let budget = REP_BUDGET;
  while (n > 0 && budget > 0) {
    const k = run(c, i, s, a32, back, Math.min(n, Math.ceil(budget / s)));
    if (k > 0) { n -= k; budget -= k * s; continue; }
    one(c, i, s, a32);
    consume(c, a32, 1);
    n--; budget -= SLOW_COST;
  }
  again(c, n);
}

export const movs: Handler = (c, i) => {
  const s = i.size0;
  const a32 = i.addrSize === 4;
  if (!isRep(i)) { movsOne(c, i, s, a32); return; }
  repBlocks(c, i, s, a32, movsRun, movsOne);
};

export const stos: Handler = (c, i) => {
  const s = i.size0;
  const a32 = i.addrSize === 4;
  if (!isRep(i)) { stosOne(c, i, s, a32); return; }
  repBlocks(c, i, s, a32, stosRun, stosOne);
};

export const lods: Handler = (c, i) => {
  const s = i.size0;
  const a32 = i.addrSize === 4;
  if (!isRep(i)) { lodsOne(c, i, s, a32); return; }
  let n = count(c, a32);
  for (let budget = REP_BUDGET; n > 0 && budget > 0; budget -= SLOW_COST) {
    lodsOne(c, i, s, a32);
    consume(c, a32, 1);
    n--;
  }
  again(c, n);
};

/** REPE (F3) repeats while equal, REPNE (F2) while not equal; F3 is taken when both are present. */
const repWhileEqual = (i: Insn): boolean => (i.prefixes & PFX_REP) !== 0;

export const cmps: Handler = (c, i) => {
  const s = i.size0;
  const a32 = i.addrSize === 4;
  if (!isRep(i)) { cmpsOne(c, i, s, a32); return; }
  let n = count(c, a32);
  const whileEqual = repWhileEqual(i);
  const back = df(c);
  let budget = REP_BUDGET;
  while (n > 0 && budget > 0) {
    const k = cmpsRun(c, i, s, a32, back, Math.min(n, Math.ceil(budget / s)), whileEqual);
    if (k > 0) { n -= k; budget -= k * s; }
    else { cmpsOne(c, i, s, a32); consume(c, a32, 1); n--; budget -= SLOW_COST; }
    if ((c.fZ === 0) !== whileEqual) return; // termination condition met (SDM "REP/REPE/REPNE")
  }
  again(c, n);
};

export const scas: Handler = (c, i) => {
  const s = i.size0;
  const a32 = i.addrSize === 4;
  if (!isRep(i)) { scasOne(c, s, a32); return; }
  let n = count(c, a32);
  const whileEqual = repWhileEqual(i);
  const back = df(c);
  let budget = REP_BUDGET;
  while (n > 0 && budget > 0) {
    const k = scasRun(c, s, a32, back, Math.min(n, Math.ceil(budget / s)), whileEqual);
    if (k > 0) { n -= k; budget -= k * s; }
    else { scasOne(c, s, a32); consume(c, a32, 1); n--; budget -= SLOW_COST; }
    if ((c.fZ === 0) !== whileEqual) return;
  }
  again(c, n);
};


export const ins: Handler = (c, i) => {
  const s = i.size0;
  const a32 = i.addrSize === 4;
  const port = c.regLo[RDX]! & 0xffff;
  // The permission check happens even when a REP count is 0 (checked on hardware).
  checkIoPermission(c, port, s);
  if (!isRep(i)) { insOne(c, s, a32, port); return; }
  let n = count(c, a32);
  for (let budget = REP_BUDGET; n > 0 && budget > 0; budget -= SLOW_COST) {
    insOne(c, s, a32, port);
    consume(c, a32, 1);
    n--;
  }
  again(c, n);
};

export const outs: Handler = (c, i) => {
  const s = i.size1;
  const a32 = i.addrSize === 4;
  const port = c.regLo[RDX]! & 0xffff;
  checkIoPermission(c, port, s);
  if (!isRep(i)) { outsOne(c, i, s, a32, port); return; }
  let n = count(c, a32);
  for (let budget = REP_BUDGET; n > 0 && budget > 0; budget -= SLOW_COST) {
    outsOne(c, i, s, a32, port);
    consume(c, a32, 1);
    n--;
  }
  again(c, n);
};
