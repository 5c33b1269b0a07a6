// The operations of the SSE floating-point executors, as data: a row's
// `param` packs the operation (its index in FP_OPS), the lane size (4:
// single, 8: double) and whether only the low lane is computed (the SS/SD
// scalar forms); CVT_KINDS names the conversions of the `vecCvt` executor.
// The executor side (cpu/exec/sse-fp*.ts) maps every name to its code.
export const FP_OPS = ['add', 'sub', 'mul', 'div', 'min', 'max', 'sqrt', 'addsub', 'hadd', 'hsub'] as const;
export type FpOp = (typeof FP_OPS)[number];

const SCALAR = 1 << 12;

/** The `param` of a vecFp row. */
export function fpParam(op: FpOp, lane: 4 | 8, scalar: boolean): number {
  return FP_OPS.indexOf(op) | (lane << 8) | (scalar ? SCALAR : 0);
}

export function fpParamParts(param: number): { op: FpOp; lane: 4 | 8; scalar: boolean } {
  const op = FP_OPS[param & 0xff];
  if (op === undefined) throw new Error(`vecFp: no operation ${param & 0xff}`);
  return { op, lane: ((param >> 8) & 0xf) === 8 ? 8 : 4, scalar: (param & SCALAR) !== 0 };
}

/**
 * The conversions (SDM CVT*): si = a general register (32 or 64 bits by
 * REX.W), ss/sd = scalar single/double, ps/pd = packed, dq = packed dwords;
 * a 't' truncates instead of rounding by MXCSR.RC.
 */
export const CVT_KINDS = [
  'si2ss', 'si2sd', 'ss2si', 'tss2si', 'sd2si', 'tsd2si', 'ss2sd', 'sd2ss',
  'ps2pd', 'pd2ps', 'dq2ps', 'ps2dq', 'tps2dq', 'dq2pd', 'pd2dq', 'tpd2dq',
] as const;
export type CvtKind = (typeof CVT_KINDS)[number];

export function cvtParam(k: CvtKind): number {
  return CVT_KINDS.indexOf(k);
}
