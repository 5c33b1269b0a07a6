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
import type { Cpu } from '../cpu.js';
import type { Handler, Insn } from '../insn.js';
import { PFX_REP, PFX_REPNE, SEG_FS } from '../insn.js';
import { Vector } from '../exceptions.js';
import { alu, CMP } from './alu.js';

const TWO32 = 4294967296;
const CANON_LIMIT = 0x800000000000; // 2^47
const PAGE = 4096;
const RCX = 1, RSI = 6, RDI = 7;

/**
 * Work allowed per execution of a repeated instruction, in bytes moved by the
 * page-at-a-time fast path; an element done one at a time costs SLOW_COST.
 */
const REP_BUDGET = 65536;
const SLOW_COST = 64; // => at most 1024 single elements per execution

// ---------------------------------------------------------------------------
// Registers and addresses

/** Linear address of RSI/RDI at the instruction's address size, plus the FS/GS base for `seg`. */
function strAddr(cpu: Cpu, r: number, a32: boolean, seg: number): number {
  let lin = a32 ? cpu.regLo[r]! >>> 0 : cpu.regHi[r]! * TWO32 + (cpu.regLo[r]! >>> 0);
  if (seg >= SEG_FS) lin += cpu.segBase[seg]!;
  // Non-canonical string addresses raise #GP(0) (DS/ES/FS/GS, never SS here).
  if (lin >= CANON_LIMIT || lin < -CANON_LIMIT) cpu.raise(Vector.GP, 0);
  return lin;
}

/** RSI/RDI += delta (|delta| < 2^32), wrapping at the address size. */
function advance(cpu: Cpu, r: number, a32: boolean, delta: number): void {
  if (a32) {
    cpu.regLo[r] = (cpu.regLo[r]! + delta) | 0;
    cpu.regHi[r] = 0;
    return;
  }
  const lo = (cpu.regLo[r]! >>> 0) + delta;
  if (lo >= TWO32) { cpu.regLo[r] = lo - TWO32; cpu.regHi[r] = cpu.regHi[r]! + 1; }
  else if (lo < 0) { cpu.regLo[r] = lo + TWO32; cpu.regHi[r] = cpu.regHi[r]! - 1; }
  else cpu.regLo[r] = lo;
}

/** The repeat count (RCX or ECX) as a number (inexact above 2^53, which only matters for "non-zero"). */
function count(cpu: Cpu, a32: boolean): number {
  const lo = cpu.regLo[RCX]! >>> 0;
  return a32 ? lo : (cpu.regHi[RCX]! >>> 0) * TWO32 + lo;
}

/** RCX -= k (k <= count); ECX with a 67 prefix (zero-extended). */
function consume(cpu: Cpu, a32: boolean, k: number): void {
  if (a32) {
    cpu.regLo[RCX] = (cpu.regLo[RCX]! - k) | 0;
    cpu.regHi[RCX] = 0;
    return;
  }
  const lo = (cpu.regLo[RCX]! >>> 0) - k;
  if (lo < 0) { cpu.regLo[RCX] = lo + TWO32; cpu.regHi[RCX] = cpu.regHi[RCX]! - 1; }
  else cpu.regLo[RCX] = lo;
}

const isRep = (i: Insn): boolean => (i.prefixes & (PFX_REP | PFX_REPNE)) !== 0;

/** Re-executes the instruction if the count is not exhausted. */
function again(cpu: Cpu, n: number): void {
  if (n > 0) cpu.rip = cpu.insnStart;
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
function movsRun(cpu: Cpu, i: Insn, s: number, a32: boolean, back: boolean, max: number): number {
  const src = strAddr(cpu, RSI, a32, i.seg);
  const dst = strAddr(cpu, RDI, a32, -1);
  let k = runLength(src, cpu.regLo[RSI]!, a32, back, s, max);
  if (k > 1) k = runLength(dst, cpu.regLo[RDI]!, a32, back, s, k);
  if (k <= 1) return 0; // one element (or a straddling one): the slow path is as good
  const mmu = cpu.mmu, mem = cpu.mem;
  // Translate (and fault) the source before the destination, like the first element would.
  const ps = mmu.translate(src, mmu.readMask);
  const pd = mmu.translate(dst, mmu.writeMask);
  const len = k * s;
  const ps0 = back ? ps - len + s : ps, pd0 = back ? pd - len + s : pd;
  if (!mem.isRam(ps0, len) || !mem.isRam(pd0, len)) return 0;
  if (ps0 + len <= pd0 || pd0 + len <= ps0 || ps0 === pd0) {
    mem.u8.copyWithin(pd0, ps0, ps0 + len);
  } else {
    // Overlap: element-by-element in the direction of travel replicates the
    // pattern the way the hardware does (REP MOVSB with RDI = RSI + 1 smears).
    const view = mem.view;
    if (!back) for (let j = 0; j < len; j += s) copyElement(view, pd0 + j, ps0 + j, s);
    else for (let j = len - s; j >= 0; j -= s) copyElement(view, pd0 + j, ps0 + j, s);
  }
  const delta = back ? -len : len;
  advance(cpu, RSI, a32, delta);
  advance(cpu, RDI, a32, delta);
  consume(cpu, a32, k);
  return k;
}

/** Fills up to `max` STOS elements within the current destination page; 0 = use the slow path. */
function stosRun(cpu: Cpu, _i: Insn, s: number, a32: boolean, back: boolean, max: number): number {
  const dst = strAddr(cpu, RDI, a32, -1);
  const k = runLength(dst, cpu.regLo[RDI]!, a32, back, s, max);
  if (k <= 1) return 0;
  const pd = cpu.mmu.translate(dst, cpu.mmu.writeMask);
  const len = k * s;
  const pd0 = back ? pd - len + s : pd;
  const mem = cpu.mem;
  if (!mem.isRam(pd0, len)) return 0;
  const lo = cpu.regLo[0]!;
  if (s === 1) mem.u8.fill(lo & 0xff, pd0, pd0 + len);
  else {
    // One element, then double the filled prefix with memmove-speed copies.
    const view = mem.view;
    if (s === 2) view.setUint16(pd0, lo, true);
    else { view.setInt32(pd0, lo, true); if (s === 8) view.setInt32(pd0 + 4, cpu.regHi[0]!, true); }
    for (let done = s; done < len; done *= 2) mem.u8.copyWithin(pd0 + done, pd0, pd0 + Math.min(done, len - done));
  }
  advance(cpu, RDI, a32, back ? -len : len);
  consume(cpu, a32, k);
  return k;
}

/** Scratch for the element read by readElement (high dword of 8-byte elements). */
let elemHi = 0;

/** Reads an element of s bytes at physical address p: low dword returned, high in elemHi. */
function readElement(mem: Cpu['mem'], p: number, s: number): number {
  switch (s) {
    case 1: return mem.u8[p]!;
    case 2: return mem.view.getUint16(p, true);
    case 4: return mem.view.getInt32(p, true);
    default: elemHi = mem.view.getInt32(p + 4, true); return mem.view.getInt32(p, true);
  }
}

/**
 * REPE/REPNE SCAS over the current destination page: compares elements
 * against rAX until the termination condition or the end of the run, then
 * sets the flags from the last comparison exactly as the slow path would.
 * Returns the number of elements done (0: use the slow path).
 */
function scasRun(cpu: Cpu, s: number, a32: boolean, back: boolean, max: number, whileEqual: boolean): number {
  const dst = strAddr(cpu, RDI, a32, -1);
  const k = runLength(dst, cpu.regLo[RDI]!, a32, back, s, max);
  if (k <= 1) return 0;
  const pd = cpu.mmu.translate(dst, cpu.mmu.readMask);
  const mem = cpu.mem;
  if (!mem.isRam(back ? pd - (k - 1) * s : pd, k * s)) return 0;
  const acc = s === 1 ? cpu.regLo[0]! & 0xff : s === 2 ? cpu.regLo[0]! & 0xffff : cpu.regLo[0]!;
  const accHi = cpu.regHi[0]!;
  const step = back ? -s : s;
  let j = 0, v = 0, vh = 0;
  for (let p = pd; ; p += step) {
    v = readElement(mem, p, s); vh = elemHi;
    const eq = v === acc && (s !== 8 || vh === accHi);
    if (eq !== whileEqual || j === k - 1) break;
    j++;
  }
  alu(cpu, CMP, s, cpu.regLo[0]!, accHi, v, vh);
  advance(cpu, RDI, a32, (j + 1) * step);
  consume(cpu, a32, j + 1);
  return j + 1;
}

/** REPE/REPNE CMPS over the current source and destination pages (see scasRun). */
function cmpsRun(cpu: Cpu, i: Insn, s: number, a32: boolean, back: boolean, max: number, whileEqual: boolean): number {
  const src = strAddr(cpu, RSI, a32, i.seg);
  const dst = strAddr(cpu, RDI, a32, -1);
  let k = runLength(src, cpu.regLo[RSI]!, a32, back, s, max);
  if (k > 1) k = runLength(dst, cpu.regLo[RDI]!, a32, back, s, k);
  if (k <= 1) return 0;
  const mmu = cpu.mmu, mem = cpu.mem;
  const ps = mmu.translate(src, mmu.readMask);
  const pd = mmu.translate(dst, mmu.readMask);
  const span = (k - 1) * s;
  if (!mem.isRam(back ? ps - span : ps, k * s) || !mem.isRam(back ? pd - span : pd, k * s)) return 0;
  const step = back ? -s : s;
  let j = 0, a = 0, ah = 0, b = 0, bh = 0;
  for (let off = 0; ; off += step) {
    a = readElement(mem, ps + off, s); ah = elemHi;
    b = readElement(mem, pd + off, s); bh = elemHi;
    const eq = a === b && (s !== 8 || ah === bh);
    if (eq !== whileEqual || j === k - 1) break;
    j++;
  }
  alu(cpu, CMP, s, a, ah, b, bh);
  const d = (j + 1) * step;
  advance(cpu, RSI, a32, d);
  advance(cpu, RDI, a32, d);
  consume(cpu, a32, j + 1);
  return j + 1;
}

// ---------------------------------------------------------------------------
// One element of each instruction (registers advance only once it completed)

function movsOne(cpu: Cpu, i: Insn, s: number, a32: boolean): void {
  const v = cpu.readMem(s, strAddr(cpu, RSI, a32, i.seg)), vh = cpu.hi;
  cpu.writeMem(s, strAddr(cpu, RDI, a32, -1), v, vh);
  const d = cpu.df ? -s : s;
  advance(cpu, RSI, a32, d);
  advance(cpu, RDI, a32, d);
}

function stosOne(cpu: Cpu, _i: Insn, s: number, a32: boolean): void {
  cpu.writeMem(s, strAddr(cpu, RDI, a32, -1), cpu.regLo[0]!, cpu.regHi[0]!);
  advance(cpu, RDI, a32, cpu.df ? -s : s);
}

function lodsOne(cpu: Cpu, i: Insn, s: number, a32: boolean): void {
  const v = cpu.readMem(s, strAddr(cpu, RSI, a32, i.seg));
  cpu.setReg(s, 0, v, cpu.hi);
  advance(cpu, RSI, a32, cpu.df ? -s : s);
}

/** CMPS: flags of [seg:RSI] - ES:[RDI]. */
function cmpsOne(cpu: Cpu, i: Insn, s: number, a32: boolean): void {
  const a = cpu.readMem(s, strAddr(cpu, RSI, a32, i.seg)), ah = cpu.hi;
  const b = cpu.readMem(s, strAddr(cpu, RDI, a32, -1)), bh = cpu.hi;
  alu(cpu, CMP, s, a, ah, b, bh);
  const d = cpu.df ? -s : s;
  advance(cpu, RSI, a32, d);
  advance(cpu, RDI, a32, d);
}

/** SCAS: flags of rAX - ES:[RDI]. */
function scasOne(cpu: Cpu, s: number, a32: boolean): void {
  const b = cpu.readMem(s, strAddr(cpu, RDI, a32, -1)), bh = cpu.hi;
  alu(cpu, CMP, s, cpu.regLo[0]!, cpu.regHi[0]!, b, bh);
  advance(cpu, RDI, a32, cpu.df ? -s : s);
}

/**
 * INS: port DX -> ES:[RDI]. The destination is checked (and may fault) before
 * the port is read, so a #PF does not consume device data; the I/O permission
 * check comes first, as in the SDM pseudo-code.
 */
function insOne(cpu: Cpu, s: number, a32: boolean, port: number): void {
  const dst = strAddr(cpu, RDI, a32, -1);
  const mmu = cpu.mmu;
  mmu.translate(dst, mmu.writeMask);
  const off = dst - Math.floor(dst / PAGE) * PAGE;
  if (off + s > PAGE) mmu.translate(dst - off + PAGE, mmu.writeMask); // CR2 = start of the second page
  const v = cpu.portIn(port, s);
  cpu.writeMem(s, dst, v, 0);
  advance(cpu, RDI, a32, cpu.df ? -s : s);
}

/** OUTS: [seg:RSI] -> port DX. */
function outsOne(cpu: Cpu, i: Insn, s: number, a32: boolean, port: number): void {
  const v = cpu.readMem(s, strAddr(cpu, RSI, a32, i.seg));
  cpu.portOut(port, s, v);
  advance(cpu, RSI, a32, cpu.df ? -s : s);
}

// ---------------------------------------------------------------------------
// Handlers

/**
 * REP MOVS/STOS: whole runs on translated RAM where possible (`run` returns the
 * elements it did, 0 when the next element needs the per-element path), single
 * elements otherwise, within one execution's budget.
 */
function repBlocks(
  cpu: Cpu, i: Insn, s: number, a32: boolean,
  run: (cpu: Cpu, i: Insn, s: number, a32: boolean, back: boolean, max: number) => number,
  one: (cpu: Cpu, i: Insn, s: number, a32: boolean) => void,
): void {
  let n = count(cpu, a32);
  const back = cpu.df;
  let budget = REP_BUDGET;
  while (n > 0 && budget > 0) {
    const k = run(cpu, i, s, a32, back, Math.min(n, Math.ceil(budget / s)));
    if (k > 0) { n -= k; budget -= k * s; continue; }
    one(cpu, i, s, a32);
    consume(cpu, a32, 1);
    n--; budget -= SLOW_COST;
  }
  again(cpu, n);
}

export const movs = (byte: boolean): Handler => (cpu, i) => {
  const s = byte ? 1 : i.opSize;
  const a32 = i.addrSize === 4;
  if (!isRep(i)) { movsOne(cpu, i, s, a32); return; }
  repBlocks(cpu, i, s, a32, movsRun, movsOne);
};

export const stos = (byte: boolean): Handler => (cpu, i) => {
  const s = byte ? 1 : i.opSize;
  const a32 = i.addrSize === 4;
  if (!isRep(i)) { stosOne(cpu, i, s, a32); return; }
  repBlocks(cpu, i, s, a32, stosRun, stosOne);
};

export const lods = (byte: boolean): Handler => (cpu, i) => {
  const s = byte ? 1 : i.opSize;
  const a32 = i.addrSize === 4;
  if (!isRep(i)) { lodsOne(cpu, i, s, a32); return; }
  let n = count(cpu, a32);
  for (let budget = REP_BUDGET; n > 0 && budget > 0; budget -= SLOW_COST) {
    lodsOne(cpu, i, s, a32);
    consume(cpu, a32, 1);
    n--;
  }
  again(cpu, n);
};

/** REPE (F3) repeats while equal, REPNE (F2) while not equal; F3 is taken when both are present. */
const repWhileEqual = (i: Insn): boolean => (i.prefixes & PFX_REP) !== 0;

export const cmps = (byte: boolean): Handler => (cpu, i) => {
  const s = byte ? 1 : i.opSize;
  const a32 = i.addrSize === 4;
  if (!isRep(i)) { cmpsOne(cpu, i, s, a32); return; }
  let n = count(cpu, a32);
  const whileEqual = repWhileEqual(i);
  const back = cpu.df;
  let budget = REP_BUDGET;
  while (n > 0 && budget > 0) {
    const k = cmpsRun(cpu, i, s, a32, back, Math.min(n, Math.ceil(budget / s)), whileEqual);
    if (k > 0) { n -= k; budget -= k * s; }
    else { cmpsOne(cpu, i, s, a32); consume(cpu, a32, 1); n--; budget -= SLOW_COST; }
    if ((cpu.fZ === 0) !== whileEqual) return; // termination condition met (SDM "REP/REPE/REPNE")
  }
  again(cpu, n);
};

export const scas = (byte: boolean): Handler => (cpu, i) => {
  const s = byte ? 1 : i.opSize;
  const a32 = i.addrSize === 4;
  if (!isRep(i)) { scasOne(cpu, s, a32); return; }
  let n = count(cpu, a32);
  const whileEqual = repWhileEqual(i);
  const back = cpu.df;
  let budget = REP_BUDGET;
  while (n > 0 && budget > 0) {
    const k = scasRun(cpu, s, a32, back, Math.min(n, Math.ceil(budget / s)), whileEqual);
    if (k > 0) { n -= k; budget -= k * s; }
    else { scasOne(cpu, s, a32); consume(cpu, a32, 1); n--; budget -= SLOW_COST; }
    if ((cpu.fZ === 0) !== whileEqual) return;
  }
  again(cpu, n);
};

/** INS/OUTS move 1, 2 or 4 bytes (REX.W does not make them 8). */
const ioSize = (i: Insn, byte: boolean): number => byte ? 1 : i.opSize === 2 ? 2 : 4;

export const ins = (byte: boolean): Handler => (cpu, i) => {
  const s = ioSize(i, byte);
  const a32 = i.addrSize === 4;
  const port = cpu.regLo[2]! & 0xffff;
  // The permission check happens even when a REP count is 0 (checked on hardware).
  cpu.checkIoPermission(port, s);
  if (!isRep(i)) { insOne(cpu, s, a32, port); return; }
  let n = count(cpu, a32);
  for (let budget = REP_BUDGET; n > 0 && budget > 0; budget -= SLOW_COST) {
    insOne(cpu, s, a32, port);
    consume(cpu, a32, 1);
    n--;
  }
  again(cpu, n);
};

export const outs = (byte: boolean): Handler => (cpu, i) => {
  const s = ioSize(i, byte);
  const a32 = i.addrSize === 4;
  const port = cpu.regLo[2]! & 0xffff;
  cpu.checkIoPermission(port, s);
  if (!isRep(i)) { outsOne(cpu, i, s, a32, port); return; }
  let n = count(cpu, a32);
  for (let budget = REP_BUDGET; n > 0 && budget > 0; budget -= SLOW_COST) {
    outsOne(cpu, i, s, a32, port);
    consume(cpu, a32, 1);
    n--;
  }
  again(cpu, n);
};
