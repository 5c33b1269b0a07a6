// Segment loads in 64-bit mode: MOV Sreg / POP Sreg (SDM Vol. 2B MOV and POP
// Operation, 64-bit mode exceptions; Vol. 3A §3.4.3-§3.4.5, §5.5-§5.7), LLDT
// and LTR (Vol. 2A), selectors through the LDT, and the descriptor cache they
// fill (base, limit scaled by G, attributes).
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import type { RunOptions } from './helpers/machine.js';
import {
  Machine, DATA_LIN, GDT, RAX, RBX, RCX, SEG_DS, SEG_ES, SEG_FS, SEG_GS, SEG_SS, descriptor, entryAddress, movImm, outcome, pteWindow,
  setDescriptor, setSystemDescriptor,
} from './helpers/system.js';

const MOV_SS = [0x8e, 0xd0], MOV_DS = [0x8e, 0xd8], MOV_ES = [0x8e, 0xc0], MOV_FS = [0x8e, 0xe0], MOV_GS = [0x8e, 0xe8];
const POP_FS = [0x0f, 0xa1], POP_GS = [0x0f, 0xa9];
// Descriptors for GDT slot 0x30 (SDM §3.4.5 Table 3-1 types).
const DATA_RW = (dpl: number) => descriptor(0x12345000, 0xabcde, 0x4093 | (dpl << 5));   // byte granular
const DATA_RO = descriptor(0, 0xfffff, 0xc091);
const DATA_ABSENT = descriptor(0, 0xfffff, 0xc013);
const CODE_EXEC_ONLY = descriptor(0, 0xfffff, 0xa099);
const CODE_CONFORMING_READABLE = descriptor(0, 0xfffff, 0xa09f);
const LDT_BASE = DATA_LIN + 0x800;

describe.each(EXECUTION_PATHS)('MOV Sreg and POP Sreg (%s path)', (path) => {
  const load = (code: number[], sel: number, o: RunOptions & { slot?: bigint } = {}) => {
    const m = new Machine();
    if (o.slot !== undefined) setDescriptor(m, 0x30, o.slot);
    const r = outcome(m.run(code, { path, ...o, regs: { [RAX]: BigInt(sel), ...o.regs } }));
    return { m, r };
  };

  // Descriptor reads go through the MMU's copy of the GDT page's TLB entry (mmu.ts descriptorPage):
  // after the guest maps the GDT's page to another frame and INVLPGs it, a load reads the new frame.
  it('a load after the GDT page is mapped to another frame and INVLPGd reads that frame: #NP there, where the loads before succeeded', () => {
    const m = new Machine();
    setDescriptor(m, 0x30, DATA_RW(0));
    // The other frame: a copy of the GDT page whose slot 0x30 is not present (the data area's first frame).
    const gdtFrame = entryAddress(m, GDT), oldLo = m.mem.read32(gdtFrame);
    const gdtPhys = (oldLo & ~0xfff) >>> 0;
    m.mem.u8.copyWithin(m.dataPhys, gdtPhys, gdtPhys + 0x1000);
    new DataView(m.mem.u8.buffer).setBigUint64(m.dataPhys + 0x30, DATA_ABSENT, true);
    const window = pteWindow(m, GDT, DATA_LIN + 0x100000);
    const newLo = (m.dataPhys | (oldLo & 0xfff)) | 0;
    const code = [
      ...MOV_DS, ...MOV_DS,                       // mov ds,ax twice  (the GDT's frame: the second through the copy of its entry)
      ...movImm(RBX, window),
      0xc7, 0x03, ...[0, 8, 16, 24].map((b) => (newLo >>> b) & 0xff), // mov dword [rbx],newLo  (the GDT's PTE: the other frame)
      ...movImm(RCX, GDT), 0x0f, 0x01, 0x39,      // invlpg [rcx]
      ...MOV_DS,                                  // mov ds,ax  (the other frame: not present)
    ];
    const r = m.run(code, { path, regs: { [RAX]: 0x30n } });
    expect(outcome(r)).toBe('#NP(30)');
    expect(m.cpu.segSel[SEG_DS]).toBe(0x30);
  });

  it('SS: null only below CPL 3 with RPL = CPL; otherwise RPL = DPL = CPL and a writable data segment, present (SDM MOV)', () => {
    const cases: [string, number, number, bigint | undefined, string][] = [
      ['null, CPL 0, RPL 0', 0, 0, undefined, 'ok'],
      ['null, CPL 1, RPL 1', 1, 1, undefined, 'ok'],
      ['null, CPL 0, RPL 1', 1, 0, undefined, '#GP(0)'],
      ['null, CPL 3', 3, 3, undefined, '#GP(0)'],
      ['kernel data', 0x10, 0, undefined, 'ok'],
      ['kernel data, RPL 3 ≠ CPL', 0x13, 0, undefined, '#GP(10)'],
      ['user data at CPL 0: DPL ≠ CPL', 0x20, 0, undefined, '#GP(20)'],
      ['user data at CPL 3', 0x23, 3, undefined, 'ok'],
      ['code segment', 0x08, 0, undefined, '#GP(8)'],
      ['read-only data', 0x30, 0, DATA_RO, '#GP(30)'],
      ['not present', 0x30, 0, DATA_ABSENT, '#SS(30)'],
      ['not present, CPL 3 (error code without RPL)', 0x33, 3, descriptor(0, 0xfffff, 0xc073), '#SS(30)'],
      ['beyond the GDT limit', 0x40, 0, undefined, '#GP(40)'],
    ];
    for (const [name, sel, cpl, slot, want] of cases) {
      const { m, r } = load(MOV_SS, sel, { cpl, ...(slot !== undefined ? { slot } : {}) });
      expect(`${name}: ${r}`).toBe(`${name}: ${want}`);
      if (want === 'ok') expect(m.cpu.segSel[SEG_SS]).toBe(sel);
    }
  });

  it('DS/ES/FS/GS: null at any CPL; readable; max(CPL, RPL) <= DPL unless conforming code; present (SDM MOV)', () => {
    const cases: [string, number, number, bigint | undefined, string][] = [
      ['null at CPL 3', 0, 3, undefined, 'ok'],
      ['null with RPL 3', 3, 0, undefined, 'ok'],
      ['kernel data', 0x10, 0, undefined, 'ok'],
      ['kernel data, RPL 3 > DPL', 0x13, 0, undefined, '#GP(10)'],
      ['kernel data at CPL 3', 0x10, 3, undefined, '#GP(10)'],
      ['readable code', 0x08, 0, undefined, 'ok'],
      ['readable non-conforming DPL-0 code at CPL 3', 0x0b, 3, undefined, '#GP(8)'],
      ['readable non-conforming code, RPL 3 > DPL', 0x0b, 0, undefined, '#GP(8)'],
      ['execute-only code', 0x30, 0, CODE_EXEC_ONLY, '#GP(30)'],
      ['conforming readable DPL-0 code at CPL 3, RPL 3', 0x33, 3, CODE_CONFORMING_READABLE, 'ok'],
      ['DPL-1 data at CPL 1', 0x31, 1, DATA_RW(1), 'ok'],
      ['DPL-1 data at CPL 2', 0x32, 2, DATA_RW(1), '#GP(30)'],
      ['DPL-1 data, RPL 2 at CPL 1', 0x32, 1, DATA_RW(1), '#GP(30)'],
      ['not present', 0x30, 0, DATA_ABSENT, '#NP(30)'],
      ['a system descriptor (the TSS type)', 0x30, 0, descriptor(0, 0x67, 0x89), '#GP(30)'],
    ];
    for (const code of [MOV_DS, MOV_ES, MOV_FS, MOV_GS]) {
      for (const [name, sel, cpl, slot, want] of cases) {
        const { r } = load(code, sel, { cpl, ...(slot !== undefined ? { slot } : {}) });
        expect(`${code.map((b) => b.toString(16))} ${name}: ${r}`).toBe(`${code.map((b) => b.toString(16))} ${name}: ${want}`);
      }
    }
  });

  it('the descriptor cache: selector, limit scaled by G, attributes; FS/GS take the base (SDM §3.4.4, §3.4.5)', () => {
    for (const [code, seg] of [[MOV_DS, SEG_DS], [MOV_ES, SEG_ES], [MOV_FS, SEG_FS], [MOV_GS, SEG_GS], [MOV_SS, SEG_SS]] as const) {
      const { m, r } = load(code, 0x30, { slot: DATA_RW(0) });
      expect(r).toBe('ok');
      expect([m.cpu.segSel[seg], m.cpu.segLimit[seg], m.cpu.segAttr[seg]]).toEqual([0x30, 0xabcde, 0x4093]);
      if (seg === SEG_FS || seg === SEG_GS) expect(m.cpu.segBase[seg]).toBe(0x12345000);
    }
    const { m } = load(MOV_FS, 0x30, { slot: descriptor(0xfedcb000, 0x12345, 0xc093) });
    expect([m.cpu.segBase[SEG_FS], m.cpu.segLimit[SEG_FS]]).toEqual([0xfedcb000, 0x12345fff]);
  });

  it('FS-relative accesses use the loaded base (mov fs; mov eax, fs:[0x10])', () => {
    const m = new Machine();
    setDescriptor(m, 0x30, descriptor(DATA_LIN, 0xfffff, 0xc093));
    m.mem.write32(m.dataPhys + 0x10, 0x5eed);
    expect(outcome(m.run([...MOV_FS, 0x64, 0x8b, 0x04, 0x25, 0x10, 0, 0, 0], { path, regs: { [RAX]: 0x30n } }))).toBe('ok');
    expect(m.cpu.getReg64(RAX)).toBe(0x5eedn);
  });

  it('POP FS/GS apply the same checks, and RSP moves only when the load succeeds', () => {
    for (const code of [POP_FS, POP_GS]) {
      const m = new Machine();
      const rsp = 0x801f00;
      m.mem.write64(m.dataPhys, 0n);
      // push 0x13; pop fs → #GP(0x10), RSP still at the pushed word
      expect(outcome(m.run([0x6a, 0x13, ...code], { path }))).toBe('#GP(10)');
      expect(Number(m.cpu.getReg64(4))).toBe(rsp - 8);
      expect(outcome(m.run([0x6a, 0x10, ...code], { path }))).toBe('ok');
      expect(Number(m.cpu.getReg64(4))).toBe(rsp);
    }
  });

  it('a selector with TI = 1 reads the LDT (base and limit from LLDT); LDT entries past its limit are #GP', () => {
    const m = new Machine();
    setSystemDescriptor(m, 0x30, BigInt(LDT_BASE), 0x17, 0x2);        // LDT of three entries
    m.mem.write64(m.dataPhys + 0x800 + 0x10, descriptor(0x777000, 0xfffff, 0xc093)); // LDT entry 2
    // mov eax, 0x30; lldt ax; mov eax, 0x14 (entry 2, TI); mov fs, ax
    const code = [0xb8, 0x30, 0, 0, 0, 0x0f, 0x00, 0xd0, 0xb8, 0x14, 0, 0, 0, ...MOV_FS];
    expect(outcome(m.run(code, { path }))).toBe('ok');
    expect([m.cpu.ldtrSel, m.cpu.ldtrBase, m.cpu.ldtrLimit]).toEqual([0x30, LDT_BASE, 0x17]);
    expect([m.cpu.segSel[SEG_FS], m.cpu.segBase[SEG_FS]]).toEqual([0x14, 0x777000]);
    code[9] = 0x1c;                                                    // entry 3: beyond the limit
    expect(outcome(m.run(code, { path }))).toBe('#GP(1c)');
  });

  it('the whole 8-byte descriptor must lie within the GDT limit (SDM §3.5.1: index*8 + 7 <= limit)', () => {
    // lgdt [DATA] (base GDT, limit from the test), mov eax, 0x38; mov ds, ax
    for (const [limit, want] of [[0x3c, '#GP(38)'], [0x3f, 'ok']] as const) {
      const m = new Machine();
      setDescriptor(m, 0x38, descriptor(0, 0xfffff, 0xc093));
      m.mem.write16(m.dataPhys, limit);
      m.mem.write64(m.dataPhys + 2, BigInt.asUintN(64, BigInt(GDT)));
      const code = [0x0f, 0x01, 0x14, 0x25, 0, 0, 0x60, 0, 0xb8, 0x38, 0, 0, 0, ...MOV_DS];
      expect(`limit ${limit}: ${outcome(m.run(code, { path }))}`).toBe(`limit ${limit}: ${want}`);
    }
  });
});
