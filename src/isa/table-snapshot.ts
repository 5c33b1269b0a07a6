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

/** Where a row sits: id, map, opcode, ModRM.reg and ModRM.rm selectors, mandatory prefix, and its shape (an index). */
type Place = [id: string, map: number, opcode: number, ext: number, rm: number, prefix: DecodePrefix, shape: number];

/**
 * The rest of a row, which many rows share (the undefined-slot rows differ only
 * in their place). operands: indexes into TableSnapshot.operands; imms:
 * positions in the row's operands (the same objects, as row() makes them: the
 * decoder tells a first immediate from a second by identity); att: an index
 * into TableSnapshot.att.
 */
type Shape = [
  mod: OpcodeRow['mod'], legacyOnly: boolean, plusR: boolean, mnemonic: string, operands: number[], flagsTested: number,
  flagsModified: number, flagsUndefined: number, attrs: number, executor: ExecutorName, param: number, feature: FeatureName | null,
  absent: string | null, exceptionClass: ExceptionClass, pending: boolean, att: number, hasModrm: boolean, gByte: boolean,
  eByte: boolean, zByte: boolean, namesSystemRegister: boolean, imms: number[],
];

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
    const shape: Shape = [
      r.mod, r.legacyOnly, r.plusR, r.mnemonic, r.operands.map((o) => operands.index({ ...o })), r.flagsTested, r.flagsModified,
      r.flagsUndefined, r.attrs, r.executor, r.param, r.feature ?? null, r.absent ?? null, r.exceptionClass, r.pending,
      att.index({ ...r.att }), r.hasModrm, r.gByte, r.eByte, r.zByte, r.namesSystemRegister, imms,
    ];
    return [r.id, r.map, r.opcode, r.ext, r.rm, r.prefix, shapes.index(shape)];
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
    const ks = t[4];
    const ops = Object.freeze(ks.map((k, j) => (ks.indexOf(k) === j ? operands[k]! : Object.freeze({ ...operands[k]! }))));
    return [ops, Object.freeze(t[21].map((j) => ops[j]!))] as const;
  });
  const rows = s.rows.map((p): OpcodeRow => {
    const t = s.shapes[p[6]]!, [ops, imms] = lists[p[6]]!;
    return Object.freeze({
      id: p[0], map: p[1], opcode: p[2], ext: p[3], mod: t[0], rm: p[4], prefix: p[5], legacyOnly: t[1], plusR: t[2],
      mnemonic: t[3], operands: ops, flagsTested: t[5], flagsModified: t[6], flagsUndefined: t[7], attrs: t[8],
      executor: t[9], param: t[10], feature: t[11] ?? undefined, absent: t[12] ?? undefined, exceptionClass: t[13],
      pending: t[14], att: att[t[15]]!, hasModrm: t[16], gByte: t[17], eByte: t[18], zByte: t[19],
      namesSystemRegister: t[20], imms,
    });
  });
  const n = rows.length - 2;
  return { rows: Object.freeze(rows.slice(0, n)), ud: rows[n]!, tooLong: rows[n + 1]! };
}
