// MONITOR/MWAIT as KVM presents them (src/cpu/exec/monitor.ts): #UD above CPL 0; on the AMD model
// the instruction's own faults (ECX extensions, MONITOR's address) come before the SVM intercept, on
// the Intel model the VM exit comes first; then a NOP, or #UD per KVM's quirks, CPUID and
// IA32_MISC_ENABLE.MWAIT — the sixteen scenarios of upstream monitor_mwait_test, written here as a
// table with the expectation derived from KVM's rule (kvm_emulate_monitor_mwait).
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import { CPU_VENDORS } from '../src/arch/vendor.js';
import { modelCpuid } from '../src/cpu/host-cpuid.js';
import { Machine, DATA_LIN, RAX, RCX, RDX, le32, movImm, outcome, wrmsr } from './helpers/system.js';
import { DATA32, runCompat } from './helpers/compat.js';

const MONITOR = [0x0f, 0x01, 0xc8], MWAIT = [0x0f, 0x01, 0xc9], CPUID = [0x0f, 0xa2];
const MISC_ENABLE = 0x1a0, MISC_RESET = 0x1800n, MISC_MWAIT = 1n << 18n;
const CPUID_MONITOR = 1 << 3;
// The testcase bits of the upstream test.
const MWAIT_QUIRK_DISABLED = 1, MISC_ENABLES_QUIRK_DISABLED = 2, MWAIT_DISABLED = 4, CPUID_DISABLED = 8;

const setRegs = (rax: bigint, rcx: bigint, rdx = 0n) => [...movImm(RAX, rax), ...movImm(RCX, rcx), ...movImm(RDX, rdx)];

for (const path of EXECUTION_PATHS) {
  describe.each(CPU_VENDORS)(`MONITOR/MWAIT (${path} path, %s model)`, (vendor) => {
    // Every scenario: the host disables quirks and sets CPUID.MONITOR, the guest writes MISC_ENABLE.MWAIT,
    // reads CPUID.01H:ECX.MONITOR, then runs MONITOR and MWAIT.
    const scenarios = Array.from({ length: 16 }, (_, t) => t)
      .filter((t) => (t & MISC_ENABLES_QUIRK_DISABLED) || !(t & CPUID_DISABLED) === !(t & MWAIT_DISABLED));
    it.each(scenarios)('scenario %i: #UD exactly when the MWAIT quirk is off and MWAIT disabled; CPUID as the MISC_ENABLE quirk says', (t) => {
      const run = (insn: number[]) => {
        const m = new Machine(undefined, vendor);
        if (t & MWAIT_QUIRK_DISABLED) m.cpu.kvm.mwaitNeverUdFaults = false;
        if (t & MISC_ENABLES_QUIRK_DISABLED) m.cpu.kvm.miscEnableNoMwait = false;
        m.cpu.setCpuid(modelCpuid(m.cpu).map((e) => (e.leaf === 1
          ? { ...e, ecx: t & CPUID_DISABLED ? e.ecx & ~CPUID_MONITOR : e.ecx | CPUID_MONITOR } : e)));
        const misc = t & MWAIT_DISABLED ? MISC_RESET : MISC_RESET | MISC_MWAIT;
        const code = [...wrmsr(MISC_ENABLE, misc), ...setRegs(1n, 0n), ...CPUID, 0x48, 0x89, 0xcb, ...setRegs(BigInt(DATA_LIN), 0n), ...insn];
        return { m, r: outcome(m.run(code, { path })) };
      };
      for (const insn of [MONITOR, MWAIT]) {
        const { m, r } = run(insn);
        expect(r).toBe(t & MWAIT_QUIRK_DISABLED && t & MWAIT_DISABLED ? '#UD' : 'ok');
        expect((Number(m.cpu.getReg64(3) & 0xffffffffn) & CPUID_MONITOR) !== 0).toBe(!(t & MWAIT_DISABLED));
      }
    });

    it('the model CPUID reports MONITOR and leaf 5 (64-byte lines, ECX extensions, interrupts break MWAIT)', () => {
      const m = new Machine(undefined, vendor);
      expect(outcome(m.run([...setRegs(1n, 0n), ...CPUID, 0x48, 0x89, 0xce, ...setRegs(5n, 0n), ...CPUID], { path }))).toBe('ok');
      expect(Number(m.cpu.getReg64(6) & 0xffffffffn) & CPUID_MONITOR).toBe(CPUID_MONITOR);
      expect([RAX, 3, RCX, RDX].map((r) => m.cpu.getReg64(r))).toEqual([64n, 64n, 3n, 0n]);
    });

    // [name, code, CPL, AMD outcome, Intel outcome]
    const cases: [string, number[], number, string, string][] = [
      ['MONITOR at CPL 3', [...setRegs(BigInt(DATA_LIN), 0n), ...MONITOR], 3, '#UD', '#UD'],
      ['MWAIT at CPL 3', [...setRegs(0n, 0n), ...MWAIT], 3, '#UD', '#UD'],
      ['MONITOR, ECX = 1', [...setRegs(BigInt(DATA_LIN), 1n), ...MONITOR], 0, '#GP(0)', 'ok'],
      ['MONITOR, non-canonical RAX', [...setRegs(0x0000800000000000n, 0n), ...MONITOR], 0, '#GP(0)', 'ok'],
      ['MONITOR, unmapped RAX', [...setRegs(0x10000000n, 0n), ...MONITOR], 0, '#PF(0)', 'ok'],
      ['MONITOR, 67: EAX only', [...setRegs(0xffffffff00000000n | BigInt(DATA_LIN), 0n), 0x67, ...MONITOR], 0, 'ok', 'ok'],
      ['MONITOR, SS override (ignored in 64-bit mode), non-canonical', [...setRegs(0x0000800000000000n, 0n), 0x36, ...MONITOR], 0, '#GP(0)', 'ok'],
      ['MONITOR, FS override: FS.base + RAX', [...wrmsr(0xc0000100, 0x2000n), ...setRegs(0x10000000n - BigInt(0x2000), 0n), 0x64, ...MONITOR], 0, '#PF(0)', 'ok'],
      ['MONITOR, valid', [...setRegs(BigInt(DATA_LIN), 0n), ...MONITOR], 0, 'ok', 'ok'],
      ['MWAIT, ECX = 1 (interrupts break)', [...setRegs(0n, 1n), ...MWAIT], 0, 'ok', 'ok'],
      ['MWAIT, ECX = 2', [...setRegs(0n, 2n), ...MWAIT], 0, '#GP(0)', 'ok'],
      ['MWAIT, ECX bit 31', [...setRegs(0n, 0x80000000n), ...MWAIT], 0, '#GP(0)', 'ok'],
    ];
    it.each(cases)('%s', (_name, code, cpl, amd, intel) => {
      const m = new Machine(undefined, vendor);
      const r = m.run(code, { path, cpl });
      expect(outcome(r)).toBe(vendor === 'amd' ? amd : intel);
      if (r.vector === 14) expect(r.cr2).toBe(0x10000000);
    });

    it('in 32-bit code MONITOR uses DS:EAX (AMD checks the segment: a null DS is #GP(0))', () => {
      const code = [0xb8, ...le32(DATA32), 0x31, 0xc9, ...MONITOR, ...MWAIT];
      expect(outcome(runCompat(code, { path, vendor }).r)).toBe('ok');
      expect(outcome(runCompat(code, { path, vendor, ds: 0 }).r)).toBe(vendor === 'amd' ? '#GP(0)' : 'ok');
    });

    it('faults are checked before KVM\'s #UD on AMD; on Intel the #UD comes first', () => {
      const m = new Machine(undefined, vendor);
      m.cpu.kvm.mwaitNeverUdFaults = false;
      m.cpu.setCpuid(modelCpuid(m.cpu).map((e) => (e.leaf === 1 ? { ...e, ecx: e.ecx & ~CPUID_MONITOR } : e)));
      expect(outcome(m.run([...setRegs(BigInt(DATA_LIN), 1n), ...MONITOR], { path }))).toBe(vendor === 'amd' ? '#GP(0)' : '#UD');
    });
  });
}
