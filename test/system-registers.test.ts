// Control registers, debug registers and MSRs (SDM Vol. 2B MOV—Move to/from
// Control Registers and Debug Registers, RDMSR, WRMSR; Vol. 3A §2.5, §4.10.4,
// §17.2; Vol. 4 for the MSRs; APM Vol. 2 §3.1): reserved bits and invalid
// combinations, the values read back, and the effects on translation.
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import type { RunOptions } from './helpers/machine.js';
import {
  Machine, CODE, DATA_LIN, GDT, RAX, RCX, RDX, SEG_FS, SEG_GS, movFromCr, movFromDr, movImm, movToCr, movToDr, outcome, pteWindow, rdmsr, wrmsr,
} from './helpers/system.js';

const CR0 = 0x80010033, CR4 = 0x620, EFER = 0xd01;
const CR0_WP = 0x10000, CR0_ET = 0x10, CR4_DE = 0x8, CR4_PGE = 0x80, CR4_SMEP = 0x100000, CR4_SMAP = 0x200000;
const READ_DATA = [0x8b, 0x04, 0x25, ...[0, 0, 0x60, 0]];          // mov eax, [DATA]
const WRITE_RO = [0x89, 0x0c, 0x25, ...[0, 0, 0x70, 0]];           // mov [0x700000], ecx
const RO_LIN = 0x700000;

describe.each(EXECUTION_PATHS)('control registers (%s path)', (path) => {
  const run = (code: number[], o: RunOptions = {}, m = new Machine()) => ({ m, r: outcome(m.run(code, { path, ...o })) });
  const cr = (m: Machine) => BigInt.asUintN(64, m.cpu.getReg64(RAX));

  // SDM §2.5: "Attempting to set any reserved bits in CR0[31:0] is ignored. Attempting to set any
  // reserved bits in CR0[63:32] results in a general-protection exception, #GP(0)."
  it('MOV CR0: bits 63:32, NW without CD, PG without PE are #GP(0); reserved bits 31:0 are ignored; ET reads as 1 (SDM MOV CR, §2.5)', () => {
    const cases: [string, bigint, string, bigint?][] = [
      ['MP cleared', BigInt((CR0 & ~2) >>> 0), 'ok'],
      ['bit 32', (1n << 32n) | BigInt(CR0), '#GP(0)'],
      ['bit 63', (1n << 63n) | BigInt(CR0), '#GP(0)'],
      ['bit 6 (reserved, ignored)', BigInt((CR0 | 0x40) >>> 0), 'ok', BigInt(CR0 >>> 0)],
      ['bit 17 (reserved, ignored)', BigInt((CR0 | 0x20000) >>> 0), 'ok', BigInt(CR0 >>> 0)],
      ['bits 28:19 (reserved, ignored)', BigInt((CR0 | 0x1ff80000) >>> 0), 'ok', BigInt(CR0 >>> 0)],
      ['NW without CD', BigInt((CR0 | 0x20000000) >>> 0), '#GP(0)'],
      ['NW and CD', BigInt((CR0 | 0x60000000) >>> 0), 'ok'],
      ['PG without PE', BigInt((CR0 & ~1) >>> 0), '#GP(0)'],
      ['ET written 0', BigInt((CR0 & ~CR0_ET) >>> 0), 'ok'],
    ];
    for (const [name, v, want, readBack] of cases) {
      const { m, r } = run([...movImm(RAX, v), ...movToCr(0), ...movFromCr(0)]);
      expect(`${name}: ${r}`).toBe(`${name}: ${want}`);
      if (want === 'ok') expect(`${name}: ${cr(m).toString(16)}`).toBe(`${name}: ${(readBack ?? (v | BigInt(CR0_ET))).toString(16)}`);
    }
  });

  // SDM §2.5: CR0 bits 63:32 are reserved and read as 0, PG (bit 31) included.
  it('MOV from CR0 zero-extends after a MOV to CR0', () => {
    const { m } = run([...movImm(RAX, CR0 >>> 0), ...movToCr(0), ...movFromCr(0)]);
    expect(cr(m)).toBe(BigInt(CR0 >>> 0));
  });

  // SDM MOV CR, 64-Bit Mode Exceptions: "#GP(0) ... Attempting to clear CR0.PG" (long mode is left
  // from compatibility mode only, SDM §9.8.5.4).
  it('MOV CR0 clearing PG in 64-bit mode is #GP(0)', () => {
    expect(run([...movImm(RAX, (CR0 & 0x7fffffff) >>> 0), ...movToCr(0)]).r).toBe('#GP(0)');
  });
  it('MOV CR0 clearing PG and PE in 64-bit mode is #GP(0)', () => {
    expect(run([...movImm(RAX, (CR0 & 0x7ffffffe) >>> 0), ...movToCr(0)]).r).toBe('#GP(0)');
  });

  it('MOV CR0 setting WP takes effect for the next write (the TLB does not keep the old rights)', () => {
    const m = new Machine();
    m.pt.map(RO_LIN, 0x3f0000, 4096, { writable: false, user: false, executable: false });
    const code = [...WRITE_RO, ...movImm(RAX, CR0 >>> 0), ...movToCr(0), ...WRITE_RO];
    const { r } = run(code, { cr0: CR0 & ~CR0_WP }, m);
    expect(r).toBe('#PF(3)');
    expect(m.cpu.rip).toBe(CODE + code.length - WRITE_RO.length);
  });

  it('MOV CR2 and CR8 hold what is written; CR8 above 15 and upper halves are #GP(0)', () => {
    let { m, r } = run([...movImm(RAX, 0x123456789abcn), ...movToCr(2), ...movImm(RAX, 0), ...movFromCr(2)]);
    expect([r, cr(m)]).toEqual(['ok', 0x123456789abcn]);
    ({ m, r } = run([...movImm(RAX, 0xf), ...movToCr(8), ...movImm(RAX, 0), ...movFromCr(8)]));
    expect([r, cr(m)]).toEqual(['ok', 0xfn]);
    expect(run([...movImm(RAX, 0x10), ...movToCr(8)]).r).toBe('#GP(0)');
    expect(run([...movImm(RAX, 1n << 32n), ...movToCr(8)]).r).toBe('#GP(0)');
  });

  it('MOV CR3: bits 63:52 are #GP(0) (APM Figure 3-5 long mode: reserved, MBZ); the value reads back', () => {
    const m0 = new Machine();
    const base = BigInt(m0.pt.pml4);
    for (const bit of [52n, 63n]) expect(run([...movImm(RAX, base | (1n << bit)), ...movToCr(3)], {}, new Machine()).r).toBe('#GP(0)');
    const { m, r } = run([...movImm(RAX, base | 0x18n), ...movToCr(3), ...movImm(RAX, 0), ...movFromCr(3)], {}, m0);
    expect([r, cr(m)]).toEqual(['ok', base | 0x18n]);
  });

  it('MOV CR3 invalidates non-global translations, and global ones while CR4.PGE = 0 (SDM §4.10.4.1)', () => {
    for (const [global, cr4] of [[false, CR4 | CR4_PGE], [true, CR4]] as const) {
      const m = new Machine();
      m.pt.map(RO_LIN, 0x3f0000, 4096, { writable: true, user: false, executable: false, global });
      const pte = pteWindow(m, RO_LIN, 0x720000);
      // read [RO_LIN] (cached); clear P in its PTE; mov rax, cr3; mov cr3, rax; read [RO_LIN] → #PF(0)
      const code = [0x8b, 0x04, 0x25, 0, 0, 0x70, 0, 0xc6, 0x04, 0x25, ...[pte & 0xff, (pte >> 8) & 0xff, (pte >> 16) & 0xff, 0], 0,
        ...movFromCr(3), ...movToCr(3), 0x8b, 0x04, 0x25, 0, 0, 0x70, 0];
      expect(`global ${global}: ${run(code, { cr4 }, m).r}`).toBe(`global ${global}: #PF(0)`);
    }
  });

  it('MOV CR4: unknown bits and clearing PAE are #GP(0); SMEP and SMAP take effect at once', () => {
    for (const v of [BigInt(CR4 | 0x1000), BigInt(CR4 | 0x4000), BigInt(CR4 | 0x800000), (1n << 32n) | BigInt(CR4), BigInt(CR4 & ~0x20)]) {
      expect(run([...movImm(RAX, v), ...movToCr(4)]).r).toBe('#GP(0)');
    }
    // The Machine's code pages are user pages: with SMEP the next fetch at CPL 0 faults (P|I).
    const code = [...movImm(RAX, CR4 | CR4_SMEP), ...movToCr(4), 0x90];
    const { m, r } = run(code);
    expect(r).toBe('#PF(11)');
    expect(m.cpu.cr2).toBe(CODE + code.length - 1);
    expect(run([...READ_DATA, ...movImm(RAX, CR4 | CR4_SMAP), ...movToCr(4), ...READ_DATA]).r).toBe('#PF(1)');
    // CR4.PGE cleared: global translations go too.
    const g = new Machine();
    g.pt.map(RO_LIN, 0x3f0000, 4096, { writable: true, user: false, executable: false, global: true });
    const pte = pteWindow(g, RO_LIN, 0x720000);
    const flush = [0x8b, 0x04, 0x25, 0, 0, 0x70, 0, 0xc6, 0x04, 0x25, ...[pte & 0xff, (pte >> 8) & 0xff, (pte >> 16) & 0xff, 0], 0,
      ...movImm(RAX, CR4), ...movToCr(4), 0x8b, 0x04, 0x25, 0, 0, 0x70, 0];
    expect(run(flush, { cr4: CR4 | CR4_PGE }, g).r).toBe('#PF(0)');
  });
});

describe.each(EXECUTION_PATHS)('debug registers (%s path)', (path) => {
  const run = (code: number[], o: RunOptions = {}) => { const m = new Machine(); return { m, r: outcome(m.run(code, { path, ...o })) }; };
  const rax = (m: Machine) => BigInt.asUintN(64, m.cpu.getReg64(RAX));

  it('DR0-DR3 hold 64-bit values; DR6/DR7 fixed bits; DR4/DR5 alias DR6/DR7 unless CR4.DE (SDM §17.2)', () => {
    let { m, r } = run([...movImm(RAX, 0xffff876543210fedn), ...movToDr(3), ...movImm(RAX, 0), ...movFromDr(3)]);
    expect([r, rax(m)]).toEqual(['ok', 0xffff876543210fedn]);
    ({ m, r } = run([...movImm(RAX, 0), ...movToDr(6), ...movFromDr(6)]));
    expect([r, rax(m)]).toEqual(['ok', 0xffff0ff0n]);
    ({ m, r } = run([...movImm(RAX, 0xffffffff), ...movToDr(6), ...movFromDr(6)]));
    expect([r, rax(m)]).toEqual(['ok', 0xffffefffn]);             // bit 12 reads as 0
    // Every bit but GD (bit 13: the MOV DR after it would be a #DB, test/debug-registers.test.ts).
    ({ m, r } = run([...movImm(RAX, 0xffffdfff), ...movToDr(7), ...movFromDr(7)]));
    expect([r, rax(m)]).toEqual(['ok', 0xffff07ffn]);
    ({ m, r } = run([...movImm(RAX, 0), ...movToDr(5), ...movFromDr(7)]));
    expect([r, rax(m)]).toEqual(['ok', 0x400n]);
    ({ m, r } = run([...movImm(RAX, 0x1), ...movToDr(4), ...movImm(RAX, 0), ...movFromDr(6)]));
    expect([r, rax(m)]).toEqual(['ok', 0xffff0ff1n]);
    for (const code of [movToDr(4), movFromDr(5)]) expect(run(code, { cr4: CR4 | CR4_DE }).r).toBe('#UD');
    for (const n of [6, 7]) expect(run([...movImm(RAX, 1n << 32n), ...movToDr(n)]).r).toBe('#GP(0)');
  });
});

// SDM MOV DR: in 64-bit mode only DR6/DR7 reject bits 63:32; DR0-DR3 hold any 64-bit value (§17.2.4,
// APM §13.1.1.1), beyond 2^53 in magnitude included.
it.each(EXECUTION_PATHS)('DR0-DR3 hold a non-canonical 64-bit value exactly (%s path)', (path) => {
  const m = new Machine();
  expect(outcome(m.run([...movImm(RAX, 0x123456789abcdef1n), ...movToDr(0), ...movImm(RAX, 0), ...movFromDr(0)], { path }))).toBe('ok');
  expect(BigInt.asUintN(64, m.cpu.getReg64(RAX))).toBe(0x123456789abcdef1n);
});

describe.each(EXECUTION_PATHS)('MSRs (%s path)', (path) => {
  const run = (code: number[], o: RunOptions = {}) => { const m = new Machine(); return { m, r: outcome(m.run(code, { path, ...o })) }; };
  const edxEax = (m: Machine) => (BigInt.asUintN(32, m.cpu.getReg64(RDX)) << 32n) | BigInt.asUintN(32, m.cpu.getReg64(RAX));
  const roundTrip = (index: number, v: bigint) => { const { m, r } = run([...wrmsr(index, v), ...rdmsr(index)]); return r === 'ok' ? edxEax(m) : r; };

  it('an MSR the model lacks is #GP(0) on RDMSR and WRMSR', () => {
    expect(run(rdmsr(0x8b)).r).toBe('#GP(0)');
    expect(run(wrmsr(0x8b, 0n)).r).toBe('#GP(0)');
  });

  it('EFER: reserved bits #GP(0); LMA is read-only; LME cannot change while paging is on; NXE off makes NX reserved (APM §3.1.7)', () => {
    expect(roundTrip(0xc0000080, BigInt(EFER))).toBe(BigInt(EFER));
    expect(roundTrip(0xc0000080, BigInt(EFER | 2))).toBe('#GP(0)');
    expect(roundTrip(0xc0000080, BigInt(EFER & ~0x400))).toBe(BigInt(EFER));
    expect(roundTrip(0xc0000080, BigInt(EFER & ~0x100))).toBe('#GP(0)');
    expect(run([...wrmsr(0xc0000080, BigInt(EFER & ~0x800)), ...READ_DATA]).r).toBe('#PF(9)');
    expect(run([...wrmsr(0xc0000080, BigInt(EFER & ~1)), 0x0f, 0x05]).r).toBe('#UD');
  });

  it('FS.base and GS.base: canonical values only, and FS/GS accesses use them', () => {
    expect(roundTrip(0xc0000100, 0xffff800000001000n)).toBe(0xffff800000001000n);
    for (const v of [0xffff800000000000n, 0xffff800000000008n, 0x00007fffffffffffn]) {
      expect(roundTrip(0xc0000100, v)).toBe(v);
      expect(roundTrip(0xc0000101, v)).toBe(v);
    }
    for (const v of [0x0000800000000000n, 0xffff7fffffffffffn, 0xffff000000000000n]) expect(roundTrip(0xc0000101, v)).toBe('#GP(0)');
    // An upper-half FS base: mov eax, fs:[8] reads the GDT's second entry (the Machine's GDT is at -2^41).
    const up = run([...wrmsr(0xc0000100, BigInt.asUintN(64, BigInt(GDT))), 0x64, 0x8b, 0x04, 0x25, 8, 0, 0, 0]);
    expect([up.r, BigInt.asUintN(64, up.m.cpu.getReg64(RAX))]).toEqual(['ok', 0xffffn]);
    const { m, r } = run([...wrmsr(0xc0000100, BigInt(DATA_LIN - 0x10)), ...wrmsr(0xc0000101, BigInt(DATA_LIN)), 0x64, 0x8b, 0x0c, 0x25, 0x18, 0, 0, 0]);
    expect(r).toBe('ok');
    expect([m.cpu.segBase[SEG_FS], m.cpu.segBase[SEG_GS]]).toEqual([DATA_LIN - 0x10, DATA_LIN]);
    void RCX;
  });

  // SYSENTER_ESP/EIP and TSC_AUX differ per vendor model: test/system-msrs-kvm.test.ts.
  it('LSTAR, CSTAR, KERNEL_GS_BASE need canonical values; PAT valid memory types; SFMASK 32 bits', () => {
    for (const index of [0xc0000082, 0xc0000083, 0xc0000102]) {
      expect(roundTrip(index, 0xffff800000000000n)).toBe(0xffff800000000000n);
      expect(roundTrip(index, 0x0000800000000000n)).toBe('#GP(0)');
    }
    expect(roundTrip(0x277, 0x0706050401000706n)).toBe(0x0706050401000706n);
    for (let byte = 0; byte < 8; byte++) {
      for (const t of [2n, 3n, 8n]) expect(roundTrip(0x277, t << BigInt(8 * byte))).toBe('#GP(0)');
    }
    for (const index of [0xc0000084]) {
      expect(roundTrip(index, 0xffffffffn)).toBe(0xffffffffn);
      expect(roundTrip(index, 1n << 32n)).toBe('#GP(0)');
    }
    expect(roundTrip(0xc0000081, 0xfedcba9876543210n)).toBe(0xfedcba9876543210n);
    expect(roundTrip(0x1b, 0xfee00800n)).toBe(0xfee00800n);
  });

  it('reset values: PAT 0007040600070406H (SDM §12.12.4 Table 12-12), IA32_APIC_BASE FEE00900H (BSP, enabled; SDM §11.4.4)', () => {
    const fresh = new Machine();
    expect(outcome(fresh.run([...rdmsr(0x277), 0x48, 0xc1, 0xe2, 0x20, 0x48, 0x09, 0xd0, 0x48, 0x89, 0xc3, ...rdmsr(0x1b)], { path }))).toBe('ok');
    expect([BigInt.asUintN(64, fresh.cpu.getReg64(3)), edxEax(fresh)]).toEqual([0x0007040600070406n, 0xfee00900n]);
  });

  it('WRMSR to the TSC sets the count RDTSC continues from', () => {
    const { m, r } = run([...wrmsr(0x10, 0x100000000n), 0x0f, 0x31]);
    expect(r).toBe('ok');
    // WRMSR retires after the three MOVs: RDTSC is the next instruction (one tick later).
    expect(edxEax(m)).toBe(0x100000001n);
  });
});
