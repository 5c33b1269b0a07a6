// PUSH/POP (all forms), PUSHF/POPF, ENTER/LEAVE (SDM Vol. 2 entries). In 64-bit
// mode the stack operand size is 64, or 16 with a 66 prefix.
import { TF, IF, DF, NT, AC, ID, IOPL, IOPL_SHIFT, ARITH_FLAGS, RF, VM, VIF, VIP } from '../../arch/rflags.js';
import { Vector } from '../../arch/vectors.js';
import { RSP, RBP } from '../../arch/registers.js';
import type { Insn } from '../../isa/insn.js';
import type { ExecContext, Handler } from '../context.js';
import { isCanonical, loadOperand, storeOperand } from '../operands.js';
import { adjustRsp, peek, pop, pop64, push, push64 } from '../stack.js';
import { loadDataSegment } from '../segmentation.js';
import type { RowBinder } from './binding.js';

/** PUSH of operand 0 (register, memory — read with RSP before the decrement — or a sign-extended immediate). */
const pushGeneric: Handler = (c, i) => {
  loadOperand(c, i, 0);
  push(c, i.opSize, c.ops.lo[0]!, c.ops.hi[0]!);
};
const pushReg64: Handler = (c, i) => push64(c, c.regLo[i.rm]!, c.regHi[i.rm]!, i);
/** PUSH imm8/imm32 with a 64-bit operand: the immediate sign-extended (the decoder's immHi). */
const pushImm64: Handler = (c, i) => push64(c, i.imm, i.immHi, i);

export const bindPush: RowBinder = (row) => {
  const kind = row.operands[0]!.kind;
  const fast = kind === 'Z' ? pushReg64 : kind === 'I' ? pushImm64 : pushGeneric;
  return (i: Insn, specialise: boolean) => (specialise && i.opSize === 8 ? fast : pushGeneric);
};

/**
 * POP to operand 0. A memory destination's address is computed after RSP is
 * incremented (SDM POP); a fault leaves RSP as it was.
 */
const popGeneric: Handler = (c, i) => {
  const s = i.opSize;
  const v = peek(c, s, 0), vh = c.mmu.hi;
  adjustRsp(c, s);
  c.ops.lo[0] = v; c.ops.hi[0] = vh;
  try {
    storeOperand(c, i, 0);
  } catch (e) {
    adjustRsp(c, -s);
    throw e;
  }
};
const popReg64: Handler = (c, i) => {
  const lo = pop64(c, i);
  if (c.mmu.faultDeferred) return; // mmu.ts deferCached
  c.regLo[i.rm] = lo; c.regHi[i.rm] = c.mmu.hi;
};

export const bindPop: RowBinder = (row) => {
  const register = row.operands[0]!.kind === 'Z';
  return (i: Insn, specialise: boolean) => (specialise && register && i.opSize === 8 ? popReg64 : popGeneric);
};

/** PUSH FS/GS (param: the segment register): the selector, zero-extended. */
export const pushSeg: Handler = (c, i) => push(c, i.opSize, c.segSel[i.param]!, 0);

/** POP FS/GS: the selector is loaded (with its checks) before RSP moves. */
export const popSeg: Handler = (c, i) => {
  const sel = peek(c, i.opSize, 0) & 0xffff;
  loadDataSegment(c, i.param, sel);
  adjustRsp(c, i.opSize);
};

/** PUSHF: RF and VM are pushed as 0; PUSHFQ through the instruction's copy of the stack page (stack.ts push64). */
export const pushf: Handler = (c, i) => {
  const flags = c.getRflags() & ~(RF | VM);
  if (i.opSize === 8) push64(c, flags, 0, i);
  else push(c, i.opSize, flags, 0);
};

/**
 * POPF (SDM POPF, 64-bit mode): at CPL 0 every flag but VIP/VIF/VM; above
 * CPL 0 IOPL is kept; above IOPL IF is kept too. RF is cleared.
 */
export const popf: Handler = (c, i) => {
  const v = peek(c, i.opSize, 0);
  adjustRsp(c, i.opSize);
  popFlags(c, v, i.opSize);
};

/** The flags POPF writes (also from 32-bit code, exec/compat.ts): `v` popped at operand size `size`. */
export function popFlags(c: ExecContext, v: number, size: number): void {
  c.setRflags(poppedRflags(c, v, size, false));
}

/**
 * The RFLAGS that POPF (iret = false) or IRET (true) make of the popped value
 * `v` at the current CPL (SDM POPF and IRET operations): IOPL (and IRET's
 * VIF/VIP) only at CPL 0, IF only at CPL <= IOPL, the low 16 bits for a 16-bit
 * operand; IRET also loads RF, POPF clears it; VM stays 0 in IA-32e mode.
 */
export function poppedRflags(c: ExecContext, v: number, size: number, iret: boolean): number {
  const old = c.getRflags();
  let writable = ARITH_FLAGS | TF | DF | NT | AC | ID | IF | IOPL | (iret ? RF | VIF | VIP : 0);
  if (c.cpl > 0) writable &= ~(IOPL | VIF | VIP);
  if (c.cpl > ((old & IOPL) >> IOPL_SHIFT)) writable &= ~IF;
  if (size === 2) writable &= 0xffff;
  return ((old & ~writable) | (v & writable)) & ~(iret ? VM : RF);
}

/** LEAVE: RSP = RBP; POP RBP. A fault leaves RSP as it was. */
export const leave: Handler = (c, i) => {
  const s = i.opSize;
  const savedLo = c.regLo[RSP]!, savedHi = c.regHi[RSP]!;
  c.regLo[RSP] = c.regLo[RBP]!; c.regHi[RSP] = c.regHi[RBP]!;
  try {
    const v = pop(c, s);
    c.setReg(s, RBP, v, c.mmu.hi);
  } catch (e) {
    c.regLo[RSP] = savedLo; c.regHi[RSP] = savedHi;
    throw e;
  }
};

/** ENTER Iw, Ib (SDM ENTER, 64-bit operand size). A fault leaves RSP and RBP as they were. */
export const enter: Handler = (c, i) => {
  const s = i.opSize;
  const size = i.imm & 0xffff;
  const level = i.imm2 & 31;
  const rspLo = c.regLo[RSP]!, rspHi = c.regHi[RSP]!, rbpLo = c.regLo[RBP]!, rbpHi = c.regHi[RBP]!;
  try {
    push(c, s, c.getReg(s, RBP), c.regHi[RBP]!);
    const frameLo = c.regLo[RSP]!, frameHi = c.regHi[RSP]!;
    if (level > 0) {
      let bpLo = c.regLo[RBP]!, bpHi = c.regHi[RBP]!;
      for (let k = 1; k < level; k++) {
        // rBP -= s; push [rBP]. The stack address size is 64 bits whatever the operand size: RBP, not BP.
        const nb = (bpLo >>> 0) - s;
        bpLo = nb | 0; if (nb < 0) bpHi = (bpHi - 1) | 0;
        const lin = bpHi * 4294967296 + (bpLo >>> 0);
        if (!isCanonical(lin)) c.raise(Vector.SS, 0);
        const v = c.mmu.read(s, lin);
        push(c, s, v, c.mmu.hi);
      }
      push(c, s, frameLo, frameHi);
    }
    if (s === 2) c.setReg(2, RBP, frameLo, 0); else c.setReg(8, RBP, frameLo, frameHi);
    adjustRsp(c, -size);
    // The new top of stack must be writable: AMD (and Intel's manual) raise #PF
    // with CR2 = the new RSP before anything is committed.
    const top = c.regNumber(RSP);
    if (!isCanonical(top)) c.raise(Vector.SS, 0);
    c.mmu.probeWrite(top, 1);
  } catch (e) {
    c.regLo[RSP] = rspLo; c.regHi[RSP] = rspHi; c.regLo[RBP] = rbpLo; c.regHi[RBP] = rbpHi;
    throw e;
  }
};
