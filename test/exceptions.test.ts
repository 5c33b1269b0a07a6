// Exception delivery through the 64-bit IDT (SDM Vol. 3A §6.12-§6.15): frames,
// error codes, IST, the double-fault rules and triple fault; decoder-level
// exceptions (#UD for bad LOCK, #GP for >15-byte instructions).
import { beforeAll, describe, it, expect } from 'vitest';
import { Vm } from '../src/vm.js';
import { EXECUTION_PATHS, type ExecutionPath } from '../src/cpu/execution-path.js';
import { codeImage, KERNEL_BASE } from './helpers/elf-writer.js';

const DATA = KERNEL_BASE + 0x100000n; // the RW page codeImage maps after the code
const signed = (v: bigint) => Number(BigInt.asIntN(64, v));

interface Gate { vector: number; target: bigint; ist?: number; type?: number; dpl?: number; present?: boolean }

/** The execution path the suites below run on (each runs once per path). */
let path: ExecutionPath = 'interp';

/** Builds a VM whose IDT (in the data page) has the given gates, then sets IDTR. */
function vmWith(code: number[], gates: Gate[], setup?: (vm: Vm) => void): Vm {
  const data = new Uint8Array(4096);
  const dv = new DataView(data.buffer);
  for (const g of gates) {
    const o = g.vector * 16, t = g.target;
    dv.setUint16(o, Number(t & 0xffffn), true);
    dv.setUint16(o + 2, 0x08, true);
    dv.setUint8(o + 4, g.ist ?? 0);
    dv.setUint8(o + 5, ((g.present ?? true) ? 0x80 : 0) | ((g.dpl ?? 0) << 5) | (g.type ?? 0xe));
    dv.setUint16(o + 6, Number((t >> 16n) & 0xffffn), true);
    dv.setUint32(o + 8, Number((t >> 32n) & 0xffffffffn), true);
  }
  const padded = new Array(0x400).fill(0xf4); // HLT everywhere: handlers at any offset just halt
  code.forEach((b, k) => { padded[k] = b; });
  const vm = Vm.fromElf(codeImage(padded, data), { executionPath: path });
  vm.cpu.idtrBase = signed(DATA);
  vm.cpu.idtrLimit = 0xfff;
  setup?.(vm);
  return vm;
}

const H = (off: number) => KERNEL_BASE + BigInt(off); // a handler address inside the HLT padding
function stackWords(vm: Vm, n: number): bigint[] {
  const rsp = vm.regs().rsp;
  const b = vm.readVirtual(rsp, n * 8)!;
  const dv = new DataView(b.buffer);
  return Array.from({ length: n }, (_, k) => dv.getBigUint64(k * 8, true));
}

for (const p of EXECUTION_PATHS) {
describe(`exceptions on the ${p} path`, () => {
  beforeAll(() => { path = p; });
  describe('IDT delivery', () => {
    it('#UD: frame RIP, CS, RFLAGS, RSP, SS; RSP aligned; IF cleared by an interrupt gate', () => {
      // sti is not allowed to matter: use popf to set IF: push 0x202; popf; ud2
      const vm = vmWith([0x68, 0x02, 0x02, 0, 0, 0x9d, 0x0f, 0x0b], [{ vector: 6, target: H(0x200) }]);
      const r = vm.run();
      expect(r.outcome).toBe('halt');
      expect(vm.regs().rip).toBe(H(0x201));
      const [rip, cs, rflags, rsp, ss] = stackWords(vm, 5);
      expect(rip).toBe(H(6));
      expect(cs).toBe(0x08n);
      expect(rflags).toBe(0x10202n); // RF = 1: #UD is a fault (SDM §17.3.1.1)
      expect(rsp).toBe(0xfffffe0000020000n);
      expect(ss).toBe(0x10n);
      expect(vm.regs().rflags & 0x200n).toBe(0n);
    });
    it('a trap gate keeps IF; #BP (int3) pushes the next RIP', () => {
      const vm = vmWith([0x68, 0x02, 0x02, 0, 0, 0x9d, 0xcc], [{ vector: 3, target: H(0x200), type: 0xf }]);
      vm.run();
      expect(stackWords(vm, 1)[0]).toBe(H(7));
      expect(vm.regs().rflags & 0x200n).toBe(0x200n);
    });
    it('#GP pushes an error code; #PF sets CR2 and pushes its error code', () => {
      // mov rax,[0x1000] → #PF(0) CR2=0x1000
      const vm = vmWith([0x48, 0x8b, 0x04, 0x25, 0x00, 0x10, 0x00, 0x00], [{ vector: 14, target: H(0x200) }]);
      vm.run();
      const [err, rip] = stackWords(vm, 2);
      expect(err).toBe(0n);
      expect(rip).toBe(H(0));
      expect(vm.cpu.cr2).toBe(0x1000);
    });
    it('a non-canonical memory operand raises #GP(0)', () => {
      // mov rax, 0x8000_0000_0000_0000; mov rbx,[rax]
      const vm = vmWith([0x48, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x48, 0x8b, 0x18], [{ vector: 13, target: H(0x200) }]);
      vm.run();
      expect(stackWords(vm, 2)).toEqual([0n, H(10)]);
    });
    it('INT n through a DPL-0 gate from CPL 0 works; a missing gate gives #NP(vector*8+2)', () => {
      const vm = vmWith([0xcd, 0x40], [{ vector: 0x40, target: H(0x200), present: false }, { vector: 11, target: H(0x300) }]);
      vm.run();
      expect(vm.regs().rip).toBe(H(0x301));
      expect(stackWords(vm, 2)).toEqual([BigInt(0x40 * 8 + 2), H(0)]);
    });
    it('INT n beyond the IDT limit gives #GP(vector*8+2) (no EXT for software interrupts)', () => {
      const vm = vmWith([0xcd, 0x40], [{ vector: 13, target: H(0x200) }], (v) => { v.cpu.idtrLimit = 14 * 16 - 1; });
      vm.run();
      expect(stackWords(vm, 2)).toEqual([BigInt(0x40 * 8 + 2), H(0)]);
    });
    it('INT n through a gate with DPL < CPL... at CPL 0 a DPL-0 gate is fine; the gate type must be 0xE/0xF', () => {
      const vm = vmWith([0xcd, 0x40], [{ vector: 0x40, target: H(0x200), type: 0xc }, { vector: 13, target: H(0x300) }]);
      vm.run();
      expect(stackWords(vm, 2)).toEqual([BigInt(0x40 * 8 + 2), H(0)]);
    });
    it('IST1 switches stacks (to the ABI IST1 stack)', () => {
      const vm = vmWith([0x0f, 0x0b], [{ vector: 6, target: H(0x200), ist: 1 }]);
      vm.run();
      expect(vm.regs().rsp).toBe(0xfffffe0000034000n - 40n);
    });
    it('iretq returns to the interrupted code with its flags and stack', () => {
      // handler at 0x200: add qword [rsp], 2 (skip the ud2); iretq.  main: ud2; mov eax, 7; hlt
      const code = [0x0f, 0x0b, 0xb8, 0x07, 0, 0, 0, 0xf4];
      const vm = vmWith(code, [{ vector: 6, target: H(0x200) }], (v) => {
        const h = [0x48, 0x83, 0x04, 0x24, 0x02, 0x48, 0xcf];
        const pa = v.translate(H(0x200))!;
        v.mem.u8.set(h, pa);
      });
      const r = vm.run();
      expect(r.outcome).toBe('halt');
      expect(vm.regs().rax).toBe(7n);
      expect(vm.regs().rsp).toBe(0xfffffe0000020000n);
    });
  });

  describe('read-modify-write faults are writes (#PF with W=1)', () => {
    const cases: [string, number[], number][] = [
      ['add [0x1000], eax (not present)', [0x01, 0x04, 0x25, 0x00, 0x10, 0x00, 0x00], 0x2],
      ['add [rip], eax on the read-only code page', [0x01, 0x05, 0x00, 0x00, 0x00, 0x00], 0x3],
      ['inc qword [rip] (read-only)', [0x48, 0xff, 0x05, 0x00, 0x00, 0x00, 0x00], 0x3],
      ['shl dword [rip], 0 (count 0 still checks the write)', [0xc1, 0x25, 0x00, 0x00, 0x00, 0x00, 0x00], 0x3],
      ['cmp [rip], eax (no write): allowed', [0x39, 0x05, 0x00, 0x00, 0x00, 0x00], -1],
    ];
    it.each(cases)('%s', (_name, code, err) => {
      const vm = vmWith(code, [{ vector: 14, target: H(0x200) }]);
      vm.run();
      if (err < 0) { expect(vm.regs().rip).toBe(H(code.length + 1)); return; }
      expect(vm.regs().rip).toBe(H(0x201));
      expect(stackWords(vm, 2)).toEqual([BigInt(err), H(0)]);
    });
  });

  describe('double and triple faults (SDM Table 6-5)', () => {
    const badStack = (v: Vm) => v.cpu.setReg64(4, 0x1000n); // unmapped: every push faults
    it('#UD whose delivery page-faults twice becomes #DF, delivered on IST1', () => {
      const vm = vmWith([0x0f, 0x0b], [{ vector: 6, target: H(0x200) }, { vector: 14, target: H(0x280) }, { vector: 8, target: H(0x300), ist: 1 }], badStack);
      expect(vm.run().outcome).toBe('halt');
      expect(vm.regs().rip).toBe(H(0x301));
      expect(stackWords(vm, 2)).toEqual([0n, H(0)]); // #DF error code 0, RIP of the ud2
    });
    it('contributory + contributory → #DF', () => {
      // #GP gate points at a non-canonical... use: #GP delivery needs the #GP gate's CS: selector 0x18 is 32-bit code → #GP again
      const vm = vmWith([0x0f, 0x0b], [{ vector: 6, target: H(0x200), present: false }, { vector: 11, target: H(0x200), present: false }, { vector: 8, target: H(0x300) }]);
      expect(vm.run().outcome).toBe('halt');
      expect(vm.regs().rip).toBe(H(0x301));
    });
    it('a fault while delivering #DF is a triple fault: shutdown', () => {
      const vm = vmWith([0x0f, 0x0b], [{ vector: 6, target: H(0x200) }, { vector: 14, target: H(0x280) }, { vector: 8, target: H(0x300) }], badStack);
      expect(vm.run().outcome).toBe('shutdown');
    });
  });

  describe('decoder-level exceptions', () => {
    it('an instruction longer than 15 bytes raises #GP(0)', () => {
      const code = [...new Array(15).fill(0x66), 0x90];
      const vm = vmWith(code, [{ vector: 13, target: H(0x200) }]);
      vm.run();
      expect(stackWords(vm, 2)).toEqual([0n, H(0)]);
    });
    it('LOCK on a register destination or a non-lockable instruction raises #UD', () => {
      for (const code of [[0xf0, 0x48, 0x01, 0xc0], [0xf0, 0x90], [0xf0, 0x8b, 0x06]]) {
        const vm = vmWith(code, [{ vector: 6, target: H(0x200) }]);
        vm.run();
        expect(vm.regs().rip, code.join(',')).toBe(H(0x201));
        expect(stackWords(vm, 1)[0]).toBe(H(0));
      }
    });
    it('LOCK on a memory-destination ADD is legal', () => {
      // lock add [rip+0x100000-...], eax → use rsp-relative: lock add [rsp-8], eax
      const vm = vmWith([0xf0, 0x01, 0x44, 0x24, 0xf8], [{ vector: 6, target: H(0x200) }]);
      vm.run();
      expect(vm.regs().rip).toBe(H(6)); // ran into the HLT padding after the instruction
    });
    it('a REX prefix that is not last is ignored (48 66 90 is a 16-bit nop, not xchg)', () => {
      // mov rax,-1 ; 48 66 01 c0 = add ax,ax (REX.W ignored) ; hlt
      const vm = vmWith([0x48, 0xc7, 0xc0, 0xff, 0xff, 0xff, 0xff, 0x48, 0x66, 0x01, 0xc0], []);
      vm.run();
      expect(vm.regs().rax).toBe(0xfffffffffffffffen);
    });
    it('invalid-in-64-bit opcodes raise #UD', () => {
      for (const op of [0x06, 0x27, 0x60, 0xce, 0xd4]) {
        const vm = vmWith([op, 0x0a], [{ vector: 6, target: H(0x200) }]);
        vm.run();
        expect(vm.regs().rip, op.toString(16)).toBe(H(0x201));
      }
    });
  });
});
}
