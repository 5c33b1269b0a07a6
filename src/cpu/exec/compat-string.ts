// String instructions in 32-bit code (compatibility mode): MOVS STOS LODS CMPS
// SCAS INS OUTS with REP/REPE/REPNE (SDM Vol. 1 §7.3.9, Vol. 2 entries and
// "REP/REPE/REPZ/REPNE/REPNZ"). The source is DS:ESI (the segment overridable),
// the destination ES:EDI (never overridable); with 67 SI/DI/CX are used and only
// their low 16 bits change. Every element is checked against its segment's
// type and limit (compat-segments.ts segmentLinear: #GP(0)) before it is
// accessed; the registers advance only once an element completed, so a fault
// mid-REP leaves ESI/EDI/ECX at the element that faulted and EIP at the
// instruction. No page-run fast path (string-runs.ts is 64-bit code only).
import { RAX, RCX, RDI, RDX, RSI, SEG_DS, SEG_ES } from '../../arch/registers.js';
import { ALU_CMP } from '../../isa/executors.js';
import { PFX_REP, type Insn } from '../../isa/insn.js';
import type { ExecContext, Handler } from '../context.js';
import { checkIoPermission, portIn, portOut } from '../io.js';
import { segmentLinear } from '../compat-segments.js';
import { alu } from './alu.js';
import { df, isRep } from './string-addressing.js';

/** Elements per execution of a repeated instruction; then it runs again (the run loop stays responsive). */
const REP_BUDGET = 1024;

/** ESI/EDI (SI/DI with 67) as an offset. */
const offset = (c: ExecContext, r: number, a16: boolean): number => (a16 ? c.regLo[r]! & 0xffff : c.regLo[r]! >>> 0);

/** The linear address of the source element, DS:ESI or the override. */
const src = (c: ExecContext, i: Insn, s: number, a16: boolean): number =>
  segmentLinear(c, i.seg >= 0 ? i.seg : SEG_DS, offset(c, RSI, a16), s, false);

/** The linear address of the destination element, ES:EDI. */
const dst = (c: ExecContext, s: number, a16: boolean, write: boolean): number =>
  segmentLinear(c, SEG_ES, offset(c, RDI, a16), s, write);

/** ESI/EDI (or SI/DI) by ±size per the direction flag; a 32-bit write clears bits 63:32. */
function advance(c: ExecContext, r: number, a16: boolean, s: number): void {
  const d = df(c) ? -s : s;
  if (a16) c.regLo[r] = (c.regLo[r]! & ~0xffff) | ((c.regLo[r]! + d) & 0xffff);
  else { c.regLo[r] = (c.regLo[r]! + d) | 0; c.regHi[r] = 0; }
}

type Element = (c: ExecContext, i: Insn, s: number, a16: boolean) => void;

const movsOne: Element = (c, i, s, a16) => {
  const v = c.mmu.read(s, src(c, i, s, a16));
  c.mmu.write(s, dst(c, s, a16, true), v, 0);
  advance(c, RSI, a16, s); advance(c, RDI, a16, s);
};
const stosOne: Element = (c, _i, s, a16) => {
  c.mmu.write(s, dst(c, s, a16, true), c.regLo[RAX]!, 0);
  advance(c, RDI, a16, s);
};
const lodsOne: Element = (c, i, s, a16) => {
  c.setReg(s, RAX, c.mmu.read(s, src(c, i, s, a16)), 0);
  advance(c, RSI, a16, s);
};
/** CMPS: flags of [DS:ESI] - ES:[EDI]. */
const cmpsOne: Element = (c, i, s, a16) => {
  const a = c.mmu.read(s, src(c, i, s, a16));
  const b = c.mmu.read(s, dst(c, s, a16, false));
  alu(c, ALU_CMP, s, a, 0, b, 0);
  advance(c, RSI, a16, s); advance(c, RDI, a16, s);
};
/** SCAS: flags of EAX - ES:[EDI]. */
const scasOne: Element = (c, _i, s, a16) => {
  alu(c, ALU_CMP, s, c.regLo[RAX]!, 0, c.mmu.read(s, dst(c, s, a16, false)), 0);
  advance(c, RDI, a16, s);
};
/** INS: the destination checked (segment and page) before the port is read. */
const insOne: Element = (c, _i, s, a16) => {
  const at = dst(c, s, a16, true);
  c.mmu.probeWrite(at, s);
  c.mmu.write(s, at, portIn(c, c.regLo[RDX]! & 0xffff, s), 0);
  advance(c, RDI, a16, s);
};
const outsOne: Element = (c, i, s, a16) => {
  portOut(c, c.regLo[RDX]! & 0xffff, s, c.mmu.read(s, src(c, i, s, a16)));
  advance(c, RSI, a16, s);
};

/** One execution: one element, or with REP up to REP_BUDGET elements while ECX (CX) ≠ 0 (and the REPE/REPNE condition holds). */
function execute(c: ExecContext, i: Insn, s: number, one: Element, compares: boolean): void {
  const a16 = i.addrSize === 2;
  if (!isRep(i)) { one(c, i, s, a16); return; }
  const mask = a16 ? 0xffff : 0xffffffff;
  const whileEqual = (i.prefixes & PFX_REP) !== 0;
  let budget = c.repSingle ? 1 : REP_BUDGET;
  while ((c.regLo[RCX]! & mask) !== 0) {
    if (budget-- === 0) { c.rip = c.insnStart; return; }
    one(c, i, s, a16);
    if (a16) c.regLo[RCX] = (c.regLo[RCX]! & ~0xffff) | ((c.regLo[RCX]! - 1) & 0xffff);
    else { c.regLo[RCX] = (c.regLo[RCX]! - 1) | 0; c.regHi[RCX] = 0; }
    if (compares && (c.fZ === 0) !== whileEqual) return;
  }
}

export const compatMovs: Handler = (c, i) => execute(c, i, i.size0, movsOne, false);
export const compatStos: Handler = (c, i) => execute(c, i, i.size0, stosOne, false);
export const compatLods: Handler = (c, i) => execute(c, i, i.size0, lodsOne, false);
export const compatCmps: Handler = (c, i) => execute(c, i, i.size0, cmpsOne, true);
export const compatScas: Handler = (c, i) => execute(c, i, i.size0, scasOne, true);
/** INS/OUTS: the I/O permission check first, even for a count of 0 (as string.ts). */
export const compatIns: Handler = (c, i) => {
  checkIoPermission(c, c.regLo[RDX]! & 0xffff, i.size0);
  execute(c, i, i.size0, insOne, false);
};
export const compatOuts: Handler = (c, i) => {
  checkIoPermission(c, c.regLo[RDX]! & 0xffff, i.size1);
  execute(c, i, i.size1, outsOne, false);
};
