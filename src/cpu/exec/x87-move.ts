// x87 data movement (SDM Vol. 2 FLD, FILD, FBLD, FST/FSTP, FIST/FISTP, FISTTP, FBSTP, FLD1 …
// FLDZ, FXCH, FCMOVcc, FINCSTP, FDECSTP, FFREE, FFREEP, FNOP).
import { FSW_C1, FSW_IE, FSW_DE, FSW_ZE, FSW_OE, FSW_UE, FCW_MASKS } from '../../arch/x87.js';
import { f80FromBcd, f80FromF32, f80FromF64, f80FromInt, f80ToBcd, f80ToF32, f80ToF64, f80ToInt } from '../../fpu/index.js';
import {
  X87_FLOAT, X87_INT, X87_BCD, X87_REG, X87_TRUNC, STORE_POP, STORE_RAW, S_FXCH, S_INCSTP, S_DECSTP, S_FREE, S_FREEP,
} from '../../isa/x87-ops.js';
import type { Handler } from '../context.js';
import { condition } from '../lazy-flags.js';
import {
  applyFlags, fpEnv, pushValue, readM80, readOperand, recordData, recordInstruction, setIndefinite, stackFault,
  writeM80, x87Address, x87Wait, INDEF_HI, INDEF_LO, INDEF_SE,
} from './x87-core.js';

/** FLD m32/m64/m80/ST(i), FILD m16/m32/m64, FBLD m80: param X87_FLOAT / X87_INT / X87_BCD / X87_REG. */
export const x87Load: Handler = (c, i) => {
  x87Wait(c);
  const x = c.x87, kind = i.param, v = x.res;
  let flags = 0;
  if (kind === X87_REG) {
    recordInstruction(c, i);
    const sti = i.modrm & 7;
    if (x.empty(sti)) {
      // underflow: a masked one pushes the indefinite
      if (stackFault(x, false)) pushValue(x, INDEF_LO, INDEF_HI, INDEF_SE);
      return;
    }
    const p = x.phys(sti);
    v.lo = x.lo[p]!; v.hi = x.hi[p]!; v.se = x.se[p]!;
  } else {
    const a = x87Address(c, i);
    if (i.memSize === 10) readM80(c, a, v);
    else readOperand(c, a, i.memSize, true, v);
    recordInstruction(c, i);
    recordData(c, i, a);
    if (!x.empty(7)) {
      // overflow before the conversion: a masked one pushes the indefinite
      if (stackFault(x, true)) { x.push(); setIndefinite(x, 0); }
      return;
    }
    const env = fpEnv(x);
    if (kind === X87_INT) f80FromInt(v.lo, v.hi, env, v);
    else if (kind === X87_BCD) f80FromBcd(v.lo, v.hi, v.se, env, v);
    else if (i.memSize === 4) f80FromF32(v.lo, env, v);
    else if (i.memSize === 8) f80FromF64(v.lo, v.hi, env, v);
    else env.last = 0; // m80: loaded as is, an SNaN included (SDM FLD: no #IA for m80)
    flags = env.last;
  }
  x.sw &= ~FSW_C1;
  applyFlags(x, flags, 0);
  // Only an unmasked IE (an SNaN source) stops the load; an unmasked DE (a denormal m32/m64 source) still pushes,
  // with ES set for the #MF at the next waiting instruction (host-checked: test/diff/x87-move.test.ts Fld_Md).
  if (flags & ~x.cw & FSW_IE) return;
  pushValue(x, v.lo, v.hi, v.se);
};

/** The memory format's indefinite for a masked invalid store (SDM Vol. 1 §4.8.3.7, §4.7.2 integer and BCD indefinites). */
function indefinite(kind: number, size: number, out: { lo: number; hi: number; se: number }): void {
  out.se = 0;
  if (kind === X87_BCD || size === 10) { out.lo = 0; out.hi = 0xc0000000; out.se = 0xffff; return; }
  if (kind === X87_FLOAT) { out.lo = size === 4 ? 0xffc00000 : 0; out.hi = size === 8 ? 0xfff80000 : 0; return; }
  out.lo = size === 2 ? 0x8000 : size === 4 ? 0x80000000 : 0;
  out.hi = size === 8 ? 0x80000000 : 0;
}

/** Writes a store's result of `size` bytes (2, 4, 8 or 10) at `a`. */
function writeResult(c: Parameters<Handler>[0], a: number, size: number, lo: number, hi: number, se: number): void {
  if (size === 10) writeM80(c, a, lo, hi, se);
  else if (size === 8) c.mmu.write64(a, lo | 0, hi | 0);
  else if (size === 4) c.mmu.write32(a, lo | 0);
  else c.mmu.write16(a, lo & 0xffff);
}

/** FST/FSTP m32/m64/m80/ST(i), FIST(P), FISTTP, FBSTP: param kind | STORE_POP. */
export const x87Store: Handler = (c, i) => {
  x87Wait(c);
  const x = c.x87, kind = i.param & 0xf, pop = (i.param & STORE_POP) !== 0;
  if (kind === X87_REG) {
    recordInstruction(c, i);
    const sti = i.modrm & 7;
    if (i.param & STORE_RAW) {
      // FSTP1 (D9 D8+i): ST(0) and its tag copied to ST(i), then a pop (host-checked on AMD; FSTP8
      // and FSTP9 behave as FSTP). With ST(0) empty there is no underflow and ST(i), bits and tag,
      // stays as it was: only C1 = 0 and the pop (host-checked).
      const p = x.phys(0), q = x.phys(sti);
      x.sw &= ~FSW_C1;
      if (!x.empty(0)) {
        x.lo[q] = x.lo[p]!; x.hi[q] = x.hi[p]!; x.se[q] = x.se[p]!;
        x.valid |= 1 << q;
      }
      x.written = true;
      x.pop();
      return;
    }
    if (x.empty(0)) {
      if (stackFault(x, false)) { setIndefinite(x, sti); if (pop) x.pop(); }
      return;
    }
    x.sw &= ~FSW_C1;
    const p = x.phys(0);
    x.set(sti, x.lo[p]!, x.hi[p]!, x.se[p]!);
    if (pop) x.pop();
    return;
  }
  const size = i.memSize, a = x87Address(c, i);
  c.mmu.probeWrite(a, size);
  recordInstruction(c, i);
  recordData(c, i, a);
  const r = x.res;
  if (x.empty(0)) {
    if (!stackFault(x, false)) return;
    indefinite(kind, size, r);
    writeResult(c, a, size, r.lo, r.hi, r.se);
    if (pop) x.pop();
    return;
  }
  const p = x.phys(0), lo = x.lo[p]!, hi = x.hi[p]!, se = x.se[p]!;
  const env = fpEnv(x);
  if (size === 10 && kind === X87_FLOAT) { env.last = 0; env.c1 = 0; r.lo = lo; r.hi = hi; r.se = se; }
  else if (kind === X87_BCD) f80ToBcd(lo, hi, se, env, r);
  else if (kind === X87_FLOAT && size === 4) { r.lo = f80ToF32(lo, hi, se, env, r); r.hi = 0; }
  else if (kind === X87_FLOAT) f80ToF64(lo, hi, se, env, r);
  else f80ToInt(lo, hi, se, size * 8, kind === X87_TRUNC, env, r);
  const flags = env.last;
  // a memory destination takes no result with IE, DE, ZE, OE or UE unmasked (§8.5.4, §8.5.5)
  const unmasked = flags & ~x.cw & FCW_MASKS;
  applyFlags(x, flags, env.c1);
  if (unmasked & (FSW_IE | FSW_DE | FSW_ZE | FSW_OE | FSW_UE)) return;
  writeResult(c, a, size, r.lo, r.hi, r.se);
  if (pop) x.pop();
};

/** FLD1, FLDL2T, FLDL2E, FLDPI, FLDLG2, FLDLN2, FLDZ (param 0..6). */
const CONSTANTS: readonly (readonly [number, number, number, number])[] = [
  // significand hi, lo, sign/exponent, and how rounding adjusts the 64-bit value rounded to
  // nearest: +1 when RC = up rounds it up (the exact value lies above), -1 when RC = down or
  // toward zero rounds it down (it lies below); SDM Vol. 1 §8.3.8 and the constants' binary
  // expansions: log2(10) = D49A784B CD1B8AFE 49…, log2(e) = B8AA3B29 5C17F0BB BE…,
  // pi = C90FDAA2 2168C234 C4…, log10(2) = 9A209A84 FBCFF798 8F…, ln(2) = B17217F7 D1CF79AB C9…
  [0x80000000, 0x00000000, 0x3fff, 0],
  [0xd49a784b, 0xcd1b8afe, 0x4000, 1],
  [0xb8aa3b29, 0x5c17f0bc, 0x3fff, -1],
  [0xc90fdaa2, 0x2168c235, 0x4000, -1],
  [0x9a209a84, 0xfbcff799, 0x3ffd, -1],
  [0xb17217f7, 0xd1cf79ac, 0x3ffe, -1],
  [0, 0, 0, 0],
];

export const x87Const: Handler = (c, i) => {
  x87Wait(c);
  recordInstruction(c, i);
  const x = c.x87, [hi, lo, se, adjust] = CONSTANTS[i.param]!;
  const rc = (x.cw >> 10) & 3;
  let l = lo;
  if (adjust > 0 && rc === 2) l = lo + 1;
  else if (adjust < 0 && (rc === 1 || rc === 3)) l = lo - 1; // no carry or borrow crosses the low dword for these values
  x.sw &= ~FSW_C1;
  pushValue(x, l >>> 0, hi, se);
};

/** FCMOVcc ST(0), ST(i): param = the condition code (SDM Vol. 2A FCMOVcc). */
export const fcmov: Handler = (c, i) => {
  x87Wait(c);
  recordInstruction(c, i);
  const x = c.x87, sti = i.modrm & 7;
  if (x.empty(0) || x.empty(sti)) {
    if (stackFault(x, false)) setIndefinite(x, 0);
    return;
  }
  // C1 is left as it was (host-checked)
  if (!condition(c, i.param)) return;
  const p = x.phys(sti);
  x.set(0, x.lo[p]!, x.hi[p]!, x.se[p]!);
};

/** FXCH, FINCSTP, FDECSTP, FFREE, FFREEP, FNOP (param S_*). */
export const x87Stack: Handler = (c, i) => {
  x87Wait(c);
  recordInstruction(c, i);
  const x = c.x87, sti = i.modrm & 7;
  switch (i.param) {
    case S_FXCH: {
      if (x.empty(0) || x.empty(sti)) {
        if (!stackFault(x, false)) return;
        if (x.empty(0)) setIndefinite(x, 0);
        if (x.empty(sti)) setIndefinite(x, sti);
      } else x.sw &= ~FSW_C1;
      const p = x.phys(0), q = x.phys(sti);
      const lo = x.lo[p]!, hi = x.hi[p]!, se = x.se[p]!;
      x.set(0, x.lo[q]!, x.hi[q]!, x.se[q]!);
      x.set(sti, lo, hi, se);
      return;
    }
    case S_INCSTP: x.sw &= ~FSW_C1; x.top = (x.top + 1) & 7; return;
    case S_DECSTP: x.sw &= ~FSW_C1; x.top = (x.top - 1) & 7; return;
    // FFREE and FFREEP clear C1 (host-checked; the SDM leaves C0-C3 undefined)
    case S_FREE: x.sw &= ~FSW_C1; x.valid &= ~(1 << x.phys(sti)); return;
    case S_FREEP: x.sw &= ~FSW_C1; x.valid &= ~(1 << x.phys(sti)); x.pop(); return;
    default: return; // FNOP
  }
};
