// How an execution tier attaches code to decoded instructions: for each
// executor name, a function of the row that returns a Binder, and the Binder
// picks the handler for one decoded instruction. With `specialise` false (the
// reference path) a binder returns its generic handler, so the reference path
// checks the specialised ones.
import type { Insn } from '../../isa/insn.js';
import type { OpcodeRow } from '../../isa/table.js';
import type { Handler } from '../context.js';

export type Binder = (i: Insn, specialise: boolean) => Handler;
export type RowBinder = (row: OpcodeRow) => Binder;

/** A binder that always returns `h`. */
export const always = (h: Handler): RowBinder => () => () => h;
