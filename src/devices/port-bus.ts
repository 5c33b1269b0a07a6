// The I/O port space: 65,536 slots, each naming the device that answers it.
// Unclaimed ports read as all ones and swallow writes (an ISA bus with nothing on it).

export interface PortDevice {
  /** Returns the value read (size 1, 2 or 4 bytes). */
  read(port: number, size: number): number;
  write(port: number, size: number, value: number): void;
}

export class PortBus {
  // Per port, an index into `devices` (0: none). A byte array rather than a 65,536-element
  // JS array, which V8 builds slowly element by element (start time, issue 11).
  private readonly owner = new Uint8Array(65536);
  private readonly devices: (PortDevice | undefined)[] = [undefined];

  register(port: number, count: number, device: PortDevice): void {
    let k = this.devices.indexOf(device);
    if (k < 0) {
      if (this.devices.length > 255) throw new Error('too many port devices');
      k = this.devices.push(device) - 1;
    }
    for (let p = port; p < port + count; p++) {
      if (this.owner[p]) throw new Error(`I/O port 0x${p.toString(16)} is already claimed`);
      this.owner[p] = k;
    }
  }

  /** True when an in-VM device answers `port`. */
  claimed(port: number): boolean {
    return this.owner[port] !== 0;
  }

  read(port: number, size: number): number {
    const d = this.devices[this.owner[port]!];
    if (d) return d.read(port, size);
    return size === 1 ? 0xff : size === 2 ? 0xffff : -1;
  }

  write(port: number, size: number, value: number): void {
    this.devices[this.owner[port]!]?.write(port, size, value);
  }
}
