// Userspace MSR handling (test/host-guests/msr.c): the guest reads and writes
// filtered, unknown and invalid MSRs with rdmsr_safe/wrmsr_safe (behind KVM_FEP
// when forced emulation is on); the host answers reads, records writes and
// injects #GP(0) for the index it chooses; the exits asked for and the MSR
// filter change between rounds. Every execution path, both vendor models,
// with and without forced emulation. The expected exits and results are
// written out from KVM's rules (Documentation/virt/kvm/api.rst, x86.c
// kvm_msr_allowed), not taken from the emulator.
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import type { VcpuExit, MsrExit } from '../src/host/exits.js';
import type { Vm } from '../src/vm.js';
import { hostGuestsAvailable, loadHostGuest } from './helpers/host-guests.js';
import { MsrPolicy } from '../src/cpu/msr-policy.js';
import { compileMsrFilter } from '../src/host/host-calls.js';
import { StopReason } from '../src/cpu/stop-reason.js';
import { Machine, RAX, RDX, outcome, rdmsr, wrmsr } from './helpers/system.js';
import { runCompat, CODE32_START } from './helpers/compat.js';

const STAR = 0xc0000081, LSTAR = 0xc0000082, TSC_AUX = 0xc0000103, PAT = 0x277;
const NON_EXISTENT = 0x474f4f00, OTHER_UNKNOWN = 0x40000123;
const STAR_VALUE = 0x0023001000080000n;
/** STAR as guest ABI v1 starts it (guest-abi.md §4). */
const STAR_ABI = 0x0018000800000000n;
const GP = 13n;
const u64 = (v: number | bigint) => { const b = new Uint8Array(8); new DataView(b.buffer).setBigUint64(0, BigInt(v), true); return b; };
const show = (e: unknown) => JSON.stringify(e, (_k, v) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v));

/** What the host says to one msr exit: the data for a read and whether to inject #GP. */
type Answer = { data?: bigint; error?: boolean };
/** The exit the host expects (without `error`, which it sets) and its answer. */
type Expected = [Omit<MsrExit, 'error' | 'reason'>, Answer];

/** Runs one round: the SYNC that opens it, every msr exit (checked in order and answered), the closing SYNC; returns the guest's results. */
function round(vm: Vm, n: number, expected: Expected[], fep: boolean): [bigint, bigint][] {
  const { vcpu } = vm;
  const syncOf = (e: VcpuExit) => {
    if (e.reason !== 'ucall' || e.cmd !== 'SYNC') throw new Error(`round ${n}: expected SYNC, got ${show(e)}`);
    expect(e.args[1]).toBe(BigInt(n));
    return e.args;
  };
  syncOf(vcpu.run());
  const seen: unknown[] = [];
  let exit = vcpu.run();
  for (let k = 0; exit.reason === 'msr'; k++, exit = vcpu.run()) {
    const { reason: _r, error: _e, ...record } = exit;
    seen.push(record);
    expect(exit.error).toBe(false);
    // The vCPU stopped on the instruction (or its forced-emulation prefix), with ECX = the index.
    const regs = vcpu.getRegs();
    expect(Number(regs.rcx & 0xffffffffn)).toBe(exit.index);
    const insn = [0x0f, exit.direction === 'read' ? 0x32 : 0x30];
    expect([...vcpu.readVirtual(regs.rip, fep ? 7 : 2)!]).toEqual(fep ? [0x0f, 0x0b, 0x6b, 0x76, 0x6d, ...insn] : insn);
    const answer = expected[k]?.[1] ?? {};
    if (answer.data !== undefined) exit.data = answer.data;
    if (answer.error) exit.error = true;
  }
  expect(seen).toEqual(expected.map((e) => e[0]));
  const args = syncOf(exit);
  const count = Number(args[3]);
  const bytes = vcpu.readVirtual(args[2]!, count * 16)!;
  const dv = new DataView(bytes.buffer, bytes.byteOffset);
  return Array.from({ length: count }, (_, i) => [dv.getBigUint64(i * 16, true), dv.getBigUint64(i * 16 + 8, true)]);
}

/** The guest's accesses in order (msr.c): the results of a round are one [vector, value read] per access. */
const OK = (v = 0n): [bigint, bigint] => [0n, v];
const FAULT: [bigint, bigint] = [GP, 0n];

describe.skipIf(!hostGuestsAvailable.ok)('userspace MSR exits and the MSR filter', () => {
  for (const vendor of ['amd', 'intel'] as const) for (const executionPath of EXECUTION_PATHS) for (const forcedEmulation of [false, true]) {
    it(`${vendor}, ${executionPath} path${forcedEmulation ? ', forced emulation' : ''}`, () => {
      const vm = loadHostGuest('msr', { vendor, executionPath, forcedEmulation });
      const { machine, vcpu } = vm;
      vcpu.writeVirtual(vm.symbol('rounds')!, u64(4));

      // 1: no filter; exits on unknown and invalid accesses. The host answers the unknown read, records the
      // unknown and the reserved-value writes (the CPU's PAT keeps its value), and injects #GP for
      // OTHER_UNKNOWN and for the non-canonical LSTAR write.
      machine.msrExits({ unknown: true, invalid: true });
      expect(round(vm, 1, [
        [{ direction: 'read', index: NON_EXISTENT, data: 0n, why: 'unknown' }, { data: 0xdead_beef_0000_0001n }],
        [{ direction: 'write', index: NON_EXISTENT, data: 0x1122334455667788n, why: 'unknown' }, {}],
        [{ direction: 'read', index: OTHER_UNKNOWN, data: 0n, why: 'unknown' }, { error: true }],
        [{ direction: 'write', index: PAT, data: 2n, why: 'invalid' }, {}],
        [{ direction: 'write', index: LSTAR, data: 0x8000_0000_0000_0000n, why: 'invalid' }, { error: true }],
      ], forcedEmulation)).toEqual([
        OK(STAR_ABI), OK(), OK(0xdead_beef_0000_0001n), OK(), FAULT, OK(), FAULT, OK(), OK(0x42n), OK(STAR_VALUE),
      ]);
      expect(vcpu.getMsr(LSTAR)).toBe(0n);

      // 2: STAR reads and NON_EXISTENT writes filtered (default allow), only filter exits: the filtered
      // STAR read is answered, then refused with #GP; unknown and invalid accesses are #GP without exits.
      machine.msrExits({ filter: true });
      machine.setMsrFilter({ defaultAllow: true, ranges: [
        { base: STAR, count: 1, read: true },
        { base: NON_EXISTENT, bitmap: Uint8Array.of(0b10), write: true },
      ] });
      expect(round(vm, 2, [
        [{ direction: 'read', index: STAR, data: 0n, why: 'filter' }, { data: 0x77n }],
        [{ direction: 'write', index: NON_EXISTENT, data: 0x1122334455667788n, why: 'filter' }, {}],
        [{ direction: 'read', index: STAR, data: 0n, why: 'filter' }, { error: true }],
      ], forcedEmulation)).toEqual([
        OK(0x77n), OK(), FAULT, OK(), FAULT, FAULT, FAULT, OK(), OK(0x42n), FAULT,
      ]);

      // 3: default deny, filter exits off: only STAR (read, write) and TSC_AUX reads are allowed; the
      // filter comes before the unknown-MSR exit, so nothing exits.
      machine.msrExits({ unknown: true });
      machine.setMsrFilter({ defaultAllow: false, ranges: [
        { base: STAR, count: 3, bitmap: Uint8Array.of(0b001), read: true, write: true },
        { base: TSC_AUX, count: 1, read: Uint8Array.of(1) },
      ] });
      expect(round(vm, 3, [], forcedEmulation)).toEqual([
        OK(STAR_VALUE), OK(), FAULT, FAULT, FAULT, FAULT, FAULT, FAULT, OK(0x42n), OK(STAR_VALUE),
      ]);

      // 4: filter cleared, no exits: the model alone.
      machine.msrExits({});
      machine.setMsrFilter(null);
      expect(round(vm, 4, [], forcedEmulation)).toEqual([
        OK(STAR_VALUE), OK(), FAULT, FAULT, FAULT, FAULT, FAULT, OK(), OK(0x42n), OK(STAR_VALUE),
      ]);
      const done = vcpu.run();
      expect(done.reason === 'ucall' && done.cmd).toBe('DONE');
    });
  }
});

describe('MSR filter rules', () => {
  it('rejects what KVM_X86_SET_MSR_FILTER rejects', async () => {
    const { VirtualMachine } = await import('../src/host/vm.js');
    const vm = new VirtualMachine();
    const many = Array.from({ length: 17 }, (_, k) => ({ base: k, count: 1, read: true }));
    expect(() => vm.setMsrFilter({ defaultAllow: true, ranges: many })).toThrow(/at most 16 ranges/);
    expect(() => vm.setMsrFilter({ defaultAllow: true, ranges: [{ base: 0, count: 0x3001, read: true }] })).toThrow(/count/);
    expect(() => vm.setMsrFilter({ defaultAllow: true, ranges: [{ base: 0, count: 4 }] })).toThrow(/neither/);
    expect(() => vm.setMsrFilter({ defaultAllow: true, ranges: [{ base: 0, count: 9, bitmap: Uint8Array.of(1), read: true }] })).toThrow(/covers 8/);
    expect(() => vm.setMsrFilter({ defaultAllow: true, ranges: [{ base: 0xffffffff, count: 2, read: true }] })).toThrow(/past/);
    expect(() => vm.setMsrFilter({ defaultAllow: false, ranges: [{ base: 0, count: 0, read: true }] })).toThrow(/default-deny/);
    vm.setMsrFilter({ defaultAllow: true, ranges: [{ base: 0, count: 0, read: true }] }); // empty ranges are ignored
    expect(vm.msrPolicy.filter?.ranges).toEqual([]);
  });

  it('the first range covering the index and direction decides; x2APIC MSRs are never filtered', async () => {
    const { VirtualMachine } = await import('../src/host/vm.js');
    const vm = new VirtualMachine();
    vm.setMsrFilter({ defaultAllow: false, ranges: [
      { base: 0x10, count: 4, bitmap: Uint8Array.of(0b0101), write: true },
      { base: 0x10, count: 8, bitmap: Uint8Array.of(0xff), read: true, write: true },
      { base: 0x800, count: 0x100, read: true, write: true },
    ] });
    const p = vm.msrPolicy;
    const table: [number, boolean, boolean][] = [
      [0x10, true, true], [0x11, true, false], [0x12, true, true], [0x13, true, false], [0x14, true, true],
      [0x10, false, true], [0x11, false, true], [0x17, false, true], [0x18, false, false], [0x0f, true, false],
      [0x800, false, true], [0x8ff, true, true], [0x900, false, false],
    ];
    expect(table.map(([i, w]) => p.allowed(i, w))).toEqual(table.map((t) => t[2]));
  });
});

// The same rules for 32-bit code (compatibility mode) on the bare machine, with the queued access
// answered by hand: ECX is the index, EDX:EAX the value, RIP on the instruction while it waits.
describe.each(EXECUTION_PATHS)('MSR exits in 32-bit code on the bare machine (%s path)', (path) => {
  type Case = {
    name: string; code: number[]; at: number;
    policy: { unknown?: boolean; invalid?: boolean; filter?: boolean; deny?: { read?: boolean; write?: boolean } };
    access?: { write: boolean; address: number; value: bigint; why: string };
    answer?: { value?: bigint; error?: boolean };
    outcome: string; edxEax?: bigint;
  };
  const cases: Case[] = [
    { name: 'RDMSR of an unknown MSR, answered', code: rdmsr(NON_EXISTENT), at: 5, policy: { unknown: true },
      access: { write: false, address: NON_EXISTENT, value: 0n, why: 'unknown' }, answer: { value: 0x11223344_55667788n },
      outcome: 'ok', edxEax: 0x11223344_55667788n },
    // (PAT memory type 2 is reserved on both vendors; TSC_AUX bits 63:32 would be dropped on AMD, not refused.)
    { name: 'WRMSR of a reserved value, refused by the host', code: wrmsr(PAT, 2n), at: 15, policy: { invalid: true },
      access: { write: true, address: PAT, value: 2n, why: 'invalid' }, answer: { error: true }, outcome: '#GP(0)' },
    { name: 'RDMSR denied by the filter, no filter exit', code: rdmsr(STAR), at: 5, policy: { unknown: true, deny: { read: true } }, outcome: '#GP(0)' },
    { name: 'WRMSR denied by the filter, exits and completes', code: wrmsr(STAR, 0x1234n), at: 15, policy: { filter: true, deny: { write: true } },
      access: { write: true, address: STAR, value: 0x1234n, why: 'filter' }, answer: {}, outcome: 'ok' },
  ];
  for (const vendor of ['amd', 'intel'] as const) for (const k of cases) {
    it(`${vendor}: ${k.name}`, () => {
      const m = new Machine(undefined, vendor);
      const p = new MsrPolicy();
      p.exitUnknown = k.policy.unknown ?? false;
      p.exitInvalid = k.policy.invalid ?? false;
      p.exitFilter = k.policy.filter ?? false;
      if (k.policy.deny) p.filter = compileMsrFilter({ defaultAllow: true, ranges: [{ base: STAR, count: 1, ...k.policy.deny }] });
      m.cpu.msrPolicy = p;
      const { r } = runCompat(k.code, { path, vendor }, m);
      if (k.access) {
        expect(r).toEqual({ outcome: 'other', message: String(StopReason.HostExit) });
        expect(m.cpu.rip).toBe(CODE32_START + k.at);
        const access = m.cpu.hostExits.queue.shift()!;
        expect(access).toMatchObject({ kind: 'msr', ...k.access });
        if (k.answer?.value !== undefined) access.value = k.answer.value;
        access.error = k.answer?.error ?? false;
        m.cpu.hostExits.complete(access);
        expect(outcome(m.resume())).toBe(k.outcome);
      } else {
        expect(outcome(r)).toBe(k.outcome);
        expect(m.cpu.hostExits.queue).toEqual([]);
      }
      if (k.outcome !== 'ok') expect(m.cpu.rip).toBe(CODE32_START + k.at);
      if (k.edxEax !== undefined) expect((m.cpu.getReg64(RDX) << 32n) | m.cpu.getReg64(RAX)).toBe(k.edxEax);
      expect(m.cpu.msrs.get(STAR)).toBe(0n); // nothing reached the CPU's STAR
    });
  }
});
