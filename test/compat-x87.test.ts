// The x87 unit and MMX in 32-bit code (compatibility mode): memory operands
// are offsets in their segment (base added, the whole operand limit-checked:
// #GP(0) past the limit), FIP is the EIP with FCS the code selector, FDP the
// operand's offset with FDS its segment's selector (SDM Vol. 1 §8.1.8); the
// environment and state-save areas are checked as a whole. Expected values
// worked out by hand.
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import { CODE32_START, DATA32, runCompat } from './helpers/compat.js';
import { RAX, descriptor, outcome, phys } from './helpers/system.js';

const DS = descriptor(DATA32, 0xff, 0x4093);
const f64 = (v: number) => { const b = new Uint8Array(8); new DataView(b.buffer).setFloat64(0, v, true); return [...b]; };

describe.each(EXECUTION_PATHS)('x87 and MMX in 32-bit code (%s path)', (path) => {
  const run = (code: number[], pre: [number, number[]][] = [], regs: Record<number, bigint> = { [RAX]: 0n }) =>
    runCompat(code, { path, ds: 0x38, gdt: { 0x38: DS }, regs, setup: (m) => { for (const [off, bytes] of pre) m.mem.u8.set(bytes, phys(m, DATA32 + off)); } });

  it('DD 40 10 fldl 0x10(%eax); DC 40 18 faddl 0x18(%eax); DD 58 20 fstpl 0x20(%eax): 1.5 + 2.25 = 3.75 through DS.base', () => {
    const { m, r } = run([0xdd, 0x40, 0x10, 0xdc, 0x40, 0x18, 0xdd, 0x58, 0x20], [[0x10, f64(1.5)], [0x18, f64(2.25)]]);
    expect(outcome(r)).toBe('ok');
    expect(new DataView(m.mem.u8.buffer, m.mem.u8.byteOffset + phys(m, DATA32 + 0x20), 8).getFloat64(0, true)).toBe(3.75);
    // The last instruction: FIP = its EIP, FCS = 0x30; FDP = the offset 0x20 (not DATA32 + 0x20), FDS = 0x38.
    expect([m.cpu.x87.fip, m.cpu.x87.fcs, m.cpu.x87.fdp, m.cpu.x87.fds]).toEqual([CODE32_START + 6, 0x30, 0x20, 0x38]);
  });

  it('DD 40 10 fldl 0x10(%eax); D9 FB fsincos; DD 58 20 fstpl; DD 58 28 fstpl: cos 0.5 over sin 0.5, FIP/FOP of FSINCOS', () => {
    // a register-only instruction between: run it alone after the load to see its FIP, FCS and FOP
    const one = run([0xdd, 0x40, 0x10, 0xd9, 0xfb], [[0x10, f64(0.5)]]);
    expect(outcome(one.r)).toBe('ok');
    expect([one.m.cpu.x87.fip, one.m.cpu.x87.fcs, one.m.cpu.x87.fop]).toEqual([CODE32_START + 3, 0x30, 0x1fb]);
    const { m, r } = run([0xdd, 0x40, 0x10, 0xd9, 0xfb, 0xdd, 0x58, 0x20, 0xdd, 0x58, 0x28], [[0x10, f64(0.5)]]);
    expect(outcome(r)).toBe('ok');
    const rd = (off: number) => new DataView(m.mem.u8.buffer, m.mem.u8.byteOffset + phys(m, DATA32 + off), 8).getFloat64(0, true);
    expect([rd(0x20), rd(0x28)]).toEqual([0.8775825618903728, 0.479425538604203]); // cos 0.5, sin 0.5 (to 16 digits)
    expect(m.cpu.x87.valid).toBe(0);
  });

  it('fldl 0xf8(%eax) ends at the limit; 0xf9 passes it → #GP(0), the stack unchanged', () => {
    expect(outcome(run([0xdd, 0x80, 0xf8, 0, 0, 0]).r)).toBe('ok'); // disp32 (a disp8 of 0xf8 would be -8)
    const { m, r } = run([0xdd, 0x80, 0xf9, 0, 0, 0]);
    expect(outcome(r)).toBe('#GP(0)');
    expect([m.cpu.rip, m.cpu.x87.valid]).toEqual([CODE32_START, 0]);
  });

  it('0F FC 40 10 paddb 0x10(%eax),%mm0; 0F 7E C0 movd %mm0,%eax: MMX through DS.base', () => {
    const { m, r } = run([0x0f, 0xfc, 0x40, 0x10, 0x0f, 0x7e, 0xc0], [[0x10, [1, 2, 3, 4, 5, 6, 7, 8]]]);
    expect(outcome(r)).toBe('ok');
    expect(Number(m.cpu.getReg64(RAX))).toBe(0x04030201);
  });

  it('D9 30 fnstenv (%eax): the 28-byte protected-mode environment (FIP = EIP, FCS, FDP = offset, FDS); at 0xe5 it passes the limit → #GP(0)', () => {
    // fldl 0x10(%eax) sets FIP/FDP; then fnstenv 0x40(%eax)
    const { m, r } = run([0xdd, 0x40, 0x10, 0xd9, 0x70, 0x40], [[0x10, f64(1.5)]]);
    expect(outcome(r)).toBe('ok');
    const env = Array.from({ length: 7 }, (_, k) => m.mem.read32(phys(m, DATA32 + 0x40 + 4 * k)) >>> 0);
    expect([env[3], env[4]! & 0xffff, env[5], env[6]! & 0xffff]).toEqual([CODE32_START, 0x30, 0x10, 0x38]);
    expect(outcome(run([0xd9, 0xb0, 0xe5, 0, 0, 0]).r)).toBe('#GP(0)');
    expect(outcome(run([0xd9, 0xb0, 0xe4, 0, 0, 0]).r)).toBe('ok');
  });

  it('0F AE 00 fxsave (%eax) needs all 512 bytes inside DS: a 0x100-byte DS → #GP(0); FNSAVE to a read-only DS → #GP(0)', () => {
    expect(outcome(run([0x0f, 0xae, 0x00]).r)).toBe('#GP(0)');
    const ro = runCompat([0xdd, 0x30], { path, ds: 0x38, gdt: { 0x38: descriptor(DATA32, 0xfff, 0x4091) }, regs: { [RAX]: 0n } });
    expect(outcome(ro.r)).toBe('#GP(0)');
  });
});
