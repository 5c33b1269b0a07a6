// The library's per-instruction hook (VmOptions.onInstruction, what `ringzero run --trace` prints):
// every instruction the guest starts, an exception handler's first one included.
import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { Vm } from '../src/index.js';
import { imagesAvailable } from './helpers/images.js';

/** The 64-bit IDT gate's target for `vector` (SDM Figure 6-8), read from guest memory. */
function gateTarget(vm: Vm, vector: number): bigint {
  const idt = vm.vcpu.getSregs().idt;
  const g = vm.readVirtual(idt.base + BigInt(vector * 16), 12)!;
  const u16 = (k: number) => BigInt(g[k]! | (g[k + 1]! << 8));
  const u32 = (k: number) => u16(k) | (u16(k + 2) << 16n);
  return u16(0) | (u16(6) << 16n) | (u32(8) << 32n);
}

describe.skipIf(!imagesAvailable.ok)('VmOptions.onInstruction', () => {
  it('sees the faulting instruction, then the first instruction of the handler the CPU delivered to', () => {
    const rips: bigint[] = [];
    const vm = Vm.fromElf(readFileSync('build/guests/exceptions.elf'), { onInstruction: (v) => rips.push(v.regs().rip) });
    expect(vm.run().outcome).toBe('abort');
    for (const [label, vector] of [['de_insn', 0], ['ud_insn', 6], ['pf_read_insn', 14], ['unhandled_ud_insn', 6]] as const) {
      const at = rips.indexOf(vm.symbol(label)!);
      expect(at, label).toBeGreaterThanOrEqual(0);
      expect(rips[at + 1]?.toString(16), label).toBe(gateTarget(vm, vector).toString(16));
    }
    // One call per instruction started: the ones retired; the eight that faulted (#DE, #UD, three #PF,
    // two #GP of the MSR helpers, the unhandled #UD: INT3 is a trap, it retires); and the ABORT ucall's
    // OUT, where the run ended before it retired.
    const handlers = new Set([0, 3, 6, 13, 14].map((v) => gateTarget(vm, v)));
    const deliveries = rips.filter((r) => handlers.has(r)).length;
    expect(deliveries).toBe(9);
    const faults = deliveries - 1; // every delivery but INT3's
    expect(rips.at(-1)).toBe(vm.regs().rip);
    expect(rips.length).toBe(vm.cpu.instructions + faults + 1);
  });

  it('what the hook throws, run() throws', () => {
    let n = 0;
    const vm = Vm.fromElf(readFileSync('build/guests/hello.elf'), { onInstruction: () => { if (++n === 100) throw new Error('stop here'); } });
    expect(() => vm.run()).toThrow('stop here');
    expect(vm.cpu.instructions).toBe(99);
  });
});
