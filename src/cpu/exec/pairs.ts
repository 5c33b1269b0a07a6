// Instruction pairs on the interpreter tier: an instruction that only changes
// registers and flags (an ALU operation, MOV, LEA, a shift… on registers) runs
// together with the instruction after it, whatever that is, in one call — a
// function built per pair of handlers that calls both (each of its call sites
// sees one target, so V8 inlines them), leaving the interpreter's loop one
// megamorphic dispatch for the two. Nothing about either instruction is
// written again here: the pair runs their bound handlers, with RIP, the start
// and the count set between them as the loop would, so a fault or a branch in
// the second is reported and taken as if it ran alone, the first retired. The
// first cannot fault, branch, stop the run or write memory (a deferred #PF of
// a load would let the second run), so nothing of the second runs early.
import type { Insn } from '../../isa/insn.js';
import type { GroupHandler, Handler } from '../context.js';
import { buildFunction } from '../generated.js';

/** Executors whose register forms can only change registers and flags: never RIP, memory, the run or the code. */
const FIRSTS: ReadonlySet<string> = new Set(['alu', 'incdec', 'neg', 'not', 'mov', 'movzx', 'movsx', 'lea', 'shift', 'imul', 'cmov', 'setcc', 'bswap', 'cbw', 'cwd']);
/** A first instruction: one of FIRSTS on registers (LEA only computes its address), in 64-bit code. */
export const pairsAsFirst = (i: Insn): boolean =>
  FIRSTS.has(i.row.executor) && (!i.isMem || i.row.executor === 'lea') && !i.invalid && !i.compat &&
  i.row.exceptionClass === 'none' && !i.row.operands.some((o) => o.kind === 'O');

const built = new Map<Handler, Map<Handler, GroupHandler>>();

/**
 * The handler running `first` then `next` (both bound; the loop having set RIP, the start and the
 * count for `first`), or null when `first` cannot lead a pair. It always runs both.
 */
export function pairOf(first: Insn, next: Insn): GroupHandler | null {
  if (!pairsAsFirst(first)) return null;
  const a = first.exec as Handler, b = next.exec as Handler;
  let bySecond = built.get(a);
  if (bySecond === undefined) built.set(a, (bySecond = new Map()));
  let pair = bySecond.get(b);
  if (pair === undefined) {
    // Its own source (a name per pair), so its own feedback: both calls stay monomorphic.
    pair = buildFunction<GroupHandler>(`pair_${a.name}_${b.name}`, ['c', 'i', 'next'],
      'A(c, i); c.instructions++; c.insnStart = c.rip; c.rip += next.len; B(c, next); return true;', { A: a, B: b });
    bySecond.set(b, pair);
  }
  return pair;
}
