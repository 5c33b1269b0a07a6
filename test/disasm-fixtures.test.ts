// The decoder and the disassembler against committed objdump fixtures
// (test/fixtures/disasm/*.txt, format in the README there). Each line holds
// the bytes of one instruction and the text GNU objdump -d prints for them;
// decode() must give that length and disassemble() that text (whitespace
// normalised). "(bad)" lines must decode to #UD (see raisesUdOrTooLong);
// length-only.txt checks only the length. The lines were written by
// scripts/gen-disasm-fixtures.mjs from objdump's output for the corpus of
// test/disasm-oracle.test.ts, so this runs the oracle's checks on a sample of
// its corpus where binutils is missing: it reads files and spawns nothing.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decode, disassemble } from '../src/index.js';

type Insn = NonNullable<ReturnType<typeof decode>>;

const FIXTURE_DIR = fileURLToPath(new URL('./fixtures/disasm/', import.meta.url));
/** The files the generator writes; a missing one fails rather than shrinking the check. */
const FILES = ['rows.txt', 'corner.txt', 'sweep.txt', 'as.txt', 'guests.txt', 'length-only.txt'];
const LENGTH_ONLY = new Set(['length-only.txt']);
const MAX_REPORT = 100;

// ---------------------------------------------------------------------------
// What objdump's "(bad)" must mean for us: the one place that looks into an
// Insn beyond .len. Bytes objdump cannot decode raise #UD, or, longer than 15
// bytes, #GP(0). The decoder says so from the table alone: `invalid` marks what
// the bytes make illegal (rows invalid in 64-bit mode such as PUSH ES, DAA,
// BOUND; LOCK where it is not allowed: objdump's "lock (bad)" for F0 0F BC),
// and undefined encodings decode to a row whose executor is 'ud'. The too-long
// row is found by a reference decode of 16 prefixes.
const TOO_LONG = decode(new Uint8Array(16).fill(0x66), 0, 16);

function raisesUdOrTooLong(insn: Insn): boolean {
  return insn.invalid || insn.row.executor === 'ud' || insn.row === TOO_LONG!.row;
}
const isTooLong = (insn: Insn) => insn.row === TOO_LONG!.row;

// ---------------------------------------------------------------------------
// The fixture format.

interface FixtureLine {
  where: string;
  /** The bytes objdump shows for the instruction. */
  bytes: Uint8Array;
  /** Bytes after them ("(bad)" lines only: the decoder may read past objdump's length). */
  following: number[];
  /** objdump's text, whitespace normalised. */
  text: string;
  addr: bigint;
}

const parseHex = (s: string, where: string): number[] =>
  s.trim() === '' ? [] : s.trim().split(/ +/).map((h) => {
    if (!/^[0-9a-f]{2}$/.test(h)) throw new Error(`${where}: bad byte '${h}'`);
    return parseInt(h, 16);
  });

function readFixture(name: string): FixtureLine[] {
  const out: FixtureLine[] = [];
  let addr: bigint | undefined;
  let label = '';
  let header = true; // the comments before the first blank line describe the file; later ones label the lines after them
  readFileSync(join(FIXTURE_DIR, name), 'utf8').split('\n').forEach((line, k) => {
    const where = `${name}:${k + 1}`;
    if (line.trim() === '') { header = false; return; }
    if (line.startsWith('#')) { if (!header) label = line.slice(1).trim(); return; }
    if (/^@[0-9a-f]+$/.test(line)) { addr = BigInt('0x' + line.slice(1)); return; }
    const cols = line.split('\t');
    if (cols.length < 2 || cols.length > 3 || cols[1] === '') throw new Error(`${where}: not "bytes<TAB>text[<TAB>@address]": ${JSON.stringify(line)}`);
    const [insnHex, followingHex = ''] = cols[0]!.split('|');
    const bytes = parseHex(insnHex!, where);
    if (bytes.length === 0) throw new Error(`${where}: no bytes`);
    let lineAddr = addr;
    if (cols.length === 3) {
      if (!/^@[0-9a-f]+$/.test(cols[2]!)) throw new Error(`${where}: bad address column '${cols[2]}'`);
      lineAddr = BigInt('0x' + cols[2]!.slice(1));
    }
    if (lineAddr === undefined) throw new Error(`${where}: no address (no @address line before it, no @address column)`);
    out.push({
      where: label ? `${where} (${label})` : where,
      bytes: Uint8Array.from(bytes), following: parseHex(followingHex, where), text: cols[1]!, addr: lineAddr,
    });
  });
  return out;
}

// ---------------------------------------------------------------------------
// The checks (the oracle's, test/support/disasm-corpus.ts compare()).

const normalise = (text: string) => text.replace(/\s+/g, ' ').trim();
const hex = (b: ArrayLike<number>) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
/** objdump's "(bad)" (possibly after prefix names) or a lone ".byte": the bytes name no instruction. */
const BAD_TEXT = /\(bad\)|^(?:\S+ )*\.byte 0x[0-9a-f]+$/;
const isPrefixByte = (b: number) => (b & 0xf0) === 0x40 || [0xf0, 0xf2, 0xf3, 0x66, 0x67, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65].includes(b);

/** Why a line fails, or undefined. */
function check(l: FixtureLine, lengthOnly: boolean): string | undefined {
  const all = Uint8Array.from([...l.bytes, ...l.following]);
  let insn: Insn | null;
  try { insn = decode(all, 0, all.length); } catch (e) { return `decode throws: ${e}`; }
  if (!insn) return `decode returns null (wants more than ${all.length} bytes)`;
  if (lengthOnly) return insn.len === l.bytes.length ? undefined : `ours len ${insn.len}; objdump len ${l.bytes.length}`;
  if (BAD_TEXT.test(l.text)) {
    if (!raisesUdOrTooLong(insn)) {
      let ours: string;
      try { ours = normalise(disassemble(insn, l.addr, all.subarray(0, insn.len))); } catch (e) { ours = `disassemble throws: ${e}`; }
      return `objdump says ${JSON.stringify(l.text)} but we decode ${JSON.stringify(ours)} (len ${insn.len}), not #UD`;
    }
    // objdump gives up at 15 bytes: that is the too-long instruction.
    if (l.bytes.length >= 15 && !(isTooLong(insn) && insn.len === 15)) return `objdump stops at 15 bytes, we decode len ${insn.len}, not too long`;
    return undefined;
  }
  let ours: string;
  try { ours = normalise(disassemble(insn, l.addr, l.bytes.subarray(0, insn.len))); } catch (e) { return `disassemble throws: ${e}`; }
  if (insn.len !== l.bytes.length || ours !== l.text) {
    return `ours len ${insn.len} ${JSON.stringify(ours)}; objdump len ${l.bytes.length} ${JSON.stringify(l.text)}`;
  }
  // Without the bytes the prefixes are rebuilt from the Insn: same text when there are no legacy ones.
  const firstNonPrefix = Array.from(l.bytes).findIndex((b) => !isPrefixByte(b));
  if (firstNonPrefix === 0 || (firstNonPrefix === 1 && (l.bytes[0]! & 0xf0) === 0x40)) {
    const bare = normalise(disassemble(insn, l.addr));
    if (bare !== ours) return `without bytes ${JSON.stringify(bare)}, with ${JSON.stringify(ours)}`;
  }
  return undefined;
}

describe('decoder and disassembler vs committed objdump fixtures', () => {
  it('the "(bad)" check knows undefined, invalid and too-long encodings', () => {
    const undefinedInsn = decode(Uint8Array.of(0x0f, 0x04), 0, 2)!;     // names no instruction
    const pushEs = decode(Uint8Array.of(0x06), 0, 1)!;                  // invalid in 64-bit mode
    const lockBsf = decode(Uint8Array.of(0xf0, 0x0f, 0xbc, 0xc0), 0, 4)!; // LOCK not allowed
    const add = decode(Uint8Array.of(0x48, 0x01, 0xd8), 0, 3)!;
    expect(disassemble(undefinedInsn, 0n)).toBe('(bad)');
    for (const insn of [undefinedInsn, pushEs, lockBsf, TOO_LONG!]) expect(raisesUdOrTooLong(insn)).toBe(true);
    expect(raisesUdOrTooLong(add)).toBe(false);
    expect(TOO_LONG?.len).toBe(15);
    expect(readdirSync(FIXTURE_DIR).filter((f) => f.endsWith('.txt')).sort()).toEqual([...FILES].sort());
  });

  it.each(FILES)('%s', (name) => {
    const lines = readFixture(name);
    expect(lines.length).toBeGreaterThan(50);
    const failures: string[] = [];
    for (const l of lines) {
      const why = check(l, LENGTH_ONLY.has(name));
      if (why) failures.push(`${l.where}: ${hex(l.bytes)}${l.following.length ? ' | ' + hex(l.following) : ''}: ${why}`);
    }
    if (failures.length) {
      throw new Error(`${failures.length} of ${lines.length} lines of ${name} disagree with objdump:\n  ` +
        failures.slice(0, MAX_REPORT).join('\n  ') + (failures.length > MAX_REPORT ? `\n  … and ${failures.length - MAX_REPORT} more` : ''));
    }
  });
});
