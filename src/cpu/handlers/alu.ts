// ADD OR ADC SBB AND SUB XOR CMP, TEST, INC DEC NEG NOT (SDM Vol. 2 entries).
// One width-parameterised core; 64-bit values travel as (lo, hi) int32 pairs.
// Flags: CF/AF/OF go to fAux eagerly (a few bit operations), ZF/SF/PF lazily.
// AF after AND/OR/XOR/TEST is undefined; this model clears it (AMD behaviour).
import type { Cpu } from '../cpu.js';
import type { Handler, Insn } from '../insn.js';
import { CF, AF, OF } from '../flags.js';

export const ADD = 0, OR = 1, ADC = 2, SBB = 3, AND = 4, SUB = 5, XOR = 6, CMP = 7, TEST = 8;
export const ALU_NAMES = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp'] as const;

/**
 * Computes `a op b` at `size` bytes and sets the flags. Returns the low dword;
 * for size 8 the high dword is left in cpu.hi.
 */
export function alu(cpu: Cpu, op: number, size: number, a: number, ah: number, b: number, bh: number): number {
  if (size === 8) return alu64(cpu, op, a, ah, b, bh);
  const sh = 32 - size * 8;
  const mask = size === 4 ? -1 : (1 << (size * 8)) - 1;
  const ua = size === 4 ? a >>> 0 : a & mask;
  const ub = size === 4 ? b >>> 0 : b & mask;
  let r: number;
  switch (op) {
    case ADD: case ADC: {
      const sum = ua + ub + (op === ADC ? cpu.fAux & CF : 0);
      r = sum & mask;
      cpu.fAux = (sum > (size === 4 ? 0xffffffff : mask) ? CF : 0) | ((ua ^ ub ^ r) & AF) | ((((ua ^ r) & (ub ^ r)) << sh) < 0 ? OF : 0);
      break;
    }
    case SUB: case SBB: case CMP: {
      const diff = ua - ub - (op === SBB ? cpu.fAux & CF : 0);
      r = diff & mask;
      cpu.fAux = (diff < 0 ? CF : 0) | ((ua ^ ub ^ r) & AF) | ((((ua ^ ub) & (ua ^ r)) << sh) < 0 ? OF : 0);
      break;
    }
    case OR: r = (ua | ub) & mask; cpu.fAux = 0; break;
    case XOR: r = (ua ^ ub) & mask; cpu.fAux = 0; break;
    default: r = ua & ub & mask; cpu.fAux = 0; break; // AND, TEST
  }
  cpu.setResultFlags(size, r, 0);
  return r;
}

function alu64(cpu: Cpu, op: number, a: number, ah: number, b: number, bh: number): number {
  let rl: number, rh: number;
  switch (op) {
    case ADD: case ADC: {
      const lo = (a >>> 0) + (b >>> 0) + (op === ADC ? cpu.fAux & CF : 0);
      const hiSum = (ah >>> 0) + (bh >>> 0) + (lo > 0xffffffff ? 1 : 0);
      rl = lo | 0; rh = hiSum | 0;
      cpu.fAux = (hiSum > 0xffffffff ? CF : 0) | ((a ^ b ^ rl) & AF) | (((ah ^ rh) & (bh ^ rh)) < 0 ? OF : 0);
      break;
    }
    case SUB: case SBB: case CMP: {
      const lo = (a >>> 0) - (b >>> 0) - (op === SBB ? cpu.fAux & CF : 0);
      const hiDiff = (ah >>> 0) - (bh >>> 0) - (lo < 0 ? 1 : 0);
      rl = lo | 0; rh = hiDiff | 0;
      cpu.fAux = (hiDiff < 0 ? CF : 0) | ((a ^ b ^ rl) & AF) | (((ah ^ bh) & (ah ^ rh)) < 0 ? OF : 0);
      break;
    }
    case OR: rl = a | b; rh = ah | bh; cpu.fAux = 0; break;
    case XOR: rl = a ^ b; rh = ah ^ bh; cpu.fAux = 0; break;
    default: rl = a & b; rh = ah & bh; cpu.fAux = 0; break;
  }
  cpu.fZ = rl | rh; cpu.fS = rh; cpu.fP = rl;
  cpu.hi = rh;
  return rl;
}

const writes = (op: number) => op !== CMP && op !== TEST;

/** op E, G */
export function aluEG(op: number, byte: boolean): Handler {
  const w = writes(op);
  return (cpu: Cpu, i: Insn) => {
    const s = byte ? 1 : i.opSize;
    const a = w ? cpu.readModifyE(i, s) : cpu.readE(i, s), ah = cpu.hi;
    const b = cpu.getReg(s, i.reg), bh = cpu.hi;
    const r = alu(cpu, op, s, a, ah, b, bh);
    if (w) cpu.writeBackE(i, s, r, cpu.hi);
  };
}

/** op G, E */
export function aluGE(op: number, byte: boolean): Handler {
  const w = writes(op);
  return (cpu: Cpu, i: Insn) => {
    const s = byte ? 1 : i.opSize;
    const b = cpu.readE(i, s), bh = cpu.hi;
    const a = cpu.getReg(s, i.reg), ah = cpu.hi;
    const r = alu(cpu, op, s, a, ah, b, bh);
    if (w) cpu.setReg(s, i.reg, r, cpu.hi);
  };
}

/** op E, imm (also AL/rAX, imm: the decoder leaves rm = 0 for those rows) */
export function aluEI(op: number, byte: boolean): Handler {
  const w = writes(op);
  return (cpu: Cpu, i: Insn) => {
    const s = byte ? 1 : i.opSize;
    const a = w ? cpu.readModifyE(i, s) : cpu.readE(i, s), ah = cpu.hi;
    const r = alu(cpu, op, s, a, ah, i.imm, i.immHi);
    if (w) cpu.writeBackE(i, s, r, cpu.hi);
  };
}

/** INC/DEC E: like ADD/SUB 1 but CF is preserved. */
export function incDec(dec: boolean, byte: boolean): Handler {
  return (cpu: Cpu, i: Insn) => {
    const s = byte ? 1 : i.opSize;
    const a = cpu.readModifyE(i, s), ah = cpu.hi;
    const cf = cpu.fAux & CF;
    const r = alu(cpu, dec ? SUB : ADD, s, a, ah, 1, 0);
    cpu.fAux = (cpu.fAux & ~CF) | cf;
    cpu.writeBackE(i, s, r, cpu.hi);
  };
}

export function neg(byte: boolean): Handler {
  return (cpu: Cpu, i: Insn) => {
    const s = byte ? 1 : i.opSize;
    const a = cpu.readModifyE(i, s), ah = cpu.hi;
    const r = alu(cpu, SUB, s, 0, 0, a, ah);
    cpu.writeBackE(i, s, r, cpu.hi);
  };
}

export function not(byte: boolean): Handler {
  return (cpu: Cpu, i: Insn) => {
    const s = byte ? 1 : i.opSize;
    const a = cpu.readModifyE(i, s), ah = cpu.hi;
    cpu.writeBackE(i, s, ~a, ~ah);
  };
}
