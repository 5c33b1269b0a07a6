// The arithmetic flags, kept lazily (SDM Vol. 1 §3.4.3.1). After an ALU
// operation the CPU keeps: fZ (zero iff ZF), fS (negative iff SF), fP (its low
// byte decides PF by parity) and fAux (CF, AF, OF already in their RFLAGS
// positions). ZF/SF/PF thus cost one store each on the hot path, and any
// combination of flags (POPF, SAHF) is representable without a mode switch.
// The rules that set and read them are source text (flags-source.ts).
import { CF, PF, AF, ZF, SF, OF } from '../arch/rflags.js';
import { CONTEXT_FLAGS, PF_TABLE_NAME, conditionSource, resultFlagsSource } from './flags-source.js';
import { buildFunction } from './generated.js';

export interface LazyFlags {
  fZ: number;
  fS: number;
  fP: number;
  fAux: number;
}

/** PF for a byte value: PF_TABLE[b] is PF (0x4) when b has an even number of set bits. */
export const PF_TABLE: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (let i = 0; i < 256; i++) {
    let n = 0;
    for (let b = i; b; b >>= 1) n += b & 1;
    t[i] = n % 2 === 0 ? PF : 0;
  }
  return t;
})();

/** The six arithmetic flags as RFLAGS bits. */
export function arithFlags(f: LazyFlags): number {
  return (f.fAux & (CF | AF | OF)) | (f.fZ === 0 ? ZF : 0) | (f.fS < 0 ? SF : 0) | PF_TABLE[f.fP & 0xff]!;
}

/** Loads the arithmetic flags from RFLAGS bits. */
export function setArithFlags(f: LazyFlags, bits: number): void {
  f.fAux = bits & (CF | AF | OF);
  f.fZ = bits & ZF ? 0 : 1;
  f.fS = bits & SF ? -1 : 0;
  f.fP = bits & PF ? 0 : 1;
}

/** ZF, SF and PF from a result of `size` bytes (low dword lo, high dword hi). */
export const setResultFlags: (f: LazyFlags, size: number, lo: number, hi: number) => void = buildFunction('setResultFlags', ['c', 'size', 'lo', 'hi'],
  `switch (size) { ${[1, 2, 4].map((n) => `case ${n}: ${resultFlagsSource(n, 'lo', 'hi', CONTEXT_FLAGS)} return;`).join(' ')} default: ${resultFlagsSource(8, 'lo', 'hi', CONTEXT_FLAGS)} }`);

/** Evaluates condition code `cc` (0..15, arch/conditions.ts; SDM Vol. 1 Table B-1). */
export const condition: (f: LazyFlags, cc: number) => boolean = buildFunction('condition', ['c', 'cc'],
  `switch (cc) { ${Array.from({ length: 16 }, (_, cc) => `case ${cc}: return ${conditionSource(cc, CONTEXT_FLAGS)};`).join(' ')} } return false;`,
  { [PF_TABLE_NAME]: PF_TABLE });
