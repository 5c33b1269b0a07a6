// PUSH/POP (all forms), PUSHF/POPF, ENTER/LEAVE (SDM Vol. 2 entries). In 64-bit
// mode the stack operand size is 64, or 16 with a 66 prefix.
import type { Handler } from '../insn.js';
import { TF, IF, DF, NT, AC, ID, IOPL, ARITH_FLAGS, RF, VM } from '../flags.js';
import { SEG_FS, SEG_GS } from '../insn.js';
import { loadDataSegment } from './segments.js';

/** PUSH Z (50+r) */
export const pushZ: Handler = (cpu, i) => {
  const v = cpu.getReg(i.opSize, i.rm);
  cpu.push(i.opSize, v, cpu.hi);
};

/** POP Z (58+r) */
export const popZ: Handler = (cpu, i) => {
  const v = cpu.pop(i.opSize);
  cpu.setReg(i.opSize, i.rm, v, cpu.hi);
};

/** PUSH E (FF /6): the operand is read with RSP before the decrement. */
export const pushE: Handler = (cpu, i) => {
  const v = cpu.readE(i, i.opSize);
  cpu.push(i.opSize, v, cpu.hi);
};

/** POP E (8F /0): the address is computed after RSP is incremented (SDM POP). */
export const popE: Handler = (cpu, i) => {
  const v = cpu.peek(i.opSize, 0), vh = cpu.hi;
  cpu.adjustRsp(i.opSize);
  try {
    cpu.writeE(i, i.opSize, v, vh);
  } catch (e) {
    cpu.adjustRsp(-i.opSize); // a fault leaves RSP as it was
    throw e;
  }
};

/** PUSH imm (68 Iz, 6A Ibs): the immediate is sign-extended to the stack operand size. */
export const pushI: Handler = (cpu, i) => {
  cpu.push(i.opSize, i.imm, i.immHi);
};

/** PUSH FS/GS: the selector, zero-extended. */
export const pushSeg = (seg: number): Handler => (cpu, i) => {
  cpu.push(i.opSize, cpu.segSel[seg]!, 0);
};

export const popSeg = (seg: number): Handler => (cpu, i) => {
  const sel = cpu.peek(i.opSize, 0) & 0xffff;
  loadDataSegment(cpu, seg, sel);
  cpu.adjustRsp(i.opSize);
};
export const popFs = popSeg(SEG_FS);
export const popGs = popSeg(SEG_GS);

/** PUSHF: RF and VM are pushed as 0. */
export const pushf: Handler = (cpu, i) => {
  const f = cpu.getRflags() & ~(RF | VM);
  cpu.push(i.opSize, f, 0);
};

/**
 * POPF (SDM POPF, 64-bit mode): at CPL 0 every flag but VIP/VIF/VM; above
 * CPL 0 IOPL is kept; above IOPL IF is kept too. RF is cleared.
 */
export const popf: Handler = (cpu, i) => {
  const v = cpu.peek(i.opSize, 0);
  const old = cpu.getRflags();
  let writable = ARITH_FLAGS | TF | DF | NT | AC | ID | IF | IOPL;
  if (cpu.cpl > 0) writable &= ~IOPL;
  if (cpu.cpl > ((old & IOPL) >> 12)) writable &= ~IF;
  if (i.opSize === 2) writable &= 0xffff;
  const nf = ((old & ~writable) | (v & writable)) & ~RF;
  cpu.adjustRsp(i.opSize);
  cpu.setRflags(nf);
};

/** LEAVE: RSP = RBP; POP RBP. */
export const leave: Handler = (cpu, i) => {
  const s = i.opSize;
  // Read the saved RBP before changing RSP so a fault leaves state intact.
  const savedLo = cpu.regLo[4]!, savedHi = cpu.regHi[4]!;
  cpu.regLo[4] = cpu.regLo[5]!; cpu.regHi[4] = cpu.regHi[5]!;
  try {
    const v = cpu.pop(s);
    cpu.setReg(s, 5, v, cpu.hi);
  } catch (e) {
    cpu.regLo[4] = savedLo; cpu.regHi[4] = savedHi;
    throw e;
  }
};

/** ENTER Iw, Ib (SDM ENTER, 64-bit operand size). */
export const enter: Handler = (cpu, i) => {
  const s = i.opSize;
  const size = i.imm & 0xffff;
  const level = i.imm2 & 31;
  const saved = [cpu.regLo[4]!, cpu.regHi[4]!, cpu.regLo[5]!, cpu.regHi[5]!];
  try {
    cpu.push(s, cpu.getReg(s, 5), cpu.hi);
    const frameLo = cpu.regLo[4]!, frameHi = cpu.regHi[4]!;
    if (level > 0) {
      let bpLo = cpu.regLo[5]!, bpHi = cpu.regHi[5]!;
      for (let k = 1; k < level; k++) {
        // rBP -= s; push [rBP]
        // The stack address size is 64 bits whatever the operand size: RBP, not BP.
        const nb = (bpLo >>> 0) - s;
        bpLo = nb | 0; if (nb < 0) bpHi = (bpHi - 1) | 0;
        const lin = bpHi * 4294967296 + (bpLo >>> 0);
        if (!cpu.isCanonical(lin)) cpu.raise(12, 0);
        const v = cpu.readMem(s, lin);
        cpu.push(s, v, cpu.hi);
      }
      cpu.push(s, frameLo, frameHi);
    }
    if (s === 2) cpu.setReg(2, 5, frameLo, 0); else cpu.setReg(8, 5, frameLo, frameHi);
    cpu.adjustRsp(-size);
    // The new top of stack must be writable: AMD (and Intel's manual) raise #PF
    // with CR2 = the new RSP before anything is committed.
    const top = cpu.regHi[4]! * 4294967296 + (cpu.regLo[4]! >>> 0);
    if (!cpu.isCanonical(top)) cpu.raise(12, 0);
    cpu.mmu.probeWrite(top, 1);
  } catch (e) {
    cpu.regLo[4] = saved[0]!; cpu.regHi[4] = saved[1]!; cpu.regLo[5] = saved[2]!; cpu.regHi[5] = saved[3]!;
    throw e;
  }
};
