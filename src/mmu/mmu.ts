// Linear-address access with a direct-mapped TLB (SDM Vol. 3A §4.10).
// Each entry caches the frame and the permission for every access kind,
// precomputed from U/S, R/W, WP, NX, SMEP, SMAP and PKU, so the fast path is
// one tag compare and one bit test. Writes to frames that hold decoded code
// are never granted on the fast path; the slow path tells the CPU to drop them.
import { PhysicalMemory } from './physical-memory.js';
import {
  walk, WalkResult, PagingControl, PTE_A, PTE_D, WALK_NOT_PRESENT, WALK_RESERVED,
  PF_P, PF_W, PF_U, PF_RSVD, PF_I, PF_PK,
} from './paging.js';

/** Access kinds, each one bit of a TLB entry's permission byte. */
export const ACC_READ_SUP = 1;        // supervisor data read, SMAP applies (AC=0 or implicit)
export const ACC_READ_SUP_AC = 2;     // explicit supervisor data read with RFLAGS.AC=1
export const ACC_WRITE_SUP = 4;
export const ACC_WRITE_SUP_AC = 8;
export const ACC_EXEC_SUP = 16;
export const ACC_READ_USER = 32;
export const ACC_WRITE_USER = 64;
export const ACC_EXEC_USER = 128;
const ACC_ANY_WRITE = ACC_WRITE_SUP | ACC_WRITE_SUP_AC | ACC_WRITE_USER;
const ACC_ANY_USER = ACC_READ_USER | ACC_WRITE_USER | ACC_EXEC_USER;
const ACC_ANY_EXEC = ACC_EXEC_SUP | ACC_EXEC_USER;

const TLB_BITS = 12;
const TLB_SIZE = 1 << TLB_BITS;
const TLB_MASK = TLB_SIZE - 1;
const PAGE = 4096;

/** Raised through this callback; it must throw (the CPU's exception sentinel). */
export type PageFaultSink = (linear: number, errorCode: number) => never;

export class Mmu {
  readonly mem: PhysicalMemory;
  private readonly u8: Uint8Array;
  private readonly dv: DataView;

  // TLB: parallel typed arrays, tag = virtual page number (NaN = empty).
  private readonly tag = new Float64Array(TLB_SIZE).fill(NaN);
  private readonly frame = new Int32Array(TLB_SIZE);     // byte offset of the frame in RAM
  private readonly perm = new Uint8Array(TLB_SIZE);
  private readonly globalEntry = new Uint8Array(TLB_SIZE);
  private hasLarge = false;

  /** Permission bit required for data reads / writes / fetches at the current CPL and AC. */
  readMask = ACC_READ_SUP;
  writeMask = ACC_WRITE_SUP;
  execMask = ACC_EXEC_SUP;
  /** Reference path: every access walks the tables (forced emulation). */
  bypassTlb = false;

  // Paging controls, kept in sync by the CPU (a change flushes the TLB).
  readonly ctl: PagingControl = { cr3: 0, nxe: true, pke: false };
  wp = true; smep = false; smap = false; pkru = 0; user = false;

  /** One byte per RAM frame: 1 when the CPU holds decoded instructions from it. */
  readonly codeFrames: Uint8Array;
  onCodeWrite: (frameIndex: number) => void = () => {};

  private readonly walkOut = new WalkResult();
  private readonly entryAddrs = new Float64Array(4);
  /** The high dword of the last read64/readPhys64 (returned value is the low dword). */
  hi = 0;

  constructor(mem: PhysicalMemory, private readonly pageFault: PageFaultSink) {
    this.mem = mem;
    this.u8 = mem.u8;
    this.dv = mem.view;
    this.codeFrames = new Uint8Array(mem.size / PAGE);
  }

  // ---- TLB maintenance -------------------------------------------------

  flush(keepGlobal = false): void {
    if (!keepGlobal) { this.tag.fill(NaN); this.hasLarge = false; return; }
    for (let i = 0; i < TLB_SIZE; i++) if (!this.globalEntry[i]) this.tag[i] = NaN;
  }

  invalidatePage(lin: number): void {
    if (this.hasLarge) { this.flush(); return; }
    const vpn = Math.floor(lin / PAGE);
    const s = vpn & TLB_MASK;
    if (this.tag[s] === vpn) this.tag[s] = NaN;
  }

  /** Drops write permission from every entry that maps `frameIndex` (code was decoded from it). */
  protectCodeFrame(frameIndex: number): void {
    if (this.codeFrames[frameIndex]) return;
    this.codeFrames[frameIndex] = 1;
    const base = frameIndex * PAGE;
    for (let i = 0; i < TLB_SIZE; i++) if (this.frame[i] === base) this.perm[i] &= ~ACC_ANY_WRITE;
  }

  /** Sets the required-permission masks for a CPL and RFLAGS.AC (SMAP override, SDM §4.6.1). */
  setMode(cpl: number, ac: boolean): void {
    if (cpl === 3) { this.readMask = ACC_READ_USER; this.writeMask = ACC_WRITE_USER; this.execMask = ACC_EXEC_USER; }
    else if (ac) { this.readMask = ACC_READ_SUP_AC; this.writeMask = ACC_WRITE_SUP_AC; this.execMask = ACC_EXEC_SUP; }
    else { this.readMask = ACC_READ_SUP; this.writeMask = ACC_WRITE_SUP; this.execMask = ACC_EXEC_SUP; }
  }

  // ---- translation -----------------------------------------------------

  /**
   * Translates `lin` for access kind `acc` (one ACC_* bit), filling the TLB.
   * Returns the physical address; raises #PF with the exact error code.
   */
  translate(lin: number, acc: number): number {
    const vpn = Math.floor(lin / PAGE);
    const s = vpn & TLB_MASK;
    if (!this.bypassTlb && this.tag[s] === vpn && (this.perm[s] & acc) !== 0) {
      return this.frame[s]! + (lin - vpn * PAGE);
    }
    return this.translateSlow(lin, acc, vpn, s);
  }

  private translateSlow(lin: number, acc: number, vpn: number, s: number): number {
    const w = this.walkOut;
    const isWrite = (acc & ACC_ANY_WRITE) !== 0;
    const isUser = (acc & ACC_ANY_USER) !== 0;
    const isExec = (acc & ACC_ANY_EXEC) !== 0;
    let err = (isWrite ? PF_W : 0) | (isUser ? PF_U : 0) | (isExec && (this.ctl.nxe || this.smep) ? PF_I : 0);
    if (!walk(this.mem, this.ctl, lin, w, this.entryAddrs)) {
      if (w.fault === WALK_RESERVED) err |= PF_P | PF_RSVD;
      else if (w.fault !== WALK_NOT_PRESENT) err |= PF_P;
      this.pageFault(lin, err);
    }
    const perms = this.permissions(w);
    if ((perms & acc) === 0) {
      const pkFault = this.isPkeyFault(w, acc);
      this.pageFault(lin, err | PF_P | (pkFault ? PF_PK : 0));
    }
    // The access is allowed: set A on every level, D on the leaf for a write.
    for (let i = 0; i < w.depth; i++) {
      const a = this.entryAddrs[i]!;
      const lo = this.mem.read32(a);
      if ((lo & PTE_A) === 0) this.mem.write32(a, lo | PTE_A);
    }
    let grant = perms;
    if (isWrite && !w.dirty) {
      const lo = this.mem.read32(w.leafAddr);
      this.mem.write32(w.leafAddr, lo | PTE_D);
      w.dirty = true;
    }
    if (!w.dirty) grant &= ~ACC_ANY_WRITE; // first write must come back here to set D
    const inRam = w.physPage + PAGE <= this.mem.size;
    const frameIndex = w.physPage / PAGE;
    if (inRam && this.codeFrames[frameIndex]) {
      if (isWrite) { this.codeFrames[frameIndex] = 0; this.onCodeWrite(frameIndex); }
      else grant &= ~ACC_ANY_WRITE;
    }
    if (!this.bypassTlb) {
      this.tag[s] = vpn;
      this.frame[s] = inRam ? w.physPage : -1;
      this.perm[s] = inRam ? grant : 0; // holes and MMIO always take the slow path
      this.globalEntry[s] = w.global ? 1 : 0;
      if (w.large) this.hasLarge = true;
    }
    return w.physPage + (lin - vpn * PAGE);
  }

  /** Permission byte for a walked translation (SDM §4.6, §4.6.2 for protection keys). */
  private permissions(w: WalkResult): number {
    let p = 0;
    const smapBlocks = this.smap && w.userAll;
    const supWriteOk = w.writeAll || !this.wp;
    let pkRead = true, pkWriteUser = true, pkWriteSup = true;
    if (this.ctl.pke && w.userAll) {
      const ad = (this.pkru >>> (2 * w.pkey)) & 1, wd = (this.pkru >>> (2 * w.pkey + 1)) & 1;
      pkRead = ad === 0;
      pkWriteUser = ad === 0 && wd === 0;
      pkWriteSup = ad === 0 && (wd === 0 || !this.wp);
    }
    if (!smapBlocks && pkRead) p |= ACC_READ_SUP;
    if (pkRead) p |= ACC_READ_SUP_AC;
    if (supWriteOk && !smapBlocks && pkWriteSup) p |= ACC_WRITE_SUP;
    if (supWriteOk && pkWriteSup) p |= ACC_WRITE_SUP_AC;
    if (!w.nxAny && !(this.smep && w.userAll)) p |= ACC_EXEC_SUP;
    if (w.userAll) {
      if (pkRead) p |= ACC_READ_USER;
      if (w.writeAll && pkWriteUser) p |= ACC_WRITE_USER;
      if (!w.nxAny) p |= ACC_EXEC_USER;
    }
    return p;
  }

  /** True when the access failed only because of PKRU (so #PF reports PK). */
  private isPkeyFault(w: WalkResult, acc: number): boolean {
    if (!this.ctl.pke || !w.userAll || (acc & ACC_ANY_EXEC) !== 0) return false;
    const saved = this.pkru;
    this.pkru = 0;
    const withoutKeys = this.permissions(w);
    this.pkru = saved;
    return (withoutKeys & acc) !== 0;
  }

  // ---- data access (little-endian; values are int32 / low dword) -------

  read8(lin: number): number {
    const vpn = Math.floor(lin / PAGE), s = vpn & TLB_MASK;
    if (this.tag[s] === vpn && (this.perm[s] & this.readMask) !== 0) return this.u8[this.frame[s]! + (lin - vpn * PAGE)]!;
    return this.readPhys8(this.translate(lin, this.readMask));
  }
  read16(lin: number): number {
    const vpn = Math.floor(lin / PAGE), s = vpn & TLB_MASK, off = lin - vpn * PAGE;
    if (this.tag[s] === vpn && (this.perm[s] & this.readMask) !== 0 && off <= PAGE - 2) return this.dv.getUint16(this.frame[s]! + off, true);
    return this.readSlow(lin, 2, this.readMask);
  }
  read32(lin: number): number {
    const vpn = Math.floor(lin / PAGE), s = vpn & TLB_MASK, off = lin - vpn * PAGE;
    if (this.tag[s] === vpn && (this.perm[s] & this.readMask) !== 0 && off <= PAGE - 4) return this.dv.getInt32(this.frame[s]! + off, true);
    return this.readSlow(lin, 4, this.readMask);
  }
  /** Returns the low dword; the high dword is left in `this.hi`. */
  read64(lin: number): number {
    const vpn = Math.floor(lin / PAGE), s = vpn & TLB_MASK, off = lin - vpn * PAGE;
    if (this.tag[s] === vpn && (this.perm[s] & this.readMask) !== 0 && off <= PAGE - 8) {
      const p = this.frame[s]! + off;
      this.hi = this.dv.getInt32(p + 4, true);
      return this.dv.getInt32(p, true);
    }
    return this.read64With(lin, this.readMask);
  }

  write8(lin: number, v: number): void {
    const vpn = Math.floor(lin / PAGE), s = vpn & TLB_MASK;
    if (this.tag[s] === vpn && (this.perm[s] & this.writeMask) !== 0) { this.u8[this.frame[s]! + (lin - vpn * PAGE)] = v; return; }
    this.writePhys8(this.translate(lin, this.writeMask), v);
  }
  write16(lin: number, v: number): void {
    const vpn = Math.floor(lin / PAGE), s = vpn & TLB_MASK, off = lin - vpn * PAGE;
    if (this.tag[s] === vpn && (this.perm[s] & this.writeMask) !== 0 && off <= PAGE - 2) { this.dv.setUint16(this.frame[s]! + off, v, true); return; }
    this.writeSlow(lin, 2, v, 0, this.writeMask);
  }
  write32(lin: number, v: number): void {
    const vpn = Math.floor(lin / PAGE), s = vpn & TLB_MASK, off = lin - vpn * PAGE;
    if (this.tag[s] === vpn && (this.perm[s] & this.writeMask) !== 0 && off <= PAGE - 4) { this.dv.setInt32(this.frame[s]! + off, v, true); return; }
    this.writeSlow(lin, 4, v, 0, this.writeMask);
  }
  write64(lin: number, lo: number, hi: number): void {
    const vpn = Math.floor(lin / PAGE), s = vpn & TLB_MASK, off = lin - vpn * PAGE;
    if (this.tag[s] === vpn && (this.perm[s] & this.writeMask) !== 0 && off <= PAGE - 8) {
      const p = this.frame[s]! + off;
      this.dv.setInt32(p, lo, true); this.dv.setInt32(p + 4, hi, true); return;
    }
    this.writeSlow(lin, 8, lo, hi, this.writeMask);
  }

  /**
   * Translates [lin, lin+len) for access kind `acc` without touching memory
   * (len <= 4096). A range crossing into the next page checks that page at its
   * first byte, the CR2 the CPU reports.
   */
  probe(lin: number, len: number, acc: number): void {
    this.translate(lin, acc);
    const off = lin - Math.floor(lin / PAGE) * PAGE;
    if (off + len > PAGE) this.translate(lin - off + PAGE, acc);
  }
  probeWrite(lin: number, len: number): void { this.probe(lin, len, this.writeMask); }
  probeRead(lin: number, len: number): void { this.probe(lin, len, this.readMask); }

  // ---- accesses with an explicit access kind (implicit supervisor, host) ----

  readWith(lin: number, size: 1 | 2 | 4, acc: number): number { return this.readSlow(lin, size, acc); }
  read64With(lin: number, acc: number): number {
    const lo = this.readSlow(lin, 4, acc);
    const hi = this.readSlow(lin + 4, 4, acc);
    this.hi = hi;
    return lo;
  }
  writeWith(lin: number, size: 1 | 2 | 4 | 8, lo: number, hi: number, acc: number): void { this.writeSlow(lin, size, lo, hi, acc); }

  /** Slow read: translates both pages first (so a fault leaves nothing half-done), then reads bytes. */
  private readSlow(lin: number, size: number, acc: number): number {
    const p0 = this.translate(lin, acc);
    const off = lin - Math.floor(lin / PAGE) * PAGE;
    if (off + size <= PAGE) {
      if (size === 1) return this.readPhys8(p0);
      if (size === 2) return this.readPhys8(p0) | (this.readPhys8(p0 + 1) << 8);
      return this.readPhys32(p0);
    }
    const p1 = this.translate(lin + (PAGE - off), acc);
    let v = 0;
    for (let i = 0; i < size; i++) {
      const b = i < PAGE - off ? this.readPhys8(p0 + i) : this.readPhys8(p1 + i - (PAGE - off));
      v |= b << (8 * i);
    }
    return size === 4 ? v | 0 : v;
  }

  private writeSlow(lin: number, size: number, lo: number, hi: number, acc: number): void {
    const p0 = this.translate(lin, acc);
    const off = lin - Math.floor(lin / PAGE) * PAGE;
    const p1 = off + size <= PAGE ? p0 + (PAGE - off) : this.translate(lin + (PAGE - off), acc);
    for (let i = 0; i < size; i++) {
      const b = (i < 4 ? lo >>> (8 * i) : hi >>> (8 * (i - 4))) & 0xff;
      this.writePhys8(i < PAGE - off ? p0 + i : p1 + i - (PAGE - off), b);
    }
  }

  // ---- physical access ----------------------------------------------------

  readPhys8(pa: number): number { return pa >= 0 && pa < this.mem.size ? this.u8[pa]! : 0xff; }
  readPhys32(pa: number): number { return this.mem.read32(pa); }
  writePhys8(pa: number, v: number): void {
    if (pa >= 0 && pa < this.mem.size) {
      const f = Math.floor(pa / PAGE);
      if (this.codeFrames[f]) { this.codeFrames[f] = 0; this.onCodeWrite(f); }
      this.u8[pa] = v;
    }
  }
}
