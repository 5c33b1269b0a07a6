// The arithmetic flags, kept lazily (SDM Vol. 1 §3.4.3.1). After an ALU
// operation the CPU keeps: fZ (zero iff ZF), fS (negative iff SF), fP (its low
// byte decides PF by parity) and fAux (CF, AF, OF already in their RFLAGS
// positions). ZF/SF/PF thus cost one store each on the hot path, and any
// combination of flags (POPF, SAHF) is representable without a mode switch.
import { CF, PF, AF, ZF, SF, OF } from '../arch/rflags.js';

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
export function setResultFlags(f: LazyFlags, size: number, lo: number, hi: number): void {
  switch (size) {
    case 1: f.fZ = lo & 0xff; f.fS = lo << 24; break;
    case 2: f.fZ = lo & 0xffff; f.fS = lo << 16; break;
    case 4: f.fZ = lo; f.fS = lo; break;
    default: f.fZ = lo | hi; f.fS = hi;
  }
  f.fP = lo;
}

/** Evaluates condition code `cc` (0..15, arch/conditions.ts; SDM Vol. 1 Table B-1). */
export function condition(f: LazyFlags, cc: number): boolean {
  let r: boolean;
  switch (cc >> 1) {
    case 0: r = (f.fAux & OF) !== 0; break;
    case 1: r = (f.fAux & CF) !== 0; break;
    case 2: r = f.fZ === 0; break;
    case 3: r = (f.fAux & CF) !== 0 || f.fZ === 0; break;
    case 4: r = f.fS < 0; break;
    case 5: r = PF_TABLE[f.fP & 0xff] !== 0; break;
    case 6: r = (f.fS < 0) !== ((f.fAux & OF) !== 0); break;
    default: r = f.fZ === 0 || (f.fS < 0) !== ((f.fAux & OF) !== 0);
  }
  return (cc & 1) ? !r : r;
}
