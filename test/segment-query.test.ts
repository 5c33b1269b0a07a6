// LAR, LSL, VERR, VERW in IA-32e mode (SDM Vol. 2A LAR, LSL; Vol. 2B VERR,
// VERW; APM Vol. 3), table-driven: per descriptor and CPL/RPL, whether ZF is
// set and what lands in the destination (the access-rights mask 00FFFF00h —
// bits 19:16 measured on an AMD host — the byte-scaled limit), the system
// types valid in IA-32e mode (LAR: LDT, 64-bit TSS, 64-bit call gate; LSL: no
// gate), the operand sizes, and the destination left alone when ZF = 0.
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import { Machine, RAX, RCX, DATA_LIN, descriptor, outcome, phys, setDescriptor } from './helpers/system.js';

const ZF = 0x40;
const LAR = [0x0f, 0x02, 0xc1], LSL = [0x0f, 0x03, 0xc1], VERR = [0x0f, 0x00, 0xe1], VERW = [0x0f, 0x00, 0xe9];
const PRESET = 0x1111222233334444n;
/** A 16-byte-slot system descriptor's low half: type, DPL, P; base 0x12345678, limit 0x2067 (byte granular). */
const system = (type: number, dpl = 0) => descriptor(0x12345678, 0x2067, 0x80 | (dpl << 5) | type);

interface Row { what: string; desc?: bigint; sel: number; cpl: number; lar: number | null; lsl: number | null; verr: boolean; verw: boolean }
// desc goes into GDT slot 0x30 (sel 0x30..0x33); other selectors use the Machine's GDT (guest ABI layout).
const ROWS: Row[] = [
  { what: 'kernel code 64 at CPL 0', sel: 0x08, cpl: 0, lar: 0x00af9b00, lsl: 0xffffffff, verr: true, verw: false },
  { what: 'kernel data at CPL 0', sel: 0x10, cpl: 0, lar: 0x00cf9300, lsl: 0xffffffff, verr: true, verw: true },
  { what: 'kernel data, RPL 3 > DPL 0', sel: 0x13, cpl: 0, lar: null, lsl: null, verr: false, verw: false },
  { what: 'kernel code at CPL 3 (DPL 0 < CPL)', sel: 0x08, cpl: 3, lar: null, lsl: null, verr: false, verw: false },
  { what: 'user code 32 at CPL 3', sel: 0x1b, cpl: 3, lar: 0x00cffb00, lsl: 0xffffffff, verr: true, verw: false },
  { what: 'user data at CPL 3 with RPL 0', sel: 0x20, cpl: 3, lar: 0x00cff300, lsl: 0xffffffff, verr: true, verw: true },
  { what: 'null selector', sel: 0x00, cpl: 0, lar: null, lsl: null, verr: false, verw: false },
  { what: 'null selector with RPL 3', sel: 0x03, cpl: 0, lar: null, lsl: null, verr: false, verw: false },
  { what: 'LDT selector with a null LDTR (limit 0)', sel: 0x04, cpl: 0, lar: null, lsl: null, verr: false, verw: false },
  { what: 'beyond the GDT limit 0x3f', sel: 0x40, cpl: 0, lar: null, lsl: null, verr: false, verw: false },
  { what: 'execute-only code', desc: descriptor(0, 0xfffff, 0xa098), sel: 0x30, cpl: 0, lar: 0x00af9800, lsl: 0xffffffff, verr: false, verw: false },
  { what: 'conforming readable code DPL 0 from CPL 3, RPL 3 (no privilege check)', desc: descriptor(0, 0xfffff, 0xa09e), sel: 0x33, cpl: 3, lar: 0x00af9e00, lsl: 0xffffffff, verr: true, verw: false },
  { what: 'conforming execute-only code DPL 0 from CPL 3', desc: descriptor(0, 0xfffff, 0xa09c), sel: 0x33, cpl: 3, lar: 0x00af9c00, lsl: 0xffffffff, verr: false, verw: false },
  { what: 'read-only data DPL 3, byte-granular limit 0x12345, AVL', desc: descriptor(0x00abcdef, 0x12345, 0x10f1), sel: 0x33, cpl: 3, lar: 0x0011f100, lsl: 0x12345, verr: true, verw: false },
  { what: 'data DPL 2 from CPL 2, RPL 2', desc: descriptor(0, 0x1f, 0x80d3), sel: 0x32, cpl: 2, lar: 0x0080d300, lsl: 0x1ffff, verr: true, verw: true },
  { what: 'data DPL 2 from CPL 3', desc: descriptor(0, 0x1f, 0x80d3), sel: 0x32, cpl: 3, lar: null, lsl: null, verr: false, verw: false },
  { what: 'data not present (P is not checked)', desc: descriptor(0, 0xfffff, 0xc013), sel: 0x30, cpl: 0, lar: 0x00cf1300, lsl: 0xffffffff, verr: true, verw: true },
  { what: 'LDT (type 2)', desc: system(0x2), sel: 0x30, cpl: 0, lar: 0x00008200, lsl: 0x2067, verr: false, verw: false },
  { what: '64-bit TSS available (type 9)', desc: system(0x9), sel: 0x30, cpl: 0, lar: 0x00008900, lsl: 0x2067, verr: false, verw: false },
  { what: '64-bit TSS busy (type B)', desc: system(0xb), sel: 0x30, cpl: 0, lar: 0x00008b00, lsl: 0x2067, verr: false, verw: false },
  { what: '64-bit TSS DPL 0 from CPL 3', desc: system(0x9), sel: 0x33, cpl: 3, lar: null, lsl: null, verr: false, verw: false },
  { what: '64-bit call gate (type C): LAR only', desc: system(0xc, 3), sel: 0x33, cpl: 3, lar: 0x0000ec00, lsl: null, verr: false, verw: false },
  ...[0x0, 0x1, 0x3, 0x4, 0x5, 0x6, 0x7, 0x8, 0xa, 0xd, 0xe, 0xf].map((t): Row => ({
    what: `system type ${t.toString(16)} (not valid in IA-32e mode for LAR/LSL)`, desc: system(t), sel: 0x30, cpl: 0, lar: null, lsl: null, verr: false, verw: false,
  })),
];

describe.each(EXECUTION_PATHS)('LAR, LSL, VERR, VERW (%s path)', (path) => {
  function exec(row: { desc?: bigint; cpl: number }, code: number[], sel: number | bigint, o: { rax?: bigint } = {}) {
    const m = new Machine();
    if (row.desc !== undefined) setDescriptor(m, 0x30, row.desc);
    const r = outcome(m.run(code, { path, cpl: row.cpl, regs: { [RCX]: BigInt(sel), [RAX]: o.rax ?? PRESET } }));
    return { r, m, zf: (m.cpu.getRflags() & ZF) !== 0, rax: BigInt.asUintN(64, m.cpu.getReg64(RAX)) };
  }

  it.each(ROWS)('$what', (row) => {
    const lar = exec(row, LAR, row.sel), lsl = exec(row, LSL, row.sel);
    expect([lar.r, lsl.r]).toEqual(['ok', 'ok']);
    expect([lar.zf, lar.rax]).toEqual(row.lar === null ? [false, PRESET] : [true, BigInt(row.lar)]);
    expect([lsl.zf, lsl.rax]).toEqual(row.lsl === null ? [false, PRESET] : [true, BigInt(row.lsl)]);
    expect(exec(row, VERR, row.sel).zf).toBe(row.verr);
    expect(exec(row, VERW, row.sel).zf).toBe(row.verw);
  });

  it('ZF is the only flag written: the others keep their values both ways', () => {
    const m = new Machine();
    m.run(LAR, { path, rflags: 0x8d7, regs: { [RCX]: 0x10n } });         // all arithmetic flags set; ZF stays set
    expect(m.cpu.getRflags()).toBe(0x8d7);
    m.run(LAR, { path, rflags: 0x897, regs: { [RCX]: 0x10n } });         // ZF clear → set
    expect(m.cpu.getRflags()).toBe(0x8d7);
    m.run(VERW, { path, rflags: 0x8d7, regs: { [RCX]: 0x08n } });        // ZF set → clear
    expect(m.cpu.getRflags()).toBe(0x897);
  });

  it('operand sizes: 16-bit LAR gives the type byte (0000FF00h) and merges, 64-bit LAR/LSL zero-extend, the selector is the low 16 bits', () => {
    const row = { cpl: 0 };
    expect(exec(row, [0x66, ...LAR], 0x10).rax).toBe(0x1111222233339300n);
    expect(exec(row, [0x66, ...LSL], 0x10).rax).toBe(0x111122223333ffffn);
    expect(exec(row, [0x48, ...LAR], 0xffff_0010n).rax).toBe(0x00cf9300n);
    expect(exec(row, [0x48, ...LSL], 0x10).rax).toBe(0xffffffffn);
  });

  it('a memory source reads a word (faults as a data read); the descriptor read is supervisor even at CPL 3', () => {
    const m = new Machine();
    m.mem.write16(phys(m, DATA_LIN + 0x10), 0x23);
    // lar eax, word [rcx]
    m.run([0x0f, 0x02, 0x01], { path, cpl: 3, regs: { [RCX]: BigInt(DATA_LIN + 0x10) } });
    expect([(m.cpu.getRflags() & ZF) !== 0, m.cpu.getReg64(RAX)]).toEqual([true, 0x00cff300n]);
    expect(outcome(m.run([0x0f, 0x02, 0x01], { path, regs: { [RCX]: 0x800000000000n } }))).toBe('#GP(0)');
    const r = m.run([0x0f, 0x00, 0x21], { path, regs: { [RCX]: 0x7ff000n } }); // verr [rcx]: not mapped
    expect([outcome(r), r.cr2]).toEqual(['#PF(0)', 0x7ff000]);
  });
});
