// The x87 environment and state-save instructions in 32-bit code: the whole
// area (FNSTENV/FLDENV 28 bytes, 14 with 66; FNSAVE/FRSTOR 108 or 94;
// FXSAVE/FXRSTOR 512, the XSAVE family 576) is checked against its segment — type and limit, #GP(0)
// or #SS(0) for SS — before the 64-bit handler stores or loads the same
// protected-mode format (SDM Vol. 1 §8.1.10, Figures 8-9/8-10; FXSAVE Table 10-2). The XSAVE family
// uses the 32-bit legacy layout and leaves XMM8-15 alone (exec/xsave-area.ts; SDM Vol. 1 §13.5.2).
import { E_LDENV, E_STENV, E_SAVE } from '../../isa/x87-ops.js';
import type { Handler } from '../context.js';
import { compatOperandAt } from '../compat-segments.js';
import { x87Env } from './x87-control.js';
import { fxsave, fxrstor } from './fxsave.js';
import { XSAVE_AREA_SIZE } from '../../arch/xsave.js';
import { xsave, xsavec, xsaveopt, xsaves } from './xsave.js';
import { xrstor, xrstors } from './xrstor.js';

export const compatX87Env: Handler = (c, i) => {
  const env = i.param === E_STENV || i.param === E_LDENV;
  const size = env ? (i.opSize === 2 ? 14 : 28) : (i.opSize === 2 ? 94 : 108);
  compatOperandAt(c, i, 0, size, i.param === E_STENV || i.param === E_SAVE);
  x87Env(c, i);
};

export const compatFxsave: Handler = (c, i) => { compatOperandAt(c, i, 0, 512, true); fxsave(c, i); };
export const compatFxrstor: Handler = (c, i) => { compatOperandAt(c, i, 0, 512, false); fxrstor(c, i); };

/** The XSAVE family: the whole 576-byte area inside its segment (writable for the save forms) first. */
const area = (h: Handler, write: boolean): Handler => (c, i) => { compatOperandAt(c, i, 0, XSAVE_AREA_SIZE, write); h(c, i); };
export const compatXsave = area(xsave, true), compatXsaveopt = area(xsaveopt, true), compatXsavec = area(xsavec, true);
export const compatXsaves = area(xsaves, true), compatXrstor = area(xrstor, false), compatXrstors = area(xrstors, false);
