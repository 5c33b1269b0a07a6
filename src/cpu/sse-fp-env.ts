// MXCSR and the SSE floating-point exceptions (SDM Vol. 1 §10.2.3, §11.5):
// an instruction loads MXCSR's controls into the core's environment, runs its
// lanes collecting the flags each one raised, and commits: a pre-computation
// exception (IE, DE, ZE) that is unmasked in any lane faults before any
// post-computation one is looked at (§11.5.2.1); then any unmasked flag
// faults. A fault sets the flags in MXCSR and raises #XM (#UD when
// CR4.OSXMMEXCPT = 0, SDM Vol. 3 §6.15 "Interrupt 19"), the destination
// unchanged; otherwise the flags are ORed into MXCSR and the caller writes
// the result.
import { Vector } from '../arch/vectors.js';
import { CR4_OSXMMEXCPT } from '../arch/control-registers.js';
import { MXCSR_DAZ, MXCSR_FTZ, MXCSR_RC_SHIFT } from '../arch/mxcsr.js';
import { createFpEnv, createFpResult, PRE_COMPUTATION_FLAGS, type FpEnv, type FpResult } from '../fpu/index.js';
import type { ExecContext } from './context.js';

/** The exception masks sit 7 bits above their flags (IM … PM = bits 7-12). */
const MXCSR_MASK_SHIFT = 7, FLAG_BITS = 0x3f;

/** The one environment of the SSE executors (a vCPU runs one instruction at a time). */
export const sseEnv: FpEnv = createFpEnv();
/** Scratch result of binary64 operations. */
export const sseRes: FpResult = createFpResult();
let pre = 0, post = 0;

/** Loads MXCSR's rounding, DAZ, FTZ and masks, and clears the collected flags. */
export function beginFp(c: ExecContext): FpEnv {
  const m = c.mxcsr, env = sseEnv;
  env.rc = (m >> MXCSR_RC_SHIFT) & 3;
  env.daz = (m & MXCSR_DAZ) !== 0;
  env.ftz = (m & MXCSR_FTZ) !== 0;
  env.unmasked = ~(m >> MXCSR_MASK_SHIFT) & FLAG_BITS;
  env.flags = 0;
  pre = 0; post = 0;
  return env;
}

/** Collects the flags of the lane just computed (env.last). */
export function laneDone(): void {
  const f = sseEnv.last;
  pre |= f & PRE_COMPUTATION_FLAGS;
  post |= f & ~PRE_COMPUTATION_FLAGS;
}

/** Ends the instruction: faults on an unmasked exception (flags set in MXCSR), else ORs the flags into MXCSR. */
export function commitFp(c: ExecContext): void {
  const unmasked = sseEnv.unmasked;
  if (pre & unmasked) fault(c, pre);
  const all = pre | post;
  if (all & unmasked) fault(c, all);
  c.mxcsr |= all;
}

function fault(c: ExecContext, flags: number): never {
  c.mxcsr |= flags;
  return c.raise((c.cr4 & CR4_OSXMMEXCPT) ? Vector.XM : Vector.UD);
}
