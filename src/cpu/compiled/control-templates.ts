// The compiled tier's templates for the stack and near control transfers:
// PUSH/POP/PUSHFQ through the stack slots (stack-slots.ts), runs of PUSH r64
// and of POP r64 (a prologue, or an entry saving registers) behind one check
// (stackRun), CALL/RET, JMP and Jcc. Each reads and checks everything that can
// fault before it writes a local (the region's exactness rule, emitter.ts).
import { RSP } from '../../arch/registers.js';
import { RF, VM } from '../../arch/rflags.js';
import { Vector } from '../../arch/vectors.js';
import type { Insn } from '../../isa/insn.js';
import { CANON_LIMIT } from '../operands.js';
import { TWO32, type BlockInsn, type Emitter } from './emitter.js';
import { kinds, readMemory, type Template } from './template.js';
import { stackSlot, stackRead, stackWrite, moveStack, moveStackToSlot, openPushRun, openPopRun } from './stack-slots.js';
import { canAddress, effectiveAddress } from './addressing.js';
import { stackRunMember } from '../exec/stack-runs.js';

/**
 * PUSH r64, imm (sign-extended to 64 bits) and m64: the value read first (a
 * memory operand's address from RSP before the push), then the slot written,
 * then RSP moved, so a fault leaves everything as it was (SDM PUSH).
 */
export const push: Template = (e, i) => {
  const k = kinds(i);
  if (i.opSize !== 8 || (k !== 'Z' && k !== 'I' && k !== 'E') || (i.isMem && !canAddress(i))) return false;
  let lo = 'v', hi = 'w';
  if (k === 'I') { lo = String(i.imm); hi = String(i.immHi); }
  else if (!i.isMem) { lo = e.lo(i.rm); hi = e.hi(i.rm); } // PUSH RSP pushes the old value
  else readMemory(e, 8);
  stackSlot(e, -8);
  stackWrite(e, lo, hi);
  moveStackToSlot(e);
  e.afterWrite(true);
  return true;
};
/** PUSHFQ: RFLAGS with RF and VM clear (SDM PUSHF; no IOPL check in 64-bit mode), the lazy flags materialised through the context. */
export const pushf: Template = (e, i) => {
  if (i.opSize !== 8) return false;
  e.withContextFlags(`u = c.getRflags() & ${~(RF | VM)};`);
  stackSlot(e, -8);
  stackWrite(e, 'u', '0');
  moveStackToSlot(e);
  e.afterWrite(true);
  return true;
};
/** POP r64: the slot read first, RSP moved once that succeeded; POP RSP loads RSP with the value read (SDM POP). */
export const pop: Template = (e, i) => {
  if (i.isMem || i.opSize !== 8 || kinds(i) !== 'Z') return false;
  stackSlot(e, 0);
  stackRead(e);
  if (i.rm === RSP) {
    e.set(RSP, 'v', 'w');
    return true;
  }
  e.set(i.rm, 'v', 'w');
  moveStack(e, 8);
  return true;
};

/** `t` = the 8 bytes at `ea` as a number: a branch target in memory (emitted through e.access()). */
const TARGET_AT_EA = `v = M.read64(ea); t = M.hi * ${TWO32} + (v >>> 0);`;
/** #GP(0) unless the target in `t` is canonical (SDM JMP, CALL, RET: near). */
const CHECK_TARGET = `if (t >= ${CANON_LIMIT} || t < ${-CANON_LIMIT}) c.raise(${Vector.GP}, 0);`;

/** `t` = the 64-bit target in a register or the memory operand, checked (SDM JMP, CALL: near indirect). */
function indirectTarget(e: Emitter, i: Insn): void {
  if (i.isMem) {
    effectiveAddress(e);
    e.access(TARGET_AT_EA);
  } else {
    e.mayFault();
    e.line(`t = ${e.hi(i.rm)} * ${TWO32} + (${e.lo(i.rm)} >>> 0);`);
  }
  e.line(CHECK_TARGET);
}
/** Whether a near JMP/CALL is one the templates take: rel32, or through a 64-bit register or memory operand. */
const nearBranch = (i: Insn, k: string): boolean => i.opSize === 8 && (k === 'J' || (k === 'E' && (!i.isMem || canAddress(i))));

/** CALL rel32, r64 and m64: the target read and checked, then the return address pushed (SDM CALL); `t` gets the target. */
export const call: Template = (e, i) => {
  const k = kinds(i);
  if (!nearBranch(i, k)) return false;
  if (k === 'J') e.branchTo(i.imm);
  else indirectTarget(e, i);
  e.line('u = t;'); // the target, while the push uses t
  stackSlot(e, -8);
  e.line(`t = ${e.next}; w = Math.floor(t / ${TWO32}); v = (t - w * ${TWO32}) | 0;`);
  stackWrite(e, 'v', 'w');
  moveStackToSlot(e);
  e.line('t = u;');
  return true;
};
/** RET: the return address read and checked canonical before RSP moves (SDM RET); `t` gets it. */
export const ret: Template = (e, i) => {
  if (i.opSize !== 8 || i.row.operands.length !== 0) return false;
  stackSlot(e, 0);
  stackRead(e);
  e.line(`t = w * ${TWO32} + (v >>> 0);`);
  e.line(CHECK_TARGET);
  moveStack(e, 8);
  return true;
};

/** Jcc/JMP rel with a 64-bit operand size: the block's last instruction; `t` gets the next RIP. */
export const jcc: Template = (e, i) => {
  if (i.opSize !== 8 || kinds(i) !== 'J') return false;
  e.line(`if (${e.condition(i.param)}) {`);
  e.branchTo(i.imm);
  e.line(`} else t = ${e.next};`);
  return true;
};
/** JMP rel, r64 and m64. */
export const jmp: Template = (e, i) => {
  const k = kinds(i);
  if (!nearBranch(i, k)) return false;
  if (k === 'J') e.branchTo(i.imm);
  else indirectTarget(e, i);
  return true;
};

/**
 * The run of PUSH r64 (or of POP r64) starting at instruction k of a block, the block's last
 * instruction left out (it sets the next RIP): its length, 0 below 2. Its instructions are emitted
 * as usual after the run's fast path (openStackRun), which they back up.
 */
export function stackRun(list: readonly BlockInsn[], k: number): number {
  const executor = list[k]!.insn.row.executor;
  let n = 0;
  while (k + n < list.length - 1 && stackRunMember(list[k + n]!.insn, executor)) n++;
  return n >= 2 ? n : 0;
}

/** Opens the fast path of the run (stack-slots.ts); the caller emits its instructions and closes it with `}`. */
export function openStackRun(e: Emitter, run: readonly BlockInsn[]): void {
  const regs = run.map((b) => b.insn.rm);
  if (run[0]!.insn.row.executor === 'push') openPushRun(e, regs);
  else openPopRun(e, regs);
}
