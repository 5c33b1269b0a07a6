// Guest ABI v1 §1: every malformed or unsupported image is refused with a
// one-line error naming the problem; a good one loads.
import { describe, it, expect } from 'vitest';
import { Vm, ImageError } from '../src/vm.js';
import { writeElf, codeImage, KERNEL_BASE, PF_R, PF_W, PF_X } from './helpers/elf-writer.js';

const HLT = [0xf4];
const good = () => ({ entry: KERNEL_BASE, segments: [{ vaddr: KERNEL_BASE, data: Uint8Array.from(HLT), flags: PF_R | PF_X }] });

function refuse(file: Uint8Array, message: RegExp, options = {}): void {
  let err: unknown;
  try { Vm.fromElf(file, options); } catch (e) { err = e; }
  expect(err).toBeInstanceOf(ImageError);
  expect((err as Error).message).toMatch(message);
  expect((err as Error).message).not.toContain('\n');
}

describe('ELF validation', () => {
  it('loads a well-formed image and runs it to HLT', () => {
    const vm = Vm.fromElf(writeElf(good()));
    expect(vm.run().outcome).toBe('halt');
  });
  it('truncated file', () => refuse(writeElf(good()).subarray(0, 40), /truncated ELF header/));
  it('truncated segment data', () => refuse(writeElf(good()).subarray(0, 64 + 56), /truncated|past the end/));
  it('bad magic', () => refuse(new Uint8Array(64), /bad magic/));
  it('wrong class', () => refuse(writeElf({ ...good(), cls: 1 }), /class/));
  it('wrong byte order', () => refuse(writeElf({ ...good(), data: 2 }), /little-endian/));
  it('wrong machine', () => refuse(writeElf({ ...good(), machine: 3 }), /machine 3/));
  it('wrong type (ET_DYN)', () => refuse(writeElf({ ...good(), type: 3 }), /ET_EXEC/));
  it('overlapping segments', () => refuse(writeElf({
    entry: KERNEL_BASE,
    segments: [
      { vaddr: KERNEL_BASE, data: new Uint8Array(0x2000), flags: PF_R | PF_X },
      { vaddr: KERNEL_BASE + 0x1000n, data: new Uint8Array(16), flags: PF_R | PF_W },
    ],
  }), /overlap/));
  it('segments sharing a page', () => refuse(writeElf({
    entry: KERNEL_BASE,
    segments: [
      { vaddr: KERNEL_BASE, data: new Uint8Array(16), flags: PF_R | PF_X },
      { vaddr: KERNEL_BASE + 0x800n, data: new Uint8Array(16), flags: PF_R | PF_W },
    ],
  }), /share a 4 KiB page/));
  it('entry in a user segment', () => refuse(writeElf({
    entry: 0x400000n, segments: [{ vaddr: 0x400000n, data: Uint8Array.from(HLT), flags: PF_R | PF_X }],
  }), /user segment/));
  it('entry in a non-executable segment', () => refuse(writeElf({
    entry: KERNEL_BASE, segments: [{ vaddr: KERNEL_BASE, data: Uint8Array.from(HLT), flags: PF_R | PF_W }],
  }), /non-executable/));
  it('entry outside every segment', () => refuse(writeElf({ ...good(), entry: KERNEL_BASE + 0x10000n }), /not inside/));
  it('non-canonical address', () => refuse(writeElf({
    entry: KERNEL_BASE, segments: [...good().segments, { vaddr: 0x0000900000000000n, data: new Uint8Array(8), flags: PF_R }],
  }), /non-canonical/));
  it('segment larger than RAM', () => refuse(writeElf({
    entry: KERNEL_BASE, segments: [...good().segments, { vaddr: KERNEL_BASE + 0x100000n, data: new Uint8Array(8), memsz: 200 * 1024 * 1024, flags: PF_R | PF_W }],
  }), /RAM/));
  it('segment over a fixed area (the GDT)', () => refuse(writeElf({
    entry: KERNEL_BASE, segments: [...good().segments, { vaddr: -0x20000000000n, data: new Uint8Array(8), flags: PF_R | PF_W }],
  }), /GDT/));
  it('bad memory size', () => refuse(writeElf(good()), /multiple of 2 MiB/, { memorySize: 3 * 1024 * 1024 }));
  it('reads the expected outcome from .ringzero.expect', () => {
    expect(Vm.fromElf(writeElf({ ...good(), expect: 'halt' })).image.expect).toBe('halt');
    expect(Vm.fromElf(writeElf(good())).image.expect).toBe('done');
  });
  it('a bare code image helper builds runnable images', () => {
    expect(Vm.fromElf(codeImage(HLT)).run().outcome).toBe('halt');
  });
});
