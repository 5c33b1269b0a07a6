// SSE floating-point exceptions at the system level (SDM Vol. 1 §11.5, Vol. 3A
// §6.15 "Interrupt 19"): an unmasked exception sets its flag in MXCSR and
// raises #XM with CR4.OSXMMEXCPT = 1, #UD with it clear; RIP stays at the
// instruction and the destination is unchanged; a masked one delivers the
// default result and sets the flag. Every execution path.
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import { ALL_TABLE_FEATURES } from '../src/cpu/cpuid.js';
import { Machine, CODE, outcome } from './helpers/system.js';

const DIVSS = [0xf3, 0x0f, 0x5e, 0xc1]; // divss %xmm1,%xmm0
const ONE = 0x3f800000n, INF = 0x7f800000n;
const CR4 = 0x620, OSXMMEXCPT = 0x400;
const ZE = 0x4, ZM = 0x200;

describe.each(EXECUTION_PATHS)('SSE floating-point exceptions (%s path)', (path) => {
  const run = (mxcsr: number, cr4: number) => {
    const m = new Machine(ALL_TABLE_FEATURES);
    m.cpu.xmm.setXmm128(0, 0x11111111_22222222_33333333_00000000n | ONE);
    m.cpu.xmm.setXmm128(1, 0n);
    m.cpu.mxcsr = mxcsr;
    const r = m.run(DIVSS, { path, cr4 });
    return { m, r };
  };

  it('1.0 / 0.0 with ZE unmasked and CR4.OSXMMEXCPT = 1: #XM, ZE set in MXCSR, XMM0 unchanged, RIP at the DIVSS', () => {
    const { m, r } = run(0x1f80 & ~ZM, CR4);
    expect(outcome(r)).toBe('vector 19');
    expect([m.cpu.mxcsr, m.cpu.rip, m.cpu.xmm.getXmm128(0) & 0xffffffffn]).toEqual([(0x1f80 & ~ZM) | ZE, CODE, ONE]);
  });

  it('the same with CR4.OSXMMEXCPT = 0: #UD (SDM Vol. 3A §6.15), ZE still set', () => {
    const { m, r } = run(0x1f80 & ~ZM, CR4 & ~OSXMMEXCPT);
    expect(outcome(r)).toBe('#UD');
    expect([m.cpu.mxcsr, m.cpu.xmm.getXmm128(0) & 0xffffffffn]).toEqual([(0x1f80 & ~ZM) | ZE, ONE]);
  });

  it('ZE masked: +inf in the low lane, the upper lanes kept, ZE set', () => {
    const { m, r } = run(0x1f80, CR4);
    expect(outcome(r)).toBe('ok');
    expect([m.cpu.mxcsr, m.cpu.xmm.getXmm128(0)]).toEqual([0x1f80 | ZE, 0x11111111_22222222_33333333_00000000n | INF]);
  });
});
