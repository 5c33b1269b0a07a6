// The MSRs a KVM guest sees with KVM's rules, per vendor model (src/cpu/msr-kvm.ts, msr.ts):
// IA32_MISC_ENABLE (read-only and ignored bits, the MWAIT bit and its CPUID link under
// KVM_X86_QUIRK_MISC_ENABLE_NO_MWAIT), MSR_PLATFORM_INFO (host-controlled, as
// KVM_CAP_MSR_PLATFORM_INFO), MSR_MISC_FEATURES_ENABLES (CPUID faulting), IA32_TSC_ADJUST (SDM
// Vol. 3B §18.17.3), TSC_AUX (Intel: bits 63:32 reserved; AMD: dropped) and SYSENTER_ESP/EIP (AMD:
// 32-bit; Intel: canonical). Expected values are written from the manuals and KVM, never read
// from the emulator.
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import { CPU_VENDORS, type CpuVendor } from '../src/arch/vendor.js';
import { modelCpuid } from '../src/cpu/host-cpuid.js';
import { MODEL_FEATURES } from '../src/cpu/cpuid.js';
import { readMsr, writeMsr } from '../src/cpu/msr.js';
import type { FeatureName } from '../src/isa/features.js';
import { Machine, RAX, RCX, RDX, movImm, outcome, rdmsr, wrmsr } from './helpers/system.js';

const MISC_ENABLE = 0x1a0, PLATFORM_INFO = 0xce, MISC_FEATURES = 0x140, TSC_ADJUST = 0x3b, TSC = 0x10, TSC_AUX = 0xc0000103;
const SYSENTER_CS = 0x174, SYSENTER_ESP = 0x175, SYSENTER_EIP = 0x176;
const MISC_RESET = 0x1800n, FAST_STRING = 1n, EMON = 1n << 7n, MWAIT = 1n << 18n, CPUID_FAULT = 1n << 31n;
const CPUID = [0x0f, 0xa2], RDTSC = [0x0f, 0x31], RDTSCP = [0x0f, 0x01, 0xf9], RDPID_RAX = [0xf3, 0x0f, 0xc7, 0xf8];
const CANONICAL = 0x123456789000n, NONCANONICAL = 0x0000800000000000n, U64 = 0xaaaa5555aaaa5555n;

const u64 = (m: Machine, r: number) => BigInt.asUintN(64, m.cpu.getReg64(r));
const edxEax = (m: Machine) => (BigInt.asUintN(32, m.cpu.getReg64(RDX)) << 32n) | BigInt.asUintN(32, m.cpu.getReg64(RAX));
const without = (...names: FeatureName[]) => new Set([...MODEL_FEATURES].filter((f) => !names.includes(f)));

/** One guest case: optional host setup, guest code, then the outcome and EDX:EAX (the last RDMSR). */
interface MsrCase {
  name: string;
  setup?: (m: Machine) => void;
  features?: ReadonlySet<FeatureName>;
  code: number[];
  cpl?: number;
  /** Per vendor: 'ok' with the EDX:EAX value, or the exception. */
  want: Record<CpuVendor, bigint | string>;
}

const both = (v: bigint | string): Record<CpuVendor, bigint | string> => ({ amd: v, intel: v });
const roundTrip = (index: number, v: bigint) => [...wrmsr(index, v), ...rdmsr(index)];

const CASES: MsrCase[] = [
  // IA32_MISC_ENABLE: reset BTS/PEBS unavailable (KVM kvm_vcpu_reset); those are read-only (#GP on
  // change), EMON writes are ignored, other bits are storage.
  { name: 'MISC_ENABLE reset', code: rdmsr(MISC_ENABLE), want: both(MISC_RESET) },
  { name: 'MISC_ENABLE fast strings', code: roundTrip(MISC_ENABLE, MISC_RESET | FAST_STRING), want: both(MISC_RESET | FAST_STRING) },
  { name: 'MISC_ENABLE clearing BTS/PEBS unavailable', code: roundTrip(MISC_ENABLE, FAST_STRING), want: both('#GP(0)') },
  { name: 'MISC_ENABLE EMON ignored', code: roundTrip(MISC_ENABLE, MISC_RESET | EMON), want: both(MISC_RESET) },
  { name: 'MISC_ENABLE MWAIT, quirk on', code: roundTrip(MISC_ENABLE, MISC_RESET | MWAIT), want: both(MISC_RESET | MWAIT) },
  {
    name: 'MISC_ENABLE MWAIT toggled, quirk off, no SSE3', features: without('sse3'),
    setup: (m) => { m.cpu.kvm.miscEnableNoMwait = false; }, code: roundTrip(MISC_ENABLE, MISC_RESET | MWAIT), want: both('#GP(0)'),
  },
  {
    name: 'MISC_ENABLE MWAIT unchanged, quirk off, no SSE3', features: without('sse3'),
    setup: (m) => { m.cpu.kvm.miscEnableNoMwait = false; }, code: roundTrip(MISC_ENABLE, MISC_RESET | FAST_STRING), want: both(MISC_RESET | FAST_STRING),
  },
  {
    name: 'MISC_ENABLE MWAIT no SSE3, quirk on', features: without('sse3'), code: roundTrip(MISC_ENABLE, MISC_RESET | MWAIT), want: both(MISC_RESET | MWAIT),
  },
  // MSR_PLATFORM_INFO: readable (KVM_CAP_MSR_PLATFORM_INFO on by default), CPUID faulting advertised,
  // never writable by the guest.
  { name: 'PLATFORM_INFO reset', code: rdmsr(PLATFORM_INFO), want: both(CPUID_FAULT) },
  { name: 'PLATFORM_INFO guest write', code: wrmsr(PLATFORM_INFO, CPUID_FAULT), want: both('#GP(0)') },
  { name: 'PLATFORM_INFO read disabled', setup: (m) => { m.cpu.kvm.platformInfoReadable = false; }, code: rdmsr(PLATFORM_INFO), want: both('#GP(0)') },
  {
    name: 'PLATFORM_INFO set by the host', setup: (m) => { expect(writeMsr(m.cpu, PLATFORM_INFO, 0xff00n, true)).toBe(true); },
    code: rdmsr(PLATFORM_INFO), want: both(0xff00n),
  },
  // MSR_MISC_FEATURES_ENABLES: bit 0 only, and only while PLATFORM_INFO advertises it.
  { name: 'MISC_FEATURES CPUID faulting', code: roundTrip(MISC_FEATURES, 1n), want: both(1n) },
  { name: 'MISC_FEATURES reserved bit', code: wrmsr(MISC_FEATURES, 2n), want: both('#GP(0)') },
  {
    name: 'MISC_FEATURES without PLATFORM_INFO.CPUID_FAULT', setup: (m) => { writeMsr(m.cpu, PLATFORM_INFO, 0n, true); },
    code: wrmsr(MISC_FEATURES, 1n), want: both('#GP(0)'),
  },
  { name: 'CPUID faulting: CPUID at CPL 3', setup: (m) => { writeMsr(m.cpu, MISC_FEATURES, 1n); }, cpl: 3, code: CPUID, want: both('#GP(0)') },
  { name: 'CPUID faulting: CPUID at CPL 0', setup: (m) => { writeMsr(m.cpu, MISC_FEATURES, 1n); }, code: [...CPUID, ...rdmsr(MISC_FEATURES)], want: both(1n) },
  { name: 'no CPUID faulting: CPUID at CPL 3', cpl: 3, code: [...movImm(RAX, 0), ...movImm(RDX, 0), ...CPUID, ...movImm(RAX, 7), ...movImm(RDX, 0)], want: both(7n) },
  // TSC_AUX: 32 bits on Intel (bits 63:32 reserved, #GP), AMD drops bits 63:32 (KVM); absent without RDTSCP and RDPID.
  { name: 'TSC_AUX 32-bit value', code: roundTrip(TSC_AUX, 0x12345678n), want: both(0x12345678n) },
  { name: 'TSC_AUX bits 63:32', code: roundTrip(TSC_AUX, U64), want: { amd: 0xaaaa5555n, intel: '#GP(0)' } },
  { name: 'TSC_AUX without RDTSCP and RDPID: RDMSR', features: without('rdtscp', 'rdpid'), code: rdmsr(TSC_AUX), want: both('#GP(0)') },
  { name: 'TSC_AUX without RDTSCP and RDPID: WRMSR', features: without('rdtscp', 'rdpid'), code: wrmsr(TSC_AUX, 1n), want: both('#GP(0)') },
  { name: 'TSC_AUX with RDPID only', features: without('rdtscp'), code: roundTrip(TSC_AUX, 5n), want: both(5n) },
  { name: 'TSC_AUX with RDTSCP only', features: without('rdpid'), code: roundTrip(TSC_AUX, 6n), want: both(6n) },
  // SYSENTER: AMD keeps 32 bits (APM: SYSENTER is legacy-mode only; KVM svm_set_msr), Intel 64-bit canonical addresses.
  { name: 'SYSENTER_CS', code: roundTrip(SYSENTER_CS, 0x1234n), want: both(0x1234n) },
  { name: 'SYSENTER_ESP canonical', code: roundTrip(SYSENTER_ESP, CANONICAL), want: { amd: 0x56789000n, intel: CANONICAL } },
  { name: 'SYSENTER_EIP canonical', code: roundTrip(SYSENTER_EIP, CANONICAL), want: { amd: 0x56789000n, intel: CANONICAL } },
  { name: 'SYSENTER_ESP upper half', code: roundTrip(SYSENTER_ESP, 0xffff800000001000n), want: { amd: 0x1000n, intel: 0xffff800000001000n } },
  { name: 'SYSENTER_ESP non-canonical', code: roundTrip(SYSENTER_ESP, NONCANONICAL | 0x10n), want: { amd: 0x10n, intel: '#GP(0)' } },
  { name: 'SYSENTER_EIP non-canonical', code: roundTrip(SYSENTER_EIP, U64), want: { amd: 0xaaaa5555n, intel: '#GP(0)' } },
];

for (const path of EXECUTION_PATHS) {
  describe.each(CPU_VENDORS)(`MSRs as KVM presents them (${path} path, %s model)`, (vendor) => {
    it.each(CASES)('$name', (k) => {
      const m = new Machine(k.features ?? MODEL_FEATURES, vendor);
      k.setup?.(m);
      const r = outcome(m.run(k.code, { path, cpl: k.cpl ?? 0 }));
      const want = k.want[vendor];
      if (typeof want === 'string') expect(r).toBe(want);
      else expect([r, edxEax(m).toString(16)]).toEqual(['ok', want.toString(16)]);
    });

    it('IA32_MISC_ENABLE.MWAIT drives CPUID.01H:ECX.MONITOR only with KVM_X86_QUIRK_MISC_ENABLE_NO_MWAIT off', () => {
      const monitorBit = (quirkOn: boolean, misc: bigint) => {
        const m = new Machine(undefined, vendor);
        m.cpu.kvm.miscEnableNoMwait = quirkOn;
        const r = outcome(m.run([...wrmsr(MISC_ENABLE, misc), ...movImm(RAX, 1), ...movImm(RCX, 0), ...CPUID], { path }));
        expect(r).toBe('ok');
        return (u64(m, RCX) >> 3n) & 1n;
      };
      // Quirk on (KVM's default): the model's CPUID reports MONITOR whatever the MSR says.
      expect([monitorBit(true, MISC_RESET), monitorBit(true, MISC_RESET | MWAIT)]).toEqual([1n, 1n]);
      expect([monitorBit(false, MISC_RESET), monitorBit(false, MISC_RESET | MWAIT)]).toEqual([0n, 1n]);
    });

    it('IA32_TSC_ADJUST: a guest write moves the TSC by the difference, a WRMSR to the TSC moves TSC_ADJUST; the host sets either alone', () => {
      // RDTSC at instruction 0 (EAX = 0); MOV RBX, RAX; WRMSR TSC_ADJUST = 0x1000 (3 MOVs, WRMSR);
      // RDTSC as instruction 6: 6 + 0x1000. Then TSC_ADJUST reads back 0x1000.
      const m = new Machine(undefined, vendor);
      expect(outcome(m.run([...RDTSC, 0x48, 0x89, 0xc3, ...wrmsr(TSC_ADJUST, 0x1000n), ...RDTSC, 0x48, 0x89, 0xc6, ...rdmsr(TSC_ADJUST)], { path }))).toBe('ok');
      expect([u64(m, 3), u64(m, 6), edxEax(m)]).toEqual([0n, 0x1006n, 0x1000n]);

      // WRMSR TSC from ~n to 0x100000000 adds the same amount to TSC_ADJUST (starting at 0).
      const m3 = new Machine(undefined, vendor);
      expect(outcome(m3.run([...wrmsr(TSC, 0x100000000n), ...rdmsr(TSC_ADJUST)], { path }))).toBe('ok');
      // WRMSR retired as the 4th instruction: the TSC counted 3 before it, so the offset is 2^32 - 3.
      expect(edxEax(m3)).toBe(0x100000000n - 3n);

      // Host writes: TSC_ADJUST alone does not move the TSC; the TSC alone does not move TSC_ADJUST.
      const m4 = new Machine(undefined, vendor);
      writeMsr(m4.cpu, TSC_ADJUST, 0x500n, true);
      writeMsr(m4.cpu, TSC, 0x9000n, true);
      expect([readMsr(m4.cpu, TSC_ADJUST, true), readMsr(m4.cpu, TSC, true)]).toEqual([0x500n, 0x9000n]);
      // A negative adjustment (two's complement) moves the TSC back.
      const m5 = new Machine(undefined, vendor);
      writeMsr(m5.cpu, TSC, 0x10000n, true);
      expect(outcome(m5.run([...wrmsr(TSC_ADJUST, BigInt.asUintN(64, -0x100n)), ...RDTSC], { path }))).toBe('ok');
      expect(edxEax(m5)).toBe(0x10000n + 4n - 0x100n); // RDTSC is instruction 4
    });

    it('IA32_TSC_ADJUST without CPUID.07H:EBX.TSC_ADJUST: the write is dropped (KVM), the TSC unchanged', () => {
      const m = new Machine(undefined, vendor);
      m.cpu.setCpuid(modelCpuid(m.cpu).map((e) => (e.leaf === 7 ? { ...e, ebx: e.ebx & ~2 } : e)));
      expect(outcome(m.run([...wrmsr(TSC_ADJUST, 0x1000n), ...rdmsr(TSC_ADJUST), 0x48, 0x89, 0xc3, ...RDTSC], { path }))).toBe('ok');
      expect([u64(m, 3), edxEax(m)]).toEqual([0n, 7n]); // TSC_ADJUST still 0; RDTSC is instruction 7, unadjusted
    });

    it('TSC_AUX is what RDTSCP (ECX) and RDPID return, zero-extended', () => {
      const m = new Machine(undefined, vendor);
      expect(outcome(m.run([...wrmsr(TSC_AUX, 0x89abcdefn), ...movImm(RCX, 0xffffffffffffffffn), ...RDTSCP, 0x48, 0x89, 0xcb, ...RDPID_RAX], { path }))).toBe('ok');
      expect([u64(m, 3), u64(m, RAX)]).toEqual([0x89abcdefn, 0x89abcdefn]);
    });

    it('host-initiated accesses (KVM_{GET,SET}_MSRS): PLATFORM_INFO read while the guest may not, MISC_ENABLE read-only bits writable, Intel SYSENTER made canonical', () => {
      const m = new Machine(undefined, vendor);
      m.cpu.kvm.platformInfoReadable = false;
      expect(readMsr(m.cpu, PLATFORM_INFO, true)).toBe(CPUID_FAULT);
      expect(readMsr(m.cpu, PLATFORM_INFO)).toBeUndefined();
      expect(writeMsr(m.cpu, MISC_ENABLE, FAST_STRING, true)).toBe(true);
      expect(readMsr(m.cpu, MISC_ENABLE)).toBe(FAST_STRING);
      expect(writeMsr(m.cpu, SYSENTER_EIP, NONCANONICAL, true)).toBe(true);
      expect(readMsr(m.cpu, SYSENTER_EIP)).toBe(vendor === 'amd' ? 0n : 0xffff800000000000n);
      // The host may not withdraw CPUID faulting while the guest has it on (KVM).
      expect(writeMsr(m.cpu, MISC_FEATURES, 1n)).toBe(true);
      expect(writeMsr(m.cpu, PLATFORM_INFO, 0n, true)).toBe(false);
      expect(writeMsr(m.cpu, PLATFORM_INFO, CPUID_FAULT | 0xff00n, true)).toBe(true);
    });
  });
}
