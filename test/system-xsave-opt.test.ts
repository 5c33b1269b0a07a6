// XINUSE (XGETBV with ECX = 1), XSAVEOPT, XSAVEC, XRSTOR of a compacted area, CPUID leaf 0DH subleaf 1
// (SDM Vol. 1 §13.6, §13.8.2, §13.9, §13.10; Vol. 2 XGETBV, XSAVEOPT, XSAVEC, XRSTOR, CPUID).
// Expected values come from the manuals and from the AMD host (which bytes each form writes, when a
// component counts as in use: measured with XGETBV(1) and XSAVEC natively), never from src/.
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import { MODEL_FEATURES } from '../src/cpu/cpuid.js';
import type { FeatureName } from '../src/isa/features.js';
import type { RunOptions } from './helpers/machine.js';
import { Machine, DATA_LIN, RAX, RBX, RCX, RDX, outcome, phys } from './helpers/system.js';

const CR4 = 0x620, OSXSAVE = 1 << 18, CR4_X = CR4 | OSXSAVE, CR0 = 0x80010033, CR0_TS = 1 << 3;
const XGETBV = [0x0f, 0x01, 0xd0], XSETBV = [0x0f, 0x01, 0xd1], CPUID = [0x0f, 0xa2];
const XSAVE64 = [0x48, 0x0f, 0xae, 0x23];                                    // [rbx]
const XSAVEOPT = [0x0f, 0xae, 0x33], XSAVEOPT64 = [0x48, 0x0f, 0xae, 0x33];  // [rbx]
const XSAVEC = [0x0f, 0xc7, 0x23], XSAVEC64 = [0x48, 0x0f, 0xc7, 0x23];      // [rbx]
const XRSTOR = [0x0f, 0xae, 0x2b], XRSTOR64 = [0x48, 0x0f, 0xae, 0x2b];      // [rbx]
const FXSAVE64_RSI = [0x48, 0x0f, 0xae, 0x06];
const FLD1 = [0xd9, 0xe8], FSTP0 = [0xdd, 0xd8], FNINIT = [0xdb, 0xe3], FLDZ = [0xd9, 0xee], FCHS = [0xd9, 0xe0];
const PXOR0 = [0x66, 0x0f, 0xef, 0xc0], PCMPEQB1 = [0x66, 0x0f, 0x74, 0xc9], XORPS3 = [0x0f, 0x57, 0xdb];
/** FLDCW / LDMXCSR from [rbx + 0x800] (the caller stores the value there). */
const FLDCW = [0xd9, 0xab, 0x00, 0x08, 0x00, 0x00], LDMXCSR = [0x0f, 0xae, 0x93, 0x00, 0x08, 0x00, 0x00];
const AREA = DATA_LIN; // 64-byte aligned, 0x2000 bytes mapped
const FILL = 0xaaaaaaaaaaaaaaaan, C63 = 1n << 63n;

describe.each(EXECUTION_PATHS)('XINUSE, XSAVEOPT, XSAVEC, compacted XRSTOR (%s path)', (path) => {
  const run = (code: number[], o: RunOptions = {}, m = new Machine(MODEL_FEATURES)) =>
    ({ m, r: outcome(m.run(code, { path, cr4: CR4_X, ...o })) });
  const reg = (m: Machine, r: number) => BigInt.asUintN(64, m.cpu.getReg64(r));
  const bytes = (m: Machine, lin: number, n: number) => Array.from({ length: n }, (_, k) => m.mem.u8[phys(m, lin + k)]!);
  const fill = (m: Machine, lin: number, n: number, b: number) => { for (let k = 0; k < n; k++) m.mem.u8[phys(m, lin + k)] = b; };
  const put64 = (m: Machine, lin: number, v: bigint) => m.mem.write64(phys(m, lin), BigInt.asUintN(64, v));
  const get64 = (m: Machine, lin: number) => m.mem.read64(phys(m, lin));
  const regs = (rax: number) => ({ [RAX]: BigInt(rax), [RDX]: 0n, [RBX]: BigInt(AREA) });

  /**
   * A machine with XCR0 = `xcr0` whose x87 and SSE state is in its initial configuration: XRSTOR of an
   * area with XSTATE_BV = 0 (MXCSR 1F80H in the image: the standard form loads it), then `code`.
   */
  const fromInit = (code: number[], xcr0 = 3, value = 0) => {
    const m = new Machine(MODEL_FEATURES);
    expect(run(XSETBV, { regs: { [RAX]: BigInt(xcr0), [RCX]: 0n } }, m).r).toBe('ok');
    fill(m, AREA, 0x900, 0);
    m.mem.write32(phys(m, AREA + 24), 0x1f80);
    m.mem.write32(phys(m, AREA + 0x800), value);
    m.cpu.xmm.u8.fill(0x33); m.cpu.mxcsr = 0x1fc0; // in use before the XRSTOR
    expect(run([...XRSTOR64, ...code], { regs: regs(3) }, m).r).toBe('ok');
    return m;
  };
  const xinuse = (m: Machine) => {
    expect(run(XGETBV, { regs: { [RCX]: 1n, [RDX]: -1n } }, m).r).toBe('ok');
    expect(reg(m, RDX)).toBe(0n);
    return Number(reg(m, RAX));
  };

  it('XGETBV ECX=1: XINUSE & XCR0, a component in use exactly when it is not in its initial configuration (as the AMD host)', () => {
    const cases: [string, number[], number, number, number][] = [
      // name, code after the XRSTOR-init, value at [rbx+0x800], XCR0, XGETBV(1)
      ['initial configuration', [], 0, 3, 0],
      ['FNINIT', FNINIT, 0, 3, 0],
      ['FLD1: ST0 valid, TOP 7', FLD1, 0, 3, 1],
      ['FLD1, FSTP: R7 still holds 1.0', [...FLD1, ...FSTP0], 0, 3, 1],
      ['FLD1, FSTP, FNINIT: FNINIT keeps R0-R7', [...FLD1, ...FSTP0, ...FNINIT], 0, 3, 1],
      ['FLDZ, FSTP: +0 in R7, all empty again, but a register was written', [...FLDZ, ...FSTP0], 0, 3, 1],
      ['FLDZ, FSTP, FNCLEX', [...FLDZ, ...FSTP0, 0xdb, 0xe2], 0, 3, 0],
      ['FLDZ, FSTP, FNINIT', [...FLDZ, ...FSTP0, ...FNINIT], 0, 3, 0],
      ['FLDZ, FSTP, FLDCW 037FH', [...FLDZ, ...FSTP0, ...FLDCW], 0x37f, 3, 1],
      ['FNOP (pointers do not count)', [0xd9, 0xd0], 0, 3, 0],
      ['FDECSTP, FINCSTP', [0xd9, 0xf6, 0xd9, 0xf7], 0, 3, 0],
      ['FLDZ, FCHS, FSTP: -0 in R7', [...FLDZ, ...FCHS, ...FSTP0], 0, 3, 1],
      ['FLDCW 037FH', FLDCW, 0x37f, 3, 0],
      ['FLDCW 027FH', FLDCW, 0x27f, 3, 1],
      ['LDMXCSR 1F80H', LDMXCSR, 0x1f80, 3, 0],
      ['LDMXCSR 1F81H', LDMXCSR, 0x1f81, 3, 2],
      ['LDMXCSR 1FC0H (DAZ)', LDMXCSR, 0x1fc0, 3, 2],
      ['PXOR xmm0, xmm0', PXOR0, 0, 3, 0],
      ['XORPS xmm3, xmm3', XORPS3, 0, 3, 0],
      ['PCMPEQB xmm1, xmm1', PCMPEQB1, 0, 3, 2],
      ['PCMPEQB, then PXOR xmm1 back to 0', [...PCMPEQB1, 0x66, 0x0f, 0xef, 0xc9], 0, 3, 0],
      ['both in use', [...FLD1, ...PCMPEQB1], 0, 3, 3],
      ['both in use, XCR0 = x87', [...FLD1, ...PCMPEQB1], 0, 1, 1],
      ['SSE in use, XCR0 = x87', PCMPEQB1, 0, 1, 0],
    ];
    for (const [name, code, value, xcr0, want] of cases) {
      const m = fromInit([], 3, value);
      expect(`${name}: ${run([...code], { regs: regs(3) }, m).r}`).toBe(`${name}: ok`);
      if (xcr0 !== 3) expect(run(XSETBV, { regs: { [RAX]: BigInt(xcr0), [RCX]: 0n, [RDX]: 0n } }, m).r).toBe('ok');
      expect(`${name}: ${xinuse(m)}`).toBe(`${name}: ${want}`);
    }
    // the XINUSE the state changes set for the registers themselves (no instruction): XMM15, MXCSR, FSW
    const m = fromInit([]);
    m.cpu.xmm.u8[15 * 32 + 15] = 1;
    expect(xinuse(m)).toBe(2);
  });

  it('XGETBV ECX=1 is #GP(0) on a vCPU that does not report it (CPUID.(EAX=0DH,ECX=1):EAX[2])', () => {
    const m = new Machine(new Set([...MODEL_FEATURES].filter((f) => f !== 'xgetbv1')));
    expect(run(XGETBV, { regs: { [RCX]: 1n } }, m).r).toBe('#GP(0)');
    expect(run(XGETBV, { regs: { [RCX]: 0n } }, m).r).toBe('ok');
  });

  /** The state kinds of the save tests: which components are in use. */
  const STATES: [string, number[], number, number][] = [
    ['none in use', [], 0, 0],
    ['x87 in use (FLD1)', FLD1, 0, 1],
    ['SSE in use (MXCSR 1FC0H only)', LDMXCSR, 0x1fc0, 2],
    ['both in use', [...FLD1, ...PCMPEQB1, ...LDMXCSR], 0x1f81, 3],
  ];
  /** The reference legacy region: FXSAVE64 (or FXSAVE) of the machine's state (its layout is tested elsewhere). */
  const reference = (m: Machine, wide: boolean) => {
    const ref = new Machine(MODEL_FEATURES);
    ref.cpu.xmm.u8.set(m.cpu.xmm.u8); ref.cpu.mxcsr = m.cpu.mxcsr;
    const x = m.cpu.x87, y = ref.cpu.x87;
    y.lo.set(x.lo); y.hi.set(x.hi); y.se.set(x.se); y.top = x.top; y.cw = x.cw; y.sw = x.sw; y.valid = x.valid;
    expect(run(wide ? FXSAVE64_RSI : FXSAVE64_RSI.slice(1), { regs: { [6]: BigInt(AREA) } }, ref).r).toBe('ok');
    return bytes(ref, AREA, 512);
  };
  const X87 = (k: number) => k < 24 || (k >= 32 && k < 160), MX = (k: number) => k >= 24 && k < 32, XMM = (k: number) => k >= 160 && k < 416;

  it('XSAVEC: writes a requested component only when in use (x87 0-23, 32-159; SSE: MXCSR 24-31 and XMM 160-415), XSTATE_BV = RFBM & XINUSE, XCOMP_BV = 2^63 | RFBM; 416-511 and header 16-63 untouched', () => {
    for (const wide of [true, false]) {
      for (const [sname, code, value, used] of STATES) {
        for (const rfbm of [0, 1, 2, 3]) {
          const name = `${wide ? 'XSAVEC64' : 'XSAVEC'} ${sname} RFBM=${rfbm}`;
          const m = fromInit(code, 3, value);
          const want = reference(m, wide);
          fill(m, AREA, 0x240, 0xaa);
          expect(`${name}: ${run(wide ? XSAVEC64 : XSAVEC, { regs: regs(rfbm | 0xfff0) }, m).r}`).toBe(`${name}: ok`);
          const got = bytes(m, AREA, 0x240), save = rfbm & used;
          for (let k = 0; k < 512; k++) {
            const written = (X87(k) && (save & 1) !== 0) || ((MX(k) || XMM(k)) && (save & 2) !== 0);
            expect(`${name} byte ${k}: ${got[k]}`).toBe(`${name} byte ${k}: ${written ? want[k] : 0xaa}`);
          }
          expect(`${name}: ${get64(m, AREA + 512)} ${get64(m, AREA + 520).toString(16)}`).toBe(`${name}: ${save} ${(C63 | BigInt(rfbm)).toString(16)}`);
          expect(`${name}: ${got.slice(528).every((b) => b === 0xaa)}`).toBe(`${name}: true`);
        }
      }
    }
  });

  it('XSAVEOPT: x87 and XMM only when requested and in use, MXCSR/MXCSR_MASK whenever RFBM[1]; XSTATE_BV = (old & ~RFBM) | (XINUSE & RFBM); XCOMP_BV untouched', () => {
    for (const wide of [true, false]) {
      for (const [sname, code, value, used] of STATES) {
        for (const rfbm of [0, 1, 2, 3]) {
          const name = `${wide ? 'XSAVEOPT64' : 'XSAVEOPT'} ${sname} RFBM=${rfbm}`;
          const m = fromInit(code, 3, value);
          const want = reference(m, wide);
          fill(m, AREA, 0x240, 0xaa);
          expect(`${name}: ${run(wide ? XSAVEOPT64 : XSAVEOPT, { regs: regs(rfbm | 0xfff0) }, m).r}`).toBe(`${name}: ok`);
          const got = bytes(m, AREA, 0x240), save = rfbm & used;
          for (let k = 0; k < 512; k++) {
            const written = (X87(k) && (save & 1) !== 0) || (MX(k) && (rfbm & 2) !== 0) || (XMM(k) && (save & 2) !== 0);
            expect(`${name} byte ${k}: ${got[k]}`).toBe(`${name} byte ${k}: ${written ? want[k] : 0xaa}`);
          }
          expect(`${name}: ${get64(m, AREA + 512).toString(16)}`).toBe(`${name}: ${((FILL & ~BigInt(rfbm)) | BigInt(save)).toString(16)}`);
          expect(`${name}: ${got.slice(520).every((b) => b === 0xaa)}`).toBe(`${name}: true`);
        }
      }
    }
  });

  it('XSAVE writes every requested component, in use or not, and XSTATE_BV = (old & ~RFBM) | (XINUSE & RFBM)', () => {
    for (const [sname, code, value, used] of STATES) {
      const m = fromInit(code, 3, value);
      const want = reference(m, true);
      fill(m, AREA, 0x240, 0xaa);
      expect(run(XSAVE64, { regs: regs(3) }, m).r).toBe('ok');
      expect(`${sname}: ${bytes(m, AREA, 416).join()}`).toBe(`${sname}: ${want.slice(0, 416).join()}`);
      expect(`${sname}: ${get64(m, AREA + 512).toString(16)}`).toBe(`${sname}: ${((FILL & ~3n) | BigInt(used)).toString(16)}`);
    }
  });

  it('XSAVEC then XRSTOR (compacted) restores the state, both layouts; components not saved are initialised', () => {
    for (const [save, rstor] of [[XSAVEC64, XRSTOR64], [XSAVEC, XRSTOR]] as const) {
      const m = fromInit([...FLD1, ...FLD1, ...PCMPEQB1, ...LDMXCSR], 3, 0x3f80);
      fill(m, AREA, 0x240, 0);
      expect(run(save, { regs: regs(3) }, m).r).toBe('ok');
      const x = m.cpu.x87, before = [x.cw, x.status(), x.valid, Array.from(x.lo).join(), m.cpu.mxcsr, m.cpu.xmm.u8[32]];
      expect(before.slice(0, 3)).toEqual([0x37f, 0x3000, 0xc0]);
      expect(run([...FNINIT, ...FLDZ, ...PXOR0, 0x66, 0x0f, 0xef, 0xc9, ...rstor], { regs: regs(3) }, m).r).toBe('ok');
      expect([x.cw, x.status(), x.valid, Array.from(x.lo).join(), m.cpu.mxcsr, m.cpu.xmm.u8[32]]).toEqual(before);
      // saved with RFBM = 1 (SSE not saved, XCOMP_BV = 2^63 | 1): restoring RFBM = 3 initialises SSE, MXCSR = 1F80H
      expect(run(save, { regs: regs(1) }, m).r).toBe('ok');
      expect(run(rstor, { regs: regs(3) }, m).r).toBe('ok');
      expect([m.cpu.mxcsr, m.cpu.xmm.u8[32], x.valid]).toEqual([0x1f80, 0, 0xc0]);
    }
  });

  it('XRSTOR compacted: checks (#GP(0), nothing changed) and which components load, init, or stay (as the AMD host)', () => {
    const cases: [string, bigint, bigint, number, number, number, string, number?, number?][] = [
      // name, XSTATE_BV, XCOMP_BV, header byte set (0: none), MXCSR image, RFBM, outcome, MXCSR after, x87 valid after
      ['XSTATE_BV 3', 3n, C63 | 3n, 0, 0x1fc0, 3, 'ok', 0x1fc0, 0x00],
      ['XSTATE_BV 0: init, MXCSR 1F80H', 0n, C63 | 3n, 0, 0x1fc0, 3, 'ok', 0x1f80, 0x00],
      ['XSTATE_BV 0, reserved MXCSR bit: not checked', 0n, C63 | 3n, 0, 0x10000, 3, 'ok', 0x1f80, 0x00],
      ['XSTATE_BV 2, reserved MXCSR bit', 2n, C63 | 3n, 0, 0x10000, 3, '#GP(0)'],
      ['XSTATE_BV 2, RFBM 1: SSE and MXCSR stay', 2n, C63 | 3n, 0, 0x1fc0, 1, 'ok', 0x1f81, 0x00],
      ['XSTATE_BV 0, RFBM 1: MXCSR stays', 0n, C63 | 3n, 0, 0x1fc0, 1, 'ok', 0x1f81, 0x00],
      ['RFBM 0: nothing changes', 3n, C63 | 3n, 0, 0x1fc0, 0, 'ok', 0x1f81, 0x80],
      ['XCOMP_BV = 2^63 only', 0n, C63, 0, 0x1fc0, 3, 'ok', 0x1f80, 0x00],
      ['XSTATE_BV bit outside XCOMP_BV', 2n, C63 | 1n, 0, 0x1fc0, 3, '#GP(0)'],
      ['XSTATE_BV bit 63', C63, C63 | 3n, 0, 0x1fc0, 3, '#GP(0)'],
      ['XCOMP_BV bit 2 (not in XCR0)', 0n, C63 | 7n, 0, 0x1fc0, 3, '#GP(0)'],
      ['XCOMP_BV bit 62', 0n, C63 | (1n << 62n) | 3n, 0, 0x1fc0, 3, '#GP(0)'],
      ['header byte 16', 0n, C63 | 3n, 16, 0x1fc0, 3, '#GP(0)'],
      ['header byte 56', 0n, C63 | 3n, 56, 0x1fc0, 3, '#GP(0)'],
      ['header byte 63', 0n, C63 | 3n, 63, 0x1fc0, 3, '#GP(0)'],
    ];
    for (const [name, bv, comp, hb, mx, rfbm, want, mxAfter, validAfter] of cases) {
      const m = fromInit([...FLD1, ...LDMXCSR], 3, 0x1f81);
      fill(m, AREA, 576, 0);
      m.mem.write16(phys(m, AREA), 0x37f);
      m.mem.write32(phys(m, AREA + 24), mx);
      m.mem.u8[phys(m, AREA + 160)] = 7;
      put64(m, AREA + 512, bv); put64(m, AREA + 520, comp);
      if (hb) m.mem.u8[phys(m, AREA + 512 + hb)] = 1;
      const { r } = run(XRSTOR64, { regs: regs(rfbm) }, m);
      expect(`${name}: ${r}`).toBe(`${name}: ${want}`);
      const sse = want === 'ok' && (rfbm & 2) !== 0 ? ((bv & 2n) ? 7 : 0) : 0;
      if (want !== 'ok') expect(`${name}: ${m.cpu.mxcsr} ${m.cpu.x87.valid}`).toBe(`${name}: ${0x1f81} ${0x80}`);
      else expect(`${name}: ${m.cpu.mxcsr.toString(16)} ${m.cpu.x87.valid} ${m.cpu.xmm.u8[0]}`).toBe(`${name}: ${mxAfter!.toString(16)} ${validAfter} ${sse}`);
    }
    // a vCPU without XSAVEC: the compacted form is #GP(0)
    const m = new Machine(new Set([...MODEL_FEATURES].filter((f) => f !== 'xsavec')));
    expect(run(XSETBV, { regs: { [RAX]: 3n, [RCX]: 0n, [RDX]: 0n } }, m).r).toBe('ok');
    fill(m, AREA, 576, 0); m.mem.write32(phys(m, AREA + 24), 0x1f80); put64(m, AREA + 520, C63 | 3n);
    expect(run(XRSTOR64, { regs: regs(3) }, m).r).toBe('#GP(0)');
  });

  it('XSAVEOPT, XSAVEC: #UD unless reported and CR4.OSXSAVE, #NM with CR0.TS, #GP(0) unless 64-byte aligned, #PF on the area; F2/F3 (and 66 on XSAVEC) #UD', () => {
    const without = (f: FeatureName) => new Set([...MODEL_FEATURES].filter((x) => x !== f));
    const cases: [string, number[], RunOptions, ReadonlySet<FeatureName>, string][] = [
      ['XSAVEOPT', XSAVEOPT64, {}, MODEL_FEATURES, 'ok'], ['XSAVEC', XSAVEC64, {}, MODEL_FEATURES, 'ok'],
      ['XSAVEOPT not reported', XSAVEOPT64, {}, without('xsaveopt'), '#UD'],
      ['XSAVEC not reported', XSAVEC64, {}, without('xsavec'), '#UD'],
      ['XSAVEOPT no OSXSAVE', XSAVEOPT, { cr4: CR4 }, MODEL_FEATURES, '#UD'], ['XSAVEC no OSXSAVE', XSAVEC, { cr4: CR4 }, MODEL_FEATURES, '#UD'],
      ['XSAVEOPT TS', XSAVEOPT, { cr0: CR0 | CR0_TS }, MODEL_FEATURES, '#NM'], ['XSAVEC TS', XSAVEC, { cr0: CR0 | CR0_TS }, MODEL_FEATURES, '#NM'],
      ['XSAVEOPT +32', XSAVEOPT, { regs: { [RBX]: BigInt(AREA + 32) } }, MODEL_FEATURES, '#GP(0)'],
      ['XSAVEC +16', XSAVEC, { regs: { [RBX]: BigInt(AREA + 16) } }, MODEL_FEATURES, '#GP(0)'],
      ['XSAVEC page fault', XSAVEC, { regs: { [RBX]: BigInt(AREA + 0x2000 - 64) } }, MODEL_FEATURES, '#PF(2)'],
      ['XSAVEOPT CPL 3', XSAVEOPT, { cpl: 3 }, MODEL_FEATURES, 'ok'],
      ['F3 XSAVEOPT', [0xf3, ...XSAVEOPT], {}, MODEL_FEATURES, '#UD'], ['F2 XSAVEOPT', [0xf2, ...XSAVEOPT], {}, MODEL_FEATURES, '#UD'],
      ['66 XSAVEC', [0x66, ...XSAVEC], {}, MODEL_FEATURES, '#UD'], ['F3 XSAVEC', [0xf3, ...XSAVEC], {}, MODEL_FEATURES, '#UD'],
      ['XSAVEC register form', [0x0f, 0xc7, 0xe3], {}, MODEL_FEATURES, '#UD'],
    ];
    for (const [name, code, o, features, want] of cases) {
      const m = new Machine(features);
      const res = m.run(code, { path, cr4: CR4_X, ...o, regs: { ...regs(3), ...o.regs } });
      expect(`${name}: ${outcome(res)}`).toBe(`${name}: ${want}`);
      if (want === '#PF(2)') expect(res.cr2).toBe(AREA + 0x2000 - 64 + 575); // the area's last byte (AMD host)
      if (want !== 'ok') expect(`${name}: ${m.cpu.rip}`).toBe(`${name}: ${0x400000}`);
    }
  });

  it('CPUID leaf 0DH subleaf 1: EAX = XSAVEOPT | XSAVEC | XGETBV(1) as reported, EBX = 576 with a compacted form (XSAVEC or XSAVES), ECX = EDX = 0', () => {
    const leaf = (features: ReadonlySet<FeatureName>) => {
      const m = new Machine(features);
      expect(run(CPUID, { regs: { [RAX]: 0xdn, [RCX]: 1n } }, m).r).toBe('ok');
      return [RAX, RBX, RCX, RDX].map((r) => Number(reg(m, r)));
    };
    const all = leaf(MODEL_FEATURES);
    expect(all[0]! & 7).toBe(7);
    expect(all.slice(1)).toEqual([576, 0, 0]);
    expect(leaf(new Set([...MODEL_FEATURES].filter((f) => f !== 'xsavec' && f !== 'xsaves')))).toEqual([all[0]! & ~0xa, 0, 0, 0]);
    expect(leaf(new Set([...MODEL_FEATURES].filter((f) => f !== 'xsaveopt' && f !== 'xgetbv1')))).toEqual([all[0]! & ~5, 576, 0, 0]);
  });
});
