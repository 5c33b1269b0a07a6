// The opcode table built from its source: every row of the row files, validated
// and frozen. The bundles in dist/ load a snapshot of this same table instead
// (scripts/build.mjs, ../table-snapshot.ts), as OPCODE_STORE only; tests and
// tools that run the TypeScript build it here.
import { row, buildTable, type OpcodeTable } from '../table.js';
import { storeOfTable, type RowStore } from '../row-store.js';
import { integerRows } from './integer.js';
import { movementRows } from './movement.js';
import { systemRows } from './system.js';
import { sseRows } from './sse.js';
import { sse4Rows } from './sse4.js';
import { sseFpRows } from './sse-fp.js';
import { x87Rows } from './x87.js';
import { mmxRows } from './mmx.js';
import { mmxMoreRows } from './mmx-more.js';
import { cryptoRows } from './crypto.js';
import { undefinedRows } from './undefined.js';

/** Builds the table from the row files (throws on a malformed row, a duplicate id or a missing `absent` row). */
export function buildOpcodeTable(): OpcodeTable {
  const implemented = [...integerRows(), ...movementRows(), ...systemRows(), ...sseRows(), ...sse4Rows(), ...sseFpRows(), ...x87Rows(), ...mmxRows(), ...mmxMoreRows(), ...cryptoRows()];
  return {
    rows: buildTable([...implemented, ...undefinedRows(implemented)]),
    ud: buildTable([row('Undefined', 'FF', '(bad)', '', 'ud')])[0]!,
    tooLong: buildTable([row('TooLong', 'FF', '(bad)', '', 'tooLong')])[0]!,
  };
}

export const OPCODE_TABLE: OpcodeTable = buildOpcodeTable();
export const OPCODE_STORE: RowStore = storeOfTable(OPCODE_TABLE);
