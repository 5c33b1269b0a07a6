// The host half of test/host-guests/cr4-cpuid-sync.c, the way README's
// "Porting an upstream selftest" ports one: vcpu_args_set becomes
// vm.setGuestArgs, the get_ucall loop becomes runGuest with onUcall, and
// vcpu_sregs_get/set become getSregs/setSregs.
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import { CR4_OSXSAVE } from '../src/arch/control-registers.js';
import { runGuest } from '../src/vitest.js';
import { hostGuestsAvailable, loadHostGuest } from './helpers/host-guests.js';

describe.skipIf(!hostGuestsAvailable.ok)('an upstream-style guest: CPUID.OSXSAVE follows CR4 changed by the host', () => {
  for (const executionPath of EXECUTION_PATHS) {
    it(`${executionPath} path`, () => {
      const vm = loadHostGuest('cr4-cpuid-sync', { executionPath });
      vm.setGuestArgs(3n, 0x5a5an);
      const cleared: bigint[] = [];
      const run = runGuest(vm, {
        onUcall: (u) => {
          const s = vm.vcpu.getSregs();
          expect(s.cr4 & BigInt(CR4_OSXSAVE)).toBe(BigInt(CR4_OSXSAVE)); // the guest set it
          vm.vcpu.setSregs({ cr4: s.cr4 & ~BigInt(CR4_OSXSAVE) });
          cleared.push(u.args[1]!);
        },
      });
      expect(run).toHaveUcalls([{ cmd: 'SYNC' }, { cmd: 'SYNC' }, { cmd: 'SYNC' }, 'DONE']);
      expect(cleared).toEqual([0n, 1n, 2n]);
    });
  }

  it('the arguments reach guest_code: a wrong one fails its GUEST_ASSERT_EQ', () => {
    const vm = loadHostGuest('cr4-cpuid-sync');
    vm.setGuestArgs(1n, 7n);
    expect(() => runGuest(vm)).toThrow(/magic == 0x5a5a/);
    expect(() => vm.setGuestArgs(1n, 2n, 3n, 4n, 5n, 6n, 7n)).toThrow(/at most 6/);
  });
});
