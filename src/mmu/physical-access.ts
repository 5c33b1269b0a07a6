// The CPU's physical accesses, after translation: the one place where a data
// access meets a memory slot, a device, or the host. A write to a slot page
// that holds decoded code drops that code (self-modifying code); a write is
// recorded in the slot's dirty log; a write to a read-only slot and any access
// nobody claims go to the host (`HostMmio`: the VM turns them into `mmio`
// exits; by default the open bus: reads all ones, writes dropped).
import type { PhysicalMemory, MemorySlot } from './physical-memory.js';

export const PAGE = 4096;

/** Where the accesses no slot or device takes go. Values are little-endian, `size` bytes. */
export interface HostMmio {
  read(pa: number, size: 1 | 2 | 4 | 8): bigint;
  write(pa: number, size: 1 | 2 | 4 | 8, value: bigint): void;
}

export const OPEN_BUS: HostMmio = {
  read: (_pa, size) => (1n << BigInt(size * 8)) - 1n,
  write: () => {},
};

export class PhysicalAccess {
  readonly mem: PhysicalMemory;
  /** The high dword of the last 64-bit read (read64, read64With, readPhys of 8 bytes, which return the low dword). */
  hi = 0;
  /** Unclaimed addresses and read-only slot writes (the VM installs its exits here). */
  hostMmio: HostMmio = OPEN_BUS;
  /** Called with the global frame number (physical address / 4096) when a write hits decoded code. */
  onCodeWrite: (frame: number) => void = () => {};

  constructor(mem: PhysicalMemory) {
    this.mem = mem;
  }

  /** Reads `size` bytes at a physical address: the low dword returned, the high one in `hi`. */
  readPhys(pa: number, size: number): number {
    const s = this.mem.slotAt(pa, size);
    if (s !== undefined) {
      const at = pa - s.base;
      switch (size) {
        case 1: return s.bytes[at]!;
        case 2: return s.view.getUint16(at, true);
        case 4: return s.view.getInt32(at, true);
        default: this.hi = s.view.getInt32(at + 4, true); return s.view.getInt32(at, true);
      }
    }
    const sz = size as 1 | 2 | 4 | 8;
    const v = this.mem.mmio.claims(pa, 1) ? this.mem.mmio.read(pa, sz) : this.hostMmio.read(pa, sz);
    if (size === 8) this.hi = Number(v >> 32n) | 0;
    return Number(v & 0xffffffffn) | 0;
  }

  /** Writes `size` bytes at a physical address. */
  writePhys(pa: number, size: number, lo: number, hi: number): void {
    const s = this.mem.slotAt(pa, size);
    if (s !== undefined && !s.readonly) {
      const at = pa - s.base;
      this.noteWrite(s, at);
      switch (size) {
        case 1: s.bytes[at] = lo; return;
        case 2: s.view.setUint16(at, lo, true); return;
        case 4: s.view.setInt32(at, lo, true); return;
        default: s.view.setInt32(at, lo, true); s.view.setInt32(at + 4, hi, true);
      }
      return;
    }
    const sz = size as 1 | 2 | 4 | 8;
    const v = size === 8 ? (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0) : BigInt.asUintN(size * 8, BigInt(lo >>> 0));
    if (s === undefined && this.mem.mmio.claims(pa, 1)) this.mem.mmio.write(pa, sz, v);
    else this.hostMmio.write(pa, sz, v);
  }

  /**
   * A paging-structure update (A/D flags): a 4-byte write the walk makes. It is
   * dirty-logged and drops decoded code like any write; in a read-only slot or
   * outside memory it is dropped (it never exits to the host).
   */
  writeEntry(pa: number, lo: number): void {
    const s = this.mem.slotAt(pa, 4);
    if (s === undefined || s.readonly) return;
    this.noteWrite(s, pa - s.base);
    s.view.setInt32(pa - s.base, lo, true);
  }

  /** Bookkeeping of a guest write at offset `at` of slot `s`: the dirty log and decoded code. */
  protected noteWrite(s: MemorySlot, at: number): void {
    const p = (at / PAGE) | 0;
    if (s.dirty !== null) s.dirty[p] = 1;
    if (s.code[p]) this.mem.codeWritten(s, p);
  }
}
