// ROL ROR RCL RCR SHL SHR SAR (group 2) and SHLD/SHRD (SDM Vol. 2 entries
// "RCL/RCR/ROL/ROR", "SAL/SAR/SHL/SHR", "SHLD", "SHRD"; APM Vol. 3 same names).
//
// The count is masked to 5 bits (6 for 64-bit operands). A masked count of 0
// changes no flag and no memory, but a 32-bit register destination is still
// written, i.e. its upper half is zeroed (checked on hardware). RCL/RCR of
// 8/16-bit operands rotate through CF modulo 9/17; ROL/ROR of 8/16-bit
// operands rotate modulo 8/16 but set CF/OF whenever the masked count is not 0.
//
// Undefined results follow AMD (measured on an AMD EPYC host with the native
// differential harness); for every non-zero masked count:
//   SHL/SAL: AF = 1; OF = MSB(result) XOR CF (the count-1 rule, for any count);
//            8/16-bit counts beyond the width shift everything out: result 0, CF 0
//            (for count = width CF is the old bit 0).
//   SHR:     AF = 1; OF = bit w-1 XOR bit w-2 of the result (= old MSB for count 1, 0 above).
//   SAR:     AF = 1; OF = 0; counts beyond the width fill with the sign, CF = sign.
//   ROL/RCL: OF = MSB(result) XOR CF (new); ROR/RCR: OF = bit w-1 XOR bit w-2 of
//            the result. AF, SF, ZF, PF are left unchanged by the rotates.
//   SHLD/SHRD: AF = 1; OF as SHL (SHLD) / SHR (SHRD) on the result. 16-bit counts
//            above 16 (undefined in the SDM) behave as a shift of the 48-bit
//            concatenation dest:src:src (SHLD) / src:src:dest (SHRD): the result
//            comes from src repeated, CF = 0. SHLD with count >= 16 has OF = CF
//            (so 0 above 16); SHRD keeps its OF rule.
import { CF, AF, OF } from '../../arch/rflags.js';
import { SH_RCL, SH_RCR, SH_SHL, SH_SHR, SH_SAL, SH_SAR } from '../../isa/executors.js';
import type { Insn } from '../../isa/insn.js';
import { RCX } from '../../arch/registers.js';
import type { ExecContext, Handler } from '../context.js';
import type { RowBinder } from './binding.js';
import { setResultFlags } from '../lazy-flags.js';
import { CONTEXT_FLAGS } from '../flags-source.js';
import { buildFunction, builtOnDemand } from '../generated.js';
import { shiftSource, SOURCE_SHIFTS, type Operand } from './alu-source.js';
import { loadOperand, storeOperand } from '../operands.js';


/** High dword of a 64-bit result (module scratch: no allocation). */
let rHi = 0;

/** (lo, hi) << n for 0 <= n < 64: returns the low dword, high in rHi. */
function shl64(lo: number, hi: number, n: number): number {
  if (n === 0) { rHi = hi; return lo; }
  if (n < 32) { rHi = (hi << n) | (lo >>> (32 - n)); return lo << n; }
  rHi = lo << (n - 32);
  return 0;
}
/** (lo, hi) >>> n for 0 <= n <= 64: returns the low dword, high in rHi. */
function shr64(lo: number, hi: number, n: number): number {
  if (n === 0) { rHi = hi; return lo; }
  if (n < 32) { rHi = hi >>> n; return (lo >>> n) | (hi << (32 - n)); }
  rHi = 0;
  return n < 64 ? hi >>> (n - 32) : 0;
}
/** Bit n (0..63) of (lo, hi). */
function bit64(lo: number, hi: number, n: number): number {
  return n < 32 ? (lo >>> n) & 1 : (hi >>> (n - 32)) & 1;
}

/**
 * Applies group-2 operation `op` with masked count `cnt` (1..31, 1..63 for
 * size 8) to the `size`-byte value (a, ah) and sets the flags. Returns the low
 * dword of the result; for size 8 the high dword is left in operand slot 0's high half.
 */
export function shiftOp(c: ExecContext, op: number, size: number, a: number, ah: number, cnt: number): number {
  if (size === 8) return shiftOp64(c, op, a, ah, cnt);
  const w = size * 8;
  const sh = 32 - w; // moves bit w-1 to bit 31
  const mask = size === 4 ? -1 : (1 << w) - 1;
  const ua = a & mask;
  let r: number, cf: number;
  switch (op) {
    case SH_RCL: {
      const n = w === 32 ? cnt : cnt % (w + 1);
      const cin = c.fAux & CF;
      if (n === 0) { r = ua; cf = cin; }
      else if (w === 32) {
        r = (a << n) | (cin << (n - 1)) | (n === 1 ? 0 : a >>> (33 - n));
        cf = (a >>> (32 - n)) & 1;
      } else {
        // The (w+1)-bit value CF:dest fits in 17 bits.
        const v = (cin << w) | ua, m = (1 << (w + 1)) - 1;
        const t = ((v << n) | (v >>> (w + 1 - n))) & m;
        r = t & mask; cf = t >>> w;
      }
      c.fAux = (c.fAux & AF) | cf | ((((r << sh) >>> 31) ^ cf) ? OF : 0);
      return r;
    }
    case SH_RCR: {
      const n = w === 32 ? cnt : cnt % (w + 1);
      const cin = c.fAux & CF;
      if (n === 0) { r = ua; cf = cin; }
      else if (w === 32) {
        r = (a >>> n) | (cin << (32 - n)) | (n === 1 ? 0 : a << (33 - n));
        cf = (a >>> (n - 1)) & 1;
      } else {
        const v = (cin << w) | ua, m = (1 << (w + 1)) - 1;
        const t = ((v >>> n) | (v << (w + 1 - n))) & m;
        r = t & mask; cf = t >>> w;
      }
      c.fAux = (c.fAux & AF) | cf | ((((r << sh) ^ (r << (sh + 1))) < 0) ? OF : 0);
      return r;
    }
    default: return shiftNarrow(c, op, size, a, cnt); // ROL, ROR, SHL/SAL, SHR, SAR
  }
}

const A: Operand = { lo: 'a', hi: 'ah' };
/** ROL/ROR/SHL/SHR/SAR by 1..31 at 1, 2 or 4 bytes, built from alu-source.ts (the definition the compiled tier inlines). */
const shiftNarrow: (c: ExecContext, op: number, size: number, a: number, cnt: number) => number = buildFunction('shiftNarrow', ['c', 'op', 'size', 'a', 'cnt'],
  `let r = 0; switch (op * 8 + size) { ${SOURCE_SHIFTS.flatMap((op) => [1, 2, 4].map((n) =>
    `case ${op * 8 + n}: ${shiftSource(op, n, A, 'cnt', 'r', null, CONTEXT_FLAGS)} return r;`)).join(' ')} } return r;`);
/** ROL/ROR/SHL/SHR/SAR by 1..63 at 8 bytes: the low dword returned, the high dword in operand slot 0. */
const shift64: (c: ExecContext, op: number, a: number, ah: number, cnt: number) => number = buildFunction('shift64', ['c', 'op', 'a', 'ah', 'cnt'],
  `let r = 0; switch (op) { ${SOURCE_SHIFTS.map((op) =>
    `case ${op}: ${shiftSource(op, 8, A, 'cnt', 'r', 'c.ops.hi[0]', CONTEXT_FLAGS)} return r;`).join(' ')} } return r;`);

function shiftOp64(c: ExecContext, op: number, a: number, ah: number, cnt: number): number {
  let r: number, h: number, cf: number;
  switch (op) {
    case SH_RCL: {
      // 65-bit rotate of CF:dest: (x << n) | (CF << (n-1)) | (x >>> (65-n)).
      const cin = c.fAux & CF;
      r = shl64(a, ah, cnt); h = rHi;
      const l2 = shr64(a, ah, 65 - cnt);
      r |= l2; h |= rHi;
      if (cnt - 1 < 32) r |= cin << (cnt - 1); else h |= cin << (cnt - 33);
      cf = bit64(a, ah, 64 - cnt);
      c.fAux = (c.fAux & AF) | cf | (((h >>> 31) ^ cf) ? OF : 0);
      c.ops.hi[0] = h;
      return r;
    }
    case SH_RCR: {
      // (x >>> n) | (CF << (64-n)) | (x << (65-n)).
      const cin = c.fAux & CF;
      r = shr64(a, ah, cnt); h = rHi;
      if (cnt > 1) { const l2 = shl64(a, ah, 65 - cnt); r |= l2; h |= rHi; }
      const cb = 64 - cnt;
      if (cb < 32) r |= cin << cb; else h |= cin << (cb - 32);
      cf = bit64(a, ah, cnt - 1);
      c.fAux = (c.fAux & AF) | cf | (((h ^ (h << 1)) < 0) ? OF : 0);
      c.ops.hi[0] = h;
      return r;
    }
    default: return shift64(c, op, a, ah, cnt); // ROL, ROR, SHL/SAL, SHR, SAR
  }
}

/**
 * Group 2 (param: the operation = ModRM.reg); the count is operand 1 (1, CL or
 * imm8). The destination is read (and checked for writing) even when the
 * masked count is 0, which changes no flag and no memory but still writes a
 * 32-bit register destination (zero-extending it).
 */
export const shift: Handler = (c, i) => {
  const s = i.size0;
  loadOperand(c, i, 1);
  const cnt = c.ops.lo[1]! & (s === 8 ? 63 : 31);
  loadOperand(c, i, 0);
  if (cnt === 0) {
    if (s === 4 && !i.isMem) c.setReg(4, i.rm, c.ops.lo[0]!, 0);
    return;
  }
  c.ops.lo[0] = shiftOp(c, i.param, s, c.ops.lo[0]!, c.ops.hi[0]!, cnt);
  storeOperand(c, i, 0);
};

/** A register destination's count: the immediate, 1 or CL (chosen per row). */
type CountFrom = 'imm' | 'one' | 'cl';
const COUNT_SOURCE: Readonly<Record<CountFrom, string>> = { imm: 'i.imm', one: '1', cl: `c.regLo[${RCX}]` };

/**
 * Register destinations of 4 or 8 bytes: RCL/RCR through shiftOp; the others
 * one function per operation, size and count, built from their source
 * (alu-source.ts shiftSource), as the interpreter's hot handlers.
 */
const shiftRegister = builtOnDemand((op: number, size: 4 | 8, count: CountFrom): Handler => {
  const mask = size === 8 ? 63 : 31;
  if (SOURCE_SHIFTS.includes(op)) {
    const a: Operand = { lo: 'L[d]', hi: 'H[d]' };
    return buildFunction<Handler>(`shift${op}r${size}${count}`, ['c', 'i'], `const L = c.regLo, H = c.regHi, d = i.rm, n = ${COUNT_SOURCE[count]} & ${mask};
if (n === 0) { ${size === 4 ? 'H[d] = 0;' : ''} return; }
${shiftSource(op, size, a, 'n', 'L[d]', 'H[d]', CONTEXT_FLAGS)}`);
  }
  return (c, i) => {
    const cnt = (count === 'imm' ? i.imm : count === 'one' ? 1 : c.regLo[RCX]!) & mask;
    const d = i.rm;
    if (cnt === 0) { if (size === 4) c.regHi[d] = 0; return; }
    const r = shiftOp(c, op, size, c.regLo[d]!, c.regHi[d]!, cnt);
    c.regLo[d] = r;
    c.regHi[d] = size === 8 ? c.ops.hi[0]! : 0;
  };
});

export const bindShift: RowBinder = (row) => {
  const kind = row.operands[1]!.kind;
  const count = kind === 'I' ? 'imm' : kind === 'one' ? 'one' : 'cl';
  return (i, specialise) => (!specialise || i.isMem || i.size0 < 4 ? shift : shiftRegister(row.param, i.size0 === 8 ? 8 : 4, count));
};

/** Sets the SHLD/SHRD flags: CF, AF = 1, OF, and ZF/SF/PF from the result. */
function doubleShiftFlags(c: ExecContext, size: number, r: number, h: number, cf: number, of: number): void {
  c.fAux = cf | AF | (of ? OF : 0);
  setResultFlags(c, size, r, h);
}

/**
 * Loads the SHLD/SHRD operands (destination in slot 0, source in slot 1) and
 * returns the masked count (operand 2: imm8 or CL). A count of 0 changes
 * nothing but still zero-extends a 32-bit register destination.
 */
function doubleShiftOperands(c: ExecContext, i: Insn): number {
  const s = i.size0;
  loadOperand(c, i, 2);
  const cnt = c.ops.lo[2]! & (s === 8 ? 63 : 31);
  loadOperand(c, i, 0);
  loadOperand(c, i, 1);
  if (cnt === 0 && s === 4 && !i.isMem) c.setReg(4, i.rm, c.ops.lo[0]!, 0);
  return cnt;
}

/** The result of a double-shift core (module scratch: no allocation per instruction). */
const dbl = { r: 0, h: 0, cf: 0, of: 0 };

/** SHLD/SHRD: the operand stage around a core that leaves its result in `dbl`. */
function doubleShift(core: (s: number, cnt: number, a: number, ah: number, b: number, bh: number) => void): Handler {
  return (c, i) => {
    const cnt = doubleShiftOperands(c, i);
    if (cnt === 0) return;
    const v = c.ops;
    core(i.size0, cnt, v.lo[0]!, v.hi[0]!, v.lo[1]!, v.hi[1]!);
    doubleShiftFlags(c, i.size0, dbl.r, dbl.h, dbl.cf, dbl.of);
    v.lo[0] = dbl.r; v.hi[0] = dbl.h;
    storeOperand(c, i, 0);
  };
}

/** SHLD Ev, Gv, imm8/CL: dest shifted left, vacated bits filled from the top of src. */
export const shld = doubleShift((s, cnt, a, ah, b, bh) => {
  let r: number, h = 0, cf: number, of: number;
  if (s === 2) {
    const ua = a & 0xffff, ub = b & 0xffff;
    if (cnt < 16) {
      r = ((ua << cnt) | (ub >>> (16 - cnt))) & 0xffff;
      cf = (ua >>> (16 - cnt)) & 1;
      of = (r >>> 15) ^ cf;
    } else {
      // AMD: dest:src:src shifted left; for count > 16 only src bits remain.
      const bb = (ub << 16) | ub;
      r = (bb >>> (32 - cnt)) & 0xffff;
      cf = cnt === 16 ? ua & 1 : 0;
      of = cf;
    }
  } else if (s === 4) {
    r = (a << cnt) | (b >>> (32 - cnt));
    cf = (a >>> (32 - cnt)) & 1;
    of = (r >>> 31) ^ cf;
  } else {
    r = shl64(a, ah, cnt); h = rHi;
    r |= shr64(b, bh, 64 - cnt); h |= rHi;
    cf = bit64(a, ah, 64 - cnt);
    of = (h >>> 31) ^ cf;
  }
  dbl.r = r; dbl.h = h; dbl.cf = cf; dbl.of = of;
});

/** SHRD Ev, Gv, imm8/CL: dest shifted right, vacated bits filled from the bottom of src. */
export const shrd = doubleShift((s, cnt, a, ah, b, bh) => {
  let r: number, h = 0, cf: number;
  if (s === 2) {
    const ua = a & 0xffff, ub = b & 0xffff;
    if (cnt < 16) {
      r = ((ua >>> cnt) | (ub << (16 - cnt))) & 0xffff;
      cf = (ua >>> (cnt - 1)) & 1;
    } else {
      // AMD: src:src:dest shifted right; for count > 16 only src bits remain.
      const bb = (ub << 16) | ub;
      r = (bb >>> (cnt - 16)) & 0xffff;
      cf = cnt === 16 ? ua >>> 15 : 0;
    }
    dbl.of = ((r >>> 15) ^ (r >>> 14)) & 1;
  } else if (s === 4) {
    r = (a >>> cnt) | (b << (32 - cnt));
    cf = (a >>> (cnt - 1)) & 1;
    dbl.of = ((r >>> 31) ^ (r >>> 30)) & 1;
  } else {
    r = shr64(a, ah, cnt); h = rHi;
    r |= shl64(b, bh, 64 - cnt); h |= rHi;
    cf = bit64(a, ah, cnt - 1);
    dbl.of = ((h >>> 31) ^ (h >>> 30)) & 1;
  }
  dbl.r = r; dbl.h = h; dbl.cf = cf;
});
