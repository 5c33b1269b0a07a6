// Loading data segment registers in 64-bit mode (SDM Vol. 3A §5.4 and the
// MOV/POP reference pages): the checks still apply even though DS/ES/SS bases
// are ignored, and FS/GS take their base from the descriptor.
import type { Cpu } from '../cpu.js';
import type { Handler } from '../insn.js';
import { SEG_SS, SEG_CS } from '../insn.js';

export function loadDataSegment(cpu: Cpu, seg: number, sel: number): void {
  if ((sel & ~3) === 0) {
    // A null selector: fine for DS/ES/FS/GS; SS only below CPL 3 with RPL = CPL.
    if (seg === SEG_SS && (cpu.cpl === 3 || (sel & 3) !== cpu.cpl)) cpu.raise(13, 0);
    cpu.segSel[seg] = sel; cpu.segBase[seg] = 0; cpu.segLimit[seg] = 0; cpu.segAttr[seg] = 0;
    if (seg === SEG_SS) cpu.interruptShadow = true;
    return;
  }
  const d = cpu.readDescriptor(sel, sel & ~3);
  const attr = d.attr, dpl = (attr >> 5) & 3, rpl = sel & 3, type = attr & 0xf;
  const isData = (attr & 0x18) === 0x10, isCode = (attr & 0x18) === 0x18;
  if (seg === SEG_SS) {
    if (rpl !== cpu.cpl || dpl !== cpu.cpl || !isData || (type & 2) === 0) cpu.raise(13, sel & ~3);
    if ((attr & 0x80) === 0) cpu.raise(12, sel & ~3);
    cpu.interruptShadow = true;
  } else {
    const readableCode = isCode && (type & 2) !== 0;
    const conforming = isCode && (type & 4) !== 0;
    if (!isData && !readableCode) cpu.raise(13, sel & ~3);
    if (!conforming && (rpl > dpl || cpu.cpl > dpl)) cpu.raise(13, sel & ~3);
    if ((attr & 0x80) === 0) cpu.raise(11, sel & ~3);
  }
  cpu.segSel[seg] = sel;
  cpu.segBase[seg] = seg >= 4 ? d.base : 0;
  cpu.segLimit[seg] = d.limit;
  cpu.segAttr[seg] = attr;
}

/** MOV Sw, Ew (8E): loading CS is #UD. */
export const movSegE: Handler = (cpu, i) => {
  const seg = i.reg & 7;
  if (seg === SEG_CS || seg > 5) cpu.raiseUD();
  const sel = cpu.readE(i, 2) & 0xffff;
  loadDataSegment(cpu, seg, sel);
};

/** MOV Ev, Sw (8C): a register destination gets the zero-extended selector, memory gets 16 bits. */
export const movESeg: Handler = (cpu, i) => {
  const seg = i.reg & 7;
  if (seg > 5) cpu.raiseUD();
  const sel = cpu.segSel[seg]!;
  if (i.isMem) cpu.writeE(i, 2, sel, 0);
  else cpu.setReg(i.opSize, i.rm, sel, 0);
};
