// Exception and interrupt vectors as data (SDM Vol. 3A §6.3.1 Table 6-1,
// Table 6-4 for the double-fault classes).

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
  if (vector === Vector.PF) return FaultClass.PageFault;
  if (vector === Vector.DF) return FaultClass.DoubleFault;
  if (vector === Vector.DE || (vector >= Vector.TS && vector <= Vector.GP)) return FaultClass.Contributory;
  return FaultClass.Benign;
}

export function vectorName(vector: number): string {
  return vector < VECTOR_NAMES.length ? `#${VECTOR_NAMES[vector]}` : `vector ${vector}`;
}

/** Error-code bits of a selector-related fault (SDM §6.13): EXT, IDT, TI, then the index. */
export const ERR_EXT = 1, ERR_IDT = 2, ERR_TI = 4;

/**
 * Fault-class exceptions (SDM Table 6-1): their frame holds RFLAGS with RF = 1
 * (SDM Vol. 3 §17.3.1.1). #DB is a fault or a trap depending on its cause, so
 * its raiser decides; #BP and #OF are traps; #DF and #MC aborts.
 */
export function pushesRf(vector: number): boolean {
  return vector < 32 && ((1 << vector) & FAULT_VECTORS) !== 0;
}
const FAULT_VECTORS = (1 << Vector.DE) | (1 << Vector.BR) | (1 << Vector.UD) | (1 << Vector.NM) | (1 << Vector.TS) |
  (1 << Vector.NP) | (1 << Vector.SS) | (1 << Vector.GP) | (1 << Vector.PF) | (1 << Vector.MF) | (1 << Vector.AC) |
  (1 << Vector.XM) | (1 << Vector.VE) | (1 << Vector.CP);
