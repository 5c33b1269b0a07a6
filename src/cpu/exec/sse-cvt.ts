// SSE conversions through the software core (SDM Vol. 2 CVT* entries): between
// single and double precision, from and to general registers (32 or 64 bits
// by REX.W) and packed dwords, rounding by MXCSR.RC or truncating (the 't'
// forms); an out-of-range or NaN source gives the integer indefinite with IE.
// Results go to a scratch slot and reach the destination only when no
// unmasked exception faults (sse-fp-env.ts).
import {
  f32ToF64, f64ToF32, i32ToF32, i32ToF64, i64ToF32, i64ToF64, f32ToI32, f64ToI32, f32ToI64, f64ToI64,
} from '../../fpu/index.js';
import { CVT_KINDS, type CvtKind } from '../../isa/fp-ops.js';
import type { ExecContext, Handler } from '../context.js';
import { loadOperand } from '../operands.js';
import { sourceSlot } from '../sse-operands.js';
import { XMM_TMP2 } from '../vector-registers.js';
import type { RowBinder } from './binding.js';
import { beginFp, commitFp, laneDone, sseEnv as env, sseRes as res } from '../sse-fp-env.js';

const T = XMM_TMP2 * 8;

/** Single lane k of slot s → double lane k of the scratch slot. */
function s2d(c: ExecContext, s: number, k: number, out: number): void {
  const u = c.xmm.u32;
  f32ToF64(u[s * 8 + k]!, env, res); laneDone();
  u[T + 2 * out] = res.lo; u[T + 2 * out + 1] = res.hi;
}
function d2s(c: ExecContext, s: number, k: number, out: number): void {
  const u = c.xmm.u32;
  u[T + out] = f64ToF32(u[s * 8 + 2 * k]!, u[s * 8 + 2 * k + 1]!, env); laneDone();
}

/** The result dwords each conversion writes to V, and whether the rest of V is zeroed (false: kept). */
const WRITES: Record<CvtKind, [number, boolean]> = {
  si2ss: [1, false], si2sd: [2, false], ss2si: [0, false], tss2si: [0, false], sd2si: [0, false], tsd2si: [0, false],
  ss2sd: [2, false], sd2ss: [1, false], ps2pd: [4, true], pd2ps: [2, true], dq2ps: [4, true], ps2dq: [4, true],
  tps2dq: [4, true], dq2pd: [4, true], pd2dq: [2, true], tpd2dq: [2, true],
};

export const bindVecCvt: RowBinder = (row) => {
  const kind = CVT_KINDS[row.param];
  if (kind === undefined) throw new Error(`vecCvt: no conversion ${row.param}`);
  const [dwords, zeroRest] = WRITES[kind];
  const toGpr = kind === 'ss2si' || kind === 'tss2si' || kind === 'sd2si' || kind === 'tsd2si';
  const trunc = kind.startsWith('t');
  const h: Handler = (c, i) => {
    const u = c.xmm.u32;
    beginFp(c);
    if (kind === 'si2ss' || kind === 'si2sd') {
      loadOperand(c, i, 1);
      const lo = c.ops.lo[1]!, hi = c.ops.hi[1]!, wide = i.opSize === 8;
      if (kind === 'si2ss') u[T] = wide ? i64ToF32(lo, hi, env) : i32ToF32(lo, env);
      else { if (wide) i64ToF64(lo, hi, env, res); else i32ToF64(lo, env, res); u[T] = res.lo; u[T + 1] = res.hi; }
      laneDone();
    } else if (toGpr) {
      const s = sourceSlot(c, i), single = kind === 'ss2si' || kind === 'tss2si', wide = i.opSize === 8;
      let lo: number, hi = 0;
      if (wide) {
        if (single) f32ToI64(u[s * 8]!, trunc, env, res); else f64ToI64(u[s * 8]!, u[s * 8 + 1]!, trunc, env, res);
        lo = res.lo; hi = res.hi;
      } else lo = single ? f32ToI32(u[s * 8]!, trunc, env) : f64ToI32(u[s * 8]!, u[s * 8 + 1]!, trunc, env);
      laneDone();
      commitFp(c);
      c.setReg(wide ? 8 : 4, i.reg, lo, hi);
      return;
    } else {
      const s = sourceSlot(c, i);
      switch (kind) {
        case 'ss2sd': s2d(c, s, 0, 0); break;
        case 'sd2ss': d2s(c, s, 0, 0); break;
        case 'ps2pd': s2d(c, s, 0, 0); s2d(c, s, 1, 1); break;
        case 'pd2ps': d2s(c, s, 0, 0); d2s(c, s, 1, 1); break;
        case 'dq2ps': for (let k = 0; k < 4; k++) { u[T + k] = i32ToF32(u[s * 8 + k]!, env); laneDone(); } break;
        case 'ps2dq': case 'tps2dq':
          for (let k = 0; k < 4; k++) { u[T + k] = f32ToI32(u[s * 8 + k]!, kind === 'tps2dq', env); laneDone(); }
          break;
        case 'dq2pd':
          for (let k = 0; k < 2; k++) { i32ToF64(u[s * 8 + k]!, env, res); laneDone(); u[T + 2 * k] = res.lo; u[T + 2 * k + 1] = res.hi; }
          break;
        default: // pd2dq, tpd2dq
          for (let k = 0; k < 2; k++) { u[T + k] = f64ToI32(u[s * 8 + 2 * k]!, u[s * 8 + 2 * k + 1]!, kind === 'tpd2dq', env); laneDone(); }
      }
    }
    commitFp(c);
    const d = i.reg * 8;
    for (let k = 0; k < dwords; k++) u[d + k] = u[T + k]!;
    if (zeroRest) for (let k = dwords; k < 4; k++) u[d + k] = 0;
  };
  return () => h;
};
