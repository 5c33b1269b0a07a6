// IRET in 64-bit mode (SDM Vol. 2A IRET Operation, IA-32e-MODE and
// PROTECTED-MODE-RETURN, 64-bit mode exceptions; APM Vol. 3 IRETx): the CS and
// SS checks with their error codes, the RFLAGS bits each CPL may change, the
// operand sizes, and the data segments nulled on a return to an outer level.
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import type { RunOptions } from './helpers/machine.js';
import {
  Machine, CODE, RSP, SEG_CS, SEG_DS, SEG_ES, SEG_FS, SEG_GS, SEG_SS, descriptor, outcome, phys, setDescriptor,
} from './helpers/system.js';

const IRETQ = [0x48, 0xcf], IRETD = [0xcf];
const STACK = 0x801f00, NEW_RSP = 0x801800;
const CODE_CONFORMING = (dpl: number) => descriptor(0, 0xfffff, 0xa09f | (dpl << 5));
const CODE_ABSENT = descriptor(0, 0xfffff, 0xa01b);
const DATA_RO = descriptor(0, 0xfffff, 0xc091);
const DATA_ABSENT = descriptor(0, 0xfffff, 0xc013);
// RFLAGS bits (SDM Vol. 1 §3.4.3).
const CF = 0x1, IF = 0x200, IOPL3 = 0x3000, NT = 0x4000, RF = 0x10000, VM = 0x20000, AC = 0x40000, VIF = 0x80000, VIP = 0x100000, ID = 0x200000;

interface Frame { rip?: number; cs: number; rflags?: number; rsp?: number; ss: number }

describe.each(EXECUTION_PATHS)('IRET (%s path)', (path) => {
  /** Runs `pre` then IRETQ (or `iret`) with `f` on the stack; 'ok' when it lands at the end of the code. */
  function iret(f: Frame, o: RunOptions & { slot30?: bigint; pre?: number[]; iret?: number[]; size?: 4 | 8 } = {}) {
    const m = new Machine();
    if (o.slot30 !== undefined) setDescriptor(m, 0x30, o.slot30);
    const code = [...(o.pre ?? []), ...(o.iret ?? IRETQ)];
    const size = o.size ?? 8;
    const words = [f.rip ?? CODE + code.length, f.cs, f.rflags ?? 0x2, f.rsp ?? NEW_RSP, f.ss];
    const pa = phys(m, STACK);
    words.forEach((w, k) => (size === 8 ? m.mem.write64(pa + 8 * k, BigInt.asUintN(64, BigInt(w))) : m.mem.write32(pa + 4 * k, w)));
    const r = outcome(m.run(code, { path, ...o, regs: { [RSP]: BigInt(STACK), ...o.regs } }));
    return { m, r };
  }

  it('returns to the same level and to CPL 3, loading CS, SS, RSP and the CPL', () => {
    let { m, r } = iret({ cs: 0x08, ss: 0x10 });
    expect(r).toBe('ok');
    expect([m.cpu.cpl, m.cpu.segSel[SEG_CS], m.cpu.segSel[SEG_SS], Number(m.cpu.getReg64(RSP))]).toEqual([0, 0x08, 0x10, NEW_RSP]);
    ({ m, r } = iret({ cs: 0x2b, ss: 0x23 }));
    expect(r).toBe('ok');
    expect([m.cpu.cpl, m.cpu.segSel[SEG_CS], m.cpu.segSel[SEG_SS], Number(m.cpu.getReg64(RSP))]).toEqual([3, 0x2b, 0x23, NEW_RSP]);
    // The SS descriptor cache is loaded from the GDT's user data descriptor (00cff3000000ffffH).
    expect([m.cpu.segAttr[SEG_SS], m.cpu.segLimit[SEG_SS]]).toEqual([0xc0f3, 0xffffffff]);
  });

  it('IRETQ to a code segment with L = 0 enters compatibility mode (RIP within the CS limit, else #GP(0); a null SS is #GP(0)); its code runs (the INT3 filler there: #BP)', () => {
    const { m, r } = iret({ cs: 0x1b, ss: 0x23, rip: CODE + 0x10 });
    expect(r).toBe('#BP');
    expect([m.cpu.cpl, m.cpu.segSel[SEG_CS], m.cpu.segSel[SEG_SS], m.cpu.rip, m.cpu.segAttr[SEG_CS]]).toEqual([3, 0x1b, 0x23, CODE + 0x11, 0xc0fb]); // past the INT3 (a trap)
    expect(iret({ cs: 0x1b, ss: 0x23, rip: 0x100000000 }).r).toBe('#GP(0)');
    // A 32-bit code segment at DPL 0 (GDT 0x30), byte-granular limit 0xfffff: the RIP must be <= 0xfffff.
    const code32 = descriptor(0, 0xfffff, 0x409b);
    expect(iret({ cs: 0x30, ss: 0x10, rip: 0x100000 }, { slot30: code32 }).r).toBe('#GP(0)');
    expect(iret({ cs: 0x30, ss: 0x10, rip: 0xfffff }, { slot30: code32 }).r).toBe('#PF(10)'); // EIP 0xfffff is not mapped: an instruction fetch #PF
    expect(iret({ cs: 0x30, ss: 0x00, rip: 0xfffff }, { slot30: code32 }).r).toBe('#GP(0)');
  });

  it('the return CS: RPL >= CPL, a code segment, DPL = RPL (conforming: DPL <= RPL), present, within the GDT', () => {
    const cases: [string, Frame, number, bigint | undefined, string][] = [
      ['RPL < CPL', { cs: 0x08, ss: 0x10 }, 3, undefined, '#GP(8)'],
      ['null', { cs: 0x00, ss: 0x10 }, 0, undefined, '#GP(0)'],
      ['data segment', { cs: 0x10, ss: 0x10 }, 0, undefined, '#GP(10)'],
      ['DPL 0 with RPL 3', { cs: 0x0b, ss: 0x23 }, 0, undefined, '#GP(8)'],
      ['DPL 3 with RPL 0', { cs: 0x28, ss: 0x10 }, 0, undefined, '#GP(28)'],
      ['conforming DPL 3 with RPL 0', { cs: 0x30, ss: 0x10 }, 0, CODE_CONFORMING(3), '#GP(30)'],
      ['conforming DPL 0 with RPL 3', { cs: 0x33, ss: 0x23 }, 0, CODE_CONFORMING(0), 'ok'],
      ['conforming DPL 3 with RPL 3', { cs: 0x33, ss: 0x23 }, 0, CODE_CONFORMING(3), 'ok'],
      ['not present', { cs: 0x30, ss: 0x10 }, 0, CODE_ABSENT, '#NP(30)'],
      ['not present, RPL 3 (error code without RPL)', { cs: 0x33, ss: 0x23 }, 0, descriptor(0, 0xfffff, 0xa07b), '#NP(30)'],
      ['beyond the GDT limit', { cs: 0x40, ss: 0x10 }, 0, undefined, '#GP(40)'],
      ['non-canonical RIP', { rip: 0x800000000000, cs: 0x08, ss: 0x10 }, 0, undefined, '#GP(0)'],
    ];
    for (const [name, f, cpl, slot30, want] of cases) {
      const { m, r } = iret(f, { cpl, ...(slot30 !== undefined ? { slot30 } : {}) });
      expect(`${name}: ${r}`).toBe(`${name}: ${want}`);
      if (want === 'ok') expect(`${name}: CPL ${m.cpu.cpl}`).toBe(`${name}: CPL 3`);
    }
  });

  it('the return SS: null only to CPL < 3 with RPL = CPL; RPL = DPL = new CPL, writable data, present', () => {
    const cases: [string, Frame, bigint | undefined, string][] = [
      ['null to CPL 0', { cs: 0x08, ss: 0x00 }, undefined, 'ok'],
      ['null, RPL 1, to CPL 0', { cs: 0x08, ss: 0x01 }, undefined, '#GP(0)'],
      ['null to CPL 3', { cs: 0x2b, ss: 0x03 }, undefined, '#GP(0)'],
      ['RPL ≠ new CPL', { cs: 0x2b, ss: 0x20 }, undefined, '#GP(20)'],
      ['RPL 1 ≠ new CPL 3 (error code without RPL)', { cs: 0x2b, ss: 0x21 }, undefined, '#GP(20)'],
      ['DPL ≠ new CPL', { cs: 0x08, ss: 0x20 }, undefined, '#GP(20)'],
      ['code segment', { cs: 0x08, ss: 0x08 }, undefined, '#GP(8)'],
      ['read-only data', { cs: 0x08, ss: 0x30 }, DATA_RO, '#GP(30)'],
      ['not present', { cs: 0x08, ss: 0x30 }, DATA_ABSENT, '#SS(30)'],
      ['beyond the GDT limit', { cs: 0x08, ss: 0x40 }, undefined, '#GP(40)'],
    ];
    for (const [name, f, slot30, want] of cases) {
      const { m, r } = iret(f, slot30 !== undefined ? { slot30 } : {});
      expect(`${name}: ${r}`).toBe(`${name}: ${want}`);
      if (want === 'ok') expect(m.cpu.segSel[SEG_SS]).toBe(f.ss);
    }
  });

  it('RFLAGS: CPL 0 may change IOPL, IF, VIF, VIP; IF only when CPL <= IOPL; VM is never set (SDM IRET Operation)', () => {
    const all = CF | IF | IOPL3 | NT | RF | VM | AC | VIF | VIP | ID | 0x2;
    const cases: [string, number, number, number, Frame, number][] = [
      ['CPL 0 → 0', 0, 0x2, all, { cs: 0x08, ss: 0x10 }, all & ~VM],
      ['CPL 0 → 3', 0, 0x2, all, { cs: 0x2b, ss: 0x23 }, all & ~VM],
      ['CPL 3, IOPL 0', 3, 0x2, all, { cs: 0x2b, ss: 0x23 }, all & ~(VM | IF | IOPL3 | VIF | VIP)],
      ['CPL 3, IOPL 3', 3, IOPL3 | 0x2, (all & ~IOPL3) | 0x1000, { cs: 0x2b, ss: 0x23 }, (all & ~(VM | VIF | VIP | IOPL3)) | IOPL3],
      ['CPL 3, IOPL 0: IF and IOPL kept set', 3, 0x2 | IF, 0x2, { cs: 0x2b, ss: 0x23 }, 0x2 | IF],
    ];
    for (const [name, cpl, before, popped, f, want] of cases) {
      // step: RF = 1 as IRET left it (the INT3 after the code would complete and clear it).
      const { m, r } = iret({ ...f, rflags: popped }, { cpl, rflags: before, step: true });
      expect(r).toBe('ok');
      expect(`${name}: 0x${m.cpu.getRflags().toString(16)}`).toBe(`${name}: 0x${want.toString(16)}`);
    }
  });

  it('IRETD pops doublewords: RIP and RSP zero-extended', () => {
    const { m, r } = iret({ cs: 0x08, ss: 0x10, rsp: 0x801800 }, { iret: IRETD, size: 4 });
    expect(r).toBe('ok');
    expect(Number(m.cpu.getReg64(RSP))).toBe(0x801800);
  });

  it('a return to an outer level nulls DS, ES, FS, GS whose DPL < new CPL (data or non-conforming code)', () => {
    // mov eax,0x10; mov ds,ax; mov eax,0x23; mov es,ax; mov eax,0x08; mov fs,ax; mov eax,0x30; mov gs,ax
    const pre = [0xb8, 0x10, 0, 0, 0, 0x8e, 0xd8, 0xb8, 0x23, 0, 0, 0, 0x8e, 0xc0, 0xb8, 0x08, 0, 0, 0, 0x8e, 0xe0,
      0xb8, 0x30, 0, 0, 0, 0x8e, 0xe8];
    let { m, r } = iret({ cs: 0x2b, ss: 0x23 }, { pre, slot30: CODE_CONFORMING(0) });
    expect(r).toBe('ok');
    expect([SEG_DS, SEG_ES, SEG_FS, SEG_GS].map((s) => m.cpu.segSel[s])).toEqual([0, 0x23, 0, 0x30]);
    ({ m, r } = iret({ cs: 0x08, ss: 0x10 }, { pre, slot30: CODE_CONFORMING(0) }));
    expect([SEG_DS, SEG_ES, SEG_FS, SEG_GS].map((s) => m.cpu.segSel[s])).toEqual([0x10, 0x23, 0x08, 0x30]);
  });

  // SDM IRET Operation: RIP, CS, RFLAGS, RSP and SS are popped in that order, each pop checked on its own
  // (#SS(0) for a non-canonical stack address, #PF for a page that faults), so the first pop that fails reports.
  it('IRETQ pops in order: a frame running into non-canonical space or an unmapped page faults at the first pop that fails', () => {
    const TOP = 0x7ffffffff000; // the last page below the canonical hole
    const run = (rsp: number, mapped: boolean) => {
      const m = new Machine();
      if (mapped) {
        const pa = m.pt.mapFresh(TOP, 0x1000, { user: false, writable: true, executable: false });
        [CODE + 2, 0x08, 0x2, NEW_RSP, 0x10].forEach((w, k) => { if (rsp + 8 * k < TOP + 0x1000) m.mem.write64(pa + rsp - TOP + 8 * k, BigInt(w)); });
      }
      const r = outcome(m.run(IRETQ, { path, regs: { [RSP]: BigInt(rsp) } }));
      return `${r} cr2=0x${m.cpu.cr2.toString(16)} rsp=0x${m.cpu.getReg64(RSP).toString(16)}`;
    };
    expect(run(TOP + 0xfe8, true)).toBe(`#SS(0) cr2=0x0 rsp=0x${(TOP + 0xfe8).toString(16)}`); // the 4th pop, at 2^47
    expect(run(TOP + 0xff0, false)).toBe(`#PF(0) cr2=0x${(TOP + 0xff0).toString(16)} rsp=0x${(TOP + 0xff0).toString(16)}`);
    // Within canonical space: the 3rd pop crosses into an unmapped page (STACK_TOP = 0x802000 ends the stack).
    expect(run(0x802000 - 16, false)).toBe('#PF(0) cr2=0x802000 rsp=0x801ff0');
  });

  // SDM IRET Operation, IA-32e-MODE: "IF NT = 1 THEN #GP(0)" (APM Vol. 3 IRETQ: #GP when NT = 1 in
  // long mode).
  it('IRET with RFLAGS.NT = 1 is #GP(0) in IA-32e mode', () => {
    expect(iret({ cs: 0x08, ss: 0x10 }, { rflags: NT | 0x2 }).r).toBe('#GP(0)');
  });
});
