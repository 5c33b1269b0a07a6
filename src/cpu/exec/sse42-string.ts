// SSE4.2 string compares PCMPESTRI, PCMPESTRM, PCMPISTRI, PCMPISTRM (SDM Vol. 2
// §4.1 "Imm8 control byte operation"): imm8[1:0] the element format (unsigned
// / signed bytes or words), [3:2] the aggregation (equal any, ranges, equal
// each, equal ordered), [5:4] the polarity, [6] the output (least / most
// significant index in ECX; bit mask / element mask in XMM0). Lengths are
// explicit (|EAX|, |EDX|, RAX/RDX with REX.W, saturated) or implicit (up to
// the first zero element). Flags: CF = result ≠ 0, ZF/SF = the second/first
// operand is shorter than a register, OF = result bit 0, AF = PF = 0.
import { CF, ZF, SF, OF, PF, AF } from '../../arch/rflags.js';
import { RAX, RCX, RDX } from '../../arch/registers.js';
import type { ExecContext, Handler } from '../context.js';
import { arithFlags, setArithFlags } from '../lazy-flags.js';
import { sourceSlot } from '../sse-operands.js';
import type { RowBinder } from './binding.js';

const EQUAL_ANY = 0, RANGES = 1, EQUAL_EACH = 2, EQUAL_ORDERED = 3;

/** Element e of slot s in format imm8[1:0]. */
function element(c: ExecContext, s: number, e: number, fmt: number): number {
  const x = c.xmm;
  switch (fmt) {
    case 0: return x.u8[s * 32 + e]!;
    case 1: return x.u16[s * 16 + e]!;
    case 2: return x.i8[s * 32 + e]!;
    default: return x.i16[s * 16 + e]!;
  }
}

/** |register| saturated to n (the explicit length; REX.W reads 64 bits). */
function explicitLength(c: ExecContext, r: number, wide: boolean, n: number): number {
  const lo = c.regLo[r]!;
  if (!wide) return Math.min(Math.abs(lo), n);
  const hi = c.regHi[r]!;
  if (hi === 0) return Math.min(lo >>> 0, n);
  if (hi === -1) return Math.min(4294967296 - (lo >>> 0), n); // a negative value within 32 bits of magnitude
  return n;
}

function implicitLength(c: ExecContext, s: number, fmt: number, n: number): number {
  for (let e = 0; e < n; e++) if (element(c, s, e, fmt) === 0) return e;
  return n;
}

/** The result IntRes2 (a bit per element) of the comparison of slots a (xmm1) and b (xmm2/m128). */
function compare(c: ExecContext, a: number, la: number, b: number, lb: number, imm: number, n: number): number {
  const fmt = imm & 3, agg = (imm >> 2) & 3, pol = (imm >> 4) & 3;
  // BoolRes[j][i]: xmm2 element j against xmm1 element i, with the overrides for invalid elements (SDM Table 4-7).
  const bool = (j: number, i: number): boolean => {
    const va = i < la, vb = j < lb;
    if (!va || !vb) {
      if (agg === EQUAL_EACH) return !va && !vb;
      if (agg === EQUAL_ORDERED) return !va;
      return false;
    }
    const x = element(c, a, i, fmt), y = element(c, b, j, fmt);
    if (agg === RANGES) return (i & 1) ? y <= x : y >= x;
    return x === y;
  };
  let r = 0;
  for (let j = 0; j < n; j++) {
    let bit = false;
    switch (agg) {
      case EQUAL_ANY: for (let i = 0; i < n && !bit; i++) bit = bool(j, i); break;
      case RANGES: for (let i = 0; i < n && !bit; i += 2) bit = bool(j, i) && bool(j, i + 1); break;
      case EQUAL_EACH: bit = bool(j, j); break;
      default: {
        bit = true;
        for (let i = 0, k = j; i < n - j && bit; i++, k++) bit = bool(k, i);
      }
    }
    if (bit) r |= 1 << j;
  }
  const all = (1 << n) - 1;
  if (pol === 1) r = ~r & all;
  else if (pol === 3) r = (r ^ ((1 << lb) - 1)) & all; // masked negative: only the valid elements of xmm2/m128
  return r;
}

/** param: bit 0 = explicit lengths (E), bit 1 = mask output (M). */
export const bindPcmpstr: RowBinder = (row) => {
  const explicit = (row.param & 1) !== 0, mask = (row.param & 2) !== 0;
  const h: Handler = (c, i) => {
    const s = sourceSlot(c, i), a = i.reg, imm = i.imm & 0xff;
    const n = imm & 1 ? 8 : 16, fmt = imm & 3, wide = (i.rex & 8) !== 0;
    const la = explicit ? explicitLength(c, RAX, wide, n) : implicitLength(c, a, fmt, n);
    const lb = explicit ? explicitLength(c, RDX, wide, n) : implicitLength(c, s, fmt, n);
    const r = compare(c, a, la, s, lb, imm, n);
    if (mask) {
      const x = c.xmm;
      if (imm & 0x40) {
        for (let e = 0; e < n; e++) {
          if (n === 16) x.u8[e] = r & (1 << e) ? 0xff : 0; else x.u16[e] = r & (1 << e) ? 0xffff : 0;
        }
      } else { x.u32[0] = r; x.u32[1] = 0; x.u32[2] = 0; x.u32[3] = 0; }
    } else {
      const index = r === 0 ? n : imm & 0x40 ? 31 - Math.clz32(r) : 31 - Math.clz32(r & -r);
      c.setReg(4, RCX, index, 0);
    }
    const f = arithFlags(c) & ~(CF | ZF | SF | OF | PF | AF);
    setArithFlags(c, f | (r ? CF : 0) | (lb < n ? ZF : 0) | (la < n ? SF : 0) | (r & 1 ? OF : 0));
  };
  return () => h;
};
