// BT BTS BTR BTC (register and memory bit-string forms), BSF BSR TZCNT LZCNT POPCNT.
import type { Handler } from '../insn.js';
import { notImplemented } from './system.js';

/** 0 = bt, 1 = bts, 2 = btr, 3 = btc */
export const btG = (_op: number): Handler => notImplemented;
export const btI = (_op: number): Handler => notImplemented;
export const bsf: Handler = notImplemented;
export const bsr: Handler = notImplemented;
export const tzcnt: Handler = notImplemented;
export const lzcnt: Handler = notImplemented;
export const popcnt: Handler = notImplemented;
