// Event delivery through 64-bit IDT gates (SDM Vol. 3A §6.12, §6.14; SDM
// Vol. 2A INT n/INTO/INT3/INT1 Operation, IA-32e mode; APM Vol. 2 §8.9): the
// stack chosen (RSP0-2, IST1-7, current), its alignment, the frame, SS and CS
// after a privilege change, the flags cleared, and the error code of every
// fault raised while delivering (EXT set for hardware events, clear for INT n).
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import { StopReason } from '../src/cpu/cpu.js';
import type { RunOptions } from './helpers/machine.js';
import {
  Machine, CODE, HANDLER, IDT, RSP, outcome, SEG_CS, SEG_SS, descriptor, frame, le32, program, setDescriptor, setGate, setTss,
} from './helpers/system.js';

const STACK = 0x801f00;                       // the Machine's RSP
const RSP0 = 0x801808, RSP1 = 0x801408, RSP2 = 0x801008;
const IST = [1, 2, 3, 4, 5, 6, 7].map((k) => 0x800808 + k * 0x100);
const align16 = (v: number) => v - (v % 16);
const UD2 = [0x0f, 0x0b], INT80 = [0xcd, 0x80];
/** GDT 0x30: 64-bit code, DPL 1 (SDM §3.4.5: type B, S, P, L). */
const CODE64_DPL1 = descriptor(0, 0xfffff, 0xa0bb);
/** GDT 0x30: 64-bit conforming code, DPL 0 (type F). */
const CODE64_CONFORMING = descriptor(0, 0xfffff, 0xa09f);
/** GDT 0x30: 64-bit code, DPL 0, not present. */
const CODE64_ABSENT = descriptor(0, 0xfffff, 0xa01b);

function machine(): Machine {
  const m = new Machine();
  setTss(m, { rsp: [RSP0, RSP1, RSP2], ist: IST, limit: 0x67 });
  return m;
}

describe.each(EXECUTION_PATHS)('event delivery (%s path)', (path) => {
  const run = (m: Machine, code: number[], o: RunOptions = {}) => outcome(m.run(program(code), { path, ...o }));

  it('same privilege, no IST: the current stack aligned down to 16, frame RIP CS RFLAGS RSP SS (§6.14.2)', () => {
    const m = machine();
    setGate(m, 6);
    expect(run(m, UD2, { regs: { [RSP]: BigInt(STACK - 8) } })).toBe('halt');
    expect(Number(m.cpu.getReg64(RSP))).toBe(align16(STACK - 8) - 40);
    // A fault pushes RF = 1 (SDM §17.3.1.1).
    expect(frame(m, 5)).toEqual([BigInt(CODE), 0x08n, 0x10002n, BigInt(STACK - 8), 0x0n]);
    expect(m.cpu.rip).toBe(HANDLER + 1);
  });

  it('an error code is pushed below RIP: six words', () => {
    const m = machine();
    setGate(m, 13);
    // mov rax, 1 << 63; mov rax, [rax] → #GP(0)
    expect(run(m, [0x48, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x48, 0x8b, 0x00])).toBe('halt');
    expect(Number(m.cpu.getReg64(RSP))).toBe(STACK - 48);
    expect(frame(m, 6)).toEqual([0n, BigInt(CODE + 10), 0x08n, 0x10002n, BigInt(STACK), 0x0n]); // RF = 1: a fault
  });

  it('CPL 3 → 0: RSP0 from the TSS, SS becomes the null selector, CS the gate selector with RPL 0 (§6.14.4)', () => {
    const m = machine();
    setGate(m, 6);
    expect(run(m, UD2, { cpl: 3 })).toBe('halt');
    expect(m.cpu.cpl).toBe(0);
    expect(Number(m.cpu.getReg64(RSP))).toBe(align16(RSP0) - 40);
    expect(frame(m, 5)).toEqual([BigInt(CODE), 0x2bn, 0x10002n, BigInt(STACK), 0x23n]); // RF = 1: a fault
    expect([m.cpu.segSel[SEG_CS], m.cpu.segSel[SEG_SS]]).toEqual([0x08, 0]);
  });

  it('CS gets the gate selector with RPL = the new CPL, whatever the gate selector’s RPL (SDM INT n: CS(RPL) := CPL)', () => {
    const m = machine();
    setGate(m, 6, { selector: 0x0b });
    expect(run(m, UD2)).toBe('halt');
    expect(m.cpu.segSel[SEG_CS]).toBe(0x08);
  });

  it('CPL 3 → 1: RSP1, and SS is a null selector with RPL = the new CPL', () => {
    const m = machine();
    setDescriptor(m, 0x30, CODE64_DPL1);
    setGate(m, 0x80, { selector: 0x30, dpl: 3 });
    // The handler's HLT is privileged at CPL 1: #GP(0) there shows where delivery left the CPU.
    expect(run(m, INT80, { cpl: 3 })).toBe('#GP(0)');
    expect(m.cpu.cpl).toBe(1);
    expect([m.cpu.segSel[SEG_CS], m.cpu.segSel[SEG_SS]]).toEqual([0x31, 1]);
    expect(Number(m.cpu.getReg64(RSP))).toBe(align16(RSP1) - 40);
    expect(frame(m, 5)).toEqual([BigInt(CODE + 2), 0x2bn, 0x2n, BigInt(STACK), 0x23n]);
  });

  it('CPL 3 → 2 uses RSP2', () => {
    const m = machine();
    setDescriptor(m, 0x30, descriptor(0, 0xfffff, 0xa0db));
    setGate(m, 0x80, { selector: 0x30, dpl: 3 });
    expect(run(m, INT80, { cpl: 3 })).toBe('#GP(0)');
    expect([m.cpu.cpl, m.cpu.segSel[SEG_SS]]).toEqual([2, 2]);
    expect(Number(m.cpu.getReg64(RSP))).toBe(align16(RSP2) - 40);
  });

  it('IST1-IST7: the gate’s IST field picks the TSS field, with or without a privilege change (§6.14.5)', () => {
    for (const cpl of [0, 3]) {
      for (let k = 1; k <= 7; k++) {
        const m = machine();
        setGate(m, 6, { ist: k });
        expect(run(m, UD2, { cpl })).toBe('halt');
        expect(`CPL ${cpl} IST${k}: 0x${Number(m.cpu.getReg64(RSP)).toString(16)}`).toBe(`CPL ${cpl} IST${k}: 0x${(align16(IST[k - 1]!) - 40).toString(16)}`);
      }
    }
  });

  it('a conforming target keeps the CPL: no stack switch, CS RPL = CPL, SS unchanged', () => {
    const m = machine();
    setDescriptor(m, 0x30, CODE64_CONFORMING);
    setGate(m, 6, { selector: 0x30 });
    // The handler (INT3 at CPL 3 through the DPL-3 gate 3) exits to the test.
    m.cpu.interceptVectors[3] = 1;
    expect(outcome(m.run(program(UD2, [0xcc]), { path, cpl: 3 }))).toBe('#BP');
    expect([m.cpu.cpl, m.cpu.segSel[SEG_CS], m.cpu.segSel[SEG_SS]]).toEqual([3, 0x33, 0x23]);
    expect(Number(m.cpu.getReg64(RSP))).toBe(STACK - 40);
  });

  it('RFLAGS: TF NT RF cleared, IF cleared by an interrupt gate only, AC kept; the frame holds the old value (§6.12.1.3)', () => {
    const before = 0x2 | 0x200 | 0x4000 | 0x10000 | 0x40000 | 0x1;
    for (const [type, ifAfter] of [[0xe, 0], [0xf, 0x200]] as const) {
      const m = machine();
      setGate(m, 6, { type });
      expect(run(m, UD2, { rflags: before })).toBe('halt');
      expect(frame(m, 3)[2]).toBe(BigInt(before));
      expect(Number(m.cpu.getRflags())).toBe(0x2 | ifAfter | 0x40000 | 0x1);
    }
  });

  it('INT n at CPL 3: a gate with DPL < CPL is #GP(vector*8+2); DPL 3 is delivered; exceptions skip the DPL check', () => {
    let m = machine();
    setGate(m, 0x80, { dpl: 0 });
    expect(run(m, INT80, { cpl: 3 })).toBe('#GP(402)');
    m = machine();
    setGate(m, 0x80, { dpl: 3 });
    expect(run(m, INT80, { cpl: 3 })).toBe('halt');
    expect(frame(m, 1)).toEqual([BigInt(CODE + 2)]);
    m = machine();
    setGate(m, 6, { dpl: 0 });
    expect(run(m, UD2, { cpl: 3 })).toBe('halt');
    m = machine();
    setGate(m, 3, { dpl: 0 });
    expect(run(m, [0xcc], { cpl: 3 })).toBe('#GP(1a)');           // INT3 is a software interrupt
    m = machine();
    setGate(m, 1, { dpl: 0 });
    expect(run(m, [0xf1], { cpl: 3 })).toBe('halt');               // INT1 is not (SDM INT1: no DPL check)
    expect(frame(m, 1)).toEqual([BigInt(CODE + 1)]);
  });

  it('INT n: gate DPL × CPL, every pair (#GP(vector*8+2) exactly when DPL < CPL)', () => {
    for (let cpl = 0; cpl < 4; cpl++) {
      for (let dpl = 0; dpl < 4; dpl++) {
        const m = machine();
        setGate(m, 0x80, { dpl });
        expect(`CPL ${cpl} DPL ${dpl}: ${run(m, INT80, { cpl })}`).toBe(`CPL ${cpl} DPL ${dpl}: ${dpl < cpl ? '#GP(402)' : 'halt'}`);
      }
    }
  });
});

// ---- faults while delivering ------------------------------------------------------

/** Each nested fault's gate uses its own IST stack, so RSP tells which vector was delivered. */
const CATCH: [number, string, number][] = [[13, '#GP', 1], [11, '#NP', 2], [10, '#TS', 3], [12, '#SS', 4], [14, '#PF', 5], [8, '#DF', 6]];
const NONCANONICAL = 0x800000000000;

function catching(m: Machine): Machine {
  for (const [v, , ist] of CATCH) setGate(m, v, { ist });
  return m;
}
/** The event delivered to a CATCH gate and its error code, e.g. '#GP(31)'. */
function caught(m: Machine): string {
  const rsp = Number(m.cpu.getReg64(RSP));
  for (const [, name, ist] of CATCH) {
    if (rsp === align16(IST[ist - 1]!) - 48) return `${name}(${frame(m, 1)[0]!.toString(16)})`;
  }
  return `nothing caught (RSP 0x${rsp.toString(16)})`;
}

describe.each(EXECUTION_PATHS)('faults while delivering (%s path)', (path) => {
  const hw = (m: Machine, code: number[], o: RunOptions = {}) => {
    const r = outcome(m.run(program(code), { path, ...o }));
    return r === 'halt' ? caught(m) : r;
  };
  const sw = (m: Machine, code: number[], o: RunOptions = {}) => outcome(m.run(program(code), { path, ...o }));

  it('the gate: wrong type, not present; #GP/#NP(vector*8+2), plus EXT (1) for an exception', () => {
    let m = catching(machine());
    setGate(m, 6, { type: 0xc });
    expect(hw(m, UD2)).toBe('#GP(33)');
    m = catching(machine());
    setGate(m, 6, { present: false });
    expect(hw(m, UD2)).toBe('#NP(33)');
    m = machine();
    setGate(m, 0x80, { type: 0x6 });
    expect(sw(m, INT80)).toBe('#GP(402)');
    m = catching(machine());
    setGate(m, 1, { present: false });
    expect(hw(m, [0xf1])).toBe('#NP(b)'); // INT1 is a hardware event: EXT = 1
  });

  it('the IDT limit must cover all 16 bytes of the gate', () => {
    // lidt [DATA] with limit 14*16+14 (gate 14 one byte short), then mov rax,[0x1000]: the #PF is beyond the
    // limit, and #GP while delivering #PF is a double fault (SDM Table 6-5); one byte more and #PF is delivered.
    const lidt = [0x0f, 0x01, 0x1c, 0x25, 0x00, 0x00, 0x60, 0x00];
    const code = [...lidt, 0x48, 0x8b, 0x04, 0x25, 0x00, 0x10, 0x00, 0x00];
    for (const [limit, want] of [[14 * 16 + 14, '#DF(0)'], [14 * 16 + 15, '#PF(0)']] as const) {
      const m = catching(machine());
      m.mem.write16(m.dataPhys, limit);
      m.mem.write64(m.dataPhys + 2, BigInt.asUintN(64, BigInt(IDT)));
      expect(`${limit}: ${hw(m, code)}`).toBe(`${limit}: ${want}`);
    }
    for (const [limit, want] of [[0x40 * 16 + 14, '#GP(202)'], [0x40 * 16 + 15, 'halt']] as const) {
      const m = machine();
      setGate(m, 0x40);
      m.mem.write16(m.dataPhys, limit);
      m.mem.write64(m.dataPhys + 2, BigInt.asUintN(64, BigInt(IDT)));
      expect(`${limit}: ${sw(m, [...lidt, 0xcd, 0x40])}`).toBe(`${limit}: ${want}`);
    }
  });

  it('the target CS (SDM INT n, TRAP-OR-INTERRUPT-GATE): null, beyond the GDT, not code, not 64-bit, DPL > CPL, not present', () => {
    const cases: [string, number, bigint | undefined, string, string][] = [
      ['null', 0x00, undefined, '#GP(1)', '#GP(0)'],
      ['beyond the GDT limit', 0x40, undefined, '#GP(41)', '#GP(40)'],
      ['LDT selector, no LDT', 0x0c, undefined, '#GP(d)', '#GP(c)'],
      ['data segment', 0x10, undefined, '#GP(11)', '#GP(10)'],
      ['data segment, RPL 3 (bits 1:0 of the code are IDT and EXT, not the RPL)', 0x13, undefined, '#GP(11)', '#GP(10)'],
      ['32-bit code', 0x30, descriptor(0, 0xfffff, 0xc09b), '#GP(31)', '#GP(30)'],
      ['DPL 3 code from CPL 0', 0x28, undefined, '#GP(29)', '#GP(28)'],
      ['not present', 0x30, CODE64_ABSENT, '#NP(31)', '#NP(30)'],
      ['not present, RPL 2', 0x32, CODE64_ABSENT, '#NP(31)', '#NP(30)'],
      ['LDT selector, RPL 3', 0x0f, undefined, '#GP(d)', '#GP(c)'],
    ];
    for (const [name, selector, desc, exception, softInt] of cases) {
      let m = catching(machine());
      if (desc !== undefined) setDescriptor(m, 0x30, desc);
      setGate(m, 6, { selector });
      expect(`${name}: ${hw(m, UD2)}`).toBe(`${name}: ${exception}`);
      m = machine();
      if (desc !== undefined) setDescriptor(m, 0x30, desc);
      setGate(m, 0x80, { selector });
      expect(`${name}: ${sw(m, INT80)}`).toBe(`${name}: ${softInt}`);
    }
  });

  it('INT n: the TSS must hold RSPn / ISTn within its limit, else #TS(TSS selector) (SDM INT n, IA-32e mode)', () => {
    for (const [ist, limit, want] of [[0, 0xa, '#TS(30)'], [0, 0xb, 'halt'], [2, 0x32, '#TS(30)'], [2, 0x33, 'halt']] as const) {
      const m = machine();
      setGate(m, 0x80, { dpl: 3, ist });
      m.cpu.trLimit = limit;
      expect(`IST${ist} limit ${limit}: ${sw(m, INT80, { cpl: 3 })}`).toBe(`IST${ist} limit ${limit}: ${want}`);
    }
  });

  it('INT n: a non-canonical stack is #SS(0), a non-canonical gate target #GP(0)', () => {
    let m = machine();
    setTss(m, { ist: [NONCANONICAL] });
    setGate(m, 0x80, { ist: 1 });
    expect(sw(m, INT80)).toBe('#SS(0)');
    m = machine();
    setGate(m, 0x80, { target: NONCANONICAL });
    expect(sw(m, INT80)).toBe('#GP(0)');
  });

  it('double faults (SDM §6.15 Table 6-5): contributory then contributory, #PF then contributory → #DF(0); otherwise the second', () => {
    const GP = [0x48, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x48, 0x8b, 0x00]; // mov rax, 1 << 63; mov rax, [rax]
    const PF = [0x48, 0x8b, 0x04, 0x25, 0x00, 0x10, 0x00, 0x00];         // mov rax, [0x1000]
    let m = catching(machine());
    setGate(m, 13, { present: false });
    expect(hw(m, GP)).toBe('#DF(0)');
    m = catching(machine());
    setGate(m, 14, { present: false });
    expect(hw(m, PF)).toBe('#DF(0)');
    // #PF while delivering a contributory or a benign exception is delivered as #PF (CR2 in the frame's page).
    for (const [first, code] of [['#GP', GP], ['#UD', UD2]] as const) {
      m = catching(machine());
      setTss(m, { ist: [...IST.slice(0, 6), 0x800010] });
      setGate(m, first === '#GP' ? 13 : 6, { ist: 7 });
      expect(`${first}: ${hw(m, code)}`).toBe(`${first}: #PF(2)`);
      expect(Math.floor(m.cpu.cr2 / 4096)).toBe(0x7ff);
    }
    // A read-only stack page (CR0.WP = 1) the TLB holds for reading: the frame's first push faults with
    // W = 1, however the page's entry was cached (mmu.ts framePage copies it for the next delivery).
    const RO = 0xa00000;
    for (const reads of [0, 1, 2]) {
      m = catching(machine());
      m.pt.mapFresh(RO, 0x1000, { writable: false, user: false, executable: false });
      setTss(m, { ist: [...IST.slice(0, 6), RO + 0x800] });
      setGate(m, 6, { ist: 7 });
      const read = [0x48, 0x8b, 0x04, 0x25, ...le32(RO + 0x7f8)]; // mov rax, [RO + 0x7f8]
      expect(`${reads} reads: ${hw(m, [...Array<number[]>(reads).fill(read).flat(), ...UD2])}`).toBe(`${reads} reads: #PF(3)`);
      expect(m.cpu.cr2).toBe(RO + 0x7f8);
    }
    // A contributory fault while delivering #DF is a triple fault: shutdown.
    m = catching(machine());
    setGate(m, 13, { present: false });
    setGate(m, 8, { present: false });
    expect(m.run(program(GP), { path }).outcome).toBe('other');
    expect(m.cpu.stopReason).toBe(StopReason.Shutdown);
  });

  // SDM INT n Operation (IA-32e mode): #GP(EXT) for a non-canonical gate target, #SS(EXT) for a
  // non-canonical new stack, #TS(error_code(current TSS selector,0,EXT)) for a TSS too short.
  // For a hardware exception EXT = 1.
  it('an exception whose gate target is not canonical: #GP(EXT = 1)', () => {
    const m = catching(machine());
    setGate(m, 6, { target: NONCANONICAL });
    expect(hw(m, UD2)).toBe('#GP(1)');
  });
  it('an exception whose IST stack is not canonical: #SS(EXT = 1)', () => {
    const m = catching(machine());
    setTss(m, { ist: [...IST.slice(0, 6), NONCANONICAL] });
    setGate(m, 6, { ist: 7 });
    expect(hw(m, UD2)).toBe('#SS(1)');
  });
  it('an exception whose IST field is beyond the TSS limit: #TS(TSS selector + EXT)', () => {
    const m = catching(machine());
    setGate(m, 6, { ist: 4 });            // IST4 at 0x3c..0x43; the #TS gate uses IST3 (0x34..0x3b)
    m.cpu.trLimit = 0x42;
    expect(hw(m, UD2)).toBe('#TS(31)');
  });
  // SDM §6.14.1: only 64-bit interrupt and trap gates may be referenced (system descriptors: S = 0;
  // Figure 6-8 shows bit 12 as 0).
  it('a gate with S = 1 is not an interrupt gate: #GP(vector*8+2+EXT)', () => {
    const m = catching(machine());
    setGate(m, 6, { s: true });
    expect(hw(m, UD2)).toBe('#GP(33)');
  });
});
