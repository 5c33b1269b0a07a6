// ELF64 image parsing and validation for guest ABI v1 §1. Every problem is an
// ImageError with a one-line message naming it.

export class ImageError extends Error {
  override name = 'ImageError';
}

export const PF_X = 1, PF_W = 2, PF_R = 4;
const PT_LOAD = 1;
const SHT_SYMTAB = 2;

export interface Segment {
  /** Signed canonical virtual address. */
  vaddr: number;
  memsz: number;
  data: Uint8Array;
  flags: number;
  user: boolean;
}

export interface GuestSymbol {
  name: string;
  value: bigint;
  size: number;
  type: number;
}

export interface GuestImage {
  entry: number;
  segments: Segment[];
  symbols: Map<string, GuestSymbol>;
  /** The outcome the image declares in its `.ringzero.expect` section (default "done"). */
  expect: string;
  /** What the image declares it needs to run, from its `.ringzero.needs` section (GUEST_NEEDS_FEP: "fep"). */
  needs: string[];
}

const USER_LIMIT = 0x800000000000;           // lower half ends here
const SUPER_START = -0x800000000000;          // 0xffff800000000000 as a signed number

function hex(v: number | bigint): string {
  return '0x' + BigInt.asUintN(64, BigInt(v)).toString(16);
}

/** Parses and validates an ELF image against guest ABI v1 §1. */
/** One decoder for every name (a TextDecoder per symbol cost the CLI milliseconds at start, issue 11). */
let utf8: TextDecoder | undefined;

export function parseElf(file: Uint8Array): GuestImage {
  if (file.length < 64) throw new ImageError(`truncated ELF header (${file.length} bytes)`);
  if (file[0] !== 0x7f || file[1] !== 0x45 || file[2] !== 0x4c || file[3] !== 0x46) throw new ImageError('not an ELF file (bad magic)');
  if (file[4] !== 2) throw new ImageError(`wrong ELF class ${file[4]} (need ELFCLASS64)`);
  if (file[5] !== 1) throw new ImageError(`wrong ELF data encoding ${file[5]} (need little-endian)`);
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const u16 = (o: number) => dv.getUint16(o, true);
  const u32 = (o: number) => dv.getUint32(o, true);
  const u64 = (o: number) => dv.getBigUint64(o, true);
  const type = u16(16), machine = u16(18);
  if (type !== 2) throw new ImageError(`wrong ELF type ${type} (need ET_EXEC, a static executable)`);
  if (machine !== 62) throw new ImageError(`wrong ELF machine ${machine} (need EM_X86_64)`);
  const entryRaw = u64(24);
  const phoff = Number(u64(32)), shoff = Number(u64(40));
  const phentsize = u16(54), phnum = u16(56), shentsize = u16(58), shnum = u16(60), shstrndx = u16(62);
  if (phnum === 0) throw new ImageError('no program headers');
  if (phentsize !== 56) throw new ImageError(`bad program header size ${phentsize}`);
  if (phoff + phnum * 56 > file.length) throw new ImageError('truncated program headers');

  const canonical = (v: bigint): number => {
    const s = BigInt.asIntN(64, v);
    if (s >= BigInt(USER_LIMIT) || s < BigInt(SUPER_START)) throw new ImageError(`non-canonical address ${hex(v)}`);
    return Number(s);
  };

  const segments: Segment[] = [];
  for (let k = 0; k < phnum; k++) {
    const o = phoff + k * 56;
    if (u32(o) !== PT_LOAD) continue;
    const flags = u32(o + 4);
    const offset = Number(u64(o + 8));
    const vaddrRaw = u64(o + 16);
    const filesz = Number(u64(o + 32)), memsz = Number(u64(o + 40));
    if (filesz > memsz) throw new ImageError(`segment ${k} at ${hex(vaddrRaw)}: p_filesz ${filesz} > p_memsz ${memsz}`);
    if (offset + filesz > file.length) throw new ImageError(`segment ${k} at ${hex(vaddrRaw)}: data runs past the end of the file (truncated image)`);
    if (memsz === 0) continue;
    const vaddr = canonical(vaddrRaw);
    const last = canonical(vaddrRaw + BigInt(memsz) - 1n);
    const user = vaddr >= 0;
    if ((last >= 0) !== user) throw new ImageError(`segment ${k} at ${hex(vaddrRaw)} crosses the user/supervisor boundary`);
    segments.push({ vaddr, memsz, data: file.subarray(offset, offset + filesz), flags, user });
  }
  if (segments.length === 0) throw new ImageError('no loadable segments');
  // Overlap at page granularity: a page has one set of permission bits.
  const pages = segments.map((s) => [Math.floor(s.vaddr / 4096), Math.floor((s.vaddr + s.memsz - 1) / 4096)] as const);
  for (let a = 0; a < segments.length; a++) {
    for (let b = a + 1; b < segments.length; b++) {
      if (pages[a]![0] <= pages[b]![1] && pages[b]![0] <= pages[a]![1]) {
        throw new ImageError(`segments at ${hex(segments[a]!.vaddr)} and ${hex(segments[b]!.vaddr)} overlap (they share a 4 KiB page)`);
      }
    }
  }
  const entry = canonical(entryRaw);
  const home = segments.find((s) => entry >= s.vaddr && entry < s.vaddr + s.memsz);
  if (!home) throw new ImageError(`entry point ${hex(entryRaw)} is not inside a loadable segment`);
  if (home.user) throw new ImageError(`entry point ${hex(entryRaw)} is in a user segment (it must run at CPL 0 from a supervisor segment)`);
  if (!(home.flags & PF_X)) throw new ImageError(`entry point ${hex(entryRaw)} is in a non-executable segment`);

  const symbols = new Map<string, GuestSymbol>();
  let expect = 'done';
  const needs: string[] = [];
  if (shoff && shnum && shentsize === 64 && shoff + shnum * 64 <= file.length) {
    const sh = (i: number) => {
      const o = shoff + i * 64;
      return { name: u32(o), type: u32(o + 4), offset: Number(u64(o + 24)), size: Number(u64(o + 32)), link: u32(o + 40), entsize: Number(u64(o + 56)) };
    };
    const cstr = (off: number) => {
      let end = off;
      while (end < file.length && file[end] !== 0) end++;
      return (utf8 ??= new TextDecoder()).decode(file.subarray(off, end));
    };
    const shstr = shstrndx < shnum ? sh(shstrndx) : undefined;
    for (let i = 0; i < shnum; i++) {
      const s = sh(i);
      if (s.offset + s.size > file.length) continue;
      const name = shstr ? cstr(shstr.offset + s.name) : '';
      if (name === '.ringzero.expect') expect = cstr(s.offset).trim() || 'done';
      if (name === '.ringzero.needs') {
        for (let o = s.offset; o < s.offset + s.size;) { const n = cstr(o); if (n) needs.push(n); o += n.length + 1; }
      }
      if (s.type === SHT_SYMTAB && s.entsize === 24 && s.link < shnum) {
        const strtab = sh(s.link);
        for (let o = s.offset; o + 24 <= s.offset + s.size; o += 24) {
          const nameOff = u32(o);
          if (!nameOff) continue;
          const symName = cstr(strtab.offset + nameOff);
          const info = file[o + 4]!;
          const value = u64(o + 8);
          if (!symbols.has(symName) || (info >> 4) === 1 /* STB_GLOBAL wins */) {
            symbols.set(symName, { name: symName, value, size: Number(u64(o + 16)), type: info & 0xf });
          }
        }
      }
    }
  }
  return { entry, segments, symbols, expect, needs };
}
