// Self-modifying loops where every instruction was already decoded in an
// earlier iteration, so the patched instruction is reached again with no
// decode-cache miss in between (SDM Vol. 3A §11.6: a store to code takes effect
// for the next execution). Stores by MOV, through a second virtual mapping of
// the same frame (the direct map), after INVLPG makes a fetch refill the TLB,
// and by REP STOSB / REP MOVSB.
// Each loop runs 5 times: iteration k patches the immediate that iteration k+1
// (or, for the store ahead, this iteration) loads; a stale decode repeats an
// old value and changes the sum in EBX.
import { describe, it, expect } from 'vitest';
import { Vm } from '../src/vm.js';
import { EXECUTION_PATHS, type ExecutionPath } from '../src/cpu/execution-path.js';
import { DIRECT_MAP_BASE } from '../src/guest/environment.js';
import { writeElf, KERNEL_BASE, PF_R, PF_W, PF_X } from './helpers/elf-writer.js';

/** RWX code at KERNEL_BASE and a RW data page at KERNEL_BASE + 0x100000. */
function image(code: number[]): Uint8Array {
  return writeElf({
    entry: KERNEL_BASE,
    segments: [
      { vaddr: KERNEL_BASE, data: Uint8Array.from(code), flags: PF_R | PF_W | PF_X },
      { vaddr: KERNEL_BASE + 0x100000n, data: new Uint8Array(4096), flags: PF_R | PF_W },
    ],
  });
}

function run(code: number[], executionPath: ExecutionPath, setup?: (vm: Vm) => void): { outcome: string; rbx: bigint } {
  const vm = Vm.fromElf(image(code), { executionPath, maxInstructions: 10_000 });
  setup?.(vm);
  const r = vm.run();
  return { outcome: r.outcome, rbx: vm.regs()['rbx'] ?? -1n };
}

// The patched instruction is B8 imm32 (mov eax, imm32) at `top`; sums are over k = 0..4 (or 1..5).
const PATCH_BEHIND = [
  0x31, 0xc9,                               // 00: xor ecx,ecx
  0x31, 0xdb,                               // 02: xor ebx,ebx
  0xb8, 0x00, 0x00, 0x00, 0x00,             // 04: top: mov eax,imm32 (imm byte patched to ecx)
  0x01, 0xc3,                               // 09: add ebx,eax
  0xff, 0xc1,                               // 0b: inc ecx
  0x88, 0x0d, 0xf2, 0xff, 0xff, 0xff,       // 0d: mov [rip-0xe],cl  (→ 05, the imm of top)
  0x83, 0xf9, 0x05,                         // 13: cmp ecx,5
  0x75, 0xec,                               // 16: jne top
  0xf4,                                     // 18: hlt
];

const PATCH_AHEAD = [
  0x31, 0xc9,                               // 00: xor ecx,ecx
  0x31, 0xdb,                               // 02: xor ebx,ebx
  0xff, 0xc1,                               // 04: top: inc ecx
  0x88, 0x0d, 0x05, 0x00, 0x00, 0x00,       // 06: mov [rip+5],cl  (→ 11, the imm of target)
  0x83, 0xc2, 0x01,                         // 0c: add edx,1
  0x90,                                     // 0f: nop
  0xb8, 0x00, 0x00, 0x00, 0x00,             // 10: target: mov eax,imm32
  0x01, 0xc3,                               // 15: add ebx,eax
  0x83, 0xf9, 0x05,                         // 17: cmp ecx,5
  0x75, 0xe8,                               // 1a: jne top
  0xf4,                                     // 1c: hlt
];

const PATCH_THROUGH_ALIAS = [                // RSI = another virtual address of the code frame
  0x31, 0xc9,                               // 00: xor ecx,ecx
  0x31, 0xdb,                               // 02: xor ebx,ebx
  0xb8, 0x00, 0x00, 0x00, 0x00,             // 04: top: mov eax,imm32
  0x01, 0xc3,                               // 09: add ebx,eax
  0xff, 0xc1,                               // 0b: inc ecx
  0x88, 0x4e, 0x05,                         // 0d: mov [rsi+5],cl
  0x83, 0xf9, 0x05,                         // 10: cmp ecx,5
  0x75, 0xef,                               // 13: jne top
  0xf4,                                     // 15: hlt
];

const PATCH_BY_REP_STOSB = [                 // imm32 = k * 0x01010101
  0x31, 0xd2,                               // 00: xor edx,edx
  0x31, 0xdb,                               // 02: xor ebx,ebx
  0xb8, 0x00, 0x00, 0x00, 0x00,             // 04: top: mov eax,imm32
  0x01, 0xc3,                               // 09: add ebx,eax
  0xff, 0xc2,                               // 0b: inc edx
  0x89, 0xd0,                               // 0d: mov eax,edx
  0x48, 0x8d, 0x3d, 0xef, 0xff, 0xff, 0xff, // 0f: lea rdi,[rip-0x11]  (→ 05)
  0xb9, 0x04, 0x00, 0x00, 0x00,             // 16: mov ecx,4
  0xf3, 0xaa,                               // 1b: rep stosb
  0x83, 0xfa, 0x05,                         // 1d: cmp edx,5
  0x75, 0xe2,                               // 20: jne top
  0xf4,                                     // 22: hlt
];

const PATCH_BY_REP_MOVSB = [                 // copies the counter from the data page into imm32
  0x31, 0xd2,                               // 00: xor edx,edx
  0x31, 0xdb,                               // 02: xor ebx,ebx
  0xb8, 0x00, 0x00, 0x00, 0x00,             // 04: top: mov eax,imm32
  0x01, 0xc3,                               // 09: add ebx,eax
  0xff, 0xc2,                               // 0b: inc edx
  0x89, 0x15, 0xed, 0xff, 0x0f, 0x00,       // 0d: mov [rip+0xfffed],edx  (→ data page)
  0x48, 0x8d, 0x35, 0xe6, 0xff, 0x0f, 0x00, // 13: lea rsi,[rip+0xfffe6]  (→ data page)
  0x48, 0x8d, 0x3d, 0xe4, 0xff, 0xff, 0xff, // 1a: lea rdi,[rip-0x1c]     (→ 05)
  0xb9, 0x04, 0x00, 0x00, 0x00,             // 21: mov ecx,4
  0xf3, 0xa4,                               // 26: rep movsb
  0x83, 0xfa, 0x05,                         // 28: cmp edx,5
  0x75, 0xd7,                               // 2b: jne top
  0xf4,                                     // 2d: hlt
];

/** INVLPG drops the code page's TLB entry, so an instruction fetch refills it before each patch. */
const PATCH_AFTER_INVLPG = [
  0x31, 0xc9,                               // 00: xor ecx,ecx
  0x31, 0xdb,                               // 02: xor ebx,ebx
  0xb8, 0x00, 0x00, 0x00, 0x00,             // 04: top: mov eax,imm32
  0x01, 0xc3,                               // 09: add ebx,eax
  0xff, 0xc1,                               // 0b: inc ecx
  0x0f, 0x01, 0x3d, 0xf0, 0xff, 0xff, 0xff, // 0d: invlpg [rip-0x10]  (→ top)
  0x88, 0x0d, 0xeb, 0xff, 0xff, 0xff,       // 14: mov [rip-0x15],cl   (→ 05)
  0x83, 0xf9, 0x05,                         // 1a: cmp ecx,5
  0x75, 0xe5,                               // 1d: jne top
  0xf4,                                     // 1f: hlt
];

/** Points RSI at the code through the direct map: a second mapping of the same physical frame. */
function aliasRsi(vm: Vm): void {
  const phys = vm.translate(KERNEL_BASE);
  if (phys === undefined) throw new Error('code is not mapped');
  const alias = BigInt.asUintN(64, BigInt(DIRECT_MAP_BASE + phys));
  expect(vm.translate(alias)).toBe(phys);
  vm.cpu.setReg64(6, alias);
}

for (const executionPath of EXECUTION_PATHS) {
  describe(`self-modifying loops, all code already decoded (${executionPath} path)`, () => {
    it('a store patches an instruction behind it that ran last iteration', () => {
      expect(run(PATCH_BEHIND, executionPath)).toEqual({ outcome: 'halt', rbx: 0n + 1n + 2n + 3n + 4n });
    });
    it('a store patches an instruction ahead of it on the same page, decoded last iteration', () => {
      expect(run(PATCH_AHEAD, executionPath)).toEqual({ outcome: 'halt', rbx: 1n + 2n + 3n + 4n + 5n });
    });
    it('a store through a second virtual mapping of the code frame', () => {
      expect(run(PATCH_THROUGH_ALIAS, executionPath, aliasRsi)).toEqual({ outcome: 'halt', rbx: 10n });
    });
    it('the code page is re-entered in the TLB by a fetch (after INVLPG) between patches', () => {
      expect(run(PATCH_AFTER_INVLPG, executionPath)).toEqual({ outcome: 'halt', rbx: 10n });
    });
    it('REP STOSB patches the immediate', () => {
      expect(run(PATCH_BY_REP_STOSB, executionPath)).toEqual({ outcome: 'halt', rbx: 10n * 0x01010101n });
    });
    it('REP MOVSB patches the immediate', () => {
      expect(run(PATCH_BY_REP_MOVSB, executionPath)).toEqual({ outcome: 'halt', rbx: 10n });
    });
  });
}
