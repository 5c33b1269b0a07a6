// ROL ROR RCL RCR SHL SHR SAR (group 2) and SHLD/SHRD (SDM Vol. 2 entries).
import type { Handler } from '../insn.js';
import { notImplemented } from './system.js';

/** Group 2: ModRM.reg selects rol ror rcl rcr shl shr sal sar; count = 1, CL or imm8. */
export const shiftGroup = (_byte: boolean, _count: 'one' | 'cl' | 'imm'): Handler => notImplemented;
export const shld = (_countCl: boolean): Handler => notImplemented;
export const shrd = (_countCl: boolean): Handler => notImplemented;
