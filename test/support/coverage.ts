// Records which opcode-table rows the differential suites executed and
// compared successfully (for docs/coverage.md, see scripts/coverage.ts).
// Active only when RINGZERO_DIFF_COVERAGE names an output directory.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from '../../src/isa/decoder.js';

const OUT = process.env.RINGZERO_DIFF_COVERAGE;

export class RowCoverage {
  private readonly rows = new Set<string>();
  constructor(private readonly family: string) {}

  /** Adds the rows of every instruction in `code` (a passing form's bytes). */
  add(code: Uint8Array): void {
    if (!OUT) return;
    for (let pos = 0; pos < code.length;) {
      const insn = decode(code, pos, code.length - pos);
      if (!insn) break;
      this.rows.add(insn.row.id);
      pos += insn.len;
    }
  }

  write(): void {
    if (!OUT) return;
    mkdirSync(OUT, { recursive: true });
    writeFileSync(join(OUT, `${this.family}.json`), JSON.stringify({ family: this.family, rows: [...this.rows].sort() }));
  }
}
