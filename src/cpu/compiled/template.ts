// What a compiled-tier template is (templates.ts, control-templates.ts), and what they share.
import type { Insn } from '../../isa/insn.js';
import type { Emitter } from './emitter.js';
import { cachedOperand, cachedRead, copyRead } from './page-caches.js';
import { effectiveAddress } from './addressing.js';

/** Emits the instruction's code, or returns false (before emitting anything) to leave it to the interpreter's handler. */
export type Template = (e: Emitter, i: Insn) => boolean;

/** The row's operand kinds as one string ('EG', 'Z', 'J'...): what a template matches its forms by. */
export const kinds = (i: Insn): string => i.row.operands.map((o) => o.kind).join('');

/** Emits a memory read of `size` bytes at the memory operand into v (and the high dword into w for 8). */
export function readMemory(e: Emitter, size: number): void {
  effectiveAddress(e);
  if (cachedOperand(e.insn, size)) cachedRead(e, size, false);
  else if (size === 8 || size === 4) e.access(copyRead(e, size));
  else e.access(`v = M.read${size * 8}(ea);`);
}
