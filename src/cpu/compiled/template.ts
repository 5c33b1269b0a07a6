// What a compiled-tier template is (templates.ts, control-templates.ts), and what they share.
import type { Insn } from '../../isa/insn.js';
import type { Emitter } from './emitter.js';

/** Emits the instruction's code, or returns false (before emitting anything) to leave it to the interpreter's handler. */
export type Template = (e: Emitter, i: Insn) => boolean;

export const TWO32 = 4294967296;

/** The row's operand kinds as one string ('EG', 'Z', 'J'...): what a template matches its forms by. */
export const kinds = (i: Insn): string => i.row.operands.map((o) => o.kind).join('');
