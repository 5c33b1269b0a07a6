// The MMU's data paths beyond the permission rules: what a TLB hit returns
// (the right frame for the right page, little-endian values), accesses that
// cross into a page mapped to an unrelated frame, the same values through
// both paths, and the probes instructions use to fault before they write
// (SDM Vol. 3A §4.10 TLBs; Vol. 1 §1.3.1 little-endian byte order).
import { describe, expect, it } from 'vitest';
import { PhysicalMemory } from '../src/mmu/physical-memory.js';
import { FrameAllocator, PageTableBuilder } from '../src/mmu/page-table-builder.js';
import { Mmu } from '../src/mmu/mmu.js';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import { Machine, DATA_LIN, RAX, movImm, outcome } from './helpers/system.js';

class Fault { constructor(readonly lin: number, readonly err: number) {} }
const RW = { user: false, writable: true, executable: false };
const A = 0x10000000;
/** A page 4096 pages above A: a direct-mapped TLB of up to 4096 entries puts both in one slot. */
const B = A + 4096 * 4096;
const FA = 0x200000, FB = 0x300000, FNEXT = 0x280000;

function world(reference = false) {
  const mem = new PhysicalMemory(8 * 1024 * 1024);
  const pt = new PageTableBuilder(mem, new FrameAllocator(0x100000, 0x200000));
  const mmu = new Mmu(mem, (lin, err) => { throw new Fault(lin, err); });
  mmu.ctl.cr3 = pt.pml4;
  pt.map(A, FA, 4096, RW);
  pt.map(A + 4096, FNEXT, 4096, RW);   // the page after A: not the frame after FA
  pt.map(B, FB, 4096, RW);
  for (let k = 0; k < 4096; k++) { mem.u8[FA + k] = k & 0xff; mem.u8[FB + k] = (k & 0xff) ^ 0xaa; mem.u8[FNEXT + k] = 0x40 + (k & 0x3f); }
  mem.u8[FA + 4096] = 0xee; // the frame after FA differs from FNEXT's bytes
  mmu.setMode(0, false);
  mmu.setReference(reference);
  return { mem, mmu };
}

const le = (bytes: number[]) => bytes.reduceRight((v, b) => (v << 8n) | BigInt(b), 0n);
/** Reads `size` bytes as an unsigned bigint through the MMU's sized entry points. */
function read(mmu: Mmu, size: number, lin: number): bigint {
  switch (size) {
    case 1: return BigInt(mmu.read8(lin));
    case 2: return BigInt(mmu.read16(lin));
    case 4: return BigInt(mmu.read32(lin) >>> 0);
    default: { const lo = mmu.read64(lin) >>> 0; return (BigInt(mmu.hi >>> 0) << 32n) | BigInt(lo); }
  }
}
function write(mmu: Mmu, size: number, lin: number, v: bigint): void {
  const lo = Number(v & 0xffffffffn) | 0, hi = Number(v >> 32n) | 0;
  switch (size) {
    case 1: mmu.write8(lin, lo); return;
    case 2: mmu.write16(lin, lo); return;
    case 4: mmu.write32(lin, lo); return;
    default: mmu.write64(lin, lo, hi);
  }
}
const SIZES = [1, 2, 4, 8];

describe.each([false, true])('MMU data paths (reference path: %s)', (reference) => {
  it('reads are little-endian, the first (walk) and the second (TLB) alike', () => {
    for (const size of SIZES) {
      const { mmu } = world(reference);
      const want = le(Array.from({ length: size }, (_, k) => 0x10 + k));
      expect(read(mmu, size, A + 0x10)).toBe(want);
      expect(read(mmu, size, A + 0x10)).toBe(want);
    }
  });

  it('writes are little-endian and land in the page’s frame, then read back from the TLB', () => {
    for (const size of SIZES) {
      const { mem, mmu } = world(reference);
      const v = 0x8877665544332211n & ((1n << BigInt(8 * size)) - 1n);
      read(mmu, 1, A);                                    // TLB filled for reading
      write(mmu, size, A + 0x20, v);
      write(mmu, size, A + 0x40, v);                      // a second write: the TLB now grants writing
      expect(Array.from(mem.u8.subarray(FA + 0x40, FA + 0x40 + size))).toEqual(Array.from({ length: size }, (_, k) => 0x11 * (k + 1)));
      expect(read(mmu, size, A + 0x40)).toBe(v);
    }
  });

  it('two pages in one TLB slot: each access reaches its own page’s frame', () => {
    for (const size of SIZES) {
      const { mem, mmu } = world(reference);
      const bytesA = le(Array.from({ length: size }, (_, k) => 0x30 + k));
      const bytesB = le(Array.from({ length: size }, (_, k) => (0x30 + k) ^ 0xaa));
      for (let round = 0; round < 2; round++) {
        expect(read(mmu, size, A + 0x30)).toBe(bytesA);
        expect(read(mmu, size, B + 0x30)).toBe(bytesB);
      }
      write(mmu, size, A + 0x80, 0x0102030405060708n & ((1n << BigInt(8 * size)) - 1n));
      write(mmu, size, B + 0x80, 0x1112131415161718n & ((1n << BigInt(8 * size)) - 1n));
      write(mmu, size, A + 0x80, 0x2122232425262728n & ((1n << BigInt(8 * size)) - 1n));
      write(mmu, size, B + 0x80, 0x3132333435363738n & ((1n << BigInt(8 * size)) - 1n));
      expect(mem.u8[FA + 0x80]).toBe(0x28);
      expect(mem.u8[FB + 0x80]).toBe(0x38);
    }
  });

  it('an access crossing into the next page takes its bytes from that page’s frame, wherever it is', () => {
    for (const size of [2, 4, 8]) {
      for (let back = 1; back < size; back++) {
        const { mem, mmu } = world(reference);
        read(mmu, 1, A); read(mmu, 1, A + 4096); read(mmu, 1, A); // both pages in the TLB
        const lin = A + 4096 - back;
        const bytes = Array.from({ length: size }, (_, k) => (k < back ? (4096 - back + k) & 0xff : 0x40 + k - back));
        expect(`${size}@-${back}: ${read(mmu, size, lin).toString(16)}`).toBe(`${size}@-${back}: ${le(bytes).toString(16)}`);
        write(mmu, size, lin, 0xf1f2f3f4f5f6f7f8n & ((1n << BigInt(8 * size)) - 1n));
        write(mmu, size, lin, 0xf1f2f3f4f5f6f7f8n & ((1n << BigInt(8 * size)) - 1n));
        expect(mem.u8[FA + 4096]).toBe(0xee);
        const written = [0xf8, 0xf7, 0xf6, 0xf5, 0xf4, 0xf3, 0xf2, 0xf1];
        expect(Array.from(mem.u8.subarray(FA + 4096 - back, FA + 4096))).toEqual(written.slice(0, back));
        expect(Array.from(mem.u8.subarray(FNEXT, FNEXT + size - back))).toEqual(written.slice(back, size));
      }
    }
  });
});

describe.each(EXECUTION_PATHS)('probes (%s path)', (path) => {
  it('CLFLUSH checks its byte like a read: #PF on a page that is not present, fine on a mapped one (SDM CLFLUSH)', () => {
    const m = new Machine();
    // clflush [rax]
    expect(outcome(m.run([0x0f, 0xae, 0x38], { path, regs: { [RAX]: 0x1000n } }))).toBe('#PF(0)');
    expect(m.cpu.cr2).toBe(0x1000);
    expect(outcome(m.run([0x0f, 0xae, 0x38], { path, regs: { [RAX]: BigInt(DATA_LIN) } }))).toBe('ok');
  });
});

// A memory slot at a non-zero guest-physical base (the host's KVM_SET_USER_MEMORY_REGION): a TLB hit gives
// the frame's physical address, so code fetched again from a page already in the TLB comes from that slot.
describe.each(EXECUTION_PATHS)('code in a slot at a non-zero base (%s path)', (path) => {
  it('a loop between two pages of the slot fetches each page again through its TLB entry', () => {
    const m = new Machine();
    const SLOT = 0x10000000, X = 0x900000, Y = X + 0x1000;
    const slot = m.mem.addSlot({ base: SLOT, size: 0x2000 });
    m.pt.map(X, SLOT, 4096, { user: false, writable: false, executable: true });
    m.pt.map(Y, SLOT + 0x1000, 4096, { user: false, writable: false, executable: true });
    const rel32 = (from: number, to: number) => { const d = to - from; return [d & 0xff, (d >>> 8) & 0xff, (d >>> 16) & 0xff, (d >>> 24) & 0xff]; };
    slot.bytes.set([0xff, 0xc1, 0xe9, ...rel32(X + 7, Y)], 0);              // X: inc ecx; jmp Y
    // Y: inc ebx; cmp ebx, 3; je done; jmp X; done: hlt
    slot.bytes.set([0xff, 0xc3, 0x83, 0xfb, 0x03, 0x74, 0x05, 0xe9, ...rel32(Y + 12, X), 0xf4], 0x1000);
    expect(outcome(m.run([...movImm(RAX, X), 0xff, 0xe0], { path }))).toBe('halt');
    expect([m.cpu.getReg64(1), m.cpu.getReg64(3)]).toEqual([3n, 3n]);
  });
});
