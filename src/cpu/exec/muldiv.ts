// MUL, IMUL (1-, 2- and 3-operand), DIV, IDIV with #DE (SDM Vol. 2 entries;
// APM Vol. 3 "MUL", "IMUL", "DIV", "IDIV").
//
// Arithmetic stays on plain numbers: 8/16-bit products and quotients are exact
// in doubles; 32x32 and 64x64 products are built from 16/32-bit partial
// products; 64/32 division is long division in 16-bit digits (every partial
// dividend stays below 2^48). Only the 128/64 division with a divisor of 2^32
// or more falls back to BigInt.
//
// Flags. CF = OF as the SDM defines them; the rest is undefined and this model
// follows AMD (measured on an AMD EPYC host with the native differential harness):
//   MUL, IMUL (all forms): SF, ZF, AF, PF are left unchanged.
//   DIV, IDIV:             CF and OF are left unchanged; SF = 0, ZF = 0, AF = 1,
//                          PF = 0, whatever the operands. On #DE nothing changes.
import { CF, AF, OF } from '../../arch/rflags.js';
import { Vector } from '../../arch/vectors.js';
import { RAX, RDX } from '../../arch/registers.js';
import type { Insn } from '../../isa/insn.js';
import type { ExecContext, Handler } from '../context.js';
import { loadOperand, storeOperand } from '../operands.js';
import type { RowBinder } from './binding.js';
import { CONTEXT_FLAGS } from '../flags-source.js';
import { buildFunction, builtOnDemand } from '../generated.js';
import { imulSource, IMUL_OVERFLOW_NAME } from './alu-source.js';

const TWO32 = 4294967296;
const TWO16 = 65536;

// Results of the multi-word helpers (module scratch: no allocation per instruction).
/** High dword of umul32. */
let mHi = 0;
/** The four dwords of a 128-bit product, least significant first (int32 each). */
let p0 = 0, p1 = 0, p2 = 0, p3 = 0;
/** Quotient high dword and remainder of the long divisions. */
let qHi = 0, rem = 0;

/** Unsigned 32x32 -> 64 product: returns the low dword (int32), high dword in mHi. */
function umul32(a: number, b: number): number {
  // 16-bit partial products: each below 2^32, so the sums stay exact without division.
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const m1 = a1 * b0, m2 = a0 * b1;
  const carry = (((a0 * b0) >>> 16) + (m1 & 0xffff) + (m2 & 0xffff)) >>> 16;
  mHi = (a1 * b1 + (m1 >>> 16) + (m2 >>> 16) + carry) | 0;
  return Math.imul(a, b);
}

/** Unsigned 64x64 -> 128 product of (al, ah) and (bl, bh) into p0..p3. */
function umul64(al: number, ah: number, bl: number, bh: number): void {
  const ll = umul32(al, bl) >>> 0, llH = mHi >>> 0;
  const lh = umul32(al, bh) >>> 0, lhH = mHi >>> 0;
  const hl = umul32(ah, bl) >>> 0, hlH = mHi >>> 0;
  const hh = umul32(ah, bh) >>> 0, hhH = mHi >>> 0;
  const s1 = llH + lh + hl;                      // < 3 * 2^32
  const c1 = Math.floor(s1 / TWO32);
  const s2 = lhH + hlH + hh + c1;                // < 4 * 2^32
  const c2 = Math.floor(s2 / TWO32);
  p0 = ll | 0; p1 = s1 | 0; p2 = s2 | 0; p3 = (hhH + c2) | 0;
}

/**
 * Signed 64x64 -> 128 product into p0..p3: the unsigned product minus
 * (a < 0 ? b : 0) and (b < 0 ? a : 0) in the upper 64 bits (two's complement).
 */
function smul64(al: number, ah: number, bl: number, bh: number): void {
  umul64(al, ah, bl, bh);
  if (ah < 0) subHigh(bl, bh);
  if (bh < 0) subHigh(al, ah);
}
function subHigh(l: number, h: number): void {
  const lo = (p2 >>> 0) - (l >>> 0);
  p2 = lo | 0;
  p3 = (p3 - h - (lo < 0 ? 1 : 0)) | 0;
}

/**
 * Unsigned long division of the 64-bit (hi, lo) by d (1 <= d < 2^32, hi < d so
 * the quotient fits 32 bits): returns the quotient (uint32 as a number), remainder in rem.
 */
function udiv64by32(lo: number, hi: number, d: number): number {
  let r = hi >>> 0;
  let t = r * TWO16 + (lo >>> 16);
  const q1 = Math.floor(t / d);
  r = t - q1 * d;
  t = r * TWO16 + (lo & 0xffff);
  const q0 = Math.floor(t / d);
  rem = t - q0 * d;
  return q1 * TWO16 + q0;
}

/**
 * Unsigned division of the 96-bit (top, hi, lo) by d (1 <= d < 2^32, top < d):
 * returns the low quotient dword (uint32 number), high dword in qHi, remainder in rem.
 */
function udiv96by32(lo: number, hi: number, top: number, d: number): number {
  qHi = udiv64by32(hi, top, d);
  return udiv64by32(lo, rem, d);
}

/** Sets CF = OF = overflow; SF ZF AF PF are kept (AMD). */
function mulFlags(c: ExecContext, overflow: boolean): void {
  c.fAux = (c.fAux & AF) | (overflow ? CF | OF : 0);
}

/** DIV/IDIV flags as AMD leaves them: CF, OF kept; SF = ZF = PF = 0, AF = 1. */
function divFlags(c: ExecContext): void {
  c.fAux = (c.fAux & (CF | OF)) | AF;
  c.fZ = 1;
  c.fS = 0;
  c.fP = 1; // one set bit: odd parity, PF = 0
}

function divideError(c: ExecContext): never {
  return c.raise(Vector.DE);
}

// =====================================================================
// MUL / IMUL with one operand: AX = AL * r/m8, DX:AX, EDX:EAX, RDX:RAX.
// =====================================================================

export const mul: Handler = (c, i) => {
  loadOperand(c, i, 0);
  mulValue(c, i.size0, c.ops.lo[0]!, c.ops.hi[0]!);
};
/** MUL of rAX (and rDX) by the `s`-byte operand (b, bh) (also the compiled tier's, with RAX, RDX and the flags in the context). */
export function mulValue(c: ExecContext, s: number, b: number, bh: number): void {
  switch (s) {
    case 1: {
      const p = (c.regLo[RAX]! & 0xff) * (b & 0xff);
      c.setReg(2, RAX, p, 0);
      mulFlags(c, p > 0xff);
      return;
    }
    case 2: {
      const p = (c.regLo[RAX]! & 0xffff) * (b & 0xffff); // < 2^32: exact
      c.setReg(2, RAX, p, 0);
      c.setReg(2, RDX, p >>> 16, 0);
      mulFlags(c, p > 0xffff);
      return;
    }
    case 4: {
      const lo = umul32(c.regLo[RAX]!, b), hi = mHi;
      c.setReg(4, RAX, lo, 0);
      c.setReg(4, RDX, hi, 0);
      mulFlags(c, hi !== 0);
      return;
    }
    default: {
      umul64(c.regLo[RAX]!, c.regHi[RAX]!, b, bh);
      c.setReg(8, RAX, p0, p1);
      c.setReg(8, RDX, p2, p3);
      mulFlags(c, (p2 | p3) !== 0);
    }
  }
}

export const imul1: Handler = (c, i) => {
  loadOperand(c, i, 0);
  imul1Value(c, i.size0, c.ops.lo[0]!, c.ops.hi[0]!);
};
/** IMUL (one operand) of rAX (and rDX) by the `s`-byte operand (b, bh) (also the compiled tier's, with RAX, RDX and the flags in the context). */
export function imul1Value(c: ExecContext, s: number, b: number, bh: number): void {
  switch (s) {
    case 1: {
      const p = ((c.regLo[RAX]! << 24) >> 24) * ((b << 24) >> 24);
      c.setReg(2, RAX, p, 0);
      mulFlags(c, p !== (p << 24) >> 24);
      return;
    }
    case 2: {
      const p = ((c.regLo[RAX]! << 16) >> 16) * ((b << 16) >> 16); // |p| <= 2^30: exact
      c.setReg(2, RAX, p, 0);
      c.setReg(2, RDX, p >> 16, 0);
      mulFlags(c, p !== (p << 16) >> 16);
      return;
    }
    case 4: {
      const lo = imul32(c.regLo[RAX]!, b);
      c.setReg(4, RAX, lo, 0);
      c.setReg(4, RDX, mHi, 0);
      mulFlags(c, mHi !== lo >> 31);
      return;
    }
    default: {
      smul64(c.regLo[RAX]!, c.regHi[RAX]!, b, bh);
      c.setReg(8, RAX, p0, p1);
      c.setReg(8, RDX, p2, p3);
      const sign = p1 >> 31;
      mulFlags(c, p2 !== sign || p3 !== sign);
    }
  }
}

/** Signed 32x32 -> 64: low dword returned, high dword in mHi. */
function imul32(a: number, b: number): number {
  const lo = umul32(a, b);
  let hi = mHi;
  if (a < 0) hi = (hi - b) | 0;
  if (b < 0) hi = (hi - a) | 0;
  mHi = hi;
  return lo;
}

/** Whether the signed 64x64 product of (al, ah) and (bl, bh) overflows 64 bits: exact, for imulSource's rare close cases. */
export function imulOverflow64(al: number, ah: number, bl: number, bh: number): boolean {
  smul64(al, ah, bl, bh);
  const sign = p1 >> 31;
  return p2 !== sign || p3 !== sign;
}

/** The truncated signed product of slots `x` and `y` into slot 0; CF = OF = it differs from the full one (alu-source.ts imulSource). */
export const imulTruncated: (c: ExecContext, i: Insn, x: number, y: number) => void = buildFunction('imulTruncated', ['c', 'i', 'x', 'y'],
  `const O = c.ops; switch (i.size0) { ${[2, 4, 8].map((n) =>
    `case ${n}: ${imulSource(n, { lo: 'O.lo[x]', hi: 'O.hi[x]' }, { lo: 'O.lo[y]', hi: 'O.hi[y]' }, 'O.lo[0]', 'O.hi[0]', CONTEXT_FLAGS)} return;`).join(' ')} }`,
  { [IMUL_OVERFLOW_NAME]: imulOverflow64 });

/** IMUL G, E (0F AF) and IMUL G, E, imm (69, 6B: the decoder sign-extends the immediate). */
const imulGeneric: Handler = (c, i) => {
  const three = i.row.operands.length === 3;
  loadOperand(c, i, 1);
  if (three) loadOperand(c, i, 2); else loadOperand(c, i, 0);
  if (three) imulTruncated(c, i, 1, 2); else imulTruncated(c, i, 0, 1);
  storeOperand(c, i, 0);
};

/** IMUL G, E with a register E at 4 and 8 bytes, built from its source (a 4-byte product zero-extends). */
const imulRegisters = builtOnDemand((n: number) => buildFunction<Handler>(`imulRegisters${n}`, ['c', 'i'],
  `const L = c.regLo, H = c.regHi, d = i.reg, s = i.rm;
${imulSource(n, { lo: 'L[d]', hi: 'H[d]' }, { lo: 'L[s]', hi: 'H[s]' }, 'L[d]', 'H[d]', CONTEXT_FLAGS)}`,
  { [IMUL_OVERFLOW_NAME]: imulOverflow64 }));

export const bindImul: RowBinder = (row) => {
  const twoOperands = row.operands.length === 2;
  return (i, specialise) => (specialise && twoOperands && !i.isMem && i.size0 >= 4 ? imulRegisters(i.size0) : imulGeneric);
};

// =====================================================================
// DIV / IDIV: #DE for a zero divisor or a quotient that does not fit.
// =====================================================================

export const div: Handler = (c, i) => {
  loadOperand(c, i, 0);
  divValue(c, i.size0, c.ops.lo[0]!, c.ops.hi[0]!);
};
/** DIV of rAX (and rDX) by the `s`-byte operand (d, dh) (also the compiled tier's, with RAX, RDX and the flags in the context). */
export function divValue(c: ExecContext, s: number, d: number, dh: number): void {
  switch (s) {
    case 1: {
      const dv = d & 0xff;
      if (dv === 0) divideError(c);
      const n = c.regLo[RAX]! & 0xffff;
      const q = Math.floor(n / dv);
      if (q > 0xff) divideError(c);
      c.setReg(2, RAX, ((n - q * dv) << 8) | q, 0);
      break;
    }
    case 2: {
      const dv = d & 0xffff;
      if (dv === 0) divideError(c);
      const n = (c.regLo[RDX]! & 0xffff) * TWO16 + (c.regLo[RAX]! & 0xffff);
      const q = Math.floor(n / dv);
      if (q > 0xffff) divideError(c);
      c.setReg(2, RAX, q, 0);
      c.setReg(2, RDX, n - q * dv, 0);
      break;
    }
    case 4: {
      const dv = d >>> 0;
      if (dv === 0) divideError(c);
      const hi = c.regLo[RDX]! >>> 0;
      if (hi >= dv) divideError(c); // quotient >= 2^32
      const q = udiv64by32(c.regLo[RAX]!, hi, dv);
      c.setReg(4, RAX, q | 0, 0);
      c.setReg(4, RDX, rem | 0, 0);
      break;
    }
    default: {
      if ((d | dh) === 0) divideError(c);
      const nl = c.regLo[RAX]!, nh = c.regHi[RAX]!, xl = c.regLo[RDX]!, xh = c.regHi[RDX]!;
      // RDX >= divisor means a quotient of 2^64 or more.
      if ((xh >>> 0) > (dh >>> 0) || (xh === dh && (xl >>> 0) >= (d >>> 0))) divideError(c);
      if (dh === 0) {
        // Divisor below 2^32 (so RDX < 2^32): long division in 16-bit digits.
        const qh = udiv64by32(nh, xl, d >>> 0);
        const ql = udiv64by32(nl, rem, d >>> 0);
        c.setReg(8, RAX, ql | 0, qh | 0);
        c.setReg(8, RDX, rem | 0, 0);
      } else {
        const n = (u64(xl, xh) << 64n) | u64(nl, nh);
        const dv = u64(d, dh);
        setBig(c, RAX, n / dv);
        setBig(c, RDX, n % dv);
      }
    }
  }
  divFlags(c);
}

export const idiv: Handler = (c, i) => {
  loadOperand(c, i, 0);
  idivValue(c, i.size0, c.ops.lo[0]!, c.ops.hi[0]!);
};
/** IDIV of rAX (and rDX) by the `s`-byte operand (d, dh) (also the compiled tier's, with RAX, RDX and the flags in the context). */
export function idivValue(c: ExecContext, s: number, d: number, dh: number): void {
  switch (s) {
    case 1: {
      const dv = (d << 24) >> 24;
      if (dv === 0) divideError(c);
      const n = (c.regLo[RAX]! << 16) >> 16;
      const q = Math.trunc(n / dv);
      if (q > 0x7f || q < -0x80) divideError(c);
      c.setReg(2, RAX, ((n - q * dv) << 8) | (q & 0xff), 0);
      break;
    }
    case 2: {
      const dv = (d << 16) >> 16;
      if (dv === 0) divideError(c);
      const n = (c.regLo[RDX]! << 16) | (c.regLo[RAX]! & 0xffff);
      const q = Math.trunc(n / dv); // |n| < 2^31: the double quotient truncates exactly
      if (q > 0x7fff || q < -0x8000) divideError(c);
      c.setReg(2, RAX, q, 0);
      c.setReg(2, RDX, n - q * dv, 0);
      break;
    }
    case 4: {
      if (d === 0) divideError(c);
      let lo = c.regLo[RAX]!, hi = c.regLo[RDX]!;
      const negN = hi < 0, negQ = negN !== d < 0;
      if (negN) { hi = lo === 0 ? -hi | 0 : ~hi; lo = -lo | 0; } // |dividend|, 64-bit two's complement
      const dv = Math.abs(d);
      if ((hi >>> 0) >= dv) divideError(c); // |quotient| >= 2^32
      const q = udiv64by32(lo, hi, dv);
      if (q > (negQ ? 0x80000000 : 0x7fffffff)) divideError(c);
      c.setReg(4, RAX, negQ ? -q | 0 : q | 0, 0);
      c.setReg(4, RDX, negN ? -rem | 0 : rem | 0, 0);
      break;
    }
    default: {
      if ((d | dh) === 0) divideError(c);
      const nl = c.regLo[RAX]!, nh = c.regHi[RAX]!, xl = c.regLo[RDX]!, xh = c.regHi[RDX]!;
      const sign = nh >> 31;
      if (xl === sign && xh === sign && dh === (d >> 31) && d !== 0) {
        // Common case (after CQO): the dividend is RAX sign-extended and the divisor
        // fits in 32 bits signed; long division of the magnitudes.
        let ml = nl, mh = nh;
        if (sign) { mh = ml === 0 ? -mh | 0 : ~mh; ml = -ml | 0; }
        const dv = Math.abs(d);
        const negQ = (sign !== 0) !== d < 0;
        const ql = udiv96by32(ml, mh, 0, dv), qh = qHi;
        // |quotient| must be <= 2^63 - 1, or exactly 2^63 when negative.
        if (qh >= 0x80000000 && !(negQ && qh === 0x80000000 && ql === 0)) divideError(c);
        let rl = ql | 0, rh = qh | 0;
        if (negQ) { rh = rl === 0 ? -rh | 0 : ~rh; rl = -rl | 0; }
        c.setReg(8, RAX, rl, rh);
        const r = sign ? -rem : rem;
        c.setReg(8, RDX, r | 0, r < 0 ? -1 : 0);
      } else {
        // Rare: a 128-bit dividend or a wide divisor.
        const n = BigInt.asIntN(128, (u64(xl, xh) << 64n) | u64(nl, nh));
        const dv = BigInt.asIntN(64, u64(d, dh));
        const q = n / dv; // BigInt division truncates toward zero, like IDIV
        if (q > 0x7fffffffffffffffn || q < -0x8000000000000000n) divideError(c);
        setBig(c, RAX, q);
        setBig(c, RDX, n % dv);
      }
    }
  }
  divFlags(c);
}

function u64(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}
function setBig(c: ExecContext, r: number, v: bigint): void {
  const u = BigInt.asUintN(64, v);
  c.setReg(8, r, Number(u & 0xffffffffn) | 0, Number(u >> 32n) | 0);
}
