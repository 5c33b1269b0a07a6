// Data movement: MOV (all forms), MOVZX/MOVSX/MOVSXD, LEA, XCHG, BSWAP, MOVBE,
// CMPXCHG/CMPXCHG8B/CMPXCHG16B, XADD, CMOVcc, SETcc, MOV to and from segment
// registers (SDM Vol. 2 entries).
import { ZF } from '../../arch/rflags.js';
import { Vector } from '../../arch/vectors.js';
import { RAX, RDX, RBX, RCX } from '../../arch/registers.js';
import { ALU_ADD, ALU_CMP } from '../../isa/executors.js';
import type { Insn } from '../../isa/insn.js';
import type { ExecContext, Handler } from '../context.js';
import { arithFlags, condition, setArithFlags } from '../lazy-flags.js';
import { addressOffset, effectiveAddress, loadOperand, storeOperand } from '../operands.js';
import { loadSegmentRegister } from '../segmentation.js';
import { heldReadableAt, heldWritableAt, isHeldAddressable } from '../held-operand.js';
import { alu } from './alu.js';
import type { RowBinder } from './binding.js';
import { buildFunction, builtOnDemand } from '../generated.js';

/** MOV: operand 1 to operand 0 (registers, memory, moffs, immediates). */
const movGeneric: Handler = (c, i) => {
  loadOperand(c, i, 1);
  const v = c.ops;
  v.lo[0] = v.lo[1]!; v.hi[0] = v.hi[1]!;
  storeOperand(c, i, 0);
};

// Specialised forms: register to register, 64/32-bit loads and stores, immediates to registers.
const movRegReg64 = (dstIsRm: boolean): Handler => (c, i) => {
  const d = dstIsRm ? i.rm : i.reg, s = dstIsRm ? i.reg : i.rm;
  c.regLo[d] = c.regLo[s]!; c.regHi[d] = c.regHi[s]!;
};
const movRegReg32 = (dstIsRm: boolean): Handler => (c, i) => {
  const d = dstIsRm ? i.rm : i.reg, s = dstIsRm ? i.reg : i.rm;
  c.regLo[d] = c.regLo[s]!; c.regHi[d] = 0;
};
const MOV_RR = [movRegReg64(true), movRegReg64(false), movRegReg32(true), movRegReg32(false)] as const;
// Loads and stores through the instruction's own copy of its page's TLB entry (mmu.ts AccessCache).
// A #PF deferred by the accessor (mmu.ts deferCached) leaves the handler before it changes state.
const load64: Handler = (c, i) => {
  const m = c.mmu, v = m.read64Cached(i, effectiveAddress(c, i));
  if (m.faultDeferred) return;
  c.regLo[i.reg] = v; c.regHi[i.reg] = m.hi;
};
const load32: Handler = (c, i) => {
  const m = c.mmu, v = m.read32Cached(i, effectiveAddress(c, i));
  if (m.faultDeferred) return;
  c.regLo[i.reg] = v; c.regHi[i.reg] = 0;
};
const store64: Handler = (c, i) => { c.mmu.write64Cached(i, effectiveAddress(c, i), c.regLo[i.reg]!, c.regHi[i.reg]!); };
const store32: Handler = (c, i) => { c.mmu.write32Cached(i, effectiveAddress(c, i), c.regLo[i.reg]!); };
const storeImm64: Handler = (c, i) => { c.mmu.write64Cached(i, effectiveAddress(c, i), i.imm, i.immHi); };
const storeImm32: Handler = (c, i) => { c.mmu.write32Cached(i, effectiveAddress(c, i), i.imm); };
// The same for an operand in the page the instruction's copy holds (held-operand.ts): straight from
// the address registers' halves to the bytes; elsewhere (or RIP-relative, FS/GS) as above.
const load64Held: Handler = (c, i) => {
  const at = heldReadableAt(c, i, 8);
  if (at < 0) { load64(c, i); return; }
  const v = i.cacheView;
  c.regLo[i.reg] = v.getInt32(at, true); c.regHi[i.reg] = v.getInt32(at + 4, true);
};
const load32Held: Handler = (c, i) => {
  const at = heldReadableAt(c, i, 4);
  if (at < 0) { load32(c, i); return; }
  c.regLo[i.reg] = i.cacheView.getInt32(at, true); c.regHi[i.reg] = 0;
};
const store64Held: Handler = (c, i) => {
  const at = heldWritableAt(c, i, 8);
  if (at < 0) { store64(c, i); return; }
  const v = i.cacheView;
  v.setInt32(at, c.regLo[i.reg]!, true); v.setInt32(at + 4, c.regHi[i.reg]!, true);
};
const store32Held: Handler = (c, i) => {
  const at = heldWritableAt(c, i, 4);
  if (at < 0) { store32(c, i); return; }
  i.cacheView.setInt32(at, c.regLo[i.reg]!, true);
};
const storeImm64Held: Handler = (c, i) => {
  const at = heldWritableAt(c, i, 8);
  if (at < 0) { storeImm64(c, i); return; }
  const v = i.cacheView;
  v.setInt32(at, i.imm, true); v.setInt32(at + 4, i.immHi, true);
};
const storeImm32Held: Handler = (c, i) => {
  const at = heldWritableAt(c, i, 4);
  if (at < 0) { storeImm32(c, i); return; }
  i.cacheView.setInt32(at, i.imm, true);
};
/** The loads and stores (of a register, of the immediate) by width (64, 32) and addressing (held-operand.ts or not). */
const LOADS = [[load64Held, load64], [load32Held, load32]] as const;
const STORES = [[store64Held, store64], [store32Held, store32]] as const;
const IMM_STORES = [[storeImm64Held, storeImm64], [storeImm32Held, storeImm32]] as const;
const immToReg64: Handler = (c, i) => { c.regLo[i.rm] = i.imm; c.regHi[i.rm] = i.immHi; };
const immToReg32: Handler = (c, i) => { c.regLo[i.rm] = i.imm; c.regHi[i.rm] = 0; };

export const bindMov: RowBinder = (row) => {
  const kinds = row.operands.map((o) => o.kind).join('');
  return (i: Insn, specialise: boolean) => {
    if (!specialise || (i.opSize !== 8 && i.opSize !== 4) || i.size0 === 1) return movGeneric;
    const wide = i.opSize === 8, held = isHeldAddressable(i);
    switch (kinds) {
      case 'EG': return i.isMem ? STORES[wide ? 0 : 1][held ? 0 : 1] : MOV_RR[wide ? 0 : 2];
      case 'GE': return i.isMem ? LOADS[wide ? 0 : 1][held ? 0 : 1] : MOV_RR[wide ? 1 : 3];
      case 'ZI': case 'EI': return i.isMem ? IMM_STORES[wide ? 0 : 1][held ? 0 : 1] : wide ? immToReg64 : immToReg32;
      default: return movGeneric;
    }
  };
};

/** MOVZX G, Eb/Ew: operand 1 is loaded zero-extended. */
const movzx: Handler = (c, i) => {
  loadOperand(c, i, 1);
  c.ops.lo[0] = c.ops.lo[1]!; c.ops.hi[0] = 0;
  storeOperand(c, i, 0);
};

/** MOVSX G, Eb/Ew; MOVSXD G, Ed. */
const movsx: Handler = (c, i) => {
  loadOperand(c, i, 1);
  let v = c.ops.lo[1]!;
  if (i.size1 === 1) v = (v << 24) >> 24;
  else if (i.size1 === 2) v = (v << 16) >> 16;
  c.ops.lo[0] = v; c.ops.hi[0] = v >> 31;
  storeOperand(c, i, 0);
};

/**
 * MOVZX/MOVSX/MOVSXD into a 4- or 8-byte register: the source (1, 2 or 4
 * bytes) read from memory or a register (AH..BH through getReg), extended in
 * one function per form; a 4-byte destination zero-extends. Memory is read
 * through the instruction's copy of its page's TLB entry when it lets the read
 * use RAM — found on the address registers' halves (source 2, held-operand.ts)
 * or by the linear address (1) —, else through the MMU.
 */
const extendForm = builtOnDemand((signed: number, from: number, to: 4 | 8, source: number): Handler => {
  const get = from === 1 ? 'getUint8(at)' : from === 2 ? 'getUint16(at, true)' : 'getInt32(at, true)';
  const locate = `let at = ${source === 2 ? `heldReadableAt(c, i, ${from})` : '-1'};`;
  const load = source === 0 ? '' : `const M = c.mmu; let r = 0; ${locate}
if (at < 0) { const a = effectiveAddress(c, i); at = M.readableAt(i, a, ${from}); if (at < 0) r = M.read${from * 8}(a); }
if (at >= 0) r = i.cacheView.${get};
`;
  const read = source !== 0 ? 'r' : from === 1 ? 'c.getReg(1, i.rm)' : from === 2 ? 'c.regLo[i.rm] & 0xffff' : 'c.regLo[i.rm]';
  const shift = 32 - from * 8;
  const value = !signed || shift === 0 ? (from === 4 ? read : `(${read}) & ${from === 1 ? 0xff : 0xffff}`) : `((${read}) << ${shift}) >> ${shift}`;
  const high = to === 8 && signed ? 'v >> 31' : '0';
  return buildFunction<Handler>(`${signed ? 'movsx' : 'movzx'}${from}to${to}${source === 2 ? 'h' : source === 1 ? 'm' : 'r'}`, ['c', 'i'],
    `${load}const v = ${value}; c.regLo[i.reg] = v; c.regHi[i.reg] = ${high};`, { effectiveAddress, heldReadableAt });
});
const bindExtend = (signed: number): RowBinder => () => (i, specialise) =>
  !specialise || i.size0 < 4 ? (signed ? movsx : movzx) : extendForm(signed, i.size1, i.size0 === 8 ? 8 : 4, !i.isMem ? 0 : isHeldAddressable(i) ? 2 : 1);
export const bindMovzx = bindExtend(0), bindMovsx = bindExtend(1);

/** LEA: the offset of the memory operand (no segment base), truncated to the operand size. */
const leaGeneric: Handler = (c, i) => {
  addressOffset(c, i, c.ops.lo, c.ops.hi, 0);
  storeOperand(c, i, 0);
};
const lea64: Handler = (c, i) => addressOffset(c, i, c.regLo, c.regHi, i.reg);
const lea32: Handler = (c, i) => { addressOffset(c, i, c.regLo, c.regHi, i.reg); c.regHi[i.reg] = 0; };
export const bindLea: RowBinder = () => (i, specialise) => (!specialise ? leaGeneric : i.opSize === 8 ? lea64 : i.opSize === 4 ? lea32 : leaGeneric);

/** XCHG E, G (the memory form is implicitly locked) and XCHG Z, rAX. */
export const xchg: Handler = (c, i) => {
  loadOperand(c, i, 0);
  loadOperand(c, i, 1);
  const v = c.ops;
  const a = v.lo[0]!, ah = v.hi[0]!;
  v.lo[0] = v.lo[1]!; v.hi[0] = v.hi[1]!;
  v.lo[1] = a; v.hi[1] = ah;
  storeOperand(c, i, 0);
  storeOperand(c, i, 1);
};

const swap32 = (v: number) => ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24);
const swap16 = (v: number) => ((v & 0xff) << 8) | ((v >> 8) & 0xff);

export const bswap: Handler = (c, i) => {
  const r = i.rm;
  if (i.opSize === 8) { const lo = c.regLo[r]!, hi = c.regHi[r]!; c.setReg(8, r, swap32(hi), swap32(lo)); }
  else if (i.opSize === 4) c.setReg(4, r, swap32(c.regLo[r]!), 0);
  else c.setReg(2, r, 0, 0); // BSWAP r16 is undefined; AMD zeroes the low word
};

/** MOVBE G, M / M, G (0F 38 F0/F1): a load or store with the bytes swapped. */
export const movbe: Handler = (c, i) => {
  const s = i.opSize;
  const toMemory = i.row.operands[0]!.kind === 'M';
  if (toMemory) {
    const lo = c.regLo[i.reg]!, hi = c.regHi[i.reg]!;
    const a = effectiveAddress(c, i);
    if (s === 2) c.mmu.write16(a, swap16(lo));
    else if (s === 4) c.mmu.write32(a, swap32(lo));
    else c.mmu.write64(a, swap32(hi), swap32(lo));
  } else {
    const a = effectiveAddress(c, i);
    const lo = c.mmu.read(s, a), hi = c.mmu.hi;
    if (s === 2) c.setReg(2, i.reg, swap16(lo), 0);
    else if (s === 4) c.setReg(4, i.reg, swap32(lo), 0);
    else c.setReg(8, i.reg, swap32(hi), swap32(lo));
  }
};

/** CMPXCHG E, G: compare rAX with E; equal → E = G, else rAX = E. The destination is always written. */
export const cmpxchg: Handler = (c, i) => {
  const s = i.size0, v = c.ops;
  loadOperand(c, i, 0);
  const d = v.lo[0]!, dh = v.hi[0]!;
  const a = c.getReg(s, RAX), ah = s === 8 ? c.regHi[RAX]! : 0;
  alu(c, ALU_CMP, s, a, ah, d, dh);
  if (c.fZ === 0) {
    loadOperand(c, i, 1);
    v.lo[0] = v.lo[1]!; v.hi[0] = v.hi[1]!;
    storeOperand(c, i, 0);
  } else {
    v.lo[0] = d; v.hi[0] = dh;
    if (i.isMem) storeOperand(c, i, 0); // the processor writes back the old value (SDM CMPXCHG)
    c.setReg(s, RAX, d, dh);
  }
};

export function setZfOnly(c: ExecContext, zf: boolean): void {
  const f = arithFlags(c);
  setArithFlags(c, zf ? f | ZF : f & ~ZF);
}

/** CMPXCHG8B/16B m64/m128 (REX.W selects 16B: CX16, 16-byte alignment). */
export const cmpxchg8b: Handler = (c, i) => {
  const wide = (i.rex & 8) !== 0;
  if (wide && !c.features.has('cx16')) c.raise(Vector.UD);
  const a = effectiveAddress(c, i);
  const m = c.mmu, L = c.regLo, H = c.regHi;
  if (wide) {
    if (a % 16 !== 0) c.raise(Vector.GP, 0);
    m.probeWrite(a, 16);
    const m0 = m.read64(a), m1 = m.hi, m2 = m.read64(a + 8), m3 = m.hi;
    const eq = m0 === L[RAX] && m1 === H[RAX] && m2 === L[RDX] && m3 === H[RDX];
    if (eq) {
      m.write64(a, L[RBX]!, H[RBX]!);
      m.write64(a + 8, L[RCX]!, H[RCX]!);
    } else {
      m.write64(a, m0, m1);
      m.write64(a + 8, m2, m3);
      c.setReg(8, RAX, m0, m1);
      c.setReg(8, RDX, m2, m3);
    }
    setZfOnly(c, eq);
  } else {
    m.probeWrite(a, 8);
    const lo = m.read64(a), hi = m.hi;
    const eq = lo === L[RAX] && hi === L[RDX];
    if (eq) m.write64(a, L[RBX]!, L[RCX]!);
    else {
      m.write64(a, lo, hi);
      c.setReg(4, RAX, lo, 0);
      c.setReg(4, RDX, hi, 0);
    }
    setZfOnly(c, eq);
  }
};

/** XADD E, G: temp = E + G; G = E; E = temp. */
export const xadd: Handler = (c, i) => {
  const v = c.ops;
  loadOperand(c, i, 0);
  loadOperand(c, i, 1);
  const d = v.lo[0]!, dh = v.hi[0]!;
  alu(c, ALU_ADD, i.size0, d, dh, v.lo[1]!, v.hi[1]!);
  v.lo[1] = d; v.hi[1] = dh;
  storeOperand(c, i, 1);
  storeOperand(c, i, 0);
};

/** CMOVcc G, E (param: cc): the source is always read; a 32-bit destination is zero-extended even when false. */
export const cmov: Handler = (c, i) => {
  loadOperand(c, i, 1);
  if (condition(c, i.param)) {
    c.ops.lo[0] = c.ops.lo[1]!; c.ops.hi[0] = c.ops.hi[1]!;
    storeOperand(c, i, 0);
  } else if (i.size0 === 4) c.regHi[i.reg] = 0;
};

/** SETcc Eb (param: cc). */
export const setcc: Handler = (c, i) => {
  c.ops.lo[0] = condition(c, i.param) ? 1 : 0;
  storeOperand(c, i, 0);
};

/** MOV Sreg, Ew (8E): the decoder already rejected CS and registers beyond GS. */
export const movToSeg: Handler = (c, i) => {
  loadOperand(c, i, 1);
  loadSegmentRegister(c, i.reg & 7, c.ops.lo[1]! & 0xffff);
};

/** MOV Ev, Sreg (8C): a register destination gets the zero-extended selector, memory gets 16 bits. */
export const movFromSeg: Handler = (c, i) => {
  const sel = c.segSel[i.reg & 7]!;
  if (i.isMem) c.mmu.write16(effectiveAddress(c, i), sel);
  else c.setReg(i.opSize, i.rm, sel, 0);
};
