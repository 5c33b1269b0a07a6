// The upstream KVM selftests headers from a guest's point of view
// (test/host-guests/upstream-names.c, upstream-all-names.c): every
// X86_FEATURE_* / X86_PROPERTY_* / X86_PMU_FEATURE_* the header defines,
// read with this_cpu_has() & co., agrees with the CPU model's CPUID; a few
// are pinned to their SDM/APM leaf, register and bit; the host-synced globals
// follow the VM's vendor; udelay() spins guest_tsc_khz / 1000 ticks per µs;
// kvm_hypercall() is VMCALL on Intel and VMMCALL on AMD with KVM's register
// ABI (each a hypercall exit the host answers), __xen_hypercall() Xen's; safe_halt() halts with IF = 1.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import { CPU_VENDORS } from '../src/arch/vendor.js';
import { cpuid } from '../src/cpu/cpuid.js';
import { GUEST_TSC_KHZ, type Vm } from '../src/vm.js';
import type { HypercallExit, VcpuExit } from '../src/host/exits.js';
import { Vector } from '../src/arch/vectors.js';
import { IF as RFLAGS_IF } from '../src/arch/rflags.js';
import { hostGuestsAvailable, loadHostGuest } from './helpers/host-guests.js';

const EAX = 0, EBX = 1, ECX = 2, EDX = 3;
/** [leaf, subleaf, register, bit] from the SDM Vol. 2A CPUID tables / APM Vol. 3 Appendix E. */
const PINNED_FEATURES: Record<string, [number, number, number, number]> = {
  MWAIT: [1, 0, ECX, 3], VMX: [1, 0, ECX, 5], PCID: [1, 0, ECX, 17], X2APIC: [1, 0, ECX, 21],
  MOVBE: [1, 0, ECX, 22], XSAVE: [1, 0, ECX, 26], OSXSAVE: [1, 0, ECX, 27], HYPERVISOR: [1, 0, ECX, 31],
  PAE: [1, 0, EDX, 6], APIC: [1, 0, EDX, 9], XMM: [1, 0, EDX, 25], XMM2: [1, 0, EDX, 26],
  FSGSBASE: [7, 0, EBX, 0], SMEP: [7, 0, EBX, 7], SMAP: [7, 0, EBX, 20], UMIP: [7, 0, ECX, 2],
  PKU: [7, 0, ECX, 3], OSPKE: [7, 0, ECX, 4], LA57: [7, 0, ECX, 16], RDPID: [7, 0, ECX, 22],
  XSAVES: [0xd, 1, EAX, 3], SVM: [0x80000001, 0, ECX, 2], NX: [0x80000001, 0, EDX, 20],
  GBPAGES: [0x80000001, 0, EDX, 26], RDTSCP: [0x80000001, 0, EDX, 27], LM: [0x80000001, 0, EDX, 29],
  INVTSC: [0x80000007, 0, EDX, 8], NPT: [0x8000000a, 0, EDX, 0], KVM_PV_UNHALT: [0x40000001, 0, EAX, 7],
};
/** [leaf, subleaf, register, low bit, high bit]. */
const PINNED_PROPERTIES: Record<string, [number, number, number, number, number]> = {
  MAX_BASIC_LEAF: [0, 0, EAX, 0, 31], MAX_EXT_LEAF: [0x80000000, 0, EAX, 0, 31],
  MAX_PHY_ADDR: [0x80000008, 0, EAX, 0, 7], MAX_VIRT_ADDR: [0x80000008, 0, EAX, 8, 15],
  SUPPORTED_XCR0_LO: [0xd, 0, EAX, 0, 31], XSTATE_MAX_SIZE: [0xd, 0, ECX, 0, 31],
  PMU_VERSION: [0xa, 0, EAX, 0, 7], PMU_NR_FIXED_COUNTERS: [0xa, 0, EDX, 0, 4],
};

/** Every name the header defines, by kind (the guest must report each exactly once). */
function headerNames(kind: 'FEATURE' | 'PROPERTY' | 'PMU_FEATURE'): string[] {
  const text = readFileSync('guests/lib/x86-cpuid-names.h', 'utf8');
  return [...text.matchAll(new RegExp(`^#define X86_${kind}_(\\w+)\\s`, 'gm'))].map((m) => m[1]!);
}

const bits = (v: number, lo: number, hi: number) => Number((BigInt(v >>> 0) >> BigInt(lo)) & ((1n << BigInt(hi - lo + 1)) - 1n));

function sync(exit: VcpuExit): bigint[] {
  if (exit.reason !== 'ucall' || exit.cmd !== 'SYNC') throw new Error(`expected a SYNC, got ${exit.reason} ${exit.reason === 'ucall' ? `${exit.cmd} ${exit.text ?? ''}` : ''}`);
  return exit.args;
}

function stage(vm: Vm, n: number): bigint[] {
  const args = sync(vm.vcpu.run());
  expect(args[1]).toBe(BigInt(n));
  return args.slice(2);
}

function checkCpuidTables(vm: Vm): void {
  const model = (leaf: number, sub: number) => cpuid(vm.cpu, leaf, sub);
  const seen = { FEATURE: new Set<string>(), PROPERTY: new Set<string>(), PMU_FEATURE: new Set<string>() };
  const maxOf = (fn: number) => model(fn & 0xc0000000, 0)[EAX]! >>> 0;
  for (;;) {
    const args = sync(vm.vcpu.run());
    if (args[1] === 6n) {
      // udelay(5): at least 5 µs of TSC at guest_tsc_khz, plus the loop's last turn and the fences.
      expect(args[2]).toBeGreaterThanOrEqual(5n * GUEST_TSC_KHZ / 1000n);
      expect(args[2]).toBeLessThan(5n * GUEST_TSC_KHZ / 1000n + 40n);
      break;
    }
    const name = vm.vcpu.readString(args[0]!)!;
    const [fn, idxReg, a, b, c] = args.slice(2).map(Number) as [number, number, number, number, number];
    if (args[1] === 3n) {
      const [idx, reg, bit, has] = [idxReg >> 8, idxReg & 0xff, a, b];
      if (PINNED_FEATURES[name]) expect([fn, idx, reg, bit], name).toEqual(PINNED_FEATURES[name]);
      expect(has, `this_cpu_has(X86_FEATURE_${name})`).toBe(bits(model(fn, idx)[reg]!, bit, bit));
      seen.FEATURE.add(name);
    } else if (args[1] === 4n) {
      const [idx, reg, lo, hi, value, hasP] = [idxReg >> 8, idxReg & 0xff, a & 0xff, a >> 8, b, c];
      if (PINNED_PROPERTIES[name]) expect([fn, idx, reg, lo, hi], name).toEqual(PINNED_PROPERTIES[name]);
      expect(value, `this_cpu_property(X86_PROPERTY_${name})`).toBe(bits(model(fn, idx)[reg]!, lo, hi));
      expect(hasP, `this_cpu_has_p(X86_PROPERTY_${name})`).toBe(maxOf(fn) >= fn >>> 0 ? 1 : 0);
      seen.PROPERTY.add(name);
    } else if (args[1] === 5n) {
      // Upstream's rule (SDM Vol. 3 20.2.1): EBX events exist below EAX[31:24] when their bit is clear;
      // ECX fixed counters exist below EDX[4:0] or when their bit is set.
      const [reg, bit, has] = [fn, idxReg, a];
      const [eax, , , edx] = model(0xa, 0);
      const set = bits(model(0xa, 0)[reg]!, bit, bit) === 1;
      const want = reg === EBX ? bits(eax!, 24, 31) > bit && !set : bits(edx!, 0, 4) > bit || set;
      expect(has, `this_pmu_has(X86_PMU_FEATURE_${name})`).toBe(want ? 1 : 0);
      seen.PMU_FEATURE.add(name);
    } else throw new Error(`unexpected SYNC ${args[1]}`);
  }
  for (const kind of ['FEATURE', 'PROPERTY', 'PMU_FEATURE'] as const) expect([...seen[kind]].sort()).toEqual(headerNames(kind).sort());
}

/** Runs to the next exit, which must be a hypercall (host API); returns it with the instruction's bytes. */
function hypercall(vm: Vm): { exit: HypercallExit; bytes: number[] } {
  const exit = vm.vcpu.run();
  if (exit.reason !== 'hypercall') throw new Error(`expected a hypercall exit, got ${JSON.stringify(exit, (_k, v) => typeof v === 'bigint' ? v.toString(16) : v)}`);
  return { exit, bytes: [...vm.readVirtual(vm.vcpu.getRegs().rip, 3)!] };
}

describe.skipIf(!hostGuestsAvailable.ok)('upstream-named guest headers (upstream-names.c)', () => {
  for (const executionPath of EXECUTION_PATHS) for (const vendor of CPU_VENDORS) {
    it(`${vendor} vendor model, ${executionPath} path`, () => {
      const vm = loadHostGuest('upstream-names', { executionPath, vendor });
      const intel = vendor === 'intel';
      expect(stage(vm, 1)).toEqual([intel, !intel, false, !intel].map((b) => BigInt(b)).concat([0n]));
      const [khz, family, , isIntel] = stage(vm, 2);
      expect([khz, isIntel]).toEqual([GUEST_TSC_KHZ, BigInt(intel)]);
      const eax1 = cpuid(vm.cpu, 1, 0)[EAX]! >>> 0;
      expect(family).toBe(BigInt(((eax1 >> 8) & 0xf) + (((eax1 >> 8) & 0xf) === 0xf ? (eax1 >> 20) & 0xff : 0)));
      checkCpuidTables(vm);

      stage(vm, 7);
      // kvm_hypercall(KVM_HC_SCHED_YIELD = 11, 1, 2, 3, 4): the vendor's own instruction, KVM's registers.
      const hc = hypercall(vm);
      expect(hc.bytes).toEqual(intel ? [0x0f, 0x01, 0xc1] : [0x0f, 0x01, 0xd9]);
      expect([hc.exit.nr, ...hc.exit.args]).toEqual([11n, 1n, 2n, 3n, 4n]);
      hc.exit.result = 0x5a5an;
      expect(stage(vm, 8)[0]).toBe(0x5a5an);
      // __xen_hypercall(0x20, 5, &xen_arg): RAX, RDI, RSI.
      const xen = hypercall(vm);
      expect(xen.bytes).toEqual(intel ? [0x0f, 0x01, 0xc1] : [0x0f, 0x01, 0xd9]);
      const x = vm.vcpu.getRegs();
      expect([xen.exit.nr, x.rdi, x.rsi]).toEqual([0x20n, 5n, vm.symbol('xen_arg')]);
      xen.exit.result = 0n;
      expect(stage(vm, 9).slice(0, 2)).toEqual([0n, vm.symbol('xen_arg')]);
      // safe_halt(): HLT in the STI shadow, interrupts enabled.
      expect(vm.vcpu.run().reason).toBe('hlt');
      expect(vm.vcpu.getRegs().rflags & BigInt(RFLAGS_IF)).toBe(BigInt(RFLAGS_IF));
    });
  }

  it('udelay() asserts when the host never set guest_tsc_khz', () => {
    const vm = loadHostGuest('upstream-names', { vendor: 'amd' });
    vm.writeGlobal('guest_tsc_khz', 0n);
    for (let k = 0; k < 1000; k++) {
      const exit = vm.vcpu.run();
      if (exit.reason === 'ucall' && exit.cmd === 'SYNC') continue;
      expect(exit.reason === 'ucall' && exit.cmd).toBe('ABORT');
      if (exit.reason === 'ucall') expect(exit.expr).toBe('guest_tsc_khz');
      return;
    }
    throw new Error('no ABORT');
  });

  it('every upstream name compiles (upstream-all-names.c runs to DONE)', () => {
    const vm = loadHostGuest('upstream-all-names');
    const exit = vm.vcpu.run();
    expect(exit.reason === 'ucall' && exit.cmd).toBe('DONE');
  });
});
