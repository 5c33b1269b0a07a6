// End to end: every bundled guest through the library API, asserting the
// exact events and outcome it is written to produce (guests/*.c document them).
import { describe, it, expect } from 'vitest';
import { Vm, type UcallEvent, type GuestEvent } from '../src/vm.js';
import { guestImage, imagesAvailable, unmetNeeds, GUEST_NAMES } from './helpers/images.js';
import { parseElf } from '../src/guest/elf.js';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';

function runGuest(name: string, options: ConstructorParameters<typeof Vm>[1] = {}) {
  const vm = Vm.fromElf(guestImage(name), options);
  return { vm, result: vm.run() };
}
const ucalls = (events: GuestEvent[]) => events.filter((e): e is UcallEvent => e.type === 'ucall');

for (const executionPath of EXECUTION_PATHS) for (const fep of [false, true]) {
  const run = (name: string, options: ConstructorParameters<typeof Vm>[1] = {}) => runGuest(name, { ...options, executionPath });
  describe.skipIf(!imagesAvailable.ok)(`bundled guests on the ${executionPath} path${fep ? ' (forced emulation enabled)' : ''}`, () => {
    it('hello: SYNC 1, four PRINTFs, SYNC 2, DONE', () => {
      const { vm, result } = run('hello', { forcedEmulation: fep });
      expect(result.outcome).toBe('done');
      const u = ucalls(result.events);
      expect(u.map((e) => e.cmd)).toEqual(['SYNC', 'PRINTF', 'PRINTF', 'PRINTF', 'PRINTF', 'SYNC', 'DONE']);
      expect(vm.readString(u[0]!.args[0]!)).toBe('hello');
      expect(u[0]!.args.slice(1)).toEqual([1n, 0n, 0n, 0n, 0n, 0n]);
      expect(u[5]!.args[1]).toBe(2n);
      expect(u.slice(1, 5).map((e) => e.text)).toEqual([
        'hello, world\n',
        '-42 7 42 beef BEEF z str 100%\n',
        '[   42] [42   ] [-0042] [0xff] [0xdeadbeefcafe] [0000abcd] [ab    ] [    cd]\n',
        '-9223372036854775808 18446744073709551615 -1 123456789abcdef 1096 0xffffffff80001000\n',
      ]);
    });

    it('assert: ABORT with expression, file, line and message', () => {
      const { result } = run('assert', { forcedEmulation: fep });
      expect(result.outcome).toBe('abort');
      const abort = result.last!;
      expect(abort.cmd).toBe('ABORT');
      expect(abort.expr).toBe('x == 42');
      expect(abort.file).toBe('guests/assert.c');
      expect(abort.line).toBe(24);
      expect(abort.text).toBe('0x29 != 0x2a (x != 42)');
    });

    it('exceptions: handled #DE #UD #BP #PF #GP, then an unhandled #UD at the labelled RIP reported as upstream', () => {
      const { vm, result } = run('exceptions', { forcedEmulation: fep });
      const u = ucalls(result.events);
      expect(u.filter((e) => e.cmd === 'SYNC').map((e) => e.args[1])).toEqual([1n, 2n, 3n, 4n, 5n]);
      // As upstream route_exception(): GUEST_FAIL with the vector and RIP.
      expect(result.outcome).toBe('abort');
      expect(result.last).toMatchObject({
        cmd: 'ABORT', expr: 'Unconditional guest failure', file: 'guests/lib/processor.c',
        text: `Unhandled exception '0x6' at guest RIP '0x${vm.symbol('unhandled_ud_insn')!.toString(16)}'`,
      });
    });

    it('integer: -O2 arithmetic, strings and recursion agree with the host', () => {
      const { result } = run('integer', { forcedEmulation: fep });
      expect(result.outcome).toBe('done');
      const sync = ucalls(result.events).find((e) => e.cmd === 'SYNC')!;
      expect(sync.args.slice(1)).toEqual([1n, 75025n, 9n, 0x66426fbdfa214986n, 0xcbf43926n, 0n]);
    });

    it('stack-remap: after INVLPG of a remapped page, pushes, pops, RSP-based operands and the same load and store instructions use the new frame', () => {
      const { result } = run('stack-remap', { forcedEmulation: fep });
      expect(result.outcome).toBe('done');
      const sync = ucalls(result.events).find((e) => e.cmd === 'SYNC')!;
      expect(sync.args.slice(1, 5)).toEqual([1n, 0x11n, 0x22n, 0x133n]);
    });

    it('console: COM1 lines arrive in order, then DONE', () => {
      const { result } = run('console', { forcedEmulation: fep });
      expect(result.outcome).toBe('done');
      expect(result.events.filter((e) => e.type === 'console').map((e) => e.text)).toEqual([
        'ringzero console test',
        'line 2: the quick brown fox jumps over the lazy dog',
        'line 3: 6 * 7 = 42, lsr = 0x60',
      ]);
    });

    // Declares GUEST_NEEDS_FEP: run with forced emulation only (without it: 'GUEST_NEEDS_FEP' below).
    if (!unmetNeeds('fep-required', { forcedEmulation: fep })) it('fep-required: declares GUEST_NEEDS_FEP; runs with forced emulation', () => {
      const { result } = run('fep-required', { forcedEmulation: fep });
      expect(result.outcome).toBe('done');
      expect(ucalls(result.events).map((u) => [u.cmd, u.args[1]])).toEqual([['SYNC', 1n], ['DONE', 0n]]);
    });

    it('debug-exit: writing 0x21 to port 0xf4 exits with code 67', () => {
      const { result } = run('debug-exit', { forcedEmulation: fep });
      expect(result.outcome).toBe('debug-exit');
      expect(result.code).toBe(67);
      expect(result.events).toEqual([]);
    });
  });
}

describe.skipIf(!imagesAvailable.ok)('GUEST_NEEDS_FEP', () => {
  it('the image says it needs forced emulation; run without it anyway, its first assertion fails', () => {
    expect(parseElf(guestImage('fep-required')).needs).toEqual(['fep']);
    expect(parseElf(guestImage('hello')).needs).toEqual([]);
    const { result } = runGuest('fep-required', { forcedEmulation: false });
    expect(result.outcome).toBe('abort');
    expect(result.last).toMatchObject({ cmd: 'ABORT', file: 'guests/fep-required.c', expr: 'is_forced_emulation_enabled' });
  });
});

describe.skipIf(!imagesAvailable.ok)('determinism and budgets', () => {
  // Determinism across tiers (issue 11): every bundled guest, run on every execution path, gives
  // byte-identical console output and ucalls, the same outcome, instruction count (= TSC) and
  // final registers; stopped by a budget halfway, every path stops at the same instruction in the same state.
  const fep = (name: string) => ({ forcedEmulation: unmetNeeds(name, {}) !== '' });
  const summary = (r: ReturnType<typeof runGuest>) => ({
    outcome: r.result.outcome, instructions: r.result.instructions, code: r.result.code, message: r.result.message,
    console: r.result.events.filter((e) => e.type === 'console').map((e) => e.text).join('\n'),
    events: r.result.events, regs: r.vm.regs(),
  });
  it.each(GUEST_NAMES)('%s: identical output, ucalls, instruction count and registers on every path, also when a budget stops it halfway', (name) => {
    const [first, ...others] = EXECUTION_PATHS.map((executionPath) => summary(runGuest(name, { ...fep(name), executionPath })));
    expect(first!.instructions).toBeGreaterThan(100);
    for (const other of others) expect(other).toEqual(first);
    const half = Math.floor(first!.instructions / 2) + 1;
    const [a, ...b] = EXECUTION_PATHS.map((executionPath) => summary(runGuest(name, { ...fep(name), executionPath, maxInstructions: half })));
    expect(a!.outcome).toBe('limit');
    expect(a!.instructions).toBe(half);
    for (const other of b) expect(other).toEqual(a);
  });

  it('two runs of the same image on the same path give identical events, state and instruction counts', () => {
    for (const executionPath of EXECUTION_PATHS) {
      const [a, b] = [runGuest('user-debug', { executionPath }), runGuest('user-debug', { executionPath })];
      expect(b.result.instructions).toBe(a.result.instructions);
      expect(b.result.events).toEqual(a.result.events);
      expect(b.vm.regs()).toEqual(a.vm.regs());
    }
  });

  it.each(EXECUTION_PATHS)('the instruction budget ends a run with the limit outcome, exactly at the budget (%s path)', (executionPath) => {
    const { result } = runGuest('integer', { maxInstructions: 1000, executionPath });
    expect(result.outcome).toBe('limit');
    expect(result.instructions).toBe(1000);
  });
});
