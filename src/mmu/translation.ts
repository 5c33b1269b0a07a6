// Translation of linear addresses (SDM Vol. 3A §4.5, §4.6): the TLB fast path,
// the page walk with its permission and accessed/dirty rules and the exact #PF
// error code on a miss, and the host's side-effect-free translation. The MMU
// (mmu.ts) builds every guest access on it.
import type { PhysicalMemory, MemorySlot } from './physical-memory.js';
import { TlbCache, slotOf } from './tlb.js';
import {
  walk, WalkResult, PagingControl, PTE_A, PTE_D, WALK_NOT_PRESENT, WALK_RESERVED,
  PF_P, PF_W, PF_U, PF_RSVD, PF_I, PF_PK,
} from './paging.js';
import { ACC_ANY_WRITE, ACC_ANY_USER, ACC_ANY_EXEC, permissionsOf, keyDenies } from './access.js';

const PAGE = 4096;

/**
 * Records a #PF and returns what to throw (the CPU's exception sentinel), which
 * the MMU throws itself: the throw starts in translateSlow, so V8 unwinds the
 * fewest frames to the run loop's catch. A sink may also throw.
 */
export type PageFaultSink = (linear: number, errorCode: number) => unknown;

export class Translation extends TlbCache {
  /** Reference path: every access walks the tables and nothing is cached (forced emulation). */
  protected bypassTlb = false;

  // Paging controls, kept in sync by the CPU (a change flushes the TLB).
  readonly ctl: PagingControl = { cr3: 0, nxe: true, pke: false, vendor: 'amd', gbPages: true };
  wp = true; smep = false; smap = false; pkru = 0; user = false;

  /**
   * Set while a compiled region's own accesses run (compiled/tier.ts): a #PF is then recorded (the
   * sink's exception state) and reported in faultDeferred instead of thrown, and the access does
   * nothing. The region checks faultDeferred after each access: a V8 throw costs ~0.3 µs, as much
   * as a page fault's whole delivery (issue 11). Everything else runs with it clear.
   */
  deferFaults = false;
  faultDeferred = false;

  private readonly walkOut = new WalkResult();
  private readonly entryAddrs = new Float64Array(4);
  private readonly hostWalk = new WalkResult();
  private readonly hostEntries = new Float64Array(4);
  constructor(mem: PhysicalMemory, private readonly pageFault: PageFaultSink) {
    super(mem);
  }

  // ---- translation -----------------------------------------------------

  /**
   * Translates `lin` for access kind `acc` (one ACC_* bit), filling the TLB.
   * Returns the physical address; raises #PF with the exact error code.
   */
  translate(lin: number, acc: number): number {
    const vpn = Math.floor(lin / PAGE);
    const s = slotOf(vpn);
    if (!this.bypassTlb && this.tag[s] === vpn && (this.perm[s]! & acc) !== 0) {
      return this.phys[s]! + (lin - vpn * PAGE); // the physical address (frame[] is the offset in the slot)
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
      const thrown = this.pageFault(lin, err);
      if (!this.deferFaults) throw thrown; // thrown here, not in a helper: one frame less for V8 to unwind
      return this.deferred();
    }
    const perms = permissionsOf(w, this.ctl.pke, this.pkru, this.wp, this.smep, this.smap);
    if ((perms & acc) === 0) {
      const thrown = this.pageFault(lin, err | PF_P | (keyDenies(w, acc, this.ctl.pke, this.pkru, this.wp) ? PF_PK : 0));
      if (!this.deferFaults) throw thrown;
      return this.deferred();
    }
    // The access is allowed: set A on every level, D on the leaf for a write.
    // An entry the walk read with A set needs no update; one with A clear is read again and written (a locked
    // read-modify-write on hardware, SDM §4.8).
    for (let i = 0; i < w.depth; i++) {
      if ((w.entryLo[i]! & PTE_A) !== 0) continue;
      const a = this.entryAddrs[i]!;
      const lo = this.mem.read32(a);
      if ((lo & PTE_A) === 0) this.writeEntry(a, lo | PTE_A);
    }
    let grant = perms;
    if (isWrite && !w.dirty) {
      const lo = this.mem.read32(w.leafAddr);
      this.writeEntry(w.leafAddr, lo | PTE_D);
      w.dirty = true;
    }
    if (!w.dirty) grant &= ~ACC_ANY_WRITE; // first write must come back here to set D
    const slot = this.mem.slotAt(w.physPage, PAGE);
    if (slot !== undefined) grant = this.slotGrant(slot, w.physPage - slot.base, grant, isWrite);
    if (!this.bypassTlb) this.fill(s, vpn, w, slot, grant);
    return w.physPage + (lin - vpn * PAGE);
  }

  /** A #PF recorded while faults are deferred: the callers check faultDeferred and do nothing more. */
  private deferred(): number {
    this.faultDeferred = true;
    return 0;
  }

  /**
   * What a TLB entry for the slot page at offset `at` may do without the slow
   * path: no writes to a read-only slot, to a page of decoded code, or (while
   * dirty logging) to a clean page — their writes come back to writePhys. A
   * write translation of a code page drops its code; of a clean page marks it dirty.
   */
  private slotGrant(slot: MemorySlot, at: number, grant: number, isWrite: boolean): number {
    if (slot.readonly) return grant & ~ACC_ANY_WRITE;
    const p = at / PAGE;
    if (slot.code[p]) {
      if (!isWrite) return grant & ~ACC_ANY_WRITE;
      this.mem.codeWritten(slot, p);
    }
    if (slot.dirty !== null && !slot.dirty[p]) {
      if (!isWrite) return grant & ~ACC_ANY_WRITE;
      slot.dirty[p] = 1;
    }
    return grant;
  }

  /**
   * A host's translation of `lin`: what the page tables say, with no side
   * effects (no TLB fill, no A/D update, no fault, SMAP ignored); -1 when the
   * address is not canonical or not mapped.
   */
  hostTranslate(lin: number): number {
    if (lin >= 0x800000000000 || lin < -0x800000000000) return -1;
    if (!walk(this.mem, this.ctl, lin, this.hostWalk, this.hostEntries)) return -1;
    return this.hostWalk.physPage + (lin - Math.floor(lin / PAGE) * PAGE);
  }
}
