// The MMU's accesses with an explicit access kind — the implicit supervisor
// accesses of delivery, IRET and descriptor loads (IDT gates, descriptors, the
// TSS, exception frames), and the host's — and the slow path every access
// ends in: translate each page first, so a fault leaves nothing half-done,
// then one physical access per page. The explicit accesses at the current
// CPL (mmu.ts) build on it.
import { emptyAccessCache, slotOf, type AccessCache } from './tlb.js';
import { Translation } from './translation.js';
import { ACC_READ_SUP, ACC_WRITE_SUP } from './access.js';

const PAGE = 4096;

export class ImplicitAccess extends Translation {
  // A TLB hit with the access kind's bit set is RAM the access may use directly (tlb.ts: slot memory only,
  // no write bit for read-only, clean or code pages), so these take the fast path as the explicit ones do.
  readWith(lin: number, size: 1 | 2 | 4, acc: number): number {
    const vpn = Math.floor(lin / PAGE), s = slotOf(vpn), off = lin - vpn * PAGE;
    if (!this.bypassTlb && this.tag[s] === vpn && (this.perm[s]! & acc) !== 0 && off <= PAGE - size) {
      const p = this.frame[s]! + off, v = this.views[s]!;
      return size === 4 ? v.getInt32(p, true) : size === 2 ? v.getUint16(p, true) : v.getUint8(p);
    }
    return this.readSlow(lin, size, acc);
  }
  /** Copies of the TLB entries of the pages the last implicit supervisor accesses hit: a descriptor table's, the IDT's, an exception frame's. */
  readonly descriptorPage: AccessCache = emptyAccessCache();
  readonly gatePage: AccessCache = emptyAccessCache();
  readonly framePage: AccessCache = emptyAccessCache();
  /**
   * Where an implicit supervisor write of [lin, lin + size) (size <= 4096) finds its bytes in
   * k.cacheView when `k`, one of the copies above (refilled from the TLB if need be), grants it
   * RAM directly; else -1, and the caller writes through writeWith. Nothing faults here.
   */
  supervisorWritableAt(k: AccessCache, lin: number, size: number): number {
    return !this.bypassTlb && this.usable(k, lin, size, ACC_WRITE_SUP) ? k.cacheFrame + (lin - k.cacheBase) : -1;
  }
  /**
   * An implicit supervisor read of 8 bytes (a descriptor, a gate's first 8) through `k`, one of the
   * copies above, when it (refilled from the TLB if need be) holds the page; else read64With's.
   */
  read64Through(k: AccessCache, lin: number): number {
    if (!this.bypassTlb && this.usable(k, lin, 8, ACC_READ_SUP)) {
      const p = k.cacheFrame + (lin - k.cacheBase), v = k.cacheView;
      this.hi = v.getInt32(p + 4, true);
      return v.getInt32(p, true);
    }
    return this.read64With(lin, ACC_READ_SUP);
  }
  /** The same for 4 bytes. */
  read32Through(k: AccessCache, lin: number): number {
    if (!this.bypassTlb && this.usable(k, lin, 4, ACC_READ_SUP)) return k.cacheView.getInt32(k.cacheFrame + (lin - k.cacheBase), true);
    return this.readWith(lin, 4, ACC_READ_SUP);
  }
  /** Returns the low dword; the high dword is left in `hi`. */
  read64With(lin: number, acc: number): number {
    const vpn = Math.floor(lin / PAGE), s = slotOf(vpn), off = lin - vpn * PAGE;
    if (!this.bypassTlb && this.tag[s] === vpn && (this.perm[s]! & acc) !== 0 && off <= PAGE - 8) {
      const p = this.frame[s]! + off, v = this.views[s]!;
      this.hi = v.getInt32(p + 4, true);
      return v.getInt32(p, true);
    }
    return this.readSlow(lin, 8, acc);
  }
  writeWith(lin: number, size: 1 | 2 | 4 | 8, lo: number, hi: number, acc: number): void {
    const vpn = Math.floor(lin / PAGE), s = slotOf(vpn), off = lin - vpn * PAGE;
    if (!this.bypassTlb && this.tag[s] === vpn && (this.perm[s]! & acc) !== 0 && off <= PAGE - size) {
      const p = this.frame[s]! + off, v = this.views[s]!;
      if (size === 8) { v.setInt32(p, lo, true); v.setInt32(p + 4, hi, true); }
      else if (size === 4) v.setInt32(p, lo, true);
      else if (size === 2) v.setUint16(p, lo, true);
      else v.setUint8(p, lo);
      return;
    }
    this.writeSlow(lin, size, lo, hi, acc);
  }

  /**
   * Slow read: translates every page first (so a fault leaves nothing
   * half-done), then reads each page's part as one physical access.
   */
  protected readSlow(lin: number, size: number, acc: number): number {
    const p0 = this.translate(lin, acc);
    if (this.faultDeferred) return 0;
    const off = lin - Math.floor(lin / PAGE) * PAGE;
    if (off + size <= PAGE) return this.readPhys(p0, size);
    const p1 = this.translate(lin + (PAGE - off), acc);
    if (this.faultDeferred) return 0;
    // Split at the page boundary, byte by byte (as the hardware splits it).
    let lo = 0, hi = 0;
    for (let i = 0; i < size; i++) {
      const b = this.readPhys(i < PAGE - off ? p0 + i : p1 + i - (PAGE - off), 1);
      if (i < 4) lo |= b << (8 * i); else hi |= b << (8 * (i - 4));
    }
    this.hi = hi;
    return size === 2 ? lo & 0xffff : lo;
  }

  protected writeSlow(lin: number, size: number, lo: number, hi: number, acc: number): void {
    const p0 = this.translate(lin, acc);
    if (this.faultDeferred) return;
    const off = lin - Math.floor(lin / PAGE) * PAGE;
    if (off + size <= PAGE) { this.writePhys(p0, size, lo, hi); return; }
    const p1 = this.translate(lin + (PAGE - off), acc);
    if (this.faultDeferred) return;
    for (let i = 0; i < size; i++) {
      const b = (i < 4 ? lo >>> (8 * i) : hi >>> (8 * (i - 4))) & 0xff;
      this.writePhys(i < PAGE - off ? p0 + i : p1 + i - (PAGE - off), 1, b, 0);
    }
  }
}
