// The TLB of the MMU (mmu.ts): a direct-mapped cache of 4 KiB translations
// (SDM Vol. 3A §4.10) and its maintenance — flushes, PCID switches, INVLPG of
// 4 KiB and large pages, and write permission taken back from frames that hold
// decoded code. Mmu extends this class: the translation and the access paths
// live there, the cache and its rules here, and the copies of entries that
// the interpreter keeps per instruction (AccessCache).
//
// Every entry keeps, per page, the frame and the permission for every access
// kind (access.ts), precomputed at fill time, so the fast path is one tag
// compare and one bit test. Maintenance never allocates.
import type { PhysicalMemory, MemorySlot } from './physical-memory.js';
import { PhysicalAccess } from './physical-access.js';
import { SPAN_2M, SPAN_1G, type WalkResult } from './paging.js';
import { ACC_ANY_WRITE } from './access.js';

export const TLB_BITS = 14; // 64 MiB of 4 KiB pages (issue 11's pointer chase over 64 MiB missed on every access with 4096)
export const TLB_SIZE = 1 << TLB_BITS;
export const TLB_MASK = TLB_SIZE - 1;

/**
 * The TLB slot of virtual page `vpn`: its low bits, XORed with the bits from
 * 1 GiB up (address bits 30-43). Any 64 MiB within one GiB still has a slot
 * per page (the pointer chase over 64 MiB), while the first pages of regions
 * a power of two apart — the guest ABI's GDT, stacks, code and allocations —
 * no longer share slot 0 (the page-fault loop's page evicted the GDT's entry
 * every round). Consecutive pages of a large page stay in consecutive slots.
 */
export function slotOf(vpn: number): number {
  const v = vpn | 0; // the low 32 bits, as two's complement
  return (v ^ (v >>> 18)) & TLB_MASK;
}
const PAGE = 4096;
const TWO32 = 4294967296;
const LARGE_BASES = 32;

/**
 * A copy of one TLB entry, kept by code that touches the same page again and
 * again (one per decoded instruction: the interpreter's handlers, and the
 * compiled tier for absolute and RIP-relative operands): it is the TLB's
 * own while its slot's stamp is the one it was copied at (so an INVLPG or a
 * refill of another slot leaves it valid);
 * its permission is tested against the current masks at each use, as the
 * TLB's is, so CPL, SMAP, #AC, watches and the reference path apply unchanged.
 */
export interface AccessCache {
  /** The page's linear address (NaN: none), and its halves as int32s (for RSP's halves, stack.ts). */
  cacheBase: number;
  cacheLo: number;
  cacheHi: number;
  /** The page's offset in cacheView. */
  cacheFrame: number;
  cacheView: DataView;
  cachePerm: number;
  /** The TLB slot it copies, and that slot's stamp at the copy. */
  cacheSlot: number;
  cacheGen: number;
}

/**
 * Where the address whose int32 halves are `lo` and `hi` lies in k.cacheView, when k's page holds
 * the `size` bytes from it; else -1. What the copy lets an access do is the caller's question
 * (Mmu.readableCopy, writableCopy). For code that keeps addresses as halves (stack.ts, held-operand.ts).
 */
export function offsetInCopy(k: AccessCache, lo: number, hi: number, size: number): number {
  const off = (lo - k.cacheLo) | 0;
  return hi === k.cacheHi && off >= 0 && off <= PAGE - size ? k.cacheFrame + off : -1;
}

/** An AccessCache that holds no page yet (one not tied to an instruction: the compiled tier's stack page). */
export const emptyAccessCache = (): AccessCache => ({
  cacheBase: NaN, cacheLo: 0, cacheHi: 0, cacheFrame: 0, cacheView: new DataView(new ArrayBuffer(0)), cachePerm: 0, cacheSlot: 0, cacheGen: -1,
});

export class TlbCache extends PhysicalAccess {
  // Parallel typed arrays, tag = virtual page number (NaN = empty or not
  // visible under the current PCID). `key` and `owner` keep every entry's page
  // and PCID (SDM §4.10.1), so a PCID switch makes another context's entries
  // visible again without the fast path ever comparing a PCID.
  protected readonly tag = new Float64Array(TLB_SIZE).fill(NaN);
  protected readonly key = new Float64Array(TLB_SIZE).fill(NaN);
  protected readonly owner = new Uint16Array(TLB_SIZE);
  // The frame: its slot's memory and the byte offset in it (a slot is at most 2 GiB), and its physical address.
  protected readonly views: DataView[] = new Array<DataView>(TLB_SIZE).fill(new DataView(new ArrayBuffer(0)));
  protected readonly frame = new Int32Array(TLB_SIZE);
  protected readonly phys = new Float64Array(TLB_SIZE); // read only where the tag matches (or compared by revokeWrite, where an empty entry is harmless)
  protected readonly perm = new Uint8Array(TLB_SIZE);
  private readonly globalEntry = new Uint8Array(TLB_SIZE);
  /** 4 KiB pages of the entry's leaf (1, SPAN_2M, SPAN_1G): INVLPG of a large page drops all its slices. */
  private readonly span = new Uint32Array(TLB_SIZE);
  private has1G = false;
  // The 2 MiB pages with slices in the TLB (their first VPN), so INVLPG scans their slots only when
  // the address lies in one of them; past LARGE_BASES distinct pages, every INVLPG scans.
  private readonly bases2M = new Float64Array(LARGE_BASES);
  private nBases2M = 0;
  private manyBases2M = false;
  /** The current PCID (CR3[11:0] with CR4.PCIDE = 1, else 0): TLB fills are tagged with it. */
  protected pcid = 0;
  /**
   * Every slot's stamp, a number never used before, given whenever its entry
   * changes (fill, flush, INVLPG, PCID switch, write permission taken back): a
   * copy made at stamp g (AccessCache) is the TLB's own while the slot's stamp
   * is still g. Float64: the count of stamps outlives any run.
   */
  private readonly stamp = new Float64Array(TLB_SIZE);
  private nextStamp = 1;
  // The slots filled since the last full flush (every slot with a key is listed, some twice), so
  // flushes and scans visit those instead of the whole TLB; past TLB_SIZE fills, they visit all.
  private readonly used = new Int32Array(TLB_SIZE);
  private nUsed = 0;
  private usedAll = false;

  constructor(mem: PhysicalMemory) {
    super(mem);
    mem.addCodeListener({ codeProtected: (pa) => this.revokeWrite(pa), codeWritten: (frame) => this.onCodeWrite(frame) });
  }

  /** Flushes every PCID's entries (all of them, or all but the global ones). */
  flush(keepGlobal = false): void {
    if (!keepGlobal) {
      if (this.usedAll) {
        this.tag.fill(NaN); this.key.fill(NaN);
        for (let i = 0; i < TLB_SIZE; i++) this.stamp[i] = this.nextStamp++;
      } else {
        for (let k = 0; k < this.nUsed; k++) {
          const i = this.used[k]!;
          this.tag[i] = this.key[i] = NaN;
          this.stamp[i] = this.nextStamp++;
        }
      }
      this.nUsed = 0; this.usedAll = false;
      this.nBases2M = 0; this.manyBases2M = this.has1G = false;
      return;
    }
    this.dropUsed(-1, true);
  }

  /** Flushes the non-global entries of `pcid` (MOV CR3 with PCIDE = 1 and bit 63 clear, SDM §4.10.4.1). */
  flushPcid(pcid: number, keepGlobal: boolean): void {
    this.dropUsed(pcid, keepGlobal);
  }

  /** Drops the entries of `pcid` (-1: of every PCID), global ones kept with `keepGlobal`; the list keeps the rest. */
  private dropUsed(pcid: number, keepGlobal: boolean): void {
    const all = this.usedAll, n = all ? TLB_SIZE : this.nUsed;
    let kept = 0;
    for (let k = 0; k < n; k++) {
      const i = all ? k : this.used[k]!;
      if (this.key[i] !== this.key[i]) continue; // empty (NaN)
      if ((pcid < 0 || this.owner[i] === pcid) && !(keepGlobal && this.globalEntry[i])) this.drop(i);
      else this.used[kept++] = i; // kept <= k: the list is rewritten behind the scan
    }
    this.nUsed = kept; this.usedAll = false;
  }

  /** Makes `pcid` current: its entries (and, with CR4.PGE, global ones) become visible, others hide. */
  setPcid(pcid: number, globals: boolean): void {
    if (pcid === this.pcid) return;
    this.pcid = pcid;
    const all = this.usedAll, n = all ? TLB_SIZE : this.nUsed;
    for (let k = 0; k < n; k++) {
      const i = all ? k : this.used[k]!;
      this.tag[i] = this.owner[i] === pcid || (globals && this.globalEntry[i]) ? this.key[i]! : NaN;
      this.stamp[i] = this.nextStamp++;
    }
  }

  /** INVLPG: the page's entry whatever its PCID (the SDM allows invalidating other PCIDs' entries). */
  invalidatePage(lin: number): void {
    const vpn = Math.floor(lin / PAGE);
    const s = slotOf(vpn);
    if (this.key[s] === vpn) this.drop(s);
    // A large page is cached as 4 KiB slices: drop every slice of a large page holding `lin`
    // (SDM §4.10.4.1: INVLPG invalidates the whole page, whatever its size).
    if (this.nBases2M !== 0 || this.manyBases2M) this.invalidate2M(vpn);
    if (this.has1G) this.dropLarge(vpn, SPAN_1G);
  }

  /**
   * The bytes the leaf behind the cached translation of `lin` maps (4 KiB, 2 MiB or 1 GiB); 1 GiB,
   * the largest leaf, when the TLB holds no entry for it. INVLPG of an address outside that leaf
   * leaves the translation valid (SDM §4.10.4.1).
   */
  leafBytesAt(lin: number): number {
    const vpn = Math.floor(lin / PAGE), s = slotOf(vpn);
    return (this.tag[s] === vpn ? this.span[s]! : SPAN_1G) * PAGE;
  }

  private invalidate2M(vpn: number): void {
    const base = vpn - (vpn & (SPAN_2M - 1)), b = this.bases2M;
    let i = 0;
    while (i < this.nBases2M && b[i] !== base) i++;
    if (i < this.nBases2M) b[i] = b[--this.nBases2M]!;
    else if (!this.manyBases2M) return;
    this.dropLarge(vpn, SPAN_2M);
  }

  private noteBase2M(vpn: number): void {
    if (this.manyBases2M) return; // every INVLPG scans until the next full flush: nothing more to track
    const base = vpn - (vpn & (SPAN_2M - 1)), b = this.bases2M;
    for (let i = 0; i < this.nBases2M; i++) if (b[i] === base) return;
    if (this.nBases2M < LARGE_BASES) b[this.nBases2M++] = base;
    else this.manyBases2M = true;
  }

  /** Drops entries of `span`-page leaves covering `vpn` (their slots: the filled ones, or the span's from the aligned base's). */
  private dropLarge(vpn: number, span: number): void {
    const base = vpn - (vpn & (span - 1)); // span is a power of two; & of a negative VPN is its two's-complement low bits
    const listed = !this.usedAll && this.nUsed < span, n = listed ? this.nUsed : Math.min(span, TLB_SIZE);
    for (let j = 0; j < n; j++) {
      const i = listed ? this.used[j]! : slotOf(base + j), k = this.key[i]!;
      if (this.span[i] === span && k >= base && k < base + span) this.drop(i);
    }
  }

  /** Empties slot `i`; its copies are no longer current. */
  private drop(i: number): void {
    this.tag[i] = this.key[i] = NaN;
    this.stamp[i] = this.nextStamp++;
  }

  /** Fills slot `s` for page `vpn` from a walk: `grant` is the permission byte, `slot` the frame's memory (none: MMIO or a hole). */
  protected fill(s: number, vpn: number, w: WalkResult, slot: MemorySlot | undefined, grant: number): void {
    if (this.key[s] !== this.key[s]) { // empty (NaN): list it; no copy of an entry it held is current (emptying restamped it)
      if (!this.usedAll) {
        if (this.nUsed < TLB_SIZE) this.used[this.nUsed++] = s;
        else this.usedAll = true;
      }
    } else this.stamp[s] = this.nextStamp++; // an entry replaced
    this.tag[s] = this.key[s] = vpn;
    this.owner[s] = this.pcid;
    this.phys[s] = w.physPage;
    if (slot !== undefined) {
      this.views[s] = slot.view;
      this.frame[s] = w.physPage - slot.base;
      this.perm[s] = grant;
    } else this.perm[s] = 0; // holes and MMIO always take the slow path
    this.globalEntry[s] = w.global ? 1 : 0;
    this.span[s] = w.pageSpan;
    if (w.pageSpan === SPAN_2M) this.noteBase2M(vpn);
    else if (w.pageSpan === SPAN_1G) this.has1G = true;
  }

  /** Drops write permission from every entry that maps the frame at `pa` (code was decoded from it). */
  protectCodeFrame(pa: number): void {
    const slot = this.mem.slotAt(pa, PAGE);
    if (slot === undefined) return;
    const p = (pa - slot.base) / PAGE;
    if (!slot.code[p]) this.mem.markCode(slot, p);
  }

  /** Takes write permission back from every entry that maps the frame at `pa`. */
  private revokeWrite(pa: number): void {
    const all = this.usedAll, n = all ? TLB_SIZE : this.nUsed;
    for (let k = 0; k < n; k++) {
      const i = all ? k : this.used[k]!;
      if (this.phys[i] === pa) { this.perm[i] = this.perm[i]! & ~ACC_ANY_WRITE; this.stamp[i] = this.nextStamp++; }
    }
  }

  /** Whether `k` is still the TLB's own and grants `mask` (no refill). */
  protected grants(k: AccessCache, mask: number): boolean {
    return k.cacheGen === this.stamp[k.cacheSlot] && (k.cachePerm & mask) !== 0;
  }

  /**
   * Whether `k` lets a `size`-byte access at `lin` with `mask` use its page directly: as it is, or
   * refilled from the TLB's entry for the page (then true too). After an access took the slow path,
   * a call refreshes `k` with the entry that access filled.
   */
  protected usable(k: AccessCache, lin: number, size: number, mask: number): boolean {
    const off = lin - k.cacheBase;
    if (off >= 0 && off <= PAGE - size && this.grants(k, mask)) return true;
    const hi = Math.floor(lin / TWO32);
    return this.copiedAt(k, (lin - hi * TWO32) | 0, hi, size, mask) >= 0;
  }

  /**
   * usable's refill, for an address kept as int32 halves (held-operand.ts) too: where the `size` bytes
   * from it lie in k.cacheView once `k` took the TLB's entry for their page, when that entry grants
   * `mask` and holds them all; else -1 (the caller's slow path). Doubles only for the tag's page
   * number and the copy's base. A tag only ever holds a canonical page, so a non-canonical address misses here and
   * meets its #GP on the slow path.
   */
  protected copiedAt(k: AccessCache, lo: number, hi: number, size: number, mask: number): number {
    const off = lo & (PAGE - 1), s = slotOf((hi << 20) | (lo >>> 12));
    if (off > PAGE - size || this.tag[s] !== hi * 1048576 + (lo >>> 12) || (this.perm[s]! & mask) === 0) return -1;
    k.cacheBase = hi * TWO32 + ((lo - off) >>> 0); k.cacheLo = lo - off; k.cacheHi = hi;
    k.cacheFrame = this.frame[s]!; k.cacheView = this.views[s]!; k.cachePerm = this.perm[s]!;
    k.cacheSlot = s; k.cacheGen = this.stamp[s]!;
    return k.cacheFrame + off;
  }
}
