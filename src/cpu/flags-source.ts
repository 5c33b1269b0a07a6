// The lazy flags' rules as JavaScript source text (SDM Vol. 1 §3.4.3.1,
// Table B-1): how a result sets ZF/SF/PF, and how a condition code reads
// them. The one definition: lazy-flags.ts builds the interpreter's functions
// from it, and the compiled tier inlines it with the flags in a region's
// locals. `f` names the four variables (the context's fields, or locals).
import { CF, OF } from '../arch/rflags.js';

/** Where generated code keeps the lazy flags (lazy-flags.ts: fZ, fS, fP, fAux). */
export interface FlagVars {
  readonly z: string;
  readonly s: string;
  readonly p: string;
  readonly aux: string;
}

/** The context's own fields: the interpreter's flags. */
export const CONTEXT_FLAGS: FlagVars = { z: 'c.fZ', s: 'c.fS', p: 'c.fP', aux: 'c.fAux' };

/** The name generated code gives the parity table (lazy-flags.ts PF_TABLE). */
export const PF_TABLE_NAME = 'PF_TABLE';

/** Statements setting ZF, SF and PF from a result of `size` bytes (`lo`, and `hi` for 8: int32 expressions without side effects). */
export function resultFlagsSource(size: number, lo: string, hi: string, f: FlagVars): string {
  switch (size) {
    case 1: return `${f.z} = ${lo} & 0xff; ${f.s} = ${lo} << 24; ${f.p} = ${lo};`;
    case 2: return `${f.z} = ${lo} & 0xffff; ${f.s} = ${lo} << 16; ${f.p} = ${lo};`;
    case 4: return `${f.z} = ${lo}; ${f.s} = ${lo}; ${f.p} = ${lo};`;
    default: return `${f.z} = ${lo} | ${hi}; ${f.s} = ${hi}; ${f.p} = ${lo};`;
  }
}

/** An expression: whether condition code `cc` (0..15, arch/conditions.ts) holds. */
export function conditionSource(cc: number, f: FlagVars): string {
  const of = `(${f.aux} & ${OF}) !== 0`, cf = `(${f.aux} & ${CF}) !== 0`, zf = `${f.z} === 0`, sf = `${f.s} < 0`;
  const holds = [
    of, cf, zf, `(${cf} || ${zf})`, sf, `${PF_TABLE_NAME}[${f.p} & 0xff] !== 0`, `(${sf}) !== (${of})`, `(${zf} || (${sf}) !== (${of}))`,
  ][cc >> 1]!;
  return cc & 1 ? `!(${holds})` : `(${holds})`;
}

/** The carry in (0 or 1) for ADC/SBB and RCL/RCR, as an expression. */
export const carrySource = (f: FlagVars): string => `(${f.aux} & ${CF})`;
