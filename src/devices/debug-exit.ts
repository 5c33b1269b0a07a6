// isa-debug-exit at port 0xf4 (as QEMU's): writing v stops the guest with exit code (v << 1) | 1.
import type { PortDevice } from './port-bus.js';

export const DEBUG_EXIT_PORT = 0xf4;

export class DebugExit implements PortDevice {
  constructor(private readonly onExit: (code: number) => void) {}
  read(): number { return 0xff; }
  write(_port: number, size: number, value: number): void {
    const v = size === 1 ? value & 0xff : size === 2 ? value & 0xffff : value >>> 0;
    this.onExit(v * 2 + 1);
  }
}
