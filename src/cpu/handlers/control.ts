// Control transfer: JMP, Jcc, CALL, RET, LOOPcc, JrCXZ, INT n / INT3 / INT1,
// IRET (SDM Vol. 2 entries; IRET per SDM Vol. 3A §6.14.3 for IA-32e mode).
// Near branches with a 66 prefix use a 16-bit operand size (AMD behaviour).
import type { Cpu } from '../cpu.js';
import type { Handler, Insn } from '../insn.js';
import { SEG_CS, SEG_SS } from '../insn.js';
import { IF, IOPL, RF, VM, AC, ID, TF, DF, NT, ARITH_FLAGS, VIF, VIP } from '../flags.js';

const TWO32 = 4294967296;

/** Moves RIP to `target` (a signed number), truncated for 16/32-bit operand size; #GP(0) if not canonical. */
function branchTo(cpu: Cpu, i: Insn, target: number): void {
  if (i.opSize === 2) target = target & 0xffff;
  else if (i.opSize === 4) target = target >>> 0;
  if (!cpu.isCanonical(target)) cpu.raise(13, 0);
  cpu.rip = target;
}

function regTarget(lo: number, hi: number): number {
  return hi * TWO32 + (lo >>> 0);
}

export const jmpRel: Handler = (cpu, i) => branchTo(cpu, i, cpu.rip + i.imm);

export const jcc = (cc: number): Handler => (cpu, i) => {
  if (cpu.cond(cc)) branchTo(cpu, i, cpu.rip + i.imm);
};

export const jmpE: Handler = (cpu, i) => {
  const lo = cpu.readE(i, i.opSize);
  branchTo(cpu, i, i.opSize === 8 ? regTarget(lo, cpu.hi) : lo);
};

export const callRel: Handler = (cpu, i) => {
  const ret = cpu.rip;
  let target = cpu.rip + i.imm;
  if (i.opSize === 2) target &= 0xffff;
  if (!cpu.isCanonical(target)) cpu.raise(13, 0);
  cpu.push(i.opSize, ret % TWO32 | 0, Math.floor(ret / TWO32));
  cpu.rip = target;
};

export const callE: Handler = (cpu, i) => {
  const lo = cpu.readE(i, i.opSize);
  let target = i.opSize === 8 ? regTarget(lo, cpu.hi) : lo & 0xffff;
  if (!cpu.isCanonical(target)) cpu.raise(13, 0);
  const ret = cpu.rip;
  cpu.push(i.opSize, ret % TWO32 | 0, Math.floor(ret / TWO32));
  cpu.rip = target;
};

/** RET / RET imm16: the return address is checked before RSP moves. */
export const ret = (withImm: boolean): Handler => (cpu, i) => {
  const lo = cpu.peek(i.opSize, 0);
  const target = i.opSize === 8 ? regTarget(lo, cpu.hi) : lo & 0xffff;
  if (!cpu.isCanonical(target)) cpu.raise(13, 0);
  cpu.adjustRsp(i.opSize + (withImm ? i.imm & 0xffff : 0));
  cpu.rip = target;
};

/** Decrements rCX (ECX with 67) without touching flags; returns whether it is now non-zero. */
function decCount(cpu: Cpu, i: Insn): boolean {
  if (i.addrSize === 4) {
    const v = (cpu.regLo[1]! - 1) | 0;
    cpu.setReg(4, 1, v, 0);
    return v !== 0;
  }
  const lo = cpu.regLo[1]!;
  const nlo = (lo - 1) | 0;
  if (lo === 0) cpu.regHi[1] = (cpu.regHi[1]! - 1) | 0;
  cpu.regLo[1] = nlo;
  return (nlo | cpu.regHi[1]!) !== 0;
}

/** LOOP (E2), LOOPE (E1, while ZF=1), LOOPNE (E0, while ZF=0). */
export const loop = (kind: 'loop' | 'loope' | 'loopne'): Handler => (cpu, i) => {
  const nz = decCount(cpu, i);
  const zf = cpu.fZ === 0;
  if (nz && (kind === 'loop' || (kind === 'loope' ? zf : !zf))) branchTo(cpu, i, cpu.rip + i.imm);
};

export const jrcxz: Handler = (cpu, i) => {
  const zero = i.addrSize === 4 ? cpu.regLo[1] === 0 : (cpu.regLo[1]! | cpu.regHi[1]!) === 0;
  if (zero) branchTo(cpu, i, cpu.rip + i.imm);
};

/** INT n (CD): a software interrupt, subject to the gate's DPL. */
export const intN: Handler = (cpu, i) => {
  cpu.deliver(i.imm & 0xff, false, 0, true, cpu.rip);
};

/** INT3 (CC): #BP as a trap; the pushed RIP is the next instruction. */
export const int3: Handler = (cpu) => {
  cpu.deliver(3, false, 0, true, cpu.rip);
};

/** INT1 / ICEBP (F1): #DB delivered like a hardware event (no DPL check). */
export const int1: Handler = (cpu) => {
  cpu.deliver(1, false, 0, false, cpu.rip);
};

/**
 * IRET/IRETD/IRETQ in 64-bit mode: pops RIP, CS, RFLAGS, RSP, SS. Returns to
 * 64-bit code at the same or an outer privilege level.
 */
export const iret: Handler = (cpu, i) => {
  const s = i.opSize;
  const ripLo = cpu.peek(s, 0), ripHi = s === 8 ? cpu.hi : 0;
  const csSel = cpu.peek(s, s) & 0xffff;
  const flags = cpu.peek(s, 2 * s);
  const rspLo = cpu.peek(s, 3 * s), rspHi = s === 8 ? cpu.hi : 0;
  const ssSel = cpu.peek(s, 4 * s) & 0xffff;
  const rpl = csSel & 3;
  if (rpl < cpu.cpl) cpu.raise(13, csSel & ~3);
  const cs = cpu.readDescriptor(csSel, csSel & ~3);
  const attr = cs.attr, dpl = (attr >> 5) & 3;
  if ((attr & 0x18) !== 0x18) cpu.raise(13, csSel & ~3);
  if ((attr & 4) ? dpl > rpl : dpl !== rpl) cpu.raise(13, csSel & ~3);
  if ((attr & 0x80) === 0) cpu.raise(11, csSel & ~3);
  if ((attr & 0x2000) === 0) cpu.emulationFailure('IRET to compatibility mode is not implemented');
  const target = s === 8 ? ripHi * TWO32 + (ripLo >>> 0) : s === 4 ? ripLo >>> 0 : ripLo & 0xffff;
  if (!cpu.isCanonical(target)) cpu.raise(13, 0);
  // SS: a null selector is allowed when returning to CPL < 3 (SDM §6.14.3).
  const newCpl = rpl;
  let ssBase = 0, ssLimit = 0, ssAttr = 0;
  if ((ssSel & ~3) === 0) {
    if (newCpl === 3 || (ssSel & 3) !== newCpl) cpu.raise(13, 0);
  } else {
    if ((ssSel & 3) !== newCpl) cpu.raise(13, ssSel & ~3);
    const ss = cpu.readDescriptor(ssSel, ssSel & ~3);
    if ((ss.attr & 0x1a) !== 0x12 || ((ss.attr >> 5) & 3) !== newCpl) cpu.raise(13, ssSel & ~3);
    if ((ss.attr & 0x80) === 0) cpu.raise(12, ssSel & ~3);
    ssBase = ss.base; ssLimit = ss.limit; ssAttr = ss.attr;
  }
  // RFLAGS: what may change depends on the CPL before the return (SDM IRET operation).
  const old = cpu.getRflags();
  let writable = ARITH_FLAGS | TF | DF | NT | AC | ID | RF | IF | IOPL | VIF | VIP;
  if (cpu.cpl > 0) writable &= ~(IOPL | VIF | VIP);
  if (cpu.cpl > ((old & IOPL) >> 12)) writable &= ~IF;
  if (s === 2) writable &= 0xffff;
  const csBase = cs.base, csLimit = cs.limit;
  // Commit.
  cpu.setRflags(((old & ~writable) | (flags & writable)) & ~VM);
  cpu.loadCodeSegment(csSel, csBase, csLimit, attr, newCpl);
  cpu.segSel[SEG_SS] = ssSel; cpu.segBase[SEG_SS] = ssBase; cpu.segLimit[SEG_SS] = ssLimit; cpu.segAttr[SEG_SS] = ssAttr;
  if (s === 8) cpu.setReg(8, 4, rspLo, rspHi);
  else cpu.setReg(8, 4, s === 4 ? rspLo : rspLo & 0xffff, 0);
  if (newCpl > 0) {
    // Data segments not usable at the new CPL are nulled (SDM IRET: RETURN-TO-OUTER-PRIVILEGE-LEVEL).
    for (const seg of [0, 3, 4, 5]) {
      const a = cpu.segAttr[seg]!;
      const conformingCode = (a & 0x1c) === 0x1c;
      if ((cpu.segSel[seg]! & ~3) !== 0 && !conformingCode && ((a >> 5) & 3) < newCpl) {
        cpu.segSel[seg] = 0; cpu.segAttr[seg] = 0;
      }
    }
  }
  cpu.rip = target;
  cpu.invalidateFetch();
};

