// 64-bit call gates in IA-32e mode (SDM Vol. 3A §5.8.3.1, §5.8.5, §5.8.6;
// SDM Vol. 2A CALL/JMP Operation, CALL-GATE; APM Vol. 2 §4.11.2): the 16-byte
// gate, its checks and those of the code segment it names. Only type 0xC
// exists in IA-32e mode: 16-bit call gates, task gates and TSS descriptors as
// far-transfer targets are #GP(selector) (the caller's type check).
import { Vector } from '../arch/vectors.js';
import { ATTR_P, ATTR_L, ATTR_DB, TYPE_EC, dplOf, isCodeSegment } from '../arch/descriptors.js';
import { ACC_READ_SUP } from '../mmu/mmu.js';
import type { ExecContext } from './context.js';
import { Descriptor, readDescriptor } from './segmentation.js';

const TWO32 = 4294967296;
/** TSS offset of RSP0 in the 64-bit TSS (SDM Figure 7-11). */
const TSS_RSP0 = 4;

/** What a checked gate leads to: the target code segment and RIP. */
export class GateTarget {
  readonly cs = new Descriptor();
  selector = 0;
  rip = 0;
}

/**
 * Checks the call gate at `sel` (its first 8 bytes already read into `gate`)
 * and the code segment it names, for a far CALL (`call`) or JMP. Error codes:
 * gate DPL < CPL or < RPL → #GP(gate); gate not present → #NP(gate); the upper
 * 8 bytes beyond the table limit or their type field ≠ 0 → #GP(gate); null
 * code selector → #GP(0); beyond the limit → #GP(code); not 64-bit code (L = 0
 * or L = D = 1), or its DPL > CPL (CALL; JMP: conforming DPL > CPL or
 * non-conforming DPL ≠ CPL) → #GP(code); not present → #NP(code).
 */
export function checkCallGate(c: ExecContext, sel: number, gate: Descriptor, call: boolean, out: GateTarget): GateTarget {
  const err = sel & 0xfffc;
  const gateDpl = dplOf(gate.attr);
  if (gateDpl < c.cpl || gateDpl < (sel & 3)) c.raise(Vector.GP, err);
  if ((gate.attr & ATTR_P) === 0) c.raise(Vector.NP, err);
  if ((sel & ~7) + 15 > ((sel & 4) ? c.ldtrLimit : c.gdtrLimit)) c.raise(Vector.GP, err);
  const d0 = c.mmu.readWith(gate.address, 4, ACC_READ_SUP);
  const d1 = c.mmu.readWith(gate.address + 4, 4, ACC_READ_SUP);
  const d2 = c.mmu.readWith(gate.address + 8, 4, ACC_READ_SUP);
  const d3 = c.mmu.readWith(gate.address + 12, 4, ACC_READ_SUP);
  if ((d3 >>> 8) & 0x1f) c.raise(Vector.GP, err); // the upper half's type field must be 0 (SDM §5.8.3.1)
  out.selector = d0 >>> 16;
  out.rip = d2 * TWO32 + (((d1 & 0xffff0000) | (d0 & 0xffff)) >>> 0);
  const csErr = out.selector & 0xfffc;
  if (csErr === 0) c.raise(Vector.GP, 0);
  const attr = readDescriptor(c, out.selector, csErr, out.cs).attr, dpl = dplOf(attr);
  if (!isCodeSegment(attr) || (attr & ATTR_L) === 0 || (attr & ATTR_DB) !== 0) c.raise(Vector.GP, csErr);
  if (call ? dpl > c.cpl : (attr & TYPE_EC) ? dpl > c.cpl : dpl !== c.cpl) c.raise(Vector.GP, csErr);
  if ((attr & ATTR_P) === 0) c.raise(Vector.NP, csErr);
  return out;
}

/** RSPn of the current 64-bit TSS; #TS(TSS selector) when the field lies beyond the TSS limit (SDM CALL, MORE-PRIVILEGE). */
export function tssStack(c: ExecContext, cpl: number): number {
  const offset = TSS_RSP0 + cpl * 8;
  if (offset + 7 > c.trLimit) c.raise(Vector.TS, c.trSel & 0xfffc);
  const lo = c.mmu.readWith(c.trBase + offset, 4, ACC_READ_SUP);
  const hi = c.mmu.readWith(c.trBase + offset + 4, 4, ACC_READ_SUP);
  return hi * TWO32 + (lo >>> 0);
}
