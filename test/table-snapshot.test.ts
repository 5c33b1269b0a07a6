// The opcode table's snapshot (src/isa/table-snapshot.ts), which the bundles in
// dist/ load instead of building the table at start: it rebuilds exactly the
// table the row files build (every field, frozen, the same operand identities),
// dist/ carries the snapshot of the current table, and the decoder's entries,
// built on first use, are those of the checked whole-table build.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OPCODE_TABLE } from '../src/isa/opcodes/all.js';
import { opcodeRows } from '../src/isa/opcodes.js';
import { SnapshotStore, snapshotTable } from '../src/isa/table-snapshot.js';
import { allRows, columnsOf } from '../src/isa/row-store.js';
import { buildDecodeTable, decode, decodeEntry, MODE32, MODE64 } from '../src/isa/decoder.js';
import type { OpcodeRow } from '../src/isa/table.js';

/** The whole table as the bundles' store builds it, from the snapshot through JSON. */
const roundTrip = () => {
  const store = new SnapshotStore(JSON.parse(JSON.stringify(snapshotTable(OPCODE_TABLE))));
  return { rows: allRows(store), ud: store.ud, tooLong: store.tooLong };
};

describe('the opcode table snapshot', () => {
  it('rebuilds every row with every field, ROW_UD and ROW_TOO_LONG included', () => {
    const t = roundTrip();
    expect(t.rows.length).toBe(OPCODE_TABLE.rows.length);
    // toStrictEqual: fields that are undefined (feature, absent) are present, as row() makes them.
    for (let i = 0; i < t.rows.length; i++) expect(t.rows[i], OPCODE_TABLE.rows[i]!.id).toStrictEqual(OPCODE_TABLE.rows[i]);
    expect(t.ud).toStrictEqual(OPCODE_TABLE.ud);
    expect(t.tooLong).toStrictEqual(OPCODE_TABLE.tooLong);
    expect(Object.keys(t.rows[0]!)).toEqual(Object.keys(OPCODE_TABLE.rows[0]!));
  });

  it('is frozen like the built table', () => {
    const t = roundTrip();
    expect(Object.isFrozen(t.rows)).toBe(true);
    for (const r of [...t.rows, t.ud, t.tooLong]) {
      expect(Object.isFrozen(r) && Object.isFrozen(r.operands) && Object.isFrozen(r.imms) && Object.isFrozen(r.att), r.id).toBe(true);
      for (const o of r.operands) expect(Object.isFrozen(o), r.id).toBe(true);
    }
  });

  it('keeps the immediates the very operand objects of their row, two equal ones two objects (the decoder compares them)', () => {
    const t = roundTrip();
    const same = (r: OpcodeRow) => r.imms.map((o) => r.operands.indexOf(o));
    for (let i = 0; i < t.rows.length; i++) expect(same(t.rows[i]!), t.rows[i]!.id).toEqual(same(OPCODE_TABLE.rows[i]!));
    const twoIb = t.rows.find((r) => r.imms.length === 2 && r.imms[0]!.text === r.imms[1]!.text);
    expect(twoIb, 'a row with two equal immediates (EXTRQ Ib,Ib)').toBeDefined();
    expect(twoIb!.imms[0]).not.toBe(twoIb!.imms[1]);
  });

  it('as the bundles read it: a row is built on first use, once; the columns read without building rows are the rows\' own', () => {
    const store = new SnapshotStore(JSON.parse(JSON.stringify(snapshotTable(OPCODE_TABLE))));
    const built = (store as unknown as { built: unknown[] }).built;
    expect(store.count).toBe(OPCODE_TABLE.rows.length);
    expect(store.columns).toEqual(columnsOf(OPCODE_TABLE.rows));
    // Only ROW_UD and ROW_TOO_LONG exist until a row is asked for.
    expect(built.filter((r) => r !== undefined).length).toBe(2);
    const k = OPCODE_TABLE.rows.findIndex((r) => r.id === 'Add_Ev_Gv');
    expect(store.row(k)).toStrictEqual(OPCODE_TABLE.rows[k]);
    expect(store.row(k)).toBe(store.row(k));
    expect(built.filter((r) => r !== undefined).length).toBe(3);
  });

  it.skipIf(!existsSync('dist/index.js'))('is what dist/ loads: the library bundle has the current table', async () => {
    const dist = await import(pathToFileURL(resolve('dist/index.js')).href) as { opcodeRows(): readonly OpcodeRow[] };
    expect(dist.opcodeRows().length).toBe(opcodeRows().length);
    const own = opcodeRows(), loaded = dist.opcodeRows();
    for (let i = 0; i < own.length; i++) expect(loaded[i], own[i]!.id).toStrictEqual(own[i]);
  });
});

describe('the decoder of the bundles, whose snapshot carries its lists of rows by opcode (scripts/build.mjs)', () => {
  it.skipIf(!existsSync('dist/index.js'))('decodes every opcode of every map to the rows the sources decode it to, in 64- and 32-bit code', async () => {
    const dist = await import(pathToFileURL(resolve('dist/index.js')).href) as { decode: typeof decode };
    const MAPS = [[], [0x0f], [0x0f, 0x38], [0x0f, 0x3a]];
    let compared = 0;
    for (const mode of [MODE64, MODE32]) {
      for (const map of MAPS) {
        for (let op = 0; op < 256; op++) {
          // Register and memory forms, with and without a mandatory prefix.
          for (const [prefix, modrm] of [[[], 0xc1], [[], 0x01], [[0x66], 0xc1], [[0xf3], 0x41]] as const) {
            const bytes = Uint8Array.from([...prefix, ...map, op, modrm, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            const own = decode(bytes, 0, bytes.length, mode), theirs = dist.decode(bytes, 0, bytes.length, mode);
            expect(theirs?.row.id, `${mode === MODE64 ? '64' : '32'}-bit ${Array.from(bytes.subarray(0, 6), (b) => b.toString(16)).join(' ')}`).toBe(own?.row.id);
            compared++;
          }
        }
      }
    }
    expect(compared).toBe(2 * 4 * 256 * 4);
  });
});

describe('the decoder entries built on first use', () => {
  it('are those of the whole-table build, which checks every row is reachable', () => {
    const [eager64, eagerLegacy] = buildDecodeTable(opcodeRows());
    for (let key = 0; key < 4 * 256; key++) {
      expect(decodeEntry(false, key), `64-bit key ${key.toString(16)}`).toStrictEqual(eager64[key]);
      expect(decodeEntry(true, key), `legacy key ${key.toString(16)}`).toStrictEqual(eagerLegacy[key]);
    }
  });
});
