// Far transfers in 64-bit mode (SDM Vol. 2A CALL, JMP, Vol. 2B RET, each
// "IA-32e mode" path; APM Vol. 3 CALL/JMP (far), RETF; APM Vol. 2 §4.11):
// indirect far JMP/CALL through m16:16, m16:32 or m16:64 to a code segment
// (64-bit or compatibility mode) or through a 64-bit call gate (with a
// privilege change to an inner level for CALL), and far RET to the same or an
// outer level. Direct far JMP/CALL (EA, 9A) are invalid in 64-bit mode (the
// table's i64 rows). All checks come before anything is written or loaded.
import { Vector } from '../../arch/vectors.js';
import { RSP, SEG_CS, SEG_SS, SEG_ES, SEG_DS, SEG_FS, SEG_GS } from '../../arch/registers.js';
import {
  ATTR_P, ATTR_S, ATTR_L, ATTR_DB, ATTR_TYPE, SYS_CALL_GATE, TYPE_EC, TYPE_RW, dplOf, isCodeSegment, isDataSegment,
} from '../../arch/descriptors.js';
import { ACC_WRITE_SUP } from '../../mmu/mmu.js';
import type { Insn } from '../../isa/insn.js';
import type { ExecContext, Handler } from '../context.js';
import { effectiveAddress, isCanonical } from '../operands.js';
import { adjustRsp, peek, stackAddress } from '../stack.js';
import { Descriptor, readDescriptor, loadCodeSegment, loadDataSegment, loadNullSs, setSegment, usableAt, markAccessed } from '../segmentation.js';
import { GateTarget, checkCallGate, tssStack } from '../call-gates.js';

const TWO32 = 4294967296;
const target = new Descriptor(), retCs = new Descriptor(), retSs = new Descriptor();
const gate = new GateTarget();
const DATA_SEGMENTS = [SEG_ES, SEG_DS, SEG_FS, SEG_GS] as const;

const hiOf = (v: number) => Math.floor(v / TWO32);
const loOf = (v: number) => (v - Math.floor(v / TWO32) * TWO32) | 0;

/**
 * The operand size of FF /3 and FF /5: 66 → m16:16, default m16:32, REX.W →
 * m16:64 on Intel (SDM JMP/CALL); AMD ignores REX.W, also with 66 (m16:32;
 * measured on an AMD EPYC host, APM Vol. 3 JMP (far): "the operand size is 32 bits").
 */
function pointerSize(c: ExecContext, i: Insn): number {
  return i.opSize === 8 && c.vendor === 'amd' ? 4 : i.opSize;
}

/**
 * LSS/LFS/LGS r, m16:xx: the offset and the selector are read, the segment
 * register is loaded with MOV Sreg's checks (no interrupt shadow: only MOV SS
 * and POP SS have one, SDM §6.8.3), then the register is written at the
 * pointer's size (AMD ignores REX.W like far JMP/CALL: m16:32 zero-extended,
 * measured on an AMD host; Intel m16:64, SDM LFS/LGS/LSS).
 */
export const loadFarPointer: Handler = (c, i) => {
  const size = pointerSize(c, i);
  const ea = effectiveAddress(c, i);
  const lo = c.mmu.read(size, ea), hi = size === 8 ? c.mmu.hi : 0;
  const sel = c.mmu.read(2, ea + size) & 0xffff;
  loadDataSegment(c, i.param, sel);
  c.setReg(size, i.reg, lo, hi);
};

/** Whether a code segment's attributes make a valid far-transfer target: not L = D = 1 (SDM: #GP(selector)). */
const badLD = (attr: number) => (attr & (ATTR_L | ATTR_DB)) === (ATTR_L | ATTR_DB);

/** A target RIP in a code segment: canonical for 64-bit code, within the limit for compatibility mode; else #GP(0). */
export function checkRip(c: ExecContext, rip: number, cs: Descriptor): void {
  if ((cs.attr & ATTR_L) ? !isCanonical(rip) : rip > cs.limit) c.raise(Vector.GP, 0);
}

/**
 * Reads the far pointer of FF /3, FF /5 and looks its selector up: a null
 * selector → #GP(0), beyond the table → #GP(sel); only code segments and
 * 64-bit call gates are targets, anything else (data, LDT, TSS, task gates,
 * interrupt gates, 16-bit call gates) → #GP(sel). Returns the offset; the
 * selector is in farSel and its descriptor in `target`.
 */
let farSel = 0;
function farPointer(c: ExecContext, i: Insn): number {
  const size = pointerSize(c, i);
  const ea = effectiveAddress(c, i);
  const lo = c.mmu.read(size, ea);
  const offset = size === 8 ? c.mmu.hi * TWO32 + (lo >>> 0) : size === 4 ? lo >>> 0 : lo & 0xffff;
  farSel = c.mmu.read(2, ea + size) & 0xffff;
  const err = farSel & 0xfffc;
  if (err === 0) c.raise(Vector.GP, 0);
  const attr = readDescriptor(c, farSel, err, target).attr;
  if ((attr & ATTR_S) ? !isCodeSegment(attr) : (attr & ATTR_TYPE) !== SYS_CALL_GATE) c.raise(Vector.GP, err);
  return offset;
}

/** The code-segment checks of a direct far JMP/CALL target (CONFORMING-/NONCONFORMING-CODE-SEGMENT). */
export function checkCodeTarget(c: ExecContext, sel: number, attr: number): void {
  const err = sel & 0xfffc, dpl = dplOf(attr);
  if (badLD(attr)) c.raise(Vector.GP, err);
  if ((attr & TYPE_EC) ? dpl > c.cpl : (sel & 3) > c.cpl || dpl !== c.cpl) c.raise(Vector.GP, err);
  if ((attr & ATTR_P) === 0) c.raise(Vector.NP, err);
}

/** JMP m16:16/32/64 (FF /5). */
export const jmpFar: Handler = (c, i) => {
  const offset = farPointer(c, i);
  if (!(target.attr & ATTR_S)) return jumpThroughGate(c, farSel, target);
  checkCodeTarget(c, farSel, target.attr);
  checkRip(c, offset, target);
  markAccessed(c, target);
  loadCodeSegment(c, farSel, target.base, target.limit, target.attr, c.cpl);
  c.rip = offset;
};

/** A far JMP through the 64-bit call gate `sel` (its first 8 bytes read into `desc`), from 64-bit or 32-bit code. */
export function jumpThroughGate(c: ExecContext, sel: number, desc: Descriptor): void {
  checkCallGate(c, sel, desc, false, gate);
  if (!isCanonical(gate.rip)) c.raise(Vector.GP, 0);
  markAccessed(c, gate.cs);
  loadCodeSegment(c, gate.selector, gate.cs.base, gate.cs.limit, gate.cs.attr, c.cpl);
  c.rip = gate.rip;
}

/** CALL m16:16/32/64 (FF /3). */
export const callFar: Handler = (c, i) => {
  const offset = farPointer(c, i);
  if (!(target.attr & ATTR_S)) return callThroughGate(c, farSel, target);
  // Direct: CS and the return offset pushed at the operand size (CS zero-extended; EIP/IP truncated).
  const oldCs = c.segSel[SEG_CS]!, ret = c.rip;
  checkCodeTarget(c, farSel, target.attr);
  const s = pointerSize(c, i);
  const at = stackAddress(c, -2 * s, 2 * s); // #SS(0) first (SDM CALL: "stack not large enough"), both ends canonical
  checkRip(c, offset, target);
  markAccessed(c, target);
  c.mmu.write(s, at + s, oldCs, 0);
  c.mmu.write(s, at, loOf(ret), s === 8 ? hiOf(ret) : 0);
  adjustRsp(c, -2 * s);
  loadCodeSegment(c, farSel, target.base, target.limit, target.attr, c.cpl);
  c.rip = offset;
};

/**
 * A far CALL through the 64-bit call gate `sel` (its first 8 bytes read into
 * `desc`), from 64-bit or 32-bit code: the pushes are 8 bytes each on RSP
 * (SS's base and limit do not apply: the target is 64-bit code; SDM CALL,
 * IA-32e call gates).
 */
export function callThroughGate(c: ExecContext, sel: number, desc: Descriptor): void {
  const oldCs = c.segSel[SEG_CS]!, ret = c.rip;
  checkCallGate(c, sel, desc, true, gate);
  const cs = gate.cs, newCpl = (cs.attr & TYPE_EC) ? c.cpl : dplOf(cs.attr);
  if (newCpl < c.cpl) {
    // MORE-PRIVILEGE: RSPn of the TSS, SS null with RPL = new CPL; pushes old SS, RSP, CS, RIP (8 bytes each).
    const rsp = tssStack(c, newCpl);
    if (!isCanonical(rsp - 32) || !isCanonical(rsp - 1)) c.raise(Vector.SS, 0);
    if (!isCanonical(gate.rip)) c.raise(Vector.GP, 0);
    markAccessed(c, cs);
    const w = (k: number, lo: number, hi: number) => c.mmu.writeWith(rsp - 8 * k, 8, lo, hi, ACC_WRITE_SUP);
    w(1, c.segSel[SEG_SS]!, 0);
    w(2, c.regLo[RSP]!, c.regHi[RSP]!);
    w(3, oldCs, 0);
    w(4, loOf(ret), hiOf(ret));
    c.setReg(8, RSP, loOf(rsp - 32), hiOf(rsp - 32));
    loadNullSs(c, newCpl);
  } else {
    // SAME-PRIVILEGE: CS and RIP pushed as 8 bytes each on the current stack.
    const at = stackAddress(c, -16, 16);
    if (!isCanonical(gate.rip)) c.raise(Vector.GP, 0);
    markAccessed(c, cs);
    c.mmu.write(8, at + 8, oldCs, 0);
    c.mmu.write(8, at, loOf(ret), hiOf(ret));
    adjustRsp(c, -16);
  }
  loadCodeSegment(c, gate.selector, cs.base, cs.limit, cs.attr, newCpl);
  c.rip = gate.rip;
}

/**
 * RETF / RETF imm16 (CB, CA): pops RIP and CS at the operand size (66: 16,
 * default 32, REX.W 64), checks the return CS (null → #GP(0); beyond the table,
 * not code, L = D = 1, RPL < CPL, conforming DPL > RPL, non-conforming DPL ≠ RPL
 * → #GP(sel); not present → #NP(sel)). To an outer level (RPL > CPL) it also
 * pops RSP and SS (after the imm16 bytes), checks SS like IRET (a null SS only
 * to 64-bit code below CPL 3 with RPL = the new CPL), and nulls the data
 * segments the new CPL may not use (SDM RET, IA-32E-MODE-RETURN-TO-OUTER-PRIVILEGE-LEVEL).
 */
export const retFar: Handler = (c, i) => farReturn(c, i, peek, adjustRsp);

/**
 * The far return of retFar, from 64-bit code (peek/adjustRsp: RSP) or from
 * 32-bit code (compat.ts: compatPeek/compatAdjustStack, ESP in SS with its
 * limit; SDM RET "PROTECTED-MODE" paths, the same checks).
 */
export function farReturn(
  c: ExecContext, i: Insn, peek: (c: ExecContext, size: number, offset: number) => number, adjustRsp: (c: ExecContext, delta: number) => void,
): void {
  const s = i.opSize;
  const imm = i.row.operands.length ? i.imm & 0xffff : 0;
  const ripLo = peek(c, s, 0), ripHi = s === 8 ? c.mmu.hi : 0;
  const csSel = peek(c, s, s) & 0xffff;
  const rip = s === 8 ? ripHi * TWO32 + (ripLo >>> 0) : s === 4 ? ripLo >>> 0 : ripLo & 0xffff;
  const err = csSel & 0xfffc, rpl = csSel & 3;
  if (err === 0) c.raise(Vector.GP, 0);
  const cs = readDescriptor(c, csSel, err, retCs);
  const attr = cs.attr, dpl = dplOf(attr);
  if (!isCodeSegment(attr) || badLD(attr) || rpl < c.cpl) c.raise(Vector.GP, err);
  if ((attr & TYPE_EC) ? dpl > rpl : dpl !== rpl) c.raise(Vector.GP, err);
  if ((attr & ATTR_P) === 0) c.raise(Vector.NP, err);
  if (rpl === c.cpl) {
    checkRip(c, rip, cs);
    markAccessed(c, cs);
    adjustRsp(c, 2 * s + imm);
    loadCodeSegment(c, csSel, cs.base, cs.limit, cs.attr, rpl);
    c.rip = rip;
    return;
  }
  // To an outer privilege level.
  const rspLo = peek(c, s, 2 * s + imm), rspHi = s === 8 ? c.mmu.hi : 0;
  const ssSel = peek(c, s, 3 * s + imm) & 0xffff;
  let ssBase = 0, ssLimit = 0, ssAttr = 0;
  if ((ssSel & 0xfffc) === 0) {
    if ((attr & ATTR_L) === 0 || rpl === 3 || (ssSel & 3) !== rpl) c.raise(Vector.GP, 0);
  } else {
    const ssErr = ssSel & 0xfffc;
    const ss = readDescriptor(c, ssSel, ssErr, retSs);
    if (!isDataSegment(ss.attr) || (ss.attr & TYPE_RW) === 0 || (ssSel & 3) !== rpl || dplOf(ss.attr) !== rpl) c.raise(Vector.GP, ssErr);
    if ((ss.attr & ATTR_P) === 0) c.raise(Vector.SS, ssErr);
    ssBase = ss.base; ssLimit = ss.limit; ssAttr = ss.attr;
  }
  checkRip(c, rip, cs);
  // The accessed bits, CS then SS, after every check (segmentation.ts markAccessed).
  markAccessed(c, cs);
  if ((ssSel & 0xfffc) !== 0) { markAccessed(c, retSs); ssAttr = retSs.attr; }
  loadCodeSegment(c, csSel, cs.base, cs.limit, cs.attr, rpl);
  setSegment(c, SEG_SS, ssSel, ssBase, ssLimit, ssAttr);
  if (s === 8) c.setReg(8, RSP, rspLo, rspHi);
  else c.setReg(8, RSP, s === 4 ? rspLo : rspLo & 0xffff, 0);
  adjustRsp(c, imm);
  for (const seg of DATA_SEGMENTS) {
    if (!usableAt(c.segAttr[seg]!, c.segSel[seg]!, rpl)) { c.segSel[seg] = 0; c.segAttr[seg] = 0; }
  }
  c.rip = rip;
}
