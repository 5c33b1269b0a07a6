// Alignment checking (SDM Vol. 3 §6.15 "Interrupt 17—Alignment Check
// Exception", Table 6-7; §2.5 CR0.AM; APM Vol. 2 §8.2.18): #AC(0) at CPL 3
// with CR0.AM = 1 and RFLAGS.AC = 1 for a data access not aligned to its size
// — explicit loads and stores, stack pushes and pops, CALL/RET, string
// elements, CMPXCHG8B — while implicit supervisor accesses are exempt. The
// check comes before the access (no #PF, nothing written).
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import type { RunOptions } from './helpers/machine.js';
import { Machine, CODE, DATA_LIN, RBX, RCX, RSI, RDI, RSP, outcome, phys, program, setGate, setTss } from './helpers/system.js';

const AM = 1 << 18, AC = 0x40000;
const CR0 = 0x80010033;
const STACK = 0x802000 - 0x100;

/** A load or store of `size` bytes at [rbx]. */
const access = (size: number, write: boolean): number[] => {
  const op = write ? (size === 1 ? 0x88 : 0x89) : (size === 1 ? 0x8a : 0x8b);
  return [...(size === 2 ? [0x66] : size === 8 ? [0x48] : []), op, 0x03];
};

describe.each(EXECUTION_PATHS)('#AC (%s path)', (path) => {
  const m = new Machine();
  const run = (code: number[], o: RunOptions = {}) => outcome(m.run(code, { path, ...o }));
  const checking = (cpl: number, am: boolean, ac: boolean): RunOptions => ({ cpl, cr0: CR0 | (am ? AM : 0), rflags: 0x2 | (ac ? AC : 0) });

  it('MOV loads and stores: size × misalignment × CPL × CR0.AM × RFLAGS.AC', () => {
    let cases = 0;
    for (const cpl of [0, 3]) for (const am of [false, true]) for (const ac of [false, true]) {
      for (const size of [1, 2, 4, 8]) for (let off = 0; off < 16; off++) for (const write of [false, true]) {
        const r = run(access(size, write), { ...checking(cpl, am, ac), regs: { [RBX]: BigInt(DATA_LIN + 0x100 + off) } });
        const want = cpl === 3 && am && ac && off % size !== 0 ? '#AC(0)' : 'ok';
        expect(`cpl ${cpl} am ${am} ac ${ac} ${write ? 'store' : 'load'} ${size}@+${off}: ${r}`)
          .toBe(`cpl ${cpl} am ${am} ac ${ac} ${write ? 'store' : 'load'} ${size}@+${off}: ${want}`);
        cases++;
      }
    }
    expect(cases).toBe(2 * 2 * 2 * 4 * 16 * 2);
  });

  it('#AC comes before the access: nothing is written, RIP at the instruction; before a #PF on an unmapped page', () => {
    const pa = phys(m, DATA_LIN + 0x101);
    m.mem.write32(pa, 0);
    expect(run([0x89, 0x03], { ...checking(3, true, true), regs: { [RBX]: BigInt(DATA_LIN + 0x101), 0: 0xffffffffn } })).toBe('#AC(0)');
    expect([m.mem.read32(pa), m.cpu.rip]).toEqual([0, CODE]);
    // 0x700001 is not mapped: the misaligned store raises #AC, not #PF.
    expect(run([0x89, 0x03], { ...checking(3, true, true), regs: { [RBX]: 0x700001n } })).toBe('#AC(0)');
    expect(run([0x89, 0x03], { ...checking(3, true, true), regs: { [RBX]: 0x700000n } })).toBe('#PF(6)');
  });

  it('stack accesses: PUSH/POP (8 and 16-bit), CALL/RET with a misaligned RSP', () => {
    const cases: [string, number[], number, string][] = [
      ['push rax, RSP = 8k', [0x50], STACK, 'ok'],
      ['push rax, RSP = 8k+4', [0x50], STACK + 4, '#AC(0)'],
      ['push ax (66), RSP = 8k+4', [0x66, 0x50], STACK + 4, 'ok'],
      ['push ax (66), RSP = 8k+3', [0x66, 0x50], STACK + 3, '#AC(0)'],
      ['pop rax, RSP = 8k+2', [0x58], STACK + 2, '#AC(0)'],
      ['call rel32, RSP = 8k+4', [0xe8, 0, 0, 0, 0], STACK + 4, '#AC(0)'],
      ['ret, RSP = 8k+1', [0xc3], STACK + 1, '#AC(0)'],
      ['pushf, RSP = 8k+4', [0x9c], STACK + 4, '#AC(0)'],
    ];
    for (const [name, code, rsp, want] of cases) {
      expect(`${name}: ${run(code, { ...checking(3, true, true), regs: { [RSP]: BigInt(rsp) } })}`).toBe(`${name}: ${want}`);
      // The same at CPL 0, or without AC: no check.
      expect(`${name} (CPL 0): ${run([...code], { ...checking(0, true, true), regs: { [RSP]: BigInt(rsp) } })}`).not.toContain('#AC');
    }
  });

  it('string instructions: every element of MOVS/STOS/LODS (with REP: the first misaligned element, nothing done)', () => {
    const cases: [string, number[], number, number, string][] = [
      ['movsw, RSI odd', [0x66, 0xa5], 1, 0, '#AC(0)'],
      ['movsw, RDI odd', [0x66, 0xa5], 0, 1, '#AC(0)'],
      ['movsd, aligned', [0xa5], 0, 0, 'ok'],
      ['rep movsq, RDI = 8k+4', [0xf3, 0x48, 0xa5], 0, 4, '#AC(0)'],
      ['rep stosd, RDI = 4k+2', [0xf3, 0xab], 0, 2, '#AC(0)'],
      ['rep stosb, RDI odd', [0xf3, 0xaa], 0, 1, 'ok'],
      ['lodsq, RSI = 8k+4', [0x48, 0xad], 4, 0, '#AC(0)'],
    ];
    for (const [name, code, so, dso, want] of cases) {
      const regs = { [RSI]: BigInt(DATA_LIN + 0x200 + so), [RDI]: BigInt(DATA_LIN + 0x800 + dso), [RCX]: 4n };
      const r = run(code, { ...checking(3, true, true), regs });
      expect(`${name}: ${r}`).toBe(`${name}: ${want}`);
      if (want !== 'ok') expect(`${name}: RCX ${m.cpu.getReg64(RCX)}`).toBe(`${name}: RCX 4`);
    }
  });

  it('CMPXCHG8B needs 8-byte alignment (#AC); CMPXCHG16B 16 (#GP(0) first, SDM CMPXCHG16B)', () => {
    const cmpxchg8b = [0x0f, 0xc7, 0x0b], cmpxchg16b = [0x48, 0x0f, 0xc7, 0x0b];
    const at = (off: number) => ({ ...checking(3, true, true), regs: { [RBX]: BigInt(DATA_LIN + 0x300 + off) } });
    expect([run(cmpxchg8b, at(0)), run(cmpxchg8b, at(4)), run(cmpxchg16b, at(0)), run(cmpxchg16b, at(8))])
      .toEqual(['ok', '#AC(0)', 'ok', '#GP(0)']);
  });

  it('implicit supervisor accesses are exempt: the I/O bitmap word at an odd TSS offset, delivery from CPL 3', () => {
    // IN AL, 8 at CPL 3 above IOPL: the CPU reads the bitmap's 2 bytes at TSS + 0x68 + 1 (odd) as a supervisor access.
    const io = new Machine();
    io.setIoBitmap(0x2000, 0x68, new Uint8Array(0x100));
    expect(outcome(io.run([0xe4, 0x08], { path, ...checking(3, true, true) }))).toBe('ok');
    const d = new Machine();
    setGate(d, 0x80, { dpl: 3 });
    setTss(d, { rsp: [STACK + 0x40] });
    // INT 0x80 from CPL 3 with a misaligned user RSP: the frame goes to the aligned RSP0 stack; IDT, GDT, TSS reads are supervisor.
    expect(outcome(d.run(program([0xcd, 0x80]), { path, ...checking(3, true, true), regs: { [RSP]: BigInt(STACK + 3) } }))).toBe('halt');
  });

  it('SGDT at CPL 3, AMD: two stores, the limit 2-byte and the base 8-byte aligned (#AC at every offset but 6 mod 8; measured)', () => {
    const sgdt = [0x0f, 0x01, 0x03];
    const at = (off: number) => ({ ...checking(3, true, true), regs: { [RBX]: BigInt(DATA_LIN + 0x400 + off) } });
    expect(Array.from({ length: 16 }, (_, off) => run(sgdt, at(off)))).toEqual(Array.from({ length: 16 }, (_, off) => (off % 8 === 6 ? 'ok' : '#AC(0)')));
    expect(run(sgdt, { ...at(1), rflags: 0x2 })).toBe('ok');
  });

  it('SGDT at CPL 3, Intel: #AC at an odd address; otherwise the SDM\'s two rules disagree (emulation-failure)', () => {
    const intel = new Machine(undefined, 'intel');
    const at = (off: number) => ({ path, ...checking(3, true, true), regs: { [RBX]: BigInt(DATA_LIN + 0x400 + off) } });
    expect([outcome(intel.run([0x0f, 0x01, 0x03], at(1))), intel.run([0x0f, 0x01, 0x03], at(2)).outcome]).toEqual(['#AC(0)', 'emulation-failure']);
  });

  it('turning the check on and off: STAC/CLAC-free paths, POPF setting AC, MOV CR0 setting AM take effect on the next access', () => {
    // popf with AC (from CPL 3), then a misaligned load.
    const popfAc = [0x68, 0x02, 0x00, 0x04, 0x00, 0x9d];
    expect(run([...popfAc, ...access(4, false)], { cpl: 3, cr0: CR0 | AM, regs: { [RBX]: BigInt(DATA_LIN + 1) } })).toBe('#AC(0)');
    // mov cr0 with AM at CPL 0 then iretq to CPL 3 is covered by the table above; here MOV CR0 clears AM at CPL 0.
    const clearAm = [0x48, 0xb8, ...le64(CR0), 0x0f, 0x22, 0xc0];
    expect(run([...clearAm, ...access(4, false)], { ...checking(0, true, true), regs: { [RBX]: BigInt(DATA_LIN + 1) } })).toBe('ok');
  });
});

function le64(v: number): number[] {
  return Array.from({ length: 8 }, (_, k) => Number((BigInt(v) >> BigInt(8 * k)) & 0xffn));
}
