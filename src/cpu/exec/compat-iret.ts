// IRET/IRETD from 32-bit code in compatibility mode (SDM IRET, "IA-32e-MODE"
// path): NT = 1 is #GP(0); EIP, CS and EFLAGS are popped from SS:ESP at the
// operand size; to the same privilege level that is all (ESP += 3 slots), to an
// outer level ESP and SS follow (5 slots). The checks are those of
// control.ts iret (the IRETQ of 64-bit code), in the SDM's order.
import { Vector } from '../../arch/vectors.js';
import { NT } from '../../arch/rflags.js';
import { RSP, SEG_SS, SEG_ES, SEG_DS, SEG_FS, SEG_GS } from '../../arch/registers.js';
import { ATTR_L, ATTR_P, TYPE_EC, TYPE_RW, dplOf, isCodeSegment, isDataSegment } from '../../arch/descriptors.js';
import type { Handler } from '../context.js';
import { Descriptor, readDescriptor, loadCodeSegment, setSegment, usableAt, markAccessed } from '../segmentation.js';
import { compatAdjustStack, compatPeek } from '../compat-segments.js';
import { poppedRflags } from './stack-ops.js';

const csDesc = new Descriptor(), ssDesc = new Descriptor();
const DATA_SEGMENTS = [SEG_ES, SEG_DS, SEG_FS, SEG_GS] as const;

export const compatIret: Handler = (c, i) => {
  if (c.flagsRest & NT) c.raise(Vector.GP, 0); // no task switches in IA-32e mode
  const s = i.opSize;
  const eip = s === 4 ? compatPeek(c, s, 0) >>> 0 : compatPeek(c, s, 0) & 0xffff;
  const csSel = compatPeek(c, s, s) & 0xffff;
  const flags = compatPeek(c, s, 2 * s);
  const err = csSel & 0xfffc, rpl = csSel & 3;
  if (err === 0) c.raise(Vector.GP, 0);
  const cs = readDescriptor(c, csSel, err, csDesc);
  const attr = cs.attr, dpl = dplOf(attr);
  if (!isCodeSegment(attr) || rpl < c.cpl) c.raise(Vector.GP, err);
  if ((attr & TYPE_EC) ? dpl > rpl : dpl !== rpl) c.raise(Vector.GP, err);
  if ((attr & ATTR_P) === 0) c.raise(Vector.NP, err);
  const outer = rpl > c.cpl;
  let ssSel = 0, esp = 0, ssBase = 0, ssLimit = 0, ssAttr = 0;
  if (outer) {
    esp = compatPeek(c, s, 3 * s);
    ssSel = compatPeek(c, s, 4 * s) & 0xffff;
    if ((ssSel & 0xfffc) === 0) {
      // A null SS only for a return to 64-bit code below CPL 3 (SDM IRET).
      if (rpl === 3 || (ssSel & 3) !== rpl || (attr & ATTR_L) === 0) c.raise(Vector.GP, 0);
    } else {
      const ssErr = ssSel & 0xfffc;
      if ((ssSel & 3) !== rpl) c.raise(Vector.GP, ssErr);
      const ss = readDescriptor(c, ssSel, ssErr, ssDesc);
      if (!isDataSegment(ss.attr) || (ss.attr & TYPE_RW) === 0 || dplOf(ss.attr) !== rpl) c.raise(Vector.GP, ssErr);
      if ((ss.attr & ATTR_P) === 0) c.raise(Vector.SS, ssErr);
      ssBase = ss.base; ssLimit = ss.limit;
    }
  }
  // The new EIP: within the limit of a 32-bit code segment (a 64-bit one takes it zero-extended, always canonical).
  if ((attr & ATTR_L) === 0 && eip > cs.limit) c.raise(Vector.GP, 0);
  // EFLAGS: what may change depends on the CPL before the return; VM stays 0 in IA-32e mode.
  const rflags = poppedRflags(c, flags, s, true);
  markAccessed(c, cs);
  if (outer && (ssSel & 0xfffc) !== 0) { markAccessed(c, ssDesc); ssAttr = ssDesc.attr; }
  c.setRflags(rflags);
  if (!outer) compatAdjustStack(c, 3 * s);
  loadCodeSegment(c, csSel, cs.base, cs.limit, cs.attr, rpl);
  if (outer) {
    setSegment(c, SEG_SS, ssSel, ssBase, ssLimit, ssAttr);
    c.setReg(8, RSP, s === 4 ? esp : esp & 0xffff, 0);
    for (const seg of DATA_SEGMENTS) {
      if (!usableAt(c.segAttr[seg]!, c.segSel[seg]!, rpl)) { c.segSel[seg] = 0; c.segAttr[seg] = 0; }
    }
  }
  c.rip = eip;
  c.invalidateFetch();
};
