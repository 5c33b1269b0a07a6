// Runs a TierMachine program on every execution path in budgets of instructions,
// the way a host stops and resumes a vCPU: each budget stop must come after
// exactly the instructions given so far, and every path must end in the same
// state (registers, flags, memory, the stop).
import { expect } from 'vitest';
import { EXECUTION_PATHS } from '../../src/cpu/execution-path.js';
import { stateDiffs, type TierInput, type TierMachine, type TierState } from './tier-machine.js';

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
  // stateDiffs (tier-machine.ts), as fuzz-tiers compares: every field, the memory pages byte by byte in a
  // plain loop — vitest's deep equality walked them element by element (~0.3 s a state), which kept a file
  // of these tests from yielding for a minute, past vitest's fixed 60 s answer time ('Timeout calling "onTaskUpdate"').
  for (const s of states.slice(1)) expect(stateDiffs(s, states[0]!)).toEqual([]);
  return states;
}
