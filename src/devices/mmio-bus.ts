// Memory-mapped I/O: guest-physical ranges claimed by devices. Every access
// reaches its device whole — 1, 2, 4 or 8 bytes at once, never split into
// bytes (an access that crosses a page is split by the MMU into one access
// per page, as the hardware does). Addresses nobody claims and that are not
// RAM form the open bus: reads return all ones, writes are dropped.
// The local APIC and the host's memory slots will sit on this bus.

export interface MmioDevice {
  /** Reads `size` bytes at `offset` from the start of the claimed range (little-endian value). */
  read(offset: number, size: 1 | 2 | 4 | 8): bigint;
  write(offset: number, size: 1 | 2 | 4 | 8, value: bigint): void;
}

interface Region { base: number; end: number; device: MmioDevice }

export class MmioBus {
  private readonly regions: Region[] = [];

  /** Claims [base, base + length) for `device`; throws if it overlaps another claim. */
  claim(base: number, length: number, device: MmioDevice): void {
    if (!Number.isSafeInteger(base) || !Number.isSafeInteger(length) || base < 0 || length <= 0) {
      throw new RangeError(`bad MMIO range 0x${base.toString(16)}+0x${length.toString(16)}`);
    }
    const end = base + length;
    for (const r of this.regions) {
      if (base < r.end && r.base < end) throw new Error(`MMIO range 0x${base.toString(16)}+0x${length.toString(16)} overlaps another device`);
    }
    this.regions.push({ base, end, device });
    this.regions.sort((a, b) => a.base - b.base);
  }

  /** True when some device claims any byte of [pa, pa + len). */
  claims(pa: number, len: number): boolean {
    for (const r of this.regions) if (pa < r.end && r.base < pa + len) return true;
    return false;
  }

  read(pa: number, size: 1 | 2 | 4 | 8): bigint {
    const r = this.find(pa, size);
    if (r) return BigInt.asUintN(size * 8, r.device.read(pa - r.base, size));
    return (1n << BigInt(size * 8)) - 1n;
  }

  write(pa: number, size: 1 | 2 | 4 | 8, value: bigint): void {
    const r = this.find(pa, size);
    if (r) r.device.write(pa - r.base, size, BigInt.asUintN(size * 8, value));
  }

  /**
   * The region an access belongs to: the one holding its first byte (an
   * access straddling the end of a region is the device's to interpret, as
   * on hardware).
   */
  private find(pa: number, _size: number): Region | undefined {
    for (const r of this.regions) if (pa >= r.base && pa < r.end) return r;
    return undefined;
  }
}
