// The software floating-point core: bit-exact x86 SSE (binary32/binary64) and x87 (80-bit
// extended) arithmetic for the executors. A pure library: imports nothing outside src/fpu.
//
// Conventions (types.ts): values are raw bits (binary32 a uint32; binary64 lo/hi uint32 halves;
// extended lo/hi significand with an explicit integer bit plus se, the sign and 15-bit exponent);
// results wider than 32 bits go to a caller-owned FpResult (no allocation per operation). An
// FpEnv carries RC, DAZ, FTZ, the x87 PC, the unmasked exceptions, the sticky `flags`, `last`
// (the flags of the last operation alone) and `c1` (x87: rounded up).
//
// Executor contract:
//  - SSE: after an operation, `env.last & PRE_COMPUTATION_FLAGS & unmasked` -> #XM without
//    writing the destination (pre-computation: IE, DE, ZE; the MXCSR gets those flags); else
//    `env.last & unmasked` -> #XM without writing (MXCSR gets `env.last`); else write the result.
//    OR `env.last` into MXCSR in every case (env.flags accumulates it already).
//  - x87 register results: an unmasked IE/DE/ZE leaves the destination unchanged; OE/UE unmasked
//    deliver the re-biased result the core computed; stores to memory: any unmasked exception
//    but PE writes nothing. C1 = env.c1 unless an instruction defines it otherwise.
//  - Packed SSE forms call the scalar entry points per element.
//
// Entry points:
//  SSE arithmetic (sse.ts): f32Add/Sub/Mul/Div/Sqrt, f64Add/Sub/Mul/Div/Sqrt, f32MinMax/f64MinMax,
//    f32Cmp/f64Cmp (CMPSS/SD predicates 0-31), f32Compare/f64Compare + comiFlags ((U)COMIS).
//  SSE conversions (convert.ts): f32ToF64, f64ToF32, i32ToF32/F64, i64ToF32/F64, f32ToI32/I64,
//    f64ToI32/I64 (rounded or truncated), f32Round/f64Round (ROUNDSS/SD immediate).
//  x87 (x87.ts, x87-misc.ts, bcd.ts): f80Add/Sub/Mul/Div/Sqrt, f80Compare (FCOM/FUCOM: C3 C2 C0;
//    FCOMI maps C3 -> ZF, C2 -> PF, C0 -> CF), f80Examine (FXAM), f80RoundInt (FRNDINT),
//    f80Scale (FSCALE), f80Extract (FXTRACT), f80Rem (FPREM/FPREM1), f80FromF32/F64/Int (FLD,
//    FILD), f80ToF32/F64 (FST), f80ToInt (FIST/FISTTP), f80FromBcd/f80ToBcd (FBLD/FBSTP),
//    f80Constant (FLD1, FLDL2T, FLDL2E, FLDPI, FLDLG2, FLDLN2, FLDZ).
//  x87 transcendentals (transcendental.ts, on bigfloat.ts): f80Trig (FSIN/FCOS/FPTAN), f80SinCos,
//    f80Atan (FPATAN), f80Yl2x, f80Yl2xp1, f80F2xm1; they return C2 where the instruction sets it.
export * from './types.js';
export { Cls, F32, F64, F80, F80_24, F80_53, type Unpacked } from './format.js';
export * from './sse.js';
export * from './convert.js';
export {
  f80Add, f80Div, f80FromF32, f80FromF64, f80FromInt, f80Mul, f80Sqrt, f80Sub, f80ToF32, f80ToF64, f80ToInt, x87Format,
} from './x87.js';
export * from './x87-misc.js';
export * from './bcd.js';
export { Trig, f80Trig, f80SinCos, f80Atan, f80Yl2x, f80Yl2xp1, f80F2xm1 } from './transcendental.js';
export { FastPath } from './fast64.js';
