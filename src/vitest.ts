// The `ringzero/vitest` entry: a harness for host-side tests written with
// vitest. runGuest() runs a guest until DONE and fails the test with the
// guest's own message (assert expression, file, line, text) and the last
// instructions it executed, disassembled; matchers check ucall sequences and
// exits. vitest is a peer: this entry imports it, the library never does
// (the user's project installs vitest).
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
// From the library entry (kept external in dist/vitest.js): the Vm a test builds with `ringzero` is this Vm.
import { Vm, type VmOptions } from './index.js';
import type { UcallExit, VcpuExit } from './host/exits.js';
import { Trace, describeExit, show } from './testing/guest-report.js';
import { DEBUG_EXIT_PORT } from './devices/debug-exit.js';

export interface RunGuestOptions extends VmOptions {
  /** How many of the last instructions a failure shows, disassembled (default 16; 0: none, and no tracing). */
  history?: number;
  /** Every ucall but DONE, ABORT and UNHANDLED (SYNC, PRINTF, custom numbers): inspect or change state, then the guest goes on. */
  onUcall?: (exit: UcallExit, vm: Vm) => void;
  /** Any other exit (io, mmio, debug, exception, hlt…): return true to go on; otherwise the test fails with it. Unclaimed io and mmio meet the open bus. */
  onExit?: (exit: VcpuExit, vm: Vm) => boolean | void;
}

/** What a guest did until DONE. */
export interface GuestRun {
  vm: Vm;
  /** Every ucall, in order, DONE included. */
  ucalls: UcallExit[];
  /** Instructions retired. */
  instructions: number;
}

/** Thrown when a guest aborts, takes an unexpected exception or stops otherwise than with DONE. */
export class GuestFailure extends Error {
  override name = 'GuestFailure';
  constructor(message: string, readonly exit: VcpuExit, readonly history: string[]) { super(message); }
}

/**
 * Runs a guest (a loaded Vm, an ELF image, or its path) until its DONE ucall;
 * throws GuestFailure (failing the test) with the guest's message and the last
 * instructions when it does anything else.
 * @example
 *   const run = runGuest('build/host-guests/debug.elf', { executionPath: 'reference' });
 *   expect(run).toHaveUcalls([{ cmd: 'SYNC', stage: 1 }, 'DONE']);
 */
export function runGuest(vmOrImage: Vm | Uint8Array | string, options: RunGuestOptions = {}): GuestRun {
  const vm = vmOrImage instanceof Vm ? vmOrImage
    : Vm.fromElf(typeof vmOrImage === 'string' ? readFileSync(vmOrImage) : vmOrImage, options);
  const { vcpu } = vm;
  const trace = new Trace(vm, options.history ?? 16);
  const ucalls: UcallExit[] = [];
  const budget = options.maxInstructions ?? 1e9;
  const fail = (exit: VcpuExit, what: string): never => {
    const { heading, lines: history } = trace.history(exit.reason === 'ucall' ? exit : undefined);
    const lines = [what];
    if (history.length > 0) lines.push(heading, ...history.map((h) => `  ${h}`));
    throw new GuestFailure(lines.join('\n'), exit, history);
  };
  trace.start();
  try {
    for (;;) {
      vcpu.budget = Math.max(0, budget - vcpu.instructions);
      const exit = vcpu.run();
      if (exit.reason === 'ucall') {
        ucalls.push(exit);
        if (exit.cmd === 'DONE') return { vm, ucalls, instructions: vcpu.instructions };
        if (exit.cmd === 'ABORT' || exit.cmd === 'UNHANDLED') fail(exit, describeExit(vm, exit));
        options.onUcall?.(exit, vm);
        continue;
      }
      if (options.onExit?.(exit, vm) === true) continue;
      if ((exit.reason === 'io' && !(exit.port === DEBUG_EXIT_PORT && exit.direction === 'out')) || exit.reason === 'mmio') continue;
      fail(exit, describeExit(vm, exit));
    }
  } finally {
    trace.stop();
  }
}

/** An expected ucall: its command, or the fields to compare (args: a prefix; stage: args[1], GUEST_SYNC's stage). */
export type ExpectedUcall = UcallExit['cmd'] | (Partial<Omit<UcallExit, 'args' | 'reason'>> & { args?: unknown[]; stage?: number | bigint });

interface MatcherState { equals(a: unknown, b: unknown): boolean; isNot: boolean }

function ucallMatches(state: MatcherState, got: UcallExit, want: ExpectedUcall): boolean {
  if (typeof want === 'string') return got.cmd === want;
  for (const [key, value] of Object.entries(want)) {
    if (key === 'stage') { if (!state.equals(got.args[1], BigInt(value as number | bigint))) return false; continue; }
    if (key === 'args') {
      const args = value as unknown[];
      if (args.length > got.args.length || !args.every((a, k) => state.equals(got.args[k], a))) return false;
      continue;
    }
    if (!state.equals((got as unknown as Record<string, unknown>)[key], value)) return false;
  }
  return true;
}

const brief = (u: UcallExit): string => u.cmd === 'SYNC' ? `SYNC ${show(u.args.slice(1, 6))}` : u.cmd === 'PRINTF' ? `PRINTF ${JSON.stringify(u.text)}` : u.cmd;

expect.extend({
  /** The run's ucalls (a GuestRun, or an array of ucall exits) are exactly these, in order. */
  toHaveUcalls(received: GuestRun | UcallExit[], expected: ExpectedUcall[]) {
    const got = Array.isArray(received) ? received : received.ucalls;
    const first = got.findIndex((u, k) => k >= expected.length || !ucallMatches(this, u, expected[k]!));
    const pass = got.length === expected.length && first < 0;
    const at = first < 0 ? Math.min(got.length, expected.length) : first;
    return {
      pass,
      message: () => pass ? `expected the ucalls not to be ${show(expected)}`
        : `ucall ${at} differs: expected ${at < expected.length ? show(expected[at]) : 'no more ucalls'}, got ${at < got.length ? brief(got[at]!) : 'no more ucalls'}\n` +
          `ucalls: ${got.map(brief).join(', ')}`,
    };
  },
  /** The exit (from vcpu.run()) has these fields (each compared with equals; asymmetric matchers work). */
  toExitWith(received: VcpuExit, expected: Partial<Record<string, unknown>> & { reason: VcpuExit['reason'] }) {
    const pass = Object.entries(expected).every(([k, v]) => this.equals((received as unknown as Record<string, unknown>)[k], v));
    return {
      pass,
      message: () => `expected exit ${show(received)} ${pass ? 'not ' : ''}to match ${show(expected)}`,
    };
  },
});

interface RingzeroMatchers<R = unknown> {
  /** The ucalls of a GuestRun (or an array of ucall exits), in order: commands or partial records. */
  toHaveUcalls(expected: ExpectedUcall[]): R;
  /** A vcpu.run() exit with these fields. */
  toExitWith(expected: Partial<Record<string, unknown>> & { reason: VcpuExit['reason'] }): R;
}

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any, @typescript-eslint/no-empty-object-type
  interface Assertion<T = any> extends RingzeroMatchers<T> {}
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AsymmetricMatchersContaining extends RingzeroMatchers {}
}
