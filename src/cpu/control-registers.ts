// Control and debug registers: reads, and writes with every effect the model
// implements (SDM Vol. 3A §2.5, §4.10.4 for TLB flushes, §17.2; APM Vol. 2 §3.1).
import { Vector } from '../arch/vectors.js';
import { AC } from '../arch/rflags.js';
import {
  CR0_PE, CR0_PG, CR0_NW, CR0_CD, CR0_ET, CR0_WP, CR0_KNOWN, CR4_BASE, CR4_PAE, CR4_PAGING, CR4_PGE, CR4_DE,
  CR4_PKE, CR4_OSXSAVE, CR4_SMEP, CR4_SMAP, CR4_FSGSBASE, CR4_PCIDE, CR3_PCID_MASK, CR3_HI_NOFLUSH, EFER_NXE, CR8_MASK,
  DR6_FIXED1, DR7_FIXED1, DR7_FIXED0, CR0_AM,
} from '../arch/control-registers.js';
import type { ExecContext } from './context.js';
import { syncBreakpoints } from './debug.js';
import { StopReason } from './stop-reason.js';

const TWO32 = 4294967296;
const PAGE = 4096;
/**
 * Reserved CR3 bits in the high dword: AMD 63:52 (APM Vol. 2 Figure 3-5, long-mode CR3:
 * MBZ), Intel 63:MAXPHYADDR = 63:48 (SDM §4.5 Table 4-12; MOV CR3 #GP on a reserved bit).
 * Bit 63 is the no-flush bit when CR4.PCIDE = 1 and is never stored.
 */
const CR3_HI_RESERVED = { amd: 0xfff00000 | 0, intel: 0xffff0000 | 0 } as const;

/** The PCID the TLB tags fills with: CR3[11:0] when CR4.PCIDE = 1, else 0 (SDM §4.10.1). */
function currentPcid(c: ExecContext): number {
  return (c.cr4 & CR4_PCIDE) ? c.cr3 & CR3_PCID_MASK : 0;
}

/** Re-derives the MMU's view of the paging controls (CR0.WP, CR3, CR4, EFER.NXE, CPL/AC) and flushes the TLB. */
export function syncPaging(c: ExecContext): void {
  const m = c.mmu;
  m.ctl.cr3 = c.cr3 - (c.cr3 % PAGE);
  m.ctl.nxe = (c.efer & EFER_NXE) !== 0;
  m.ctl.pke = (c.cr4 & CR4_PKE) !== 0;
  m.wp = (c.cr0 & CR0_WP) !== 0;
  m.smep = (c.cr4 & CR4_SMEP) !== 0;
  m.smap = (c.cr4 & CR4_SMAP) !== 0;
  m.pkru = c.pkru;
  m.am = (c.cr0 & CR0_AM) !== 0; // alignment checks (SDM §6.15 Interrupt 17)
  m.setMode(c.cpl, (c.flagsRest & AC) !== 0);
  c.flushTlb(false);
  m.setPcid(currentPcid(c), (c.cr4 & CR4_PGE) !== 0);
}

/** CR4 bits this vCPU may set: those of the model plus the ones its reported features back. */
function cr4Allowed(c: ExecContext): number {
  let ok = CR4_BASE;
  if (c.features.has('smap')) ok |= CR4_SMAP;
  if (c.features.has('pku')) ok |= CR4_PKE;
  if (c.features.has('fsgsbase')) ok |= CR4_FSGSBASE;
  if (c.features.has('xsave')) ok |= CR4_OSXSAVE;
  return c.cpuidTable ? ok & ~c.cpuidTable.reservedCr4() : ok;
}

/** Reads CRn as an int32 pair into operand slot 0; #UD for a CR the model lacks (the decoder already rejects most). */
export function readControlRegister(c: ExecContext, n: number): void {
  let wide: number;
  switch (n) {
    // CR0, CR4 and CR8 are 32-bit values held as int32: the upper half reads as 0.
    case 0: c.ops.lo[0] = c.cr0; c.ops.hi[0] = 0; return;
    case 4: c.ops.lo[0] = c.cr4; c.ops.hi[0] = 0; return;
    case 8: c.ops.lo[0] = c.cr8; c.ops.hi[0] = 0; return;
    // CR2 and CR3 hold 64-bit values as (signed, for CR2) numbers.
    case 2: wide = c.cr2; break;
    case 3: wide = c.cr3; break;
    default: return c.raise(Vector.UD);
  }
  const hi = Math.floor(wide / TWO32);
  c.ops.lo[0] = (wide - hi * TWO32) | 0;
  c.ops.hi[0] = hi;
}

/** MOV CRn, r64: #GP(0) for reserved bits and invalid combinations, then the effects. */
export function writeControlRegister(c: ExecContext, n: number, lo: number, hi: number): void {
  switch (n) {
    case 0: {
      // SDM §2.5: setting reserved bits 63:32 is #GP(0); reserved bits 31:0 are ignored (read as 0).
      if (hi !== 0) c.raise(Vector.GP, 0);
      lo = (lo & CR0_KNOWN) | CR0_ET; // ET is hardwired to 1
      if ((lo & CR0_NW) && !(lo & CR0_CD)) c.raise(Vector.GP, 0);
      if ((lo & CR0_PG) && !(lo & CR0_PE)) c.raise(Vector.GP, 0);
      // Paging cannot be turned off in 64-bit mode (only from compatibility mode, SDM §9.8.5.4).
      if (!(lo & CR0_PG)) c.raise(Vector.GP, 0);
      const old = c.cr0;
      c.cr0 = lo;
      if ((old ^ c.cr0) & (CR0_WP | CR0_PG | CR0_AM)) syncPaging(c);
      return;
    }
    case 2: c.cr2 = hi * TWO32 + (lo >>> 0); return;
    case 3: {
      const pcide = (c.cr4 & CR4_PCIDE) !== 0;
      const noFlush = pcide && (hi & CR3_HI_NOFLUSH) !== 0;
      if (pcide) hi &= ~CR3_HI_NOFLUSH;
      if (hi & CR3_HI_RESERVED[c.vendor]) c.raise(Vector.GP, 0);
      c.cr3 = hi * TWO32 + (lo >>> 0);
      c.mmu.ctl.cr3 = hi * TWO32 + ((lo & ~(PAGE - 1)) >>> 0); // the PML4's address: bits 11:0 (PCID or PWT/PCD) dropped
      const pge = (c.cr4 & CR4_PGE) !== 0;
      if (!pcide) { c.flushTlb(pge); return; } // PCID 0's non-global entries (SDM §4.10.4.1)
      // PCIDE = 1: switch to the PCID in bits 11:0, flushing its non-global entries unless bit 63 is set.
      const pcid = lo & CR3_PCID_MASK;
      c.mmu.setPcid(pcid, pge);
      if (!noFlush) c.mmu.flushPcid(pcid, pge);
      c.invalidateFetch();
      return;
    }
    case 4: {
      if (hi !== 0 || (lo & ~cr4Allowed(c)) !== 0) c.raise(Vector.GP, 0);
      if (!(lo & CR4_PAE)) c.raise(Vector.GP, 0); // PAE may not be cleared in long mode
      // PCIDE may be set only with CR3[11:0] = 0 (SDM MOV CR4 #GP; APM Vol. 2 §5.5.1).
      if ((lo & CR4_PCIDE) && !(c.cr4 & CR4_PCIDE) && (c.cr3 % PAGE) !== 0) c.raise(Vector.GP, 0);
      const old = c.cr4;
      c.cr4 = lo;
      // PGE, and PCIDE 1 → 0, flush every entry, global ones included (SDM §4.10.4.1).
      if ((old ^ lo) & CR4_PAGING) syncPaging(c);
      return;
    }
    case 8:
      if (hi !== 0 || (lo & ~CR8_MASK) !== 0) c.raise(Vector.GP, 0);
      c.cr8 = lo;
      return;
    default: c.raise(Vector.UD);
  }
}

/** The DR index actually accessed: DR4/DR5 alias DR6/DR7 unless CR4.DE makes them #UD (SDM §17.2.2). */
export function debugRegisterIndex(c: ExecContext, n: number): number {
  if (n === 4 || n === 5) {
    if (c.cr4 & CR4_DE) c.raise(Vector.UD);
    return n + 2;
  }
  return n;
}

/** DR6/DR7 as stored from a written low half: their fixed bits forced (SDM §17.2.3, §17.2.4). */
export function debugRegisterValue(n: 6 | 7, lo: number): bigint {
  return BigInt((n === 6 ? (lo | DR6_FIXED1) & ~0x1000 : (lo | DR7_FIXED1) & ~DR7_FIXED0) >>> 0);
}

/** MOV DRn, r64: DR6/DR7 have fixed bits and #GP(0) on a non-zero upper half. */
export function writeDebugRegister(c: ExecContext, n: number, lo: number, hi: number): void {
  if ((n === 6 || n === 7) && hi !== 0) c.raise(Vector.GP, 0);
  if (n === 6 || n === 7) c.dr[n] = debugRegisterValue(n, lo);
  else c.dr[n] = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
  // The breakpoints take effect from the next instruction (debug.ts).
  syncBreakpoints(c);
  c.requestStop(StopReason.Reschedule);
}
