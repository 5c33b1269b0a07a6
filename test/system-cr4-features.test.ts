// CR4 bit by bit against the features the model reports, PCID (CR4.PCIDE, the
// PCID-tagged TLB, CR3 bit 63, INVPCID), FSGSBASE, RDPID, the CR3 reserved bits
// of each vendor, and the CPUID bits that back them (SDM Vol. 3A §2.5, §4.10.1,
// §4.10.4.1; Vol. 2 MOV CR, INVPCID, RDFSBASE/WRFSBASE, RDPID; APM Vol. 2 §3.1,
// §5.5.1, Figure 3-5). Expected values come from the manuals, never from src/.
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import { CPU_VENDORS } from '../src/arch/vendor.js';
import { MODEL_FEATURES } from '../src/cpu/cpuid.js';
import type { FeatureName } from '../src/isa/features.js';
import type { RunOptions } from './helpers/machine.js';
import { cachesTranslations } from './helpers/paths.js';
import { Machine, CODE, DATA_LIN, RAX, RBX, RCX, RDX, movFromCr, movImm, movToCr, outcome, pteWindow, rdmsr, wrmsr } from './helpers/system.js';

const CR4 = 0x620; // PAE OSFXSR OSXMMEXCPT
const CR4_PGE = 1 << 7, CR4_FSGSBASE = 1 << 16, CR4_PCIDE = 1 << 17, CR4_TSD = 1 << 2;
const LIN = 0x700000, FRAME = 0x3f0000;
const READ = [0x8b, 0x04, 0x25, 0, 0, 0x70, 0];                  // mov eax, [0x700000]
const CPUID = [0x0f, 0xa2];
const MSR_FS_BASE = 0xc0000100, MSR_GS_BASE = 0xc0000101, MSR_TSC_AUX = 0xc0000103;

/** CR4 bits by name (SDM §2.5 Figure 2-7) and the CPUID feature that backs each (null: every x86-64 CPU). */
const CR4_BITS: [number, string, FeatureName | 'system' | null][] = [
  [0, 'VME', null], [1, 'PVI', null], [2, 'TSD', 'system'], [3, 'DE', 'system'], [4, 'PSE', 'system'], [5, 'PAE', 'system'],
  [6, 'MCE', 'system'], [7, 'PGE', 'system'], [8, 'PCE', 'system'], [9, 'OSFXSR', 'system'], [10, 'OSXMMEXCPT', 'system'],
  [11, 'UMIP', 'system'], [12, 'LA57', null], [13, 'VMXE', null], [14, 'SMXE', null], [15, 'bit 15', null],
  [16, 'FSGSBASE', 'fsgsbase'], [17, 'PCIDE', 'system'], [18, 'OSXSAVE', 'xsave'], [19, 'KL', null], [20, 'SMEP', 'system'],
  [21, 'SMAP', 'smap'], [22, 'PKE', 'pku'], [23, 'CET', null], [24, 'PKS', null], [25, 'UINTR', null],
  [26, 'bit 26', null], [27, 'bit 27', null], [28, 'LAM_SUP', null], [29, 'bit 29', null], [30, 'bit 30', null], [31, 'bit 31', null],
];

/** Machine with fewer features: MODEL_FEATURES minus `drop`. */
const without = (...drop: FeatureName[]) => new Set([...MODEL_FEATURES].filter((f) => !drop.includes(f)));

describe.each(EXECUTION_PATHS)('CR4, PCID, FSGSBASE, RDPID (%s path)', (path) => {
  const run = (code: number[], o: RunOptions = {}, m = new Machine()) => ({ m, r: outcome(m.run(code, { path, ...o })) });
  const reg = (m: Machine, r: number) => BigInt.asUintN(64, m.cpu.getReg64(r));

  it('MOV CR4: each bit is #GP(0) unless a reported feature backs it (SDM MOV CR, §2.5; the model reports no VME, LA57, CET…)', () => {
    for (const [features, label] of [[MODEL_FEATURES, 'model'], [without('fsgsbase', 'smap', 'pku', 'xsave'), 'no FSGSBASE/SMAP/PKU/XSAVE']] as const) {
      for (const [bit, name, backing] of CR4_BITS) {
        const allowed = backing === 'system' || (backing !== null && features.has(backing));
        const v = BigInt((CR4 | (1 << bit)) >>> 0);
        // No instruction follows (step: not even the INT3 after the code): with SMEP the next fetch from the Machine's user code pages would fault.
        const { m, r } = run([...movImm(RAX, v), ...movToCr(4)], { step: true }, new Machine(features));
        expect(`${label} ${name}: ${r}`).toBe(`${label} ${name}: ${allowed ? 'ok' : '#GP(0)'}`);
        if (allowed) expect(`${label} ${name}: ${(m.cpu.cr4 >>> 0).toString(16)}`).toBe(`${label} ${name}: ${v.toString(16)}`);
        else expect([m.cpu.rip, m.cpu.cr4]).toEqual([CODE + 10, CR4]);
      }
    }
    for (const bit of [32n, 40n, 63n]) expect(run([...movImm(RAX, (1n << bit) | BigInt(CR4)), ...movToCr(4)]).r).toBe('#GP(0)');
  });

  it('CR4.PCIDE: set only with CR3[11:0] = 0; then CR3[11:0] is the PCID and bit 63 is accepted and never stored', () => {
    const low = (n: number) => [...movFromCr(3), 0x48, 0x83, 0xc8, n, ...movToCr(3)]; // or rax, n
    const setPcide = [...movImm(RAX, CR4 | CR4_PCIDE), ...movToCr(4)];
    let { m, r } = run([...low(5), ...setPcide]);
    expect([r, m.cpu.rip]).toEqual(['#GP(0)', CODE + 10 + 10]);
    ({ m, r } = run([...setPcide, ...low(5), ...movImm(RAX, 0), ...movFromCr(3)]));
    expect([r, reg(m, RAX)]).toEqual(['ok', BigInt(m.pt.pml4 | 5)]);
    // Bit 63: the no-flush bit with PCIDE = 1, a reserved bit without it.
    const bit63 = [...movFromCr(3), ...movImm(RBX, 1n << 63n), 0x48, 0x09, 0xd8, ...movToCr(3), ...movImm(RAX, 0), ...movFromCr(3)];
    ({ m, r } = run([...setPcide, ...bit63]));
    expect([r, reg(m, RAX)]).toEqual(['ok', BigInt(m.pt.pml4)]);
    expect(run(bit63).r).toBe('#GP(0)');
    // PCIDE cleared again: allowed whatever CR3[11:0] holds (SDM MOV CR4 lists only the 0 → 1 check).
    ({ r } = run([...setPcide, ...low(3), ...movImm(RAX, CR4), ...movToCr(4)]));
    expect(r).toBe('ok');
  });

  it.each(CPU_VENDORS)('MOV CR3 reserved bits (%s): AMD 63:52 (APM Figure 3-5), Intel 63:MAXPHYADDR = 63:48 (SDM Table 4-12)', (vendor) => {
    for (const bit of [48n, 51n, 52n, 62n]) {
      const m = new Machine(undefined, vendor);
      const want = vendor === 'intel' || bit >= 52n ? '#GP(0)' : 'ok';
      // step: no instruction runs under the CR3 loaded (the INT3 after the code would be fetched through it).
      expect(`bit ${bit}: ${run([...movImm(RAX, BigInt(m.pt.pml4) | (1n << bit)), ...movToCr(3)], { step: true }, m).r}`).toBe(`bit ${bit}: ${want}`);
    }
  });

  /** Maps LIN, reads it under `first`, clears P in its PTE, runs `between`, reads again. */
  const staleRead = (between: number[], o: { global?: boolean; cr4?: number } = {}) => {
    const m = new Machine();
    m.pt.map(LIN, FRAME, 4096, { writable: true, user: false, executable: false, global: o.global ?? false });
    const pte = pteWindow(m, LIN, 0x720000);
    const clearP = [0xc6, 0x04, 0x25, pte & 0xff, (pte >> 8) & 0xff, (pte >> 16) & 0xff, 0, 0];   // mov byte [pte], 0
    const code = [...movImm(RAX, (o.cr4 ?? CR4) | CR4_PCIDE), ...movToCr(4), ...READ, ...clearP, ...between, ...READ];
    const r = run(code, {}, m).r;
    return { r, m, rip: m.cpu.rip - CODE, end: code.length - READ.length, cr2: m.cpu.cr2 };
  };
  /** MOV CR3 with PCID `pcid` (and bit 63 when `keep`); RBX holds the PML4 address. */
  const cr3 = (pml4: number, pcid: number, keep: boolean) => [...movImm(RAX, BigInt(pml4 | pcid) | (keep ? 1n << 63n : 0n)), ...movToCr(3)];
  const pml4 = new Machine().pt.pml4;

  it('PCID: MOV CR3 without bit 63 flushes the new PCID; a switch away and back without bit 63 flushes too (SDM §4.10.4.1)', () => {
    for (const [name, between] of [
      ['same PCID', cr3(pml4, 0, false)],
      ['PCID 1, back to 0', [...cr3(pml4, 1, false), ...cr3(pml4, 0, false)]],
      ['PCID 1 kept, back to 0 flushed', [...cr3(pml4, 1, true), ...cr3(pml4, 0, false)]],
    ] as const) {
      const s = staleRead([...between]);
      expect(`${name}: ${s.r} at ${s.rip} cr2 ${s.cr2.toString(16)}`).toBe(`${name}: #PF(0) at ${s.end} cr2 ${LIN.toString(16)}`);
    }
  });

  // The TLB is tagged with the PCID (SDM §4.10.1): with bit 63 set, MOV CR3 does not invalidate,
  // so the entry cached under PCID 0 survives a trip through PCID 1. Retention is allowed, not
  // required, by the SDM; the model's cached path keeps the entry, the reference path caches nothing.
  it('PCID: with bit 63 set the old PCID\'s entries survive (cached path; the reference path walks every access)', () => {
    for (const [name, between] of [
      ['same PCID, bit 63', cr3(pml4, 0, true)],
      ['PCID 1 bit 63, back to 0 bit 63', [...cr3(pml4, 1, true), ...cr3(pml4, 0, true)]],
      ['PCID 1 flushed, back to 0 bit 63', [...cr3(pml4, 1, false), ...cr3(pml4, 0, true)]],
    ] as const) {
      const s = staleRead([...between]);
      expect(`${name}: ${s.r}`).toBe(`${name}: ${cachesTranslations(path) ? 'ok' : '#PF(0)'}`);
    }
  });

  it('INVPCID: types 0-3 invalidate (2 also global entries); #GP(0) for type > 3, descriptor bits 63:12, a non-canonical type-0 address, CPL > 0 (SDM INVPCID)', () => {
    const desc = (m: Machine, pcid: bigint, lin: bigint) => { m.mem.write64(m.dataPhys, pcid); m.mem.write64(m.dataPhys + 8, BigInt.asUintN(64, lin)); };
    const inv = (type: bigint | number) => [...movImm(RCX, BigInt(type)), ...movImm(RAX, DATA_LIN), 0x66, 0x0f, 0x38, 0x82, 0x08];
    // G is honoured only with CR4.PGE = 1 (SDM §4.10.2.4): without it a G=1 entry belongs to its PCID.
    const kept = cachesTranslations(path) ? 'ok' : '#PF(0)';
    for (const [type, global, want, pge] of [[0, false, '#PF(0)', 1], [1, false, '#PF(0)', 1], [2, false, '#PF(0)', 1], [3, false, '#PF(0)', 1],
      [2, true, '#PF(0)', 1], [3, true, kept, 1], [1, true, kept, 1], [1, true, '#PF(0)', 0], [3, true, '#PF(0)', 0]] as const) {
      const m = new Machine();
      m.pt.map(LIN, FRAME, 4096, { writable: true, user: false, executable: false, global });
      const pte = pteWindow(m, LIN, 0x720000);
      desc(m, 0n, BigInt(LIN));
      const code = [...READ, 0xc6, 0x04, 0x25, pte & 0xff, (pte >> 8) & 0xff, (pte >> 16) & 0xff, 0, 0, ...inv(type), ...READ];
      const label = `type ${type} global ${global} PGE ${pge}`;
      expect(`${label}: ${run(code, { cr4: CR4 | (pge ? CR4_PGE : 0) }, m).r}`).toBe(`${label}: ${want}`);
    }
    const bad: [string, bigint, bigint, bigint, number?, number?][] = [
      ['type 4', 4n, 0n, 0n], ['type 2^32', 1n << 32n, 0n, 0n],
      ['descriptor bit 12', 2n, 0x1000n, 0n], ['descriptor bit 63', 3n, 1n << 63n, 0n],
      ['type 0 non-canonical', 0n, 0n, 0x800000000000n],
      ['type 0 PCID 1 with PCIDE = 0', 0n, 1n, 0n], ['type 1 PCID 1 with PCIDE = 0', 1n, 1n, 0n],
      ['CPL 3', 2n, 0n, 0n, 3],
    ];
    for (const [name, type, pcid, lin, cpl] of bad) {
      const m = new Machine();
      desc(m, pcid, lin);
      const { r } = run(inv(type), { cpl: cpl ?? 0 }, m);
      expect(`${name}: ${r} at ${m.cpu.rip - CODE}`).toBe(`${name}: #GP(0) at 20`);
    }
    for (const [name, type, pcid, cr4] of [['type 2 PCID 1, PCIDE = 0', 2n, 1n, CR4], ['type 1 PCID 5, PCIDE = 1', 1n, 5n, CR4 | CR4_PCIDE]] as const) {
      const m = new Machine();
      desc(m, pcid, 0n);
      expect(`${name}: ${run(inv(type), { cr4 }, m).r}`).toBe(`${name}: ok`);
    }
    expect(run(inv(0), {}, new Machine(without('invpcid'))).r).toBe('#UD');
  });

  it('FSGSBASE: #UD while CR4.FSGSBASE = 0; r64 and r32 forms at any CPL; non-canonical WR is #GP(0); the MSRs see the bases', () => {
    const cr4 = CR4 | CR4_FSGSBASE;
    const F3 = 0xf3, W = 0x48;
    const rdfs = (r: number, w = true) => [F3, ...(w ? [W] : []), 0x0f, 0xae, 0xc0 | r];
    const rdgs = (r: number, w = true) => [F3, ...(w ? [W] : []), 0x0f, 0xae, 0xc8 | r];
    const wrfs = (r: number, w = true) => [F3, ...(w ? [W] : []), 0x0f, 0xae, 0xd0 | r];
    const wrgs = (r: number, w = true) => [F3, ...(w ? [W] : []), 0x0f, 0xae, 0xd8 | r];
    for (const code of [rdfs(RAX), rdgs(RAX), wrfs(RAX), wrgs(RAX), rdfs(RAX, false)]) {
      expect(run(code, { cr4: CR4 }).r).toBe('#UD');
    }
    for (const cpl of [0, 3]) {
      let { m, r } = run([...movImm(RAX, 0xffff800012345678n), ...wrfs(RAX), ...movImm(RAX, 0x7fff00001234n), ...wrgs(RAX), ...rdfs(RBX), ...rdgs(RDX)], { cr4, cpl });
      expect([cpl, r, reg(m, RBX), reg(m, RDX)]).toEqual([cpl, 'ok', 0xffff800012345678n, 0x7fff00001234n]);
      // r32: WR zero-extends, RD truncates and zero-extends.
      ({ m, r } = run([...movImm(RAX, 0xffffffff87654321n), ...wrfs(RAX, false), ...movImm(RBX, -1n), ...rdfs(RBX), ...movImm(RAX, 0xffff800012345678n),
        ...wrgs(RAX), ...movImm(RDX, -1n), ...rdgs(RDX, false)], { cr4, cpl }));
      expect([cpl, r, reg(m, RBX), reg(m, RDX)]).toEqual([cpl, 'ok', 0x87654321n, 0x12345678n]);
      for (const code of [wrfs(RAX), wrgs(RAX)]) {
        ({ m, r } = run([...movImm(RAX, 0x800000000000n), ...code], { cr4, cpl }));
        expect([cpl, r, m.cpu.rip - CODE]).toEqual([cpl, '#GP(0)', 10]);
      }
    }
    const { m, r } = run([...movImm(RAX, 0x1234000n), ...wrgs(RAX), ...rdmsr(MSR_GS_BASE), 0x48, 0x89, 0xc6 /* mov rsi, rax */, ...wrmsr(MSR_FS_BASE, 0x5678000n), ...rdfs(RBX)], { cr4 });
    expect([r, reg(m, 6), reg(m, RBX)]).toEqual(['ok', 0x1234000n, 0x5678000n]);
    // 66 F3 0F AE /0: undocumented (objdump shows a 16-bit register): emulation-failure, never a guess.
    expect(run([0x66, F3, 0x0f, 0xae, 0xc0], { cr4 }).r).toBe('emulation-failure');
  });

  it('RDPID: IA32_TSC_AUX zero-extended into r64 at any CPL, with CR4.TSD set too; #UD without the feature (SDM RDPID)', () => {
    for (const cpl of [0, 3]) {
      const m = new Machine();
      const code = [...wrmsr(MSR_TSC_AUX, 0x89abcdefn), ...movImm(RBX, -1n)];
      const first = run(code, {}, m);
      expect(first.r).toBe('ok');
      const { r } = run([0xf3, 0x0f, 0xc7, 0xfb, 0xf3, 0x41, 0x0f, 0xc7, 0xf9], { cpl, cr4: CR4 | CR4_TSD, regs: { [RBX]: -1n, 9: -1n } }, m);
      expect([cpl, r, reg(m, RBX), reg(m, 9)]).toEqual([cpl, 'ok', 0x89abcdefn, 0x89abcdefn]);
    }
    expect(run([0xf3, 0x0f, 0xc7, 0xf8], {}, new Machine(without('rdpid'))).r).toBe('#UD');
  });

  it('CPUID reports PCID, MCE, XSAVE, FSGSBASE, INVPCID and RDPID, not LA57, and OSXSAVE only with CR4.OSXSAVE (leaves 1 and 7)', () => {
    let { m } = run([...movImm(RAX, 1), ...CPUID]);
    const bit = (r: number, b: number) => Number((reg(m, r) >> BigInt(b)) & 1n);
    expect([bit(RCX, 17), bit(2, 7), bit(RCX, 26), bit(RCX, 27)]).toEqual([1, 1, 1, 0]); // PCID, MCE (EDX), XSAVE, OSXSAVE
    ({ m } = run([...movImm(RAX, 7), ...movImm(RCX, 0), ...CPUID]));
    expect([bit(RBX, 0), bit(RBX, 10), bit(RCX, 22), bit(RCX, 16)]).toEqual([1, 1, 1, 0]); // FSGSBASE, INVPCID, RDPID, LA57
    ({ m } = run([...movImm(RAX, 7), ...movImm(RCX, 0), ...CPUID], {}, new Machine(without('fsgsbase', 'invpcid', 'rdpid'))));
    expect([bit(RBX, 0), bit(RBX, 10), bit(RCX, 22)]).toEqual([0, 0, 0]);
  });
});

// PML4E bit 8 through the vCPU (the MMU tables in mmu-permissions.test.ts check every level):
// MBZ on AMD (APM Vol. 2 Figure 5-18: #PF with P|RSVD, plus W/U/I for the access), ignored on Intel.
describe.each(EXECUTION_PATHS)('paging vendor rules through the vCPU (%s path)', (path) => {
  const FAR = 0x8000000000;                                  // PML4 slot 1: its own PML4E
  const READ_FAR = [...movImm(RBX, FAR), 0x8b, 0x03];          // mov eax, [rbx]
  const WRITE_FAR = [...movImm(RBX, FAR), 0x89, 0x03];         // mov [rbx], eax
  it.each(CPU_VENDORS)('PML4E bit 8 set (%s)', (vendor) => {
    for (const [name, code, cpl, err] of [['read at CPL 0', READ_FAR, 0, 0x9], ['write at CPL 0', WRITE_FAR, 0, 0xb],
      ['read at CPL 3', READ_FAR, 3, 0xd], ['write at CPL 3', WRITE_FAR, 3, 0xf]] as const) {
      const m = new Machine(undefined, vendor);
      m.pt.map(FAR, FRAME, 4096, { writable: true, user: true, executable: false });
      const pml4e = m.pt.pml4 + 8;
      m.mem.write32(pml4e, m.mem.read32(pml4e) | 0x100);
      const r = outcome(m.run(code, { path, cpl }));
      const want = vendor === 'amd' ? `#PF(${err.toString(16)})` : 'ok';
      expect(`${name}: ${r}`).toBe(`${name}: ${want}`);
      if (vendor === 'amd') expect([m.cpu.cr2, m.cpu.rip - CODE]).toEqual([FAR, 10]);
    }
  });
});
