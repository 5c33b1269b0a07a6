// THE opcode table: every row of opcodes/*.ts, validated and frozen (the row
// shape and its legend are in table.ts; opcodes/all.ts builds it, and the
// bundles in dist/ load the snapshot scripts/build.mjs makes of it). Read by the
// decoder, the disassembler, the execution tiers, CPUID, the coverage document
// and the test generators.
import type { OpcodeRow } from './table.js';
import { OPCODE_TABLE } from './opcodes/all.js';

export const OPCODE_ROWS: readonly OpcodeRow[] = OPCODE_TABLE.rows;
/** Decodes of bytes that name no instruction raise #UD. */
export const ROW_UD: OpcodeRow = OPCODE_TABLE.ud;
/** An instruction longer than 15 bytes raises #GP(0) (SDM §2.3.11). */
export const ROW_TOO_LONG: OpcodeRow = OPCODE_TABLE.tooLong;

let byId: Map<string, OpcodeRow> | undefined;
/** The row with this id (throws for an unknown id: ids are fixed by the table). */
export function rowById(id: string): OpcodeRow {
  if (byId === undefined) {
    byId = new Map();
    for (let k = 0; k < OPCODE_ROWS.length; k++) byId.set(OPCODE_ROWS[k]!.id, OPCODE_ROWS[k]!); // indexed: it runs cold, at start
  }
  const r = byId.get(id);
  if (!r) throw new Error(`no opcode-table row ${id}`);
  return r;
}
