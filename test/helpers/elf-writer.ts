// Writes minimal ELF64 executables for tests: malformed-image cases and small
// hand-assembled guests that need no toolchain.
export interface TestSegment { vaddr: bigint; data: Uint8Array; memsz?: number; flags: number }
export interface ElfFields { cls?: number; data?: number; type?: number; machine?: number; entry: bigint; segments: TestSegment[]; expect?: string }

export function writeElf(f: ElfFields): Uint8Array {
  const phoff = 64, phnum = f.segments.length;
  let off = phoff + phnum * 56;
  off = Math.ceil(off / 16) * 16;
  const dataOffsets = f.segments.map((s) => { const o = off; off += s.data.length; return o; });
  // Optional .ringzero.expect section with a section-name string table.
  let shoff = 0, shnum = 0, shstrndx = 0;
  const shstr = new TextEncoder().encode('\0.shstrtab\0.ringzero.expect\0');
  const expectBytes = f.expect ? new TextEncoder().encode(f.expect + '\0') : undefined;
  let shstrOff = 0, expectOff = 0;
  if (expectBytes) {
    shstrOff = off; off += shstr.length;
    expectOff = off; off += expectBytes.length;
    off = Math.ceil(off / 8) * 8;
    shoff = off; shnum = 3; shstrndx = 1;
    off += shnum * 64;
  }
  const buf = new Uint8Array(off);
  const dv = new DataView(buf.buffer);
  buf.set([0x7f, 0x45, 0x4c, 0x46, f.cls ?? 2, f.data ?? 1, 1]);
  dv.setUint16(16, f.type ?? 2, true);
  dv.setUint16(18, f.machine ?? 62, true);
  dv.setUint32(20, 1, true);
  dv.setBigUint64(24, BigInt.asUintN(64, f.entry), true);
  dv.setBigUint64(32, BigInt(phoff), true);
  dv.setBigUint64(40, BigInt(shoff), true);
  dv.setUint16(52, 64, true);
  dv.setUint16(54, 56, true);
  dv.setUint16(56, phnum, true);
  dv.setUint16(58, 64, true);
  dv.setUint16(60, shnum, true);
  dv.setUint16(62, shstrndx, true);
  f.segments.forEach((s, k) => {
    const o = phoff + k * 56;
    dv.setUint32(o, 1, true);
    dv.setUint32(o + 4, s.flags, true);
    dv.setBigUint64(o + 8, BigInt(dataOffsets[k]!), true);
    dv.setBigUint64(o + 16, BigInt.asUintN(64, s.vaddr), true);
    dv.setBigUint64(o + 24, BigInt.asUintN(64, s.vaddr), true);
    dv.setBigUint64(o + 32, BigInt(s.data.length), true);
    dv.setBigUint64(o + 40, BigInt(s.memsz ?? s.data.length), true);
    dv.setBigUint64(o + 48, 4096n, true);
    buf.set(s.data, dataOffsets[k]!);
  });
  if (expectBytes) {
    buf.set(shstr, shstrOff);
    buf.set(expectBytes, expectOff);
    const sh = (i: number, name: number, type: number, offset: number, size: number) => {
      const o = shoff + i * 64;
      dv.setUint32(o, name, true); dv.setUint32(o + 4, type, true);
      dv.setBigUint64(o + 24, BigInt(offset), true); dv.setBigUint64(o + 32, BigInt(size), true);
    };
    sh(1, 1, 3, shstrOff, shstr.length);
    sh(2, 11, 1, expectOff, expectBytes.length);
  }
  return buf;
}

export const KERNEL_BASE = 0xffffffff80000000n;
export const PF_X = 1, PF_W = 2, PF_R = 4;

/** Where codeImage's data segment starts, from KERNEL_BASE (a RIP-relative displacement from the code). */
export const DATA_OFFSET = 0x100000;
/** The four little-endian bytes of a 32-bit immediate or displacement. */
export const le32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];

/** A one-segment supervisor guest running `code` at KERNEL_BASE, with a RW data page (or `data`) after it. */
export function codeImage(code: number[] | Uint8Array, data: Uint8Array = new Uint8Array(4096)): Uint8Array {
  return writeElf({
    entry: KERNEL_BASE,
    segments: [
      { vaddr: KERNEL_BASE, data: Uint8Array.from(code), flags: PF_R | PF_X },
      { vaddr: KERNEL_BASE + BigInt(DATA_OFFSET), data, flags: PF_R | PF_W },
    ],
  });
}
