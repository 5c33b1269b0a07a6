// The one path for every guest memory access by linear address: explicit data
// accesses at the current privilege, implicit supervisor accesses (descriptor
// tables, the TSS, exception frames: implicit-access.ts, which this class
// extends), probes, and RAM spans for the string fast paths. A rule about accesses (MMIO, self-modifying code, and later #AC,
// dirty logging and access hooks) is written once, here.
//
// Translation (translation.ts) walks the page tables on a TLB miss. The TLB
// (tlb.ts, SDM Vol. 3A §4.10) caches, per page, the frame and the
// permission for every access kind, precomputed from U/S, R/W, WP, NX, SMEP,
// SMAP and PKU, so the fast path is one tag compare and one bit test; the
// implicit supervisor accesses (delivery, IRET, descriptor reads) take it too.
// Pages that are not RAM (MMIO, the open bus) and writes to frames holding
// decoded code never take the fast path; the slow path reaches the device, or
// tells the CPU to drop the decoded code.
import type { PhysicalMemory } from './physical-memory.js';
import { slotOf, type AccessCache } from './tlb.js';
import type { PageFaultSink } from './translation.js';
import { ImplicitAccess } from './implicit-access.js';
export type { AccessCache } from './tlb.js';
export type { PageFaultSink } from './translation.js';
import { ACC_READ_SUP, ACC_READ_SUP_AC, ACC_WRITE_SUP, ACC_WRITE_SUP_AC, ACC_EXEC_SUP, ACC_READ_USER, ACC_WRITE_USER, ACC_EXEC_USER, ACC_ANY_WRITE } from './access.js';

export { ACC_READ_SUP, ACC_READ_SUP_AC, ACC_WRITE_SUP, ACC_WRITE_SUP_AC, ACC_EXEC_SUP, ACC_READ_USER, ACC_WRITE_USER, ACC_EXEC_USER } from './access.js';

const PAGE = 4096;

/** Sees every explicit data access while installed (data breakpoints, cpu/debug.ts): `access` before it, `value` after. */
export interface AccessWatch {
  access(lin: number, size: number, write: boolean): void;
  /** The data read or written (optional: host tracing, cpu/host-debug.ts). */
  value?(lin: number, size: number, write: boolean, lo: number, hi: number): void;
  /** Whether any access can matter to it now: if not, REP strings may move their elements in bulk, unseen. */
  readonly watching: boolean;
}

export class Mmu extends ImplicitAccess {
  /** The slot memory of the last ramAddress() (the addresses it returns are offsets in it). */
  runBytes: Uint8Array = new Uint8Array(0);
  runView: DataView = new DataView(this.runBytes.buffer);

  /** Access kind (one ACC_* bit) of data reads / writes / fetches at the current CPL and AC. */
  readMask = ACC_READ_SUP;
  writeMask = ACC_WRITE_SUP;
  execMask = ACC_EXEC_SUP;
  /** The bits the fast paths test: readMask/writeMask, or 0 on the reference path (no TLB hit). */
  private tlbRead = ACC_READ_SUP;
  private tlbWrite = ACC_WRITE_SUP;
  /** Alignment checks (#AC at CPL 3 with CR0.AM and AC, SDM §6.15) and the watch: while on, explicit accesses skip the fast path. */
  private alignOn = false;
  private watch: AccessWatch | null = null;
  am = false; // CR0.AM, kept in sync by the CPU

  /**
   * Set by the run loop while the interpreter's fast loop runs: the …Cached accessors' slow path
   * then defers a #PF too, calls onDeferredFault (the CPU stops its loop) and returns; their
   * callers check faultDeferred and return before changing any state. The loop delivers the fault.
   */
  deferCached = false;
  onDeferredFault: () => void = () => {};

  constructor(mem: PhysicalMemory, pageFault: PageFaultSink, private readonly alignmentFault: () => never = () => { throw new Error('#AC'); }) {
    super(mem, pageFault);
  }

  /** Sets the required-permission masks for a CPL and RFLAGS.AC (SMAP override, SDM §4.6.1). */
  setMode(cpl: number, ac: boolean): void {
    if (cpl === 3) { this.readMask = ACC_READ_USER; this.writeMask = ACC_WRITE_USER; this.execMask = ACC_EXEC_USER; }
    else if (ac) { this.readMask = ACC_READ_SUP_AC; this.writeMask = ACC_WRITE_SUP_AC; this.execMask = ACC_EXEC_SUP; }
    else { this.readMask = ACC_READ_SUP; this.writeMask = ACC_WRITE_SUP; this.execMask = ACC_EXEC_SUP; }
    this.alignOn = cpl === 3 && ac && this.am;
    this.setReference(this.bypassTlb);
  }

  /** Installs (or removes, null) the watch on explicit data accesses. */
  setWatch(w: AccessWatch | null): void {
    this.watch = w;
    this.setReference(this.bypassTlb);
  }
  get alignmentChecking(): boolean { return this.alignOn; }

  /** Reference path on or off: while on, no access hits or fills the TLB. */
  setReference(on: boolean): void {
    this.bypassTlb = on;
    const slow = on || this.alignOn || this.watch !== null;
    this.tlbRead = slow ? 0 : this.readMask;
    this.tlbWrite = slow ? 0 : this.writeMask;
  }
  get reference(): boolean { return this.bypassTlb; }

  // ---- explicit data accesses at the current CPL and AC (values are int32 / low dword) ----

  read8(lin: number): number {
    const vpn = Math.floor(lin / PAGE), s = slotOf(vpn);
    if (this.tag[s] === vpn && (this.perm[s]! & this.tlbRead) !== 0) return this.views[s]!.getUint8(this.frame[s]! + (lin - vpn * PAGE));
    return this.readData(lin, 1);
  }
  read16(lin: number): number {
    const vpn = Math.floor(lin / PAGE), s = slotOf(vpn), off = lin - vpn * PAGE;
    if (this.tag[s] === vpn && (this.perm[s]! & this.tlbRead) !== 0 && off <= PAGE - 2) return this.views[s]!.getUint16(this.frame[s]! + off, true);
    return this.readData(lin, 2);
  }
  read32(lin: number): number {
    const vpn = Math.floor(lin / PAGE), s = slotOf(vpn), off = lin - vpn * PAGE;
    if (this.tag[s] === vpn && (this.perm[s]! & this.tlbRead) !== 0 && off <= PAGE - 4) return this.views[s]!.getInt32(this.frame[s]! + off, true);
    return this.readData(lin, 4);
  }
  /** Returns the low dword; the high dword is left in `hi`. */
  read64(lin: number): number {
    const vpn = Math.floor(lin / PAGE), s = slotOf(vpn), off = lin - vpn * PAGE;
    if (this.tag[s] === vpn && (this.perm[s]! & this.tlbRead) !== 0 && off <= PAGE - 8) {
      const p = this.frame[s]! + off, v = this.views[s]!;
      this.hi = v.getInt32(p + 4, true);
      return v.getInt32(p, true);
    }
    return this.readData(lin, 8);
  }

  /**
   * For a compiled region's page caches (compiled/page-caches.ts): when the TLB entry of the page
   * of `lin` lets a data read (or, with `write`, a write) use RAM directly, leaves the page's view
   * in runView and returns the page's offset in it; else -1 (not RAM, a slow path in force).
   */
  directPage(lin: number, write: boolean): number {
    const vpn = Math.floor(lin / PAGE), s = slotOf(vpn);
    if (this.tag[s] !== vpn || (this.perm[s]! & (write ? this.tlbWrite : this.tlbRead)) === 0) return -1;
    this.runView = this.views[s]!;
    return this.frame[s]!;
  }

  write8(lin: number, v: number): void {
    const vpn = Math.floor(lin / PAGE), s = slotOf(vpn);
    if (this.tag[s] === vpn && (this.perm[s]! & this.tlbWrite) !== 0) { this.views[s]!.setUint8(this.frame[s]! + (lin - vpn * PAGE), v); return; }
    this.writeData(lin, 1, v, 0);
  }
  write16(lin: number, v: number): void {
    const vpn = Math.floor(lin / PAGE), s = slotOf(vpn), off = lin - vpn * PAGE;
    if (this.tag[s] === vpn && (this.perm[s]! & this.tlbWrite) !== 0 && off <= PAGE - 2) { this.views[s]!.setUint16(this.frame[s]! + off, v, true); return; }
    this.writeData(lin, 2, v, 0);
  }
  write32(lin: number, v: number): void {
    const vpn = Math.floor(lin / PAGE), s = slotOf(vpn), off = lin - vpn * PAGE;
    if (this.tag[s] === vpn && (this.perm[s]! & this.tlbWrite) !== 0 && off <= PAGE - 4) { this.views[s]!.setInt32(this.frame[s]! + off, v, true); return; }
    this.writeData(lin, 4, v, 0);
  }
  write64(lin: number, lo: number, hi: number): void {
    const vpn = Math.floor(lin / PAGE), s = slotOf(vpn), off = lin - vpn * PAGE;
    if (this.tag[s] === vpn && (this.perm[s]! & this.tlbWrite) !== 0 && off <= PAGE - 8) {
      const p = this.frame[s]! + off, dv = this.views[s]!;
      dv.setInt32(p, lo, true); dv.setInt32(p + 4, hi, true); return;
    }
    this.writeData(lin, 8, lo, hi);
  }

  // The same accesses through an AccessCache first (a hit costs no TLB lookup); else the TLB's
  // entry copied into it (one lookup); else the access as above, and then the entry it filled.
  // With deferCached, the slow path records a #PF instead of throwing it: see deferCached. In a
  // compiled region (deferFaults already set) they defer as the region's other accesses do.
  read32Cached(k: AccessCache, lin: number): number {
    if (this.usable(k, lin, 4, this.tlbRead)) return k.cacheView.getInt32(k.cacheFrame + (lin - k.cacheBase), true);
    return this.read32Missed(k, lin);
  }
  /** Returns the low dword; the high dword is left in `hi`. */
  read64Cached(k: AccessCache, lin: number): number {
    if (this.usable(k, lin, 8, this.tlbRead)) {
      const p = k.cacheFrame + (lin - k.cacheBase), v = k.cacheView;
      this.hi = v.getInt32(p + 4, true);
      return v.getInt32(p, true);
    }
    return this.read64Missed(k, lin);
  }
  write32Cached(k: AccessCache, lin: number, v: number): void {
    if (this.usable(k, lin, 4, this.tlbWrite)) { k.cacheView.setInt32(k.cacheFrame + (lin - k.cacheBase), v, true); return; }
    this.write32Missed(k, lin, v);
  }
  write64Cached(k: AccessCache, lin: number, lo: number, hi: number): void {
    if (this.usable(k, lin, 8, this.tlbWrite)) {
      const p = k.cacheFrame + (lin - k.cacheBase), dv = k.cacheView;
      dv.setInt32(p, lo, true); dv.setInt32(p + 4, hi, true); return;
    }
    this.write64Missed(k, lin, lo, hi);
  }
  /** probeWrite (a read-modify-write's first step) through `k`: nothing to probe when it grants the write. */
  probeWriteCached(k: AccessCache, lin: number, size: number): void {
    if (!this.usable(k, lin, size, this.tlbWrite)) this.probeWriteMissed(k, lin, size);
  }
  // Their misses, out of line: the accessors stay as small as their hits, for V8 to inline.
  private probeWriteMissed(k: AccessCache, lin: number, size: number): void {
    if (this.refilled(k, lin, size, this.writeMask, this.tlbWrite) || this.faultDeferred) return;
    this.beginSlow();
    this.probeWrite(lin, size);
    this.endSlow(k, lin, size, this.tlbWrite);
  }
  private read32Missed(k: AccessCache, lin: number): number {
    if (this.refilled(k, lin, 4, this.readMask, this.tlbRead)) return k.cacheView.getInt32(k.cacheFrame + (lin - k.cacheBase), true);
    if (this.faultDeferred) return 0;
    this.beginSlow();
    const v = this.read32(lin);
    return this.endSlow(k, lin, 4, this.tlbRead) ? v : 0;
  }
  private read64Missed(k: AccessCache, lin: number): number {
    if (this.refilled(k, lin, 8, this.readMask, this.tlbRead)) {
      const p = k.cacheFrame + (lin - k.cacheBase), v = k.cacheView;
      this.hi = v.getInt32(p + 4, true);
      return v.getInt32(p, true);
    }
    if (this.faultDeferred) return 0;
    this.beginSlow();
    const v = this.read64(lin);
    return this.endSlow(k, lin, 8, this.tlbRead) ? v : 0;
  }
  private write32Missed(k: AccessCache, lin: number, v: number): void {
    if (this.refilled(k, lin, 4, this.writeMask, this.tlbWrite)) { k.cacheView.setInt32(k.cacheFrame + (lin - k.cacheBase), v, true); return; }
    if (this.faultDeferred) return;
    this.beginSlow();
    this.write32(lin, v);
    this.endSlow(k, lin, 4, this.tlbWrite);
  }
  private write64Missed(k: AccessCache, lin: number, lo: number, hi: number): void {
    if (this.refilled(k, lin, 8, this.writeMask, this.tlbWrite)) {
      const p = k.cacheFrame + (lin - k.cacheBase), dv = k.cacheView;
      dv.setInt32(p, lo, true); dv.setInt32(p + 4, hi, true); return;
    }
    if (this.faultDeferred) return;
    this.beginSlow();
    this.write64(lin, lo, hi);
    this.endSlow(k, lin, 8, this.tlbWrite);
  }
  /**
   * A miss of `k` and of the TLB in the interpreter's fast loop (deferCached), the fast path in force
   * (`mask`, the tlbRead/tlbWrite the access tests, is not 0): the translation of the access's first
   * page (`acc`, its kind) fills the TLB, or
   * raises (defers) its #PF as the slow access would first, and `k` takes the entry: one translation
   * where the slow access took three layers and two slot lookups. True when `k` then serves the
   * access; false at a deferred #PF, or when the access needs the slow path all the same (a page
   * crossing, MMIO, a write to code or to a clean page while dirty logging); so is a page the TLB
   * holds, whose entry `k` could not use. Compiled regions keep the slow path: with this one, the
   * compiled interp-loop after the calls guest took 1.3x the time in one process (npm run bench's
   * order; alone, the same), which no count of calls explained.
   */
  private refilled(k: AccessCache, lin: number, size: number, acc: number, mask: number): boolean {
    const vpn = Math.floor(lin / PAGE);
    if (mask === 0 || !this.deferCached || this.tag[slotOf(vpn)] === vpn) return false;
    this.deferFaults = true;
    this.translate(lin, acc);
    this.deferFaults = false;
    if (this.faultDeferred) {
      this.onDeferredFault();
      return false;
    }
    return this.usable(k, lin, size, mask);
  }
  /** Before a …Cached accessor's slow access: in the interpreter's fast loop, a #PF is deferred. */
  private beginSlow(): void {
    if (this.deferCached) this.deferFaults = true;
  }
  /**
   * After it: false at a deferred #PF (the interpreter's loop is told to stop; a compiled region
   * checks faultDeferred itself), else `k` takes the entry the access filled, and true.
   */
  private endSlow(k: AccessCache, lin: number, size: number, mask: number): boolean {
    if (this.deferCached) this.deferFaults = false;
    if (this.faultDeferred) {
      if (this.deferCached) this.onDeferredFault();
      return false;
    }
    this.usable(k, lin, size, mask);
    return true;
  }
  /**
   * After an access to [lin, lin + size) through the MMU: whether `k` (as it is, or taking the TLB's
   * entry for the page) lets explicit writes (reads) of it use RAM directly. The compiled tier's stack
   * page (stack-slots.ts), which outlives the region's visit in `k`.
   */
  copyEntry(k: AccessCache, lin: number, size: number, write: boolean): boolean {
    return this.usable(k, lin, size, write ? this.tlbWrite : this.tlbRead);
  }
  /** Whether `k`, as it is, lets explicit writes (reads) use its page directly: stack.ts's PUSH and POP on RSP's halves. */
  writableCopy(k: AccessCache): boolean { return this.grants(k, this.tlbWrite); }
  readableCopy(k: AccessCache): boolean { return this.grants(k, this.tlbRead); }
  /**
   * For an address kept as int32 halves that `k`'s page does not serve (held-operand.ts): where an
   * explicit read (write) of its `size` bytes finds them in k.cacheView once `k` took the TLB's entry
   * for their page; else -1, and the caller takes the slow path. Nothing faults here.
   */
  readableAtHalves(k: AccessCache, lo: number, hi: number, size: number): number { return this.copiedAt(k, lo, hi, size, this.tlbRead); }
  writableAtHalves(k: AccessCache, lo: number, hi: number, size: number): number { return this.copiedAt(k, lo, hi, size, this.tlbWrite); }
  /**
   * Where an explicit read of [lin, lin + size) (size <= 4096) finds its bytes in k.cacheView when
   * `k` (refilled from the TLB if need be) lets it use RAM directly; else -1, and the caller reads
   * through read64 & co. Nothing faults here.
   */
  readableAt(k: AccessCache, lin: number, size: number): number {
    return this.usable(k, lin, size, this.tlbRead) ? k.cacheFrame + (lin - k.cacheBase) : -1;
  }
  /** The same for an explicit write: where its bytes go in k.cacheView, else -1 (the caller writes through write64 & co.). */
  writableAt(k: AccessCache, lin: number, size: number): number {
    return this.usable(k, lin, size, this.tlbWrite) ? k.cacheFrame + (lin - k.cacheBase) : -1;
  }
  // Explicit accesses off the fast path: #AC(0) before the access (so before any #PF), then the watch.
  private readData(lin: number, size: number): number {
    if (this.alignOn && (lin & (size - 1)) !== 0) this.alignmentFault();
    const w = this.watch;
    if (w !== null) w.access(lin, size, false);
    const lo = this.readSlow(lin, size, this.readMask), hi = this.hi;
    if (w?.value !== undefined && !this.faultDeferred) { w.value(lin, size, false, lo, hi); this.hi = hi; }
    return lo;
  }
  private writeData(lin: number, size: number, lo: number, hi: number): void {
    if (this.alignOn && (lin & (size - 1)) !== 0) this.alignmentFault();
    const w = this.watch;
    if (w !== null) w.access(lin, size, true);
    this.writeSlow(lin, size, lo, hi, this.writeMask);
    if (w !== null && w.value !== undefined && !this.faultDeferred) w.value(lin, size, true, lo, hi);
  }

  /** Reads `size` (1, 2, 4, 8) bytes; the low dword is returned, the high one left in `hi`. */
  read(size: number, lin: number): number {
    switch (size) {
      case 1: return this.read8(lin);
      case 2: return this.read16(lin);
      case 4: return this.read32(lin);
      default: return this.read64(lin);
    }
  }
  /** Writes `size` (1, 2, 4, 8) bytes. */
  write(size: number, lin: number, lo: number, hi: number): void {
    switch (size) {
      case 1: this.write8(lin, lo); return;
      case 2: this.write16(lin, lo); return;
      case 4: this.write32(lin, lo); return;
      default: this.write64(lin, lo, hi);
    }
  }

  /**
   * Translates [lin, lin+len) for access kind `acc` without touching memory
   * (len <= 4096). A range crossing into the next page checks that page at its
   * first byte, the CR2 the CPU reports.
   */
  probe(lin: number, len: number, acc: number): void {
    this.translate(lin, acc);
    if (this.faultDeferred) return;
    const off = lin - Math.floor(lin / PAGE) * PAGE;
    if (off + len > PAGE) this.translate(lin - off + PAGE, acc);
  }
  probeWrite(lin: number, len: number): void { this.probe(lin, len, this.writeMask); }
  probeRead(lin: number, len: number): void { this.probe(lin, len, this.readMask); }

  /**
   * For the string fast paths: the offset of `lin` in its slot's memory (left
   * in runBytes/runView), translated for access kind `acc` (faulting exactly as
   * an access would), or -1 when its page is not slot memory the access may use
   * directly (the caller then goes element by element through read/write, so
   * each access reaches its device or the host; also while accesses are
   * checked). Slots are whole pages, so the rest of the page is in the slot too.
   * A write translation drops decoded code and marks the page dirty first.
   */
  ramAddress(lin: number, acc: number): number {
    // Every element must reach check(). An idle watch (a host's instruction hook alone) does not make a
    // REP string instruction run more times than it would without it: a guest's count (RDTSC) stays its own.
    if (this.alignOn || (this.watch !== null && this.watch.watching)) return -1;
    const pa = this.translate(lin, acc);
    const slot = this.mem.slotAt(pa, 1);
    if (slot === undefined || ((acc & ACC_ANY_WRITE) !== 0 && slot.readonly)) return -1;
    if ((acc & ACC_ANY_WRITE) !== 0) this.noteWrite(slot, pa - slot.base); // a TLB hit skipped translateSlow's bookkeeping
    this.runBytes = slot.bytes;
    this.runView = slot.view;
    return pa - slot.base;
  }
}
