// The one memory path and the MMIO bus: every guest access to a claimed
// guest-physical range reaches its device as one access of 1, 2, 4 or 8 bytes,
// on every execution path, including read-modify-write operands and the REP
// string instructions; MMIO is never cached in the TLB; unclaimed addresses
// outside RAM are an open bus (reads all ones, writes dropped).
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import type { MmioDevice } from '../src/devices/mmio-bus.js';
import { Machine } from './helpers/machine.js';

const MMIO_PHYS = 0xfee00000, MMIO_LIN = 0x10000000, RAM_LIN = MMIO_LIN - 0x1000, OPEN_LIN = 0x10002000;
const RAX = 0, RCX = 1, RSI = 6, RDI = 7;

interface Access { op: 'r' | 'w'; offset: number; size: number; value: bigint }

/** A device that logs every access; reads return 0x10 + offset in every byte position (distinct per offset). */
class Recorder implements MmioDevice {
  readonly log: Access[] = [];
  read(offset: number, size: 1 | 2 | 4 | 8): bigint {
    let v = 0n;
    for (let k = 0; k < size; k++) v |= BigInt((0x10 + offset + k) & 0xff) << BigInt(8 * k);
    this.log.push({ op: 'r', offset, size, value: v });
    return v;
  }
  write(offset: number, size: 1 | 2 | 4 | 8, value: bigint): void {
    this.log.push({ op: 'w', offset, size, value });
  }
}

function machineWithDevice(): { m: Machine; dev: Recorder } {
  const m = new Machine();
  const dev = new Recorder();
  m.mem.attach(MMIO_PHYS, 0x1000, dev);
  const sup = { writable: true, user: false, executable: false };
  m.pt.map(MMIO_LIN, MMIO_PHYS, 4096, sup);
  m.pt.map(RAM_LIN, 0x300000, 4096, sup);
  m.pt.map(OPEN_LIN, 0xfe000000, 4096, sup); // nothing claims this one
  return { m, dev };
}

const bytes = (v: bigint, n: number) => Array.from({ length: n }, (_, k) => Number((v >> BigInt(8 * k)) & 0xffn));

describe.each(EXECUTION_PATHS)('MMIO through the one memory path (%s path)', (path) => {
  it('loads of 1, 2, 4 and 8 bytes are one device read each, of that size', () => {
    for (const [code, size] of [[[0x8a, 0x48, 0x10], 1], [[0x66, 0x8b, 0x48, 0x10], 2], [[0x8b, 0x48, 0x10], 4], [[0x48, 0x8b, 0x48, 0x10], 8]] as const) {
      const { m, dev } = machineWithDevice();
      expect(m.run(code, { path, regs: { [RAX]: BigInt(MMIO_LIN) } }).outcome).toBe('ok');
      expect(dev.log).toEqual([{ op: 'r', offset: 0x10, size, value: dev.log[0]!.value }]);
      const mask = (1n << BigInt(8 * size)) - 1n;
      expect(m.cpu.getReg64(RCX) & mask).toBe(dev.log[0]!.value);
    }
  });

  it('stores of 1, 2, 4 and 8 bytes are one device write each, with the value', () => {
    for (const [code, size] of [[[0x88, 0x48, 0x08], 1], [[0x66, 0x89, 0x48, 0x08], 2], [[0x89, 0x48, 0x08], 4], [[0x48, 0x89, 0x48, 0x08], 8]] as const) {
      const { m, dev } = machineWithDevice();
      expect(m.run(code, { path, regs: { [RAX]: BigInt(MMIO_LIN), [RCX]: 0x1122334455667788n } }).outcome).toBe('ok');
      expect(dev.log).toEqual([{ op: 'w', offset: 8, size, value: 0x1122334455667788n & ((1n << BigInt(8 * size)) - 1n) }]);
    }
  });

  it('a read-modify-write operand is one read and one write (ADD, XCHG, INC)', () => {
    for (const code of [[0x83, 0x40, 0x04, 0x01], [0x87, 0x48, 0x04], [0xff, 0x40, 0x04]]) {
      const { m, dev } = machineWithDevice();
      expect(m.run(code, { path, regs: { [RAX]: BigInt(MMIO_LIN) } }).outcome).toBe('ok');
      expect(dev.log.map((a) => `${a.op}${a.size}@${a.offset}`)).toEqual(['r4@4', 'w4@4']);
    }
  });

  it('MMIO is never served from the TLB: a loop reading it reaches the device every time', () => {
    const { m, dev } = machineWithDevice();
    // 1: mov (%rax),%ecx; dec %esi; jnz 1b
    expect(m.run([0x8b, 0x08, 0xff, 0xce, 0x75, 0xfa], { path, regs: { [RAX]: BigInt(MMIO_LIN), [RSI]: 5n } }).outcome).toBe('ok');
    expect(dev.log.length).toBe(5);
  });

  it('an access crossing from RAM into the device page is split at the boundary; the device sees its part only', () => {
    const { m, dev } = machineWithDevice();
    m.mem.u8.set([0xaa, 0xbb], 0x300000 + 0xffe);
    expect(m.run([0x8b, 0x08], { path, regs: { [RAX]: BigInt(MMIO_LIN - 2) } }).outcome).toBe('ok');
    expect(dev.log.map((a) => `${a.op}${a.size}@${a.offset}`)).toEqual(['r1@0', 'r1@1']);
    expect(m.cpu.getReg64(RCX)).toBe(BigInt(0x1110bbaa));
  });

  it('REP MOVSB from the device reads it element by element; REP STOSQ writes it one quadword at a time', () => {
    const { m, dev } = machineWithDevice();
    // rep movsb (RSI = device, RDI = data), then rep stosq into the device
    expect(m.run([0xf3, 0xa4], { path, regs: { [RSI]: BigInt(MMIO_LIN), [RDI]: 0x600000n, [RCX]: 8n } }).outcome).toBe('ok');
    expect(dev.log.map((a) => `${a.op}${a.size}@${a.offset}`)).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((k) => `r1@${k}`));
    expect(Array.from(m.mem.u8.subarray(m.dataPhys, m.dataPhys + 8))).toEqual([0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17]);
    dev.log.length = 0;
    expect(m.run([0xf3, 0x48, 0xab], { path, regs: { [RDI]: BigInt(MMIO_LIN + 0x20), [RCX]: 3n, [RAX]: 0x0102030405060708n } }).outcome).toBe('ok');
    expect(dev.log).toEqual([0x20, 0x28, 0x30].map((offset) => ({ op: 'w', offset, size: 8, value: 0x0102030405060708n })));
  });

  it('addresses nobody claims read as all ones and swallow writes', () => {
    const { m } = machineWithDevice();
    expect(m.run([0x48, 0x89, 0x08, 0x48, 0x8b, 0x08], { path, regs: { [RAX]: BigInt(OPEN_LIN), [RCX]: 5n } }).outcome).toBe('ok');
    expect(m.cpu.getReg64(RCX)).toBe(0xffffffffffffffffn);
  });
});

describe('the MMIO bus', () => {
  it('claims may not overlap RAM or another device', () => {
    const m = new Machine();
    const dev = new Recorder();
    expect(() => m.mem.attach(0x1000, 0x1000, dev)).toThrow(/overlaps RAM/);
    m.mem.attach(0xfee00000, 0x1000, dev);
    expect(() => m.mem.attach(0xfee00800, 0x1000, dev)).toThrow(/overlaps another device/);
    expect(bytes(m.mem.read64(0xfee00000), 2)).toEqual([0x10, 0x11]);
  });
});
