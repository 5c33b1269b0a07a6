// Exception and interrupt delivery through the 64-bit IDT (SDM Vol. 3A §6.12,
// §6.14 for IA-32e mode; APM Vol. 2 §8.9), with the double-fault rules of
// SDM Table 6-5 and the error codes of faults raised while delivering.
import { Vector, FaultClass, faultClass, pushesRf, ERR_EXT, ERR_IDT } from '../arch/vectors.js';
import { IF, TF, NT, RF, VM } from '../arch/rflags.js';
import { RSP, SEG_CS, SEG_SS } from '../arch/registers.js';
import { ATTR_P, ATTR_S, ATTR_L, ATTR_DB, SYS_INT_GATE, SYS_TRAP_GATE, TYPE_EC, dplOf, isCodeSegment } from '../arch/descriptors.js';
import { ACC_READ_SUP, ACC_WRITE_SUP } from '../mmu/mmu.js';
import type { ExecContext } from './context.js';
import { CPU_EXCEPTION, type PendingException } from './exceptions.js';
import { Descriptor, readDescriptor, loadCodeSegment, loadNullSs, markAccessed } from './segmentation.js';
import { RIP_EXACT } from './state.js';
import { isCanonical } from './operands.js';
import { enteredDebugHandler } from './debug.js';

const TWO32 = 4294967296;
/** TSS offsets (SDM Figure 7-11): RSP0-2 at 4, IST1-7 at 0x24. */
const TSS_RSP0 = 4, TSS_IST1 = 0x24;

export const enum DeliveryResult { Delivered, Intercepted, Shutdown }

/**
 * Delivers the exception recorded in `exc`; a fault while delivering it is
 * combined by SDM Table 6-5 (benign: deliver the second; contributory after
 * contributory or anything after #PF: #DF; anything but benign during #DF: shutdown).
 */
export function deliverException(c: ExecContext, exc: PendingException): DeliveryResult {
  let vector = exc.vector, err = exc.errorCode, hasErr = exc.hasError;
  if (vector === Vector.PF) c.cr2 = exc.cr2;
  if (c.interceptsEvent(vector, false)) return DeliveryResult.Intercepted;
  const rest = c.flagsRest;
  for (;;) {
    // A fault-class exception pushes RF = 1 (SDM Vol. 3 §17.3.1.1; #DB's raiser sets RF itself).
    c.flagsRest = pushesRf(vector) ? rest | RF : rest;
    try {
      deliverEvent(c, vector, hasErr, err, false, c.rip);
      if (vector === Vector.DB) enteredDebugHandler(c);
      return DeliveryResult.Delivered;
    } catch (e) {
      if (e !== CPU_EXCEPTION) throw e;
      const first = faultClass(vector), second = faultClass(exc.vector);
      if (first === FaultClass.DoubleFault && second !== FaultClass.Benign) return DeliveryResult.Shutdown;
      if (exc.vector === Vector.PF) c.cr2 = exc.cr2;
      if ((first === FaultClass.Contributory && second === FaultClass.Contributory) ||
          (first === FaultClass.PageFault && second !== FaultClass.Benign)) {
        vector = Vector.DF; err = 0; hasErr = true;
        exc.set(vector, 0);
      } else {
        vector = exc.vector; err = exc.errorCode; hasErr = exc.hasError;
      }
      // The host sees the event the CPU would deliver next (#DF, or the second fault) when it intercepts it.
      if (c.interceptsEvent(vector, false)) return DeliveryResult.Intercepted;
    }
  }
}

const gateCs = new Descriptor();

/**
 * Delivers `vector` through the IDT. `software` marks INT n / INT3 (the gate's
 * DPL is checked and error codes carry no EXT bit). `returnRip` is the RIP pushed.
 */
export function deliverEvent(c: ExecContext, vector: number, hasErr: boolean, err: number, software: boolean, returnRip: number): void {
  const ext = software ? 0 : ERR_EXT;
  c.stepTrap = false; // INT n, INT3, INTO, INT1 clear TF: no single-step trap after them (SDM §17.3.1.4)
  const idtErr = vector * 8 + ERR_IDT + ext;
  if (vector * 16 + 15 > c.idtrLimit) c.raise(Vector.GP, idtErr);
  const gate = c.idtrBase + vector * 16;
  // A gate in non-canonical space (SDM INT n, 64-bit mode exceptions: #GP(selector)).
  if (!isCanonical(gate + 15)) c.raise(Vector.GP, idtErr);
  // Bytes 0-7 as one read (a fault in a page crossing reports the second page's first byte either way), then 8-11.
  const d0 = c.mmu.read64Through(c.mmu.gatePage, gate), d1 = c.mmu.hi;
  const d2 = c.mmu.read32Through(c.mmu.gatePage, gate + 8);
  const type = (d1 >> 8) & 0xf;
  // A 64-bit interrupt or trap gate: a system descriptor (S = 0) of type E or F (SDM §6.14.1).
  if (((d1 >> 8) & ATTR_S) !== 0 || (type !== SYS_INT_GATE && type !== SYS_TRAP_GATE)) c.raise(Vector.GP, idtErr);
  if (software && dplOf(d1 >> 8) < c.cpl) c.raise(Vector.GP, idtErr);
  if (((d1 >> 8) & ATTR_P) === 0) c.raise(Vector.NP, idtErr);
  if (software && c.interceptsEvent(vector, true)) {
    // A host intercept of a software interrupt that passed the gate checks: the
    // host sees RIP after the instruction (what the CPU would push).
    c.rip = returnRip;
    return;
  }
  const selector = (d0 >>> 16) & 0xffff;
  const target = d2 * TWO32 + (((d1 & 0xffff0000) | (d0 & 0xffff)) >>> 0);
  const ist = d1 & 7;
  // The target code segment (SDM §6.12.1.1; INT n 64-bit mode exceptions): in canonical space,
  // present, 64-bit code (L = 1 and D = 0), DPL <= CPL.
  const csErr = (selector & ~3) + ext;
  const descAt = (selector & 4 ? c.ldtrBase : c.gdtrBase) + (selector & ~7);
  if ((selector & ~3) !== 0 && !isCanonical(descAt + 7)) c.raise(Vector.GP, csErr);
  const cs = readDescriptor(c, selector, csErr, gateCs);
  const csAttr = cs.attr;
  if (!isCodeSegment(csAttr) || (csAttr & (ATTR_L | ATTR_DB)) !== ATTR_L || dplOf(csAttr) > c.cpl) c.raise(Vector.GP, csErr);
  if ((csAttr & ATTR_P) === 0) c.raise(Vector.NP, csErr);
  const newCpl = (csAttr & TYPE_EC) ? c.cpl : dplOf(csAttr); // a conforming segment keeps CPL
  const oldSs = c.segSel[SEG_SS]!, oldRspLo = c.regLo[RSP]!, oldRspHi = c.regHi[RSP]!;
  const oldCs = c.segSel[SEG_CS]!;
  const rflags = c.getRflags();
  let rsp: number;
  if (ist) rsp = readTss64(c, TSS_IST1 + (ist - 1) * 8, ext);
  else if (newCpl < c.cpl) rsp = readTss64(c, TSS_RSP0 + newCpl * 8, ext);
  else rsp = c.regNumber(RSP);
  rsp -= rsp & 15; // aligned to 16 (SDM §6.14.2); & takes the two's-complement low bits of a negative RSP
  // The frame: SS, RSP, RFLAGS, CS, RIP and the error code, written as supervisor data; a push in
  // non-canonical space is #SS (SDM INT n: the stack checks come before the gate's RIP check).
  const words = hasErr ? 6 : 5;
  const base = rsp - words * 8;
  if (!isCanonical(rsp) || !isCanonical(base)) c.raise(Vector.SS, ext);
  if (!isCanonical(target)) c.raise(Vector.GP, ext);
  // Pushed in the SDM's order (INT n Operation: SS, RSP, RFLAGS, CS, RIP, error code), top down,
  // so a fault reports the first push that fails (CR2), as Bochs and QEMU do.
  const m = c.mmu;
  let ripLo: number, ripHi: number;
  // A non-canonical RIP from an AMD SYSRET is beyond 2^53: its exact halves were kept.
  if (Math.abs(returnRip) >= RIP_EXACT) { ripLo = c.ripExactLo; ripHi = c.ripExactHi; }
  else { ripLo = returnRip | 0; ripHi = (returnRip - (returnRip >>> 0)) / TWO32; }
  // The frame within one page (the common case): straight into RAM through the copy of the page's
  // TLB entry (mmu.ts framePage: the next delivery to the same stack costs no lookup, slot search or
  // dirty check), or after one translation, the first push's (a fault reports CR2 = RSP - 8 as that
  // push would). Otherwise (or not plain RAM, or accesses under watch) push by push.
  let at = m.supervisorWritableAt(m.framePage, base, words * 8), v = m.framePage.cacheView;
  if (at >= 0) at += words * 8 - 8; // SS's slot
  else if (((rsp - 1) & 4095) >= words * 8 - 1) { at = m.ramAddress(rsp - 8, ACC_WRITE_SUP); v = m.runView; }
  if (at >= 0) {
    v.setInt32(at, oldSs, true); v.setInt32(at + 4, 0, true);
    v.setInt32(at - 8, oldRspLo, true); v.setInt32(at - 4, oldRspHi, true);
    v.setInt32(at - 16, rflags, true); v.setInt32(at - 12, 0, true);
    v.setInt32(at - 24, oldCs, true); v.setInt32(at - 20, 0, true);
    v.setInt32(at - 32, ripLo, true); v.setInt32(at - 28, ripHi, true);
    if (hasErr) { v.setInt32(at - 40, err, true); v.setInt32(at - 36, 0, true); }
  } else {
    m.writeWith(rsp - 8, 8, oldSs, 0, ACC_WRITE_SUP);
    m.writeWith(rsp - 16, 8, oldRspLo, oldRspHi, ACC_WRITE_SUP);
    m.writeWith(rsp - 24, 8, rflags, 0, ACC_WRITE_SUP);
    m.writeWith(rsp - 32, 8, oldCs, 0, ACC_WRITE_SUP);
    m.writeWith(rsp - 40, 8, ripLo, ripHi, ACC_WRITE_SUP);
    if (hasErr) m.writeWith(rsp - 48, 8, err, 0, ACC_WRITE_SUP);
  }
  markAccessed(c, cs); // after the frame is written, before the commit (Bochs long_mode_int → load_cs)
  // Commit (a canonical base: the halves are exact integer arithmetic).
  c.regLo[RSP] = base | 0;
  c.regHi[RSP] = (base - (base >>> 0)) / TWO32;
  if (newCpl !== c.cpl) loadNullSs(c, newCpl);
  loadCodeSegment(c, selector, cs.base, cs.limit, cs.attr, newCpl);
  c.flagsRest &= ~(TF | NT | RF | VM);
  if (type === SYS_INT_GATE) c.flagsRest &= ~IF;
  c.rip = target;
}

/** Reads a 64-bit TSS field; #TS(TSS selector, with EXT) beyond the TSS limit. */
function readTss64(c: ExecContext, offset: number, ext: number): number {
  if (offset + 7 > c.trLimit) c.raise(Vector.TS, (c.trSel & ~3) | ext);
  const lo = c.mmu.read64With(c.trBase + offset, ACC_READ_SUP); // one 8-byte read: faults as the two dword reads would
  return c.mmu.hi * TWO32 + (lo >>> 0);
}
