// MUL, IMUL (1-, 2- and 3-operand), DIV, IDIV with #DE (SDM Vol. 2 entries).
import type { Handler } from '../insn.js';
import { notImplemented } from './system.js';

export const mulE = (_byte: boolean): Handler => notImplemented;
export const imulE = (_byte: boolean): Handler => notImplemented;
export const imulGE: Handler = notImplemented;
export const imulGEI: Handler = notImplemented;
export const divE = (_byte: boolean): Handler => notImplemented;
export const idivE = (_byte: boolean): Handler => notImplemented;
