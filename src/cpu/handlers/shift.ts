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
import type { Cpu } from '../cpu.js';
import type { Handler, Insn } from '../insn.js';
import { CF, AF, OF } from '../flags.js';


const ROL = 0, ROR = 1, RCL = 2, RCR = 3, SHL = 4, SHR = 5, SAL = 6, SAR = 7;

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
 * dword of the result; for size 8 the high dword is in cpu.hi.
 */
export function shiftOp(cpu: Cpu, op: number, size: number, a: number, ah: number, cnt: number): number {
  if (size === 8) return shiftOp64(cpu, op, a, ah, cnt);
  const w = size * 8;
  const sh = 32 - w; // moves bit w-1 to bit 31
  const mask = size === 4 ? -1 : (1 << w) - 1;
  const ua = a & mask;
  let r: number, cf: number;
  switch (op) {
    case ROL: {
      const n = cnt & (w - 1);
      r = n === 0 ? ua : ((ua << n) | (ua >>> (w - n))) & mask;
      cf = r & 1;
      cpu.fAux = (cpu.fAux & AF) | cf | ((((r << sh) >>> 31) ^ cf) ? OF : 0);
      return r;
    }
    case ROR: {
      const n = cnt & (w - 1);
      r = n === 0 ? ua : ((ua >>> n) | (ua << (w - n))) & mask;
      cf = (r << sh) >>> 31;
      cpu.fAux = (cpu.fAux & AF) | cf | ((((r << sh) ^ (r << (sh + 1))) < 0) ? OF : 0);
      return r;
    }
    case RCL: {
      const n = w === 32 ? cnt : cnt % (w + 1);
      const c = cpu.fAux & CF;
      if (n === 0) { r = ua; cf = c; }
      else if (w === 32) {
        r = (a << n) | (c << (n - 1)) | (n === 1 ? 0 : a >>> (33 - n));
        cf = (a >>> (32 - n)) & 1;
      } else {
        // The (w+1)-bit value CF:dest fits in 17 bits.
        const v = (c << w) | ua, m = (1 << (w + 1)) - 1;
        const t = ((v << n) | (v >>> (w + 1 - n))) & m;
        r = t & mask; cf = t >>> w;
      }
      cpu.fAux = (cpu.fAux & AF) | cf | ((((r << sh) >>> 31) ^ cf) ? OF : 0);
      return r;
    }
    case RCR: {
      const n = w === 32 ? cnt : cnt % (w + 1);
      const c = cpu.fAux & CF;
      if (n === 0) { r = ua; cf = c; }
      else if (w === 32) {
        r = (a >>> n) | (c << (32 - n)) | (n === 1 ? 0 : a << (33 - n));
        cf = (a >>> (n - 1)) & 1;
      } else {
        const v = (c << w) | ua, m = (1 << (w + 1)) - 1;
        const t = ((v >>> n) | (v << (w + 1 - n))) & m;
        r = t & mask; cf = t >>> w;
      }
      cpu.fAux = (cpu.fAux & AF) | cf | ((((r << sh) ^ (r << (sh + 1))) < 0) ? OF : 0);
      return r;
    }
    case SHL: case SAL: {
      r = (ua << cnt) & mask;
      cf = cnt <= w ? (ua >>> (w - cnt)) & 1 : 0;
      cpu.fAux = cf | AF | ((((r << sh) >>> 31) ^ cf) ? OF : 0);
      break;
    }
    case SHR: {
      r = ua >>> cnt; // cnt <= 31
      cf = (ua >>> (cnt - 1)) & 1;
      cpu.fAux = cf | AF | ((((r << sh) ^ (r << (sh + 1))) < 0) ? OF : 0);
      break;
    }
    default: { // SAR
      const sa = (a << sh) >> sh;
      r = (sa >> cnt) & mask;
      cf = (sa >> (cnt - 1)) & 1;
      cpu.fAux = cf | AF;
    }
  }
  cpu.setResultFlags(size, r, 0);
  return r;
}

function shiftOp64(cpu: Cpu, op: number, a: number, ah: number, cnt: number): number {
  let r: number, h: number, cf: number;
  switch (op) {
    case ROL: case ROR: {
      const n = op === ROL ? cnt : 64 - cnt;
      const l1 = shl64(a, ah, n), h1 = rHi;
      const l2 = shr64(a, ah, 64 - n);
      r = l1 | l2; h = h1 | rHi;
      cf = op === ROL ? r & 1 : h >>> 31;
      const of = op === ROL ? (h >>> 31) ^ cf : ((h ^ (h << 1)) >>> 31);
      cpu.fAux = (cpu.fAux & AF) | cf | (of ? OF : 0);
      cpu.hi = h;
      return r;
    }
    case RCL: {
      // 65-bit rotate of CF:dest: (x << n) | (CF << (n-1)) | (x >>> (65-n)).
      const c = cpu.fAux & CF;
      r = shl64(a, ah, cnt); h = rHi;
      const l2 = shr64(a, ah, 65 - cnt);
      r |= l2; h |= rHi;
      if (cnt - 1 < 32) r |= c << (cnt - 1); else h |= c << (cnt - 33);
      cf = bit64(a, ah, 64 - cnt);
      cpu.fAux = (cpu.fAux & AF) | cf | (((h >>> 31) ^ cf) ? OF : 0);
      cpu.hi = h;
      return r;
    }
    case RCR: {
      // (x >>> n) | (CF << (64-n)) | (x << (65-n)).
      const c = cpu.fAux & CF;
      r = shr64(a, ah, cnt); h = rHi;
      if (cnt > 1) { const l2 = shl64(a, ah, 65 - cnt); r |= l2; h |= rHi; }
      const cb = 64 - cnt;
      if (cb < 32) r |= c << cb; else h |= c << (cb - 32);
      cf = bit64(a, ah, cnt - 1);
      cpu.fAux = (cpu.fAux & AF) | cf | (((h ^ (h << 1)) < 0) ? OF : 0);
      cpu.hi = h;
      return r;
    }
    case SHL: case SAL:
      r = shl64(a, ah, cnt); h = rHi;
      cf = bit64(a, ah, 64 - cnt);
      cpu.fAux = cf | AF | (((h >>> 31) ^ cf) ? OF : 0);
      break;
    case SHR:
      r = shr64(a, ah, cnt); h = rHi;
      cf = bit64(a, ah, cnt - 1);
      cpu.fAux = cf | AF | (((h ^ (h << 1)) < 0) ? OF : 0);
      break;
    default: { // SAR
      const s = ah >> 31;
      if (cnt < 32) { r = (a >>> cnt) | (ah << (32 - cnt)); h = ah >> cnt; }
      else { r = ah >> (cnt - 32); h = s; }
      cf = bit64(a, ah, cnt - 1);
      cpu.fAux = cf | AF;
    }
  }
  cpu.fZ = r | h; cpu.fS = h; cpu.fP = r;
  cpu.hi = h;
  return r;
}

/** Group 2: ModRM.reg selects rol ror rcl rcr shl shr sal sar; count = 1, CL or imm8. */
export const shiftGroup = (byte: boolean, count: 'one' | 'cl' | 'imm'): Handler => (cpu, i) => {
  const s = byte ? 1 : i.opSize;
  const raw = count === 'one' ? 1 : count === 'cl' ? cpu.regLo[1]! : i.imm;
  const cnt = raw & (s === 8 ? 63 : 31);
  const a = cpu.readModifyE(i, s), ah = cpu.hi;
  if (cnt === 0) {
    // No flags, no memory write; a 32-bit register is still written (zero-extended).
    if (s === 4 && !i.isMem) cpu.setReg(4, i.rm, a, 0);
    return;
  }
  const r = shiftOp(cpu, (i.modrm >> 3) & 7, s, a, ah, cnt);
  cpu.writeBackE(i, s, r, cpu.hi);
};

/** Sets the SHLD/SHRD flags: CF, AF = 1, OF, and ZF/SF/PF from the result. */
function dshFlags(cpu: Cpu, size: number, r: number, h: number, cf: number, of: number): void {
  cpu.fAux = cf | AF | (of ? OF : 0);
  cpu.setResultFlags(size, r, h);
}

/** SHLD/SHRD operands (module scratch: no allocation per instruction). */
let dA = 0, dAh = 0, dB = 0, dBh = 0;

/**
 * Reads the SHLD/SHRD operands into dA/dAh (destination) and dB/dBh (source)
 * and returns the masked count. A count of 0 changes nothing but still
 * zero-extends a 32-bit register destination (checked on hardware).
 */
function doubleShiftOperands(cpu: Cpu, i: Insn, countCl: boolean): number {
  const s = i.opSize;
  const cnt = (countCl ? cpu.regLo[1]! : i.imm) & (s === 8 ? 63 : 31);
  dA = cpu.readModifyE(i, s); dAh = cpu.hi;
  dB = cpu.getReg(s, i.reg); dBh = cpu.hi;
  if (cnt === 0 && s === 4 && !i.isMem) cpu.setReg(4, i.rm, dA, 0);
  return cnt;
}

/** SHLD Ev, Gv, imm8/CL: dest shifted left, vacated bits filled from the top of src. */
export const shld = (countCl: boolean): Handler => (cpu, i) => {
  const s = i.opSize;
  const cnt = doubleShiftOperands(cpu, i, countCl);
  if (cnt === 0) return;
  const a = dA, ah = dAh, b = dB, bh = dBh;
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
  dshFlags(cpu, s, r, h, cf, of);
  cpu.writeBackE(i, s, r, h);
};

/** SHRD Ev, Gv, imm8/CL: dest shifted right, vacated bits filled from the bottom of src. */
export const shrd = (countCl: boolean): Handler => (cpu, i) => {
  const s = i.opSize;
  const cnt = doubleShiftOperands(cpu, i, countCl);
  if (cnt === 0) return;
  const a = dA, ah = dAh, b = dB, bh = dBh;
  let r: number, h = 0, cf: number, of: number;
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
    of = ((r >>> 15) ^ (r >>> 14)) & 1;
  } else if (s === 4) {
    r = (a >>> cnt) | (b << (32 - cnt));
    cf = (a >>> (cnt - 1)) & 1;
    of = ((r >>> 31) ^ (r >>> 30)) & 1;
  } else {
    r = shr64(a, ah, cnt); h = rHi;
    r |= shl64(b, bh, 64 - cnt); h |= rHi;
    cf = bit64(a, ah, cnt - 1);
    of = ((h >>> 31) ^ (h >>> 30)) & 1;
  }
  dshFlags(cpu, s, r, h, cf, of);
  cpu.writeBackE(i, s, r, h);
};
