// SSE floating-point arithmetic on XMM lanes through the software core
// (src/fpu: exact results and flags in every MXCSR mode): ADD SUB MUL DIV MIN
// MAX SQRT in their PS/PD/SS/SD forms, ADDSUBPS/PD, HADDPS/PD, HSUBPS/PD,
// CMPPS/PD/SS/SD, (U)COMISS/SD, ROUNDPS/PD/SS/SD, DPPS, DPPD (SDM Vol. 2
// entries). Lanes are computed into a scratch slot; the destination is written
// only when no unmasked exception faults (sse-fp-env.ts).
import { CF, PF, ZF, OF, SF, AF } from '../../arch/rflags.js';
import {
  f32Add, f32Sub, f32Mul, f32Div, f32Sqrt, f32MinMax, f32Cmp, f32Compare, f32Round,
  f64Add, f64Sub, f64Mul, f64Div, f64Sqrt, f64MinMax, f64Cmp, f64Compare, f64Round, comiFlags,
} from '../../fpu/index.js';
import { fpParamParts, type FpOp } from '../../isa/fp-ops.js';
import { rcp32Amd, rsqrt32Amd } from '../../fpu/approx.js';
import type { ExecContext, Handler } from '../context.js';
import { arithFlags, setArithFlags } from '../lazy-flags.js';
import { sourceSlot } from '../sse-operands.js';
import { XMM_TMP2 } from '../vector-registers.js';
import type { RowBinder } from './binding.js';
import { beginFp, commitFp, laneDone, sseEnv as env, sseRes as res } from '../sse-fp-env.js';

/** Binary single-precision lane operations (a, b → result bits). */
const OP32: Partial<Record<FpOp, (a: number, b: number) => number>> = {
  add: (a, b) => f32Add(a, b, env), sub: (a, b) => f32Sub(a, b, env), mul: (a, b) => f32Mul(a, b, env),
  div: (a, b) => f32Div(a, b, env), min: (a, b) => f32MinMax(a, b, false, env), max: (a, b) => f32MinMax(a, b, true, env),
  sqrt: (_a, b) => f32Sqrt(b, env),
};
/** Binary double-precision lane operations (result in res). */
const OP64: Partial<Record<FpOp, (alo: number, ahi: number, blo: number, bhi: number) => void>> = {
  add: (a, b, c, d) => f64Add(a, b, c, d, env, res), sub: (a, b, c, d) => f64Sub(a, b, c, d, env, res),
  mul: (a, b, c, d) => f64Mul(a, b, c, d, env, res), div: (a, b, c, d) => f64Div(a, b, c, d, env, res),
  min: (a, b, c, d) => f64MinMax(a, b, c, d, false, env, res), max: (a, b, c, d) => f64MinMax(a, b, c, d, true, env, res),
  sqrt: (_a, _b, c, d) => f64Sqrt(c, d, env, res),
};

/** Lane k of the result in XMM_TMP2 = op(lane i of slot x, lane j of slot y). */
function lane32(c: ExecContext, f: (a: number, b: number) => number, k: number, x: number, i: number, y: number, j: number): void {
  const u = c.xmm.u32;
  u[XMM_TMP2 * 8 + k] = f(u[x * 8 + i]!, u[y * 8 + j]!);
  laneDone();
}
function lane64(c: ExecContext, f: (a: number, b: number, c: number, d: number) => void, k: number, x: number, i: number, y: number, j: number): void {
  const u = c.xmm.u32;
  f(u[x * 8 + 2 * i]!, u[x * 8 + 2 * i + 1]!, u[y * 8 + 2 * j]!, u[y * 8 + 2 * j + 1]!);
  u[XMM_TMP2 * 8 + 2 * k] = res.lo; u[XMM_TMP2 * 8 + 2 * k + 1] = res.hi;
  laneDone();
}

/** Copies the first `lanes` dwords of XMM_TMP2 to slot d; the rest of d is kept. */
function store(c: ExecContext, d: number, dwords: number): void {
  const u = c.xmm.u32;
  for (let k = 0; k < dwords; k++) u[d * 8 + k] = u[XMM_TMP2 * 8 + k]!;
}

/**
 * vecFp: V = op(V, W) on every lane (PS, PD) or the low lane (SS, SD, the rest
 * of V kept); ADDSUB subtracts in even lanes and adds in odd ones; HADD/HSUB
 * combine neighbouring lanes of V, then of W (SDM HADDPS: V's pairs first).
 */
export const bindVecFp: RowBinder = (row) => {
  const { op, lane, scalar } = fpParamParts(row.param);
  const n = scalar ? 1 : 16 / lane;
  const single = lane === 4;
  const h: Handler = (c, i) => {
    const s = sourceSlot(c, i), d = i.reg;
    beginFp(c);
    if (op === 'addsub' || op === 'hadd' || op === 'hsub') {
      const addF = single ? OP32.add! : OP64.add!, subF = single ? OP32.sub! : OP64.sub!;
      for (let k = 0; k < n; k++) {
        if (op === 'addsub') laneOp(c, single, k & 1 ? addF : subF, k, d, k, s, k);
        else {
          const half = n >> 1, src = k < half ? d : s, p = 2 * (k % half);
          laneOp(c, single, op === 'hadd' ? addF : subF, k, src, p, src, p + 1);
        }
      }
    } else {
      const f = single ? OP32[op]! : OP64[op]!;
      for (let k = 0; k < n; k++) laneOp(c, single, f, k, d, k, s, k);
    }
    commitFp(c);
    store(c, d, (n * lane) >> 2);
  };
  return () => h;
};

function laneOp(c: ExecContext, single: boolean, f: unknown, k: number, x: number, i: number, y: number, j: number): void {
  if (single) lane32(c, f as (a: number, b: number) => number, k, x, i, y, j);
  else lane64(c, f as (a: number, b: number, c: number, d: number) => void, k, x, i, y, j);
}

/** vecFpCmp: CMPPS/PD/SS/SD with predicate imm8[2:0] (the legacy encoding): all ones where it holds. */
export const bindVecFpCmp: RowBinder = (row) => {
  const { lane, scalar } = fpParamParts(row.param);
  const n = scalar ? 1 : 16 / lane;
  const h: Handler = (c, i) => {
    const s = sourceSlot(c, i), d = i.reg, pred = i.imm & 7, u = c.xmm.u32;
    beginFp(c);
    for (let k = 0; k < n; k++) {
      let holds: boolean;
      if (lane === 4) holds = f32Cmp(u[d * 8 + k]!, u[s * 8 + k]!, pred, env);
      else holds = f64Cmp(u[d * 8 + 2 * k]!, u[d * 8 + 2 * k + 1]!, u[s * 8 + 2 * k]!, u[s * 8 + 2 * k + 1]!, pred, env);
      laneDone();
      const m = holds ? 0xffffffff : 0;
      if (lane === 4) u[XMM_TMP2 * 8 + k] = m;
      else { u[XMM_TMP2 * 8 + 2 * k] = m; u[XMM_TMP2 * 8 + 2 * k + 1] = m; }
    }
    commitFp(c);
    store(c, d, (n * lane) >> 2);
  };
  return () => h;
};

/**
 * vecApprox: RCPPS/RCPSS (param 0) and RSQRTPS/RSQRTSS (param 1), the packed
 * forms on 4 lanes, the scalar ones on the low lane; no MXCSR flags. The
 * values are the vendor's: the AMD model uses the measured tables
 * (fpu/approx.ts); the Intel model's are not measured (emulation-failure).
 */
export const bindVecApprox: RowBinder = (row) => {
  const { scalar } = fpParamParts(row.param >> 1);
  const f = row.param & 1 ? rsqrt32Amd : rcp32Amd;
  const n = scalar ? 1 : 4;
  const h: Handler = (c, i) => {
    if (c.vendor !== 'amd') c.emulationFailure(`${i.row.mnemonic}: the Intel model's approximation table is not measured`);
    const s = sourceSlot(c, i), d = i.reg, u = c.xmm.u32;
    for (let k = 0; k < n; k++) u[XMM_TMP2 * 8 + k] = f(u[s * 8 + k]!);
    store(c, d, n);
  };
  return () => h;
};

/** comis: (U)COMISS/SD set ZF PF CF from the unordered compare and clear OF SF AF; param bit 0 = signal on QNaN (COMIS). */
export const bindComis: RowBinder = (row) => {
  const { lane } = fpParamParts(row.param >> 1);
  const signal = (row.param & 1) !== 0;
  const h: Handler = (c, i) => {
    const s = sourceSlot(c, i), d = i.reg, u = c.xmm.u32;
    beginFp(c);
    const rel = lane === 4 ? f32Compare(u[d * 8]!, u[s * 8]!, signal, env)
      : f64Compare(u[d * 8]!, u[d * 8 + 1]!, u[s * 8]!, u[s * 8 + 1]!, signal, env);
    laneDone();
    commitFp(c);
    setArithFlags(c, (arithFlags(c) & ~(CF | PF | ZF | OF | SF | AF)) | comiFlags(rel));
  };
  return () => h;
};

/** vecRound: ROUNDPS/PD/SS/SD: round to an integral value by imm8[1:0] or MXCSR.RC (imm8[2]), PE suppressed by imm8[3]. */
export const bindVecRound: RowBinder = (row) => {
  const { lane, scalar } = fpParamParts(row.param);
  const n = scalar ? 1 : 16 / lane;
  const h: Handler = (c, i) => {
    const s = sourceSlot(c, i), d = i.reg, imm = i.imm & 0xff, u = c.xmm.u32;
    beginFp(c);
    for (let k = 0; k < n; k++) {
      if (lane === 4) u[XMM_TMP2 * 8 + k] = f32Round(u[s * 8 + k]!, imm, env);
      else {
        f64Round(u[s * 8 + 2 * k]!, u[s * 8 + 2 * k + 1]!, imm, env, res);
        u[XMM_TMP2 * 8 + 2 * k] = res.lo; u[XMM_TMP2 * 8 + 2 * k + 1] = res.hi;
      }
      laneDone();
    }
    commitFp(c);
    store(c, d, (n * lane) >> 2);
  };
  return () => h;
};

/**
 * DPPS/DPPD (SDM DPPS, DPPD): the products selected by imm8[7:4] (others +0.0,
 * not computed), summed pairwise ((p0 + p1) + (p2 + p3) for DPPS), the sum
 * broadcast to the lanes selected by imm8[3:0] (others +0.0). Each stage
 * (the products, the first sums, the last sum) ends like an instruction: an
 * unmasked exception faults there with the flags of the stages before it in
 * MXCSR (measured on an AMD host: test/diff/sse-fp.test.ts).
 */
const products = new Uint32Array(4);
export const bindDp: RowBinder = (row) => {
  const { lane } = fpParamParts(row.param);
  const h: Handler = (c, i) => {
    const s = sourceSlot(c, i), d = i.reg, imm = i.imm & 0xff, u = c.xmm.u32, p = products;
    p.fill(0);
    beginFp(c);
    if (lane === 4) {
      for (let k = 0; k < 4; k++) if (imm & (0x10 << k)) { p[k] = f32Mul(u[d * 8 + k]!, u[s * 8 + k]!, env); laneDone(); }
      commitFp(c); beginFp(c);
      const a = f32Add(p[0]!, p[1]!, env); laneDone();
      const b = f32Add(p[2]!, p[3]!, env); laneDone();
      commitFp(c); beginFp(c);
      const sum = f32Add(a, b, env); laneDone();
      for (let k = 0; k < 4; k++) u[XMM_TMP2 * 8 + k] = imm & (1 << k) ? sum : 0;
    } else {
      for (let k = 0; k < 2; k++) {
        if (imm & (0x10 << k)) { f64Mul(u[d * 8 + 2 * k]!, u[d * 8 + 2 * k + 1]!, u[s * 8 + 2 * k]!, u[s * 8 + 2 * k + 1]!, env, res); laneDone(); p[2 * k] = res.lo; p[2 * k + 1] = res.hi; }
      }
      commitFp(c); beginFp(c);
      f64Add(p[0]!, p[1]!, p[2]!, p[3]!, env, res); laneDone();
      for (let k = 0; k < 2; k++) {
        u[XMM_TMP2 * 8 + 2 * k] = imm & (1 << k) ? res.lo : 0;
        u[XMM_TMP2 * 8 + 2 * k + 1] = imm & (1 << k) ? res.hi : 0;
      }
    }
    commitFp(c);
    store(c, d, 4);
  };
  return () => h;
};
