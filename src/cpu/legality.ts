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

/** x87 instructions and FXSAVE/FXRSTOR: #NM with CR0.EM or CR0.TS. */
const emOrTs = (c: ExecContext): void => { if (c.cr0 & (CR0_EM | CR0_TS)) c.raise(Vector.NM); };
/**
 * What each exception class demands in the current state (SDM Vol. 3A §2.5 Table 2-2 and the
 * instruction pages): one small function per class, which a legality wrapper calls directly
 * (monomorphic: V8 inlines it) and checkExceptionClass looks up.
 */
const CLASS_CHECKS: { readonly [K in ExceptionClass]: (c: ExecContext) => void } = {
  none: () => {},
  wait: (c) => { if ((c.cr0 & (CR0_MP | CR0_TS)) === (CR0_MP | CR0_TS)) c.raise(Vector.NM); },
  x87: emOrTs,
  fxsr: emOrTs,
  mmx: (c) => {
    if (c.cr0 & CR0_EM) c.raise(Vector.UD);
    if (c.cr0 & CR0_TS) c.raise(Vector.NM);
  },
  sse: (c) => {
    if ((c.cr0 & CR0_EM) || !(c.cr4 & CR4_OSFXSR)) c.raise(Vector.UD);
    if (c.cr0 & CR0_TS) c.raise(Vector.NM);
  },
  xsave: (c) => {
    if (!(c.cr4 & CR4_OSXSAVE)) c.raise(Vector.UD);
    if (c.cr0 & CR0_TS) c.raise(Vector.NM);
  },
  osxsave: (c) => { if (!(c.cr4 & CR4_OSXSAVE)) c.raise(Vector.UD); }, // XGETBV, XSETBV: no #NM
  // Intel: SYSCALL and SYSRET are #UD outside 64-bit mode too ("IF CS.L ≠ 1 … #UD"); AMD runs
  // them from compatibility mode (APM Vol. 3 SYSCALL, SYSRET).
  sce: (c) => { if (!(c.efer & EFER_SCE) || (c.vendor === 'intel' && !(c.segAttr[SEG_CS]! & ATTR_L))) c.raise(Vector.UD); },
  pke: (c) => { if (!(c.cr4 & CR4_PKE)) c.raise(Vector.UD); },
  fsgsbase: (c) => { if (!(c.cr4 & CR4_FSGSBASE)) c.raise(Vector.UD); },
  cpl0: (c) => { if (c.cpl > 0) c.raise(Vector.UD); },
  umip: (c) => { if ((c.cr4 & CR4_UMIP) && c.cpl > 0) c.raise(Vector.GP, 0); },
  tsd: (c) => { if ((c.cr4 & CR4_TSD) && c.cpl > 0) c.raise(Vector.GP, 0); },
  iopl: (c) => { if (c.cpl > ((c.flagsRest & IOPL) >> IOPL_SHIFT)) c.raise(Vector.GP, 0); },
};

/** Raises what exception class `cls` demands in the current state. */
export function checkExceptionClass(c: ExecContext, cls: ExceptionClass): void {
  CLASS_CHECKS[cls](c);
}

/** The check of exception class `cls` alone, for generated code to call directly (the compiled tier; classes may share one). */
export const classCheck = (cls: ExceptionClass): ((c: ExecContext) => void) => CLASS_CHECKS[cls];

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
  // A function of its own per handler (its name in the source), so its own feedback: the calls of
  // its class's check and of `h` stay monomorphic and V8 inlines them. (One closure for every row
  // made the call of `h` megamorphic: ~3% of a page-fault round; checkExceptionClass with the class
  // as a literal was not always inlined: ~1%.)
  const w = buildFunction<Handler>(`legal_${cls}${priv ? '_priv' : ''}_${h.name}`, ['c', 'i'],
    `${cls === 'none' ? '' : 'K(c);'}${priv ? ' checkPrivilege(c);' : ''} H(c, i);`,
    { K: CLASS_CHECKS[cls], checkPrivilege, H: h });
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
