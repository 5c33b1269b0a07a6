// Self-modifying code: stores into decoded code must take effect (the
// decoded-instruction cache drops the frame), on every execution path.
import { describe, it, expect } from 'vitest';
import { EXECUTION_PATHS } from '../src/index.js';
import { Vm } from '../src/vm.js';
import { writeElf, KERNEL_BASE, PF_R, PF_W, PF_X } from './helpers/elf-writer.js';

const rwx = (code: number[]) => writeElf({ entry: KERNEL_BASE, segments: [{ vaddr: KERNEL_BASE, data: Uint8Array.from(code), flags: PF_R | PF_W | PF_X }] });

for (const executionPath of EXECUTION_PATHS) {
  describe(`self-modifying code (${executionPath} path)`, () => {
    it('patching an instruction that already ran changes its next execution', () => {
      const code = [
        0xb8, 0x01, 0x00, 0x00, 0x00,             // 0: mov eax,1   (imm patched to 2)
        0x83, 0xfa, 0x01,                         // 5: cmp edx,1
        0x74, 0x0e,                               // 8: je 0x18
        0xc6, 0x05, 0xf0, 0xff, 0xff, 0xff, 0x02, // a: mov byte [rip-0x10],2  (→ address 1)
        0xba, 0x01, 0x00, 0x00, 0x00,             // 11: mov edx,1
        0xeb, 0xe8,                               // 16: jmp 0
        0xf4,                                     // 18: hlt
      ];
      const vm = Vm.fromElf(rwx(code), { executionPath });
      expect(vm.run().outcome).toBe('halt');
      expect(vm.regs().rax).toBe(2n);
    });
    it('patching the very next instruction takes effect', () => {
      const code = [0xc6, 0x05, 0x01, 0x00, 0x00, 0x00, 0x09, 0xb0, 0x05, 0xf4]; // mov byte [rip+1],9; mov al,5; hlt
      const vm = Vm.fromElf(rwx(code), { executionPath });
      expect(vm.run().outcome).toBe('halt');
      const { rax } = vm.regs();
      expect(rax === undefined ? 'no rax' : rax & 0xffn).toBe(9n);
    });
    it('a 32-bit store that wrote to a page before its code was decoded still patches that code', () => {
      // The interpreter's MOV (on the first page) keeps a copy of the TLB entry of the page it
      // writes (mmu.ts AccessCache): decoding code from that page takes its write permission
      // back, which must outdate the copy too, so the next store is seen as a write to code.
      const code = [
        0x31, 0xc0,                         // 0: xor eax,eax
        0xb9, 0x03, 0x00, 0x00, 0x00,       // 2: mov ecx,3
        0x89, 0x0d, 0xf4, 0x0f, 0x00, 0x00, // 7: mov [rip+0xff4],ecx  (0x1001: the imm32 of the add there)
        0xe8, 0xee, 0x0f, 0x00, 0x00,       // d: call 0x1000
        0xff, 0xc9,                         // 12: dec ecx
        0x75, 0xf1,                         // 14: jne 7
        0xf4,                               // 16: hlt
      ];
      const image = [...code, ...new Array<number>(0x1000 - code.length).fill(0),
        0x05, 0x00, 0x00, 0x00, 0x00,       // 1000: add eax,imm32  (3, then 2, then 1)
        0xc3];                              // 1005: ret
      const vm = Vm.fromElf(rwx(image), { executionPath });
      expect(vm.run().outcome).toBe('halt');
      const { rax } = vm.regs();
      expect(rax === undefined ? 'no rax' : rax & 0xffffffffn).toBe(6n);
    });
    it('a store patching the next instruction, both decoded before, takes effect (no branch between)', () => {
      // The first pass stores into the data page (the code stays decoded); the second patches the ADD's imm8.
      const code = [
        0x31, 0xc0,                               // 0: xor eax,eax
        0x31, 0xd2,                               // 2: xor edx,edx
        0xb9, 0x02, 0x00, 0x00, 0x00,             // 4: mov ecx,2
        0x48, 0x8d, 0x1d, 0xf0, 0x0f, 0x00, 0x00, // 9: lea rbx,[rip+0xff0]  (the data page)
        0x88, 0x13,                               // 10: mov [rbx],dl
        0x04, 0x05,                               // 12: add al,5  (imm8 patched to 7 on the second pass)
        0x48, 0x8d, 0x1d, 0xf8, 0xff, 0xff, 0xff, // 14: lea rbx,[rip-8]  (the ADD's imm8)
        0xb2, 0x07,                               // 1b: mov dl,7
        0xff, 0xc9,                               // 1d: dec ecx
        0x75, 0xef,                               // 1f: jne 0x10
        0xf4,                                     // 21: hlt
      ];
      const image = [...code, ...new Array<number>(0x1008 - code.length).fill(0)];
      const vm = Vm.fromElf(rwx(image), { executionPath });
      expect(vm.run().outcome).toBe('halt');
      const { rax } = vm.regs();
      expect(rax === undefined ? 'no rax' : rax & 0xffn).toBe(12n);
    });
    /** Runs `code` padded to `size` bytes: four passes adding 5, then the patched 8, 9 and 10, to EAX. */
    const expectPatchedPasses = (code: number[], size: number) => {
      const vm = Vm.fromElf(rwx([...code, ...new Array<number>(size - code.length).fill(0)]), { executionPath });
      expect(vm.run().outcome).toBe('halt');
      const { rax } = vm.regs();
      expect(rax === undefined ? 'no rax' : rax & 0xffffffffn).toBe(5n + 8n + 9n + 10n);
    };
    // The compiled tier stores to a page it holds in a region's cache without a check after the
    // store; one that goes through the MMU (here: each to the code page) must leave the block. The
    // patched immediate changes at every pass, so a pass that ran stale code would add the old one.
    it('an 8-byte store through a register patching the next instruction of its block takes effect', () => {
      const code = [
        0x31, 0xc0,                               // 0: xor eax,eax
        0xb9, 0x04, 0x00, 0x00, 0x00,             // 2: mov ecx,4
        0x48, 0x8d, 0x1d, 0xf2, 0x0f, 0x00, 0x00, // 7: lea rbx,[rip+0xff2]  (the data page)
        0x48, 0xba, 0x05, 0x07, 0x00, 0x00, 0x00, 0x48, 0x8d, 0x1d, // e: mov rdx,imm64 (the 8 bytes at 0x1b, imm 7)
        0x48, 0x89, 0x13,                         // 18: mov [rbx],rdx
        0x05, 0x05, 0x00, 0x00, 0x00,             // 1b: add eax,5  (patched to 8, 9, 10 on the next passes)
        0x48, 0x8d, 0x1d, 0xf4, 0xff, 0xff, 0xff, // 20: lea rbx,[rip-0xc]  (0x1b)
        0xfe, 0xc6,                               // 27: inc dh  (the immediate's low byte)
        0xff, 0xc9,                               // 29: dec ecx
        0x75, 0xeb,                               // 2b: jne 0x18
        0xf4,                                     // 2d: hlt
      ];
      expectPatchedPasses(code, 0x1008);
    });
    it('a PUSH patching the next instruction of its block takes effect', () => {
      const code = [
        0x31, 0xc0,                               // 0: xor eax,eax
        0xb9, 0x04, 0x00, 0x00, 0x00,             // 2: mov ecx,4
        0x48, 0x8d, 0x25, 0xf2, 0x17, 0x00, 0x00, // 7: lea rsp,[rip+0x17f2]  (0x1800, the data page)
        0x48, 0xba, 0x05, 0x07, 0x00, 0x00, 0x00, 0x48, 0x8d, 0x25, // e: mov rdx,imm64 (the 8 bytes at 0x19, imm 7)
        0x52,                                     // 18: push rdx
        0x05, 0x05, 0x00, 0x00, 0x00,             // 19: add eax,5  (patched to 8, 9, 10 on the next passes)
        0x48, 0x8d, 0x25, 0xfc, 0xff, 0xff, 0xff, // 1e: lea rsp,[rip-4]  (0x21: the push writes 0x19..0x20)
        0xfe, 0xc6,                               // 25: inc dh  (the immediate's low byte)
        0xff, 0xc9,                               // 27: dec ecx
        0x75, 0xed,                               // 29: jne 0x18
        0xf4,                                     // 2b: hlt
      ];
      expectPatchedPasses(code, 0x1808);
    });
  });
}
