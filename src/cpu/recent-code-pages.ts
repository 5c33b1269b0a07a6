// The code pages fetched from most recently, besides the one RIP is on (the
// interpreter's fetch shortcut): a few-entry ITLB. A run that moves between
// a handful of pages — a fault's handler and the code it returns to, a
// SYSCALL entry and the user loop — takes the shortcut of a page it came back
// to from here instead of translating and looking up its frame again. Entries
// are per CPL (the translation's permission is); every other drop of the
// shortcut (CS mode, paging, TLB flush, code written) clears them, as does
// INVLPG of an address in an entry's leaf (SDM §4.10.4.1).
import { FrameCode, PAGE } from './code-cache.js';

const ENTRIES = 8;
const NONE = new FrameCode(-1, 0);

export class RecentCodePages {
  /** Linear (or, for 32/16-bit code with CS.base 0, EIP) base of each entry's page; NaN: empty. */
  private readonly base = new Float64Array(ENTRIES).fill(NaN);
  /** The bytes of the leaf that mapped each entry's page, and the leaf's first address (NaN: empty). */
  private readonly leaf = new Float64Array(ENTRIES);
  private readonly leafStart = new Float64Array(ENTRIES).fill(NaN);
  /** The CPL each entry was fetched at. */
  private readonly cpl = new Uint8Array(ENTRIES);
  private readonly code: FrameCode[] = new Array<FrameCode>(ENTRIES).fill(NONE);
  private next = 0;

  /** The entry whose page holds `rip` at `cpl`, or -1. */
  find(rip: number, cpl: number): number {
    for (let k = 0; k < ENTRIES; k++) {
      const off = rip - this.base[k]!;
      if (off >= 0 && off < PAGE && this.cpl[k] === cpl) return k;
    }
    return -1;
  }

  baseOf(k: number): number { return this.base[k]!; }
  codeOf(k: number): FrameCode { return this.code[k]!; }

  /** Records a page the fetch shortcut took at `cpl` (replacing an entry for the same page, else the oldest). */
  remember(base: number, leaf: number, code: FrameCode, cpl: number): void {
    let k = this.find(base, cpl);
    if (k < 0) { k = this.next; this.next = (k + 1) % ENTRIES; }
    this.base[k] = base; this.leaf[k] = leaf; this.code[k] = code; this.cpl[k] = cpl;
    this.leafStart[k] = Math.floor(base / leaf) * leaf;
  }

  clear(): void {
    this.base.fill(NaN);
    this.leafStart.fill(NaN);
    this.code.fill(NONE);
  }

  /** Whether an entry's page was mapped by the leaf that holds `lin` (INVLPG of `lin` invalidates it): no division per entry. */
  holdsLeafOf(lin: number): boolean {
    for (let k = 0; k < ENTRIES; k++) {
      const off = lin - this.leafStart[k]!;
      if (off >= 0 && off < this.leaf[k]!) return true;
    }
    return false;
  }
}
