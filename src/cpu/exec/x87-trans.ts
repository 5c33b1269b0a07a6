// The x87 transcendentals (SDM Vol. 2A/2B FSIN, FCOS, FSINCOS, FPTAN, FPATAN, F2XM1, FYL2X,
// FYL2XP1): the stack effects, C2 and the flags; the values come from src/fpu/transcendental.ts.
// FPTAN pushes 1.0 after the tangent, FSINCOS pushes the cosine over the sine; FPATAN, FYL2X and
// FYL2XP1 write ST(1) and pop. Out of range (|x| >= 2^63) the trigonometric ones set C2 and
// change nothing else. The stack and mask rules are x87-core.ts's.
import { FSW_C1, FSW_C2, FSW_DE, FSW_IE, FSW_ZE } from '../../arch/x87.js';
import { Trig, f80Atan, f80F2xm1, f80SinCos, f80Trig, f80Yl2x, f80Yl2xp1, type FpResult } from '../../fpu/index.js';
import { T_2XM1, T_COS, T_PATAN, T_PTAN, T_SIN, T_SINCOS, T_YL2X, T_YL2XP1 } from '../../isa/x87-ops.js';
import type { Handler } from '../context.js';
import type { X87State } from '../x87-state.js';
import { INDEF_HI, INDEF_LO, INDEF_SE, applyFlags, fpEnv, recordInstruction, setIndefinite, stackFault, x87Wait } from './x87-core.js';

const PRE = FSW_IE | FSW_DE | FSW_ZE;

function readSt(x: X87State, i: number, out: FpResult): void {
  const p = x.phys(i);
  out.lo = x.lo[p]!; out.hi = x.hi[p]!; out.se = x.se[p]!;
}

/** An operation's flags: with an unmasked IE, DE or ZE it does not complete, only those remain. */
function opFlags(x: X87State, last: number): number {
  return last & ~x.cw & PRE ? last & PRE : last;
}

const ONE_HI = 0x80000000, ONE_SE = 0x3fff;

/** FSIN … FYL2XP1: param T_*. */
export const x87Trans: Handler = (c, i) => {
  x87Wait(c);
  recordInstruction(c, i);
  const x = c.x87, op = i.param;
  const two = op === T_PATAN || op === T_YL2X || op === T_YL2XP1;
  const pushes = op === T_PTAN || op === T_SINCOS;
  const trig = op === T_SIN || op === T_COS || pushes;
  if (trig) x.sw &= ~FSW_C2;
  if (x.empty(0) || (two && x.empty(1))) {
    if (!stackFault(x, false)) return;
    if (two) {
      setIndefinite(x, 1);
      x.pop();
    } else {
      setIndefinite(x, 0);
      if (pushes) { x.push(); x.set(0, INDEF_LO, INDEF_HI, INDEF_SE); }
    }
    return;
  }
  if (pushes && !x.empty(7)) {
    if (stackFault(x, true)) { setIndefinite(x, 0); x.push(); x.set(0, INDEF_LO, INDEF_HI, INDEF_SE); }
    return;
  }
  const a = x.res, b = x.res2;
  readSt(x, 0, a);
  const env = fpEnv(x);
  if (two) {
    readSt(x, 1, b);
    const f = op === T_PATAN ? f80Atan : op === T_YL2X ? f80Yl2x : f80Yl2xp1;
    f(b.lo, b.hi, b.se, a.lo, a.hi, a.se, env, b);
    const flags = opFlags(x, env.last);
    if (!applyFlags(x, flags, flags & ~x.cw & PRE ? 0 : env.c1)) return;
    x.setResult(1, b);
    x.pop();
    return;
  }
  let c2 = 0;
  if (op === T_SINCOS) c2 = f80SinCos(a.lo, a.hi, a.se, env, a, b);
  else if (op === T_2XM1) f80F2xm1(a.lo, a.hi, a.se, env, a);
  else c2 = f80Trig(op === T_SIN ? Trig.SIN : op === T_COS ? Trig.COS : Trig.TAN, a.lo, a.hi, a.se, env, a);
  if (c2) {
    x.sw = (x.sw & ~FSW_C1) | FSW_C2; // C1 cleared (host-checked)
    return;
  }
  const flags = opFlags(x, env.last);
  if (!applyFlags(x, flags, flags & ~x.cw & PRE ? 0 : env.c1)) return;
  x.setResult(0, a);
  if (op === T_PTAN) {
    // 1.0 over the tangent; over a NaN (a NaN operand, or the indefinite) the NaN again (host-checked)
    x.push();
    if ((a.se & 0x7fff) === 0x7fff) x.setResult(0, a);
    else x.set(0, 0, ONE_HI, ONE_SE);
  }
  else if (op === T_SINCOS) { x.push(); x.setResult(0, b); }
};
