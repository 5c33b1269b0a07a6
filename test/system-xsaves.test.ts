// XSAVES, XRSTORS and IA32_XSS (SDM Vol. 1 §13.3, §13.11, §13.12; Vol. 2 XSAVES, XRSTORS, RDMSR/WRMSR;
// Vol. 4 IA32_XSS = DA0H). The model supports no supervisor state component, so IA32_XSS is 0 and any
// set bit is #GP(0); XSAVES writes what XSAVEC writes (compacted format, RFBM = EDX:EAX & (XCR0 | XSS)).
// The host runs Linux user code (CPL 3), so these are emulator-only tests; expected values come
// from the manuals.
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import { MODEL_FEATURES } from '../src/cpu/cpuid.js';
import type { FeatureName } from '../src/isa/features.js';
import type { RunOptions } from './helpers/machine.js';
import { Machine, DATA_LIN, RAX, RBX, RCX, RDX, outcome, phys, rdmsr, wrmsr } from './helpers/system.js';

const CR4 = 0x620, OSXSAVE = 1 << 18, CR4_X = CR4 | OSXSAVE, CR0 = 0x80010033, CR0_TS = 1 << 3;
const XSETBV = [0x0f, 0x01, 0xd1], CPUID = [0x0f, 0xa2];
const XSAVES = [0x0f, 0xc7, 0x2b], XSAVES64 = [0x48, 0x0f, 0xc7, 0x2b];     // [rbx]
const XRSTORS = [0x0f, 0xc7, 0x1b], XRSTORS64 = [0x48, 0x0f, 0xc7, 0x1b];   // [rbx]
const XRSTOR64 = [0x48, 0x0f, 0xae, 0x2b];
const FLD1 = [0xd9, 0xe8], FNINIT = [0xdb, 0xe3], PCMPEQB1 = [0x66, 0x0f, 0x74, 0xc9];
const AREA = DATA_LIN, XSS = 0xda0, C63 = 1n << 63n;

describe.each(EXECUTION_PATHS)('XSAVES, XRSTORS, IA32_XSS (%s path)', (path) => {
  const run = (code: number[], o: RunOptions = {}, m = new Machine(MODEL_FEATURES)) =>
    ({ m, r: outcome(m.run(code, { path, cr4: CR4_X, ...o })) });
  const reg = (m: Machine, r: number) => BigInt.asUintN(64, m.cpu.getReg64(r));
  const bytes = (m: Machine, lin: number, n: number) => Array.from({ length: n }, (_, k) => m.mem.u8[phys(m, lin + k)]!);
  const fill = (m: Machine, lin: number, n: number, b: number) => { for (let k = 0; k < n; k++) m.mem.u8[phys(m, lin + k)] = b; };
  const put64 = (m: Machine, lin: number, v: bigint) => m.mem.write64(phys(m, lin), BigInt.asUintN(64, v));
  const get64 = (m: Machine, lin: number) => m.mem.read64(phys(m, lin));
  const regs = (rax: number) => ({ [RAX]: BigInt(rax), [RDX]: 0n, [RBX]: BigInt(AREA) });
  const without = (f: FeatureName) => new Set([...MODEL_FEATURES].filter((x) => x !== f));

  /** XCR0 = 3, x87 in use (FLD1) and SSE in use (PCMPEQB xmm1), from the initial configuration. */
  const prepared = () => {
    const m = new Machine(MODEL_FEATURES);
    expect(run(XSETBV, { regs: { [RAX]: 3n, [RCX]: 0n, [RDX]: 0n } }, m).r).toBe('ok');
    fill(m, AREA, 0x300, 0); m.mem.write32(phys(m, AREA + 24), 0x1f80);
    expect(run([...XRSTOR64, ...FLD1, ...PCMPEQB1], { regs: regs(3) }, m).r).toBe('ok');
    return m;
  };

  it('IA32_XSS (DA0H): reads 0; WRMSR of 0 is accepted, any set bit is #GP(0); absent (#GP(0)) without XSAVES', () => {
    const cases: [string, bigint, string][] = [
      ['0', 0n, 'ok'], ['bit 0', 1n, '#GP(0)'], ['bit 8 (PT)', 0x100n, '#GP(0)'], ['bit 11 (CET U)', 0x800n, '#GP(0)'],
      ['bit 32', 1n << 32n, '#GP(0)'], ['bit 63', C63, '#GP(0)'],
    ];
    for (const [name, v, want] of cases) expect(`${name}: ${run(wrmsr(XSS, v)).r}`).toBe(`${name}: ${want}`);
    const { m, r } = run(rdmsr(XSS), { regs: { [RAX]: -1n, [RDX]: -1n } });
    expect([r, reg(m, RAX), reg(m, RDX)]).toEqual(['ok', 0n, 0n]);
    expect(run(rdmsr(XSS), {}, new Machine(without('xsaves'))).r).toBe('#GP(0)');
    expect(run(wrmsr(XSS, 0n), {}, new Machine(without('xsaves'))).r).toBe('#GP(0)');
    expect(run(wrmsr(XSS, 0n), { cpl: 3 }).r).toBe('#GP(0)');
  });

  it('XSAVES writes the compacted format as XSAVEC: in-use requested components, XSTATE_BV = RFBM & XINUSE, XCOMP_BV = 2^63 | RFBM', () => {
    for (const [save, wide] of [[XSAVES64, true], [XSAVES, false]] as const) {
      for (const rfbm of [0, 1, 2, 3]) {
        const m = prepared();
        // the reference: XSAVEC (0F C7 /4, same REX.W) of the same state, its bytes tested in system-xsave-opt
        const ref = prepared();
        fill(ref, AREA, 0x240, 0xaa);
        expect(run(wide ? [0x48, 0x0f, 0xc7, 0x23] : [0x0f, 0xc7, 0x23], { regs: regs(rfbm) }, ref).r).toBe('ok');
        fill(m, AREA, 0x240, 0xaa);
        const name = `${wide ? 'XSAVES64' : 'XSAVES'} RFBM=${rfbm}`;
        expect(`${name}: ${run(save, { regs: regs(rfbm | 0xff00) }, m).r}`).toBe(`${name}: ok`);
        expect(`${name}: ${bytes(m, AREA, 0x240).join()}`).toBe(`${name}: ${bytes(ref, AREA, 0x240).join()}`);
        expect(`${name}: ${get64(m, AREA + 512)} ${get64(m, AREA + 520).toString(16)}`).toBe(`${name}: ${rfbm} ${(C63 | BigInt(rfbm)).toString(16)}`);
      }
    }
  });

  it('XRSTORS: restores a compacted area (components not in XSTATE_BV initialised, MXCSR 1F80H), and #GP(0) for the standard format', () => {
    for (const [save, rstor] of [[XSAVES64, XRSTORS64], [XSAVES, XRSTORS]] as const) {
      const m = prepared();
      m.cpu.mxcsr = 0x3f80;
      expect(run(save, { regs: regs(3) }, m).r).toBe('ok');
      const x = m.cpu.x87, before = [x.cw, x.status(), x.valid, m.cpu.mxcsr, m.cpu.xmm.u8[32]];
      expect(before).toEqual([0x37f, 0x3800, 0x80, 0x3f80, 0xff]);
      expect(run([...FNINIT, 0x66, 0x0f, 0xef, 0xc9, ...rstor], { regs: regs(3) }, m).r).toBe('ok');
      expect([x.cw, x.status(), x.valid, m.cpu.mxcsr, m.cpu.xmm.u8[32]]).toEqual(before);
      put64(m, AREA + 512, 1n); // XSTATE_BV = x87 only: SSE initialised
      expect(run(rstor, { regs: regs(3) }, m).r).toBe('ok');
      expect([x.valid, m.cpu.mxcsr, m.cpu.xmm.u8[32]]).toEqual([0x80, 0x1f80, 0]);
      put64(m, AREA + 520, 0n); // standard format
      m.cpu.mxcsr = 0x1f81;
      expect(run(rstor, { regs: regs(3) }, m).r).toBe('#GP(0)');
      expect(m.cpu.mxcsr).toBe(0x1f81);
    }
  });

  it('XRSTORS header checks: #GP(0) for XCOMP_BV bits outside XCR0 | IA32_XSS, XSTATE_BV outside XCOMP_BV, header bytes 16-63; nothing changes', () => {
    const cases: [string, bigint, bigint, number, string][] = [
      ['valid', 3n, C63 | 3n, 0, 'ok'], ['XCOMP_BV 2^63 only', 0n, C63, 0, 'ok'],
      ['XCOMP_BV bit 8 (PT: not in IA32_XSS)', 0n, C63 | 0x103n, 0, '#GP(0)'], ['XCOMP_BV bit 2', 0n, C63 | 7n, 0, '#GP(0)'],
      ['XSTATE_BV outside XCOMP_BV', 2n, C63 | 1n, 0, '#GP(0)'], ['XSTATE_BV bit 63', C63, C63 | 3n, 0, '#GP(0)'],
      ['header byte 16', 0n, C63 | 3n, 16, '#GP(0)'], ['header byte 40', 0n, C63 | 3n, 40, '#GP(0)'],
    ];
    for (const [name, bv, comp, hb, want] of cases) {
      const m = prepared();
      fill(m, AREA, 576, 0); m.mem.write16(phys(m, AREA), 0x37f); m.mem.write32(phys(m, AREA + 24), 0x1f80);
      put64(m, AREA + 512, bv); put64(m, AREA + 520, comp);
      if (hb) m.mem.u8[phys(m, AREA + 512 + hb)] = 1;
      const { r } = run(XRSTORS64, { regs: regs(3) }, m);
      expect(`${name}: ${r}`).toBe(`${name}: ${want}`);
      expect(`${name}: ${m.cpu.x87.valid}`).toBe(`${name}: ${want === 'ok' ? 0 : 0x80}`);
    }
  });

  it('XSAVES, XRSTORS: #UD without XSAVES reported or CR4.OSXSAVE, #NM with CR0.TS, then #GP(0) above CPL 0; 64-byte alignment; prefixes #UD', () => {
    const cases: [string, number[], RunOptions, ReadonlySet<FeatureName>, string][] = [
      ['XSAVES', XSAVES, {}, MODEL_FEATURES, 'ok'],
      ['XSAVES CPL 3', XSAVES, { cpl: 3 }, MODEL_FEATURES, '#GP(0)'], ['XRSTORS CPL 3', XRSTORS, { cpl: 3 }, MODEL_FEATURES, '#GP(0)'],
      ['XSAVES not reported', XSAVES, {}, without('xsaves'), '#UD'], ['XRSTORS not reported', XRSTORS, {}, without('xsaves'), '#UD'],
      ['XSAVES no OSXSAVE', XSAVES, { cr4: CR4 }, MODEL_FEATURES, '#UD'], ['XSAVES no OSXSAVE, CPL 3', XSAVES, { cr4: CR4, cpl: 3 }, MODEL_FEATURES, '#UD'],
      ['XRSTORS TS', XRSTORS, { cr0: CR0 | CR0_TS }, MODEL_FEATURES, '#NM'], ['XSAVES TS, CPL 3', XSAVES, { cr0: CR0 | CR0_TS, cpl: 3 }, MODEL_FEATURES, '#NM'],
      ['XSAVES +32', XSAVES, { regs: { [RBX]: BigInt(AREA + 32) } }, MODEL_FEATURES, '#GP(0)'],
      ['XRSTORS page fault', XRSTORS, { regs: { [RBX]: BigInt(AREA + 0x2000 - 64) } }, MODEL_FEATURES, '#PF(0)'],
      ['XSAVES page fault', XSAVES, { regs: { [RBX]: BigInt(AREA + 0x2000 - 64) } }, MODEL_FEATURES, '#PF(2)'],
      ['F3 XSAVES', [0xf3, ...XSAVES], {}, MODEL_FEATURES, '#UD'], ['66 XRSTORS', [0x66, ...XRSTORS], {}, MODEL_FEATURES, '#UD'],
      ['F2 XSAVES', [0xf2, ...XSAVES], {}, MODEL_FEATURES, '#UD'],
    ];
    for (const [name, code, o, features, want] of cases) {
      const m = new Machine(features);
      const res = m.run(code, { path, cr4: CR4_X, ...o, regs: { ...regs(3), ...o.regs } });
      expect(`${name}: ${outcome(res)}`).toBe(`${name}: ${want}`);
      // the area across a page boundary, as XSAVEC and XRSTOR on the AMD host: the save form's CR2 is the last byte, the restore form's the header
      if (want === '#PF(2)') expect(`${name}: ${res.cr2}`).toBe(`${name}: ${AREA + 0x2000 - 64 + 575}`);
      if (want === '#PF(0)') expect(`${name}: ${res.cr2}`).toBe(`${name}: ${AREA + 0x2000 - 64 + 512}`);
      if (want !== 'ok') expect(`${name}: ${m.cpu.rip}`).toBe(`${name}: ${0x400000}`);
    }
  });

  it('CPUID leaf 0DH subleaf 1 reports XSAVES (EAX bit 3) and EBX 576 with XSAVES alone; ECX = EDX = 0 (no IA32_XSS bit)', () => {
    const leaf = (features: ReadonlySet<FeatureName>) => {
      const m = new Machine(features);
      expect(run(CPUID, { regs: { [RAX]: 0xdn, [RCX]: 1n } }, m).r).toBe('ok');
      return [RAX, RBX, RCX, RDX].map((r) => Number(reg(m, r)));
    };
    expect(leaf(MODEL_FEATURES)).toEqual([0xf, 576, 0, 0]);
    expect(leaf(new Set([...MODEL_FEATURES].filter((f) => f !== 'xsavec')))).toEqual([0xd, 576, 0, 0]);
    expect(leaf(without('xsaves'))).toEqual([7, 576, 0, 0]);
  });
});
