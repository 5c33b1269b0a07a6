// The `ringzero/vitest` harness (src/vitest.ts) on test/host-guests/harness.c:
// a guest that finishes, one whose GUEST_ASSERT fails and one that takes an
// unexpected #UD. The failure messages are asserted: the guest's own assert
// text (file, line, expression, values) and the last instructions,
// disassembled. And the matchers, passing and failing. Every execution path.
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS, type ExecutionPath } from '../src/cpu/execution-path.js';
import { runGuest, GuestFailure } from '../src/vitest.js';
import type { Vm } from '../src/vm.js';
import { hostGuestsAvailable, loadHostGuest } from './helpers/host-guests.js';

const SOURCE = 'test/host-guests/harness.c';
const assertLine = readFileSync(SOURCE, 'utf8').split('\n').findIndex((l) => l.includes('/* FAILING-ASSERT */')) + 1;

/** Sets the harness guest's `mode` (what it does after its first ucalls). */
function setMode<V extends Pick<Vm, 'vcpu' | 'symbol'>>(vm: V, mode: number): V {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(mode), true);
  vm.vcpu.writeVirtual(vm.symbol('mode')!, b);
  return vm;
}
const load = (executionPath: ExecutionPath, mode: number): Vm => setMode(loadHostGuest('harness', { executionPath }), mode);

/** The GuestFailure runGuest throws (the test fails if it returns); `Failure`: the class of the entry that ran it. */
function failure<F extends Error = GuestFailure>(run: () => unknown, Failure: new (...args: never[]) => F = GuestFailure as never): F {
  try { run(); } catch (e) { if (e instanceof Failure) return e; throw e; }
  throw new Error('runGuest did not fail');
}

const hex16 = (v: bigint) => v.toString(16).padStart(16, '0');
/** One history line: address, <symbol+offset>, bytes, disassembly. */
const LINE = /^ {2}[0-9a-f]{16} <[\w.]+\+0x[0-9a-f]+>: ([0-9a-f]{2} )*[0-9a-f]{2} +\S.*$/;

describe.skipIf(!hostGuestsAvailable.ok)('vitest harness', () => {
  for (const executionPath of EXECUTION_PATHS) describe(`${executionPath} path`, () => {
    it('runs a guest to DONE and returns its ucalls; toHaveUcalls matches them in order', () => {
      const seen: string[] = [];
      const run = runGuest(load(executionPath, 0), { onUcall: (u) => seen.push(u.cmd) });
      expect(run).toHaveUcalls([{ cmd: 'SYNC', stage: 1, args: [expect.anything(), 1n, 42n] }, { cmd: 'PRINTF', text: 'hello 7\n' }, 'DONE']);
      expect(seen).toEqual(['SYNC', 'PRINTF']);
      expect(run.instructions).toBe(run.vm.vcpu.instructions);
      // The matcher fails with the first ucall that differs.
      expect(() => expect(run).toHaveUcalls(['SYNC', 'DONE'])).toThrow('ucall 1 differs: expected "DONE", got PRINTF "hello 7\\n"');
      expect(() => expect(run).toHaveUcalls([{ cmd: 'SYNC', stage: 2 }, 'PRINTF', 'DONE'])).toThrow('ucall 0 differs: expected {"cmd":"SYNC","stage":2}, got SYNC [');
      expect(() => expect(run).toHaveUcalls(['SYNC', 'PRINTF', 'DONE', 'DONE'])).toThrow('ucall 3 differs: expected "DONE", got no more ucalls');
      expect(() => expect(run).not.toHaveUcalls(['SYNC', 'PRINTF', 'DONE'])).toThrow('expected the ucalls not to be');
    });

    it('a failed GUEST_ASSERT fails with the guest\'s file, line, expression and values, then the last instructions', () => {
      const vm = load(executionPath, 1);
      const f = failure(() => runGuest(vm));
      const lines = f.message.split('\n');
      expect(lines.slice(0, 3)).toEqual([
        `guest assertion failed at ${SOURCE}:${assertLine}: value == 42`,
        '  0x29 != 0x2a (value != 42)',
        'last 16 instructions before the guest called ucall_assert (oldest first):',
      ]);
      expect(lines.length).toBe(3 + 16);
      for (const l of lines.slice(3)) expect(l).toMatch(LINE);
      // The newest is main's call to ucall_assert (not the runtime's formatting after it), the target named.
      const call = vm.symbol('ucall_assert')!;
      expect(lines.at(-1)).toMatch(new RegExp(`^  [0-9a-f]{16} <main\\+0x[0-9a-f]+>: e8( [0-9a-f]{2}){4} +call   0x${call.toString(16)} <ucall_assert>$`));
      expect(f.exit).toMatchObject({ reason: 'ucall', cmd: 'ABORT', line: assertLine });
      expect(f.history).toEqual(lines.slice(3).map((l) => l.slice(2)));
    });

    it("an exception no handler takes: the runtime's GUEST_FAIL, with the vector and the faulting instruction", () => {
      const vm = load(executionPath, 2);
      const ud = vm.symbol('ud_at')!;
      const f = failure(() => runGuest(vm, { history: 4 }));
      const lines = f.message.split('\n');
      expect(lines.slice(0, 2)).toEqual([
        expect.stringMatching(/^guest assertion failed at guests\/lib\/processor\.c:\d+: Unconditional guest failure$/),
        `  Unhandled exception '0x6' at guest RIP '0x${ud.toString(16)}'`,
      ]);
      expect(lines[2]).toMatch(new RegExp(`^  #UD at ${hex16(ud)} <main\\+0x[0-9a-f]+>: 0f 0b +ud2$`));
      expect(lines[3]).toBe('last 4 instructions, up to the faulting one (oldest first):');
      expect(lines.length).toBe(4 + 4);
      expect(lines[7]).toBe(lines[2]!.replace('#UD at ', ''));
      for (const l of lines.slice(4)) expect(l).toMatch(LINE);
    });

    it("the ABI's UNHANDLED report (a handler's ucall_unhandled): vector, error code and the faulting instruction", () => {
      const vm = load(executionPath, 4);
      const ud = vm.symbol('ud_at')!;
      const f = failure(() => runGuest(vm, { history: 4 }));
      const lines = f.message.split('\n');
      expect(lines[0]).toBe('guest took an unexpected exception #UD (vector 6, error code 0x0)');
      expect(lines[1]).toMatch(new RegExp(`^  at ${hex16(ud)} <main\\+0x[0-9a-f]+>: 0f 0b +ud2$`));
      expect(lines[2]).toBe('last 4 instructions, up to the faulting one (oldest first):');
      expect(lines.length).toBe(3 + 4);
      expect(lines[6]).toBe(lines[1]!.replace('at ', ''));
      for (const l of lines.slice(3)) expect(l).toMatch(LINE);
    });

    it('an exception the host intercepts, and no history when it is off', () => {
      const vm = load(executionPath, 2);
      vm.vcpu.interceptExceptions([6]);
      const ud = vm.symbol('ud_at')!;
      const f = failure(() => runGuest(vm, { history: 0 }));
      expect(f.message.split('\n')).toEqual([
        'guest took an exception the host intercepts: #UD (vector 6)',
        expect.stringMatching(new RegExp(`^  at ${hex16(ud)} <main\\+0x[0-9a-f]+>: 0f 0b +ud2$`)),
      ]);
      expect(f.exit).toEqual({ reason: 'exception', vector: 6, rip: ud });
      // onExit may take it instead: skip the UD2 and go on to DONE.
      const run = runGuest(vm, { onExit: (e, v) => e.reason === 'exception' && (v.vcpu.setRegs({ rip: e.rip + 2n }), true) });
      expect(run).toHaveUcalls(['PRINTF', 'DONE']);
    });

    it('toExitWith matches fields of an exit', () => {
      const vm = load(executionPath, 0);
      expect(vm.vcpu.run()).toExitWith({ reason: 'ucall', cmd: 'SYNC', args: expect.arrayContaining([42n]) });
      const e = vm.vcpu.run();
      expect(e).not.toExitWith({ reason: 'ucall', cmd: 'DONE' });
      expect(() => expect(e).toExitWith({ reason: 'hlt' })).toThrow(/^expected exit \{"reason":"ucall","cmd":"PRINTF".* to match \{"reason":"hlt"\}$/);
    });

    it('a guest that leaves through the debug-exit port instead of DONE fails with its exit code', () => {
      const f = failure(() => runGuest(load(executionPath, 3), { history: 2 }));
      expect(f.message.split('\n')[0]).toBe('guest ended through the debug-exit port (exit code 7), not with DONE');
      expect(f.exit).toMatchObject({ reason: 'io', direction: 'out', port: 0xf4, size: 1, value: 3 });
      expect(f.history[1]).toMatch(/: e6 f4 +out    %al,\$0xf4$/);
    });

    it('an instruction budget spent fails the run; runGuest takes an image path too', () => {
      const f = failure(() => runGuest('build/host-guests/harness.elf', { executionPath, maxInstructions: 10, history: 3 }));
      expect(f.exit).toEqual({ reason: 'limit' });
      const lines = f.message.split('\n');
      expect(lines[0]).toBe('instruction budget spent');
      expect(lines.slice(2)).toEqual(['last 3 instructions (oldest first):', ...f.history.map((l) => `  ${l}`)]);
      expect(f.history).toHaveLength(3);
      expect(runGuest('build/host-guests/harness.elf', { executionPath })).toHaveUcalls(['SYNC', 'PRINTF', 'DONE']);
    });
  });
});

// The package entries as a user imports them (dist/, built by npm test): runGuest from
// `ringzero/vitest` takes a Vm made with `ringzero` (one library, not a second bundled copy).
describe.skipIf(!hostGuestsAvailable.ok || !existsSync('dist/vitest.js'))('ringzero/vitest as a package entry', () => {
  it('runs a Vm built with the ringzero entry and registers its matchers', async () => {
    const lib = await import('ringzero');
    const harness = await import('ringzero/vitest');
    const vm = lib.Vm.fromElf(readFileSync('build/host-guests/harness.elf'));
    const run = harness.runGuest(vm);
    expect(run.vm).toBe(vm);
    expect(run).toHaveUcalls(['SYNC', 'PRINTF', 'DONE']);
  });

  it('reports a failing guest\'s last instructions, disassembled by the library\'s decoder (the entry holds none of its own)', async () => {
    const lib = await import('ringzero');
    const harness = await import('ringzero/vitest');
    const vm = setMode(lib.Vm.fromElf(readFileSync('build/host-guests/harness.elf')), 3); // out to the debug-exit port
    const f = failure(() => harness.runGuest(vm, { history: 2 }), harness.GuestFailure);
    expect(f.history[1]).toMatch(/: e6 f4 +out    %al,\$0xf4$/);
    expect(readFileSync('dist/vitest.js', 'utf8')).not.toMatch(/SnapshotStore|function disassemble/);
  });

  it('is one library whether imported or required (the ES module entry requires the CommonJS bundle)', async () => {
    const imported = await import('ringzero');
    const required = createRequire(import.meta.url)('ringzero') as typeof imported;
    expect(Object.keys(required).sort()).toEqual(Object.keys(imported).sort());
    expect(required.Vm).toBe(imported.Vm);
    expect(required.Vm.fromElf(readFileSync('build/host-guests/harness.elf'))).toBeInstanceOf(imported.Vm);
  });
});
