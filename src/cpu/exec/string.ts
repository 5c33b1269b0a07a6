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
// REP MOVS/STOS/CMPS/SCAS work on a page-sized run at a time (string-runs.ts)
// when the run lies in RAM (faults can then only happen at the start of a run,
// before any element of it is done).
//
// Prefixes as measured on hardware: F2 on MOVS/STOS/LODS/INS/OUTS repeats like
// F3. For CMPS/SCAS, F3 is REPE and F2 is REPNE; when both are present the last
// one wins (the decoder keeps only the last).
import { RAX, RSI, RDI, RDX } from '../../arch/registers.js';
import { ALU_CMP } from '../../isa/executors.js';
import { PFX_REP, type Insn } from '../../isa/insn.js';
import type { ExecContext, Handler } from '../context.js';
import { checkIoPermission, portIn, portOut } from '../io.js';
import { alu } from './alu.js';
import { advance, again, consume, count, df, isRep, strAddr } from './string-addressing.js';
import { cmpsRun, movsRun, scasRun, stosRun, type Run } from './string-runs.js';
import { StopReason } from '../stop-reason.js';

/**
 * Work allowed per execution of a repeated instruction, in bytes moved by the
 * page-at-a-time fast path; an element done one at a time costs SLOW_COST.
 */
const REP_BUDGET = 65536;
const SLOW_COST = 64; // => at most 1024 single elements per execution

// ---------------------------------------------------------------------------
// One element of each instruction (registers advance only once it completed)

function movsOne(c: ExecContext, i: Insn, s: number, a32: boolean): void {
  const v = c.mmu.read(s, strAddr(c, RSI, a32, i.seg, s)), vh = c.mmu.hi;
  c.mmu.write(s, strAddr(c, RDI, a32, -1, s), v, vh);
  const d = df(c) ? -s : s;
  advance(c, RSI, a32, d);
  advance(c, RDI, a32, d);
}

function stosOne(c: ExecContext, _i: Insn, s: number, a32: boolean): void {
  c.mmu.write(s, strAddr(c, RDI, a32, -1, s), c.regLo[RAX]!, c.regHi[RAX]!);
  advance(c, RDI, a32, df(c) ? -s : s);
}

function lodsOne(c: ExecContext, i: Insn, s: number, a32: boolean): void {
  const v = c.mmu.read(s, strAddr(c, RSI, a32, i.seg, s));
  c.setReg(s, RAX, v, c.mmu.hi);
  advance(c, RSI, a32, df(c) ? -s : s);
}

/** CMPS: flags of [seg:RSI] - ES:[RDI]. */
function cmpsOne(c: ExecContext, i: Insn, s: number, a32: boolean): void {
  const a = c.mmu.read(s, strAddr(c, RSI, a32, i.seg, s)), ah = c.mmu.hi;
  const b = c.mmu.read(s, strAddr(c, RDI, a32, -1, s)), bh = c.mmu.hi;
  alu(c, ALU_CMP, s, a, ah, b, bh);
  const d = df(c) ? -s : s;
  advance(c, RSI, a32, d);
  advance(c, RDI, a32, d);
}

/** SCAS: flags of rAX - ES:[RDI]. */
function scasOne(c: ExecContext, _i: Insn, s: number, a32: boolean): void {
  const b = c.mmu.read(s, strAddr(c, RDI, a32, -1, s)), bh = c.mmu.hi;
  alu(c, ALU_CMP, s, c.regLo[RAX]!, c.regHi[RAX]!, b, bh);
  advance(c, RDI, a32, df(c) ? -s : s);
}

/**
 * INS: port DX -> ES:[RDI]. The destination is checked (and may fault) before
 * the port is read, so a #PF does not consume device data; the I/O permission
 * check comes first, as in the SDM pseudo-code.
 */
function insOne(c: ExecContext, _i: Insn, s: number, a32: boolean): void {
  const port = c.regLo[RDX]! & 0xffff;
  const dst = strAddr(c, RDI, a32, -1, s);
  c.mmu.probeWrite(dst, s); // a straddling element faults with CR2 = the start of the second page
  const v = portIn(c, port, s);
  c.mmu.write(s, dst, v, 0);
  advance(c, RDI, a32, df(c) ? -s : s);
}

/** OUTS: [seg:RSI] -> port DX. */
function outsOne(c: ExecContext, i: Insn, s: number, a32: boolean): void {
  const v = c.mmu.read(s, strAddr(c, RSI, a32, i.seg, s));
  portOut(c, c.regLo[RDX]! & 0xffff, s, v);
  advance(c, RSI, a32, df(c) ? -s : s);
}

// ---------------------------------------------------------------------------
// Handlers

type Element = (c: ExecContext, i: Insn, s: number, a32: boolean) => void;

/** REPE (F3) repeats while equal, REPNE (F2) while not equal (the decoder keeps the last of them). */
const repWhileEqual = (i: Insn): boolean => (i.prefixes & PFX_REP) !== 0;

/**
 * One execution of a string instruction: one element; or, with a REP prefix,
 * whole runs in RAM where `run` can (it returns the elements it did, 0 when
 * the next element needs the element path) and single elements otherwise,
 * within one execution's budget. CMPS/SCAS (`compares`) also stop at the
 * REPE/REPNE condition (SDM "REP/REPE/REPZ/REPNE/REPNZ").
 */
function execute(c: ExecContext, i: Insn, s: number, run: Run | undefined, one: Element, compares: boolean): void {
  const a32 = i.addrSize === 4;
  if (!isRep(i)) { one(c, i, s, a32); return; }
  let n = count(c, a32);
  const whileEqual = repWhileEqual(i), back = df(c);
  // One iteration per execution while single-stepping or watching data (a #DB trap per iteration, SDM §17.3.1.4).
  let budget = c.repSingle ? 1 : REP_BUDGET;
  while (n > 0 && budget > 0) {
    const k = run ? run(c, i, s, a32, back, Math.min(n, Math.ceil(budget / s)), whileEqual) : 0;
    if (k > 0) { n -= k; budget -= k * s; }
    else { one(c, i, s, a32); consume(c, a32, 1); n--; budget -= SLOW_COST; }
    if (compares && (c.fZ === 0) !== whileEqual) return;
    if (c.stopReason !== StopReason.None) break; // an element exited to the host: stop at this boundary
  }
  again(c, n);
}

export const movs: Handler = (c, i) => execute(c, i, i.size0, movsRun, movsOne, false);
export const stos: Handler = (c, i) => execute(c, i, i.size0, stosRun, stosOne, false);
export const lods: Handler = (c, i) => execute(c, i, i.size0, undefined, lodsOne, false);
export const cmps: Handler = (c, i) => execute(c, i, i.size0, cmpsRun, cmpsOne, true);
export const scas: Handler = (c, i) => execute(c, i, i.size0, scasRun, scasOne, true);

/** INS/OUTS: the I/O permission check comes first, even for a REP count of 0 (checked on hardware). */
export const ins: Handler = (c, i) => {
  checkIoPermission(c, c.regLo[RDX]! & 0xffff, i.size0);
  execute(c, i, i.size0, undefined, insOne, false);
};
export const outs: Handler = (c, i) => {
  checkIoPermission(c, c.regLo[RDX]! & 0xffff, i.size1);
  execute(c, i, i.size1, undefined, outsOne, false);
};
