// The pre-execute step: the legality rules the table states as row attributes,
// enforced in one place, in the order the hardware checks them. The decoder
// already marked what the bytes alone decide (Insn.invalid: i64 rows, LOCK,
// registers that do not exist); features are applied when an instruction is
// bound (a vCPU's features do not change while it runs); what depends on the
// current state is checked here, before the executor runs:
//   1. the exception class (table.ts ExceptionClass), e.g. CR0.TS → #NM;
//   2. `priv`: CPL > 0 → #GP(0).
import { Vector } from '../arch/vectors.js';
import { IOPL, IOPL_SHIFT } from '../arch/rflags.js';
import {
  CR0_EM, CR0_MP, CR0_TS, CR4_FSGSBASE, CR4_OSFXSR, CR4_OSXSAVE, CR4_PKE, CR4_TSD, CR4_UMIP, EFER_SCE,
} from '../arch/control-registers.js';
import { SEG_CS } from '../arch/registers.js';
import { ATTR_L } from '../arch/descriptors.js';
import { Attr, type ExceptionClass, type OpcodeRow } from '../isa/table.js';
import type { ExecContext, Handler } from './context.js';
import { buildFunction } from './generated.js';

/** Raises what exception class `cls` demands in the current state (SDM Vol. 3A §2.5 Table 2-2 and the instruction pages). */
export function checkExceptionClass(c: ExecContext, cls: ExceptionClass): void {
  const cr0 = c.cr0;
  switch (cls) {
    case 'none': return;
    case 'wait': if ((cr0 & (CR0_MP | CR0_TS)) === (CR0_MP | CR0_TS)) c.raise(Vector.NM); return;
    case 'x87': case 'fxsr': if (cr0 & (CR0_EM | CR0_TS)) c.raise(Vector.NM); return;
    case 'mmx':
      if (cr0 & CR0_EM) c.raise(Vector.UD);
      if (cr0 & CR0_TS) c.raise(Vector.NM);
      return;
    case 'sse':
      if ((cr0 & CR0_EM) || !(c.cr4 & CR4_OSFXSR)) c.raise(Vector.UD);
      if (cr0 & CR0_TS) c.raise(Vector.NM);
      return;
    case 'xsave':
      if (!(c.cr4 & CR4_OSXSAVE)) c.raise(Vector.UD);
      if (cr0 & CR0_TS) c.raise(Vector.NM);
      return;
    case 'osxsave': if (!(c.cr4 & CR4_OSXSAVE)) c.raise(Vector.UD); return; // XGETBV, XSETBV: no #NM
    // Intel: SYSCALL and SYSRET are #UD outside 64-bit mode too ("IF CS.L ≠ 1 … #UD"); AMD runs
    // them from compatibility mode (APM Vol. 3 SYSCALL, SYSRET).
    case 'sce':
      if (!(c.efer & EFER_SCE) || (c.vendor === 'intel' && !(c.segAttr[SEG_CS]! & ATTR_L))) c.raise(Vector.UD);
      return;
    case 'pke': if (!(c.cr4 & CR4_PKE)) c.raise(Vector.UD); return;
    case 'fsgsbase': if (!(c.cr4 & CR4_FSGSBASE)) c.raise(Vector.UD); return;
    case 'cpl0': if (c.cpl > 0) c.raise(Vector.UD); return;
    case 'umip': if ((c.cr4 & CR4_UMIP) && c.cpl > 0) c.raise(Vector.GP, 0); return;
    case 'tsd': if ((c.cr4 & CR4_TSD) && c.cpl > 0) c.raise(Vector.GP, 0); return;
    case 'iopl': if (c.cpl > ((c.flagsRest & IOPL) >> IOPL_SHIFT)) c.raise(Vector.GP, 0); return;
  }
}

/** Rule 2, `priv` rows: #GP(0) unless at CPL 0. */
export function checkPrivilege(c: ExecContext): void {
  if (c.cpl !== 0) c.raise(Vector.GP, 0);
}

/** What a withLegality wrapper checks and then runs. */
export interface LegalityWrapped {
  readonly handler: Handler;
  readonly exceptionClass: ExceptionClass;
  readonly priv: boolean;
}
const wrapped = new WeakMap<object, LegalityWrapped>();

/** Wraps `h` with the state-dependent checks of `row`, or returns it unchanged when it has none. */
export function withLegality(row: OpcodeRow, h: Handler): Handler {
  const cls = row.exceptionClass;
  const priv = (row.attrs & Attr.Priv) !== 0;
  if (cls === 'none' && !priv) return h;
  // A function of its own per handler (its name in the source), so its own feedback: the call of
  // `h` stays monomorphic and V8 inlines it; the class is a literal, so the check folds to its case.
  // (One closure for every row made that call megamorphic: ~3% of a page-fault round.)
  const w = buildFunction<Handler>(`legal_${cls}${priv ? '_priv' : ''}_${h.name}`, ['c', 'i'],
    `checkExceptionClass(c, ${JSON.stringify(cls)});${priv ? ' checkPrivilege(c);' : ''} H(c, i);`,
    { checkExceptionClass, checkPrivilege, H: h });
  wrapped.set(w, { handler: h, exceptionClass: cls, priv });
  return w;
}

/**
 * What a withLegality wrapper checks and runs, for a caller that makes the
 * checks itself (the compiled tier: generated code calling the handler itself,
 * its checks inline); undefined
 * when `h` is not a wrapper.
 */
export const unwrapLegality = (h: object): LegalityWrapped | undefined => wrapped.get(h);
