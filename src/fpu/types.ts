// The software floating-point core: shared types.
//
// Values are raw bits, never host numbers:
//  - binary32: one uint32 number (the functions return it);
//  - binary64: two uint32 halves, written to a caller-owned FpResult as lo/hi (hi holds sign,
//    exponent and the top 20 significand bits);
//  - extended (80-bit x87): 64-bit significand (lo, hi uint32, integer bit = bit 31 of hi) and the
//    16-bit sign/exponent in se.
// No operation allocates on the common paths: binary32/binary64 arithmetic and conversions with
// normal operands and results run on host doubles (fast32.ts, fast64.ts, fast-convert.ts), x87
// FADD/FSUB/FMUL, loads, stores and FIST of normal values on integer limbs (fast80*.ts); the rest
// (denormals, NaNs, over/underflow, x87 FDIV/FSQRT…) goes through an exact BigInt slow path
// (arith.ts, round.ts), which allocates.
//
// Flags use the MXCSR / x87 status-word bit order (SDM Vol. 1 §10.2.3, §8.1.3).

export const FpFlag = {
  IE: 0x01, // invalid operation
  DE: 0x02, // denormal operand
  ZE: 0x04, // divide by zero
  OE: 0x08, // overflow
  UE: 0x10, // underflow
  PE: 0x20, // precision (inexact)
} as const;

/** The flags an SSE instruction signals before computing (SDM Vol. 1 §11.5.2: #XM with no result). */
export const PRE_COMPUTATION_FLAGS = FpFlag.IE | FpFlag.DE | FpFlag.ZE;

/** Rounding control (MXCSR.RC, x87 CW.RC; SDM Vol. 1 table 4-8). */
export const Rounding = { NEAREST: 0, DOWN: 1, UP: 2, TOWARD_ZERO: 3 } as const;

/** x87 precision control (CW.PC; SDM Vol. 1 table 8-2): 0 = 24 bits, 2 = 53 bits, 3 = 64 bits. */
export const Precision = { SINGLE: 0, DOUBLE: 2, EXTENDED: 3 } as const;

/**
 * Controls and flags of one floating-point unit. The caller maps MXCSR or the x87 control word in
 * and the flags out. Every operation:
 *  - sets `last` to the flags raised by this operation alone (so a caller can tell a
 *    pre-computation exception with its mask clear: `last & PRE_COMPUTATION_FLAGS & ~masks`);
 *  - ORs them into `flags` (sticky);
 *  - x87 operations set `c1` to 1 when the result was rounded up in magnitude (SDM §8.1.3.1), 0
 *    otherwise.
 * `unmasked` (same bit order) changes results where the hardware does: SSE with UE unmasked
 * raises UE on a tiny result even when exact (§11.5.2.3); x87 with OE/UE unmasked delivers the
 * result with its exponent re-biased by ∓24576 (§8.5.4, §8.5.5). Everything else about masks
 * (faulting, not writing the destination) is the caller's business.
 */
export interface FpEnv {
  rc: number;
  daz: boolean;
  ftz: boolean;
  /** x87 precision control (Precision.*), used by the extended arithmetic only */
  pc: number;
  unmasked: number;
  flags: number;
  last: number;
  c1: number;
}

export function createFpEnv(init: Partial<FpEnv> = {}): FpEnv {
  return { rc: 0, daz: false, ftz: false, pc: Precision.EXTENDED, unmasked: 0, flags: 0, last: 0, c1: 0, ...init };
}

/** Caller-owned result of more than 32 bits (binary64: lo/hi; extended: lo/hi significand + se). */
export interface FpResult {
  lo: number;
  hi: number;
  se: number;
}

export function createFpResult(): FpResult {
  return { lo: 0, hi: 0, se: 0 };
}
