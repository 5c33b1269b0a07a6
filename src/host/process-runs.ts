// What the library's entry (startup/library.ts) learns of the guest runs in its process, to
// save its start-time caches once a run has compiled what a run needs: at the end of the first
// guest run — its DONE, ABORT or UNHANDLED ucall (Vcpu.run: how runGuest and host-side tests
// see it end) or Vm.run's outcome — and at the process's exit if a vCPU ran at all. Test runners
// end their worker processes without an 'exit' event, so the end of a process is too late.

let listener: (() => void) | null = null;
let vcpuRan = false;

/** Calls `f` once, when a guest run next ends (not at all in a process that runs none). */
export function onRunEnd(f: () => void): void {
  listener = f;
}

/** Whether a vCPU of this process has run (Vcpu.run). */
export function anyRun(): boolean {
  return vcpuRan;
}

/** Vcpu's part: it runs. */
export function noteRun(): void {
  vcpuRan = true;
}

/** A guest run ended: its last ucall (Vcpu), its outcome (Vm). */
export function runEnded(): void {
  const f = listener;
  if (f === null) return;
  listener = null;
  f();
}
