// SSE/SSE2 data movement (SDM Vol. 2 entries): MOVAPS … MOVDQU and MOVNT*,
// MOVSS/MOVSD, the half moves, MOVD/MOVQ, MOVMSKPS/PD, PMOVMSKB, PINSRW,
// PEXTRW, MASKMOVDQU, LDMXCSR and STMXCSR. Operands are vector-register slots
// (vector-registers.ts) and go through the SSE operand stage (sse-operands.ts).
import { Vector } from '../../arch/vectors.js';
import { MXCSR_MASK } from '../../arch/mxcsr.js';
import type { ExecContext, Handler } from '../context.js';
import type { Insn } from '../../isa/insn.js';
import { effectiveAddress, loadOperand, storeOperand } from '../operands.js';
import { copySlot, readVec, sourceSlot, vecAddress, writeVec } from '../sse-operands.js';
import { XMM_TMP } from '../vector-registers.js';
import { heldReadableAt, heldWritableAt, isHeldAddressable } from '../held-operand.js';
import { Attr } from '../../isa/table.js';
import { RDI } from '../../arch/registers.js';
import { strAddr } from './string-addressing.js';
import type { RowBinder } from './binding.js';

/** 16 bytes from W to V (operand 0 is V) or from V to W. */
export const movVec: Handler = (c, i) => {
  if (i.row.operands[0]!.kind === 'V') { copySlot(c, i.reg, sourceSlot(c, i)); return; }
  if (i.isMem) writeVec(c, vecAddress(c, i), 16, i.reg);
  else copySlot(c, i.rm, i.reg);
};

// movVec's loads and stores within one page, through the instruction's copy of the page's TLB
// entry (mmu.ts AccessCache): all 16 bytes directly when it lets the access use RAM; else two
// 8-byte accesses, of which the first faults if any does (one page), so a fault leaves nothing
// read or written; a #PF the accessor defers (mmu.ts deferCached) returns before anything
// changes. Across a page: movVec's operand stage.
const PAGE_LAST_16 = 4096 - 16;
/** XMM slot `reg`'s 16 bytes from (into) `v` at `at`, dword by dword (a copy of a TLB entry's page). */
const lanesIn = (c: ExecContext, reg: number, v: DataView, at: number): void => {
  const x = c.xmm.i32, d = reg * 8;
  x[d] = v.getInt32(at, true); x[d + 1] = v.getInt32(at + 4, true); x[d + 2] = v.getInt32(at + 8, true); x[d + 3] = v.getInt32(at + 12, true);
};
const lanesOut = (c: ExecContext, reg: number, v: DataView, at: number): void => {
  const x = c.xmm.i32, d = reg * 8;
  v.setInt32(at, x[d]!, true); v.setInt32(at + 4, x[d + 1]!, true); v.setInt32(at + 8, x[d + 2]!, true); v.setInt32(at + 12, x[d + 3]!, true);
};
const loadVec16: Handler = (c, i) => {
  const a = vecAddress(c, i);
  if ((a & 4095) > PAGE_LAST_16) { movVec(c, i); return; } // & 4095: the page offset, of a negative address too
  const m = c.mmu, at = m.readableAt(i, a, 16);
  if (at >= 0) { lanesIn(c, i.reg, i.cacheView, at); return; }
  const x = c.xmm.i32, d = i.reg * 8;
  const lo0 = m.read64Cached(i, a), hi0 = m.hi;
  if (m.faultDeferred) return;
  const lo1 = m.read64Cached(i, a + 8), hi1 = m.hi;
  if (m.faultDeferred) return;
  x[d] = lo0; x[d + 1] = hi0; x[d + 2] = lo1; x[d + 3] = hi1;
};
const storeVec16: Handler = (c, i) => {
  const a = vecAddress(c, i);
  if ((a & 4095) > PAGE_LAST_16) { movVec(c, i); return; }
  const m = c.mmu, at = m.writableAt(i, a, 16);
  if (at >= 0) { lanesOut(c, i.reg, i.cacheView, at); return; }
  const x = c.xmm.i32, d = i.reg * 8;
  m.write64Cached(i, a, x[d]!, x[d + 1]!);
  if (m.faultDeferred) return;
  m.write64Cached(i, a + 8, x[d + 2]!, x[d + 3]!);
};
// The same for an operand the instruction's copy holds, found on the address registers' halves
// (held-operand.ts). For an aligned move (A16, known from the row when binding) one misaligned goes
// the way above, to its #GP.
const aligned16 = (i: Insn, at: number): boolean => ((at - i.cacheFrame) & 15) === 0;
const heldVec16 = (load: boolean, a16: boolean): Handler => load
  ? (c, i) => {
    const at = heldReadableAt(c, i, 16);
    if (at < 0 || (a16 && !aligned16(i, at))) loadVec16(c, i);
    else lanesIn(c, i.reg, i.cacheView, at);
  }
  : (c, i) => {
    const at = heldWritableAt(c, i, 16);
    if (at < 0 || (a16 && !aligned16(i, at))) storeVec16(c, i);
    else lanesOut(c, i.reg, i.cacheView, at);
  };
/** By direction (load, store) and alignment (A16 or not). */
const HELD_VEC16 = [[heldVec16(true, true), heldVec16(true, false)], [heldVec16(false, true), heldVec16(false, false)]] as const;
export const bindMovVec: RowBinder = (row) => {
  const load = row.operands[0]!.kind === 'V';
  const held = HELD_VEC16[load ? 0 : 1][(row.attrs & Attr.A16) !== 0 ? 0 : 1];
  return (i, specialise) => {
    if (!specialise || !i.isMem) return movVec;
    return isHeldAddressable(i) ? held : load ? loadVec16 : storeVec16;
  };
};

/**
 * MOVSS/MOVSD (param: 4 or 8 bytes). Register to register: the low element
 * only, the rest of the destination kept; a load zeroes the rest (SDM MOVSS).
 */
export const movScalar: Handler = (c, i) => {
  const x = c.xmm.i32, n = i.param >> 2; // dwords
  if (i.row.operands[0]!.kind === 'V') {
    if (i.isMem) { readVec(c, vecAddress(c, i), i.param, XMM_TMP); copySlot(c, i.reg, XMM_TMP); return; }
    for (let k = 0; k < n; k++) x[i.reg * 8 + k] = x[i.rm * 8 + k]!;
    return;
  }
  if (i.isMem) { writeVec(c, vecAddress(c, i), i.param, i.reg); return; }
  for (let k = 0; k < n; k++) x[i.rm * 8 + k] = x[i.reg * 8 + k]!;
};

/** The half moves: param bit 0 selects the source qword, bit 1 the destination qword. */
export const movHalf: Handler = (c, i) => {
  const x = c.xmm.i32, from = (i.param & 1) * 2, to = (i.param >> 1) * 2;
  if (i.row.operands[0]!.kind === 'V') {
    let s = i.rm;
    if (i.isMem) { readVec(c, vecAddress(c, i), 8, XMM_TMP); s = XMM_TMP; }
    const a = s * 8 + from, v0 = x[a]!, v1 = x[a + 1]!;
    x[i.reg * 8 + to] = v0; x[i.reg * 8 + to + 1] = v1;
    return;
  }
  const a = i.reg * 8 + from;
  c.mmu.write64(vecAddress(c, i), x[a]!, x[a + 1]!);
};

/** MOVD/MOVQ: Ey to the low dword/qword of V (the rest zeroed), or the low dword/qword of V to Ey. */
export const movGprXmm: Handler = (c, i) => {
  const x = c.xmm.i32, v = c.ops;
  if (i.row.operands[0]!.kind === 'V') {
    loadOperand(c, i, 1);
    const d = i.reg * 8;
    x[d] = v.lo[1]!; x[d + 1] = i.opSize === 8 ? v.hi[1]! : 0; x[d + 2] = 0; x[d + 3] = 0;
    return;
  }
  v.lo[0] = x[i.reg * 8]!; v.hi[0] = i.opSize === 8 ? x[i.reg * 8 + 1]! : 0;
  storeOperand(c, i, 0);
};

/** MOVQ xmm, xmm/m64 (F3 0F 7E) and MOVQ xmm/m64, xmm (66 0F D6): a register destination gets the low qword and zeroes the rest. */
export const movqXmm: Handler = (c, i) => {
  const x = c.xmm.i32;
  if (i.row.operands[0]!.kind === 'W' && i.isMem) { writeVec(c, vecAddress(c, i), 8, i.reg); return; }
  let d: number, s: number;
  if (i.row.operands[0]!.kind === 'V') { d = i.reg; s = i.isMem ? (readVec(c, vecAddress(c, i), 8, XMM_TMP), XMM_TMP) : i.rm; }
  else { d = i.rm; s = i.reg; }
  const v0 = x[s * 8]!, v1 = x[s * 8 + 1]!;
  x[d * 8] = v0; x[d * 8 + 1] = v1; x[d * 8 + 2] = 0; x[d * 8 + 3] = 0;
};

/** MOVMSKPS/MOVMSKPD/PMOVMSKB: lane sign bits into the general register (zero-extended). */
export const movmsk: Handler = (c, i) => {
  const u8 = c.xmm.u8, size = i.param, base = i.rm * 32;
  let m = 0;
  for (let k = 0, lanes = 16 / size; k < lanes; k++) m |= (u8[base + k * size + size - 1]! >> 7) << k;
  c.regLo[i.reg] = m; c.regHi[i.reg] = 0;
};

/** PINSRW: the low word of r32/m16 into word imm8[2:0] of V. */
export const pinsrw: Handler = (c, i) => {
  const w = i.isMem ? c.mmu.read16(effectiveAddress(c, i)) : c.regLo[i.rm]!;
  c.xmm.u16[i.reg * 16 + (i.imm & 7)] = w;
};

/** PEXTRW: word imm8[2:0] of U, zero-extended into the general register. */
export const pextrw: Handler = (c, i) => {
  c.regLo[i.reg] = c.xmm.u16[i.rm * 16 + (i.imm & 7)]!; c.regHi[i.reg] = 0;
};

/** LDMXCSR m32: #GP(0) if a bit outside MXCSR_MASK is set (SDM LDMXCSR). */
export const ldmxcsr: Handler = (c, i) => {
  const v = c.mmu.read32(effectiveAddress(c, i));
  if ((v & ~MXCSR_MASK) !== 0) c.raise(Vector.GP, 0);
  c.mxcsr = v;
};

export const stmxcsr: Handler = (c, i) => { c.mmu.write32(effectiveAddress(c, i), c.mxcsr); };

/**
 * MASKMOVDQU: the bytes of V (ModRM.reg) whose mask byte in U (ModRM.rm) has
 * its top bit set, to DS:[rDI] (a segment override applies; 67: EDI). All 16
 * bytes are checked for writing first, whatever the mask: the SDM leaves a
 * zero mask's faults implementation-dependent, and an AMD host faults (CR2 of
 * the first faulting byte's page) and writes nothing, as the model does.
 */
export const maskmovdqu: Handler = (c, i) => {
  const a = strAddr(c, RDI, i.addrSize === 4, i.seg, 16);
  c.mmu.probeWrite(a, 16);
  const u8 = c.xmm.u8, data = i.reg * 32, mask = i.rm * 32;
  for (let k = 0; k < 16; k++) if (u8[mask + k]! & 0x80) c.mmu.write8(a + k, u8[data + k]!);
};
