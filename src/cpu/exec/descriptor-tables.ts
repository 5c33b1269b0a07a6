// Descriptor-table instructions: SGDT SIDT LGDT LIDT, SLDT STR LLDT LTR (SDM
// Vol. 2 entries; SDM Vol. 3A §7.2.3 for the 64-bit TSS descriptor). UMIP and
// privilege are checked before these run (legality.ts).
import { Vector } from '../../arch/vectors.js';
import { ATTR_P, ATTR_S, ATTR_TYPE, SYS_LDT, SYS_TSS64_AVAIL } from '../../arch/descriptors.js';
import type { Insn } from '../../isa/insn.js';
import type { ExecContext, Handler } from '../context.js';
import { effectiveAddress, isCanonical, loadOperand } from '../operands.js';
import { Descriptor, readSystemDescriptor, setDescriptorBits } from '../segmentation.js';

const TWO32 = 4294967296;
/** The busy bit of a TSS descriptor's type (available 9 → busy B). */
const TSS_BUSY = 0x2;

/** LGDT/LIDT m16&64 */
const loadTable = (idt: boolean): Handler => (c, i) => {
  const a = effectiveAddress(c, i);
  const limit = c.mmu.read16(a);
  const lo = c.mmu.read32(a + 2), hi = c.mmu.read32(a + 6);
  const base = hi * TWO32 + (lo >>> 0);
  if (!isCanonical(base)) c.raise(Vector.GP, 0);
  setTableRegister(c, idt, base, limit);
};

export function setTableRegister(c: ExecContext, idt: boolean, base: number, limit: number): void {
  if (idt) { c.idtrBase = base; c.idtrLimit = limit; } else { c.gdtrBase = base; c.gdtrLimit = limit; }
}
export const lgdt = loadTable(false);
export const lidt = loadTable(true);

/** SGDT/SIDT m16&64 (10 bytes: the limit, then the 64-bit base). */
const storeTable = (idt: boolean): Handler => (c, i) => {
  const base = idt ? c.idtrBase : c.gdtrBase;
  const hi = Math.floor(base / TWO32);
  const a = effectiveAddress(c, i);
  storeTableRegister(c, a, a + 2, idt ? c.idtrLimit : c.gdtrLimit, (base - hi * TWO32) | 0, hi, 8);
};
export const sgdt = storeTable(false);
export const sidt = storeTable(true);

/**
 * Stores a descriptor-table register: the limit at `a`, then the base of
 * `baseSize` bytes (8 in 64-bit mode, 4 outside) at `baseAt`. AMD: two stores, each with
 * its own checks — measured on an AMD EPYC host (test/diff/misc.test.ts): a
 * #PF or #AC on the base comes after the limit is written, and alignment
 * checking asks 2-byte alignment of the limit and 8-byte alignment of the
 * base (#AC at every offset but 6 mod 8). Intel (unmeasured): the whole
 * operand is checked for writing first; under alignment checking SDM Table
 * 6-7 ("GDTR, IDTR contents": 4 bytes) and §6.15 (the limit at 2 mod 4)
 * disagree except at odd addresses, so the model does not guess there.
 */
export function storeTableRegister(c: ExecContext, a: number, baseAt: number, limit: number, lo: number, hi: number, baseSize: number): void {
  if (c.vendor === 'intel') {
    if (c.mmu.alignmentChecking) {
      if (a & 1) c.raise(Vector.AC, 0);
      c.emulationFailure('SGDT/SIDT with alignment checking (Intel model): the alignment rule for the operand is not settled');
    }
    c.mmu.probeWrite(a, 2 + baseSize);
  }
  c.mmu.write16(a, limit);
  c.mmu.write(baseSize, baseAt, lo, hi);
}

/** SLDT/STR: a register destination gets the zero-extended selector at the operand size, memory 16 bits. */
function storeSelector(c: ExecContext, i: Insn, sel: number): void {
  if (i.isMem) c.mmu.write16(effectiveAddress(c, i), sel);
  else c.setReg(i.opSize, i.rm, sel, 0);
}
export const sldt: Handler = (c, i) => storeSelector(c, i, c.ldtrSel);
export const str: Handler = (c, i) => storeSelector(c, i, c.trSel);

const system = new Descriptor();

/** LLDT: a null selector leaves the LDT unusable. */
export const lldt: Handler = (c, i) => {
  loadOperand(c, i, 0);
  const sel = c.ops.lo[0]! & 0xffff;
  if ((sel & ~3) === 0) { c.ldtrSel = sel; c.ldtrBase = 0; c.ldtrLimit = 0; c.ldtrAttr = 0; return; }
  const d = readSystemDescriptor(c, sel, system);
  if ((d.attr & (ATTR_S | ATTR_TYPE)) !== SYS_LDT) c.raise(Vector.GP, sel & ~3);
  if ((d.attr & ATTR_P) === 0) c.raise(Vector.NP, sel & ~3);
  if (!isCanonical(d.base)) c.raise(Vector.GP, sel & ~3);
  c.ldtrSel = sel; c.ldtrBase = d.base; c.ldtrLimit = d.limit; c.ldtrAttr = d.attr;
};

/** LTR: an available 64-bit TSS, which is then marked busy in the GDT. */
export const ltr: Handler = (c, i) => {
  loadOperand(c, i, 0);
  const sel = c.ops.lo[0]! & 0xffff;
  if ((sel & ~3) === 0) c.raise(Vector.GP, 0);
  const d = readSystemDescriptor(c, sel, system);
  if ((d.attr & (ATTR_S | ATTR_TYPE)) !== SYS_TSS64_AVAIL) c.raise(Vector.GP, sel & ~3);
  if ((d.attr & ATTR_P) === 0) c.raise(Vector.NP, sel & ~3);
  if (!isCanonical(d.base)) c.raise(Vector.GP, sel & ~3);
  setDescriptorBits(c, d, TSS_BUSY);
  c.trSel = sel; c.trBase = d.base; c.trLimit = d.limit; c.trAttr = d.attr;
};
