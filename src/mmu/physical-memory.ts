// The guest-physical address space: RAM (one ArrayBuffer, little-endian) at
// [0, size), and above it the MMIO bus (devices/mmio-bus.ts): ranges claimed by
// devices, the rest an open bus that reads all ones and drops writes.
import { MmioBus, type MmioDevice } from '../devices/mmio-bus.js';

export class PhysicalMemory {
  readonly size: number;
  readonly u8: Uint8Array;
  readonly view: DataView;
  readonly mmio = new MmioBus();

  constructor(size: number) {
    if (!Number.isInteger(size) || size <= 0 || size % 0x200000 !== 0) {
      throw new RangeError(`memory size must be a positive multiple of 2 MiB, got ${size}`);
    }
    this.size = size;
    this.u8 = new Uint8Array(size);
    this.view = new DataView(this.u8.buffer);
  }

  /** Claims [base, base + length) for an MMIO device; it may not overlap RAM or another device. */
  attach(base: number, length: number, device: MmioDevice): void {
    if (base < this.size) throw new RangeError(`MMIO range 0x${base.toString(16)} overlaps RAM`);
    this.mmio.claim(base, length, device);
  }

  isRam(addr: number, len: number): boolean {
    return addr >= 0 && addr + len <= this.size;
  }

  // ---- one access of 1, 2, 4 or 8 bytes (RAM, else the MMIO bus) ----
  read8(addr: number): number {
    return this.isRam(addr, 1) ? this.u8[addr]! : Number(this.mmio.read(addr, 1));
  }
  read16(addr: number): number {
    return this.isRam(addr, 2) ? this.view.getUint16(addr, true) : Number(this.mmio.read(addr, 2));
  }
  read32(addr: number): number {
    return this.isRam(addr, 4) ? this.view.getInt32(addr, true) : Number(this.mmio.read(addr, 4)) | 0;
  }
  read64(addr: number): bigint {
    return this.isRam(addr, 8) ? this.view.getBigUint64(addr, true) : this.mmio.read(addr, 8);
  }
  write8(addr: number, v: number): void {
    if (this.isRam(addr, 1)) this.u8[addr] = v;
    else this.mmio.write(addr, 1, BigInt(v & 0xff));
  }
  write16(addr: number, v: number): void {
    if (this.isRam(addr, 2)) this.view.setUint16(addr, v, true);
    else this.mmio.write(addr, 2, BigInt(v & 0xffff));
  }
  write32(addr: number, v: number): void {
    if (this.isRam(addr, 4)) this.view.setInt32(addr, v, true);
    else this.mmio.write(addr, 4, BigInt(v >>> 0));
  }
  write64(addr: number, v: bigint): void {
    if (this.isRam(addr, 8)) this.view.setBigUint64(addr, BigInt.asUintN(64, v), true);
    else this.mmio.write(addr, 8, v);
  }

  // ---- host access (the loader, the host API) ----
  writeBytes(addr: number, bytes: Uint8Array): void {
    if (!this.isRam(addr, bytes.length)) throw new RangeError(`physical range 0x${addr.toString(16)}+${bytes.length} is outside RAM`);
    this.u8.set(bytes, addr);
  }
  /** RAM bytes; bytes outside RAM read as 0xff (no device is accessed). */
  readBytes(addr: number, len: number): Uint8Array {
    const out = new Uint8Array(len).fill(0xff);
    for (let i = 0; i < len; i++) if (this.isRam(addr + i, 1)) out[i] = this.u8[addr + i]!;
    return out;
  }
}
