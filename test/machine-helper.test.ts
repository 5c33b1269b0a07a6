// The bare test machine itself (test/helpers/machine.ts): a run is one Cpu.run
// that the intercepted INT3 after the code ends, and the test sees the state
// before that INT3 — RIP at the end, the code's instructions only, RFLAGS and
// the stack as the last instruction left them; every other stop keeps its
// meaning (a guest INT3, a #DB trap after the last instruction, the budget).
import { describe, expect, it, vi } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import { Machine, CODE, DATA_LIN, HANDLER, RAX, RBX, RSP, outcome, phys, setGate } from './helpers/system.js';
import { STACK_TOP } from './helpers/machine.js';

const ADD_RAX_RBX = [0x48, 0x01, 0xd8], PUSH_RAX = [0x50], NOP = [0x90], INT3 = [0xcc];
const RSP0 = STACK_TOP - 0x100;
// RFLAGS bits (SDM Vol. 1 §3.4.3).
const CF = 0x1, PF = 0x4, AF = 0x10, ZF = 0x40, SF = 0x80, TF = 0x100, OF = 0x800, FIXED = 0x2;

describe.each(EXECUTION_PATHS)('Machine.run (%s path)', (path) => {
  it('ends at the end in one Cpu.run: RIP = end, the code\'s instructions only, RFLAGS and the stack as the code left them', () => {
    const m = new Machine();
    const run = vi.spyOn(m.cpu, 'run');
    // add %rbx,%rax (0x7fff…ffff + 1: OF SF AF PF set, CF ZF clear); push %rax; nop
    const r = m.run([...ADD_RAX_RBX, ...PUSH_RAX, ...NOP], { path, regs: { [RAX]: 0x7fffffffffffffffn, [RBX]: 1n } });
    expect(outcome(r)).toBe('ok');
    expect(run.mock.calls).toEqual([[1000]]);
    expect([m.cpu.rip - CODE, m.cpu.instructions, m.cpu.getRflags() & (CF | PF | AF | ZF | SF | OF | FIXED)]).toEqual([5, 3, OF | SF | AF | PF | FIXED]);
    expect(BigInt.asUintN(64, m.cpu.getReg64(RSP))).toBe(BigInt(RSP0 - 8));
    // The pushed value, and nothing below it (an intercepted INT3 pushes no frame).
    const stack = m.mem.u8.subarray(phys(m, RSP0 - 0x100), phys(m, RSP0 - 0x100) + 0x100);
    expect(m.mem.read64(phys(m, RSP0 - 8))).toBe(0x8000000000000000n);
    expect(stack.subarray(0, 0xf8).every((b) => b === 0)).toBe(true);
  });

  it('the INT3 at the end writes no memory: after a NOP, only the accessed bits of the code\'s translation (SDM Vol. 3A §4.8) changed', () => {
    const m = new Machine();
    expect(outcome(m.run(NOP, { path, maxInstructions: 0 }))).toBe('limit');   // lays out the code pages, runs nothing
    const before = m.mem.u8.slice();
    expect([outcome(m.run(NOP, { path })), m.cpu.rip - CODE, m.cpu.instructions]).toEqual(['ok', 1, 1]);
    const walked: number[] = [];                              // PML4E, PDPTE, PDE, PTE of CODE
    for (let table = m.pt.pml4, level = 39; level >= 12; level -= 9) {
      const entry = table + (Math.floor(CODE / 2 ** level) & 511) * 8;
      walked.push(entry);
      table = m.mem.read32(entry) & 0xfffff000;
    }
    const changed: string[] = [];
    for (let k = 0; k < before.length; k++) if (before[k] !== m.mem.u8[k]) changed.push(`0x${k.toString(16)}: ${before[k]} → ${m.mem.u8[k]}`);
    expect(changed).toEqual(walked.map((e) => `0x${e.toString(16)}: ${before[e]} → ${before[e]! | 0x20}`));
  });

  it('step: one Cpu.run per instruction, the same end state', () => {
    const m = new Machine();
    const run = vi.spyOn(m.cpu, 'run');
    const r = m.run([...ADD_RAX_RBX, ...PUSH_RAX, ...NOP], { path, step: true, regs: { [RAX]: 0x7fffffffffffffffn, [RBX]: 1n } });
    expect([outcome(r), run.mock.calls.length, m.cpu.rip - CODE, m.cpu.instructions]).toEqual(['ok', 3, 5, 3]);
  });

  it('a guest INT3 inside the code is #BP (RIP after it, a trap); resume() then runs to the end', () => {
    const m = new Machine();
    expect([outcome(m.run([...NOP, ...INT3, ...NOP], { path })), m.cpu.rip - CODE, m.cpu.instructions]).toEqual(['#BP', 2, 2]);
    expect([outcome(m.resume()), m.cpu.rip - CODE, m.cpu.instructions]).toEqual(['ok', 3, 3]);
    // At the end already: nothing runs.
    expect([outcome(m.resume()), m.cpu.rip - CODE, m.cpu.instructions]).toEqual(['ok', 3, 3]);
  });

  it('code at CPL 3 ends too (gate 3 has DPL 3)', () => {
    const m = new Machine();
    expect([outcome(m.run([...NOP, ...NOP], { path, cpl: 3 })), m.cpu.rip - CODE, m.cpu.instructions, m.cpu.cpl]).toEqual(['ok', 2, 2, 3]);
  });

  it('a single-step trap after the last instruction is #DB at the end; resume() then ends', () => {
    const m = new Machine();
    expect([outcome(m.run(NOP, { path, rflags: FIXED | TF })), m.cpu.rip - CODE, m.cpu.instructions]).toEqual(['#DB', 1, 1]);
    expect([outcome(m.resume()), m.cpu.rip - CODE, m.cpu.instructions, m.cpu.getRflags() & TF]).toEqual(['ok', 1, 1, TF]);
  });

  it('a jump to the end ends; a jump past it meets the INT3 filler (#BP)', () => {
    const m = new Machine();
    // jmp .+3 (to the end, over an INT3 in the code)
    expect([outcome(m.run([0xeb, 0x01, ...INT3], { path })), m.cpu.rip - CODE, m.cpu.instructions]).toEqual(['ok', 3, 1]);
    // jmp .+3 with the code ending after the jump: the INT3 at CODE + 3 is the guest's
    expect([outcome(m.run([0xeb, 0x01], { path })), m.cpu.rip - CODE, m.cpu.instructions]).toEqual(['#BP', 4, 2]);
  });

  it('the budget: maxInstructions short of the end is limit; exactly enough ends', () => {
    const m = new Machine();
    expect([outcome(m.run([...NOP, ...NOP, ...NOP], { path, maxInstructions: 2 })), m.cpu.rip - CODE]).toEqual(['limit', 2]);
    expect([outcome(m.run([...NOP, ...NOP, ...NOP], { path, maxInstructions: 3 })), m.cpu.rip - CODE]).toEqual(['ok', 3]);
  });

  it('code that leaves the INT3 no IDT (LIDT of limit 0) throws: it must run with step', () => {
    const m = new Machine();
    m.mem.write16(m.dataPhys, 0);                   // limit 0, base 0
    m.mem.write64(m.dataPhys + 2, 0n);
    const lidt = [0x48, 0xc7, 0xc0, ...[DATA_LIN, DATA_LIN >> 8, DATA_LIN >> 16, 0].map((b) => b & 0xff), 0x0f, 0x01, 0x18]; // mov $DATA,%rax; lidt (%rax)
    expect(() => m.run(lidt, { path })).toThrow(/step: true/);
    expect([outcome(m.run(lidt, { path, step: true })), m.cpu.rip - CODE, m.cpu.idtrLimit]).toEqual(['ok', 10, 0]);
  });

  it('with #BP delivered to a handler (gate 3 not intercepted) the run steps: the end is still ok', () => {
    const m = new Machine();
    setGate(m, 3, { target: HANDLER, dpl: 3 });
    expect([outcome(m.run([...NOP, ...NOP], { path })), m.cpu.rip - CODE, m.cpu.instructions]).toEqual(['ok', 2, 2]);
  });
});
