// The recent-instruction trace (vcpu.recordInstructions / recentInstructions)
// against the instruction hook it stands in for: every bundled guest and the
// host-test guests, on every execution path, run once with an onInstruction
// hook keeping every RIP (the debug loop) and once with the trace (the fast
// loops); at every exit both runs are at the same point and the trace's RIPs
// are the hook's last ones — across faults, exceptions, SYSCALL and IRETQ,
// forced emulation, REP strings that go on, exits to the host, and the ring
// wrapping. Then the API's own cases.
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS, type ExecutionPath } from '../src/cpu/execution-path.js';
import { Vm, type VmOptions } from '../src/vm.js';
import type { VcpuExit } from '../src/host/exits.js';
import { DEBUG_EXIT_PORT } from '../src/devices/debug-exit.js';
import { guestImage, imagesAvailable, GUEST_NAMES } from './helpers/images.js';
import { hostGuestsAvailable, loadHostGuest } from './helpers/host-guests.js';
import { codeImage, DATA_OFFSET, KERNEL_BASE, le32 } from './helpers/elf-writer.js';

const show = (e: unknown) => JSON.stringify(e, (_k, v) => typeof v === 'bigint' ? `0x${v.toString(16)}` : v);

/** Whether the driver stops at this exit (as ringzero/vitest's runGuest: DONE, ABORT, UNHANDLED and anything but ucalls, I/O and MMIO). */
function stops(exit: VcpuExit): boolean {
  if (exit.reason === 'ucall') return exit.cmd === 'DONE' || exit.cmd === 'ABORT' || exit.cmd === 'UNHANDLED';
  if (exit.reason === 'io') return exit.port === DEBUG_EXIT_PORT && exit.direction === 'out';
  return exit.reason !== 'mmio';
}

const MAX_EXITS = 5000;

/** Runs `vm` to a stopping exit, `slice` instructions per run() (the instruction budget's exits go on); at each exit, `seen(exit)`. */
function drive(vm: Vm, slice: number, seen: (exit: VcpuExit) => void): void {
  for (let n = 0; n < MAX_EXITS; n++) {
    vm.vcpu.budget = slice;
    const exit = vm.vcpu.run();
    seen(exit);
    if (exit.reason === 'limit' ? slice === BUDGET : stops(exit)) return;
  }
  throw new Error(`more than ${MAX_EXITS} exits`);
}

const BUDGET = 50_000_000;
const DEPTHS = [7, 4096];

interface Point { exit: string; instructions: number; rips: bigint[][] }

/** The hook's view: every RIP (the last of them for each depth at each exit). */
function withHook(load: () => Vm, slice: number): Point[] {
  const vm = load();
  const max = Math.max(...DEPTHS), ring: bigint[] = [];
  vm.vcpu.onInstruction((_v, rip) => { ring.push(rip); if (ring.length > 2 * max) ring.splice(0, max); });
  const points: Point[] = [];
  drive(vm, slice, (exit) => points.push({ exit: show(exit), instructions: vm.vcpu.instructions, rips: DEPTHS.map((d) => ring.slice(-d)) }));
  return points;
}

function withTrace(load: () => Vm, slice: number, depth: number): Point[] {
  const vm = load();
  vm.vcpu.recordInstructions(depth);
  const points: Point[] = [];
  drive(vm, slice, (exit) => points.push({ exit: show(exit), instructions: vm.vcpu.instructions, rips: [vm.vcpu.recentInstructions()] }));
  return points;
}

/** Runs both ways and compares at every exit; returns the exits seen. */
function compare(load: () => Vm, slice = BUDGET): number {
  const hook = withHook(load, slice);
  DEPTHS.forEach((depth, d) => {
    const trace = withTrace(load, slice, depth);
    expect(trace.map((p) => p.exit)).toEqual(hook.map((p) => p.exit));
    hook.forEach((h, k) => {
      const t = trace[k]!;
      expect(t.instructions, `instructions at exit ${k}`).toBe(h.instructions);
      const want = show(h.rips[d]), got = show(t.rips[0]);
      if (got !== want) expect(got, `RIPs (depth ${depth}) at exit ${k} (${h.exit})`).toBe(want);
    });
  });
  return hook.length;
}

/** Host-test guests, as far as a host answering only ucalls, I/O and MMIO (the open bus) takes them. */
const HOST_GUESTS = ['debug', 'emulation', 'runtime', 'counter', 'slots'];

/**
 * REP MOVSB of 200,000 bytes (the interpreter's REP budget is 65,536 elements
 * per execution: it goes on three times), then REP INSB of 3 bytes from a port
 * no device claims (each element exits to the host), then the debug exit.
 */
const REP_CODE = [
  0x48, 0x8d, 0x35, ...le32(DATA_OFFSET - 7), // 0: lea rsi, [rip + data]
  0x48, 0x8d, 0x3d, ...le32(DATA_OFFSET + 0x40000 - 14), // 7: lea rdi, [rip + data + 256 KiB]
  0xb9, ...le32(200_000), // 14: mov ecx, 200000
  0xf3, 0xa4, // 19: rep movsb
  0x48, 0x8d, 0x3d, ...le32(DATA_OFFSET - 28), // 21: lea rdi, [rip + data]
  0xb9, ...le32(3), // 28: mov ecx, 3
  0xba, ...le32(0x3000), // 33: mov edx, 0x3000
  0xf3, 0x6c, // 38: rep insb
  0xe7, 0xf4, // 40: out $0xf4, eax (debug exit)
];

describe.each(EXECUTION_PATHS)('the trace against the instruction hook, %s path', (executionPath: ExecutionPath) => {
  describe.skipIf(!imagesAvailable.ok)('bundled guests', () => {
    it.each(GUEST_NAMES)('%s', (name) => {
      expect(compare(() => Vm.fromElf(guestImage(name), { executionPath, forcedEmulation: true }))).toBeGreaterThan(0);
    });
    it('user-syscall, 1,000 instructions per run() (runs cut by the budget)', () => {
      expect(compare(() => Vm.fromElf(guestImage('user-syscall'), { executionPath, forcedEmulation: true }), 1000)).toBeGreaterThan(10);
    });
  });
  describe.skipIf(!hostGuestsAvailable.ok)('host-test guests', () => {
    it.each(HOST_GUESTS)('%s', (name) => {
      expect(compare(() => loadHostGuest(name, { executionPath, forcedEmulation: true }))).toBeGreaterThan(0);
    });
  });
  it('REP MOVSB that goes on, REP INSB exiting per element, at one and at 1,000,000 instructions per run()', () => {
    const load = () => Vm.fromElf(codeImage(REP_CODE, new Uint8Array(0x80000)), { executionPath });
    expect(compare(load)).toBe(4); // three I/O exits and the debug exit
    expect(compare(load, 1)).toBeGreaterThan(10);
  });
});

describe('recordInstructions and recentInstructions', () => {
  const load = () => Vm.fromElf(codeImage(REP_CODE, new Uint8Array(0x80000)));
  const at = (...offsets: number[]) => offsets.map((o) => KERNEL_BASE + BigInt(o));

  it('the last `depth` RIPs, oldest first, at each exit; none while off', () => {
    const vm = load();
    expect(vm.vcpu.recentInstructions()).toEqual([]);
    vm.vcpu.recordInstructions(3);
    expect(vm.vcpu.run()).toMatchObject({ reason: 'io', port: 0x3000 }); // the first element of REP INSB
    expect(vm.vcpu.recentInstructions()).toEqual(at(0x1c, 0x21, 0x26));
    vm.vcpu.recordInstructions(10); // afresh: only what runs from here
    vm.vcpu.run();
    vm.vcpu.run();
    expect(vm.vcpu.run()).toMatchObject({ reason: 'io', port: 0xf4 });
    expect(vm.vcpu.recentInstructions()).toEqual(at(0x26, 0x28));
    vm.vcpu.recordInstructions(0);
    expect(vm.vcpu.recentInstructions()).toEqual([]);
  });

  it('a depth that is not a non-negative integer is a RangeError', () => {
    const vm = load();
    for (const bad of [-1, 1.5, NaN, Infinity, 2 ** 20 + 1]) expect(() => vm.vcpu.recordInstructions(bad)).toThrow(RangeError);
  });
});
