// What the library's entry (startup/library.ts) learns of the guest runs in its process, to
// save its start-time caches once a run has compiled what a run needs: at the end of each guest
// run — its DONE, ABORT or UNHANDLED ucall (Vcpu.run: how runGuest and host-side tests see it
// end) or Vm.run's outcome — and at the process's exit. Test runners end their worker processes
// without an 'exit' event, so the end of a process is too late to count on.

let listener: (() => void) | null = null;
let fastRun = false;
let anyRun = false;

/** Calls `f` whenever a guest run ends. */
export function onRunEnd(f: () => void): void {
  listener = f;
}

/**
 * The guest runs a process made: none, only on the debug loop (under a host's debug hooks:
 * single-step, onInstruction; the CLI's --trace), or some on the fast loops.
 */
export type RunsSeen = 'none' | 'debug' | 'fast';

/** This process's (RunsSeen). */
export function runsSeen(): RunsSeen {
  return fastRun ? 'fast' : anyRun ? 'debug' : 'none';
}

/** Vcpu's part: it runs, on the fast loops unless `debug` (a host debug hook is set). */
export function noteRun(debug: boolean): void {
  anyRun = true;
  if (!debug) fastRun = true;
}

/** A guest run ended: its last ucall (Vcpu), its outcome (Vm). */
export function runEnded(): void {
  listener?.();
}
