// The objdump oracle for the decoder and the disassembler.
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
//
// The corpus and the comparison live in test/support/disasm-corpus.ts, shared
// with scripts/gen-disasm-fixtures.ts, which writes the same checks down as
// text fixtures (test/fixtures/disasm/) for test/disasm-fixtures.test.ts: that
// test runs where binutils is missing; this one stays as the live check.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { binutils, corpusForms, GUEST_DIR, guestImages, guestResults, runCorpus, type Result } from './support/disasm-corpus.js';

const MAX_REPORT = 60;

// ---------------------------------------------------------------------------
// Tools.

function loudSkip(what: string, reason: string): void {
  const msg = `\n*** ringzero: SKIPPING ${what}: ${reason} ***\n`;
  console.warn(msg);
  process.stderr.write(msg);
}

const tools = binutils();
if (!tools.ok) loudSkip('the objdump disassembly oracle', tools.reason!);

// ---------------------------------------------------------------------------
// Reporting.

/**
 * Bytes objdump cannot decode must raise #UD. The not-implemented rows (x87/SSE
 * placeholders covering whole opcode maps) stop emulation instead; they are
 * counted and listed (RZ_DISASM_DUMP) but only fail the suite when strict.
 */
const STRICT_NOTIMPL = process.env.RZ_DISASM_STRICT_NOTIMPL === '1';

function summarise(results: Result[], allowUnknown: boolean): { mismatches: string[]; stats: Record<string, number> } {
  const stats: Record<string, number> = { checked: results.length, ok: 0, lengthOnly: 0, bad: 0, badLenDiff: 0, badNotImpl: 0, unknown: 0, mismatch: 0 };
  const mismatches: string[] = [];
  for (const r of results) {
    switch (r.verdict.kind) {
      case 'ok': stats.ok!++; if (!r.verdict.exact) stats.whitespaceOnly = (stats.whitespaceOnly ?? 0) + 1; break;
      case 'length-only': stats.lengthOnly!++; stats[`lengthOnly:${r.verdict.why}`] = (stats[`lengthOnly:${r.verdict.why}`] ?? 0) + 1; break;
      case 'bad-valid': stats.badValid = (stats.badValid ?? 0) + 1; stats[`badValid:${r.verdict.why}`] = (stats[`badValid:${r.verdict.why}`] ?? 0) + 1; break;
      case 'bad-notimpl':
        stats.badNotImpl!++;
        if (STRICT_NOTIMPL) mismatches.push(`${r.tag}: ${r.verdict.msg}`);
        break;
      case 'bad-ok': stats.bad!++; if (r.verdict.lenDiff) stats.badLenDiff!++; break;
      case 'unknown':
        stats.unknown!++;
        if (!allowUnknown && !r.loose) mismatches.push(`${r.tag}: ${r.bytes}: objdump decodes it, our table does not`);
        break;
      case 'mismatch': stats.mismatch!++; mismatches.push(`${r.tag}: ${r.verdict.msg}`); break;
    }
  }
  return { mismatches, stats };
}

function report(name: string, s: { mismatches: string[]; stats: Record<string, number> }): string[] {
  console.log(`disasm oracle [${name}]: ${JSON.stringify(s.stats)}`);
  if (s.mismatches.length) console.log(`disasm oracle [${name}] mismatches:\n  ${s.mismatches.slice(0, MAX_REPORT).join('\n  ')}`);
  if (process.env.RZ_DISASM_DUMP) writeFileSync(`${process.env.RZ_DISASM_DUMP}.${name}.txt`, s.mismatches.join('\n') + '\n');
  return s.mismatches.slice(0, MAX_REPORT);
}

describe.skipIf(!tools.ok)('disassembler and decoder vs objdump -d (generated corpus)', () => {
  let results: Result[] = [];
  beforeAll(() => {
    results = runCorpus(corpusForms());
  });

  it('every table row in every size, addressing form, register class, immediate and prefix', () => {
    const rows = results.filter((r) => r.group === 'row');
    expect(rows.length).toBeGreaterThan(10000);
    expect(report('rows', summarise(rows, false))).toEqual([]);
  });

  it('hand-written prefix corner cases', () => {
    expect(report('corner', summarise(results.filter((r) => r.group === 'corner'), false))).toEqual([]);
  });

  it('opcode-map sweep: (bad) is #UD, everything we decode matches', () => {
    const s = summarise(results.filter((r) => r.group === 'sweep'), true);
    expect(s.stats.bad).toBeGreaterThan(100);
    expect(report('sweep', s)).toEqual([]);
  });

  it('AT&T source assembled by GNU as', () => {
    expect(report('as', summarise(results.filter((r) => r.group === 'as'), false))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// (b) Guest images.

const guests = guestImages();
if (tools.ok && guests.length === 0) {
  loudSkip('the guest-image part of the disassembly oracle', `no guest images in ${GUEST_DIR} (run: node scripts/build-guests.mjs)`);
}

describe.skipIf(!tools.ok || guests.length === 0)('disassembler and decoder vs objdump -d (guest images)', () => {
  it.each(guests)('%s', (name) => {
    const results = guestResults(join(GUEST_DIR, name));
    expect(results.length).toBeGreaterThan(0);
    expect(report(name, summarise(results, false))).toEqual([]);
  });
});
