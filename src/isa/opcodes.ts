// THE opcode table: every row of opcodes/*.ts, validated and frozen (the row
// shape and its legend are in table.ts). Read by the decoder, the disassembler,
// the execution tiers, CPUID, the coverage document and the test generators.
import { row, buildTable, type OpcodeRow } from './table.js';
import { integerRows } from './opcodes/integer.js';
import { movementRows } from './opcodes/movement.js';
import { systemRows } from './opcodes/system.js';
import { sseRows } from './opcodes/sse.js';
import { sse4Rows } from './opcodes/sse4.js';
import { sseFpRows } from './opcodes/sse-fp.js';
import { x87Rows } from './opcodes/x87.js';
import { mmxRows } from './opcodes/mmx.js';
import { mmxMoreRows } from './opcodes/mmx-more.js';
import { undefinedRows } from './opcodes/undefined.js';

const implemented = [...integerRows(), ...movementRows(), ...systemRows(), ...sseRows(), ...sse4Rows(), ...sseFpRows(), ...x87Rows(), ...mmxRows(), ...mmxMoreRows()];
export const OPCODE_ROWS: readonly OpcodeRow[] = buildTable([...implemented, ...undefinedRows(implemented)]);

/** Decodes of bytes that name no instruction raise #UD. */
export const ROW_UD: OpcodeRow = buildTable([row('Undefined', 'FF', '(bad)', '', 'ud')])[0]!;
/** An instruction longer than 15 bytes raises #GP(0) (SDM §2.3.11). */
export const ROW_TOO_LONG: OpcodeRow = buildTable([row('TooLong', 'FF', '(bad)', '', 'tooLong')])[0]!;

const BY_ID = new Map(OPCODE_ROWS.map((r) => [r.id, r]));
/** The row with this id (throws for an unknown id: ids are fixed by the table). */
export function rowById(id: string): OpcodeRow {
  const r = BY_ID.get(id);
  if (!r) throw new Error(`no opcode-table row ${id}`);
  return r;
}
