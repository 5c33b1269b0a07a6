// The ways the vCPU can execute guest code. Every test suite runs against each
// of them through this one list, so a new tier (the compiled tier) is tested by
// the whole corpus by adding one entry here.
//   compiled:  hot 64-bit code compiled to JavaScript functions per block
//              (compiled/tier.ts), the interpreter for the rest
//   interp:    the interpreter with the decoded-instruction cache and the TLB
//   reference: every instruction decoded fresh, every access walking the page
//              tables (the path forced emulation takes)
export const EXECUTION_PATHS = ['compiled', 'interp', 'reference'] as const;
export type ExecutionPath = (typeof EXECUTION_PATHS)[number];

/** The tier a VM runs on unless told otherwise: the fastest (npm run bench). */
export const DEFAULT_EXECUTION_PATH: ExecutionPath = 'interp';

export function isExecutionPath(s: string): s is ExecutionPath {
  return (EXECUTION_PATHS as readonly string[]).includes(s);
}
