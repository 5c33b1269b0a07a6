// Runs a TierMachine program on every execution path in budgets of instructions,
// the way a host stops and resumes a vCPU: each budget stop must come after
// exactly the instructions given so far, and every path must end in the same
// state (registers, flags, memory, the stop).
import { expect } from 'vitest';
import { EXECUTION_PATHS } from '../../src/cpu/execution-path.js';
import type { TierInput, TierMachine, TierState } from './tier-machine.js';

/** The states every path ends in (EXECUTION_PATHS order), running `input` in budgets of `budget` until it stops otherwise. */
export function runEveryPath(machine: TierMachine, input: TierInput, budget: number): TierState[] {
  const states = EXECUTION_PATHS.map((path) => {
    machine.load(input, path);
    for (let given = budget; ; given += budget) {
      machine.run(budget);
      const s = machine.snapshot();
      if (s.stop !== 'limit') return s;
      expect(s.instructions).toBe(given);
    }
  });
  for (const s of states.slice(1)) expectSameState(s, states[0]!);
  return states;
}

/** TierState's byte arrays (memory and XMM registers). */
const BYTE_FIELDS = ['xmm', 'data', 'code', 'stack', 'tables'] as const;

/**
 * expect(s).toEqual(first), with the byte arrays compared as bytes first: vitest's deep equality
 * walks a typed array element by element (~0.3 s for one state's pages), which made a file of these
 * tests block its worker for a minute, past vitest's fixed 60 s answer time for the worker's own
 * calls ('Timeout calling "onTaskUpdate"'). Arrays that differ still go to toEqual, for its diff.
 */
function expectSameState(s: TierState, first: TierState): void {
  const differ = BYTE_FIELDS.filter((k) => Buffer.compare(s[k], first[k]) !== 0);
  const shown = (t: TierState) => Object.fromEntries(Object.entries(t).filter(([k]) => !(BYTE_FIELDS as readonly string[]).includes(k) || differ.includes(k as typeof BYTE_FIELDS[number])));
  expect(shown(s)).toEqual(shown(first));
}
