// Descriptor accessed and busy bits (SDM Vol. 3A §3.4.5.1: the processor sets
// the accessed bit of a segment descriptor it loads into a segment register;
// §4.6: that update, like every descriptor-table access, is an implicit
// supervisor-mode access whatever the CPL; SDM LTR: the TSS becomes busy).
// A read-only GDT page under CR0.WP = 1 shows the write: #PF with W = 1, U = 0
// and CR2 = the descriptor's access-rights byte (offset 5), after every check of
// the load (#NP/#GP/#SS first) and before anything is committed.
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import type { RunOptions } from './helpers/machine.js';
import {
  Machine, CODE, GDT, HANDLER, RAX, RSP, SEG_CS, SEG_DS, SEG_SS, descriptor, frame, outcome, phys, program,
  entryAddress, setDescriptor, setGate, setSystemDescriptor, setTss,
} from './helpers/system.js';

const MOV_DS = [0x8e, 0xd8], MOV_SS = [0x8e, 0xd0], POP_DS_UD = [0x1f]; // POP DS is #UD in 64-bit mode (i64)
const IRETQ = [0x48, 0xcf];
const LTR_AX = [0x0f, 0x00, 0xd8];
const CR0 = 0x80010033, CR0_WP = 0x10000;
const A = 1, BUSY = 2;
/** Data (type 2: RW, A = 0) and 64-bit code (type A: XR, A = 0) descriptors, DPL `dpl`. */
const DATA = (dpl: number) => descriptor(0, 0xfffff, 0xc092 | (dpl << 5));
const CODE64 = (dpl: number) => descriptor(0, 0xfffff, 0xa09a | (dpl << 5));
const DATA_ABSENT = descriptor(0, 0xfffff, 0xc012);
const STACK = 0x801f00;
const IST1 = 0x800908;
const PF_P = 1, PF_W = 2;

/** The access-rights byte of GDT entry `sel`, read from guest memory. */
const accessByte = (m: Machine, sel: number) => m.mem.u8[m.gdtPhys + (sel & ~7) + 5]!;
/** Remaps the GDT page read-only (supervisor): implicit writes then need CR0.WP = 0. */
const readOnlyGdt = (m: Machine) => { const pte = entryAddress(m, GDT); m.mem.write32(pte, m.mem.read32(pte) & ~2); };

describe.each(EXECUTION_PATHS)('descriptor accessed bits (%s path)', (path) => {
  const run = (m: Machine, code: number[], o: RunOptions = {}) => outcome(m.run(code, { path, ...o }));

  it('MOV DS / MOV SS: A is set in the GDT and in the loaded attributes; a read-only GDT faults only under WP, at any CPL', () => {
    const cases: [string, number[], number, bigint, number, boolean, number, string][] = [
      // name, code, selector, descriptor, CPL, read-only GDT, CR0, outcome
      ['DS, writable GDT', MOV_DS, 0x30, DATA(0), 0, false, CR0, 'ok'],
      ['SS, writable GDT', MOV_SS, 0x30, DATA(0), 0, false, CR0, 'ok'],
      ['DS at CPL 3, writable GDT', MOV_DS, 0x33, DATA(3), 3, false, CR0, 'ok'],
      ['DS, read-only GDT, WP = 1', MOV_DS, 0x30, DATA(0), 0, true, CR0, `#PF(${PF_P | PF_W})`],
      ['SS, read-only GDT, WP = 1', MOV_SS, 0x30, DATA(0), 0, true, CR0, `#PF(${PF_P | PF_W})`],
      // Implicit supervisor write at CPL 3: U/S = 0 in the error code.
      ['DS at CPL 3, read-only GDT', MOV_DS, 0x33, DATA(3), 3, true, CR0, `#PF(${PF_P | PF_W})`],
      ['DS, read-only GDT, WP = 0', MOV_DS, 0x30, DATA(0), 0, true, CR0 & ~CR0_WP, 'ok'],
      ['DS, A already set, read-only GDT', MOV_DS, 0x30, DATA(0) | (1n << 40n), 0, true, CR0, 'ok'],
      // The checks come first: not present is #NP / #SS, with nothing written.
      ['DS not present, read-only GDT', MOV_DS, 0x30, DATA_ABSENT, 0, true, CR0, '#NP(30)'],
      ['SS not present, read-only GDT', MOV_SS, 0x30, DATA_ABSENT, 0, true, CR0, '#SS(30)'],
      ['DS DPL 0 at CPL 3, read-only GDT', MOV_DS, 0x33, DATA(0), 3, true, CR0, '#GP(30)'],
    ];
    for (const [name, code, sel, d, cpl, ro, cr0, want] of cases) {
      const m = new Machine();
      setDescriptor(m, 0x30, d);
      if (ro) readOnlyGdt(m);
      const r = run(m, code, { cpl, cr0, regs: { [RAX]: BigInt(sel) } });
      const seg = code === MOV_SS ? SEG_SS : SEG_DS;
      expect(`${name}: ${r}`).toBe(`${name}: ${want}`);
      if (want === 'ok') {
        expect(`${name}: ${accessByte(m, 0x30) & A} ${m.cpu.segAttr[seg]! & A} ${m.cpu.segSel[seg]}`).toBe(`${name}: 1 1 ${sel}`);
      } else {
        expect(`${name}: A ${accessByte(m, 0x30) & A}, rip ${m.cpu.rip - CODE}, sel ${m.cpu.segSel[seg]}`).toBe(`${name}: A ${Number(d >> 40n) & A}, rip 0, sel ${seg === SEG_SS ? (cpl === 3 ? 0x23 : 0) : 0}`);
        if (want.startsWith('#PF')) expect(m.cpu.cr2).toBe(GDT + 0x30 + 5);
      }
    }
    expect(run(new Machine(), POP_DS_UD)).toBe('#UD');
  });

  it('IRET: CS then SS get A after every check; a read-only GDT faults on the first clear one (CR2 = its byte 5)', () => {
    const cases: [string, bigint, bigint, string, number?][] = [
      ['both clear, writable', CODE64(0), DATA(0), 'ok'],
      ['both clear, read-only', CODE64(0), DATA(0), '#PF(3)', 0x30],
      ['CS set, SS clear, read-only', CODE64(0) | (1n << 40n), DATA(0), '#PF(3)', 0x38],
      ['both set, read-only', CODE64(0) | (1n << 40n), DATA(0) | (1n << 40n), 'ok'],
      ['SS not present, read-only: #SS first', CODE64(0), DATA_ABSENT, '#SS(38)'],
    ];
    for (const [name, cs, ss, want, faultSel] of cases) {
      const m = new Machine();
      setDescriptor(m, 0x30, cs);
      setDescriptor(m, 0x38, ss);
      if (name.includes('read-only')) readOnlyGdt(m);
      const words = [CODE + IRETQ.length, 0x30, 0x2, 0x801800, 0x38];
      const pa = phys(m, STACK);
      words.forEach((w, k) => m.mem.write64(pa + 8 * k, BigInt(w)));
      const r = run(m, IRETQ, { regs: { [RSP]: BigInt(STACK) } });
      expect(`${name}: ${r}`).toBe(`${name}: ${want}`);
      if (want === 'ok') {
        expect(`${name}: ${accessByte(m, 0x30) & A} ${accessByte(m, 0x38) & A} ${m.cpu.segAttr[SEG_CS]! & A} ${m.cpu.segAttr[SEG_SS]! & A}`)
          .toBe(`${name}: 1 1 1 1`);
      } else {
        expect(`${name}: cs ${m.cpu.segSel[SEG_CS]} rip ${m.cpu.rip - CODE}`).toBe(`${name}: cs 8 rip 0`);
        if (faultSel !== undefined) expect(`${name}: cr2 ${m.cpu.cr2 - GDT}`).toBe(`${name}: cr2 ${faultSel + 5}`);
      }
    }
  });

  it('interrupt delivery: the gate\'s CS gets A; with a read-only GDT delivering #UD faults: #PF(3), CR2 = byte 5 (benign then #PF: the #PF)', () => {
    for (const ro of [false, true]) {
      const m = new Machine();
      setTss(m, { ist: [IST1] });
      setDescriptor(m, 0x30, CODE64(0));
      setGate(m, 6, { selector: 0x30 });
      setGate(m, 14, { ist: 1 }); // through CS 0x08 (A = 1): delivered
      if (ro) readOnlyGdt(m);
      const r = outcome(m.run(program([0x0f, 0x0b]), { path }));
      expect(`ro ${ro}: ${r}`).toBe(`ro ${ro}: halt`);
      if (!ro) {
        expect([accessByte(m, 0x30) & A, m.cpu.segSel[SEG_CS], m.cpu.segAttr[SEG_CS]! & A]).toEqual([1, 0x30, 1]);
        expect(frame(m, 1)[0]).toBe(BigInt(CODE)); // #UD: no error code, RIP of the UD2
      } else {
        // The #PF handler's frame on IST1: error code, RIP (the UD2), CS 8.
        expect(Number(m.cpu.getReg64(RSP))).toBe(IST1 - (IST1 % 16) - 48);
        expect(frame(m, 3)).toEqual([BigInt(PF_P | PF_W), BigInt(CODE), 8n]);
        expect([m.cpu.cr2 - GDT, accessByte(m, 0x30) & A, m.cpu.rip]).toEqual([0x35, 0, HANDLER + 1]);
      }
    }
  });

  it('LTR: the TSS descriptor becomes busy (type 9 → B); a busy one is #GP(selector); a read-only GDT faults at byte 5', () => {
    const cases: [string, number, boolean, string][] = [
      ['available', 0x9, false, 'ok'],
      ['busy', 0xb, false, '#GP(30)'],
      ['available, read-only GDT', 0x9, true, '#PF(3)'],
    ];
    for (const [name, type, ro, want] of cases) {
      const m = new Machine();
      setSystemDescriptor(m, 0x30, BigInt(GDT + 0x1000), 0x67, type); // GDTR limit 0x3f: the last 16 bytes
      if (ro) readOnlyGdt(m);
      const r = run(m, LTR_AX, { regs: { [RAX]: 0x30n } });
      expect(`${name}: ${r}`).toBe(`${name}: ${want}`);
      if (want === 'ok') expect([accessByte(m, 0x30) & 0xf, m.cpu.trSel, m.cpu.trAttr & 0xf]).toEqual([0x9 | BUSY, 0x30, 0x9 | BUSY]);
      else expect([accessByte(m, 0x30) & 0xf, m.cpu.rip - CODE]).toEqual([type, 0]);
      if (want.startsWith('#PF')) expect(m.cpu.cr2).toBe(GDT + 0x35);
    }
  });
});
