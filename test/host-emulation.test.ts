// The host handles what the CPU does not (test/host-guests/emulation.c):
// emulation-failure exits carry the instruction's bytes; the host emulates it
// from them (registers, XMM through the FPU image, RIP) and resumes, or
// injects #UD instead; a handler installed by name; a CPUID the host sets.
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import { decode } from '../src/isa/decoder.js';
import { Vector } from '../src/arch/vectors.js';
import { GPR_NAMES } from '../src/arch/registers.js';
import type { VcpuExit, EmulationFailureExit } from '../src/host/exits.js';
import type { Vcpu } from '../src/host/vcpu.js';
import { hostGuestsAvailable, loadHostGuest } from './helpers/host-guests.js';

function sync(exit: VcpuExit, stage: number): bigint[] {
  if (exit.reason !== 'ucall' || exit.cmd !== 'SYNC') throw new Error(`expected SYNC ${stage}, got ${exit.reason} ${JSON.stringify(exit, (_k, v) => typeof v === 'bigint' ? v.toString(16) : v)}`);
  expect(exit.args[1]).toBe(BigInt(stage));
  return exit.args.slice(2, 6);
}

function failure(exit: VcpuExit): EmulationFailureExit {
  if (exit.reason !== 'emulation-failure') throw new Error(`expected emulation-failure, got ${exit.reason}`);
  return exit;
}

const popcount = (v: bigint) => { let n = 0n; for (; v; v >>= 1n) n += v & 1n; return n; };
/** EXTRQ's field: `length` bits (0: 64) of v from bit `index` (AMD APM Vol. 4 EXTRQ). */
const field = (v: bigint, length: number, index: number) => (v >> BigInt(index)) & ((1n << BigInt(length || 64)) - 1n);

/** The host's emulation of EXTRQ xmm, imm8, imm8 (66 0F 78 /0 ib ib: length, then index) from the exit's bytes. */
function emulateExtrq(vcpu: Vcpu, exit: EmulationFailureExit): void {
  const insn = decode(exit.bytes, 0, exit.length)!;
  expect(insn.row.mnemonic).toBe('extrq');
  const [length, index] = [exit.bytes[exit.length - 2]! & 63, exit.bytes[exit.length - 1]! & 63];
  const fpu = vcpu.getFpu(), dv = new DataView(fpu.buffer), at = 160 + 16 * insn.rm;
  dv.setBigUint64(at, field(dv.getBigUint64(at, true), length, index), true);
  vcpu.setFpu(fpu);
  vcpu.setRegs({ rip: exit.rip + BigInt(exit.length) });
}

describe.skipIf(!hostGuestsAvailable.ok)('emulation-failure exits, injected exceptions, host CPUID', () => {
  for (const executionPath of EXECUTION_PATHS) for (const forcedEmulation of [false, true]) {
    it(`${executionPath} path${forcedEmulation ? ', forced emulation on' : ''}`, () => {
      const vm = loadHostGuest('emulation', { executionPath, forcedEmulation });
      const { vcpu } = vm;
      vcpu.failForcedEmulationOf(['popcnt']);

      // 1: POPCNT behind the prefix exits (RIP after the prefix, as KVM); the host computes it.
      let exit = vcpu.run();
      if (forcedEmulation) {
        const f = failure(exit);
        expect(f.message).toMatch(/popcnt under forced emulation/);
        const insn = decode(f.bytes, 0, f.length)!;
        expect(insn.row.mnemonic).toBe('popcnt');
        const regs = vcpu.getRegs();
        const src = regs[GPR_NAMES[insn.rm]!];
        vcpu.setRegs({ [GPR_NAMES[insn.reg]!]: popcount(src), rip: f.rip + BigInt(f.length) });
        exit = vcpu.run();
      }
      expect(sync(exit, 1)[0]).toBe(popcount(0xf0f0f0f0f0f0f0f1n));

      // 2: EXTRQ (SSE4a) is not implemented: the exit names it; the host emulates it.
      const f2 = failure(vcpu.run());
      expect(f2.bytes).toEqual(Uint8Array.from([0x66, 0x0f, 0x78, 0xc0, 0x10, 0x08]));
      emulateExtrq(vcpu, f2);
      expect(sync(vcpu.run(), 2)[0]).toBe(field(0x123456789abcdef0n, 16, 8));

      // 3: the same instruction again: this time the host injects #UD, which the guest's KVM_ASM_SAFE catches.
      const f3 = failure(vcpu.run());
      expect(vcpu.getRegs().rip).toBe(f3.rip);
      expect(vcpu.injectException(Vector.UD)).toBeNull();
      expect(sync(vcpu.run(), 3)[0]).toBe(BigInt(Vector.UD));

      // 4: a handler installed by name from the host runs for both UD2s.
      vm.installExceptionHandler(Vector.UD, 'ud_handler');
      expect(sync(vcpu.run(), 4)[0]).toBe(2n);
      expect(vm.readGlobalValue('ud_count')).toBe(2n);
      // An installed handler runs before the KVM_ASM_SAFE fixup (as upstream): remove it for stage 5's RDPID.
      vm.installExceptionHandler(Vector.UD, null);

      // 5: SMEP and RDPID cleared from CPUID: the bit reads 0, CR4.SMEP is reserved, RDPID is #UD.
      const leaves = vcpu.getCpuid();
      const leaf7 = leaves.find((e) => e.leaf === 7 && e.subleaf === 0)!;
      expect(leaf7.ebx & (1 << 7)).not.toBe(0);
      leaf7.ebx &= ~(1 << 7);
      leaf7.ecx &= ~(1 << 22);
      vcpu.setCpuid(leaves);
      expect(sync(vcpu.run(), 5)).toEqual([0n, BigInt(Vector.GP), 0n, BigInt(Vector.UD)]);
      const done = vcpu.run();
      expect(done.reason === 'ucall' && done.cmd).toBe('DONE');
    });
  }
});

describe('injection arguments', () => {
  it('rejects a vector without its error code, and an error code a vector does not take', async () => {
    const { VirtualMachine } = await import('../src/host/vm.js');
    const vcpu = new VirtualMachine().createVcpu();
    expect(() => vcpu.injectException(Vector.GP)).toThrow(/needs error code/);
    expect(() => vcpu.injectException(Vector.UD, 0)).toThrow(/takes no error code/);
    expect(() => vcpu.injectException(32)).toThrow(/not 0-31/);
    expect(() => vcpu.injectInterrupt(0x20)).toThrow(/interrupt window is closed/);
  });
});
