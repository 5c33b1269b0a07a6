// Builds 4-level page tables in guest-physical memory (used by the guest ABI
// environment and by test snippets). Frames come from a bump allocator.
import type { PhysicalMemory } from './physical-memory.js';
import { PTE_P, PTE_RW, PTE_US, PTE_PS } from './paging.js';

export interface MapFlags {
  writable: boolean;
  user: boolean;
  executable: boolean;
  global?: boolean;
}

export class FrameAllocator {
  /**
   * @param fresh memory from `next` up is still as new (zero): frames are not zeroed while it
   *   stays so (clearing fresh memory costs a page fault per page never used otherwise, as
   *   stacks' are); `markUsed` ends it.
   */
  constructor(private next: number, private readonly end: number, private fresh = false) {}
  /** Allocates `count` zeroed 4 KiB frames (contiguous) and returns the physical address. */
  alloc(mem: PhysicalMemory, count = 1, align = 4096): number {
    const a = Math.ceil(this.next / align) * align;
    if (a + count * 4096 > this.end) throw new RangeError('guest RAM exhausted while building the environment');
    this.next = a + count * 4096;
    if (!this.fresh) mem.fill(a, count * 4096);
    return a;
  }
  /** Memory above the frames allocated so far may have been written (the guest runs): zero frames from now on. */
  markUsed(): void { this.fresh = false; }
  get used(): number { return this.next; }
}

const TWO32 = 4294967296;

export class PageTableBuilder {
  readonly pml4: number;

  constructor(private readonly mem: PhysicalMemory, private readonly frames: FrameAllocator) {
    this.pml4 = frames.alloc(mem);
  }

  /** Non-leaf entries: P|RW|U in the lower half, P|RW in the upper half (guest-abi §3), so the leaf decides. */
  private table(parent: number, index: number, upperHalf: boolean): number {
    const addr = parent + index * 8;
    const lo = this.mem.read32(addr);
    if (lo & PTE_P) {
      if (lo & PTE_PS) throw new Error('page-table builder: mapping over a large page');
      return (this.mem.read32(addr + 4) & 0xfffff) * TWO32 + ((lo & 0xfffff000) >>> 0);
    }
    const t = this.frames.alloc(this.mem);
    this.mem.write32(addr, t | PTE_P | PTE_RW | (upperHalf ? 0 : PTE_US)); // the low dword (ToInt32 is modulo 2^32)
    this.mem.write32(addr + 4, Math.floor(t / TWO32)); // bits 51:32 of a table above 4 GiB
    return t;
  }

  /** Maps one page of `size` (4 KiB or 2 MiB) at signed canonical `lin` to `phys`. */
  map(lin: number, phys: number, size: 4096 | 0x200000, flags: MapFlags): void {
    const upper = lin < 0;
    const u = upper ? lin + 2 ** 48 : lin;
    const idx = (shift: number) => Math.floor(u / 2 ** shift) & 511;
    const pdpt = this.table(this.pml4, idx(39), upper);
    const pd = this.table(pdpt, idx(30), upper);
    let leafTable = pd, leafIndex = idx(21), ps = PTE_PS;
    if (size === 4096) { leafTable = this.table(pd, idx(21), upper); leafIndex = idx(12); ps = 0; }
    const addr = leafTable + leafIndex * 8;
    if (this.mem.read32(addr) & PTE_P) throw new Error(`page-table builder: 0x${BigInt.asUintN(64, BigInt(lin)).toString(16)} is already mapped`);
    const lo = (phys % TWO32) | PTE_P | ps | (flags.writable ? PTE_RW : 0) | (flags.user ? PTE_US : 0) | (flags.global ? 0x100 : 0);
    const hi = Math.floor(phys / TWO32) | (flags.executable ? 0 : 0x80000000);
    this.mem.write32(addr, lo | 0);
    this.mem.write32(addr + 4, hi | 0);
  }

  /** Maps [lin, lin+len) to freshly allocated frames; returns the first frame's physical address. */
  mapFresh(lin: number, len: number, flags: MapFlags): number {
    const pages = Math.ceil(len / 4096);
    const phys = this.frames.alloc(this.mem, pages);
    for (let k = 0; k < pages; k++) this.map(lin + k * 4096, phys + k * 4096, 4096, flags);
    return phys;
  }
}
