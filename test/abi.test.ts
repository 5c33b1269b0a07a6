// Guest ABI v1 §2-§6: the environment a guest starts in, checked from the host.
import { describe, it, expect } from 'vitest';
import { Vm } from '../src/vm.js';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import { walk, WalkResult } from '../src/mmu/paging.js';
import { codeImage } from './helpers/elf-writer.js';

const HLT = [0xf4];
const TWO64 = 1n << 64n;
const s64 = (v: bigint) => BigInt.asUintN(64, v);

function leaf(vm: Vm, virt: bigint): WalkResult | undefined {
  const w = new WalkResult();
  const ok = walk(vm.mem, vm.cpu.mmu.ctl, Number(BigInt.asIntN(64, virt)), w, new Float64Array(4));
  return ok ? w : undefined;
}

describe('initial vCPU state (§5)', () => {
  const vm = Vm.fromElf(codeImage(HLT), { memorySize: 64 * 1024 * 1024 });
  const r = vm.regs();
  it('registers', () => {
    expect(r.rip).toBe(0xffffffff80000000n);
    expect(r.rsp).toBe(0xfffffe0000020000n);
    expect(r.rdi).toBe(0n);
    expect(r.rsi).toBe(64n * 1024n * 1024n);
    for (const n of ['rax', 'rbx', 'rcx', 'rdx', 'rbp', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'] as const) expect(r[n]).toBe(0n);
    expect(r.rflags).toBe(2n);
  });
  it('segments, control registers and MSRs', () => {
    const c = vm.cpu;
    expect(Array.from(c.segSel)).toEqual([0x10, 0x08, 0x10, 0x10, 0x10, 0x10]);
    expect(c.trSel).toBe(0x30);
    expect(c.ldtrSel).toBe(0);
    expect(c.cr0 >>> 0).toBe(0x80010033);
    expect(c.cr4).toBe(0x300620);
    expect(c.cr2).toBe(0);
    expect(c.cr8).toBe(0);
    expect(c.efer).toBe(0xd01);
    expect(c.msrs.get(0xc0000081)).toBe(0x0018000800000000n);
    expect(c.msrs.get(0x277)).toBe(0x0007040600070406n);
    for (const m of [0xc0000082, 0xc0000083, 0xc0000084, 0xc0000102]) expect(c.msrs.get(m)).toBe(0n);
    expect(c.fpuControlWord).toBe(0x37f);
    expect(c.mxcsr).toBe(0x1f80);
    expect(c.dr[6]).toBe(0xffff0ff0n);
    expect(c.dr[7]).toBe(0x400n);
    expect(c.idtrBase).toBe(0);
    expect(c.idtrLimit).toBe(0);
    expect(c.gdtrLimit).toBe(0x3f);
    expect(s64(BigInt(c.gdtrBase))).toBe(0xfffffe0000000000n);
  });
});

describe('memory layout (§2-§4)', () => {
  const vm = Vm.fromElf(codeImage(HLT));
  it('GDT holds the fixed descriptors', () => {
    const gdt = vm.readVirtual(0xfffffe0000000000n, 0x40)!;
    const dv = new DataView(gdt.buffer);
    const q = (i: number) => dv.getBigUint64(i * 8, true);
    expect([q(0), q(1), q(2), q(3), q(4), q(5)]).toEqual([0n, 0x00af9b000000ffffn, 0x00cf93000000ffffn, 0x00cffb000000ffffn, 0x00cff3000000ffffn, 0x00affb000000ffffn]);
    // 64-bit busy TSS descriptor: base 0xfffffe0000001000, limit 0x2068, type 0xB, present.
    const lo = q(6), hi = q(7);
    expect(lo & 0xffffn).toBe(0x2068n);
    expect((lo >> 40n) & 0xffn).toBe(0x8bn);
    const base = ((lo >> 16n) & 0xffffffn) | (((lo >> 56n) & 0xffn) << 24n) | (hi << 32n);
    expect(base).toBe(0xfffffe0000001000n);
  });
  it('TSS: RSP0, IST1, I/O map base and a bitmap that allows only port 0x1000', () => {
    const tss = vm.readVirtual(0xfffffe0000001000n, 0x68 + 8193)!;
    const dv = new DataView(tss.buffer);
    expect(dv.getBigUint64(4, true)).toBe(0xfffffe0000020000n);
    expect(dv.getBigUint64(0x24, true)).toBe(0xfffffe0000034000n);
    expect(dv.getUint16(0x66, true)).toBe(0x68);
    const bitmap = tss.subarray(0x68);
    const allowed: number[] = [];
    for (let port = 0; port < 65536; port++) if (!(bitmap[port >> 3]! & (1 << (port & 7)))) allowed.push(port);
    expect(allowed).toEqual([0x1000]);
    expect(bitmap[8192]).toBe(0xff);
  });
  it('page bits of each fixed area', () => {
    const check = (virt: bigint, user: boolean, writable: boolean, nx: boolean) => {
      const w = leaf(vm, virt)!;
      expect(w, `0x${virt.toString(16)} mapped`).toBeDefined();
      expect([w.userAll, w.writeAll, w.nxAny]).toEqual([user, writable, nx]);
    };
    check(0x00007ffffffef000n, true, true, true);      // user stack
    check(0x00007fffffffe000n, true, true, true);
    check(0xffff888000000000n, false, true, true);     // direct map
    check(0xffff888000000000n + 127n * 1024n * 1024n, false, true, true);
    check(0xfffffe0000000000n, false, true, true);     // GDT
    check(0xfffffe0000003000n, false, true, true);     // TSS page 3
    check(0xfffffe0000010000n, false, true, true);     // kernel stack
    check(0xfffffe0000030000n, false, true, true);     // IST1
    check(0xffffffff80000000n, false, false, false);   // code segment R+X
    check(0xffffffff80100000n, false, true, true);     // data segment RW
    expect(leaf(vm, 0x00007ffffffff000n)).toBeUndefined();  // above the user stack
    expect(leaf(vm, 0xfffffe0000020000n)).toBeUndefined();  // above the kernel stack
    expect(leaf(vm, 0x1000n)).toBeUndefined();
    expect(leaf(vm, 0xffff888000000000n + 128n * 1024n * 1024n)).toBeUndefined();
  });
  it('the direct map reaches physical memory, A and D start clear', () => {
    const w = leaf(vm, 0xffff888000200000n)!;
    expect(w.physPage).toBe(0x200000);
    const code = leaf(vm, 0xffffffff80000000n)!;
    expect(code.dirty).toBe(false);
    expect(vm.cpu.cr3 % 4096).toBe(0);
    expect(vm.cpu.cr3).toBeGreaterThanOrEqual(0x100000);
    void TWO64;
  });

  // VmOptions.sharedMemory (the command line's one-image run): the same layout and run, the RAM in
  // SharedArrayBuffers (past 2 GiB too: a second slot).
  it('sharedMemory: the RAM in SharedArrayBuffers, loaded and run as in ArrayBuffers', () => {
    const code = [0x48, 0xc7, 0xc0, 0x2a, 0x00, 0x00, 0x00, 0xf4]; // mov rax,42; hlt
    const a = Vm.fromElf(codeImage(code), { memorySize: 2 ** 31 + 2 * 1024 * 1024, sharedMemory: true });
    const b = Vm.fromElf(codeImage(code), { memorySize: 2 ** 31 + 2 * 1024 * 1024 });
    expect(a.mem.slots.map((s) => [s.base, s.size, s.bytes.buffer instanceof SharedArrayBuffer])).toEqual([[0, 2 ** 31, true], [2 ** 31, 2 * 1024 * 1024, true]]);
    expect(b.mem.slots.every((s) => s.bytes.buffer instanceof ArrayBuffer)).toBe(true);
    expect(Buffer.compare(a.mem.u8.subarray(0, 0x400000), b.mem.u8.subarray(0, 0x400000))).toBe(0);
    const [ra, rb] = [a.run(), b.run()];
    expect([ra.outcome, ra.instructions, a.regs().rax]).toEqual([rb.outcome, rb.instructions, 42n]);
  });
});

describe.each(EXECUTION_PATHS)('talking to the host (§6), %s path', (executionPath) => {
  const load = (code: number[]) => Vm.fromElf(codeImage(code), { executionPath });
  it('an exception before the guest installs an IDT is a triple fault', () => {
    expect(load([0x0f, 0x0b]).run().outcome).toBe('shutdown');
  });
  it('ucall with RDI = 0 is a NONE ucall and execution continues', () => {
    // xor edi,edi; mov dx,0x1000; in al,dx; hlt
    const r = load([0x31, 0xff, 0x66, 0xba, 0x00, 0x10, 0xec, 0xf4]).run();
    expect(r.outcome).toBe('halt');
    expect(r.events).toEqual([{ type: 'ucall', cmd: 'NONE', args: [0n, 0n, 0n, 0n, 0n, 0n, 0n] }]);
  });
  it('IN on the ucall port leaves 0 in the destination; OUT of any size works', () => {
    // mov eax,-1; xor edi,edi; mov dx,0x1000; in eax,dx; mov ebx,eax; out dx,ax; hlt
    const vm = load([0xb8, 0xff, 0xff, 0xff, 0xff, 0x31, 0xff, 0x66, 0xba, 0x00, 0x10, 0xed, 0x89, 0xc3, 0x66, 0xef, 0xf4]);
    const r = vm.run();
    expect(r.outcome).toBe('halt');
    expect(r.events.length).toBe(2);
    expect(vm.regs().rbx).toBe(0n);
  });
  it('a ucall whose struct is not mapped ends the run with an error naming the address', () => {
    // mov edi,0xdead000; mov dx,0x1000; out dx,al; hlt
    const vm = load([0xbf, 0x00, 0xd0, 0xea, 0x0d, 0x66, 0xba, 0x00, 0x10, 0xee, 0xf4]);
    const r = vm.run();
    expect(r).toMatchObject({ outcome: 'error', message: 'struct ucall at 0xdead000 is not mapped to guest memory' });
    expect(r.rip).toBe(vm.regs().rip);
    expect(r.events).toEqual([]);
  });
  it('COM1 LSR reads 0x60 and bytes to THR become console lines', () => {
    // mov dx,0x3fd; in al,dx; mov bl,al; mov dx,0x3f8; mov al,'h'; out dx,al; mov al,'i'; out dx,al; mov al,10; out dx,al; hlt
    const vm = load([0x66, 0xba, 0xfd, 0x03, 0xec, 0x88, 0xc3, 0x66, 0xba, 0xf8, 0x03, 0xb0, 0x68, 0xee, 0xb0, 0x69, 0xee, 0xb0, 0x0a, 0xee, 0xf4]);
    const r = vm.run();
    expect(vm.regs().rbx & 0xffn).toBe(0x60n);
    expect(r.events).toEqual([{ type: 'console', text: 'hi' }]);
  });
  it('debug exit: value v gives code (v << 1) | 1', () => {
    // mov al,5; out 0xf4,al
    const r = load([0xb0, 0x05, 0xe6, 0xf4]).run();
    expect(r).toMatchObject({ outcome: 'debug-exit', code: 11 });
  });
  it('HLT with no way to wake is the halt outcome', () => {
    expect(load(HLT).run().outcome).toBe('halt');
  });
  it('an unimplemented instruction is an emulation-failure with its RIP and bytes', () => {
    // EXTRQ (66 0F 79, SSE4a): an instruction of an extension the model does not implement.
    const r = load([0x90, 0x66, 0x0f, 0x79, 0xca]).run();
    expect(r.outcome).toBe('emulation-failure');
    expect(r.rip).toBe(0xffffffff80000001n);
    expect(Array.from(r.bytes!)).toEqual([0x66, 0x0f, 0x79, 0xca]);
  });
});
