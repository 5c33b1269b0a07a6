// A bare VM, no guest ABI: the host builds memory, page tables, a GDT and the
// vCPU's registers itself (KVM's vm_create + KVM_SET_SREGS way), then drives
// the vCPU through its exits: port I/O in and out (REP INSB one element per
// exit), an MMIO read the host answers, HLT. Also the register and FPU calls.
import { describe, expect, it } from 'vitest';
import { VirtualMachine } from '../src/host/vm.js';
import type { Vcpu } from '../src/host/vcpu.js';
import type { Segment } from '../src/host/registers.js';
import { FrameAllocator, PageTableBuilder } from '../src/mmu/page-table-builder.js';
import { EXECUTION_PATHS, type ExecutionPath } from '../src/cpu/execution-path.js';
import { CR0_PE, CR0_PG, CR0_WP, CR0_ET, CR0_NE, CR4_PAE, CR4_OSFXSR, CR4_OSXSAVE, EFER_LME, EFER_LMA, EFER_NXE } from '../src/arch/control-registers.js';

const CODE = 0x2000, BUF = 0x5000, GDT = 0x1000, UNBACKED = 0x300000;
const PROGRAM = [
  0xb0, 0x12,                                // mov $0x12, %al
  0xe6, 0x80,                                // out %al, $0x80
  0xe4, 0x81,                                // in $0x81, %al
  0x88, 0xc3,                                // mov %al, %bl
  0x66, 0xba, 0x82, 0x00,                    // mov $0x82, %dx
  0x48, 0xc7, 0xc7, 0x00, 0x50, 0x00, 0x00,  // mov $0x5000, %rdi
  0x48, 0xc7, 0xc1, 0x03, 0x00, 0x00, 0x00,  // mov $3, %rcx
  0xf3, 0x6c,                                // rep insb (%dx), %es:(%rdi)
  0x48, 0x8b, 0x04, 0x25, 0x00, 0x00, 0x30, 0x00, // mov 0x300000, %rax
  0xf4,                                      // hlt
];

const segment = (selector: number, code: boolean): Segment => ({
  selector, base: 0n, limit: 0xffffffff, type: code ? 0xb : 0x3, s: true, dpl: 0, present: true,
  avl: false, l: code, db: !code, g: true,
});

/** 64-bit mode by hand: identity-mapped first 4 MiB (2 MiB pages), a flat GDT. */
function bareMachine(executionPath: ExecutionPath): { vm: VirtualMachine; vcpu: Vcpu } {
  const vm = new VirtualMachine();
  vm.addMemory({ base: 0, size: 2 * 1024 * 1024 });
  const pt = new PageTableBuilder(vm.mem, new FrameAllocator(0x10000, 0x20000));
  for (const a of [0, 0x200000]) pt.map(a, a, 0x200000, { writable: true, user: false, executable: true });
  vm.writePhysical(GDT + 8, Uint8Array.from([0xff, 0xff, 0, 0, 0, 0x9b, 0xaf, 0]));
  vm.writePhysical(GDT + 16, Uint8Array.from([0xff, 0xff, 0, 0, 0, 0x93, 0xcf, 0]));
  vm.writePhysical(CODE, Uint8Array.from(PROGRAM));
  const vcpu = vm.createVcpu();
  vcpu.executionPath = executionPath;
  const data = segment(0x10, false);
  vcpu.setSregs({
    cs: segment(0x8, true), ds: data, es: data, ss: data, fs: data, gs: data,
    gdt: { base: BigInt(GDT), limit: 23 },
    cr0: BigInt(CR0_PE | CR0_PG | CR0_WP | CR0_ET | CR0_NE), cr3: BigInt(pt.pml4), cr4: BigInt(CR4_PAE | CR4_OSFXSR),
    efer: BigInt(EFER_LME | EFER_LMA | EFER_NXE),
  });
  vcpu.setRegs({ rip: BigInt(CODE), rsp: 0x8000n, rflags: 2n });
  return { vm, vcpu };
}

describe('a bare VM driven through its exits', () => {
  for (const executionPath of EXECUTION_PATHS) {
    it(`${executionPath} path: port I/O, REP INSB, an MMIO read, HLT`, () => {
      const { vm, vcpu } = bareMachine(executionPath);
      expect(vcpu.run()).toEqual({ reason: 'io', direction: 'out', port: 0x80, size: 1, count: 1, value: 0x12 });
      const inExit = vcpu.run();
      expect(inExit).toEqual({ reason: 'io', direction: 'in', port: 0x81, size: 1, count: 1, value: 0xff });
      if (inExit.reason === 'io') inExit.value = 0x34;
      for (const v of [0xa1, 0xa2, 0xa3]) {
        const e = vcpu.run();
        expect(e).toMatchObject({ reason: 'io', direction: 'in', port: 0x82, size: 1 });
        if (e.reason === 'io') e.value = v;
      }
      const mmio = vcpu.run();
      expect(mmio).toEqual({ reason: 'mmio', write: false, address: UNBACKED, size: 8, value: 2n ** 64n - 1n });
      if (mmio.reason === 'mmio') mmio.value = 0x1122334455667788n;
      expect(vcpu.run()).toEqual({ reason: 'hlt' });
      const r = vcpu.getRegs();
      expect(r.rbx & 0xffn).toBe(0x34n);
      expect(r.rax).toBe(0x1122334455667788n);
      expect(r.rcx).toBe(0n);
      expect(r.rdi).toBe(BigInt(BUF + 3));
      expect(r.rip).toBe(BigInt(CODE + PROGRAM.length));
      expect([...vm.readPhysical(BUF, 3)]).toEqual([0xa1, 0xa2, 0xa3]);
      expect(vcpu.instructions).toBe(10);
    });
  }

  it.each(EXECUTION_PATHS)('an IN answered with nothing reads all ones; an in-VM device answers without an exit (%s path)', (path) => {
    const { vm, vcpu } = bareMachine(path);
    let written = -1;
    vm.attachPortDevice(0x80, 1, { read: () => 0, write: (_p, _s, v) => { written = v; } });
    expect(vcpu.run()).toMatchObject({ reason: 'io', direction: 'in', port: 0x81 });
    for (let k = 0; k < 3; k++) vcpu.run();
    vcpu.run(); // the MMIO read
    expect(vcpu.run()).toEqual({ reason: 'hlt' });
    expect(written).toBe(0x12);
    expect(vcpu.getRegs().rbx & 0xffn).toBe(0xffn);
    expect([...vm.readPhysical(BUF, 3)]).toEqual([0xff, 0xff, 0xff]);
  });

  it.each(EXECUTION_PATHS)('a pending IN survives setRegs/setSregs that leave the linear RIP, and is dropped when RIP moves (as KVM) (%s path)', (path) => {
    const { vcpu } = bareMachine(path);
    vcpu.run(); // the OUT
    const inExit = vcpu.run();
    expect(inExit).toMatchObject({ reason: 'io', direction: 'in', port: 0x81 });
    if (inExit.reason === 'io') inExit.value = 0x34;
    vcpu.setRegs({ rdx: 7n });
    vcpu.setSregs({ cr8: 1n });
    expect(vcpu.run()).toMatchObject({ reason: 'io', direction: 'in', port: 0x82 }); // the IN completed: on to REP INSB
    expect(vcpu.getRegs().rbx & 0xffn).toBe(0x34n);
    // Again, but the host moves RIP back onto the IN: the answer is dropped and the IN exits anew.
    const { vcpu: v2 } = bareMachine(path);
    v2.run();
    const again = v2.run();
    if (again.reason === 'io') again.value = 0x55;
    v2.setRegs({ rip: BigInt(CODE + 2) }); // the OUT once more
    expect(v2.run()).toMatchObject({ reason: 'io', direction: 'out', port: 0x80 });
    expect(v2.run()).toMatchObject({ reason: 'io', direction: 'in', port: 0x81, value: 0xff });
  });

  it('registers: what setSregs/setRegs/setFpu store, the get calls return', () => {
    const { vcpu } = bareMachine('interp');
    const s = vcpu.getSregs();
    expect(s.cs).toEqual(segment(0x8, true));
    expect(s.gdt).toEqual({ base: BigInt(GDT), limit: 23 });
    expect(s.efer).toBe(BigInt(EFER_LME | EFER_LMA | EFER_NXE));
    expect(s.apicBase).toBe(0xfee00900n);
    vcpu.setSregs({ fs: { ...s.fs, base: 0xffff800000001000n }, cr8: 5n });
    expect(vcpu.getSregs().fs.base).toBe(0xffff800000001000n);
    expect(vcpu.getSregs().cr8).toBe(5n);
    expect(vcpu.getMsr(0xc0000100)).toBe(0xffff800000001000n); // FS.base is MSR_FS_BASE
    vcpu.setRegs({ r15: 0xfedcba9876543210n });
    expect(vcpu.getRegs().r15).toBe(0xfedcba9876543210n);
    const fpu = vcpu.getFpu();
    expect(fpu.length).toBe(512);
    fpu.fill(0x5a, 160, 176); // XMM0
    new DataView(fpu.buffer).setUint32(24, 0x1f80 | 0x6000, true); // MXCSR: RC = toward zero
    vcpu.setFpu(fpu);
    const back = vcpu.getFpu();
    expect(back.subarray(160, 176)).toEqual(new Uint8Array(16).fill(0x5a));
    expect(new DataView(back.buffer).getUint32(24, true)).toBe(0x7f80);
    new DataView(fpu.buffer).setUint32(24, 0x10000, true);
    expect(() => vcpu.setFpu(fpu)).toThrow(/reserved bits/);
    expect(() => vcpu.setMsr(0xc0000080, 1n << 20n)).toThrow(/rejects/);
  });

  for (const executionPath of EXECUTION_PATHS) {
    it(`${executionPath} path: the guest's debug registers set by the host take effect (KVM_SET_DEBUGREGS)`, () => {
      const { vcpu } = bareMachine(executionPath);
      vcpu.setDebugRegs({ db: [BigInt(CODE + 2), 0n, 0n, 0n], dr6: 0n, dr7: 1n }); // L0, execute, the OUT
      const d = vcpu.getDebugRegs();
      expect(d).toEqual({ db: [BigInt(CODE + 2), 0n, 0n, 0n], dr6: 0xffff0ff0n, dr7: 0x401n }); // fixed bits forced
      expect(() => vcpu.setDebugRegs({ dr7: 1n << 32n })).toThrow(/above 31/);
      vcpu.interceptExceptions([1]);
      // The instruction breakpoint is a fault: RIP is the OUT, DR6.B0 set.
      expect(vcpu.run()).toEqual({ reason: 'exception', vector: 1, rip: BigInt(CODE + 2) });
      expect(vcpu.getDebugRegs().dr6 & 1n).toBe(1n);
    });
  }

  it('translate reports the walk entry by entry, and where it stops', () => {
    const { vcpu } = bareMachine('interp');
    const t = vcpu.translate(0x201234n);
    expect(t.physical).toBe(0x201234);
    expect(t.pageSize).toBe(0x200000);
    expect(t.entries.length).toBe(3);
    expect(t.entries[2]!.value & 0x80n).toBe(0x80n); // PS
    const miss = vcpu.translate(0x40000000n);
    expect(miss.fault).toBe('not-present');
    expect(miss.entries.length).toBe(2);
    expect(vcpu.translate(0x800000000000n).fault).toBe('non-canonical');
  });
});

describe('CPUID decides what the page walk accepts', () => {
  // PDPT[1] maps 1 GiB at 0x40000000 onto physical 0 (PS = 1); the guest loads through it.
  const LOAD_1G = [0x48, 0x8b, 0x04, 0x25, 0x00, 0x50, 0x00, 0x40, 0xf4]; // mov 0x40005000, %rax; hlt
  for (const executionPath of EXECUTION_PATHS) {
    for (const gbPages of [true, false]) {
      it(`${executionPath} path: a 1 GiB page ${gbPages ? 'maps' : 'is a reserved-bit #PF when CPUID clears Page1GB'}`, () => {
        const { vm, vcpu } = bareMachine(executionPath);
        const pml4e = new DataView(vm.readPhysical(Number(vcpu.getSregs().cr3), 8).buffer).getUint32(0, true);
        const pdpt = pml4e & ~0xfff;
        vm.writePhysical(pdpt + 8, Uint8Array.from([0x83, 0, 0, 0, 0, 0, 0, 0])); // P | RW | PS, frame 0
        vm.writePhysical(BUF, Uint8Array.from([0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88]));
        vm.writePhysical(CODE, Uint8Array.from(LOAD_1G));
        if (!gbPages) {
          const leaves = vcpu.getCpuid();
          leaves.find((e) => e.leaf === 0x80000001)!.edx &= ~(1 << 26);
          vcpu.setCpuid(leaves);
        }
        vcpu.interceptExceptions([14]);
        const exit = vcpu.run();
        if (gbPages) {
          expect(exit).toEqual({ reason: 'hlt' });
          expect(vcpu.getRegs().rax).toBe(0x8877665544332211n);
        } else {
          // P | RSVD, a read at CPL 0 (SDM §4.7), CR2 the address, RIP the load.
          expect(exit).toEqual({ reason: 'exception', vector: 14, errorCode: 0x9, cr2: 0x40005000n, rip: BigInt(CODE) });
        }
      });
    }
  }
});

describe('CPUID leaf 0DH decides the XCR0 bits', () => {
  const XSETBV_3 = [0x31, 0xc9, 0xb8, 0x03, 0x00, 0x00, 0x00, 0x31, 0xd2, 0x0f, 0x01, 0xd1, 0xf4]; // ecx=0, edx:eax=3; xsetbv; hlt
  for (const executionPath of EXECUTION_PATHS) {
    for (const sse of [true, false]) {
      it(`${executionPath} path: XSETBV of x87|SSE ${sse ? 'succeeds' : 'is #GP(0) when 0DH.0 EAX reports x87 only'}`, () => {
        const { vm, vcpu } = bareMachine(executionPath);
        vm.writePhysical(CODE, Uint8Array.from(XSETBV_3));
        vcpu.setSregs({ cr4: vcpu.getSregs().cr4 | BigInt(CR4_OSXSAVE) });
        const leaves = vcpu.getCpuid();
        if (!sse) leaves.find((e) => e.leaf === 0xd && e.subleaf === 0)!.eax = 1;
        vcpu.setCpuid(leaves);
        vcpu.interceptExceptions([13]);
        expect(vcpu.run()).toEqual(sse ? { reason: 'hlt' } : { reason: 'exception', vector: 13, errorCode: 0, rip: BigInt(CODE + 9) });
      });
    }
  }
});

describe('two vCPUs on one memory', () => {
  for (const executionPath of EXECUTION_PATHS) {
    it(`${executionPath} path: code one vCPU decoded is dropped when the other writes it, through its TLB`, () => {
      const { vm, vcpu } = bareMachine(executionPath);
      const other = vm.createVcpu();
      other.executionPath = executionPath;
      other.setSregs(vcpu.getSregs());
      vm.writePhysical(0x3000, Uint8Array.from([0xb8, 0x01, 0x00, 0x00, 0x00, 0xf4]));       // mov $1, %eax; hlt
      const store = (v: number) => Uint8Array.from([0xc6, 0x04, 0x25, 0x01, 0x30, 0x00, 0x00, v, 0xf4]); // movb $v, 0x3001; hlt
      vm.writePhysical(0x4000, store(1));
      const runAt = (v: Vcpu, rip: number) => { v.setRegs({ rip: BigInt(rip) }); expect(v.run()).toEqual({ reason: 'hlt' }); };
      runAt(other, 0x4000);                 // fills its TLB with a writable entry for 0x3000
      runAt(vcpu, 0x3000);
      expect(vcpu.getRegs().rax).toBe(1n);  // decoded now
      vm.writePhysical(0x4000, store(2));
      runAt(other, 0x4000);                 // the same store through the same TLB entry
      runAt(vcpu, 0x3000);
      expect(vcpu.getRegs().rax).toBe(2n);
    });
  }
});
