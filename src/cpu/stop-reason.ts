// Why the vCPU left its run loop. Its own module so handlers can use it
// without importing the Cpu (which would close an import cycle through the table).
export const enum StopReason {
  None = 0,
  /** HLT with interrupts that can never arrive. */
  Halt,
  /** Triple fault. */
  Shutdown,
  /** Instruction budget spent. */
  Limit,
  /** An instruction the CPU does not implement (bytes and RIP in stopRip/stopBytes). */
  EmulationFailure,
  /** A device (or the host) asked the vCPU to leave the run loop after this instruction. */
  Exit,
  /** An access went to the host (host-exits.ts): the exit is the oldest of Cpu.hostExits.queue. */
  HostExit,
  /** An exception was intercepted instead of delivered (interceptExceptions). */
  Exception,
  /** A bug in the emulator: a JavaScript error escaped a handler (message in stopMessage). */
  InternalError,
  /** Internal, never returned by Cpu.run: debugging may have turned on (TF, RF, DR7), so the run loop picks its loop again. */
  Reschedule,
  /** Internal, never returned by Cpu.run: an interpreter handler's access deferred a #PF (mmu.ts deferCached), the run loop delivers it. */
  DeferredFault,
  /** Host debugging (host-debug.ts): single-step, a breakpoint or a watchpoint; why is in Cpu.hostDebug.due. */
  HostDebug,
}
