// ADD OR ADC SBB AND SUB XOR CMP TEST, INC DEC NEG NOT (SDM Vol. 2 entries).
// One width-parameterised core; 64-bit values travel as (lo, hi) int32 pairs
// and results come back in operand slot 0. Flags: CF/AF/OF go to fAux eagerly
// (a few bit operations), ZF/SF/PF lazily. AF after AND/OR/XOR/TEST is
// undefined; this model clears it (AMD behaviour).
import { CF, AF, OF } from '../../arch/rflags.js';
import { ALU_ADD, ALU_ADC, ALU_SUB, ALU_SBB, ALU_CMP, ALU_OR, ALU_XOR, ALU_TEST } from '../../isa/executors.js';
import type { Insn } from '../../isa/insn.js';
import type { ExecContext, Handler } from '../context.js';
import { setResultFlags } from '../lazy-flags.js';
import { loadOperand, storeOperand } from '../operands.js';
import type { RowBinder } from './binding.js';

/** `a op b` at 1, 2 or 4 bytes: sets the flags and returns the result. */
export function aluNarrow(c: ExecContext, op: number, size: number, a: number, b: number): number {
  const sh = 32 - size * 8;
  const mask = size === 4 ? -1 : (1 << (size * 8)) - 1;
  const ua = size === 4 ? a >>> 0 : a & mask;
  const ub = size === 4 ? b >>> 0 : b & mask;
  let r: number;
  switch (op) {
    case ALU_ADD: case ALU_ADC: {
      const sum = ua + ub + (op === ALU_ADC ? c.fAux & CF : 0);
      r = sum & mask;
      c.fAux = (sum > (size === 4 ? 0xffffffff : mask) ? CF : 0) | ((ua ^ ub ^ r) & AF) | ((((ua ^ r) & (ub ^ r)) << sh) < 0 ? OF : 0);
      break;
    }
    case ALU_SUB: case ALU_SBB: case ALU_CMP: {
      const diff = ua - ub - (op === ALU_SBB ? c.fAux & CF : 0);
      r = diff & mask;
      c.fAux = (diff < 0 ? CF : 0) | ((ua ^ ub ^ r) & AF) | ((((ua ^ ub) & (ua ^ r)) << sh) < 0 ? OF : 0);
      break;
    }
    case ALU_OR: r = (ua | ub) & mask; c.fAux = 0; break;
    case ALU_XOR: r = (ua ^ ub) & mask; c.fAux = 0; break;
    default: r = ua & ub & mask; c.fAux = 0; break; // AND, TEST
  }
  setResultFlags(c, size, r, 0);
  return r;
}

/** `a op b` at 8 bytes: sets the flags, returns the result's low dword and leaves its high dword in slot 0. */
export function alu64(c: ExecContext, op: number, a: number, ah: number, b: number, bh: number): number {
  let rl: number, rh: number;
  switch (op) {
    case ALU_ADD: case ALU_ADC: {
      const lo = (a >>> 0) + (b >>> 0) + (op === ALU_ADC ? c.fAux & CF : 0);
      const hiSum = (ah >>> 0) + (bh >>> 0) + (lo > 0xffffffff ? 1 : 0);
      rl = lo | 0; rh = hiSum | 0;
      c.fAux = (hiSum > 0xffffffff ? CF : 0) | ((a ^ b ^ rl) & AF) | (((ah ^ rh) & (bh ^ rh)) < 0 ? OF : 0);
      break;
    }
    case ALU_SUB: case ALU_SBB: case ALU_CMP: {
      const lo = (a >>> 0) - (b >>> 0) - (op === ALU_SBB ? c.fAux & CF : 0);
      const hiDiff = (ah >>> 0) - (bh >>> 0) - (lo < 0 ? 1 : 0);
      rl = lo | 0; rh = hiDiff | 0;
      c.fAux = (hiDiff < 0 ? CF : 0) | ((a ^ b ^ rl) & AF) | (((ah ^ bh) & (ah ^ rh)) < 0 ? OF : 0);
      break;
    }
    case ALU_OR: rl = a | b; rh = ah | bh; c.fAux = 0; break;
    case ALU_XOR: rl = a ^ b; rh = ah ^ bh; c.fAux = 0; break;
    default: rl = a & b; rh = ah & bh; c.fAux = 0; break;
  }
  c.fZ = rl | rh; c.fS = rh; c.fP = rl;
  c.ops.hi[0] = rh;
  return rl;
}

/** `a op b` at any size: sets the flags and leaves the result in slot 0. */
export function alu(c: ExecContext, op: number, size: number, a: number, ah: number, b: number, bh: number): void {
  c.ops.lo[0] = size === 8 ? alu64(c, op, a, ah, b, bh) : aluNarrow(c, op, size, a, b);
}

const writesResult = (op: number): boolean => op !== ALU_CMP && op !== ALU_TEST;

/** The generic form: load both operands, operate, write operand 0 back (not for CMP/TEST). */
function aluGeneric(op: number): Handler {
  const w = writesResult(op);
  return (c, i) => {
    loadOperand(c, i, 0);
    loadOperand(c, i, 1);
    const v = c.ops;
    alu(c, op, i.size0, v.lo[0]!, v.hi[0]!, v.lo[1]!, v.hi[1]!);
    if (w) storeOperand(c, i, 0);
  };
}

// Specialised register forms (destination d, source register s or the immediate).
function regReg64(op: number, dstIsRm: boolean): Handler {
  const w = writesResult(op);
  return (c, i) => {
    const d = dstIsRm ? i.rm : i.reg, s = dstIsRm ? i.reg : i.rm;
    const L = c.regLo, H = c.regHi;
    const r = alu64(c, op, L[d]!, H[d]!, L[s]!, H[s]!);
    if (w) { L[d] = r; H[d] = c.ops.hi[0]!; }
  };
}
function regReg32(op: number, dstIsRm: boolean): Handler {
  const w = writesResult(op);
  return (c, i) => {
    const d = dstIsRm ? i.rm : i.reg, s = dstIsRm ? i.reg : i.rm;
    const r = aluNarrow(c, op, 4, c.regLo[d]!, c.regLo[s]!);
    if (w) { c.regLo[d] = r; c.regHi[d] = 0; }
  };
}
function regImm64(op: number): Handler {
  const w = writesResult(op);
  return (c, i) => {
    const d = i.rm, L = c.regLo, H = c.regHi;
    const r = alu64(c, op, L[d]!, H[d]!, i.imm, i.immHi);
    if (w) { L[d] = r; H[d] = c.ops.hi[0]!; }
  };
}
function regImm32(op: number): Handler {
  const w = writesResult(op);
  return (c, i) => {
    const d = i.rm;
    const r = aluNarrow(c, op, 4, c.regLo[d]!, i.imm);
    if (w) { c.regLo[d] = r; c.regHi[d] = 0; }
  };
}

/** 1- and 2-byte register forms (AH..BH included): register, register or immediate. */
function regNarrow(op: number, kinds: string): Handler {
  const w = writesResult(op);
  const fromImm = kinds === 'EI' || kinds === 'fixedI';
  const dstIsRm = kinds !== 'GE';
  return (c, i) => {
    const s = i.size0, d = dstIsRm ? i.rm : i.reg;
    const b = fromImm ? i.imm : c.getReg(s, dstIsRm ? i.reg : i.rm);
    const r = aluNarrow(c, op, s, c.getReg(s, d), b);
    if (w) c.setReg(s, d, r, 0);
  };
}

/** ALU rows: register forms get their own handlers; memory forms the generic one. */
export const bindAlu: RowBinder = (row) => {
  const op = row.param;
  const generic = aluGeneric(op);
  const kinds = row.operands.map((o) => o.kind).join('');
  const forms = new Map<string, Handler>();
  const form = (key: string, make: () => Handler) => forms.get(key) ?? forms.set(key, make()).get(key)!;
  return (i: Insn, specialise: boolean) => {
    if (!specialise || i.isMem) return generic;
    if (i.size0 < 4) return form('narrow', () => regNarrow(op, kinds));
    const wide = i.opSize === 8;
    if (kinds === 'EG') return form(`EG${wide}`, () => (wide ? regReg64 : regReg32)(op, true));
    if (kinds === 'GE') return form(`GE${wide}`, () => (wide ? regReg64 : regReg32)(op, false));
    // E, imm and rAX, imm (the decoder leaves rm = 0 = rAX for the accumulator forms).
    if (kinds === 'EI' || kinds === 'fixedI') return form(`EI${wide}`, () => (wide ? regImm64 : regImm32)(op));
    return generic;
  };
};

/** INC/DEC: ADD/SUB 1 with CF preserved. */
export const bindIncDec: RowBinder = (row) => {
  const op = row.param === 0 ? ALU_ADD : ALU_SUB;
  const h: Handler = (c, i) => {
    loadOperand(c, i, 0);
    const cf = c.fAux & CF;
    alu(c, op, i.size0, c.ops.lo[0]!, c.ops.hi[0]!, 1, 0);
    c.fAux = (c.fAux & ~CF) | cf;
    storeOperand(c, i, 0);
  };
  return () => h;
};

/** NEG: 0 - operand. */
export const neg: Handler = (c, i) => {
  loadOperand(c, i, 0);
  alu(c, ALU_SUB, i.size0, 0, 0, c.ops.lo[0]!, c.ops.hi[0]!);
  storeOperand(c, i, 0);
};

/** NOT: no flags. */
export const not: Handler = (c, i) => {
  loadOperand(c, i, 0);
  const v = c.ops;
  v.lo[0] = ~v.lo[0]!; v.hi[0] = ~v.hi[0]!;
  storeOperand(c, i, 0);
};
