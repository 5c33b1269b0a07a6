// vm.mapPage, the selftests' virt_pg_map: a page the host maps while the guest
// waits at a SYNC is readable and writable by the guest; without it the read
// is the #PF an unmapped address takes. GUEST_KEEP keeps what only the host
// names: a static it writes, a handler it installs.
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import { Vector } from '../src/arch/vectors.js';
import { hostGuestsAvailable, loadHostGuest } from './helpers/host-guests.js';
import type { UcallExit } from '../src/host/exits.js';

const WINDOW = 0x40000000n, GPA = 0x7000000n, VALUE = 0x1122334455667788n;

function putValue(vm: ReturnType<typeof loadHostGuest>): void {
  const value = new Uint8Array(8);
  new DataView(value.buffer).setBigUint64(0, VALUE, true);
  vm.machine.writePhysical(Number(GPA), value);
  vm.writeGlobal('expected', VALUE);
}

describe.skipIf(!hostGuestsAvailable.ok)('vm.mapPage (virt_pg_map), GUEST_KEEP', () => {
  for (const executionPath of EXECUTION_PATHS) {
    it(`${executionPath} path: the guest reads and writes the page the host mapped`, () => {
      const vm = loadHostGuest('map-page', { executionPath });
      expect(vm.vcpu.run()).toMatchObject({ reason: 'ucall', cmd: 'SYNC' });
      putValue(vm);
      vm.mapPage(WINDOW, GPA);
      expect(vm.vcpu.run()).toMatchObject({ reason: 'ucall', cmd: 'DONE' });
      expect(new DataView(vm.machine.readPhysical(Number(GPA), 8).buffer).getBigUint64(0, true)).toBe(0x600dn);
      expect(vm.vcpu.translate(WINDOW).physical).toBe(Number(GPA));
    });

    it(`${executionPath} path: the host maps the page from the guest's #PF handler it installed by name`, () => {
      const vm = loadHostGuest('map-page', { executionPath });
      vm.installExceptionHandler(Vector.PF, 'guest_pf_handler');
      vm.vcpu.run();
      putValue(vm);
      expect((vm.vcpu.run() as UcallExit).args[1]).toBe(BigInt(Vector.PF)); // the handler's SYNC
      vm.mapPage(WINDOW, GPA);
      expect(vm.vcpu.run()).toMatchObject({ reason: 'ucall', cmd: 'DONE' });
    });
  }

  it('the page-table frames it allocates are zeroed, whatever the memory held (the loader skips zeroing only while RAM is new)', () => {
    const vm = loadHostGuest('map-page');
    vm.vcpu.run();
    putValue(vm);
    // The next frames the loader's allocator hands out, filled with ones (present, large-page bits and all).
    const next = (vm as unknown as { pageTables: { frames: { used: number } } }).pageTables.frames.used;
    vm.machine.writePhysical(next, new Uint8Array(0x10000).fill(0xff));
    vm.mapPage(WINDOW, GPA);
    expect(vm.vcpu.translate(WINDOW).physical).toBe(Number(GPA));
    expect(vm.vcpu.run()).toMatchObject({ reason: 'ucall', cmd: 'DONE' });
  });

  it('without the mapping the read faults; a second mapping of the page or a bad address throws', () => {
    const vm = loadHostGuest('map-page');
    vm.vcpu.run();
    expect(vm.vcpu.run()).toMatchObject({ reason: 'ucall', cmd: 'ABORT', text: expect.stringMatching(/Unhandled exception '0xe'/) });
    vm.mapPage(WINDOW, GPA);
    expect(() => vm.mapPage(WINDOW, GPA)).toThrow(/already mapped/);
    expect(() => vm.mapPage(WINDOW + 1n, GPA)).toThrow(/page-aligned/);
    expect(() => vm.mapPage(0x800000000000n, GPA)).toThrow(/canonical/);
  });
});
