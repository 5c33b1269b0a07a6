// Control transfer: JMP, Jcc, CALL, RET, LOOPcc, JrCXZ, INT n / INT3 / INT1,
// IRET (SDM Vol. 2 entries; IRET per SDM Vol. 3A §6.14.3 for IA-32e mode).
// Near branches with a 66 prefix use a 16-bit operand size (AMD behaviour).
import { Vector } from '../../arch/vectors.js';
import { NT } from '../../arch/rflags.js';
import { RCX, RSP, SEG_SS, SEG_ES, SEG_DS, SEG_FS, SEG_GS } from '../../arch/registers.js';
import { ATTR_L, ATTR_P, TYPE_EC, TYPE_RW, dplOf, isCodeSegment, isDataSegment } from '../../arch/descriptors.js';
import type { Insn } from '../../isa/insn.js';
import type { ExecContext, Handler } from '../context.js';
import { condition, PF_TABLE } from '../lazy-flags.js';
import { CONTEXT_FLAGS, PF_TABLE_NAME, conditionSource } from '../flags-source.js';
import { buildFunction, builtOnDemand } from '../generated.js';
import { effectiveAddress, isCanonical, isCanonicalAccess, loadOperand } from '../operands.js';
import { adjustRsp, peek, peek64, pushAddress } from '../stack.js';
import { Descriptor, readDescriptor, loadCodeSegment, setSegment, usableAt, markAccessed } from '../segmentation.js';
import { deliverEvent } from '../delivery.js';
import { enteredDebugHandler } from '../debug.js';
import type { RowBinder } from './binding.js';
import { poppedRflags } from './stack-ops.js';

const TWO32 = 4294967296;

/** Moves RIP to `target` (a signed number), truncated for a 16-bit operand size; #GP(0) if not canonical. */
function branchTo(c: ExecContext, i: Insn, target: number): void {
  if (i.opSize === 2) target = target & 0xffff;
  if (!isCanonical(target)) c.raise(Vector.GP, 0);
  c.rip = target;
}

/** The target of a near branch: RIP + displacement (J), or operand 0 (E: a register or memory). */
function branchTarget(c: ExecContext, i: Insn): number {
  if (i.row.operands[0]!.kind === 'J') return c.rip + i.imm;
  loadOperand(c, i, 0);
  return i.opSize === 8 ? c.ops.hi[0]! * TWO32 + (c.ops.lo[0]! >>> 0) : c.ops.lo[0]! & 0xffff;
}

/** The 64-bit operand-size forms: no truncation (the hot path). */
const jump64: Handler = (c, i) => {
  const t = c.rip + i.imm;
  if (!isCanonical(t)) c.raise(Vector.GP, 0);
  c.rip = t;
};
/** Jcc rel with a 64-bit operand size: one function per condition code, its test inlined from flags-source.ts. */
const jcc64 = builtOnDemand((cc: number) => buildFunction<Handler>(`jcc64_${cc}`, ['c', 'i'],
  `if (${conditionSource(cc, CONTEXT_FLAGS)}) jump64(c, i);`, { jump64, [PF_TABLE_NAME]: PF_TABLE }));
const call64: Handler = (c, i) => {
  const ret = c.rip, t = ret + i.imm;
  if (!isCanonical(t)) c.raise(Vector.GP, 0);
  pushAddress(c, 8, ret, i);
  c.rip = t;
};
const ret64: Handler = (c, i) => {
  const lo = peek64(c, i);
  if (c.mmu.faultDeferred) return; // mmu.ts deferCached: RIP goes back to the instruction
  const t = c.mmu.hi * TWO32 + (lo >>> 0);
  if (!isCanonical(t)) c.raise(Vector.GP, 0);
  adjustRsp(c, 8);
  c.rip = t;
};

const relative64 = (i: Insn, specialise: boolean) => specialise && i.opSize === 8 && i.row.operands[0]?.kind === 'J';

const jccGeneric: Handler = (c, i) => { if (condition(c, i.param)) branchTo(c, i, c.rip + i.imm); };
export const bindJcc: RowBinder = (row) => (i, specialise) => (relative64(i, specialise) ? jcc64(row.param) : jccGeneric);

const jmpGeneric: Handler = (c, i) => branchTo(c, i, branchTarget(c, i));

/** JMP and CALL through a 64-bit register or memory operand (FF /4, FF /2): the target. */
function indirectTarget64(c: ExecContext, i: Insn): number {
  if (!i.isMem) return c.regHi[i.rm]! * TWO32 + (c.regLo[i.rm]! >>> 0);
  const lo = c.mmu.read64Cached(i, effectiveAddress(c, i));
  return c.mmu.hi * TWO32 + (lo >>> 0);
}
const jmpIndirect64: Handler = (c, i) => {
  const t = indirectTarget64(c, i);
  if (c.mmu.faultDeferred) return; // mmu.ts deferCached
  if (!isCanonical(t)) c.raise(Vector.GP, 0);
  c.rip = t;
};
const callIndirect64: Handler = (c, i) => {
  const t = indirectTarget64(c, i);
  if (c.mmu.faultDeferred) return; // mmu.ts deferCached
  if (!isCanonical(t)) c.raise(Vector.GP, 0);
  pushAddress(c, 8, c.rip, i);
  c.rip = t;
};
const indirect64 = (i: Insn, specialise: boolean) => specialise && i.opSize === 8 && i.row.operands[0]?.kind === 'E';

export const bindJmp: RowBinder = () => (i, specialise) => (relative64(i, specialise) ? jump64 : indirect64(i, specialise) ? jmpIndirect64 : jmpGeneric);

/** CALL: the target is computed (and checked) before the return address is pushed. */
const callGeneric: Handler = (c, i) => {
  let target = branchTarget(c, i);
  if (i.opSize === 2) target &= 0xffff;
  if (!isCanonical(target)) c.raise(Vector.GP, 0);
  pushAddress(c, i.opSize, c.rip, i);
  c.rip = target;
};
export const bindCall: RowBinder = () => (i, specialise) => (relative64(i, specialise) ? call64 : indirect64(i, specialise) ? callIndirect64 : callGeneric);

/** RET / RET imm16: the return address is checked before RSP moves. */
const retGeneric: Handler = (c, i) => {
  const s = i.opSize;
  const lo = peek(c, s, 0);
  const target = s === 8 ? c.mmu.hi * TWO32 + (lo >>> 0) : lo & 0xffff;
  if (!isCanonical(target)) c.raise(Vector.GP, 0);
  adjustRsp(c, s + (i.row.operands.length ? i.imm & 0xffff : 0));
  c.rip = target;
};
export const bindRet: RowBinder = (row) => (i, specialise) => (specialise && i.opSize === 8 && row.operands.length === 0 ? ret64 : retGeneric);

/** Decrements rCX (ECX with 67) without touching flags; returns whether it is now non-zero. */
function decrementCount(c: ExecContext, i: Insn): boolean {
  if (i.addrSize === 4) {
    const v = (c.regLo[RCX]! - 1) | 0;
    c.setReg(4, RCX, v, 0);
    return v !== 0;
  }
  const lo = c.regLo[RCX]!;
  const nlo = (lo - 1) | 0;
  if (lo === 0) c.regHi[RCX] = (c.regHi[RCX]! - 1) | 0;
  c.regLo[RCX] = nlo;
  return (nlo | c.regHi[RCX]!) !== 0;
}

/** LOOPNE (param 0, while ZF=0), LOOPE (1, while ZF=1), LOOP (2). */
export const loop: Handler = (c, i) => {
  const nonZero = decrementCount(c, i);
  const zf = c.fZ === 0;
  if (nonZero && (i.param === 2 || (i.param === 1 ? zf : !zf))) branchTo(c, i, c.rip + i.imm);
};

export const jrcxz: Handler = (c, i) => {
  const zero = i.addrSize === 4 ? c.regLo[RCX] === 0 : (c.regLo[RCX]! | c.regHi[RCX]!) === 0;
  if (zero) branchTo(c, i, c.rip + i.imm);
};

/** INT n: a software interrupt, subject to the gate's DPL. */
export const int: Handler = (c, i) => deliverEvent(c, i.imm & 0xff, false, 0, true, c.rip);
/** INT3: #BP as a trap; the pushed RIP is the next instruction. */
export const int3: Handler = (c) => deliverEvent(c, Vector.BP, false, 0, true, c.rip);
/** INT1 / ICEBP: #DB delivered like a hardware event (no DPL check). */
export const int1: Handler = (c) => {
  // A host that intercepts #DB sees ICEBP too (RIP after it: a trap).
  if (c.interceptsEvent(Vector.DB, true)) return;
  deliverEvent(c, Vector.DB, false, 0, false, c.rip);
  enteredDebugHandler(c);
};

const iretCs = new Descriptor(), iretSs = new Descriptor();
const DATA_SEGMENTS = [SEG_ES, SEG_DS, SEG_FS, SEG_GS] as const;

/**
 * IRET/IRETD/IRETQ in 64-bit mode: pops RIP, CS, RFLAGS, RSP, SS. Returns to
 * 64-bit code or to compatibility mode (CS.L = 0, whose code this core does not
 * run yet: interpreter.ts), at the same or an outer privilege level.
 */
export const iret: Handler = (c, i) => {
  if (c.flagsRest & NT) c.raise(Vector.GP, 0); // no task switches in IA-32e mode (SDM IRET)
  const s = i.opSize;
  let ripLo: number, ripHi: number, csSel: number, flags: number, rspLo: number, rspHi: number, ssSel: number;
  const top = c.regHi[RSP]! * TWO32 + (c.regLo[RSP]! >>> 0);
  const m = c.mmu;
  const at = s === 8 ? m.readableAt(i, top, 40) : -1;
  if (at >= 0) {
    // IRETQ with the frame in one RAM page the instruction's copy of its TLB entry grants reading
    // (mmu.ts AccessCache): canonical, and no read can fault.
    const v = i.cacheView;
    ripLo = v.getInt32(at, true); ripHi = v.getInt32(at + 4, true);
    csSel = v.getInt32(at + 8, true) & 0xffff;
    flags = v.getInt32(at + 16, true);
    rspLo = v.getInt32(at + 24, true); rspHi = v.getInt32(at + 28, true);
    ssSel = v.getInt32(at + 32, true) & 0xffff;
  } else if (s === 8 && isCanonicalAccess(top, 40)) {
    // IRETQ with the whole frame canonical: the same five reads, in the same order, without
    // a canonical check per slot (each would pass).
    ripLo = m.read64(top); ripHi = m.hi;
    csSel = m.read64(top + 8) & 0xffff;
    flags = m.read64(top + 16);
    rspLo = m.read64(top + 24); rspHi = m.hi;
    ssSel = m.read64(top + 32) & 0xffff;
  } else {
    ripLo = peek(c, s, 0); ripHi = s === 8 ? c.mmu.hi : 0;
    csSel = peek(c, s, s) & 0xffff;
    flags = peek(c, s, 2 * s);
    rspLo = peek(c, s, 3 * s); rspHi = s === 8 ? c.mmu.hi : 0;
    ssSel = peek(c, s, 4 * s) & 0xffff;
  }
  const rpl = csSel & 3;
  if (rpl < c.cpl) c.raise(Vector.GP, csSel & ~3);
  const cs = readDescriptor(c, csSel, csSel & ~3, iretCs);
  const attr = cs.attr, dpl = dplOf(attr);
  if (!isCodeSegment(attr)) c.raise(Vector.GP, csSel & ~3);
  if ((attr & TYPE_EC) ? dpl > rpl : dpl !== rpl) c.raise(Vector.GP, csSel & ~3);
  if ((attr & ATTR_P) === 0) c.raise(Vector.NP, csSel & ~3);
  const target = s === 8 ? ripHi * TWO32 + (ripLo >>> 0) : s === 4 ? ripLo >>> 0 : ripLo & 0xffff;
  // To 64-bit code RIP must be canonical; to compatibility mode (L = 0) within the CS limit (SDM IRET, IA-32e mode).
  if ((attr & ATTR_L) ? !isCanonical(target) : target > cs.limit) c.raise(Vector.GP, 0);
  // SS: a null selector is allowed when returning to CPL < 3 (SDM §6.14.3).
  const newCpl = rpl;
  let ssBase = 0, ssLimit = 0, ssAttr = 0;
  if ((ssSel & ~3) === 0) {
    // Also not to compatibility mode (SDM IRET: a null SS only for a return to 64-bit mode).
    if (newCpl === 3 || (ssSel & 3) !== newCpl || (attr & ATTR_L) === 0) c.raise(Vector.GP, 0);
  } else {
    if ((ssSel & 3) !== newCpl) c.raise(Vector.GP, ssSel & ~3);
    const ss = readDescriptor(c, ssSel, ssSel & ~3, iretSs);
    if (!isDataSegment(ss.attr) || (ss.attr & TYPE_RW) === 0 || dplOf(ss.attr) !== newCpl) c.raise(Vector.GP, ssSel & ~3);
    if ((ss.attr & ATTR_P) === 0) c.raise(Vector.SS, ssSel & ~3);
    ssBase = ss.base; ssLimit = ss.limit;
  }
  // RFLAGS: what may change depends on the CPL before the return (SDM IRET operation).
  const rflags = poppedRflags(c, flags, s, true);
  // The accessed bits, CS then SS, after every check (segmentation.ts markAccessed).
  markAccessed(c, cs);
  if ((ssSel & ~3) !== 0) { markAccessed(c, iretSs); ssAttr = iretSs.attr; }
  // Commit.
  c.setRflags(rflags);
  loadCodeSegment(c, csSel, cs.base, cs.limit, cs.attr, newCpl);
  setSegment(c, SEG_SS, ssSel, ssBase, ssLimit, ssAttr);
  if (s === 8) c.setReg(8, RSP, rspLo, rspHi);
  else c.setReg(8, RSP, s === 4 ? rspLo : rspLo & 0xffff, 0);
  if (newCpl > 0) {
    // Data segments not usable at the new CPL are nulled (SDM IRET: RETURN-TO-OUTER-PRIVILEGE-LEVEL).
    for (let k = 0; k < DATA_SEGMENTS.length; k++) {
      const seg = DATA_SEGMENTS[k]!;
      if (!usableAt(c.segAttr[seg]!, c.segSel[seg]!, newCpl)) { c.segSel[seg] = 0; c.segAttr[seg] = 0; }
    }
  }
  c.rip = target;
};
