// The fast system calls in IA-32e mode, per vendor (SDM Vol. 2B SYSCALL,
// SYSRET, SYSENTER, SYSEXIT; APM Vol. 3 the same, APM Vol. 2 §6.1.1): SYSRET
// to compatibility mode, SYSRET with a non-canonical RCX (Intel #GP(0) at CPL
// 0, AMD #GP(0) at CPL 3 at that RIP), SYSENTER/SYSEXIT (Intel: valid; AMD:
// #UD in long mode), with exact CS, SS, RSP, RIP, RFLAGS and fault frames.
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import type { CpuVendor } from '../src/arch/vendor.js';
import type { RunOptions } from './helpers/machine.js';
import {
  Machine, CODE, HANDLER, RCX, RDX, RSP, R11, SEG_CS, SEG_SS, frame, outcome, program, setGate, setTss,
} from './helpers/system.js';

const STAR = 0xc0000081, SYSENTER_CS = 0x174, SYSENTER_ESP = 0x175, SYSENTER_EIP = 0x176;
const RSP0 = 0x801808, STACK = 0x801f00;
const reg = (m: Machine, r: number) => BigInt.asUintN(64, m.cpu.getReg64(r));
const SYSRETQ = [0x48, 0x0f, 0x07], SYSRETL = [0x0f, 0x07], SYSENTER = [0x0f, 0x34], SYSEXITQ = [0x48, 0x0f, 0x35], SYSEXITL = [0x0f, 0x35];
// RFLAGS bits (SDM Vol. 1 §3.4.3).
const CF = 0x1, IF = 0x200, DF = 0x400, RF = 0x10000, VM = 0x20000;

function machine(vendor: CpuVendor): Machine {
  const m = new Machine(undefined, vendor);
  m.cpu.msrs.set(STAR, 0x0018000800000000n);
  setTss(m, { rsp: [RSP0] });
  return m;
}

describe.each(EXECUTION_PATHS)('SYSCALL family (%s path)', (path) => {
  const run = (m: Machine, code: number[], o: RunOptions = {}) => outcome(m.run(code, { path, ...o }));

  describe('SYSRET with a non-canonical RCX', () => {
    const BAD = 0x800000000000;
    it('intel: #GP(0) at CPL 0, nothing loaded, the frame holds the SYSRET (SDM SYSRET: "IF RCX is not canonical THEN #GP(0)")', () => {
      const m = machine('intel');
      setGate(m, 13);
      expect(run(m, program(SYSRETQ), { regs: { [RCX]: BigInt(BAD), [R11]: 0x202n } })).toBe('halt');
      expect(frame(m, 6)).toEqual([0n, BigInt(CODE), 0x08n, 0x10002n, BigInt(STACK), 0x0n]); // RF = 1: a fault
      expect([m.cpu.cpl, m.cpu.segSel[SEG_CS]]).toEqual([0, 0x08]);
    });
    it('amd: returns to CPL 3 (CS 0x2b, SS 0x23, RFLAGS = R11), the fetch at the non-canonical RIP takes #GP(0) there', () => {
      const m = machine('amd');
      setGate(m, 13);
      expect(run(m, program(SYSRETQ), { regs: { [RCX]: BigInt(BAD), [R11]: 0x2c3n } })).toBe('halt');
      // Delivered from CPL 3: RSP0, frame error code, RIP, CS, RFLAGS, RSP, SS.
      expect(Number(m.cpu.getReg64(RSP))).toBe(RSP0 - 8 - 48);
      expect(frame(m, 6)).toEqual([0n, BigInt(BAD), 0x2bn, 0x102c3n, BigInt(STACK), 0x23n]); // RF = 1: a fault
    });
    it('amd: a non-canonical RIP beyond 2^53 (NONCANONICAL 0xaaaaaaaaaaaaaaaa, 2^63) is pushed exactly; intel: #GP(0) at CPL 0', () => {
      for (const bad of [0xaaaaaaaaaaaaaaaan, 0x8000000000000000n, 0xffff7fffffffffffn]) {
        const amd = machine('amd');
        setGate(amd, 13);
        expect(run(amd, program(SYSRETQ), { regs: { [RCX]: bad, [R11]: 0x202n } })).toBe('halt');
        expect(frame(amd, 6)).toEqual([0n, bad, 0x2bn, 0x10202n, BigInt(STACK), 0x23n]);
        const intercepted = machine('amd');
        const r = intercepted.run(SYSRETQ, { path, regs: { [RCX]: bad } });
        expect([outcome(r), intercepted.cpu.cpl, intercepted.cpu.ripBig()]).toEqual(['#GP(0)', 3, bad]);
      }
      expect(run(machine('intel'), SYSRETQ, { regs: { [RCX]: 0x8000000000000000n } })).toBe('#GP(0)');
    });
    it('both: the highest canonical address is no fault', () => {
      for (const v of ['amd', 'intel'] as const) {
        const m = machine(v);
        setGate(m, 14);
        expect(run(m, program(SYSRETQ), { regs: { [RCX]: 0x7ffffffffff0n } }), v).toBe('halt'); // #PF: not mapped
        expect(m.cpu.cr2, v).toBe(0x7ffffffffff0);
      }
    });
  });

  it('SYSRET without REX.W: CS = STAR[63:48] | 3 with L = 0, D = 1 (compatibility mode), SS = +8 | 3, EIP = ECX; the INT3 there runs as 32-bit code', () => {
    for (const v of ['amd', 'intel'] as const) {
      const m = machine(v);
      m.cpu.msrs.set(STAR, 0x0020000800000000n);          // STAR[63:48] = 0x20: CS 0x23, SS 0x2b
      const r = m.run(SYSRETL, { path, regs: { [RCX]: 0xdead0000_00401000n, [R11]: BigInt(0x2c3 | RF | VM) } });
      expect([r.outcome, r.vector], v).toEqual(['exception', 3]); // the INT3 filler at EIP, run as 32-bit code
      expect([m.cpu.cpl, m.cpu.segSel[SEG_CS], m.cpu.segSel[SEG_SS], m.cpu.rip], v).toEqual([3, 0x23, 0x2b, 0x401001]); // past the INT3 (a trap)
      expect([m.cpu.segAttr[SEG_CS], m.cpu.segBase[SEG_CS], m.cpu.segLimit[SEG_CS]]).toEqual([0xc0fb, 0, 0xffffffff]);
      expect(m.cpu.getRflags()).toBe(0x2c3);                // RF and VM cleared
    }
  });

  it('CPUID 1 EDX reports SEP (bit 11) on both vendors', () => {
    for (const v of ['amd', 'intel'] as const) {
      const m = machine(v);
      expect(run(m, [0x0f, 0xa2], { regs: { 0: 1n } }), v).toBe('ok');
      expect((Number(reg(m, RDX)) >>> 11) & 1, v).toBe(1);
    }
  });

  describe('SYSENTER', () => {
    it('amd: #UD in long mode (APM Vol. 3 SYSENTER), at any CPL', () => {
      const m = machine('amd');
      m.cpu.msrs.set(SYSENTER_CS, 0x08n);
      expect(run(m, SYSENTER)).toBe('#UD');
      expect(run(m, SYSENTER, { cpl: 3 })).toBe('#UD');
    });
    it('intel: #GP(0) when IA32_SYSENTER_CS[15:2] = 0', () => {
      const m = machine('intel');
      m.cpu.msrs.set(SYSENTER_CS, 0x3n);
      expect(run(m, SYSENTER, { cpl: 3 })).toBe('#GP(0)');
    });
    it('intel: CPL 0, CS = SYSENTER_CS & FFFCh (64-bit), SS = CS + 8, RSP = SYSENTER_ESP, RIP = SYSENTER_EIP; VM, IF, RF cleared', () => {
      const m = machine('intel');
      m.cpu.msrs.set(SYSENTER_CS, 0x0bn);
      m.cpu.msrs.set(SYSENTER_ESP, 0x801800n);
      m.cpu.msrs.set(SYSENTER_EIP, BigInt(HANDLER));
      expect(run(m, program(SYSENTER), { cpl: 3, rflags: 0x2 | IF | DF | CF | RF })).toBe('halt');
      expect([m.cpu.cpl, m.cpu.segSel[SEG_CS], m.cpu.segSel[SEG_SS], m.cpu.rip, reg(m, RSP)]).toEqual([0, 0x08, 0x10, HANDLER + 1, 0x801800n]);
      expect([m.cpu.segAttr[SEG_CS], m.cpu.segAttr[SEG_SS]]).toEqual([0x209b, 0xc093]);
      expect(m.cpu.getRflags()).toBe(0x2 | DF | CF);
      expect(reg(m, RCX)).toBe(0n);                       // nothing saved
    });
  });

  describe('SYSEXIT', () => {
    const exit = (v: CpuVendor, code: number[], regs: Partial<Record<number, bigint>>, o: RunOptions = {}) => {
      const m = machine(v);
      m.cpu.msrs.set(SYSENTER_CS, 0x08n);
      return { m, r: m.run(code, { path, regs, ...o }) };
    };
    it('amd: #UD in long mode, before the CPL check', () => {
      expect(outcome(exit('amd', SYSEXITQ, {}).r)).toBe('#UD');
      expect(outcome(exit('amd', SYSEXITQ, {}, { cpl: 3 }).r)).toBe('#UD');
    });
    it('intel: #GP(0) above CPL 0 and when IA32_SYSENTER_CS[15:2] = 0', () => {
      expect(outcome(exit('intel', SYSEXITQ, {}, { cpl: 3 }).r)).toBe('#GP(0)');
      const m = machine('intel');
      m.cpu.msrs.set(SYSENTER_CS, 0x2n);
      expect(run(m, SYSEXITQ)).toBe('#GP(0)');
    });
    it('intel, REX.W: CS = SYSENTER_CS + 32 | 3 (64-bit), SS = + 40 | 3, RIP = RDX, RSP = RCX, CPL 3; #GP(0) for a non-canonical RDX or RCX', () => {
      const { m, r } = exit('intel', SYSEXITQ, { [RDX]: BigInt(CODE + 0x20), [RCX]: 0x7ffffffff000n });
      expect(r.outcome).toBe('exception');                // #PF at RIP: the code page is user, so an INT3 byte: #BP
      expect([m.cpu.cpl, m.cpu.segSel[SEG_CS], m.cpu.segSel[SEG_SS], reg(m, RSP)]).toEqual([3, 0x2b, 0x33, 0x7ffffffff000n]);
      expect(r.vector).toBe(3);
      expect(m.cpu.rip).toBe(CODE + 0x21);
      expect(outcome(exit('intel', SYSEXITQ, { [RDX]: 0x800000000000n, [RCX]: 0x1000n }).r)).toBe('#GP(0)');
      expect(outcome(exit('intel', SYSEXITQ, { [RDX]: BigInt(CODE + 0x20), [RCX]: -0x800000000001n }).r)).toBe('#GP(0)');
    });
    it('intel, no REX.W: CS = SYSENTER_CS + 16 | 3 (compatibility mode), SS = + 24 | 3, EIP = EDX, ESP = ECX', () => {
      const { m, r } = exit('intel', SYSEXITL, { [RDX]: 0x1234_0040_1000n, [RCX]: 0xffff_0080_1000n });
      expect([r.outcome, r.vector]).toEqual(['exception', 3]); // the INT3 filler at EIP, run as 32-bit code
      expect([m.cpu.cpl, m.cpu.segSel[SEG_CS], m.cpu.segSel[SEG_SS], m.cpu.rip, reg(m, RSP)]).toEqual([3, 0x1b, 0x23, 0x401001, 0x801000n]); // past the INT3 (a trap)
      expect(m.cpu.segAttr[SEG_CS]).toBe(0xc0fb);
    });
  });
});
