// THE opcode table: every row of opcodes/*.ts, validated and frozen (the row
// shape and its legend are in table.ts; opcodes/all.ts builds it, and the
// bundles in dist/ load the snapshot scripts/build.mjs makes of it). Read by the
// decoder, the disassembler, the execution tiers, CPUID, the coverage document
// and the test generators, through a RowStore (row-store.ts): a row is built
// when first needed.
import type { OpcodeRow } from './table.js';
import { OPCODE_STORE } from './opcodes/all.js';
import { allRows } from './row-store.js';

export { OPCODE_STORE };
/** Decodes of bytes that name no instruction raise #UD. */
export const ROW_UD: OpcodeRow = OPCODE_STORE.ud;
/** An instruction longer than 15 bytes raises #GP(0) (SDM §2.3.11). */
export const ROW_TOO_LONG: OpcodeRow = OPCODE_STORE.tooLong;

let rows: readonly OpcodeRow[] | undefined;
/** Every row of the table, in table order (frozen; builds every row the first time). */
export function opcodeRows(): readonly OpcodeRow[] {
  return (rows ??= allRows(OPCODE_STORE));
}

/** The row with this id (throws for an unknown id: ids are fixed by the table). A scan: it runs rarely (an absent feature's row). */
export function rowById(id: string): OpcodeRow {
  const k = OPCODE_STORE.columns.id.indexOf(id);
  if (k >= 0) return OPCODE_STORE.row(k);
  throw new Error(`no opcode-table row ${id}`);
}
