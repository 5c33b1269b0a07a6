// MOVS STOS LODS CMPS SCAS INS OUTS with REP/REPE/REPNE and DF.
import type { Handler } from '../insn.js';
import { notImplemented } from './system.js';

export const movs = (_byte: boolean): Handler => notImplemented;
export const stos = (_byte: boolean): Handler => notImplemented;
export const lods = (_byte: boolean): Handler => notImplemented;
export const cmps = (_byte: boolean): Handler => notImplemented;
export const scas = (_byte: boolean): Handler => notImplemented;
export const ins = (_byte: boolean): Handler => notImplemented;
export const outs = (_byte: boolean): Handler => notImplemented;
