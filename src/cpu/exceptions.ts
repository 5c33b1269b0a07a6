// Architectural exceptions as data (SDM Vol. 3A §6.3.1 Table 6-1, §6.15 and
// Table 6-5 for the double-fault classes). Raising one throws a single
// preallocated sentinel; the run loop catches it around a batch of instructions.

export const enum Vector {
  DE = 0, DB = 1, NMI = 2, BP = 3, OF = 4, BR = 5, UD = 6, NM = 7, DF = 8,
  TS = 10, NP = 11, SS = 12, GP = 13, PF = 14, MF = 16, AC = 17, MC = 18, XM = 19, VE = 20, CP = 21,
}

export const VECTOR_NAMES: readonly string[] = [
  'DE', 'DB', 'NMI', 'BP', 'OF', 'BR', 'UD', 'NM', 'DF', 'CSO', 'TS', 'NP', 'SS', 'GP', 'PF', 'RES15',
  'MF', 'AC', 'MC', 'XM', 'VE', 'CP',
];

/** Double-fault classes of SDM Table 6-4. */
export const enum FaultClass { Benign = 0, Contributory = 1, PageFault = 2, DoubleFault = 3 }

export function faultClass(vector: number): FaultClass {
  if (vector === 14) return FaultClass.PageFault;
  if (vector === 8) return FaultClass.DoubleFault;
  if (vector === 0 || (vector >= 10 && vector <= 13)) return FaultClass.Contributory;
  return FaultClass.Benign;
}

export function vectorName(vector: number): string {
  return vector < VECTOR_NAMES.length ? `#${VECTOR_NAMES[vector]}` : `vector ${vector}`;
}

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
}
