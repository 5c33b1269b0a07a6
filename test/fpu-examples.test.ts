// Hand-checked examples of the floating-point core (no host FPU needed: these run everywhere).
// Each expected value is derived by hand from the SDM rule cited next to it, not from the core.
import { describe, expect, it } from 'vitest';
import * as fpu from '../src/fpu/index.js';

const { IE, DE, ZE, OE, UE, PE } = fpu.FpFlag;
const RN = 0, RD = 1, RU = 2, RZ = 3;
const res = fpu.createFpResult();

interface Ctl { rc?: number; daz?: boolean; ftz?: boolean; pc?: number; unmasked?: number }
const env = (c: Ctl = {}) => fpu.createFpEnv(c);

// binary32 constants
const ONE = 0x3f800000, TWO = 0x40000000, HALF = 0x3f000000;
const MAX32 = 0x7f7fffff, MIN_NORMAL32 = 0x00800000, QNAN32 = 0x7fc00000, DEFAULT_NAN32 = 0xffc00000;
const INF32 = 0x7f800000, NEG_INF32 = 0xff800000;

describe('SSE binary32 arithmetic: hand-checked (SDM Vol. 1 §4.8.3, §4.9, §11.5)', () => {
  const f32 = { add: fpu.f32Add, sub: fpu.f32Sub, mul: fpu.f32Mul, div: fpu.f32Div } as const;
  const cases: [string, keyof typeof f32, number, number, Ctl, number, number][] = [
    // 1 + 2^-24 is exactly half an ulp above 1: ties-to-even keeps 1, RU goes up (§4.8.4)
    ['tie to even', 'add', ONE, 0x33800000, {}, ONE, PE],
    ['tie, round up', 'add', ONE, 0x33800000, { rc: RU }, 0x3f800001, PE],
    ['tie to even (odd below)', 'add', 0x3f800001, 0x33800000, {}, 0x3f800002, PE],
    ['round down a positive', 'add', ONE, 0x33800001, { rc: RD }, ONE, PE],
    ['exact', 'add', ONE, ONE, {}, TWO, 0],
    // x - x = +0 except under round-down (-0) (§4.8.3.4 / IEEE 754 §6.3)
    ['exact cancellation', 'sub', ONE, ONE, {}, 0, 0],
    ['exact cancellation, RD', 'sub', ONE, ONE, { rc: RD }, 0x80000000, 0],
    // invalid operations give the default NaN (real indefinite) with IE (§4.8.3.7)
    ['inf - inf', 'sub', INF32, INF32, {}, DEFAULT_NAN32, IE],
    ['0 * inf', 'mul', 0, INF32, {}, DEFAULT_NAN32, IE],
    ['0 / 0', 'div', 0, 0, {}, DEFAULT_NAN32, IE],
    ['1 / -0', 'div', ONE, 0x80000000, {}, NEG_INF32, ZE],
    // NaN operands: the first source if a NaN, else the second; SNaN quieted with IE (table 4-7)
    ['QNaN, QNaN: first', 'add', 0x7fc00001, 0xffc00002, {}, 0x7fc00001, 0],
    ['number, SNaN: quieted', 'add', ONE, 0x7f800001, {}, 0x7fc00001, IE],
    ['SNaN, QNaN: first quieted', 'mul', 0xff800005, 0x7fc00002, {}, 0xffc00005, IE],
    // overflow (§4.9.1.4): RN -> inf; RZ -> max; RD of a positive -> max; RU of a negative -> -max
    ['overflow RN', 'mul', MAX32, TWO, {}, INF32, OE | PE],
    ['overflow RZ', 'mul', MAX32, TWO, { rc: RZ }, MAX32, OE | PE],
    ['overflow RD', 'mul', MAX32, TWO, { rc: RD }, MAX32, OE | PE],
    ['overflow RU negative', 'mul', MAX32 | 0x80000000, TWO, { rc: RU }, (MAX32 | 0x80000000) >>> 0, OE | PE],
    // underflow (§4.9.1.5, §11.5.2.3): masked UE needs tiny AND inexact
    ['tiny exact, UE masked', 'mul', MIN_NORMAL32, HALF, {}, 0x00400000, 0],
    ['tiny exact, UE unmasked', 'mul', MIN_NORMAL32, HALF, { unmasked: UE }, 0x00400000, UE],
    ['tiny inexact', 'mul', 0x00800001, HALF, {}, 0x00400000, UE | PE],
    // FTZ with UE masked: a tiny result becomes a signed zero with UE and PE (§10.2.3.3)
    ['FTZ', 'mul', MIN_NORMAL32 | 0x80000000, HALF, { ftz: true }, 0x80000000, UE | PE],
    // DAZ: denormal operands are zeros, no DE (§10.2.3.4)
    ['denormal operand', 'add', 0x00000001, 0, {}, 0x00000001, DE],
    ['DAZ', 'add', 0x00000001, 0, { daz: true }, 0, 0],
    ['DE suppressed by ZE', 'div', 0x00000001, 0, {}, INF32, ZE],
  ];
  it.each(cases)('%s', (_n, op, a, b, ctl, want, flags) => {
    const e = env(ctl);
    expect(f32[op](a, b, e) >>> 0).toBe(want >>> 0);
    expect(e.flags).toBe(flags);
  });

  it('sqrt: -0 is -0; negatives are invalid; exact squares are exact', () => {
    let e = env();
    expect(fpu.f32Sqrt(0x80000000, e)).toBe(0x80000000);
    expect(e.flags).toBe(0);
    expect(fpu.f32Sqrt(0xbf800000, e)).toBe(DEFAULT_NAN32);
    expect(e.flags).toBe(IE);
    e = env();
    expect(fpu.f32Sqrt(0x40800000, e)).toBe(TWO); // sqrt(4) = 2
    expect(e.flags).toBe(0);
    expect(fpu.f32Sqrt(TWO, e)).toBe(0x3fb504f3); // sqrt(2) = 1.41421354 (rounded down)
    expect(e.flags).toBe(PE);
  });

  it('MIN/MAX return the second operand for a NaN or two zeros, with IE on any NaN (SDM Vol. 2 MINSS)', () => {
    const rows: [number, number, boolean, number, number][] = [
      [0, 0x80000000, false, 0x80000000, 0],
      [0x80000000, 0, false, 0, 0],
      [0x80000000, 0, true, 0, 0],
      [QNAN32, ONE, true, ONE, IE],
      [ONE, QNAN32, false, QNAN32, IE],
      [ONE, TWO, false, ONE, 0],
      [ONE, TWO, true, TWO, 0],
    ];
    for (const [a, b, max, want, flags] of rows) {
      const e = env();
      expect(fpu.f32MinMax(a, b, max, e)).toBe(want);
      expect(e.flags).toBe(flags);
    }
  });

  it('CMPSS predicates 0-7 and which signal on QNaN (SDM Vol. 2 CMPPS table 3-1)', () => {
    // pred: [holds for 1 < 2, holds for unordered, IE on QNaN]
    const rows: [number, boolean, boolean, boolean][] = [
      [0, false, false, false], // EQ_OQ
      [1, true, false, true], // LT_OS
      [2, true, false, true], // LE_OS
      [3, false, true, false], // UNORD_Q
      [4, true, true, false], // NEQ_UQ
      [5, false, true, true], // NLT_US
      [6, false, true, true], // NLE_US
      [7, true, false, false], // ORD_Q
    ];
    for (const [pred, lt, un, signals] of rows) {
      let e = env();
      expect(fpu.f32Cmp(ONE, TWO, pred, e)).toBe(lt);
      expect(e.flags).toBe(0);
      e = env();
      expect(fpu.f32Cmp(ONE, QNAN32, pred, e)).toBe(un);
      expect(e.flags).toBe(signals ? IE : 0);
      e = env();
      expect(fpu.f32Cmp(0x7f800001, ONE, pred, e)).toBe(un);
      expect(e.flags).toBe(IE); // an SNaN always signals
    }
  });

  it('(U)COMISS: ZF PF CF and IE (SDM Vol. 2 COMISS)', () => {
    const { COMI_ZF: Z, COMI_PF: P, COMI_CF: C } = fpu;
    const rows: [number, number, boolean, number, number][] = [
      [TWO, ONE, true, 0, 0],
      [ONE, TWO, true, C, 0],
      [0x80000000, 0, true, Z, 0],
      [QNAN32, ONE, true, Z | P | C, IE],
      [QNAN32, ONE, false, Z | P | C, 0],
      [0x7f800001, ONE, false, Z | P | C, IE],
    ];
    for (const [a, b, signal, want, flags] of rows) {
      const e = env();
      expect(fpu.comiFlags(fpu.f32Compare(a, b, signal, e))).toBe(want);
      expect(e.flags).toBe(flags);
    }
  });
});

describe('SSE conversions and rounding: hand-checked (SDM Vol. 2 CVTSS2SI, CVTSI2SS, ROUNDSS)', () => {
  it('float -> int32: RC rounding, truncation, the integer indefinite', () => {
    const rows: [number, boolean, Ctl, number, number][] = [
      [0x40200000, false, {}, 2, PE], // 2.5 -> 2 (ties to even)
      [0x40600000, false, {}, 4, PE], // 3.5 -> 4
      [0x40200000, false, { rc: RU }, 3, PE],
      [0xc02ccccd, true, {}, -2, PE], // -2.7 truncated -> -2
      [0x4f000000, false, {}, -0x80000000, IE], // 2^31 does not fit
      [0xcf000000, false, {}, -0x80000000, 0], // -2^31 fits exactly
      [QNAN32, false, {}, -0x80000000, IE],
      [0x00000001, false, {}, 0, PE], // a denormal rounds to 0, inexact
      [0x00000001, false, { daz: true }, 0, 0], // under DAZ it is 0
    ];
    for (const [a, t, ctl, want, flags] of rows) {
      const e = env(ctl);
      expect(fpu.f32ToI32(a, t, e)).toBe(want);
      expect(e.flags).toBe(flags);
    }
  });

  it('float -> int64: 2^63 is out of range; 2^63 - 1024 (largest double below) fits', () => {
    let e = env();
    fpu.f64ToI64(0, 0x43e00000, false, e, res); // 2^63
    expect([res.lo, res.hi, e.flags]).toEqual([0, 0x80000000, IE]);
    e = env();
    fpu.f64ToI64(0xffffffff, 0x43dfffff, false, e, res); // 2^63 - 1024
    expect([res.lo, res.hi, e.flags]).toEqual([0xfffffc00, 0x7fffffff, 0]);
  });

  it('int -> float rounds by RC: 2^24 + 1 is a tie', () => {
    let e = env();
    expect(fpu.i32ToF32(0x1000001, e)).toBe(0x4b800000); // 16777216
    expect(e.flags).toBe(PE);
    e = env({ rc: RU });
    expect(fpu.i32ToF32(0x1000001, e)).toBe(0x4b800001); // 16777218
    e = env();
    fpu.i64ToF64(0xffffffff, 0xffffffff, e, res); // -1
    expect([res.lo, res.hi, e.flags]).toEqual([0, 0xbff00000, 0]);
  });

  it('binary64 <-> binary32', () => {
    let e = env();
    expect(fpu.f64ToF32(0x10000000, 0x3ff00000, e)).toBe(ONE); // 1 + 2^-24: tie to even
    expect(e.flags).toBe(PE);
    e = env();
    expect(fpu.f64ToF32(0x10000001, 0x3ff00000, e)).toBe(0x3f800001); // just above the tie
    e = env();
    expect(fpu.f64ToF32(0x00000001, 0x7ff00000, e)).toBe(0x7fc00000); // SNaN: quieted, payload top bits
    expect(e.flags).toBe(IE);
    e = env();
    fpu.f32ToF64(0x7f800001, e, res); // SNaN with payload 1 -> payload shifted up by 29
    expect([res.lo, res.hi, e.flags]).toEqual([0x20000000, 0x7ff80000, IE]);
  });

  it('tininess is detected after rounding (IEEE 754 §7.5; measured on the host): no UE when the result rounds to 2^-126', () => {
    const e = env();
    expect(fpu.f64ToF32(0xf8000000, 0x380fffff, e)).toBe(MIN_NORMAL32); // 2^-126 * (1 - 2^-26)
    expect(e.flags).toBe(PE);
  });

  it('0.1 + 0.2 in binary64 is 0.30000000000000004 and inexact', () => {
    const e = env();
    fpu.f64Add(0x9999999a, 0x3fb99999, 0x9999999a, 0x3fc99999, e, res);
    expect([res.lo, res.hi, e.flags]).toEqual([0x33333334, 0x3fd33333, PE]);
  });

  it('ROUNDSS: immediate RC, MXCSR RC, precision suppression', () => {
    const rows: [number, number, Ctl, number, number][] = [
      [0x40200000, 0, {}, TWO, PE], // 2.5 -> 2 nearest-even
      [0x40200000, 8, {}, TWO, 0], // same with PE suppressed
      [0x40200000, 4, { rc: RU }, 0x40400000, PE], // MXCSR.RC = up -> 3
      [0x40200000, 2, {}, 0x40400000, PE], // imm RC = up
      [0xbf000000, 2, {}, 0x80000000, PE], // -0.5 up -> -0
      [0x7f800001, 0, {}, 0x7fc00001, IE],
    ];
    for (const [a, imm, ctl, want, flags] of rows) {
      const e = env(ctl);
      expect(fpu.f32Round(a, imm, e)).toBe(want);
      expect(e.flags).toBe(flags);
    }
  });
});

// extended values as [lo, hi, se]
type X = [number, number, number];
const X_ONE: X = [0, 0x80000000, 0x3fff];
const X_THREE: X = [0, 0xc0000000, 0x4000];
const X_TEN: X = [0, 0xa0000000, 0x4002];
const X_ELEVEN: X = [0, 0xb0000000, 0x4002];
const X_ZERO: X = [0, 0, 0];
const X_QNAN: X = [0, 0xc0000000, 0x7fff];
const X_INDEFINITE: X = [0, 0xc0000000, 0xffff];
const xr = (): X => [res.lo, res.hi, res.se];

describe('x87 extended: hand-checked (SDM Vol. 1 chapter 8)', () => {
  it('1/3 under precision control 53 and 64 (§8.1.5.2), C1 = rounded up', () => {
    let e = env({ pc: fpu.Precision.DOUBLE });
    fpu.f80Div(...X_ONE, ...X_THREE, e, res);
    expect([...xr(), e.flags, e.c1]).toEqual([0xaaaaa800, 0xaaaaaaaa, 0x3ffd, PE, 0]);
    e = env({ pc: fpu.Precision.EXTENDED });
    fpu.f80Div(...X_ONE, ...X_THREE, e, res);
    expect([...xr(), e.flags, e.c1]).toEqual([0xaaaaaaab, 0xaaaaaaaa, 0x3ffd, PE, 1]);
    e = env({ pc: fpu.Precision.SINGLE });
    fpu.f80Div(...X_ONE, ...X_THREE, e, res); // 24 bits: 0xaaaaab
    expect([...xr(), e.flags, e.c1]).toEqual([0, 0xaaaaab00, 0x3ffd, PE, 1]);
  });

  it('unsupported encodings are invalid operands giving the real indefinite (table 8-3)', () => {
    const pseudoNaN: X = [1, 0x40000000, 0x7fff];
    const pseudoInf: X = [0, 0, 0x7fff];
    const unnormal: X = [0, 0x40000000, 0x3fff];
    for (const bad of [pseudoNaN, pseudoInf, unnormal]) {
      const e = env();
      fpu.f80Add(...bad, ...X_ONE, e, res);
      expect([...xr(), e.flags]).toEqual([...X_INDEFINITE, IE]);
    }
  });

  it('a pseudo-denormal is read as a denormal of exponent 1 (DE) and normalized', () => {
    const e = env();
    fpu.f80Add(0, 0x80000000, 0, ...X_ZERO, e, res);
    expect([...xr(), e.flags]).toEqual([0, 0x80000000, 1, DE]);
  });

  it('x87 NaN rules: QNaN beats SNaN; of two QNaNs the larger significand (§4.8.3.5 table 4-7)', () => {
    let e = env();
    fpu.f80Add(0, 0x80000001, 0x7fff, ...X_QNAN, e, res); // SNaN + QNaN -> the QNaN
    expect([...xr(), e.flags]).toEqual([...X_QNAN, IE]);
    e = env();
    fpu.f80Mul(...X_QNAN, 0, 0xc0000001, 0xffff, e, res); // larger significand wins, sign kept
    expect([...xr(), e.flags]).toEqual([0, 0xc0000001, 0xffff, 0]);
  });

  it('overflow and underflow with the exceptions unmasked re-bias by 24576 (§8.5.4, §8.5.5)', () => {
    const big: X = [0, 0x80000000, 0x7ffe]; // 2^16383
    let e = env({ unmasked: OE });
    fpu.f80Mul(...big, 0, 0x80000000, 0x4000, e, res); // * 2 = 2^16384 -> 2^(16384-24576)
    expect([...xr(), e.flags]).toEqual([0, 0x80000000, 0x3fff - 8192, OE]);
    e = env();
    fpu.f80Mul(...big, 0, 0x80000000, 0x4000, e, res); // masked: infinity
    expect([...xr(), e.flags]).toEqual([0, 0x80000000, 0x7fff, OE | PE]);
    const small: X = [0, 0x80000000, 0x0001]; // 2^-16382
    const scale: X = [0, 0x80000000, 0x3fff - 10]; // 2^-10
    e = env({ unmasked: UE });
    fpu.f80Mul(...small, ...scale, e, res); // 2^-16392 -> 2^(-16392+24576)
    expect([...xr(), e.flags]).toEqual([0, 0x80000000, 0x3fff + 8184, UE]);
    e = env();
    fpu.f80Mul(...small, ...scale, e, res); // masked: the exact denormal 2^-16392, no flag
    expect([...xr(), e.flags]).toEqual([0, 0x00200000, 0, 0]);
  });

  it('FCOM / FUCOM / FXAM condition codes (SDM Vol. 2 FCOM, FXAM)', () => {
    const { C0, C1, C2, C3 } = fpu.X87Cond;
    let e = env();
    expect(fpu.f80Compare(...X_ONE, ...X_THREE, false, e)).toBe(C0);
    expect(fpu.f80Compare(...X_THREE, ...X_ONE, false, e)).toBe(0);
    expect(fpu.f80Compare(...X_ZERO, 0, 0, 0x8000, false, e)).toBe(C3);
    expect(e.flags).toBe(0);
    expect(fpu.f80Compare(...X_QNAN, ...X_ONE, true, e)).toBe(C3 | C2 | C0);
    expect(e.flags).toBe(0);
    expect(fpu.f80Compare(...X_QNAN, ...X_ONE, false, e)).toBe(C3 | C2 | C0);
    expect(e.flags).toBe(IE);
    expect(fpu.f80Examine(0, 0x80000000, 0xffff, false)).toBe(C2 | C1 | C0); // -inf
    expect(fpu.f80Examine(...X_ZERO, false)).toBe(C3);
    expect(fpu.f80Examine(1, 0, 0, false)).toBe(C3 | C2); // denormal
    expect(fpu.f80Examine(...X_ONE, false)).toBe(C2);
    expect(fpu.f80Examine(...X_ONE, true)).toBe(C3 | C0); // empty
    expect(fpu.f80Examine(0, 0x40000000, 0x3fff, false)).toBe(0); // unnormal: unsupported
  });

  it('FIST m16: range and rounding (SDM Vol. 2 FIST)', () => {
    const rows: [X, number, number][] = [
      [[0, 0x80000000, 0x400e], 0x8000, IE], // 32768 does not fit
      [[0, 0x80000000, 0xc00e], 0x8000, 0], // -32768 fits
      [[0, 0xa0000000, 0x4000], 2, PE], // 2.5 -> 2
    ];
    for (const [x, want, flags] of rows) {
      const e = env();
      fpu.f80ToInt(...x, 16, false, e, res);
      expect([res.lo & 0xffff, e.flags]).toEqual([want, flags]);
    }
  });

  it('FPREM / FPREM1: remainder and quotient bits C0 = Q2, C3 = Q1, C1 = Q0 (SDM Vol. 2 FPREM)', () => {
    const { C0, C1, C3 } = fpu.X87Cond;
    let e = env();
    expect(fpu.f80Rem(...X_TEN, ...X_THREE, false, e, res)).toBe(C3 | C1); // 10 = 3*3 + 1
    expect(xr()).toEqual(X_ONE);
    expect(fpu.f80Rem(...X_ELEVEN, ...X_THREE, false, e, res)).toBe(C3 | C1); // 11 = 3*3 + 2
    expect(xr()).toEqual([0, 0x80000000, 0x4000]);
    expect(fpu.f80Rem(...X_ELEVEN, ...X_THREE, true, e, res)).toBe(C0); // 11 = 4*3 - 1
    expect(xr()).toEqual([0, 0x80000000, 0xbfff]);
    expect(e.flags).toBe(0);
  });

  it('FXTRACT, FSCALE, FRNDINT', () => {
    const res2 = fpu.createFpResult();
    let e = env();
    fpu.f80Extract(...X_TEN, e, res, res2); // 10 = 1.25 * 2^3
    expect([...xr(), res2.lo, res2.hi, res2.se]).toEqual([0, 0xa0000000, 0x3fff, 0, 0xc0000000, 0x4000]);
    fpu.f80Scale(...X_ONE, 0, 0xacccccd0, 0x4000, e, res); // 1 * 2^trunc(2.7) = 4
    expect(xr()).toEqual([0, 0x80000000, 0x4001]);
    e = env();
    fpu.f80RoundInt(0, 0xa0000000, 0x4000, e, res); // 2.5 -> 2
    expect([...xr(), e.flags, e.c1]).toEqual([0, 0x80000000, 0x4000, PE, 0]);
    e = env({ rc: RU });
    fpu.f80RoundInt(0, 0xa0000000, 0x4000, e, res); // 2.5 up -> 3
    expect([...xr(), e.flags, e.c1]).toEqual([...X_THREE, PE, 1]);
  });

  it('packed BCD: FBLD of -123, FBSTP of 2.5 (to even) and of 10^18 (the BCD indefinite)', () => {
    let e = env();
    fpu.f80FromBcd(0x123, 0, 0x8000, e, res); // digits 1 2 3, sign byte 80H
    expect([...xr(), e.flags]).toEqual([0, 0xf6000000, 0xc005, 0]); // -123 = -1.921875 * 2^6
    fpu.f80ToBcd(0, 0xa0000000, 0x4000, e, res); // 2.5 -> 2
    expect([...xr(), e.flags]).toEqual([2, 0, 0, PE]);
    e = env();
    fpu.f80ToBcd(0x76400000, 0xde0b6b3a, 0x403a, e, res); // 10^18 = DE0B6B3A7640000H = 1.73... * 2^59
    expect([...xr(), e.flags]).toEqual([0, 0xc0000000, 0xffff, IE]);
  });

  it('FLDPI rounds pi = 1.1001001 0000 1111 1101 1010 ... by RC (65th bit 1: nearest is up)', () => {
    let e = env();
    fpu.f80Constant(fpu.X87Const.PI, e, res);
    expect([...xr(), e.flags]).toEqual([0x2168c235, 0xc90fdaa2, 0x4000, 0]);
    e = env({ rc: RZ });
    fpu.f80Constant(fpu.X87Const.PI, e, res);
    expect(xr()).toEqual([0x2168c234, 0xc90fdaa2, 0x4000]);
  });

  it('FLD m32 of an SNaN quiets it with IE; of a denormal, DE and normalized', () => {
    let e = env();
    fpu.f80FromF32(0x7f800001, e, res);
    expect([...xr(), e.flags]).toEqual([0, 0xc0000100, 0x7fff, IE]);
    e = env();
    fpu.f80FromF32(0x00000001, e, res); // 2^-149
    expect([...xr(), e.flags]).toEqual([0, 0x80000000, 0x3fff - 149, DE]);
  });
});
