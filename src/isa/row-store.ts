// The opcode table as the runtime holds it: rows by position, each an OpcodeRow
// object only once something needs it. The bundles in dist/ hold the table's
// snapshot and build a row on first use (table-snapshot.ts: building all 3,190
// at every start cost ~20 ms of a ~170 ms `ringzero run`; a guest decodes a
// few hundred); the TypeScript sources hold the table the row files build.
// What the decoder and CPUID need of every row (where it sits, its mnemonic,
// feature and state) is in columns, read without building the row.
import type { FeatureName } from './features.js';
import type { OpcodeRow, OpcodeTable } from './table.js';

/** RowColumns.facts bits. */
export const FACT_LEGACY_ONLY = 1, FACT_PLUS_R = 2, FACT_PENDING = 4;

/** Per row k of the table: what is read of every row. */
export interface RowColumns {
  readonly id: readonly string[];
  /** map * 256 + opcode. */
  readonly key: readonly number[];
  /** FACT_LEGACY_ONLY | FACT_PLUS_R | FACT_PENDING. */
  readonly facts: readonly number[];
  readonly mnemonic: readonly string[];
  readonly feature: readonly (FeatureName | null)[];
}

/**
 * The positions of each opcode key's rows (key: map * 256 + opcode), for 64-bit mode and for 32-
 * and 16-bit code; null or absent: none (the decoder's rowsByKey makes them).
 */
export type KeyLists = readonly [(number[] | null | undefined)[], (number[] | null | undefined)[]];

export interface RowStore {
  /** The table's rows (ROW_UD and ROW_TOO_LONG not counted). */
  readonly count: number;
  /** Row `k` (0 ≤ k < count); the same object at every call. */
  row(k: number): OpcodeRow;
  readonly columns: RowColumns;
  /** The decoder's lists of rows by opcode, when the store carries them made already (the snapshot does). */
  readonly keyLists?: KeyLists;
  readonly ud: OpcodeRow;
  readonly tooLong: OpcodeRow;
}

/** The columns of `rows`. */
export function columnsOf(rows: readonly OpcodeRow[]): RowColumns {
  return {
    id: rows.map((r) => r.id),
    key: rows.map((r) => r.map * 256 + r.opcode),
    facts: rows.map((r) => (r.legacyOnly ? FACT_LEGACY_ONLY : 0) | (r.plusR ? FACT_PLUS_R : 0) | (r.pending ? FACT_PENDING : 0)),
    mnemonic: rows.map((r) => r.mnemonic),
    feature: rows.map((r) => r.feature ?? null),
  };
}

/** The store of a table built from its row files: every row exists already. */
export function storeOfTable(table: OpcodeTable): RowStore {
  const rows = table.rows;
  return { count: rows.length, row: (k) => rows[k]!, columns: columnsOf(rows), ud: table.ud, tooLong: table.tooLong };
}

/** Every row of a store, as one frozen list (the whole table: tests, tools, the library's opcodeRows()). */
export function allRows(store: RowStore): readonly OpcodeRow[] {
  const rows = new Array<OpcodeRow>(store.count);
  for (let k = 0; k < rows.length; k++) rows[k] = store.row(k);
  return Object.freeze(rows);
}
