// The I/O port space: 65,536 slots, each naming the device that answers it.
// Unclaimed ports read as all ones and swallow writes (an ISA bus with nothing on it).

export interface PortDevice {
  /** Returns the value read (size 1, 2 or 4 bytes). */
  read(port: number, size: number): number;
  write(port: number, size: number, value: number): void;
}

export class PortBus {
  private readonly devices: (PortDevice | undefined)[] = new Array(65536).fill(undefined);

  register(port: number, count: number, device: PortDevice): void {
    for (let p = port; p < port + count; p++) {
      if (this.devices[p]) throw new Error(`I/O port 0x${p.toString(16)} is already claimed`);
      this.devices[p] = device;
    }
  }

  /** True when an in-VM device answers `port`. */
  claimed(port: number): boolean {
    return this.devices[port] !== undefined;
  }

  read(port: number, size: number): number {
    const d = this.devices[port];
    if (d) return d.read(port, size);
    return size === 1 ? 0xff : size === 2 ? 0xffff : -1;
  }

  write(port: number, size: number, value: number): void {
    this.devices[port]?.write(port, size, value);
  }
}
