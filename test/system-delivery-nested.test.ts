// Faults raised while delivering an event (SDM Vol. 2A INT n/INTO/INT3/INT1
// Operation and 64-bit mode exceptions; Vol. 3A §6.13 error codes: EXT for
// hardware events, IDT for gate selectors; §6.15 Table 6-5 double faults). The
// Machine intercepts every vector without a gate, so the fault the CPU would
// deliver next (the second event, or #DF) exits to the test with its error code.
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import { StopReason } from '../src/cpu/cpu.js';
import {
  Machine, CODE, descriptor, outcome, program, setDescriptor, setGate, setTss,
} from './helpers/system.js';

const UD2 = [0x0f, 0x0b], INT6 = [0xcd, 0x06], ICEBP = [0xf1], INT3 = [0xcc];
const GP = [0x48, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x48, 0x8b, 0x00]; // mov rax, 1 << 63; mov rax, [rax]
const PF = [0x48, 0x8b, 0x04, 0x25, 0x00, 0x10, 0x00, 0x00];         // mov rax, [0x1000] (not mapped)
const LIDT = [0x0f, 0x01, 0x1c, 0x25, 0, 0, 0x60, 0], LGDT = [0x0f, 0x01, 0x14, 0x25, 0, 0, 0x60, 0]; // [DATA]
const NONCANONICAL = 0x0000800000000000;
const EXT = 1, IDT = 2;
const UNMAPPED_STACK = 0x500000;
const IST = [1, 2, 3, 4, 5, 6, 7].map((k) => 0x800808 + k * 0x100);
/** 64-bit code with L = 1 and D = 1: not a 64-bit code segment (SDM INT n: "has both the L-bit and D-bit set"). */
const CODE_L_D = descriptor(0, 0xfffff, 0xe09b);
/** 32-bit code (L = 0). */
const CODE32 = descriptor(0, 0xfffff, 0xc09b);

describe.each(EXECUTION_PATHS)('faults while delivering (%s path)', (path) => {
  const run = (m: Machine, code: number[]) => outcome(m.run(program(code), { path }));
  const machine = () => { const m = new Machine(); setTss(m, { ist: IST, limit: 0x67 }); return m; };
  /** An IDTR/GDTR image (limit, base) in the Machine's data page. */
  const table = (m: Machine, limit: number, base: number) => {
    m.mem.write16(m.dataPhys, limit);
    m.mem.write64(m.dataPhys + 2, BigInt.asUintN(64, BigInt(base)));
  };

  it('the gate CS must be 64-bit code (L = 1, D = 0): #GP(selector + EXT) for an exception, no EXT for INT n', () => {
    for (const [name, d] of [['L = D = 1', CODE_L_D], ['L = 0', CODE32]] as const) {
      for (const [how, code, want] of [['#UD', UD2, 0x30 + EXT], ['INT 6', INT6, 0x30], ['ICEBP', ICEBP, 0x30 + EXT]] as const) {
        const m = machine();
        setDescriptor(m, 0x30, d);
        setGate(m, how === 'ICEBP' ? 1 : 6, { selector: 0x30 });
        expect(`${name}, ${how}: ${run(m, code)}`).toBe(`${name}, ${how}: #GP(${want.toString(16)})`);
        expect(m.cpu.rip).toBe(CODE);
      }
    }
  });

  it('a gate in non-canonical space: #GP(vector*8 + IDT + EXT); a CS descriptor in non-canonical space: #GP(selector + EXT)', () => {
    let m = machine();
    table(m, 0xfff, NONCANONICAL - 6 * 16);                         // gate 6 starts at 2^47
    m.cpu.interceptVectors[6] = 0;                                  // #UD is delivered (through the moved IDT)
    expect(run(m, [...LIDT, ...UD2])).toBe(`#GP(${(6 * 8 + IDT + EXT).toString(16)})`);
    m = machine();
    table(m, 0xfff, NONCANONICAL - 6 * 16);
    expect(run(m, [...LIDT, ...INT6])).toBe(`#GP(${(6 * 8 + IDT).toString(16)})`);
    m = machine();
    table(m, 0xffff, NONCANONICAL - 0x10);                          // GDT entry 0x10 starts at 2^47
    setGate(m, 6, { selector: 0x10 });
    expect(run(m, [...LGDT, ...UD2])).toBe(`#GP(${(0x10 + EXT).toString(16)})`);
    expect(m.cpu.rip).toBe(CODE + LGDT.length);
  });

  it('the stack comes before the gate RIP: a non-canonical target with a bad IST is #TS or #SS, not #GP (SDM INT n Operation order)', () => {
    let m = machine();
    setGate(m, 6, { target: NONCANONICAL, ist: 4 });
    m.cpu.trLimit = 0x42;                                             // IST4 (0x3c..0x43) beyond the limit
    // m.run resets nothing in TR: the limit stays.
    expect(run(m, UD2)).toBe(`#TS(${(0x30 + EXT).toString(16)})`);
    m = machine();
    setTss(m, { ist: [...IST.slice(0, 6), NONCANONICAL] });
    setGate(m, 6, { target: NONCANONICAL, ist: 7 });
    expect(run(m, UD2)).toBe(`#SS(${EXT})`);
    m = machine();
    setGate(m, 6, { target: NONCANONICAL, ist: 1 });
    expect(run(m, UD2)).toBe(`#GP(${EXT})`);
  });

  it('a frame reaching below the canonical upper half is #SS(EXT); pushes go top down (CR2 = the first push that faults)', () => {
    let m = machine();
    setTss(m, { ist: [-0x800000000000 + 0x20] });                    // 5 pushes from 0xffff800000000020 reach below 2^64 - 2^47
    setGate(m, 6, { ist: 1 });
    expect(run(m, UD2)).toBe(`#SS(${EXT})`);
    // IST stack 0x800010: SS and RSP go to the mapped page at 0x800000, RFLAGS to the unmapped 0x7ffff8.
    m = machine();
    setTss(m, { ist: [0x800010] });
    setGate(m, 6, { ist: 1 });
    expect([run(m, UD2), m.cpu.cr2.toString(16)]).toEqual(['#PF(2)', '7ffff8']);
  });

  // SDM §6.15 Table 6-5 (and Interrupt 8): benign then anything → the second, serially; contributory then
  // contributory → #DF; contributory then #PF → #PF; #PF then contributory or #PF → #DF; a
  // contributory or #PF while delivering #DF → shutdown. #UD is benign, #GP and #NP contributory.
  it('double-fault classes: every first × second pair, and the triple fault', () => {
    const firsts = [['#UD (benign)', UD2, 6], ['#GP (contributory)', GP, 13], ['#PF', PF, 14]] as const;
    const seconds = ['#NP on the gate', '#PF on the stack'] as const;
    const want: Record<string, string> = {
      '#UD (benign), #NP on the gate': `#NP(${(6 * 8 + IDT + EXT).toString(16)})`,
      '#UD (benign), #PF on the stack': '#PF(2)',
      '#GP (contributory), #NP on the gate': '#DF(0)',
      '#GP (contributory), #PF on the stack': '#PF(2)',
      '#PF, #NP on the gate': '#DF(0)',
      '#PF, #PF on the stack': '#DF(0)',
    };
    for (const [fname, code, vector] of firsts) {
      for (const second of seconds) {
        const m = machine();
        if (second === '#NP on the gate') setGate(m, vector, { present: false });
        else { setTss(m, { ist: [UNMAPPED_STACK] }); setGate(m, vector, { ist: 1 }); }
        const key = `${fname}, ${second}`;
        expect(`${key}: ${run(m, code)}`).toBe(`${key}: ${want[key]}`);
        if (want[key] === '#PF(2)') expect(m.cpu.cr2).toBe(UNMAPPED_STACK - 8);
        if (fname === '#PF' && want[key] === '#DF(0)') expect(m.cpu.cr2).toBe(second === '#PF on the stack' ? UNMAPPED_STACK - 8 : 0x1000);
      }
    }
    // #DF's own gate not present: a contributory fault while delivering #DF is a triple fault.
    for (const [fname, code, vector] of firsts.slice(1)) {
      const m = machine();
      setGate(m, vector, { present: false });
      setGate(m, 8, { present: false });
      expect(`${fname}: ${m.run(program(code), { path }).outcome}`).toBe(`${fname}: other`);
      expect(m.cpu.stopReason).toBe(StopReason.Shutdown);
    }
  });

  it('EXT: set for exceptions and ICEBP, clear for INT n and INT3 (SDM §6.13)', () => {
    for (const [name, code, vector, ext] of [['#UD', UD2, 6, EXT], ['ICEBP', ICEBP, 1, EXT], ['INT3', INT3, 3, 0], ['INT 6', INT6, 6, 0]] as const) {
      const m = machine();
      setGate(m, vector, { present: false, dpl: 3 });
      expect(`${name}: ${run(m, code)}`).toBe(`${name}: #NP(${(vector * 8 + IDT + ext).toString(16)})`);
    }
  });
});
