// A snapshot of the built opcode table as plain JSON data, and the table rebuilt
// from it. scripts/build.mjs builds the table from its source (opcodes/*.ts, with
// every check of row() and buildTable, and the decoder's reachability check),
// snapshots it and bundles the snapshot into dist/ in place of the row files, so
// the command line and the library load the table without building it
// (issue 11: start time). The rows stay defined once, in opcodes/*.ts; the
// snapshot is derived from them on every build (test/table-snapshot.test.ts
// checks the round trip).
import type { AttSyntax, ExceptionClass, DecodePrefix, OpcodeRow, OpcodeTable, OperandSpec } from './table.js';
import type { ExecutorName } from './executors.js';
import type { FeatureName } from './features.js';

/** Where a row sits (`where`: map, opcode, ModRM.reg and ModRM.rm selectors and mandatory prefix in one number), and its shape (an index). */
type Place = [id: string, where: number, shape: number];

/**
 * The rest of a row, which many rows share (the undefined-slot rows differ only
 * in their place). bits: the boolean fields (BOOLEANS); operands: indexes into
 * TableSnapshot.operands; imms: positions in the row's operands (the same
 * objects, as row() makes them: the decoder tells a first immediate from a
 * second by identity); att: an index into TableSnapshot.att.
 */
type Shape = [
  mod: OpcodeRow['mod'], bits: number, mnemonic: string, operands: number[], flagsTested: number, flagsModified: number,
  flagsUndefined: number, attrs: number, executor: ExecutorName, param: number, feature: FeatureName | null, absent: string | null,
  exceptionClass: ExceptionClass, att: number, imms: number[],
];

const BOOLEANS = ['legacyOnly', 'plusR', 'pending', 'hasModrm', 'gByte', 'eByte', 'zByte', 'namesSystemRegister'] as const;
const PREFIXES: readonly DecodePrefix[] = ['any', 'none', '66', 'F3', 'F2'];

export interface TableSnapshot {
  /** The distinct operand specifications. */
  readonly operands: OperandSpec[];
  /** The distinct AT&T details. */
  readonly att: AttSyntax[];
  readonly shapes: Shape[];
  /** The table's rows, then ROW_UD and ROW_TOO_LONG. */
  readonly rows: Place[];
}

/** A list of distinct values (equal as JSON) and the index of each. */
function distinct<T>(): { list: T[]; index: (v: T) => number } {
  const list: T[] = [], at = new Map<string, number>();
  return {
    list,
    index: (v) => {
      const key = JSON.stringify(v);
      let k = at.get(key);
      if (k === undefined) { at.set(key, (k = list.length)); list.push(v); }
      return k;
    },
  };
}

/** The snapshot of `table` (JSON-serialisable). */
export function snapshotTable(table: OpcodeTable): TableSnapshot {
  const operands = distinct<OperandSpec>(), att = distinct<AttSyntax>(), shapes = distinct<Shape>();
  const place = (r: OpcodeRow): Place => {
    const imms = r.imms.map((o) => {
      const k = r.operands.indexOf(o);
      if (k < 0) throw new Error(`opcode table snapshot: row ${r.id}: an immediate that is not one of its operands`);
      return k;
    });
    const bits = BOOLEANS.reduce((b, name, k) => (r[name] ? b | (1 << k) : b), 0);
    const shape: Shape = [
      r.mod, bits, r.mnemonic, r.operands.map((o) => operands.index({ ...o })), r.flagsTested, r.flagsModified, r.flagsUndefined,
      r.attrs, r.executor, r.param, r.feature ?? null, r.absent ?? null, r.exceptionClass, att.index({ ...r.att }), imms,
    ];
    const where = (((r.map * 256 + r.opcode) * 16 + r.ext + 1) * 16 + r.rm + 1) * 8 + PREFIXES.indexOf(r.prefix);
    return [r.id, where, shapes.index(shape)];
  };
  const rows = [...table.rows.map(place), place(table.ud), place(table.tooLong)];
  return { operands: operands.list, att: att.list, shapes: shapes.list, rows };
}

/** The table of a snapshot: rows of the same shape as row() makes, frozen as buildTable freezes them. */
export function tableFromSnapshot(s: TableSnapshot): OpcodeTable {
  const operands = s.operands.map((o) => Object.freeze(o));
  const att = s.att.map((a) => Object.freeze(a));
  // The rows of one shape share its operand lists (frozen). A specification used twice in one
  // row is two objects there (Ib,Ib), as row() makes them.
  const lists = s.shapes.map((t) => {
    const ks = t[3];
    const ops = Object.freeze(ks.map((k, j) => (ks.indexOf(k) === j ? operands[k]! : Object.freeze({ ...operands[k]! }))));
    return [ops, Object.freeze(t[14].map((j) => ops[j]!))] as const;
  });
  // Indexed loops and no array destructuring: this runs once per start, in V8's bytecode
  // interpreter, where destructuring an array goes through the iterator protocol (an allocation per element).
  const rows = new Array<OpcodeRow>(s.rows.length);
  for (let k = 0; k < rows.length; k++) {
    const place = s.rows[k]!, id = place[0], where = place[1], shape = place[2];
    const t = s.shapes[shape]!, list = lists[shape]!, ops = list[0], imms = list[1], bits = t[1];
    const prefix = PREFIXES[where & 7]!, rm = ((where >> 3) & 15) - 1, ext = ((where >> 7) & 15) - 1, opcode = (where >> 11) & 255, map = where >> 19;
    rows[k] = Object.freeze({
      id, map, opcode, ext, mod: t[0], rm, prefix, legacyOnly: (bits & 1) !== 0, plusR: (bits & 2) !== 0,
      mnemonic: t[2], operands: ops, flagsTested: t[4], flagsModified: t[5], flagsUndefined: t[6], attrs: t[7],
      executor: t[8], param: t[9], feature: t[10] ?? undefined, absent: t[11] ?? undefined, exceptionClass: t[12],
      pending: (bits & 4) !== 0, att: att[t[13]]!, hasModrm: (bits & 8) !== 0, gByte: (bits & 16) !== 0, eByte: (bits & 32) !== 0,
      zByte: (bits & 64) !== 0, namesSystemRegister: (bits & 128) !== 0, imms,
    });
  }
  const n = rows.length - 2;
  return { rows: Object.freeze(rows.slice(0, n)), ud: rows[n]!, tooLong: rows[n + 1]! };
}
