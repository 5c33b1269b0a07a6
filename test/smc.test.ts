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
  });
}
