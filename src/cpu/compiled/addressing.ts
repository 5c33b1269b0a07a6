// The compiled tier's memory operands: the linear address of a ModRM operand
// in 64-bit code (SDM Vol. 3A §3.3.7.1), computed inline into `ea` where that
// is exact, else the instruction is left to the interpreter (Emitter.bail).
import { SEG_FS } from '../../arch/registers.js';
import { BASE_RIP, type Insn } from '../../isa/insn.js';
import { CANON_LIMIT } from '../operands.js';
import { SMALL_HI, TWO32, type Emitter } from './emitter.js';

/** Whether effectiveAddress() can compute the instruction's memory operand inline (64-bit addressing). */
export const canAddress = (i: Insn): boolean => i.addrSize === 8;

/**
 * Emits the linear address of the memory operand into `ea`: inline while the
 * registers lie within ±2^47 and the address is canonical with room for the
 * widest operand, else the instruction runs on the interpreter (wrap-around,
 * #GP(0)/#SS(0)).
 */
export function effectiveAddress(e: Emitter): void {
  const i = e.insn;
  e.mayFault();
  const { sum, checks } = operandOffset(e);
  e.line(`ea = ${sum}${i.seg >= SEG_FS ? ` + c.segBase[${i.seg}]` : ''};`); // 64-bit mode: only FS and GS overrides apply
  checks.push(`ea > ${CANON_LIMIT - 32} || ea < ${-CANON_LIMIT}`);
  e.line(`if (${checks.join(' || ')}) ${e.bail()}`);
}

/**
 * The memory operand's offset (base + index << scale + disp, no segment) as
 * a number, and the conditions under which it is not exact (a register
 * beyond ±2^47).
 */
function operandOffset(e: Emitter): { sum: string; checks: string[] } {
  const i = e.insn;
  const parts: string[] = [String(i.disp)];
  const checks: string[] = [];
  const register = (r: number, scale: number) => {
    parts.push(`(${e.hi(r)} * ${TWO32} + (${e.lo(r)} >>> 0))${scale > 1 ? ` * ${scale}` : ''}`);
    checks.push(`${e.hi(r)} > ${SMALL_HI} || ${e.hi(r)} < ${-SMALL_HI - 1}`);
  };
  if (i.base === BASE_RIP) parts.push(e.next);
  else if (i.base >= 0) register(i.base, 1);
  if (i.index >= 0) register(i.index, 1 << i.scale);
  return { sum: parts.join(' + '), checks };
}
