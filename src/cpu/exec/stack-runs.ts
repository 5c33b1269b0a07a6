// Runs of PUSH r64 or of POP r64: the runtime's exception and system-call
// entries save and restore 15 registers in a row. Both tiers take a run in one
// step where all its slots lie in the stack page it holds — the compiled tier
// in its region's code (compiled/stack-slots.ts openPushRun), the interpreter
// through a group handler (below) on the first instruction's copy of the stack
// page's TLB entry (the one push64 and pop64 use) — and otherwise run each
// instruction as itself: misses, faults and #SS stay theirs.
import { RSP } from '../../arch/registers.js';
import type { Insn } from '../../isa/insn.js';
import type { GroupHandler, Handler } from '../context.js';
import { heldPopSlots, heldPushSlots } from '../stack.js';

/** PUSH r64 (executor 'push') or POP r64 ('pop') of a register other than RSP in 64-bit code: what a run is made of. */
export const stackRunMember = (i: Insn, executor: string): boolean =>
  i.row.executor === executor && (executor === 'push' || executor === 'pop') && !i.isMem && !i.invalid && !i.compat &&
  i.opSize === 8 && i.row.operands.length === 1 && i.row.operands[0]!.kind === 'Z' && i.rm !== RSP;

/**
 * The interpreter's handler for a run (2 or more members, in order, `run[0]`
 * the group's first): when the first instruction's stack page holds every
 * slot and grants the access (stack.ts heldPushSlots, heldPopSlots: as for
 * one PUSH or POP), the registers move directly and RSP once; else only the first runs,
 * as itself.
 */
export function stackRunHandler(run: readonly Insn[]): GroupHandler {
  const regs = Int32Array.from(run, (i) => i.rm), n = run.length, size = 8 * n;
  // The loop set the start and RIP for the first; the group leaves them, and the count, as for the last.
  const retire = (c: Parameters<GroupHandler>[0], i: Insn, last: Insn): true => {
    c.instructions += n - 1;
    c.insnStart += i.groupSpan;
    c.rip = c.insnStart + last.len;
    return true;
  };
  if (run[0]!.row.executor === 'push') {
    return (c, i, last) => {
      const at = heldPushSlots(c, i, size);
      if (at < 0) {
        (i.exec as Handler)(c, i);
        return false;
      }
      const v = i.cacheView, top = at + size; // the first push's slot is the highest
      for (let j = 0; j < n; j++) {
        const r = regs[j]!, slot = top - 8 * (j + 1);
        v.setInt32(slot, c.regLo[r]!, true); v.setInt32(slot + 4, c.regHi[r]!, true);
      }
      c.regLo[RSP] = c.regLo[RSP]! - size;
      return retire(c, i, last);
    };
  }
  return (c, i, last) => {
    const at = heldPopSlots(c, i, size);
    if (at < 0) {
      (i.exec as Handler)(c, i);
      return false;
    }
    const v = i.cacheView;
    // In order: a register popped twice keeps the later slot.
    for (let j = 0; j < n; j++) {
      const r = regs[j]!, slot = at + 8 * j;
      c.regLo[r] = v.getInt32(slot, true); c.regHi[r] = v.getInt32(slot + 4, true);
    }
    c.regLo[RSP] = c.regLo[RSP]! + size;
    return retire(c, i, last);
  };
}
