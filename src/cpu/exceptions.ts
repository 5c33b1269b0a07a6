// How exceptions travel inside the emulator: raising one records it in the
// vCPU's PendingException and throws the single preallocated sentinel; the
// run loop catches it around a batch of instructions and delivers it
// (delivery.ts). Emulation failures travel the same way with their own sentinel.

/** The one object thrown for every architectural exception. Details live in PendingException. */
export class CpuException {
  readonly isCpuException = true;
}
export const CPU_EXCEPTION = new CpuException();

/** Thrown to abort an instruction that the CPU cannot emulate (reported as emulation-failure). */
export class EmulationFailure {
  readonly isEmulationFailure = true;
}
export const EMULATION_FAILURE = new EmulationFailure();

export class PendingException {
  vector = 0;
  errorCode = 0;
  hasError = false;
  /** For #PF: the faulting linear address (signed canonical number). */
  cr2 = 0;

  /** Records `vector` with its error code, if it has one. */
  set(vector: number, errorCode?: number): void {
    this.vector = vector;
    this.hasError = errorCode !== undefined;
    this.errorCode = errorCode ?? 0;
  }
}
