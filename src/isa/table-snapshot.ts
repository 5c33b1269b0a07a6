// A snapshot of the built opcode table as plain JSON data, and the table rebuilt
// from it. scripts/build.mjs builds the table from its source (opcodes/*.ts, with
// every check of row() and buildTable, and the decoder's reachability check),
// snapshots it and bundles the snapshot into dist/ in place of the row files, so
// the command line and the library load the table without building it
// (issue 11: start time). The rows stay defined once, in opcodes/*.ts; the
// snapshot is derived from them on every build (test/table-snapshot.test.ts
// checks the round trip). The bundles read it as a RowStore (row-store.ts): a
// row is built when something first needs it.
import type { AttSyntax, ExceptionClass, DecodePrefix, OpcodeRow, OpcodeTable, OperandSpec } from './table.js';
import type { ExecutorName } from './executors.js';
import type { FeatureName } from './features.js';
import { columnsOf, type KeyLists, type RowColumns, type RowStore } from './row-store.js';

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
  /** Each distinct Shape as JSON, parsed when the first row of it is built. */
  readonly shapes: string[];
  /** Per row, then ROW_UD and ROW_TOO_LONG: where it sits (map, opcode, ModRM.reg and ModRM.rm selectors and mandatory prefix in one number). */
  readonly where: number[];
  /** Per row, then ROW_UD and ROW_TOO_LONG: its shape. */
  readonly shape: number[];
  /** Per row of the table. */
  readonly columns: RowColumns;
  /** The ids of ROW_UD and ROW_TOO_LONG. */
  readonly endIds: [ud: string, tooLong: string];
  /** The decoder's lists of rows by opcode (scripts/build.mjs adds them: the decoder makes them). */
  readonly keyLists?: KeyLists;
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
  const operands = distinct<OperandSpec>(), att = distinct<AttSyntax>(), shapes = distinct<string>();
  const all = [...table.rows, table.ud, table.tooLong];
  const shapeOf = (r: OpcodeRow): number => {
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
    return shapes.index(JSON.stringify(shape));
  };
  const where = all.map((r) => (((r.map * 256 + r.opcode) * 16 + r.ext + 1) * 16 + r.rm + 1) * 8 + PREFIXES.indexOf(r.prefix));
  const shape = all.map(shapeOf);
  return { operands: operands.list, att: att.list, shapes: shapes.list, where, shape, columns: columnsOf(table.rows), endIds: [table.ud.id, table.tooLong.id] };
}

/** A row's place (`where`) as snapshotTable packs it. */
const mapOf = (where: number) => where >> 19, opcodeOf = (where: number) => (where >> 11) & 255;

/**
 * The table of a snapshot as a RowStore: a row is built on first use, of the
 * same shape as row() makes and frozen as buildTable freezes it; the rows of
 * one shape share its operand lists. The loops are indexed, without array
 * destructuring: this runs cold, in V8's bytecode interpreter, where
 * destructuring goes through the iterator protocol (an allocation per element).
 */
export class SnapshotStore implements RowStore {
  readonly count: number;
  readonly ud: OpcodeRow;
  readonly tooLong: OpcodeRow;
  readonly columns: RowColumns;
  readonly keyLists: KeyLists | undefined;
  private readonly built: (OpcodeRow | undefined)[];
  /** Per shape, parsed with its first row: the shape and its operand list, and the immediates among them. */
  private readonly parsed: ([shape: Shape, operands: readonly OperandSpec[], imms: readonly OperandSpec[]] | undefined)[];

  constructor(private readonly s: TableSnapshot) {
    this.count = s.where.length - 2;
    this.columns = s.columns;
    this.keyLists = s.keyLists;
    this.built = new Array<OpcodeRow | undefined>(s.where.length).fill(undefined);
    this.parsed = new Array<[Shape, readonly OperandSpec[], readonly OperandSpec[]] | undefined>(s.shapes.length).fill(undefined);
    this.ud = this.row(this.count);
    this.tooLong = this.row(this.count + 1);
  }

  row(k: number): OpcodeRow {
    return this.built[k] ?? this.build(k);
  }

  private build(k: number): OpcodeRow {
    const where = this.s.where[k]!, shape = this.s.shape[k]!, parsed = this.parsed[shape] ?? this.parse(shape);
    const t = parsed[0], bits = t[1], id = k < this.count ? this.s.columns.id[k]! : this.s.endIds[k - this.count]!;
    return (this.built[k] = Object.freeze({
      id, map: mapOf(where), opcode: opcodeOf(where), ext: ((where >> 7) & 15) - 1, mod: t[0], rm: ((where >> 3) & 15) - 1,
      prefix: PREFIXES[where & 7]!, legacyOnly: (bits & 1) !== 0, plusR: (bits & 2) !== 0,
      mnemonic: t[2], operands: parsed[1], flagsTested: t[4], flagsModified: t[5], flagsUndefined: t[6], attrs: t[7],
      executor: t[8], param: t[9], feature: t[10] ?? undefined, absent: t[11] ?? undefined, exceptionClass: t[12],
      pending: (bits & 4) !== 0, att: Object.freeze(this.s.att[t[13]]!), hasModrm: (bits & 8) !== 0, gByte: (bits & 16) !== 0,
      eByte: (bits & 32) !== 0, zByte: (bits & 64) !== 0, namesSystemRegister: (bits & 128) !== 0, imms: parsed[2],
    }));
  }

  /** A shape, and its operand list (frozen): a specification used twice in one row is two objects there (Ib,Ib), as row() makes them. */
  private parse(shape: number): [Shape, readonly OperandSpec[], readonly OperandSpec[]] {
    const t = JSON.parse(this.s.shapes[shape]!) as Shape, ks = t[3], ims = t[14], ops = new Array<OperandSpec>(ks.length), imms = new Array<OperandSpec>(ims.length);
    for (let j = 0; j < ks.length; j++) {
      const o = Object.freeze(this.s.operands[ks[j]!]!);
      ops[j] = ks.indexOf(ks[j]!) === j ? o : Object.freeze({ ...o });
    }
    for (let j = 0; j < ims.length; j++) imms[j] = ops[ims[j]!]!;
    return (this.parsed[shape] = [t, Object.freeze(ops), Object.freeze(imms)]);
  }
}
