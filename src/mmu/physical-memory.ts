// Guest-physical RAM: one ArrayBuffer, read and written little-endian.
// Addresses at or beyond the RAM size are unbacked: reads return all ones and
// writes are dropped (what a PC bus returns for a hole), MMIO will claim ranges here.

export class PhysicalMemory {
  readonly size: number;
  readonly u8: Uint8Array;
  readonly view: DataView;

  constructor(size: number) {
    if (!Number.isInteger(size) || size <= 0 || size % 0x200000 !== 0) {
      throw new RangeError(`memory size must be a positive multiple of 2 MiB, got ${size}`);
    }
    this.size = size;
    this.u8 = new Uint8Array(size);
    this.view = new DataView(this.u8.buffer);
  }

  isRam(addr: number, len: number): boolean {
    return addr >= 0 && addr + len <= this.size;
  }

  read8(addr: number): number {
    return this.isRam(addr, 1) ? this.u8[addr]! : 0xff;
  }
  read32(addr: number): number {
    return this.isRam(addr, 4) ? this.view.getInt32(addr, true) : -1;
  }
  /** Low half of a 64-bit read; the high half is read with read32(addr + 4). */
  write8(addr: number, v: number): void {
    if (this.isRam(addr, 1)) this.u8[addr] = v;
  }
  write32(addr: number, v: number): void {
    if (this.isRam(addr, 4)) this.view.setInt32(addr, v, true);
  }
  write64(addr: number, v: bigint): void {
    this.write32(addr, Number(v & 0xffffffffn) | 0);
    this.write32(addr + 4, Number((v >> 32n) & 0xffffffffn) | 0);
  }
  read64(addr: number): bigint {
    return (BigInt(this.read32(addr + 4) >>> 0) << 32n) | BigInt(this.read32(addr) >>> 0);
  }
  writeBytes(addr: number, bytes: Uint8Array): void {
    if (!this.isRam(addr, bytes.length)) throw new RangeError(`physical range 0x${addr.toString(16)}+${bytes.length} is outside RAM`);
    this.u8.set(bytes, addr);
  }
  readBytes(addr: number, len: number): Uint8Array {
    const out = new Uint8Array(len).fill(0xff);
    for (let i = 0; i < len; i++) if (this.isRam(addr + i, 1)) out[i] = this.u8[addr + i]!;
    return out;
  }
}
