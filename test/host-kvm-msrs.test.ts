// The host half of test/host-guests/kvm-msrs.c and monitor-mwait.c: what KVM lets a host decide
// about MSRs and MONITOR/MWAIT (src/cpu/msr-kvm.ts, msr-quirks.ts, exec/monitor.ts), driven
// through the host API the way upstream's platform_info_test, tsc_msrs_test and
// monitor_mwait_test drive KVM: host-initiated MSR accesses (vcpu.getMsr/setMsr, as
// KVM_{GET,SET}_MSRS), KVM_CAP_MSR_PLATFORM_INFO and KVM_CAP_DISABLE_QUIRKS2 (vm.cpu.kvm), CPUID
// (vcpu.setCpuid), a global the guest reads (vm.writeGlobal, as sync_global_to_guest).
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import { CPU_VENDORS } from '../src/arch/vendor.js';
import { KVM_X86_QUIRK_MISC_ENABLE_NO_MWAIT, KVM_X86_QUIRK_MWAIT_NEVER_UD_FAULTS } from '../src/cpu/msr-quirks.js';
import type { VcpuExit } from '../src/host/exits.js';
import { hostGuestsAvailable, loadHostGuest } from './helpers/host-guests.js';

const PLATFORM_INFO = 0xce, TSC = 0x10, TSC_ADJUST = 0x3b;
const CPUID_FAULT = 1n << 31n, MAX_TURBO_RATIO = 0xff00n, GP = 13n, UD = 6n;

function sync(exit: VcpuExit, stage: number): bigint[] {
  if (exit.reason !== 'ucall' || exit.cmd !== 'SYNC') throw new Error(`expected SYNC ${stage}, got ${exit.reason} ${JSON.stringify(exit, (_k, v) => typeof v === 'bigint' ? v.toString(16) : v)}`);
  expect(exit.args[1]).toBe(BigInt(stage));
  return exit.args.slice(2, 6);
}
const done = (exit: VcpuExit) => expect(exit).toMatchObject({ reason: 'ucall', cmd: 'DONE' });

describe.skipIf(!hostGuestsAvailable.ok)('MSRs the host decides (kvm-msrs.c)', () => {
  for (const executionPath of EXECUTION_PATHS) for (const vendor of CPU_VENDORS) {
    it(`${executionPath} path, ${vendor} model`, () => {
      const vm = loadHostGuest('kvm-msrs', { executionPath, vendor });
      const { vcpu } = vm;
      // platform_info_test: the host adds the ratio to what KVM created, the guest reads it.
      const created = vcpu.getMsr(PLATFORM_INFO)!;
      expect(created).toBe(CPUID_FAULT);
      vcpu.setMsr(PLATFORM_INFO, created | MAX_TURBO_RATIO);
      expect(sync(vcpu.run(), 1).slice(0, 2)).toEqual([0n, MAX_TURBO_RATIO]);
      vm.cpu.kvm.platformInfoReadable = false;
      expect(sync(vcpu.run(), 2)[0]).toBe(GP);
      expect(vcpu.getMsr(PLATFORM_INFO)).toBe(created | MAX_TURBO_RATIO); // the host still reads it

      // tsc_msrs_test: the guest's TSC_ADJUST write moved its TSC by 2^32.
      const [delta, adjust] = sync(vcpu.run(), 3);
      expect(adjust).toBe(1n << 32n);
      expect(delta! >= 1n << 32n && delta! < (1n << 32n) + 64n).toBe(true);
      expect(vcpu.getMsr(TSC_ADJUST)).toBe(1n << 32n);
      const tsc = vcpu.getMsr(TSC)!;
      vcpu.setMsr(TSC_ADJUST, 5n); // a host write sets the value only
      expect(vcpu.getMsr(TSC)).toBe(tsc);

      const [readBack, auxVector, aux] = sync(vcpu.run(), 4);
      expect(readBack).toBe(5n);
      expect([auxVector, aux]).toEqual(vendor === 'amd' ? [0n, 0xaaaa5555n] : [GP, 0n]);
      done(vcpu.run());
    });
  }
});

// monitor_mwait_test's bits; CPUID_DISABLED clears CPUID.01H:ECX.MONITOR in the host's CPUID.
const MWAIT_QUIRK_DISABLED = 1, MISC_ENABLES_QUIRK_DISABLED = 2, MWAIT_DISABLED = 4, CPUID_DISABLED = 8;

describe.skipIf(!hostGuestsAvailable.ok)('MONITOR/MWAIT under the host\'s quirks (monitor-mwait.c)', () => {
  // With the MISC_ENABLE quirk on, CPUID is the host's alone: the scenarios where it disagrees with the MSR are left out (as upstream).
  const scenarios = Array.from({ length: 16 }, (_, t) => t)
    .filter((t) => (t & MISC_ENABLES_QUIRK_DISABLED) || !(t & CPUID_DISABLED) === !(t & MWAIT_DISABLED));
  for (const executionPath of EXECUTION_PATHS) for (const vendor of CPU_VENDORS) {
    it(`${executionPath} path, ${vendor} model: ${scenarios.length} scenarios`, () => {
      for (const t of scenarios) {
        const vm = loadHostGuest('monitor-mwait', { executionPath, vendor });
        vm.writeGlobal('testcase', BigInt(t));
        vm.cpu.kvm.disableQuirks((t & MWAIT_QUIRK_DISABLED ? KVM_X86_QUIRK_MWAIT_NEVER_UD_FAULTS : 0)
          | (t & MISC_ENABLES_QUIRK_DISABLED ? KVM_X86_QUIRK_MISC_ENABLE_NO_MWAIT : 0));
        vm.vcpu.setCpuid(vm.vcpu.getCpuid().map((e) => (e.leaf === 1
          ? { ...e, ecx: (t & CPUID_DISABLED ? e.ecx & ~8 : e.ecx | 8) >>> 0 } : e)));
        const [cpuidMonitor, monitor, mwait] = sync(vm.vcpu.run(), 1);
        const vector = t & MWAIT_QUIRK_DISABLED && t & MWAIT_DISABLED ? UD : 0n;
        expect({ t, cpuidMonitor, monitor, mwait }).toEqual({ t, cpuidMonitor: t & MWAIT_DISABLED ? 0n : 1n, monitor: vector, mwait: vector });
        done(vm.vcpu.run());
      }
    });
  }
});
