// XCR0, XGETBV, XSETBV, CR4.OSXSAVE, CPUID leaves 1 and 0DH, XSAVE and XRSTOR in the standard format
// (SDM Vol. 1 Chapter 13 §13.3, §13.4, §13.6-13.8; Vol. 2 XGETBV, XSETBV, XSAVE, XRSTOR, CPUID).
// Expected values come from the manuals (layout offsets, init values, fault rules), never from src/.
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import { MODEL_FEATURES } from '../src/cpu/cpuid.js';
import type { FeatureName } from '../src/isa/features.js';
import type { RunOptions } from './helpers/machine.js';
import { Machine, DATA_LIN, RAX, RBX, RCX, RDX, RSP, movImm, movToCr, outcome, phys } from './helpers/system.js';

const CR4 = 0x620, OSXSAVE = 1 << 18, CR4_X = CR4 | OSXSAVE, CR0 = 0x80010033, CR0_TS = 1 << 3;
const WITH: ReadonlySet<FeatureName> = new Set([...MODEL_FEATURES, 'xsave']);
const XGETBV = [0x0f, 0x01, 0xd0], XSETBV = [0x0f, 0x01, 0xd1], CPUID = [0x0f, 0xa2];
const XSAVE = [0x0f, 0xae, 0x23], XSAVE64 = [0x48, 0x0f, 0xae, 0x23];       // [rbx]
const XRSTOR = [0x0f, 0xae, 0x2b], XRSTOR64 = [0x48, 0x0f, 0xae, 0x2b];     // [rbx]
const FXSAVE64_RSI = [0x48, 0x0f, 0xae, 0x06];
const FLD1 = [0xd9, 0xe8], FNINIT = [0xdb, 0xe3];
const AREA = DATA_LIN; // 64-byte aligned, 0x2000 bytes mapped

describe.each(EXECUTION_PATHS)('XSAVE feature set (%s path)', (path) => {
  const run = (code: number[], o: RunOptions = {}, m = new Machine(WITH)) =>
    ({ m, r: outcome(m.run(code, { path, cr4: CR4_X, ...o })) });
  const reg = (m: Machine, r: number) => BigInt.asUintN(64, m.cpu.getReg64(r));
  const bytes = (m: Machine, lin: number, n: number) => Array.from({ length: n }, (_, k) => m.mem.u8[phys(m, lin + k)]!);
  const fill = (m: Machine, lin: number, n: number, b: number) => { for (let k = 0; k < n; k++) m.mem.u8[phys(m, lin + k)] = b; };
  const put64 = (m: Machine, lin: number, v: bigint) => m.mem.write64(phys(m, lin), BigInt.asUintN(64, v));
  const get64 = (m: Machine, lin: number) => m.mem.read64(phys(m, lin));

  it('XGETBV: EDX:EAX ← XCR0 (1 at reset), ECX[31:0] selects the XCR (1: XINUSE, system-xsave-opt.test.ts; 2: #GP(0)); #UD without CR4.OSXSAVE or XSAVE', () => {
    const cases: [string, RunOptions, string, bigint?][] = [
      ['ECX=0', { regs: { [RAX]: -1n, [RDX]: -1n } }, 'ok', 1n],
      ['ECX=0, RCX[63:32] ignored', { regs: { [RCX]: 1n << 32n } }, 'ok', 1n],
      ['CPL 3', { cpl: 3 }, 'ok', 1n],
      ['CR0.TS: no #NM', { cr0: CR0 | CR0_TS }, 'ok', 1n],
      ['ECX=2^32 + 2', { regs: { [RCX]: (1n << 32n) | 2n } }, '#GP(0)'],
      ['ECX=-1', { regs: { [RCX]: 0xffffffffn } }, '#GP(0)'],
      ['ECX=2', { regs: { [RCX]: 2n } }, '#GP(0)'],
      ['no CR4.OSXSAVE', { cr4: CR4 }, '#UD'],
    ];
    for (const [name, o, want, xcr0] of cases) {
      const { m, r } = run(XGETBV, o);
      expect(`${name}: ${r}`).toBe(`${name}: ${want}`);
      if (xcr0 !== undefined) expect(`${name}: ${reg(m, RAX)} ${reg(m, RDX)}`).toBe(`${name}: ${xcr0} 0`);
    }
    expect(run(XGETBV, {}, new Machine(MODEL_FEATURES)).r).toBe(MODEL_FEATURES.has('xsave') ? 'ok' : '#UD');
  });

  it('XSETBV: only 1 (x87) and 3 (x87|SSE) are valid; #GP(0) above CPL 0 or for ECX ≠ 0; #UD without CR4.OSXSAVE', () => {
    const cases: [string, bigint, bigint, bigint, RunOptions, string][] = [
      ['x87', 1n, 0n, 0n, {}, 'ok'], ['x87|SSE', 3n, 0n, 0n, {}, 'ok'],
      ['bit 0 clear', 0n, 0n, 0n, {}, '#GP(0)'], ['SSE without x87', 2n, 0n, 0n, {}, '#GP(0)'],
      ['AVX (unsupported)', 7n, 0n, 0n, {}, '#GP(0)'], ['AVX without SSE', 5n, 0n, 0n, {}, '#GP(0)'],
      ['bit 9 (PKRU, unsupported)', 0x203n, 0n, 0n, {}, '#GP(0)'], ['EDX bit 0', 3n, 1n, 0n, {}, '#GP(0)'],
      ['bit 31', 0x80000003n, 0n, 0n, {}, '#GP(0)'], ['ECX=1', 3n, 0n, 1n, {}, '#GP(0)'],
      ['RAX[63:32] ignored', 3n | (1n << 40n), 0n, 0n, {}, 'ok'],
      ['CPL 3', 3n, 0n, 0n, { cpl: 3 }, '#GP(0)'], ['no OSXSAVE', 3n, 0n, 0n, { cr4: CR4 }, '#UD'],
      ['no OSXSAVE, CPL 3', 3n, 0n, 0n, { cr4: CR4, cpl: 3 }, '#UD'],
    ];
    for (const [name, eax, edx, ecx, o, want] of cases) {
      const { m, r } = run([...XSETBV, ...XGETBV], { regs: { [RAX]: eax, [RDX]: edx, [RCX]: ecx }, ...o });
      expect(`${name}: ${r}`).toBe(`${name}: ${want}`);
      expect(`${name}: ${m.cpu.xcr0}`).toBe(`${name}: ${want === 'ok' ? Number(eax & 0xffffffffn) : 1}`);
      if (want === 'ok') expect(`${name}: ${reg(m, RAX)}`).toBe(`${name}: ${eax & 0xffffffffn}`);
    }
  });

  it('CR4.OSXSAVE is writable with XSAVE reported; CPUID.1:ECX OSXSAVE (bit 27) mirrors it, leaf 0DH reports x87|SSE in 576 bytes', () => {
    const leaf = (m: Machine, l: number, s: number, o: RunOptions = {}) => {
      expect(run(CPUID, { regs: { [RAX]: BigInt(l), [RCX]: BigInt(s) }, ...o }, m).r).toBe('ok');
      return [RAX, RBX, RCX, RDX].map((r) => Number(reg(m, r)));
    };
    const m = new Machine(WITH);
    expect(run([...movImm(RAX, CR4_X), ...movToCr(4)], { cr4: CR4 }, m).r).toBe('ok');
    expect(m.cpu.cr4).toBe(CR4_X);
    expect(run([...movImm(RAX, CR4_X), ...movToCr(4)], { cr4: CR4 }, new Machine(new Set([...MODEL_FEATURES].filter((f) => f !== 'xsave')))).r).toBe('#GP(0)');
    expect(leaf(m, 1, 0, { cr4: CR4 })[2]! & (3 << 26)).toBe(1 << 26);
    expect(leaf(m, 1, 0)[2]! & (3 << 26)).toBe(3 << 26);
    expect(leaf(m, 0, 0)[0]).toBe(0xd);
    expect(leaf(m, 0xd, 0)).toEqual([3, 576, 576, 0]);
    expect(run(XSETBV, { regs: { [RAX]: 3n } }, m).r).toBe('ok');
    expect(leaf(m, 0xd, 0)).toEqual([3, 576, 576, 0]); // SSE lives in the legacy region: same size
    expect(leaf(m, 0xd, 1).slice(1)).toEqual([576, 0, 0]); // subleaf 1: system-xsave-opt.test.ts
    expect(leaf(m, 0xd, 2)).toEqual([0, 0, 0, 0]);     // no AVX component
  });

  /** A machine with XCR0 = `xcr0`, ST0 = 1.0 (FLD1), XMM0-15 and MXCSR set, and the area filled with 0xAA. */
  const prepared = (xcr0: number) => {
    const m = new Machine(WITH);
    expect(run(XSETBV, { regs: { [RAX]: BigInt(xcr0) } }, m).r).toBe('ok');
    for (let k = 0; k < 16 * 32; k++) m.cpu.xmm.u8[k] = (k * 7 + 1) & 0xff;
    m.cpu.mxcsr = 0x1f80 | 0x6000 | 0x1; // RC = toward zero, IE set
    fill(m, AREA, 0x400, 0xaa);
    return m;
  };
  const FILL = 0xaaaaaaaaaaaaaaaan;

  it('XSAVE writes the RFBM components only (x87: bytes 0-23 and 32-159; MXCSR 24-31; XMM 160-415), then XSTATE_BV |= RFBM (both in use here)', () => {
    for (const xcr0 of [1, 3]) {
      for (const mask of [0n, 1n, 2n, 3n, 0xffffffffn]) {
        const m = prepared(xcr0);
        const rfbm = Number(mask) & xcr0;
        const name = `XCR0=${xcr0} EAX=${mask}`;
        expect(`${name}: ${run([...FLD1, ...XSAVE64], { regs: { [RAX]: mask, [RDX]: 0xffffffffn, [RBX]: BigInt(AREA) } }, m).r}`).toBe(`${name}: ok`);
        // The reference: FXSAVE64 of the same state (its layout is tested in system-x87/system-sse).
        const ref = new Machine(WITH);
        ref.cpu.xmm.u8.set(m.cpu.xmm.u8); ref.cpu.mxcsr = m.cpu.mxcsr;
        expect(run([...FLD1, ...FXSAVE64_RSI], { regs: { [6]: BigInt(AREA) } }, ref).r).toBe('ok');
        const want = bytes(ref, AREA, 512);
        const got = bytes(m, AREA, 0x240);
        for (let k = 0; k < 0x240; k++) {
          const x87 = k < 24 || (k >= 32 && k < 160), mx = k >= 24 && k < 32, xmm = k >= 160 && k < 416;
          const written = (x87 && (rfbm & 1) !== 0) || ((mx || xmm) && (rfbm & 2) !== 0);
          if (k >= 512 && k < 520) continue;
          expect(`${name} byte ${k}: ${got[k]}`).toBe(`${name} byte ${k}: ${written ? want[k] : 0xaa}`);
        }
        expect(`${name}: ${get64(m, AREA + 512).toString(16)}`).toBe(`${name}: ${(FILL | BigInt(rfbm)).toString(16)}`);
        if (rfbm & 1) expect(got.slice(32, 42)).toEqual([0, 0, 0, 0, 0, 0, 0, 0x80, 0xff, 0x3f]); // ST0 = 1.0 (80-bit)
        if (rfbm & 2) expect([got[24], got[25], got[28], got[29], got[30]]).toEqual([0x81, 0x7f, 0xff, 0xff, 0]); // MXCSR, MXCSR_MASK
      }
    }
  });

  it('XSAVE / XRSTOR faults: #UD without OSXSAVE, #NM with CR0.TS, #GP(0) unless 64-byte aligned, #GP/#SS(0) non-canonical, #PF on the area', () => {
    const nc = 0x800000000000n;
    const cases: [string, number[], RunOptions, string, number?][] = [
      ['XSAVE no OSXSAVE', XSAVE, { cr4: CR4 }, '#UD'], ['XRSTOR no OSXSAVE', XRSTOR, { cr4: CR4 }, '#UD'],
      ['XSAVE TS', XSAVE, { cr0: CR0 | CR0_TS }, '#NM'], ['XRSTOR TS', XRSTOR, { cr0: CR0 | CR0_TS }, '#NM'],
      ['XSAVE +16', XSAVE, { regs: { [RBX]: BigInt(AREA + 16) } }, '#GP(0)'], ['XSAVE +32', XSAVE, { regs: { [RBX]: BigInt(AREA + 32) } }, '#GP(0)'],
      ['XRSTOR +16', XRSTOR, { regs: { [RBX]: BigInt(AREA + 16) } }, '#GP(0)'], ['XSAVE +64', XSAVE, { regs: { [RBX]: BigInt(AREA + 64) } }, 'ok'],
      ['XSAVE non-canonical', XSAVE, { regs: { [RBX]: nc } }, '#GP(0)'],
      ['XSAVE [rsp] non-canonical', [0x0f, 0xae, 0x24, 0x24], { regs: { [RSP]: nc } }, '#SS(0)'],
      // across a page boundary (AMD host, test/diff/x87-control): XSAVE's CR2 is the area's last byte, XRSTOR's its header
      ['XSAVE page fault', XSAVE, { regs: { [RBX]: BigInt(AREA + 0x2000 - 64) } }, '#PF(2)', AREA + 0x2000 - 64 + 575],
      ['XRSTOR page fault', XRSTOR, { regs: { [RBX]: BigInt(AREA + 0x2000 - 64) } }, '#PF(0)', AREA + 0x2000 - 64 + 512],
      ['XSAVE CPL 3 supervisor page', XSAVE, { cpl: 3, regs: { [RBX]: 0x3f0000n } }, '#PF(6)', 0x3f0000],
    ];
    for (const [name, code, o, want, cr2] of cases) {
      const m = new Machine(WITH);
      const res = m.run(code, { path, cr4: CR4_X, regs: { [RAX]: 3n, [RBX]: BigInt(AREA) }, ...o, ...(o.regs ? { regs: { [RAX]: 3n, [RBX]: BigInt(AREA), ...o.regs } } : {}) });
      expect(`${name}: ${outcome(res)}`).toBe(`${name}: ${want}`);
      if (cr2 !== undefined) expect(`${name}: ${res.cr2}`).toBe(`${name}: ${cr2}`);
      if (want !== 'ok') expect(`${name}: ${m.cpu.rip}`).toBe(`${name}: ${0x400000}`);
    }
  });

  it('XRSTOR round trip, and init of components whose XSTATE_BV bit is 0 (x87: FCW 037FH, FSW 0, empty, ST 0; XMM 0); MXCSR loaded whenever RFBM[1]', () => {
    for (const wide of [false, true]) {
      const m = prepared(3);
      fill(m, AREA + 512, 64, 0); // XSAVE leaves XCOMP_BV and the rest of the header as they were
      const save = wide ? XSAVE64 : XSAVE, rstor = wide ? XRSTOR64 : XRSTOR;
      const regs = { [RAX]: 3n, [RBX]: BigInt(AREA) };
      expect(run([...FLD1, ...save], { regs }, m).r).toBe('ok');
      const xmm = Array.from(m.cpu.xmm.u8.subarray(0, 512)), mxcsr = m.cpu.mxcsr, st0 = [m.cpu.x87.status(), m.cpu.x87.valid];
      // clobber, then restore everything
      m.cpu.xmm.u8.fill(0x55); m.cpu.mxcsr = 0x1f80;
      expect(run([...FNINIT, ...rstor], { regs }, m).r).toBe('ok');
      expect([Array.from(m.cpu.xmm.u8.subarray(0, 512)).filter((_, k) => (k & 31) < 16), m.cpu.mxcsr]).toEqual([xmm.filter((_, k) => (k & 31) < 16), mxcsr]);
      expect([m.cpu.x87.status(), m.cpu.x87.valid, m.cpu.x87.cw]).toEqual([...st0, 0x37f]);
      // XSTATE_BV = 0: both components initialised, MXCSR still loaded from the image (standard form, §13.8.1)
      put64(m, AREA + 512, 0n);
      m.mem.write32(phys(m, AREA + 24), 0x1f00);
      expect(run([...FLD1, ...rstor], { regs }, m).r).toBe('ok');
      expect(m.cpu.x87.cw).toBe(0x37f);
      expect([m.cpu.x87.status(), m.cpu.x87.valid, m.cpu.x87.fop, m.cpu.x87.fip, m.cpu.x87.fdp]).toEqual([0, 0, 0, 0, 0]);
      expect(Array.from(m.cpu.x87.lo).concat(Array.from(m.cpu.x87.hi), Array.from(m.cpu.x87.se)).every((v) => v === 0)).toBe(true);
      expect(Array.from(m.cpu.xmm.u8.subarray(0, 512)).filter((_, k) => (k & 31) < 16).every((v) => v === 0)).toBe(true);
      expect(m.cpu.mxcsr).toBe(0x1f00);
      // RFBM = 1: SSE and MXCSR untouched
      m.cpu.xmm.u8.fill(0x55); m.cpu.mxcsr = 0x1f80;
      expect(run(rstor, { regs: { ...regs, [RAX]: 1n } }, m).r).toBe('ok');
      expect([m.cpu.xmm.u8[0], m.cpu.mxcsr]).toEqual([0x55, 0x1f80]);
    }
  });

  it('XRSTOR header checks: #GP(0) for XSTATE_BV bits outside XCR0, XCOMP_BV ≠ 0 (compacted: XSTATE_BV outside XCOMP_BV), header bytes 16-23, a reserved MXCSR bit; nothing changes', () => {
    const cases: [string, number, number, bigint, bigint, bigint, number, bigint, string][] = [
      // name, XCR0, RFBM, XSTATE_BV, XCOMP_BV, bytes 16-23, MXCSR, bytes 24-31 of header, outcome
      ['valid', 3, 3, 3n, 0n, 0n, 0x1f80, 0n, 'ok'],
      ['XSTATE_BV SSE, XCR0 x87', 1, 3, 2n, 0n, 0n, 0x1f80, 0n, '#GP(0)'],
      ['XSTATE_BV AVX', 3, 3, 4n, 0n, 0n, 0x1f80, 0n, '#GP(0)'],
      ['XSTATE_BV bit 63', 3, 3, 1n << 63n, 0n, 0n, 0x1f80, 0n, '#GP(0)'],
      ['XSTATE_BV outside XCR0, RFBM 0', 1, 0, 2n, 0n, 0n, 0x1f80, 0n, '#GP(0)'],
      ['XCOMP_BV bit 63 (compacted, XSTATE_BV not in XCOMP_BV)', 3, 3, 3n, 1n << 63n, 0n, 0x1f80, 0n, '#GP(0)'],
      ['XCOMP_BV bit 0', 3, 3, 3n, 1n, 0n, 0x1f80, 0n, '#GP(0)'],
      ['header bytes 16-23', 3, 3, 3n, 0n, 1n << 40n, 0x1f80, 0n, '#GP(0)'],
      ['header bytes 24-63 are ignored', 3, 3, 3n, 0n, 0n, 0x1f80, -1n, 'ok'],
      ['MXCSR reserved bit, RFBM[1]', 3, 3, 3n, 0n, 0n, 0x11f80, 0n, '#GP(0)'],
      ['MXCSR reserved bit, XSTATE_BV[1] = 0', 3, 3, 1n, 0n, 0n, 0x11f80, 0n, '#GP(0)'],
      ['MXCSR reserved bit, RFBM = 1', 3, 1, 3n, 0n, 0n, 0x11f80, 0n, 'ok'],
    ];
    for (const [name, xcr0, rfbm, bv, comp, b16, mx, b24, want] of cases) {
      const m = prepared(xcr0);
      fill(m, AREA, 576, 0);
      m.mem.write16(phys(m, AREA), 0x37f);
      m.mem.write32(phys(m, AREA + 24), mx);
      put64(m, AREA + 512, bv); put64(m, AREA + 520, comp); put64(m, AREA + 528, b16); put64(m, AREA + 536, b24);
      const xmm0 = m.cpu.xmm.u8[0], mxcsr = m.cpu.mxcsr;
      const { r } = run([...FLD1, ...XRSTOR], { regs: { [RAX]: BigInt(rfbm), [RBX]: BigInt(AREA) } }, m);
      expect(`${name}: ${r}`).toBe(`${name}: ${want}`);
      if (want !== 'ok') expect(`${name}: ${m.cpu.xmm.u8[0]} ${m.cpu.mxcsr} ${m.cpu.x87.valid}`).toBe(`${name}: ${xmm0} ${mxcsr} ${0x80}`);
    }
  });
});
