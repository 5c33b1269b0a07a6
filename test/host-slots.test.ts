// Memory slots changed by the host while a guest runs (test/host-guests/slots.c):
// a slot added while the guest polls an unbacked address (each poll an mmio
// exit), dirty logging collected and cleared, a slot moved and deleted, a
// read-only slot, and a slot above 4 GiB. Every execution path, and with
// forced emulation.
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import type { Vm } from '../src/vm.js';
import type { VcpuExit } from '../src/host/exits.js';
import { hostGuestsAvailable, loadHostGuest } from './helpers/host-guests.js';

const MiB = 1024 * 1024;
const u64 = (v: number | bigint) => { const b = new Uint8Array(8); new DataView(b.buffer).setBigUint64(0, BigInt(v), true); return b; };

/** The next exit, which must be a SYNC of `stage`; returns its four values. */
function sync(exit: VcpuExit, stage: number): bigint[] {
  if (exit.reason !== 'ucall' || exit.cmd !== 'SYNC') throw new Error(`expected SYNC ${stage}, got ${JSON.stringify(exit, (_k, v) => typeof v === 'bigint' ? `0x${v.toString(16)}` : v)}`);
  expect(exit.args[1]).toBe(BigInt(stage));
  return exit.args.slice(2, 6);
}

function setSlotGpa(vm: Vm, gpa: number): void {
  vm.vcpu.writeVirtual(vm.symbol('slot_gpa')!, u64(gpa));
}

describe.skipIf(!hostGuestsAvailable.ok)('memory slots at run time', () => {
  for (const executionPath of EXECUTION_PATHS) for (const forcedEmulation of [false, true]) {
    it(`${executionPath} path${forcedEmulation ? ', forced emulation on' : ''}`, () => {
      const vm = loadHostGuest('slots', { memorySize: 16 * MiB, executionPath, forcedEmulation });
      const { machine, vcpu } = vm;
      const A = 64 * MiB, B = 128 * MiB, HIGH = 2 ** 32 + 2 ** 30;
      setSlotGpa(vm, A);

      // 1: three polls exit as mmio reads of 8 bytes at A (answered: all ones), then a slot appears there.
      for (let k = 0; k < 3; k++) {
        const exit = vcpu.run();
        expect(exit).toEqual({ reason: 'mmio', write: false, address: A, size: 8, value: 2n ** 64n - 1n });
      }
      // The third read is still waiting: once the slot is there, it runs again and reads memory.
      const slot = machine.addMemory({ base: A, size: 4 * 4096, logDirty: true });
      machine.writePhysical(A, u64(0x1234_5678_9abcn));
      expect(sync(vcpu.run(), 1).slice(0, 2)).toEqual([2n, 0x1234_5678_9abcn]);

      // 2, 3: the dirty log holds exactly the pages written since it was cleared (host writes are not logged).
      sync(vcpu.run(), 2);
      expect([...machine.getDirtyLog(slot)]).toEqual([0b1011]);
      machine.clearDirtyLog(slot);
      expect([...machine.getDirtyLog(slot)]).toEqual([0]);
      sync(vcpu.run(), 3);
      expect([...machine.getDirtyLog(slot)]).toEqual([0b0100]);
      machine.clearDirtyLog(slot, 2, 1);
      expect([...machine.getDirtyLog(slot)]).toEqual([0]);

      // 4: moved, contents with it.
      machine.moveMemory(slot, B);
      setSlotGpa(vm, B);
      expect(sync(vcpu.run(), 4)).toEqual([0x11n, 0x22n, 0x33n, 0x44n]);

      // 5: deleted: the read exits and takes the host's value; the write exits with its data.
      machine.deleteMemory(slot);
      const read = vcpu.run();
      expect(read).toMatchObject({ reason: 'mmio', write: false, address: B + 8, size: 8 });
      if (read.reason === 'mmio') read.value = 0xabcdefn;
      expect(vcpu.run()).toEqual({ reason: 'mmio', write: true, address: B + 8, size: 8, value: 0x5555n });
      expect(sync(vcpu.run(), 5)[0]).toBe(0xabcdefn);

      // 6: a read-only slot: the write exits and memory keeps its bytes; reads are plain memory.
      const ro = machine.addMemory({ base: A, size: 4096, readonly: true });
      machine.writePhysical(A, u64(0x77));
      setSlotGpa(vm, A);
      expect(vcpu.run()).toEqual({ reason: 'mmio', write: true, address: A, size: 8, value: 0x6666n });
      expect(sync(vcpu.run(), 6)[0]).toBe(0x77n);
      expect(machine.readPhysical(A, 8)).toEqual(u64(0x77));
      machine.deleteMemory(ro);

      // 7: above 4 GiB.
      const high = machine.addMemory({ base: HIGH, size: 4096 });
      machine.writePhysical(HIGH, u64(0x99));
      setSlotGpa(vm, HIGH);
      expect(sync(vcpu.run(), 7).slice(0, 2)).toEqual([0x99n, 0x9an]);
      expect(machine.memoryOf(high).subarray(8, 16)).toEqual(u64(0x9a));
      const done = vcpu.run();
      expect(done.reason === 'ucall' && done.cmd).toBe('DONE');
    });
  }
});

describe('memory slot layout rules', () => {
  it('rejects overlaps, bad alignment, slots beyond 2^48 and over 2 GiB', async () => {
    const { VirtualMachine } = await import('../src/host/vm.js');
    const vm = new VirtualMachine();
    vm.addMemory({ base: 0, size: 2 * MiB });
    expect(() => vm.addMemory({ base: MiB, size: 2 * MiB })).toThrow(/overlaps slot 0/);
    expect(() => vm.addMemory({ base: 0x1001 * 4096 + 1, size: 4096 })).toThrow(/page-aligned/);
    expect(() => vm.addMemory({ base: 2 ** 48 - 4096, size: 8192 })).toThrow(/MAXPHYADDR/);
    expect(() => vm.addMemory({ base: 2 ** 33, size: 2 ** 31 + 4096 })).toThrow(/at most 2 GiB/);
    const id = vm.addMemory({ base: 4 * MiB, size: 4096 });
    expect(() => vm.moveMemory(id, MiB)).toThrow(/overlaps slot 0/);
    expect(() => vm.getDirtyLog(id)).toThrow(/does not log/);
    vm.deleteMemory(id);
    expect(() => vm.deleteMemory(id)).toThrow(/no slot/);
  });
});

describe.skipIf(!hostGuestsAvailable.ok)('guest RAM beyond 2 GiB', () => {
  it('the ABI loader maps 6 GiB as three slots, the direct map reaches all of it, and a guest runs', () => {
    const vm = loadHostGuest('slots', { memorySize: 6 * 1024 * MiB });
    expect(vm.machine.mem.slots.map((s) => [s.base, s.size])).toEqual([[0, 2 ** 31], [2 ** 31, 2 ** 31], [2 ** 32, 2 ** 31]]);
    const DIRECT_MAP = 0xffff888000000000n;
    for (const gpa of [2 ** 31 - 8, 5 * 2 ** 30 + 0x123000, 6 * 2 ** 30 - 8]) {
      expect(vm.vcpu.physicalAddress(DIRECT_MAP + BigInt(gpa))).toBe(gpa);
      vm.vcpu.writeVirtual(DIRECT_MAP + BigInt(gpa), u64(gpa + 1));
      expect(vm.machine.readPhysical(gpa, 8)).toEqual(u64(gpa + 1));
    }
    vm.writeGlobal('slot_gpa', BigInt(5 * 2 ** 30));
    // The slot_gpa window now points into RAM at 5 GiB: no exit, the poll reads what the host put there.
    vm.machine.writePhysical(5 * 2 ** 30, u64(0x5a5a));
    expect(sync(vm.vcpu.run(), 1).slice(0, 2)).toEqual([0n, 0x5a5an]);
  });
});
