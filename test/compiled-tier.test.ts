// The compiled tier against the interpreter on code it compiles: loops that
// stay in a compiled region, stopped by every instruction budget; a fault in
// the middle of a block; RDTSC (retired instructions) inside a compiled loop.
// Every tier must end in the same state: registers, RFLAGS, RIP, instruction
// count and outcome. (Self-modifying code in compiled loops: smc-loop.test.ts;
// random programs: fuzz-tiers.test.ts; every other suite runs on every tier.)
import { describe, expect, it } from 'vitest';
import { Vm } from '../src/vm.js';
import { EXECUTION_PATHS, type ExecutionPath } from '../src/cpu/execution-path.js';
import { writeElf, KERNEL_BASE, PF_R, PF_W, PF_X } from './helpers/elf-writer.js';

function image(code: number[]): Uint8Array {
  return writeElf({ entry: KERNEL_BASE, segments: [{ vaddr: KERNEL_BASE, data: Uint8Array.from(code), flags: PF_R | PF_W | PF_X }] });
}

interface End { outcome: string; instructions: number; regs: string; regions: number }

function run(code: number[], executionPath: ExecutionPath, maxInstructions: number): End {
  const vm = Vm.fromElf(image(code), { executionPath, maxInstructions });
  const r = vm.run();
  const regs = JSON.stringify(vm.regs(), (_, v) => (typeof v === 'bigint' ? v.toString(16) : v));
  return { outcome: r.outcome, instructions: r.instructions, regs, regions: vm.cpu.compiledRegions };
}

/** Runs on every tier; returns the compiled tier's end after checking the others agree. */
function agree(code: number[], budget: number): End {
  const ends = EXECUTION_PATHS.map((p) => run(code, p, budget));
  const [first, ...rest] = ends;
  for (const e of rest) expect({ ...e, regions: 0 }).toEqual({ ...first!, regions: 0 });
  return ends[EXECUTION_PATHS.indexOf('compiled')]!;
}

const LOOP = [
  0xb9, 0x32, 0x00, 0x00, 0x00,       // 0:  mov ecx, 50
  0x31, 0xc0,                         // 5:  xor eax, eax
  0x48, 0x01, 0xc8,                   // 7:  top: add rax, rcx
  0x48, 0x6b, 0xd0, 0x03,             // 10: imul rdx, rax, 3
  0x48, 0x0f, 0xaf, 0xd1,             // 14: imul rdx, rcx
  0x88, 0xc3,                         // 18: mov bl, al
  0x80, 0xf3, 0x5a,                   // 20: xor bl, 0x5a
  0x48, 0x8d, 0x74, 0x5a, 0x07,       // 23: lea rsi, [rdx + rbx*2 + 7]
  0xff, 0xc9,                         // 28: dec ecx
  0x75, 0xe7,                         // 30: jnz top (32 - 25 = 7)
  0xf4,                               // 32: hlt
];

describe('compiled tier', () => {
  it('a loop stopped by every budget ends in the same state on every tier, and runs as compiled code', () => {
    for (const budget of [...Array.from({ length: 40 }, (_, k) => k + 1), 97, 200, 360, 361, 362, 1000]) agree(LOOP, budget);
    const full = agree(LOOP, 1000);
    expect(full.outcome).toBe('halt');
    expect(full.instructions).toBe(2 + 50 * 8 + 1);
    expect(full.regions).toBeGreaterThan(0);
  });

  it('a fault in the middle of a compiled block reports its own RIP, with the state before it', () => {
    const code = [
      0x48, 0xbe, 0, 0, 0, 0, 0, 0x70, 0, 0, // movabs rsi, 0x0000700000000000 (unmapped)
      0xb8, 0x01, 0x00, 0x00, 0x00,        // mov eax, 1
      0x48, 0x8b, 0x1e,                    // mov rbx, [rsi]: #PF
      0xb8, 0x02, 0x00, 0x00, 0x00,        // mov eax, 2
      0xf4,
    ];
    const end = agree(code, 100);
    const regs = JSON.parse(end.regs) as Record<string, string>;
    // No IDT in this bare image: the #PF becomes a triple fault, with RIP still at the load.
    expect(end.outcome).toBe('shutdown');
    expect(regs['rip']).toBe((KERNEL_BASE + 15n).toString(16));
    expect(regs['rax']).toBe('1');
    expect(end.instructions).toBe(2);
    expect(end.regions).toBeGreaterThan(0);
  });

  it('RDTSC in a compiled loop reads the retired-instruction count the interpreter reads', () => {
    const code = [
      0xb9, 0x0a, 0x00, 0x00, 0x00,       // mov ecx, 10
      0x0f, 0x31,                         // top: rdtsc
      0x4c, 0x01, 0xc0,                   // add rax, r8
      0x49, 0x89, 0xc0,                   // mov r8, rax
      0xff, 0xc9,                         // dec ecx
      0x75, 0xf4,                         // jnz top (17 - 12 = 5)
      0xf4,
    ];
    const end = agree(code, 1000);
    expect(end.outcome).toBe('halt');
    expect(end.regions).toBeGreaterThan(0);
  });
});
