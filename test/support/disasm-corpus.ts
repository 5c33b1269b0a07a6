// The objdump oracle's corpus, shared by test/disasm-oracle.test.ts (which
// checks the decoder and the disassembler against objdump live) and
// scripts/gen-disasm-fixtures.ts (which writes the same checks down as text
// fixtures, test/fixtures/disasm/, for test/disasm-fixtures.test.ts).
//
// (a) Instruction forms generated from the opcode table (every row, operand
//     size, addressing form, register class, immediate width and prefix that
//     applies), hand-written prefix corner cases, a sweep of the opcode maps for
//     undefined encodings and a list of AT&T source lines are assembled with GNU
//     as into one object (each form under its own symbol, so objdump restarts
//     decoding at every form), disassembled once with objdump -d, and compared
//     with decode() + disassemble(): same length, same text (whitespace
//     normalised; objdump's "<symbol+off>" annotations are rewritten to the
//     plain 0x addresses our symbol-less disassembler prints).
// (b) Every instruction of every guest image (build/guests/*.elf).
// Bytes objdump prints as (bad) must decode to a row that raises #UD.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decode } from '../../src/isa/decoder.js';
import { disassemble } from '../../src/isa/disasm.js';
import { opcodeRows, ROW_UD, ROW_TOO_LONG } from '../../src/isa/opcodes.js';
import { Attr, type OpcodeRow, type OperandSpec } from '../../src/isa/table.js';

export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const GUEST_DIR = join(ROOT, 'build/guests');
/** Where the corpus is placed (high, so 16/32-bit truncation and 64-bit wrap show). */
export const BASE = 0xfffffffff8000000n;

// ---------------------------------------------------------------------------
// Tools.

export function binutils(): { ok: boolean; reason?: string } {
  for (const [tool, re] of [['as', /GNU assembler/], ['objdump', /GNU objdump/]] as const) {
    const r = spawnSync(tool, ['--version'], { encoding: 'utf8' });
    if (r.error || r.status !== 0) return { ok: false, reason: `${tool} not runnable: ${r.error?.message ?? r.stderr}` };
    if (!re.test(r.stdout)) return { ok: false, reason: `${tool} is not GNU binutils` };
  }
  return { ok: true };
}

// ---------------------------------------------------------------------------
// ELF (enough to find executable sections).

export interface Section { name: string; addr: bigint; data: Uint8Array }

export function execSections(file: string): Section[] {
  const elf = readFileSync(file);
  if (elf.readUInt32BE(0) !== 0x7f454c46 || elf[4] !== 2 || elf[5] !== 1) throw new Error(`${file}: not ELF64 LE`);
  const shoff = Number(elf.readBigUInt64LE(0x28));
  const shentsize = elf.readUInt16LE(0x3a);
  let shnum = elf.readUInt16LE(0x3c), shstrndx = elf.readUInt16LE(0x3e);
  const sh = (k: number) => {
    const o = shoff + k * shentsize;
    return {
      name: elf.readUInt32LE(o), type: elf.readUInt32LE(o + 4), flags: elf.readBigUInt64LE(o + 8),
      addr: elf.readBigUInt64LE(o + 16), offset: Number(elf.readBigUInt64LE(o + 24)), size: Number(elf.readBigUInt64LE(o + 32)),
      link: elf.readUInt32LE(o + 40),
    };
  };
  // Extended section numbering (more than 0xff00 sections): the counts live in section 0.
  if (shnum === 0 && shoff) shnum = sh(0).size;
  if (shstrndx === 0xffff /* SHN_XINDEX */) shstrndx = sh(0).link;
  const strtab = sh(shstrndx);
  const nameOf = (off: number) => {
    let end = strtab.offset + off;
    while (elf[end] !== 0) end++;
    return elf.toString('latin1', strtab.offset + off, end);
  };
  const out: Section[] = [];
  for (let k = 0; k < shnum; k++) {
    const s = sh(k);
    if (s.type === 1 /* PROGBITS */ && (s.flags & 4n) /* SHF_EXECINSTR */ && s.size > 0) {
      out.push({ name: nameOf(s.name), addr: s.addr, data: new Uint8Array(elf.subarray(s.offset, s.offset + s.size)) });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// objdump output.

export interface OdLine { addr: bigint; bytes: number[]; text: string; sym: string }

export function objdump(file: string, extra: string[] = []): OdLine[] {
  const r = spawnSync('objdump', ['-d', '-z', '--insn-width=16', ...extra, file], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.error || r.status !== 0) throw new Error(`objdump failed: ${r.error?.message ?? r.stderr}`);
  const lines: OdLine[] = [];
  let sym = '';
  for (const l of r.stdout.split('\n')) {
    const s = /^([0-9a-f]+) <(.*)>:$/.exec(l);
    if (s) { sym = s[2]!; continue; }
    const m = /^ *([0-9a-f]+):\t([0-9a-f ]*)(?:\t(.*))?$/.exec(l);
    if (!m) continue;
    const bytes = m[2]!.trim().split(/\s+/).filter(Boolean).map((h) => parseInt(h, 16));
    if (m[3] === undefined && lines.length) { lines[lines.length - 1]!.bytes.push(...bytes); continue; }
    lines.push({ addr: BigInt('0x' + m[1]), bytes, text: m[3] ?? '', sym });
  }
  return lines;
}

/** Whitespace, and objdump's symbolic "addr <sym+off>" → "0xaddr". */
export function normalise(text: string): string {
  return text.replace(/\b([0-9a-f]+) <[^>]*>/g, '0x$1').replace(/\s+/g, ' ').trim();
}

export const isPrefixByte = (b: number) => (b & 0xf0) === 0x40 || [0xf0, 0xf2, 0xf3, 0x66, 0x67, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65].includes(b);

/**
 * objdump prints a run of prefixes as an instruction of its own ("rex",
 * "data16 rex.W", "data16" …) when a REX is followed by another prefix (the CPU
 * ignores such a REX), before FWAIT (9B, which objdump treats as a prefix), and
 * before bytes it cannot decode. For the CPU the prefixes belong to the next
 * instruction, so those lines are joined.
 */
export function mergePrefixLines(lines: OdLine[], k: number): { bytes: number[]; text: string; next: number } {
  let bytes = [...lines[k]!.bytes];
  let text = lines[k]!.text;
  let j = k;
  while (j + 1 < lines.length && lines[j]!.bytes.length > 0 && lines[j]!.bytes.every(isPrefixByte) &&
    lines[j + 1]!.addr === lines[j]!.addr + BigInt(lines[j]!.bytes.length) && lines[j + 1]!.sym === lines[k]!.sym) {
    j++;
    bytes = [...bytes, ...lines[j]!.bytes];
    text = text + ' ' + lines[j]!.text;
  }
  return { bytes, text, next: j + 1 };
}

// ---------------------------------------------------------------------------
// Comparison.

export type Verdict =
  | { kind: 'ok'; exact: boolean } // exact: also the same whitespace (objdump's padding)
  | { kind: 'length-only'; why: string } // lengths match; the text is not comparable (see LENGTH_ONLY)
  | { kind: 'bad-ok'; lenDiff: boolean } // objdump (bad), ours #UD
  | { kind: 'bad-notimpl'; msg: string } // objdump (bad), ours a not-implemented row (emulation failure, not #UD)
  | { kind: 'bad-valid'; why: string } // objdump (bad), the CPU executes it (BAD_BUT_VALID)
  | { kind: 'unknown' } // objdump knows an instruction our table does not have
  | { kind: 'mismatch'; msg: string };

/** Mnemonics of not-implemented placeholder rows (x87/SSE slots): only their length is comparable. */
export const PLACEHOLDERS = new Set(['sse', 'x87']);

/**
 * Encodings the model executes as the row says (hint NOP, CLFLUSH, PREFETCH) but
 * objdump names after an ISA extension the model does not have. Length only.
 */
const LENGTH_ONLY: [string[], RegExp, string][] = [
  [['Nop_Ev_0F1A', 'Nop_Ev_0F1B'], /^(?:\S+ )*bnd(?:ldx|stx|mov|cl|cu|cn|mk)\b/, 'MPX'],
  [['Nop_Ev_0F1C'], /^(?:\S+ )*cldemote\b/, 'CLDEMOTE'],
  [['Nop_Ev_0F1E'], /^(?:\S+ )*(?:endbr64|endbr32|rdsspd|rdsspq)\b/, 'CET'],
  [['Clflush_M'], /^(?:\S+ )*clflushopt\b/, 'CLFLUSHOPT'],
  [['Nop_0F18_M'], /^(?:\S+ )*prefetchit[01]\b/, 'PREFETCHI'],
  [['Nop_0F18_M'], /^(?:data16 )?nop[wlq]? /, 'PREFETCHI'], // objdump's PREFETCHI slot swallows F2/F3 on 0F 18 /6 /7
  [['Wbinvd'], /^(?:\S+ )*wbnoinvd$/, 'WBNOINVD'],
];

/**
 * Encodings objdump prints as (bad) that the CPU executes (checked on an AMD Zen
 * host, where the model's semantics come from): the row stays. Any other (bad)
 * must decode to a #UD row.
 */
const BAD_BUT_VALID: [string[], string][] = [
  [['Bsf_Gv_Ev', 'Bsr_Gv_Ev'], 'F2 0F BC/BD execute as BSF/BSR (objdump has no F2 slot there)'],
  [['Nop_Ev_0F1A', 'Nop_Ev_0F1B'], 'hint-NOP space: forms MPX would reject execute as NOP'],
  [['Mfence', 'Sfence', 'Lfence'], '0F AE F1-F7/F9-FF (ModRM.rm != 0) execute as the fence; objdump rejects them only with a REX'],
  [['Wbinvd'], '66/F2 0F 09 execute as WBINVD (#GP at CPL 3, not #UD)'],
  [['Fstp1_STi', 'Fcom2_STi', 'Fcomp3_STi', 'Fxch4_STi', 'Fcomp5_STi', 'Fxch7_STi', 'Fstp8_STi', 'Fstp9_STi'],
    'the reserved x87 aliases D9 D8+i, DC D0+i, DC D8+i, DD C8+i, DE D0+i, DF C8+i, DF D0+i, DF D8+i execute (host-checked)'],
];

export const hexBytes = (b: ArrayLike<number>) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');

export function compare(buf: Uint8Array, off: number, addr: bigint, odBytes: number[], odText: string): Verdict {
  let insn; try { insn = decode(buf, off, buf.length - off); } catch (e) { throw new Error(`decode crashed at ${off} of ${buf.length}: ${hexBytes(buf.subarray(off, off + 16))}: ${e}`); }
  const bytesShown = hexBytes(buf.subarray(off, off + Math.max(odBytes.length, insn?.len ?? 0)));
  if (!insn) return { kind: 'mismatch', msg: `${bytesShown}: decoder returned null; objdump: ${odText}` };
  const raisesUd = insn.invalid || insn.row.executor === 'ud';
  const expected = normalise(odText);
  if (/\(bad\)|^(?:\S+ )*\.byte 0x[0-9a-f]+$/.test(expected)) {
    if (!raisesUd && insn.row.pending) {
      return { kind: 'bad-notimpl', msg: `${bytesShown}: objdump says ${JSON.stringify(expected)}, we decode the not-implemented ${insn.row.id} (len ${insn.len})` };
    }
    const valid = BAD_BUT_VALID.find(([ids]) => ids.includes(insn.row.id));
    if (!raisesUd && valid) return { kind: 'bad-valid', why: valid[0].join('/') };
    if (insn.row === ROW_TOO_LONG) return { kind: 'bad-ok', lenDiff: false }; // more than 15 bytes: #GP(0)
    if (!raisesUd) {
      return { kind: 'mismatch', msg: `${bytesShown}: objdump says ${JSON.stringify(expected)} but we decode ${insn.row.id} (len ${insn.len}), not #UD` };
    }
    return { kind: 'bad-ok', lenDiff: insn.len !== odBytes.length };
  }
  // objdump decodes an instruction (of an extension) that the table leaves undefined.
  if (insn.row === ROW_UD || insn.row === ROW_TOO_LONG || insn.row.mnemonic === '(bad)' || (insn.row.attrs & Attr.I64)) return { kind: 'unknown' };
  const ours = normalise(disassemble(insn, addr, buf.subarray(off, off + insn.len)));
  // Without the bytes the prefixes are rebuilt from the Insn: same text when there are no legacy ones.
  const noLegacy = Array.from(buf.subarray(off, off + insn.len)).findIndex((b) => !isPrefixByte(b)) ===
    (insn.rex && (buf[off]! & 0xf0) === 0x40 ? 1 : 0);
  if (noLegacy && normalise(disassemble(insn, addr)) !== ours) {
    return { kind: 'mismatch', msg: `${bytesShown}: without bytes ${JSON.stringify(normalise(disassemble(insn, addr)))}, with ${JSON.stringify(ours)}` };
  }
  if (insn.len === odBytes.length && ours !== expected) {
    if (PLACEHOLDERS.has(insn.row.mnemonic)) return { kind: 'length-only', why: insn.row.mnemonic };
    const known = LENGTH_ONLY.find(([ids, re]) => ids.includes(insn.row.id) && re.test(expected));
    if (known) return { kind: 'length-only', why: known[2] };
  }
  if (insn.len !== odBytes.length || ours !== expected) {
    return {
      kind: 'mismatch',
      msg: `${bytesShown} [${insn.row.id}]: ours len ${insn.len} ${JSON.stringify(ours)}; objdump len ${odBytes.length} ${JSON.stringify(expected)}`,
    };
  }
  const raw = disassemble(insn, addr, buf.subarray(off, off + insn.len));
  return { kind: 'ok', exact: raw === odText.replace(/\b([0-9a-f]+) <[^>]*>/g, '0x$1').trimEnd() };
}

// ---------------------------------------------------------------------------
// Form generation from the table.

export interface Form {
  tag: string;
  bytes?: number[];
  text?: string;
  group: 'row' | 'corner' | 'sweep' | 'as';
  /** A prefix variant that may select another (or no) row: objdump knowing more than the table is fine. */
  loose?: boolean;
}

const opcodeBytes = (r: OpcodeRow, low = 0): number[] =>
  r.map === 0 ? [r.opcode + low] : r.map === 1 ? [0x0f, r.opcode + low] : [0x0f, r.map === 2 ? 0x38 : 0x3a, r.opcode + low];

const le = (v: bigint, n: number): number[] => Array.from({ length: n }, (_, k) => Number((v >> BigInt(8 * k)) & 0xffn));

/** Immediate values by width: [plain, high bit set, all ones]. */
const IMM: Record<number, bigint[]> = {
  1: [0x12n, 0x80n, 0xffn],
  2: [0x1234n, 0x8000n, 0xffffn],
  4: [0x12345678n, 0x80000000n, 0xffffffffn],
  8: [0x1122334455667788n, 0x8000000000000000n, 0xffffffffffffffffn],
};
/** Branch displacements by width: [forward, backward, far]. */
const REL: Record<number, bigint[]> = {
  1: [0x10n, 0x80n, 0xfen],
  2: [0x100n, 0x8000n, 0xfffen],
  4: [0x100n, 0xfffff000n, 0x7fffffffn],
};

function effOpSize(r: OpcodeRow, p66: boolean, w: boolean): number {
  if (r.attrs & Attr.F64) return 8;
  if (w) return 8;
  if (p66) return 2;
  return r.attrs & Attr.D64 ? 8 : 4;
}

function immWidth(spec: OperandSpec, opSize: number, a32: boolean): number {
  if (spec.kind === 'O') return a32 ? 4 : 8;
  switch (spec.size) {
    case 'b': case 'bs': return 1;
    case 'w': return 2;
    case 'd': return 4;
    case 'q': return 8;
    case 'z': return opSize === 2 ? 2 : 4;
    default: return opSize;
  }
}

function immediates(r: OpcodeRow, opSize: number, a32: boolean, variant: number): number[] {
  const out: number[] = [];
  for (const spec of r.imms) {
    const n = immWidth(spec, opSize, a32);
    const table = spec.kind === 'J' ? REL : IMM;
    out.push(...le(table[n]![variant % 3]!, n));
  }
  return out;
}

/** A ModRM memory form: REX bits it needs, mod, rm, SIB, displacement. */
interface MemForm { name: string; rex: number; mod: number; rm: number; sib?: number; disp: number[]; a32?: boolean; pfx?: number[] }
const d8 = (v: number) => [v & 0xff];
const d32 = (v: number) => le(BigInt(v >>> 0), 4);
const sib = (scale: number, index: number, base: number) => (scale << 6) | (index << 3) | base;

const MEM_FORMS: MemForm[] = [
  { name: '(%rax)', rex: 0, mod: 0, rm: 0, disp: [] },
  { name: '(%rsp)', rex: 0, mod: 0, rm: 4, sib: 0x24, disp: [] },
  { name: '0(%rbp)', rex: 0, mod: 1, rm: 5, disp: d8(0) },
  { name: 'disp8+', rex: 0, mod: 1, rm: 3, disp: d8(0x7f) },
  { name: 'disp8-', rex: 0, mod: 1, rm: 6, disp: d8(0x80) },
  { name: 'disp32+', rex: 0, mod: 2, rm: 7, disp: d32(0x12345678) },
  { name: 'disp32-', rex: 0, mod: 2, rm: 1, disp: d32(-0x1000) },
  { name: 'base+index*4+d8', rex: 0, mod: 1, rm: 4, sib: sib(2, 6, 3), disp: d8(0x10) },
  { name: 'base+index*8+d32', rex: 0, mod: 2, rm: 4, sib: sib(3, 7, 2), disp: d32(-0x12345678) },
  { name: 'index*8+d32 (no base)', rex: 0, mod: 0, rm: 4, sib: sib(3, 1, 5), disp: d32(0x12345678) },
  { name: 'index*2-d32 (no base)', rex: 0, mod: 0, rm: 4, sib: sib(1, 6, 5), disp: d32(-0x10) },
  { name: 'absolute d32', rex: 0, mod: 0, rm: 4, sib: 0x25, disp: d32(0x12345678) },
  { name: 'absolute -d32', rex: 0, mod: 0, rm: 4, sib: 0x25, disp: d32(-0x10) },
  { name: 'absolute d32 scale 2', rex: 0, mod: 0, rm: 4, sib: sib(1, 4, 5), disp: d32(0x1000) },
  { name: '(%rax,%riz,1)', rex: 0, mod: 0, rm: 4, sib: sib(0, 4, 0), disp: [] },
  { name: '(%rsp,%riz,2)', rex: 0, mod: 0, rm: 4, sib: sib(1, 4, 4), disp: [] },
  { name: '(%rbp,%riz,1)+d8', rex: 0, mod: 1, rm: 4, sib: sib(0, 4, 5), disp: d8(8) },
  { name: 'rip+', rex: 0, mod: 0, rm: 5, disp: d32(0x12345678) },
  { name: 'rip-', rex: 0, mod: 0, rm: 5, disp: d32(-0x10) },
  { name: '(%r8)', rex: 1, mod: 0, rm: 0, disp: [] },
  { name: '(%r12)', rex: 1, mod: 0, rm: 4, sib: 0x24, disp: [] },
  { name: '0(%r13)', rex: 1, mod: 1, rm: 5, disp: d8(0) },
  { name: '(%r12,%riz,1)', rex: 1, mod: 0, rm: 4, sib: sib(0, 4, 4), disp: [] },
  { name: 'r15+r9*2', rex: 3, mod: 1, rm: 4, sib: sib(1, 1, 7), disp: d8(0xf0) },
  { name: 'rax+r12*1 (REX.X index 4)', rex: 2, mod: 0, rm: 4, sib: sib(0, 4, 0), disp: [] },
  { name: 'r13*4 no base', rex: 3, mod: 0, rm: 4, sib: sib(2, 5, 5), disp: d32(0x40) },
  { name: 'rip with REX.B', rex: 1, mod: 0, rm: 5, disp: d32(0x20) },
  { name: 'REX.X without SIB', rex: 2, mod: 0, rm: 0, disp: [] },
  { name: 'absolute with REX.B', rex: 1, mod: 0, rm: 4, sib: 0x25, disp: d32(0x100) },
  { name: '(%eax)', rex: 0, mod: 0, rm: 0, disp: [], a32: true },
  { name: '(%esp)', rex: 0, mod: 0, rm: 4, sib: 0x24, disp: [], a32: true },
  { name: '0(%ebp)', rex: 0, mod: 1, rm: 5, disp: d8(0), a32: true },
  { name: 'ebx+esi*4+d8', rex: 0, mod: 1, rm: 4, sib: sib(2, 6, 3), disp: d8(0x80), a32: true },
  { name: 'addr32 absolute', rex: 0, mod: 0, rm: 4, sib: 0x25, disp: d32(-0x10), a32: true },
  { name: 'addr32 index no base', rex: 0, mod: 0, rm: 4, sib: sib(3, 1, 5), disp: d32(-0x10), a32: true },
  { name: 'eip+', rex: 0, mod: 0, rm: 5, disp: d32(0x1000), a32: true },
  { name: 'eip-', rex: 0, mod: 0, rm: 5, disp: d32(-0x10), a32: true },
  { name: '(%r9d)', rex: 1, mod: 2, rm: 1, disp: d32(0x80000000), a32: true },
  { name: 'fs:(%rax)', rex: 0, mod: 0, rm: 0, disp: [], pfx: [0x64] },
  { name: 'gs:disp32 absolute', rex: 0, mod: 0, rm: 4, sib: 0x25, disp: d32(0x28), pfx: [0x65] },
  { name: 'fs:rip', rex: 0, mod: 0, rm: 5, disp: d32(0x100), pfx: [0x64] },
  { name: 'gs:rbx+rcx*8', rex: 0, mod: 1, rm: 4, sib: sib(3, 1, 3), disp: d8(0x40), pfx: [0x65] },
];
const MEM_BASIC = [MEM_FORMS[0]!, MEM_FORMS[5]!, MEM_FORMS[17]!];

/** Prefix sets applied to one memory form of every row. */
const PREFIX_VARIANTS: [string, number[]][] = [
  ['lock', [0xf0]], ['repz', [0xf3]], ['repnz', [0xf2]], ['lock repz', [0xf0, 0xf3]], ['repnz lock', [0xf2, 0xf0]],
  ['cs', [0x2e]], ['ds', [0x3e]], ['es', [0x26]], ['ss', [0x36]], ['fs', [0x64]], ['gs', [0x65]], ['fs gs', [0x64, 0x65]],
  ['ds fs', [0x3e, 0x64]], ['fs ds', [0x64, 0x3e]], ['cs ds', [0x2e, 0x3e]], ['addr32', [0x67]], ['data16 data16', [0x66, 0x66]],
  ['repz repnz', [0xf3, 0xf2]], ['repnz repz', [0xf2, 0xf3]], ['data16 ds', [0x66, 0x3e]],
];
const SIZE_VARIANTS: [string, boolean, boolean][] = [['', false, false], ['66', true, false], ['W', false, true], ['66 W', true, true]];

export function rowForms(r: OpcodeRow): Form[] {
  if (PLACEHOLDERS.has(r.mnemonic)) return placeholderForms(r);
  const forms: Form[] = [];
  const emit = (tag: string, legacy: number[], rex: number, rest: (opSize: number, a32: boolean) => number[], low = 0) => {
    const p66 = legacy.includes(0x66);
    const w = (rex & 8) !== 0;
    const a32 = legacy.includes(0x67);
    const mand = r.prefix === '66' ? [0x66] : r.prefix === 'F3' ? [0xf3] : r.prefix === 'F2' ? [0xf2] : [];
    const bytes = [...legacy, ...mand, ...(rex ? [rex] : []), ...opcodeBytes(r, low), ...rest(effOpSize(r, p66 || r.prefix === '66', w), a32)];
    const loose = legacy.some((b) => b === 0x66 || b === 0xf2 || b === 0xf3);
    // Rows that are #UD go with the sweep; like there, filler bytes follow (objdump may read on).
    const undefinedRow = r.mnemonic === '(bad)' || (r.attrs & Attr.I64) !== 0;
    if (undefinedRow) bytes.push(0x11, 0x22, 0x33, 0x44);
    forms.push({ tag: `${r.id} ${tag}`, bytes, group: undefinedRow ? 'sweep' : 'row', loose });
  };
  const hasG = r.operands.some((o) => o.kind === 'G' || o.kind === 'C' || o.kind === 'D' || o.kind === 'S');
  const regField = (k: number) => (r.ext >= 0 ? r.ext : [0, 2, 5, 7, 3, 6, 1, 4][k % 8]!);

  if (r.hasModrm) {
    const modrm = (mod: number, reg: number, rm: number) => (mod << 6) | ((reg & 7) << 3) | (rm & 7);
    // Register forms.
    if (r.mod !== 'mem') {
      const rms = r.rm >= 0 ? [r.rm] : [0, 1, 4, 5, 7];
      let k = 0;
      for (const rm of rms) {
        for (const rex of [0, 0x40, 0x41, 0x44, 0x45]) {
          if (!hasG && (rex & 4)) continue;
          for (const [sz, p66, w] of SIZE_VARIANTS) {
            if ((rex || rm !== rms[0]) && sz) continue;
            const reg = regField(k++);
            emit(`reg rm=${rm} reg=${reg} rex=${rex.toString(16)} ${sz}`, p66 ? [0x66] : [], rex | (w ? 0x48 : 0),
              (o, a) => [modrm(3, reg, rm), ...immediates(r, o, a, k)]);
          }
        }
      }
      if (hasG) for (let reg = 0; reg < 8; reg++) emit(`reg reg=${reg}`, [], 0, (o, a) => [modrm(3, reg, 2), ...immediates(r, o, a, 0)]);
      if (r.ext < 0 && r.operands.some((o) => o.kind === 'C' || o.kind === 'D' || o.kind === 'R')) {
        for (let reg = 0; reg < 8; reg++) emit(`ctl reg=${reg} mod=0`, [], 0x4c, () => [modrm(0, reg, 5)]);
      }
    }
    // Memory forms.
    if (r.mod !== 'reg') {
      const mem = (f: MemForm, legacy: number[], rex: number, reg: number, immVariant: number, tag: string) => {
        const pfx = [...(f.pfx ?? []), ...legacy, ...(f.a32 ? [0x67] : [])];
        emit(`mem ${f.name} ${tag}`, pfx, rex | (f.rex ? 0x40 | f.rex : 0), (o, a) => [
          modrm(f.mod, reg, f.rm), ...(f.sib !== undefined ? [f.sib] : []), ...f.disp, ...immediates(r, o, a, immVariant),
        ]);
      };
      MEM_FORMS.forEach((f, k) => mem(f, [], 0, regField(k), k, ''));
      for (const f of MEM_BASIC) {
        for (const [sz, p66, w] of SIZE_VARIANTS.slice(1)) mem(f, p66 ? [0x66] : [], w ? 0x48 : 0, regField(1), 1, sz);
      }
      for (const [name, pfx] of PREFIX_VARIANTS) mem(MEM_FORMS[0]!, pfx, 0, regField(2), 2, name);
      if (hasG) mem(MEM_FORMS[0]!, [], 0x44, 3, 0, 'REX.R');
      mem(MEM_FORMS[0]!, [], 0x40, regField(6), 0, 'REX');
    }
  } else {
    const lows = r.plusR ? [0, 1, 3, 4, 5, 7] : [0];
    for (const low of lows) {
      for (const rex of [0, 0x40, 0x41]) {
        for (const [sz, p66, w] of SIZE_VARIANTS) {
          if (rex && (sz || low !== 4) && r.plusR) continue;
          emit(`r=${low} rex=${rex.toString(16)} ${sz}`, p66 ? [0x66] : [], rex | (w ? 0x48 : 0), (o, a) => immediates(r, o, a, low), low);
        }
      }
    }
    for (let v = 1; v < 3; v++) emit(`imm variant ${v}`, [], 0, (o, a) => immediates(r, o, a, v));
    for (const [name, pfx] of PREFIX_VARIANTS) emit(name, pfx, 0, (o, a) => immediates(r, o, a, 0));
    for (const rex of [0x48, 0x44, 0x42]) emit(`rex ${rex.toString(16)} 66`, [0x66], rex, (o, a) => immediates(r, o, a, 0));
  }
  return forms;
}

/** Not-implemented placeholder rows (x87/SSE): a few shapes, for the length. */
function placeholderForms(r: OpcodeRow): Form[] {
  const forms: Form[] = [];
  const mand = r.prefix === '66' ? [0x66] : r.prefix === 'F3' ? [0xf3] : r.prefix === 'F2' ? [0xf2] : [];
  for (const [legacy, rex] of [[[], 0], [[0x66], 0], [[], 0x48], [[0x67], 0x41]] as [number[], number][]) {
    const opSize = effOpSize(r, legacy.includes(0x66), (rex & 8) !== 0);
    const a32 = legacy.includes(0x67);
    for (const m of r.hasModrm ? [0xc1, 0x04, 0x85, 0x45] : [-1]) {
      const reg = r.ext >= 0 ? r.ext << 3 : 0x10;
      const modrm = m < 0 ? [] : m === 0x04 ? [m | reg, 0x88] : m === 0x85 ? [m | reg, 0x78, 0x56, 0x34, 0x12] : m === 0x45 ? [m | reg, 0x80] : [m | reg];
      forms.push({ tag: `${r.id} ${hexBytes([...legacy, ...(rex ? [rex] : [])])} /${m.toString(16)}`, group: 'row', loose: legacy.includes(0x66),
        bytes: [...legacy, ...mand, ...(rex ? [rex] : []), ...opcodeBytes(r), ...modrm, ...immediates(r, opSize, a32, 0)] });
    }
  }
  return forms;
}

/** Hand-written prefix corner cases. */
export const CORNER_CASES: [string, string][] = [
  ['REX not last is ignored', '40 66 8b c0'],
  ['REX.W not last is ignored', '48 66 8b c0'],
  ['REX.W then 66 on push', '48 66 50'],
  ['66 REX 66', '66 40 66 8b c0'],
  ['REX REX: only the last counts', '48 41 8b c0'],
  ['REX REX REX', '4f 40 41 01 c0'],
  ['REX before lock', '48 f0 01 00'],
  ['repeated 66', '66 66 8b c0'],
  ['66 with REX.W: W wins', '66 48 8b c0'],
  ['66 66 REX.W', '66 66 48 01 c0'],
  ['repeated 67', '67 67 8b 00'],
  ['all four old segment prefixes', '26 2e 36 3e 8b 00'],
  ['fs then gs', '64 65 8b 00'],
  ['gs then fs', '65 64 8b 00'],
  ['fs then cs', '64 2e 8b 00'],
  ['cs then fs', '2e 64 8b 00'],
  ['rep rep movs', 'f3 f3 a4'],
  ['repnz rep movs', 'f2 f3 a4'],
  ['rep repnz movs', 'f3 f2 a4'],
  ['rep cmps', 'f3 a6'],
  ['repnz scas', 'f2 ae'],
  ['rep stos with fs', '64 f3 aa'],
  ['rep stos q', 'f3 48 ab'],
  ['lock lock', 'f0 f0 01 00'],
  ['lock cmpxchg16b', 'f0 48 0f c7 08'],
  ['xacquire lock', 'f2 f0 0f b1 0a'],
  ['xacquire lock cmpxchg8b', 'f2 f0 0f c7 08'],
  ['no HLE names on cmpxchg16b', 'f0 f2 48 0f c7 08'],
  ['13 data16 prefixes + nop (14 bytes)', '66 66 66 66 66 66 66 66 66 66 66 66 66 90'],
  ['15-byte instruction', 'f0 64 67 48 81 84 88 44 33 22 11 78 56 34 12'],
  ['16 bytes: too long (#GP)', 'f0 64 67 66 48 81 84 88 44 33 22 11 78 56 34 12'],
  ['jcc hint cs', '2e 74 00'],
  ['jcc hint ds', '3e 0f 85 00 01 00 00'],
  ['jcc cs and ds', '2e 3e 74 00'],
  ['notrack jmp', '3e ff e0'],
  ['notrack call mem', '3e ff 10'],
  ['fs notrack', '64 3e ff 10'],
  ['bnd call', 'f2 e8 00 00 00 00'],
  ['bnd ret', 'f2 c3'],
  ['repz ret', 'f3 c3'],
  ['jmpw rel16', '66 e9 00 10'],
  ['callw rel16', '66 e8 00 80'],
  ['jcc rel16', '66 0f 84 fe ff'],
  ['jmp rel8 with 66', '66 eb fe'],
  ['66 90', '66 90'],
  ['REX.B 90', '41 90'],
  ['REX.WB 90', '49 90'],
  ['66 REX.B 90', '66 41 90'],
  ['REX.W 90', '48 90'],
  ['REX 90', '40 90'],
  ['pause', 'f3 90'],
  ['REX.B pause', 'f3 41 90'],
  ['cs nopw', '66 2e 0f 1f 84 00 00 00 00 00'],
  ['data16 cs nopw', '66 66 2e 0f 1f 84 00 00 00 00 00'],
  ['data16 x5 cs nopw', '66 66 66 66 66 2e 0f 1f 84 00 00 00 00 00'],
  ['nopl 0(%rax,%rax,1)', '0f 1f 44 00 00'],
  ['nopl disp32', '0f 1f 80 00 00 00 00'],
  ['nopw 0(%rax,%rax,1) disp32', '66 0f 1f 84 00 00 00 00 00'],
  ['movabs moffs with fs', '64 48 a1 88 77 66 55 44 33 22 11'],
  ['moffs with addr32', '67 a1 78 56 34 12'],
  ['moffs with addr32 and 66', '67 66 a3 78 56 34 12'],
  ['mov cr with mod=0 (mod ignored)', '0f 20 05'],
  ['mov cr8 via REX.R', '44 0f 22 c0'],
  ['mov to cs (invalid reg, prints)', '8e c8'],
  ['segment reg 6', '8c f0'],
  ['xlat gs', '65 d7'],
  ['xlat addr32', '67 d7'],
  ['movs fs', '64 a4'],
  ['movs es (swallowed)', '26 a4'],
  ['stos cs', '2e aa'],
  ['jrcxz addr32', '67 e3 00'],
  ['loop addr32', '67 e2 00'],
  ['loope addr32', '67 e1 00'],
  ['loopne addr32', '67 e0 00'],
  ['sysret 66', '66 0f 07'],
  ['sysretq', '48 0f 07'],
  ['enter 66', '66 c8 10 00 01'],
  ['lret 66', '66 cb'],
  ['ltr REX.W', '48 0f 00 d8'],
  ['sldt REX.W', '48 0f 00 c0'],
  ['lock on register (prints, #UD)', 'f0 01 c0'],
  ['lock on mov (prints, #UD)', 'f0 89 00'],
  ['xrelease mov', 'f3 89 00'],
  ['xrelease lock add', 'f3 f0 01 00'],
  ['xchg xacquire', 'f2 87 00'],
];

const NOT_OPCODES = new Set([0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x0f,
  ...Array.from({ length: 16 }, (_, k) => 0x40 + k)]);
const RM_SENSITIVE_0F = new Set([0x00, 0x01, 0x0d, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0xae, 0xc7]);

/** Every opcode of the maps, with ModRM variants and the 66/F3/F2 selectors. */
export function sweepForms(): Form[] {
  const forms: Form[] = [];
  const probe = new Uint8Array(16);
  for (const [map, esc] of [[0, []], [1, [0x0f]], [2, [0x0f, 0x38]], [3, [0x0f, 0x3a]]] as const) {
    for (let op = 0; op < 256; op++) {
      if (map === 0 && NOT_OPCODES.has(op)) continue;
      if (map === 1 && (op === 0x38 || op === 0x3a)) continue;
      probe.set([...esc, op, 0xc0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
      const modrmRow = decode(probe, 0, 16);
      const hasModrm = modrmRow !== null && modrmRow.modrm >= 0;
      const modrms: number[] = [];
      if (!hasModrm) modrms.push(-1);
      else {
        for (let reg = 0; reg < 8; reg++) {
          modrms.push(reg << 3, 0x40 | (reg << 3));
          const rms = map === 1 && RM_SENSITIVE_0F.has(op) ? [0, 1, 2, 3, 4, 5, 6, 7] : map <= 1 ? [0, 7] : [0];
          for (const rm of rms) modrms.push(0xc0 | (reg << 3) | rm);
        }
      }
      for (const pfx of [[], [0x66], [0xf3], [0xf2]]) {
        for (const m of modrms) {
          forms.push({
            tag: `sweep ${hexBytes([...pfx, ...esc, op])}${m >= 0 ? ' /' + m.toString(16) : ''}`,
            bytes: [...pfx, ...esc, op, ...(m >= 0 ? [m] : []), 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x08],
            group: 'sweep',
          });
        }
      }
    }
  }
  return forms;
}

/** AT&T source lines assembled by GNU as (its own encoding choices). */
const AS_LINES = `
add %eax,%ebx; add %rax,%r15; addb $1,(%rax); addw $0x1234,2(%rbx); addl $-1,-8(%rbp); addq $0x7fffffff,(%rsp)
sub $0x80,%rsp; and $0xf0,%spl; or %sil,%dil; xor %r8d,%r8d; cmp %ah,%bh; cmpq $0,0x10(%rip); test %eax,%eax; testb $0x80,(%rdi)
adc (%rax,%rbx,8),%rcx; sbb %eax,0x12345678(,%rdx,4); lock addl $1,(%rax); lock xadd %rax,(%rdx); lock cmpxchg %ecx,(%rdx)
lock cmpxchg16b (%rdi); cmpxchg8b (%rsi); lock incq %fs:0x28; lock btsl $3,(%rax); lock btr %eax,(%rbx); xchg %rax,(%rcx); xchg %eax,%r9d
mov %rsp,%rbp; mov $0x1,%eax; movl $0x1,(%rax); movq $-1,(%rax); movabs $0x1122334455667788,%rax; movabs 0x1122334455667788,%al
mov %fs:0x28,%rax; mov %gs:(%rax),%ebx; mov 0x0(,%rax,8),%eax; mov -0x10(%rbp,%rcx,2),%dx; mov %es,%eax; mov %ax,%ds; mov %cr3,%rax; mov %rax,%cr4
mov %db7,%rdx; mov %r9,%db0; mov %cr8,%r10
movzbl %al,%eax; movzbl (%rdi),%ecx; movzwl %ax,%ecx; movzbw %al,%ax; movzbq %r9b,%r10; movsbl %ah,%edx; movswq (%rax),%rcx
movslq %eax,%rdx; movslq (%rsi),%rdi; movsxd %eax,%eax; cbtw; cwtl; cltq; cwtd; cltd; cqto
lea 0x10(%rip),%rax; lea (%rax,%rax,2),%rdx; lea -1(%rdi),%eax; lea 0x0(,%rcx,8),%rsi; addr32 lea (%eax),%eax
push %rbp; pop %r15; push $1; push $0x12345678; pushq (%rax); pushw $1; pushw (%rax); popq 8(%rsp); pushf; popf; pushfw; push %fs; pop %gs
enter $0x10,$0; leave; ret; ret $8; lretl; lretq; iretq; iretl; call *%rax; call *(%rax); jmp *%r11; jmp *0x10(%rip); notrack jmp *%rax
rep stosb; rep stosq; rep movsb; rep movsq; repe cmpsb; repne scasb; lodsb; stosl; movsw; cmpsq; scasl; insb; outsw; lodsq
in $0x10,%al; in %dx,%eax; out %al,$0x80; out %ax,(%dx); int $0x80; int3; int1; hlt; cli; sti; clc; stc; cmc; cld; std; lahf; sahf
shl %eax; shl $5,%rdx; shr %cl,%r8d; sar $1,%bl; rol $3,%ax; rorl %cl,(%rax); rcl %rdi; rcrw $2,(%rsi); shlq %cl,(%rax); shld $4,%eax,%ebx; shrd %cl,%rax,(%rcx)
bt %eax,%ebx; bts $5,%rax; btr %rcx,(%rdx); btcl $31,(%rax); bsf %eax,%ecx; bsr (%rax),%rdx; tzcnt %eax,%ecx; lzcnt %rax,%rdx; popcnt %ax,%bx
bswap %eax; bswap %r12; movbe (%rax),%ecx; movbe %rdx,(%rsi)
imul %ecx; imul %rdx,%rax; imul $0x12,%eax,%ecx; imul $0x12345678,(%rax),%rdx; mul %bl; div %rcx; idivl (%rax); neg %eax; notq (%rdx); incb (%rax); decw %ax
seta %al; setne (%rax); setg %r9b; cmove %eax,%ecx; cmovnz (%rax),%rdx; cmovbe %r8,%r9
sgdt (%rax); sidt 8(%rsp); lgdt (%rdi); lidt (%rsi); sldt %eax; str %ax; lldt %ax; ltr %ax; smsw %eax; lmsw %ax; invlpg (%rax); verr %ax; verw (%rax)
lar %ax,%ax; lsl %eax,%ecx; clflush (%rax); lfence; mfence; sfence; prefetcht0 (%rax); prefetchnta 8(%rdx); prefetchw (%rcx); nopl (%rax); nopw 0x0(%rax,%rax,1)
swapgs; rdtscp; rdtsc; rdmsr; wrmsr; rdpmc; cpuid; syscall; sysretq; sysretl; clts; invd; wbinvd; ud2; ud1 %eax,%ecx; ud0 (%rax),%edx; clac; stac; rdpkru; wrpkru
xlat; pause; fwait; nop; xchg %ax,%ax; cs nopw 0x0(%rax,%rax,1)
1: jmp 1b; jmp 2f; 2: je 1b; jne 3f; .fill 200,1,0x90; 3: call 1b
1: jrcxz 1b; loop 1b; loope 1b; loopne 1b; jrcxz 2f; 2: loop 2b
.p2align 4; .p2align 5; .nops 11; .nops 15
`;

export function asForms(): Form[] {
  const forms: Form[] = [];
  for (const line of AS_LINES.trim().split('\n')) {
    if (line.includes('1:')) { forms.push({ tag: `as: ${line}`, text: line.split(';').join('\n'), group: 'as' }); continue; }
    for (const t of line.split(';').map((s) => s.trim()).filter(Boolean)) forms.push({ tag: `as: ${t}`, text: t, group: 'as' });
  }
  return forms;
}

// ---------------------------------------------------------------------------
// The corpus: one object, one objdump run.

/** Every form of the generated corpus, in the oracle's order. */
export function corpusForms(): Form[] {
  return [
    ...opcodeRows().flatMap(rowForms),
    ...CORNER_CASES.map(([tag, hex]): Form => ({ tag: `corner: ${tag}`, bytes: hex.split(' ').map((h) => parseInt(h, 16)), group: 'corner' })),
    ...sweepForms(),
    ...asForms(),
  ];
}

export interface Result {
  group: Form['group'];
  tag: string;
  bytes: string;
  verdict: Verdict;
  loose?: boolean;
  /** Index of the form in the list given to runCorpus (-1 for guest images). */
  form: number;
  /** Where objdump placed the instruction. */
  addr: bigint;
  /** objdump's text (prefix-only lines joined, not normalised). */
  text: string;
  /** The bytes after the instruction in its form or section, up to 16 from the instruction's start (what the decoder may read). */
  following: number[];
}

/**
 * Assembles the forms into one object and compares every form's first
 * instruction (every instruction of an as-form) with objdump. Layout
 * 'sequential' (the oracle's): one .text section, each form at BASE + its
 * offset, under its own label. 'section-per-form': each form in its own
 * section, all of them at BASE, so a form's disassembly does not depend on
 * what else is in the corpus.
 */
export function runCorpus(forms: Form[], layout: 'sequential' | 'section-per-form' = 'sequential'): Result[] {
  const dir = mkdtempSync(join(tmpdir(), 'rz-disasm-'));
  try {
    const src: string[] = ['.text'];
    forms.forEach((f, k) => {
      // Per form a section and no label: objdump names the section instead (and is slow with many labels).
      src.push(layout === 'section-per-form' ? `.section .text.f${k},"ax",@progbits` : `f${k}:`);
      if (f.bytes) src.push(`.byte ${f.bytes.map((b) => '0x' + b.toString(16)).join(',')}`);
      else src.push(f.text!);
    });
    writeFileSync(join(dir, 'c.s'), src.join('\n') + '\n');
    const as = spawnSync('as', ['--64', '-o', join(dir, 'c.o'), join(dir, 'c.s')], { encoding: 'utf8', maxBuffer: 1 << 28 });
    if (as.error || as.status !== 0) throw new Error(`as failed: ${as.error?.message ?? as.stderr.slice(0, 4000)}`);
    const sections = new Map(execSections(join(dir, 'c.o')).map((s) => [s.name, s.data]));
    const lines = objdump(join(dir, 'c.o'), [`--adjust-vma=0x${BASE.toString(16)}`]);
    const results: Result[] = [];
    let k = 0;
    while (k < lines.length) {
      const sym = lines[k]!.sym;
      const m = (layout === 'section-per-form' ? /^\.text\.f(\d+)$/ : /^f(\d+)$/).exec(sym);
      const formIndex = Number(m?.[1]);
      const form = forms[formIndex];
      if (!m || !form) throw new Error(`unexpected objdump symbol ${sym}`);
      const data = sections.get(layout === 'section-per-form' ? `.text.f${formIndex}` : '.text');
      if (!data) throw new Error(`no section for ${sym}`);
      let stop = k + 1;
      while (stop < lines.length && lines[stop]!.sym === sym) stop++;
      // The first instruction of a byte form; every instruction of an as-form.
      for (let j = k; j < stop;) {
        const { bytes, text: odText, next } = mergePrefixLines(lines, j);
        const off = Number(lines[j]!.addr - BASE);
        const verdict = compare(data, off, lines[j]!.addr, bytes, odText);
        results.push({
          group: form.group, tag: form.tag, bytes: hexBytes(bytes), verdict, loose: form.loose,
          form: formIndex, addr: lines[j]!.addr, text: odText, following: Array.from(data.subarray(off + bytes.length, off + Math.max(bytes.length, 16))),
        });
        if (form.bytes) break;
        j = next;
      }
      k = stop;
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------
// (b) Guest images.

export const guestImages = (): string[] =>
  existsSync(GUEST_DIR) ? readdirSync(GUEST_DIR).filter((f) => f.endsWith('.elf')).sort() : [];

/** Every instruction of a guest image (an ELF file) compared with objdump -d. */
const FEP_SIGNATURE = [0x0f, 0x0b, 0x6b, 0x76, 0x6d]; // ud2; 'kvm'
function isFepSignatureTail(data: Uint8Array, off: number): boolean {
  return off >= 2 && FEP_SIGNATURE.every((b, i) => data[off - 2 + i] === b);
}

export function guestResults(file: string): Result[] {
  const name = basename(file);
  const sections = execSections(file);
  let lines = objdump(file);
  const results: Result[] = [];
  let k = 0;
  while (k < lines.length) {
    const addr = lines[k]!.addr;
    const sec = sections.find((s) => addr >= s.addr && addr < s.addr + BigInt(s.data.length));
    if (!sec) throw new Error(`${name}: objdump address ${addr.toString(16)} outside the executable sections`);
    const off = Number(addr - sec.addr);
    if (isFepSignatureTail(sec.data, off)) {
      // 'kvm' after ud2: the forced emulation prefix (guest-abi §7) is data, not an
      // instruction; objdump decodes it up to the next symbol (probes.h puts one there).
      while (k < lines.length && lines[k]!.addr < addr + 3n) k++;
      // Without a symbol there (upstream's plain KVM_FEP) objdump's decode of 'kvm' swallowed
      // bytes of the next instruction: disassemble again from where that instruction starts.
      if (k < lines.length && lines[k]!.addr !== addr + 3n) {
        lines = [...lines.slice(0, k), ...objdump(file, [`--start-address=0x${(addr + 3n).toString(16)}`])];
      }
      continue;
    }
    const { bytes, text, next } = mergePrefixLines(lines, k);
    results.push({
      group: 'row', tag: `${name}+${addr.toString(16)}`, bytes: hexBytes(bytes), verdict: compare(sec.data, off, addr, bytes, text),
      form: -1, addr, text, following: Array.from(sec.data.subarray(off + bytes.length, off + Math.max(bytes.length, 16))),
    });
    k = next;
  }
  return results;
}
