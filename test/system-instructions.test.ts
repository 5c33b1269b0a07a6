// System instructions, each against its SDM Vol. 2 Operation section (and
// APM Vol. 3 where the model follows AMD): SYSCALL, SYSRET, SWAPGS, LMSW,
// SMSW, CLTS, RDPKRU, WRPKRU, RDTSCP, LGDT/LIDT, SGDT/SIDT, SLDT/STR, LLDT, LTR.
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import type { RunOptions } from './helpers/machine.js';
import { ALL_TABLE_FEATURES } from '../src/cpu/cpuid.js';
import {
  Machine, CODE, DATA_LIN, HANDLER, RAX, RCX, RDX, R11, SEG_CS, SEG_GS, SEG_SS, descriptor, movImm, outcome, program, rdmsr, wrmsr,
  setSystemDescriptor,
} from './helpers/system.js';

const STAR = 0xc0000081, LSTAR = 0xc0000082, SFMASK = 0xc0000084, KERNEL_GS_BASE = 0xc0000102, TSC_AUX = 0xc0000103;
const CR4_PKE = 0x400000, CR4 = 0x620;
const reg = (m: Machine, r: number) => BigInt.asUintN(64, m.cpu.getReg64(r));
const abs32 = (a: number) => [a & 0xff, (a >>> 8) & 0xff, (a >>> 16) & 0xff, (a >>> 24) & 0xff];

describe.each(EXECUTION_PATHS)('system instructions (%s path)', (path) => {
  const run = (code: number[], o: RunOptions = {}, m = new Machine()) => ({ m, r: outcome(m.run(code, { path, ...o })) });

  it('POPFQ/POPFW set and clear NT at any CPL (NT is not privileged; the differential suite cannot check it on a Linux host)', () => {
    for (const cpl of [0, 3]) {
      // push $0x4002; popfq; pushfq; popq %rax; push $0; popfw (NT cleared from a 16-bit image); pushfq; popq %rcx
      const { m, r } = run([0x68, 0x02, 0x40, 0, 0, 0x9d, 0x9c, 0x58, 0x6a, 0x00, 0x66, 0x9d, 0x9c, 0x59], { cpl });
      expect(r, `cpl ${cpl}`).toBe('ok');
      expect([Number(reg(m, 0)) & 0x4000, Number(reg(m, 1)) & 0x4000], `cpl ${cpl}`).toEqual([0x4000, 0]);
    }
  });

  it('SYSCALL: RCX = next RIP, R11 = RFLAGS, RFLAGS &= ~SFMASK, CS/SS from STAR[47:32], CPL 0, RIP = LSTAR', () => {
    const m = new Machine();
    m.cpu.msrs.set(STAR, 0x0018000800000000n);
    m.cpu.msrs.set(LSTAR, BigInt(HANDLER));
    m.cpu.msrs.set(SFMASK, 0x40601n);                     // AC DF IF CF
    const flags = 0x40683;                                // AC DF IF SF CF
    expect(outcome(m.run(program([0x0f, 0x05]), { path, cpl: 3, rflags: flags }))).toBe('halt');
    expect([reg(m, RCX), reg(m, R11), m.cpu.getRflags()]).toEqual([BigInt(CODE + 2), BigInt(flags), 0x82]);
    expect([m.cpu.cpl, m.cpu.segSel[SEG_CS], m.cpu.segSel[SEG_SS], m.cpu.rip]).toEqual([0, 0x08, 0x10, HANDLER + 1]);
  });

  // SDM SYSCALL Operation: "CS.Selector := IA32_STAR[47:32] AND FFFCH", "SS.Selector :=
  // IA32_STAR[47:32] + 8" (not masked: the RPL bits of STAR[33:32] are kept).
  it('SYSCALL: SS.Selector is STAR[47:32] + 8 without masking the RPL', () => {
    const m = new Machine();
    m.cpu.msrs.set(STAR, 0x0018000b00000000n);
    m.cpu.msrs.set(LSTAR, BigInt(HANDLER));
    m.run(program([0x0f, 0x05]), { path, cpl: 3 });
    expect([m.cpu.segSel[SEG_CS], m.cpu.segSel[SEG_SS]]).toEqual([0x08, 0x13]);
  });

  it('SYSRET (REX.W): RIP = RCX, RFLAGS = R11 without RF and VM, CS = STAR[63:48]+16 | 3, SS = +8 | 3; #GP(0) for a non-canonical RCX (Intel: at CPL 0; AMD: test/syscall.test.ts)', () => {
    const m = new Machine();
    m.cpu.msrs.set(STAR, 0x0018000800000000n);
    const sysret = [0x48, 0x0f, 0x07];
    const { r } = run(sysret, { regs: { [RCX]: BigInt(CODE + 3), [R11]: 0x30ac3n } }, m);
    expect(r).toBe('ok');
    expect([m.cpu.cpl, m.cpu.segSel[SEG_CS], m.cpu.segSel[SEG_SS], m.cpu.getRflags()]).toEqual([3, 0x2b, 0x23, 0x0ac3]);
    const intel = new Machine(undefined, 'intel');
    expect(run(sysret, { regs: { [RCX]: 0x800000000000n } }, intel).r).toBe('#GP(0)');
    expect(intel.cpu.cpl).toBe(0);
  });

  it('SYSCALL and SYSRET load flat 4-GiB CS and SS (SDM: CS.Limit := FFFFFH with G = 1); SYSRET without REX.W enters compatibility mode, whose code runs (the INT3 filler there: #BP)', () => {
    const m = new Machine();
    m.cpu.msrs.set(STAR, 0x0018000800000000n);
    m.cpu.msrs.set(LSTAR, BigInt(HANDLER));
    m.run(program([0x0f, 0x05]), { path, cpl: 3 });
    expect([m.cpu.segLimit[SEG_CS], m.cpu.segLimit[SEG_SS]]).toEqual([0xffffffff, 0xffffffff]);
    expect(run([0x48, 0x0f, 0x07], { regs: { [RCX]: BigInt(CODE + 3) } }, m).r).toBe('ok');
    expect([m.cpu.segLimit[SEG_CS], m.cpu.segLimit[SEG_SS]]).toEqual([0xffffffff, 0xffffffff]);
    expect(run([0x0f, 0x07], { regs: { [RCX]: BigInt(CODE + 0x10) } }, m).r).toBe('#BP'); // INT3 run as 32-bit code
    expect([m.cpu.segSel[SEG_CS], m.cpu.segLimit[SEG_CS], m.cpu.rip]).toEqual([0x1b, 0xffffffff, CODE + 0x11]);
  });

  it('CPUID leaf 0: the maximum leaf and the vendor in EBX, EDX, ECX (docs/cpu-model.md: 0DH, the XSAVE leaf; AuthenticAMD); RSP untouched', () => {
    const { m, r } = run([0x0f, 0xa2], { regs: { [RAX]: 0n } });
    expect(r).toBe('ok');
    expect([reg(m, RAX), reg(m, 3), reg(m, RDX), reg(m, RCX), reg(m, 4)]).toEqual([0xdn, 0x68747541n, 0x69746e65n, 0x444d4163n, 0x801f00n]);
  });

  it('CPUID follows the vendor model: GenuineIntel and family 6 under intel, AuthenticAMD and family 19h under amd', () => {
    const text = (...regs: bigint[]) => regs.map((v) => String.fromCharCode(...[0, 8, 16, 24].map((s) => Number((v >> BigInt(s)) & 0xffn)))).join('');
    for (const [vendor, name, family] of [['amd', 'AuthenticAMD', 0x19], ['intel', 'GenuineIntel', 6]] as const) {
      for (const leaf of [0n, 0x80000000n]) {
        const { m, r } = run([0x0f, 0xa2], { regs: { [RAX]: leaf } }, new Machine(undefined, vendor));
        expect(r).toBe('ok');
        expect(`${vendor} ${leaf}: ${text(reg(m, 3), reg(m, RDX), reg(m, RCX))}`).toBe(`${vendor} ${leaf}: ${name}`);
      }
      const { m } = run([0x0f, 0xa2], { regs: { [RAX]: 1n } }, new Machine(undefined, vendor));
      const eax = Number(reg(m, RAX));
      expect(((eax >> 8) & 0xf) + ((eax >> 20) & 0xff)).toBe(family); // SDM CPUID: DisplayFamily
    }
  });

  it('SWAPGS exchanges GS.base and IA32_KERNEL_GS_BASE', () => {
    const m = new Machine();
    m.cpu.msrs.set(KERNEL_GS_BASE, 0xffff800000002000n);
    const { r } = run([...wrmsr(0xc0000101, 0x1000n), 0x0f, 0x01, 0xf8, ...rdmsr(KERNEL_GS_BASE)], {}, m);
    expect(r).toBe('ok');
    expect(m.cpu.segBase[SEG_GS]).toBe(-0x800000000000 + 0x2000);
    expect([reg(m, RDX), reg(m, RAX)]).toEqual([0n, 0x1000n]);
  });

  it('LMSW loads PE MP EM TS but cannot clear PE; SMSW stores CR0[15:0]; CLTS clears TS (SDM LMSW, SMSW, CLTS)', () => {
    // lmsw ax (0f 01 f0); smsw ax with 66 (a 16-bit destination keeps RAX[63:16])
    let { m, r } = run([...movImm(RAX, 0xfff0), 0x0f, 0x01, 0xf0, ...movImm(RAX, -1), 0x66, 0x0f, 0x01, 0xe0]);
    expect([r, reg(m, RAX)]).toEqual(['ok', 0xffffffffffff0031n]);
    ({ m, r } = run([...movImm(RAX, 0xe), 0x0f, 0x01, 0xf0, 0x66, 0x0f, 0x01, 0xe0]));
    expect([r, reg(m, RAX) & 0xffffn]).toEqual(['ok', 0x3fn]);
    ({ m, r } = run([0x0f, 0x06, 0x66, 0x0f, 0x01, 0xe0], { cr0: 0x8001003b }));
    expect([r, reg(m, RAX) & 0xffffn]).toEqual(['ok', 0x33n]);
    // smsw [rax]: two bytes only
    ({ m, r } = run([...movImm(RAX, DATA_LIN), 0x0f, 0x01, 0x20]));
    expect(Array.from(m.mem.u8.subarray(m.dataPhys, m.dataPhys + 3))).toEqual([0x33, 0x00, 0x00]);
  });

  it('RDPKRU/WRPKRU: ECX (and EDX for WRPKRU) must be 0; the value reads back; a new PKRU applies at once (SDM §4.6.2)', () => {
    const pke = { cr4: CR4 | CR4_PKE };
    expect(run([0x0f, 0x01, 0xee], { ...pke, regs: { [RCX]: 1n } }).r).toBe('#GP(0)');
    expect(run([0x0f, 0x01, 0xef], { ...pke, regs: { [RDX]: 1n } }).r).toBe('#GP(0)');
    expect(run([0x0f, 0x01, 0xef], { ...pke, regs: { [RCX]: 1n } }).r).toBe('#GP(0)');
    const { m, r } = run([0x0f, 0x01, 0xef, ...movImm(RAX, 0), ...movImm(RDX, 7), 0x0f, 0x01, 0xee], { ...pke, regs: { [RAX]: 0x5555555cn } });
    expect([r, reg(m, RAX), reg(m, RDX)]).toEqual(['ok', 0x5555555cn, 0n]);
    // key 0 access-disabled, then a user read of the (key 0) data page: #PF(P|U|PK)
    const read = [0x8b, 0x04, 0x25, ...abs32(DATA_LIN)];
    expect(run([...read, 0xb8, 1, 0, 0, 0, 0x0f, 0x01, 0xef, ...read], { ...pke, cpl: 3 }).r).toBe('#PF(25)');
  });

  it('RDTSCP loads ECX with IA32_TSC_AUX[31:0]', () => {
    const m = new Machine();
    m.cpu.msrs.set(TSC_AUX, 0x12345678n);
    expect(run([0x0f, 0x01, 0xf9], { regs: { [RCX]: -1n } }, m).r).toBe('ok');
    expect(reg(m, RCX)).toBe(0x12345678n);
  });

  it('LGDT/LIDT load limit and base, #GP(0) for a non-canonical base; SGDT/SIDT store them (SDM LGDT, SGDT)', () => {
    for (const [load, store] of [[0x10, 0x00], [0x18, 0x08]] as const) {   // /2 /0 (GDT), /3 /1 (IDT)
      const m = new Machine();
      m.mem.write16(m.dataPhys, 0x1234);
      m.mem.write64(m.dataPhys + 2, 0xffff800000012000n);
      // lgdt/lidt [rax]; sgdt/sidt [rax+0x10] (step: the IDT loaded maps no gate for the INT3 after the code)
      const { r } = run([...movImm(RAX, DATA_LIN), 0x0f, 0x01, load, 0x0f, 0x01, store | 0x40, 0x10], { step: true }, m);
      expect(r).toBe('ok');
      expect(m.mem.read16(m.dataPhys + 0x10)).toBe(0x1234);
      expect(m.mem.read64(m.dataPhys + 0x12)).toBe(0xffff800000012000n);
      m.mem.write64(m.dataPhys + 2, 0x0000800000000000n);
      expect(run([...movImm(RAX, DATA_LIN), 0x0f, 0x01, load], {}, m).r).toBe('#GP(0)');
    }
  });

  it('SGDT crossing into an unmapped page: AMD stores the limit, then the base faults (measured, test/diff/misc.test.ts); Intel checks all 10 bytes first', () => {
    expect(run([...movImm(RAX, DATA_LIN + 0x2000 - 10), 0x0f, 0x01, 0x00]).r).toBe('ok');   // the last 10 bytes: fine
    for (const [vendor, stored] of [['amd', [0x3f, 0, 0, 0]], ['intel', [0, 0, 0, 0]]] as const) {
      const m = new Machine(undefined, vendor);
      const at = DATA_LIN + 0x2000 - 4;                                   // 4 bytes left in the data pages
      const { r } = run([...movImm(RAX, at), 0x0f, 0x01, 0x00], {}, m);
      expect(r, vendor).toBe('#PF(2)');
      expect(m.cpu.cr2, vendor).toBe(DATA_LIN + 0x2000);
      expect(Array.from(m.mem.u8.subarray(m.dataPhys + 0x1ffc, m.dataPhys + 0x2000)), vendor).toEqual(stored);
    }
  });

  it('SLDT/STR: a register gets the selector zero-extended (32/64-bit) or merged (16-bit); memory gets 16 bits', () => {
    const m = new Machine();
    m.cpu.trSel = 0x30;
    let { r } = run([0x0f, 0x00, 0xc8, 0x66, 0x0f, 0x00, 0xcb], { regs: { [RAX]: -1n, 3: -1n } }, m);   // str eax; str bx
    expect([r, reg(m, RAX), reg(m, 3)]).toEqual(['ok', 0x30n, 0xffffffffffff0030n]);
    m.mem.write32(m.dataPhys, -1);
    ({ r } = run([...movImm(RAX, DATA_LIN), 0x0f, 0x00, 0x00], {}, m));   // sldt [rax]: LDTR is null
    expect(m.mem.read32(m.dataPhys) >>> 0).toBe(0xffff0000);
  });
});

describe.each(EXECUTION_PATHS)('LLDT and LTR (%s path)', (path) => {
  /** Loads AX = sel into LDTR (lldt ax) or TR (ltr ax) with the GDT slot 0x30 holding `type` (16-byte system descriptor). */
  function load(op: 'lldt' | 'ltr', sel: number, type: number, o: { present?: boolean; base?: bigint; limit?: number } = {}) {
    const m = new Machine();
    setSystemDescriptor(m, 0x30, o.base ?? 0xffff800000030000n, o.limit ?? 0x67, type, o.present ?? true);
    const r = outcome(m.run([...movImm(RAX, sel), 0x0f, 0x00, op === 'lldt' ? 0xd0 : 0xd8], { path }));
    return { m, r };
  }

  it('LLDT: null leaves the LDT unusable; LDT selector, wrong type, not present, non-canonical base are faults', () => {
    let { m, r } = load('lldt', 0x30, 0x2, { limit: 0xfff });
    expect([r, m.cpu.ldtrSel, m.cpu.ldtrBase, m.cpu.ldtrLimit]).toEqual(['ok', 0x30, -0x800000000000 + 0x30000, 0xfff]);
    ({ m, r } = load('lldt', 0x3, 0x2));
    expect([r, m.cpu.ldtrSel, m.cpu.ldtrLimit]).toEqual(['ok', 0x3, 0]);
    expect(load('lldt', 0x34, 0x2).r).toBe('#GP(34)');
    expect(load('lldt', 0x33, 0x9).r).toBe('#GP(30)');
    expect(load('lldt', 0x33, 0x2, { present: false }).r).toBe('#NP(30)');
    expect(load('lldt', 0x33, 0x2, { base: 0x0000800000000000n }).r).toBe('#GP(30)');
    expect(load('lldt', 0x38, 0x2).r).toBe('#GP(38)');           // 0x38 + 15 is beyond the GDT limit
    expect(load('lldt', 0x3b, 0x2).r).toBe('#GP(38)');           // the error code has no RPL
    ({ m, r } = load('lldt', 0x33, 0x2));                         // the RPL is not part of the index
    expect([r, m.cpu.ldtrSel]).toEqual(['ok', 0x33]);
  });

  it('LLDT with TI = 1 is #GP(selector) even when the current LDT has an LDT descriptor at that index', () => {
    const m = new Machine();
    const ldt = DATA_LIN + 0x800;
    setSystemDescriptor(m, 0x30, BigInt(ldt), 0x3f, 0x2);
    m.mem.write64(m.dataPhys + 0x800 + 0x30, descriptor(ldt, 0x3f, 0x82));   // LDT entry 6: an LDT descriptor
    m.mem.write64(m.dataPhys + 0x800 + 0x38, 0xffffffffn);
    // lldt 0x30 (the GDT's LDT); lldt 0x34 (TI = 1)
    const r = outcome(m.run([...movImm(RAX, 0x30), 0x0f, 0x00, 0xd0, ...movImm(RAX, 0x34), 0x0f, 0x00, 0xd0], { path }));
    expect([r, m.cpu.ldtrSel]).toEqual(['#GP(34)', 0x30]);
  });

  it('LTR: an available 64-bit TSS, then marked busy in the GDT; null, busy, LDT type, absent, non-canonical are faults', () => {
    const { m, r } = load('ltr', 0x30, 0x9, { limit: 0x2067 });
    expect([r, m.cpu.trSel, m.cpu.trBase, m.cpu.trLimit]).toEqual(['ok', 0x30, -0x800000000000 + 0x30000, 0x2067]);
    expect((m.mem.read32(m.gdtPhys + 0x34) >>> 8) & 0x1f).toBe(0x0b);
    expect(load('ltr', 0x0, 0x9).r).toBe('#GP(0)');
    // Error codes carry the selector without its RPL (SDM §6.13).
    expect(load('ltr', 0x33, 0xb).r).toBe('#GP(30)');
    expect(load('ltr', 0x33, 0x2).r).toBe('#GP(30)');
    expect(load('ltr', 0x33, 0x9, { present: false }).r).toBe('#NP(30)');
    expect(load('ltr', 0x33, 0x9, { base: 0x0000800000000000n }).r).toBe('#GP(30)');
  });
});

describe.each(EXECUTION_PATHS)('I/O permission and exception-class edges (%s path)', (path) => {
  it('the TSS must hold the 16-bit I/O map base field (offset 0x66-0x67) before the bitmap is used (SDM Vol. 1 §19.5.2)', () => {
    // A map base of 0x20 puts port 0's bitmap byte inside the TSS body, which is 0 (allowed).
    for (const [limit, want] of [[0x66, '#GP(0)'], [0x67, 'ok']] as const) {
      const m = new Machine();
      m.setIoBitmap(limit, 0x20, new Uint8Array(2));
      const r = outcome(m.run([0xec], { path, cpl: 3, regs: { [RDX]: 0n } }));   // in al, dx
      expect(`limit 0x${limit.toString(16)}: ${r}`).toBe(`limit 0x${limit.toString(16)}: ${want}`);
    }
  });

  it('MMX with CR0.TS is #NM; UMIP applies at CPL 1 too; RDTSC without CR4.TSD runs at CPL 3 (SDM Vol. 3A §2.5, Table 2-2)', () => {
    const all = new Machine(ALL_TABLE_FEATURES);
    expect(outcome(all.run([0x0f, 0x77], { path, cr0: 0x8001003b }))).toBe('#NM');      // EMMS
    expect(outcome(new Machine().run([...movImm(RAX, DATA_LIN), 0x0f, 0x01, 0x00], { path, cpl: 1, cr4: CR4 | 0x800 }))).toBe('#GP(0)');
    expect(outcome(new Machine().run([0x0f, 0x31], { path, cpl: 3 }))).toBe('ok');
  });
});
