// A small x86-64 encoder for the forms the tier-vs-tier fuzz generates
// (test/fuzz-tiers.test.ts): ModRM instructions with a register, a data-area
// ([r14 + index*scale + disp]) or a RIP-relative memory operand, and
// immediates. A program is a list of items (one or more instructions each)
// whose lengths are fixed when generated; fixups (branch displacements,
// RIP-relative displacements) are filled in once the layout is known.
import { decode } from '../../src/isa/decoder.js';
import { disassemble } from '../../src/isa/disasm.js';

/** The register that holds the data area's base address in generated programs. */
export const DATA_BASE_REG = 14;

export interface Item {
  bytes: number[];
  /** Fills displacements once every item has an address. */
  fix?: (self: number, addrOf: (i: Item) => number) => void;
  /** Offset of an immediate a store may overwrite with any value (the item stays valid and harmless). */
  imm32At?: number;
  /** A byte offset and replacement values that turn the item into another valid instruction of the same length. */
  alt?: { at: number; values: number[] };
  /** The item is straight-line code a store may replace with NOPs (no label, branch or fixup target inside). */
  plain?: boolean;
  /** Already a target of a patch (never two patches on one item). */
  patched?: boolean;
  /** Part of a range a REP STOSB overwrites (its first item): nothing may be inserted inside the range. */
  range?: Item;
}

/** Whether inserting at `list[s]` keeps every REP STOSB range contiguous. */
export const canInsertAt = (list: readonly Item[], s: number): boolean =>
  s === 0 || s >= list.length || list[s - 1]!.range === undefined || list[s - 1]!.range !== list[s]!.range;

export type Rm =
  | { reg: number }
  | { index?: number; scale?: number; disp: number }
  | { rip: Item; off: number };

export interface Enc {
  op: number[];
  reg: number;
  rm: Rm;
  /** 16-bit operand size (0x66). */
  o16?: boolean;
  /** REX.W. */
  w?: boolean;
  /** Emit a REX prefix even without bits (byte registers 4-7 are then SPL..DIL). */
  rex?: boolean;
  /** Legacy prefixes before everything (LOCK, REP). */
  pre?: number[];
  imm?: number[];
  /** A 32-bit immediate that any stored value leaves harmless (a later store may patch it). */
  patchable?: boolean;
}

export const le = (v: number | bigint, n: number): number[] => {
  let x = BigInt.asUintN(n * 8, BigInt(v));
  const out: number[] = [];
  for (let i = 0; i < n; i++) { out.push(Number(x & 0xffn)); x >>= 8n; }
  return out;
};

function put32(bytes: number[], at: number, v: number): void {
  for (let i = 0; i < 4; i++) bytes[at + i] = (v >>> (8 * i)) & 0xff;
}

/** Encodes one ModRM instruction as an item. */
export function enc(e: Enc): Item {
  const b: number[] = [...(e.pre ?? [])];
  if (e.o16) b.push(0x66);
  const rm = e.rm;
  let rexB = 0, rexX = 0;
  const tail: number[] = [];
  let modrm: number;
  let ripAt = -1;
  if ('reg' in rm) {
    modrm = 0xc0 | ((e.reg & 7) << 3) | (rm.reg & 7);
    rexB = rm.reg >> 3;
  } else if ('rip' in rm) {
    modrm = ((e.reg & 7) << 3) | 5;
    ripAt = 0; // set below
  } else {
    rexB = DATA_BASE_REG >> 3;
    const short = rm.disp >= -128 && rm.disp < 128 && (rm.disp & 1) === 0; // disp8 for some, disp32 for others
    const mod = short ? 0x40 : 0x80;
    if (rm.index === undefined) {
      modrm = mod | ((e.reg & 7) << 3) | (DATA_BASE_REG & 7);
    } else {
      modrm = mod | ((e.reg & 7) << 3) | 4;
      rexX = rm.index >> 3;
      tail.push(((rm.scale ?? 0) << 6) | ((rm.index & 7) << 3) | (DATA_BASE_REG & 7));
    }
    tail.push(...le(rm.disp, short ? 1 : 4));
  }
  const rex = 0x40 | (e.w ? 8 : 0) | ((e.reg >> 3) << 2) | (rexX << 1) | rexB;
  if (rex !== 0x40 || e.rex) b.push(rex);
  b.push(...e.op, modrm, ...tail);
  if (ripAt === 0) { ripAt = b.length; b.push(0, 0, 0, 0); }
  const immAt = b.length;
  b.push(...(e.imm ?? []));
  const item: Item = { bytes: b, plain: true };
  if ('rip' in rm) {
    const at = ripAt;
    item.fix = (self, addrOf) => put32(item.bytes, at, addrOf(rm.rip) + rm.off - (self + item.bytes.length));
  }
  if (e.imm?.length === 4 && e.patchable) item.imm32At = immAt;
  return item;
}

/** Raw bytes as a plain item. */
export const raw = (...bytes: number[]): Item => ({ bytes, plain: true });

/** One item of several instructions (a store may patch or replace it as a whole; nothing is inserted inside). */
export function merge(parts: Item[]): Item {
  if (parts.length === 1) return parts[0]!;
  const item: Item = { bytes: parts.flatMap((p) => p.bytes), plain: parts.every((p) => p.plain) };
  const fixes: ((self: number, addrOf: (i: Item) => number) => void)[] = [];
  let off = 0;
  for (const p of parts) {
    const o = off;
    if (p.imm32At !== undefined) item.imm32At = o + p.imm32At;
    if (p.alt) item.alt = { at: o + p.alt.at, values: p.alt.values };
    const fix = p.fix;
    if (fix) fixes.push((self, addrOf) => { fix(self + o, addrOf); item.bytes.splice(o, p.bytes.length, ...p.bytes); });
    off += p.bytes.length;
  }
  if (fixes.length) item.fix = (self, addrOf) => { for (const f of fixes) f(self, addrOf); };
  return item;
}

/** An empty item: a label. */
export const label = (): Item => ({ bytes: [] });

/** A branch with a rel8 or rel32 displacement to `target` (opcode bytes given for both widths). */
export function branch(op8: number[] | null, op32: number[], target: Item, short: boolean): Item {
  const op = short && op8 ? op8 : op32;
  const n = short && op8 ? 1 : 4;
  const item: Item = { bytes: [...op, ...new Array<number>(n).fill(0)] };
  item.fix = (self, addrOf) => {
    const rel = addrOf(target) - (self + item.bytes.length);
    if (n === 1 && (rel < -128 || rel > 127)) throw new RangeError(`rel8 out of range: ${rel}`);
    const v = le(rel, n);
    for (let i = 0; i < n; i++) item.bytes[op.length + i] = v[i]!;
  };
  return item;
}

/** NOP encodings by length (Intel SDM Vol. 2B, NOP: recommended multi-byte sequences). */
const NOPS: number[][] = [
  [],
  [0x90],
  [0x66, 0x90],
  [0x0f, 0x1f, 0x00],
  [0x0f, 0x1f, 0x40, 0x00],
  [0x0f, 0x1f, 0x44, 0x00, 0x00],
  [0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00],
  [0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00],
  [0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00],
];

/** NOP instructions filling exactly `n` bytes. */
export function nopFill(n: number): number[] {
  const out: number[] = [];
  while (n > 0) { const k = Math.min(n, 8); out.push(...NOPS[k]!); n -= k; }
  return out;
}

/** Lays the items out from `base`: returns the code bytes and each item's address. */
export function layout(items: Item[], base: number): { code: Uint8Array; addr: Map<Item, number> } {
  const addr = new Map<Item, number>();
  let a = base;
  for (const it of items) { addr.set(it, a); a += it.bytes.length; }
  const addrOf = (i: Item) => {
    const v = addr.get(i);
    if (v === undefined) throw new Error('fixup to an item outside the program');
    return v;
  };
  for (const it of items) it.fix?.(addrOf(it), addrOf);
  const code = new Uint8Array(a - base);
  let k = 0;
  for (const it of items) { code.set(it.bytes, k); k += it.bytes.length; }
  return { code, addr };
}

/** objdump-style listing of code at `base` (one line per instruction), for failure reports. */
export function listing(code: Uint8Array, base: number, marks: ReadonlyMap<number, string> = new Map()): string {
  const lines: string[] = [];
  let p = 0;
  while (p < code.length) {
    const insn = decode(code, p, code.length - p);
    const at = base + p;
    const mark = marks.get(at) ?? '';
    if (!insn) { lines.push(`${at.toString(16)}:\t${code[p]!.toString(16).padStart(2, '0')}\t(bad)${mark}`); p++; continue; }
    const bytes = code.subarray(p, p + insn.len);
    lines.push(`${at.toString(16)}:\t${Buffer.from(bytes).toString('hex').padEnd(30)}\t${disassemble(insn, at, bytes)}${mark}`);
    p += insn.len;
  }
  return lines.join('\n');
}
