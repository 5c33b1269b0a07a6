// The opcode table as data: rows are validated and frozen when the table is
// built, ids follow one scheme, every row is reachable by some encoding, and a
// malformed row is an error at startup rather than a row nothing decodes to.
import { describe, expect, it } from 'vitest';
import { opcodeRows } from '../src/isa/opcodes.js';
import { row, buildTable } from '../src/isa/table.js';
import { buildDecodeTable } from '../src/isa/decoder.js';
import { EXECUTORS } from '../src/isa/executors.js';

describe('the opcode table', () => {
  it('has unique ids that follow the scheme Mnemonic_Operands', () => {
    const ids = opcodeRows().map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[A-Z][A-Za-z0-9]*(_[A-Za-z0-9]+)*$/);
  });

  it('is frozen: rows, operands and AT&T details cannot change at run time', () => {
    const r = opcodeRows()[0]!;
    expect(Object.isFrozen(opcodeRows())).toBe(true);
    expect(Object.isFrozen(r) && Object.isFrozen(r.operands) && Object.isFrozen(r.operands[0]) && Object.isFrozen(r.att)).toBe(true);
    expect(() => { (r as { mnemonic: string }).mnemonic = 'x'; }).toThrow(TypeError);
  });

  it('names only known executors, and only pending rows use the pending executor', () => {
    for (const r of opcodeRows()) {
      expect(r.executor in EXECUTORS, r.id).toBe(true);
      expect(r.pending, r.id).toBe(r.executor === 'pending');
    }
  });

  it('rejects malformed rows when they are built', () => {
    expect(() => row('Bad_Sel', 'p=67 0F 10', 'x', '', 'nop')).toThrow(/bad mandatory prefix/);
    expect(() => row('Bad_Mod', '0F 01 /7 mod=mam', 'x', '', 'nop')).toThrow(/bad encoding token/);
    expect(() => row('Bad_Rm', '0F 01 /7 rm=3', 'x', '', 'nop')).toThrow(/needs mod=reg/);
    expect(() => row('Bad_Plus', '91 +r', 'x', 'Zv', 'nop')).toThrow(/\+r needs/);
    expect(() => row('Bad_Lock', '85', 'test', 'Ev,Gv', 'alu', { attrs: 'lock' })).toThrow(/lock needs a written memory operand/);
    expect(() => row('Bad_Operand', '01', 'add', '+Ek,Gv', 'alu')).toThrow(/unknown operand size/);
    expect(() => row('Bad_Attr', '01', 'add', '+Ev,Gv', 'alu', { attrs: 'lok' })).toThrow(/unknown attribute/);
    expect(() => row('bad_id', '01', 'add', '+Ev,Gv', 'alu')).toThrow(/scheme/);
    expect(() => row('Bad_Pending', '01', 'add', '+Ev,Gv', 'alu', { pending: true })).toThrow(/pending/);
    expect(() => row('Bad_Undef', '01', 'add', '+Ev,Gv', 'alu', { set: 'c', undef: 'o' })).toThrow(/undefined flags/);
    expect(() => buildTable([row('Dup', '90', 'nop', '', 'nop'), row('Dup', '90', 'nop', '', 'nop')])).toThrow(/duplicate/);
    expect(() => buildTable([row('Tz_Gv_Ev', 'p=F3 0F BC', 'tzcnt', '=Gv,Ev', 'tzcnt', { feature: 'bmi1', absent: 'Nowhere' })])).toThrow(/absent row/);
  });

  it('finds unreachable rows when the decoder is built', () => {
    expect(() => buildDecodeTable([row('Add_Ev_Gv', '01', 'add', '+Ev,Gv', 'alu'), row('Add_Ev_Gv_too', '01', 'add', '+Ev,Gv', 'alu')])).toThrow(/Add_Ev_Gv is unreachable/);
    // A more specific row taking part of a general one leaves the general one reachable.
    expect(() => buildDecodeTable([row('General_Ev', '0F 01 /7', 'x', 'Ev', 'nop'), row('Specific', '0F 01 /7 mod=reg rm=1', 'z', '', 'nop')])).not.toThrow();
    expect(() => buildDecodeTable(opcodeRows())).not.toThrow();
  });
});
