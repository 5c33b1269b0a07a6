// Hot loops with exact, hand-computed results, for the risks of a tier that
// runs whole blocks (issue 11): a fault in the middle of a block after
// hundreds of iterations (RIP, registers, CR2, error code and instruction count
// of exactly the instructions before the fault), an instruction budget that
// ends inside a block, RDTSC inside a block (TSC = instructions retired before
// it, docs/cpu-model.md), and REP STOSB turning the rest of the running block
// into NOPs. Every case one Cpu.run (or two around the budget), on every path.
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import { TierMachine, T_CODE, T_DATA, T_DATA_SIZE, T_STACK } from './helpers/tier-machine.js';

const machine = new TierMachine();

function load(code: number[], path: (typeof EXECUTION_PATHS)[number], cpl: 0 | 3 = 0): void {
  const regs = new Array<bigint>(16).fill(0n);
  regs[4] = BigInt(T_STACK + 0x1000);
  regs[14] = BigInt(T_DATA);
  machine.load({ code: Uint8Array.from(code), origin: 0, data: new Uint8Array(T_DATA_SIZE), regs, rflags: 0, xmm: new Uint8Array(256), cpl }, path);
}

// RSI walks the data area in steps of 0x10: pages 0-1 writable, 2 read-only (reads fine), 3 unmapped.
const WALK = [
  0x31, 0xdb,                               // 00: xor ebx,ebx
  0x49, 0x8d, 0x36,                         // 02: lea rsi,[r14]
  0x83, 0xc3, 0x01,                         // 05: top: add ebx,1
  0x8b, 0x06,                               // 08: mov eax,[rsi]
  0x83, 0xc3, 0x10,                         // 0a: add ebx,0x10
  0x48, 0x83, 0xc6, 0x10,                   // 0d: add rsi,0x10
  0xeb, 0xf2,                               // 11: jmp top
];
const ITERATIONS = 0x3000 / 0x10; // complete iterations before RSI reaches the unmapped page

const RDTSC_LOOP = [
  0xb9, 0x64, 0x00, 0x00, 0x00,             // 00: mov ecx,100
  0x0f, 0x31,                               // 05: top: rdtsc
  0xff, 0xc9,                               // 07: dec ecx
  0x75, 0xfa,                               // 09: jne top
  0xf4,                                     // 0b: hlt
];

// Iterations 1-2 add 2 to EBX; iteration 3 fills the two ADDs after the REP STOSB (the rest of its block) with NOPs.
const NOP_REST_OF_BLOCK = [
  0x31, 0xdb,                               // 00: xor ebx,ebx
  0x31, 0xd2,                               // 02: xor edx,edx
  0xff, 0xc2,                               // 04: top: inc edx
  0x83, 0xfa, 0x03,                         // 06: cmp edx,3
  0x75, 0x13,                               // 09: jne 0x1e
  0x48, 0x8d, 0x3d, 0x0c, 0x00, 0x00, 0x00, // 0b: lea rdi,[rip+0xc]  (→ 1e)
  0xb9, 0x06, 0x00, 0x00, 0x00,             // 12: mov ecx,6
  0xb0, 0x90,                               // 17: mov al,0x90
  0xfc,                                     // 19: cld
  0xf3, 0xaa,                               // 1a: rep stosb
  0x90, 0x90,                               // 1c: nop; nop
  0x83, 0xc3, 0x01,                         // 1e: add ebx,1
  0x83, 0xc3, 0x01,                         // 21: add ebx,1
  0x81, 0xfa, 0x2c, 0x01, 0x00, 0x00,       // 24: cmp edx,300
  0x75, 0xd8,                               // 2a: jne top
  0xf4,                                     // 2c: hlt
];

// A hot loop at CPL 0 around MOV RAX,CR3 (compiled code where the tier compiles; the MOV runs on its
// handler), then IRETQ to CPL 3 into the same loop: the MOV's #GP(0) (a privileged instruction, SDM
// Vol. 3A §5.9) must come before its handler runs, however the loop's code was compiled.
const PRIVILEGED_IN_HOT_LOOP = [
  0x31, 0xdb,                               // 00: xor ebx,ebx
  0x31, 0xc9,                               // 02: xor ecx,ecx
  0x83, 0xc3, 0x01,                         // 04: top: add ebx,1
  0x83, 0xc3, 0x01,                         // 07: add ebx,1
  0x0f, 0x20, 0xd8,                         // 0a: mov rax,cr3
  0x83, 0xc3, 0x01,                         // 0d: add ebx,1
  0xff, 0xc1,                               // 10: inc ecx
  0x83, 0xf9, 0x0a,                         // 12: cmp ecx,10
  0x75, 0xed,                               // 15: jne top
  0x48, 0x89, 0xe2,                         // 17: mov rdx,rsp
  0x6a, 0x23,                               // 1a: push 0x23  (SS: user data)
  0x52,                                     // 1c: push rdx
  0x9c,                                     // 1d: pushfq
  0x6a, 0x2b,                               // 1e: push 0x2b  (CS: user code 64)
  0x48, 0x8d, 0x05, 0xdd, 0xff, 0xff, 0xff, // 20: lea rax,[rip-0x23]  (top)
  0x50,                                     // 27: push rax
  0x48, 0xcf,                               // 28: iretq
];

describe.each(EXECUTION_PATHS)('hot loops, exact state (%s path)', (path) => {
  it(`a read faults in the middle of the loop body after ${ITERATIONS} iterations: #PF(0) at the MOV, CR2, EBX and the count of the instructions before it`, () => {
    load(WALK, path);
    machine.run(100_000);
    const s = machine.snapshot();
    expect({ stop: s.stop, vector: s.vector, errorCode: s.errorCode, cr2: s.cr2, rip: s.rip }).toEqual({
      stop: 'exception', vector: 14, errorCode: 0, cr2: `0x${(T_DATA + 0x3000).toString(16)}`, rip: `0x${(T_CODE + 0x08).toString(16)}`,
    });
    expect(s.regs[3]).toBe(`0x${(ITERATIONS * 0x11 + 1).toString(16)}`); // the ADD before the MOV retired, the one after did not
    expect(s.regs[6]).toBe(`0x${(T_DATA + 0x3000).toString(16)}`);
    expect(s.instructions).toBe(2 + ITERATIONS * 5 + 1);
  });

  it('a budget of 1000 instructions stops after the second ADD of iteration 200; the rest runs on to the same fault', () => {
    load(WALK, path);
    machine.run(1000); // 2 + 199 iterations * 5 + 3
    const s = machine.snapshot();
    expect({ stop: s.stop, instructions: s.instructions, rip: s.rip, rbx: s.regs[3], rsi: s.regs[6] }).toEqual({
      stop: 'limit', instructions: 1000, rip: `0x${(T_CODE + 0x0d).toString(16)}`, rbx: `0x${(200 * 0x11).toString(16)}`, rsi: `0x${(T_DATA + 199 * 0x10).toString(16)}`,
    });
    machine.run(100_000);
    const e = machine.snapshot();
    expect([e.stop, e.vector, e.rip, e.instructions, e.regs[3]]).toEqual(['exception', 14, `0x${(T_CODE + 0x08).toString(16)}`, 2 + ITERATIONS * 5 + 1, `0x${(ITERATIONS * 0x11 + 1).toString(16)}`]);
  });

  it('RDTSC in the loop body reads the number of instructions retired before it (the last one: 1 + 99 * 3)', () => {
    load(RDTSC_LOOP, path);
    machine.run(100_000);
    const s = machine.snapshot();
    expect([s.stop, s.instructions, s.regs[0], s.regs[2]]).toEqual(['halt', 1 + 100 * 3 + 1, `0x${(1 + 99 * 3).toString(16)}`, '0x0']);
  });

  it('REP STOSB overwrites the rest of its own block with NOPs in iteration 3 of 300: EBX = 4', () => {
    load(NOP_REST_OF_BLOCK, path);
    machine.run(100_000);
    const s = machine.snapshot();
    expect([s.stop, s.regs[3]]).toEqual(['halt', '0x4']);
    expect(Array.from(s.code.subarray(0x1e, 0x24))).toEqual([0x90, 0x90, 0x90, 0x90, 0x90, 0x90]);
  });

  it('MOV from CR3 in a hot loop at CPL 0, then at CPL 3: #GP(0) at it, EBX = 32, nothing after it retired', () => {
    load(PRIVILEGED_IN_HOT_LOOP, path);
    machine.run(100_000);
    const s = machine.snapshot();
    expect([s.stop, s.vector, s.errorCode, s.rip, s.regs[3], s.instructions]).toEqual(['exception', 13, 0, `0x${(T_CODE + 0x0a).toString(16)}`, '0x20', 2 + 10 * 7 + 8 + 2]);
  });
});
