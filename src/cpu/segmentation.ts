// Segments and descriptor tables in 64-bit mode (SDM Vol. 3A §3.4, §5.4, §5.8,
// §7.2.3 and the MOV/POP/LLDT/LTR entries): descriptor reads through the GDT or
// LDT, and the checks that still apply to segment loads although DS/ES/SS bases
// are ignored and FS/GS take their base from the descriptor (or the MSRs).
import { Vector } from '../arch/vectors.js';
import { SEG_CS, SEG_SS } from '../arch/registers.js';
import {
  ATTR_P, ATTR_S, ATTR_L, ATTR_DB, ATTR_TYPE, ATTR_G, TYPE_ACCESSED, TYPE_CODE, TYPE_EC, TYPE_RW, dplOf, isCodeSegment, isDataSegment,
} from '../arch/descriptors.js';
import { ACC_READ_SUP, ACC_WRITE_SUP } from '../mmu/mmu.js';
import type { ExecContext } from './context.js';
import { Shadow } from './state.js';

const TWO32 = 4294967296;

/** A descriptor as read from a table (callers own one each, so two reads never share values). */
export class Descriptor {
  base = 0;
  limit = 0;
  /** Attributes (arch/descriptors.ts): bits 23:8 of the second dword without the limit bits. */
  attr = 0;
  /** Linear address of the descriptor in its table. */
  address = 0;
}

/**
 * Reads the 8-byte descriptor of `selector` from the GDT or LDT into `out`;
 * #GP(errorCode) for a null selector or one beyond the table limit.
 */
export function readDescriptor(c: ExecContext, selector: number, errorCode: number, out: Descriptor): Descriptor {
  const ti = selector & 4;
  const tableBase = ti ? c.ldtrBase : c.gdtrBase;
  const tableLimit = ti ? c.ldtrLimit : c.gdtrLimit;
  const index = selector & ~7;
  if ((selector & ~3) === 0 || index + 7 > tableLimit) c.raise(Vector.GP, errorCode);
  const addr = tableBase + index;
  // One 8-byte read: a fault in a page crossing reports the second page's first byte, as two dword reads would.
  const lo = c.mmu.read64Through(c.mmu.descriptorPage, addr), hi = c.mmu.hi;
  out.base = ((lo >>> 16) | ((hi & 0xff) << 16) | (hi & 0xff000000)) >>> 0;
  let limit = (lo & 0xffff) | (hi & 0xf0000);
  if ((hi >>> 8) & ATTR_G) limit = limit * 4096 + 0xfff;
  out.limit = limit;
  out.attr = (hi >>> 8) & 0xf0ff;
  out.address = addr;
  return out;
}

/** Reads a 16-byte system descriptor (LDT, 64-bit TSS) from the GDT: the base gets its upper 32 bits. */
export function readSystemDescriptor(c: ExecContext, sel: number, out: Descriptor): Descriptor {
  if (sel & 4) c.raise(Vector.GP, sel & ~3);
  if ((sel & ~7) + 15 > c.gdtrLimit) c.raise(Vector.GP, sel & ~3);
  readDescriptor(c, sel, sel & ~3, out);
  const upper = c.mmu.readWith(out.address + 8, 4, ACC_READ_SUP);
  out.base += upper * TWO32;
  return out;
}

/** Offset of the access-rights byte (P, DPL, S, type) in a descriptor. */
const ACCESS_BYTE = 5;

/**
 * Sets type bits `bits` of descriptor `d` in its table (the accessed bit of a
 * code or data segment being loaded, SDM §3.4.5.1; the busy bit of a TSS
 * loaded by LTR) when they are not all set yet: a locked read-modify-write of
 * the access-rights byte, an implicit supervisor-mode write (SDM §4.6: at any
 * CPL; a read-only page faults with W=1, U=0 under CR0.WP, and CR2 = the
 * byte's address). Callers run it after every check of the load and before
 * they commit (SDM MOV/POP/LSS, IRET, interrupt delivery; Bochs touch_segment).
 * Which bytes the hardware's locked update writes is not documented; the model
 * writes the one byte that holds the bits (docs/cpu-model.md).
 */
export function setDescriptorBits(c: ExecContext, d: Descriptor, bits: number): void {
  if ((d.attr & bits) === bits) return;
  const at = d.address + ACCESS_BYTE;
  const byte = c.mmu.readWith(at, 1, ACC_READ_SUP);
  c.mmu.writeWith(at, 1, byte | bits, 0, ACC_WRITE_SUP);
  d.attr |= bits;
}

/** Sets the accessed bit of a code or data segment descriptor being loaded (see setDescriptorBits). */
export function markAccessed(c: ExecContext, d: Descriptor): void {
  setDescriptorBits(c, d, TYPE_ACCESSED);
}

export function setSegment(c: ExecContext, seg: number, sel: number, base: number, limit: number, attr: number): void {
  c.segSel[seg] = sel;
  c.segBase[seg] = base;
  c.segLimit[seg] = limit;
  c.segAttr[seg] = attr;
}

/**
 * Loads CS (the caller checked the descriptor) and makes `cpl` the CPL. The
 * fetch shortcut is dropped, so the next fetch sees the new CS (its L bit
 * selects 64-bit or compatibility mode: interpreter.ts).
 */
export function loadCodeSegment(c: ExecContext, selector: number, base: number, limit: number, attr: number, cpl: number): void {
  // The fetch shortcut holds while how code is fetched and decoded stays: CPL (setCpl drops it), mode, base and limit.
  const same = ((c.segAttr[SEG_CS]! ^ attr) & (ATTR_L | ATTR_DB)) === 0 && c.segBase[SEG_CS] === base && c.segLimit[SEG_CS] === limit;
  setSegment(c, SEG_CS, (selector & ~3) | cpl, base, limit, attr);
  c.setCpl(cpl);
  if (!same) c.invalidateFetch();
}

/** SS after a privilege change through a gate in IA-32e mode: a null selector with RPL = the new CPL. */
export function loadNullSs(c: ExecContext, cpl: number): void {
  setSegment(c, SEG_SS, cpl, 0, 0, 0);
}

const loaded = new Descriptor();

/**
 * MOV Sreg, POP Sreg: the load, and for SS the one-instruction shadow that
 * holds interrupts and debug traps (SDM §6.8.3: only these two instructions
 * have it; LSS and the far transfers do not).
 */
export function loadSegmentRegister(c: ExecContext, seg: number, sel: number): void {
  loadDataSegment(c, seg, sel);
  if (seg === SEG_SS) c.interruptShadow = Shadow.MovSs;
}

/** Loads DS, ES, FS, GS or SS from a selector with the protected-mode checks (SDM MOV, POP, LSS). */
export function loadDataSegment(c: ExecContext, seg: number, sel: number): void {
  if ((sel & ~3) === 0) {
    // A null selector: fine for DS/ES/FS/GS; SS only below CPL 3 with RPL = CPL.
    if (seg === SEG_SS && (c.cpl === 3 || (sel & 3) !== c.cpl)) c.raise(Vector.GP, 0);
    setSegment(c, seg, sel, 0, 0, 0);
    return;
  }
  const d = readDescriptor(c, sel, sel & ~3, loaded);
  const attr = d.attr, dpl = dplOf(attr), rpl = sel & 3, type = attr & ATTR_TYPE;
  if (seg === SEG_SS) {
    if (rpl !== c.cpl || dpl !== c.cpl || !isDataSegment(attr) || (type & TYPE_RW) === 0) c.raise(Vector.GP, sel & ~3);
    if ((attr & ATTR_P) === 0) c.raise(Vector.SS, sel & ~3);
    markAccessed(c, d);
  } else {
    const code = isCodeSegment(attr);
    const readableCode = code && (type & TYPE_RW) !== 0;
    const conforming = code && (type & TYPE_EC) !== 0;
    if (!isDataSegment(attr) && !readableCode) c.raise(Vector.GP, sel & ~3);
    if (!conforming && (rpl > dpl || c.cpl > dpl)) c.raise(Vector.GP, sel & ~3);
    if ((attr & ATTR_P) === 0) c.raise(Vector.NP, sel & ~3);
    markAccessed(c, d);
  }
  // The base is loaded for every segment: 64-bit mode ignores it for ES/CS/SS/DS, compatibility mode uses it.
  setSegment(c, seg, sel, d.base, d.limit, d.attr);
}

/** Whether a loaded data segment stays usable at `cpl` (IRET to an outer level nulls the others). */
export function usableAt(attr: number, sel: number, cpl: number): boolean {
  const conformingCode = (attr & (ATTR_S | TYPE_CODE | TYPE_EC)) === (ATTR_S | TYPE_CODE | TYPE_EC);
  return (sel & ~3) === 0 || conformingCode || dplOf(attr) >= cpl;
}
