// LAR, LSL, VERR, VERW in IA-32e mode (SDM Vol. 2A LAR/LSL, Vol. 2B VERR/VERW;
// APM Vol. 3): look a selector's descriptor up without loading it. A selector
// that fails a check only clears ZF (the destination keeps its value); the
// table read itself can fault (#PF), and so can the memory source operand.
// The P bit is not checked (SDM: none of the four tests it).
import { ZF } from '../../arch/rflags.js';
import {
  ATTR_S, ATTR_TYPE, ATTR_G, TYPE_CODE, TYPE_EC, TYPE_RW, SYS_LDT, SYS_TSS64_AVAIL, SYS_TSS64_BUSY, SYS_CALL_GATE, dplOf,
} from '../../arch/descriptors.js';
import { ACC_READ_SUP } from '../../mmu/mmu.js';
import type { ExecContext, Handler } from '../context.js';
import { loadOperand } from '../operands.js';
import { setArithFlags } from '../lazy-flags.js';

/** The raw descriptor dwords of the last lookup. */
let rawLo = 0, rawHi = 0;

/**
 * Reads the descriptor of `sel` into rawLo/rawHi; false for a null selector or
 * one beyond the GDT/LDT limit (SDM: ZF := 0, no fault).
 */
function lookup(c: ExecContext, sel: number): boolean {
  const ldt = (sel & 4) !== 0;
  if (!ldt && (sel & ~3) === 0) return false;
  const index = sel & ~7;
  if (index + 7 > (ldt ? c.ldtrLimit : c.gdtrLimit)) return false;
  const addr = (ldt ? c.ldtrBase : c.gdtrBase) + index;
  rawLo = c.mmu.readWith(addr, 4, ACC_READ_SUP);
  rawHi = c.mmu.readWith(addr + 4, 4, ACC_READ_SUP);
  return true;
}

/** The privilege rule of all four: a conforming code segment passes; anything else needs DPL >= CPL and DPL >= RPL. */
function visible(c: ExecContext, sel: number, attr: number): boolean {
  const conformingCode = (attr & (ATTR_S | TYPE_CODE | TYPE_EC)) === (ATTR_S | TYPE_CODE | TYPE_EC);
  const dpl = dplOf(attr);
  return conformingCode || (dpl >= c.cpl && dpl >= (sel & 3));
}

function setZf(c: ExecContext, z: boolean): void {
  const f = c.getRflags();
  setArithFlags(c, z ? f | ZF : f & ~ZF);
}

/** The selector operand (operand `k`, a 16-bit register or memory word). */
function selectorOperand(c: ExecContext, k: number, i: Parameters<Handler>[1]): number {
  loadOperand(c, i, k);
  return c.ops.lo[k]! & 0xffff;
}

/** System types LAR accepts in IA-32e mode: LDT, 64-bit TSS (available, busy), 64-bit call gate (SDM LAR Table 3-54). */
const LAR_SYSTEM = (1 << SYS_LDT) | (1 << SYS_TSS64_AVAIL) | (1 << SYS_TSS64_BUSY) | (1 << SYS_CALL_GATE);
/** LSL: the same without the call gate (a gate has no limit; SDM LSL Table 3-60). */
const LSL_SYSTEM = (1 << SYS_LDT) | (1 << SYS_TSS64_AVAIL) | (1 << SYS_TSS64_BUSY);

/** Looks `sel` up for LAR/LSL: the attribute word, or -1 when ZF must be cleared. */
function accessible(c: ExecContext, sel: number, systemTypes: number): number {
  if (!lookup(c, sel)) return -1;
  const attr = (rawHi >>> 8) & 0xf0ff;
  if ((attr & ATTR_S) === 0 && ((systemTypes >> (attr & ATTR_TYPE)) & 1) === 0) return -1;
  return visible(c, sel, attr) ? attr : -1;
}

/**
 * LAR: the access rights, the descriptor's second dword AND 00FFFF00H (bits
 * 19:16, "x" in the SDM's 00FxFF00H, hold the limit's bits 19:16 as measured
 * on AMD); 0000FF00H for a 16-bit operand; zero-extended to 64 bits.
 */
export const lar: Handler = (c, i) => {
  const sel = selectorOperand(c, 1, i);
  const ok = accessible(c, sel, LAR_SYSTEM) >= 0;
  if (ok) c.setReg(i.opSize, i.reg, rawHi & (i.opSize === 2 ? 0xff00 : 0x00ffff00), 0);
  setZf(c, ok);
};

/** LSL: the segment limit in bytes (scaled by G), its low 16 bits for a 16-bit operand; zero-extended. */
export const lsl: Handler = (c, i) => {
  const sel = selectorOperand(c, 1, i);
  const attr = accessible(c, sel, LSL_SYSTEM);
  if (attr >= 0) {
    let limit = (rawLo & 0xffff) | (rawHi & 0xf0000);
    if (attr & ATTR_G) limit = ((limit << 12) | 0xfff) >>> 0;
    c.setReg(i.opSize, i.reg, limit | 0, 0);
  }
  setZf(c, attr >= 0);
};

/**
 * VERR (param 0) / VERW (param 1): ZF = 1 when the segment is readable
 * (data, or readable code) / writable (writable data) at CPL with the
 * selector's RPL; system segments never are (SDM VERR/VERW Operation).
 */
export const verify: Handler = (c, i) => {
  const sel = selectorOperand(c, 0, i);
  let ok = false;
  if (lookup(c, sel)) {
    const attr = (rawHi >>> 8) & 0xf0ff;
    const code = (attr & TYPE_CODE) !== 0, rw = (attr & TYPE_RW) !== 0;
    const usable = i.param === 0 ? !code || rw : !code && rw;
    ok = (attr & ATTR_S) !== 0 && usable && visible(c, sel, attr);
  }
  setZf(c, ok);
};
