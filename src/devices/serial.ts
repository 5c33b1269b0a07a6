// A minimal 16550 UART at COM1 (0x3f8-0x3ff): THR writes go to the console a
// line at a time, LSR reads 0x60 (transmitter empty), the rest read 0 (guest-abi §6).
import type { PortDevice } from './port-bus.js';

export const COM1_BASE = 0x3f8;
export const COM1_PORTS = 8;
const LSR = 5;

export class Serial implements PortDevice {
  private line = '';
  constructor(private readonly onLine: (text: string) => void) {}

  read(port: number): number {
    return port - COM1_BASE === LSR ? 0x60 : 0;
  }

  write(port: number, _size: number, value: number): void {
    if (port !== COM1_BASE) return;
    const b = value & 0xff;
    if (b === 0x0a) { const t = this.line; this.line = ''; this.onLine(t); }
    else this.line += String.fromCharCode(b);
  }

  /** Emits a pending partial line (at the end of a run). */
  flushPartial(): void {
    if (this.line) { const t = this.line; this.line = ''; this.onLine(t); }
  }
}
