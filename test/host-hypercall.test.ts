// Hypercalls (test/host-guests/hypercall.c): VMCALL/VMMCALL as KVM's PV
// hypercall (kvm_emulate_hypercall: RAX = number, RBX RCX RDX RSI = arguments,
// result in RAX; -KVM_ENOSYS unanswered; -KVM_EPERM above CPL 0 without an
// exit) and the other vendor's instruction (KVM_X86_QUIRK_FIX_HYPERCALL_INSN:
// patched to the native one and executed, or #UD). Every execution path, both
// vendor models, with and without forced emulation. Edge cases on a bare VM
// (32-bit code, no host) at the end.
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import type { VcpuExit, HypercallExit } from '../src/host/exits.js';
import { StopReason } from '../src/cpu/stop-reason.js';
import { hostGuestsAvailable, loadHostGuest } from './helpers/host-guests.js';
import { Machine, CODE, DATA_LIN, RAX, RBX, RCX, RDX, RSI, descriptor, outcome, phys } from './helpers/system.js';
import { runCompat, CODE32_START } from './helpers/compat.js';

const u64 = (v: number | bigint) => { const b = new Uint8Array(8); new DataView(b.buffer).setBigUint64(0, BigInt(v), true); return b; };
const show = (e: unknown) => JSON.stringify(e, (_k, v) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v));
const M64 = (v: bigint) => BigInt.asUintN(64, v);
const ENOSYS = M64(-1000n), EPERM = M64(-1n);
const VMCALL = [0x0f, 0x01, 0xc1], VMMCALL = [0x0f, 0x01, 0xd9];
const bytes24 = (b: number[]) => BigInt(b[0]! | (b[1]! << 8) | (b[2]! << 16));

function sync(e: VcpuExit, stage: number): bigint[] {
  if (e.reason !== 'ucall' || e.cmd !== 'SYNC') throw new Error(`stage ${stage}: expected SYNC, got ${show(e)}`);
  expect(e.args[1]).toBe(BigInt(stage));
  return e.args.slice(2, 6);
}

function hypercallExit(e: VcpuExit): HypercallExit {
  if (e.reason !== 'hypercall') throw new Error(`expected a hypercall exit, got ${show(e)}`);
  return e;
}

describe.skipIf(!hostGuestsAvailable.ok)('hypercalls', () => {
  for (const vendor of ['amd', 'intel'] as const) for (const fixHypercall of [true, false]) {
    for (const executionPath of EXECUTION_PATHS) for (const forcedEmulation of [false, true]) {
      it(`${vendor}, fixHypercall ${fixHypercall}, ${executionPath} path${forcedEmulation ? ', forced emulation' : ''}`, () => {
        const vm = loadHostGuest('hypercall', { vendor, executionPath, forcedEmulation, fixHypercall });
        const { vcpu } = vm;
        const native = vendor === 'intel' ? VMCALL : VMMCALL;
        const foreign = vendor === 'intel' ? VMMCALL : VMCALL;
        vcpu.writeVirtual(vm.symbol('vmcall_native')!, u64(vendor === 'intel' ? 1 : 0));
        const atInsn = (fep: boolean) => {
          const rip = vcpu.getRegs().rip;
          return [...vcpu.readVirtual(rip, fep ? 8 : 3)!];
        };

        // 1: answered. The vCPU stops on the instruction.
        let h = hypercallExit(vcpu.run());
        expect(h).toEqual({ reason: 'hypercall', nr: 0x11n, args: [1n, 2n, 3n, 4n], cpl: 0, longMode: true });
        expect(atInsn(false)).toEqual(native);
        h.result = 0x1234n;
        expect(sync(vcpu.run(), 1)[0]).toBe(0x1234n);

        // 2: left unanswered: -KVM_ENOSYS.
        h = hypercallExit(vcpu.run());
        expect(h).toMatchObject({ nr: 0x7fff0001n, args: [5n, 6n, 7n, 8n] });
        expect(sync(vcpu.run(), 2)[0]).toBe(ENOSYS);

        // 3: behind KVM_FEP: the vCPU stops on the prefix.
        if (forcedEmulation) {
          h = hypercallExit(vcpu.run());
          expect(h).toMatchObject({ nr: 0x33n, args: [9n, expect.any(BigInt), expect.any(BigInt), expect.any(BigInt)] });
          expect(atInsn(true)).toEqual([0x0f, 0x0b, 0x6b, 0x76, 0x6d, ...native]);
          h.result = M64(-5n);
          expect(sync(vcpu.run(), 3)[0]).toBe(M64(-5n));
        }

        // 4: the other vendor's instruction in a writable page: patched and run (the exit is the native
        // instruction's: RIP on it, after the prefix), or #UD.
        if (fixHypercall) {
          h = hypercallExit(vcpu.run());
          expect(h).toMatchObject({ nr: 0x44n, cpl: 0 });
          expect(h.args[0]).toBe(10n);
          expect(atInsn(false)).toEqual(native);
          h.result = 0x4444n;
          expect(sync(vcpu.run(), 4).slice(0, 3)).toEqual([0x4444n, 0n, bytes24(native)]);
        } else {
          expect(sync(vcpu.run(), 4).slice(0, 3)).toEqual([0x44n, 1n, bytes24(foreign)]);
        }

        // 5: in read-only .text: the patch is a supervisor write to a read-only page, #PF(P|W); without the quirk #UD.
        expect(sync(vcpu.run(), 5).slice(0, 2)).toEqual(fixHypercall ? [14n, 3n] : [6n, 0n]);

        // 6: CPL 3: -KVM_EPERM in RAX, no exit.
        expect(sync(vcpu.run(), 6)[0]).toBe(EPERM);
        const done = vcpu.run();
        expect(done.reason === 'ucall' && done.cmd).toBe('DONE');
      });
    }
  }
});

describe.each(EXECUTION_PATHS)('hypercall edge cases on the bare machine (%s path)', (path) => {
  const vendors = ['amd', 'intel'] as const;
  const insns = { vmcall: VMCALL, vmmcall: VMMCALL };

  it('no host attached (no hypervisor): VMCALL and VMMCALL are #UD on both vendor models', () => {
    for (const vendor of vendors) for (const [name, code] of Object.entries(insns)) {
      const m = new Machine(undefined, vendor);
      expect(outcome(m.run(code, { path })), `${vendor} ${name}`).toBe('#UD');
      expect(m.cpu.rip, `${vendor} ${name}`).toBe(CODE);
    }
  });

  // 32-bit code (compatibility mode): the number, the arguments and the result are 32-bit (KVM's !op_64_bit).
  const regs = { [RAX]: 0x12345678_00000011n, [RBX]: 0xffffffff_00000001n, [RCX]: 0xaaaa_0000_0002n, [RDX]: 3n, [RSI]: 0x1_0000_0004n };
  for (const vendor of vendors) {
    it(`${vendor}: 32-bit code exits with 32-bit values; the result is zero-extended from 32 bits`, () => {
      const native = vendor === 'intel' ? VMCALL : VMMCALL;
      const m = new Machine(undefined, vendor);
      m.cpu.hypercallExits = true;
      const { r } = runCompat(native, { path, vendor, regs }, m);
      expect(r).toEqual({ outcome: 'other', message: String(StopReason.HostExit) });
      expect(m.cpu.rip).toBe(CODE32_START);
      const access = m.cpu.hostExits.queue.shift()!;
      expect(access).toMatchObject({ kind: 'hypercall', args: [0x11n, 1n, 2n, 3n, 4n], cpl: 0, longMode: false });
      access.value = -1000n;
      m.cpu.hostExits.complete(access);
      expect(outcome(m.resume())).toBe('ok');
      expect(m.cpu.getReg64(RAX)).toBe(0xfffffc18n);
    });

    it(`${vendor}: 32-bit code at CPL 3 gets -KVM_EPERM as 32 bits, without an exit`, () => {
      const native = vendor === 'intel' ? VMCALL : VMMCALL;
      const m = new Machine(undefined, vendor);
      m.cpu.hypercallExits = true;
      const { r } = runCompat(native, { path, vendor, regs, cpl: 3 }, m);
      expect(outcome(r)).toBe('ok');
      expect(m.cpu.hostExits.queue).toEqual([]);
      expect(m.cpu.getReg64(RAX)).toBe(0xffffffffn);
    });

    it(`${vendor}: the other vendor's instruction in 32-bit code is patched at its linear address (CS base + EIP), then exits`, () => {
      const native = vendor === 'intel' ? VMCALL : VMMCALL, foreign = vendor === 'intel' ? VMMCALL : VMCALL;
      const m = new Machine(undefined, vendor);
      m.cpu.hypercallExits = true;
      // A code segment based at CS_BASE: the 32-bit code runs at EIP = CODE32_START - CS_BASE.
      const CS_BASE = 0x1000;
      const setup = (mm: Machine) => mm.mem.write32(phys(mm, DATA_LIN), CODE32_START - CS_BASE);
      const { r } = runCompat(foreign, { path, vendor, regs, cs: descriptor(CS_BASE, 0xfffff, 0xc09b), setup }, m);
      expect(r.outcome).toBe('other');
      expect(m.cpu.rip).toBe(CODE32_START - CS_BASE);
      expect([...m.mem.u8.subarray(phys(m, CODE32_START), phys(m, CODE32_START) + 3)]).toEqual(native);
      expect(m.cpu.hostExits.queue.map((a) => a.kind)).toEqual(['hypercall']);
    });
  }
});
