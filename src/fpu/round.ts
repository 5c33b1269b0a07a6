// Rounding an exact value to a format: the one place for RC, precision, overflow, underflow
// (tininess, FTZ, x87 re-biasing) and the precision flag. SDM Vol. 1 §4.8.4 (rounding),
// §4.9.1.4-5 (overflow/underflow), §10.2.3.3 (FTZ), §8.5.4-5 (x87 re-biased results).
import { type Format, bitLength, packFinite, packInf, packMaxFinite, packZero } from './format.js';
import { FpFlag, type FpEnv, type FpResult, Rounding } from './types.js';

/** x87 exponent re-bias for unmasked overflow/underflow (SDM Vol. 1 §8.5.4, §8.5.5). */
export const X87_REBIAS = 24576;

/** Results of roundAt (module scratch: no allocation per call). */
export let roundedM = 0n;
export let roundedInexact = false;
export let roundedUp = false;

/** Round (-1)^sign * sig * 2^exp to an integer multiple of 2^q under rc (sets roundedM etc.). */
export function roundAt(sign: number, sig: bigint, exp: number, q: number, rc: number): void {
  const shift = q - exp;
  if (shift <= 0) {
    roundedM = shift === 0 ? sig : sig << BigInt(-shift);
    roundedInexact = false;
    roundedUp = false;
    return;
  }
  const s = BigInt(shift);
  let m = sig >> s;
  const rem = sig - (m << s);
  let inc = false;
  roundedInexact = rem !== 0n;
  if (roundedInexact) {
    if (rc === Rounding.NEAREST) {
      const half = 1n << (s - 1n);
      inc = rem > half || (rem === half && (m & 1n) === 1n);
    } else if (rc === Rounding.DOWN) inc = sign === 1;
    else if (rc === Rounding.UP) inc = sign === 0;
  }
  if (inc) m += 1n;
  roundedM = m;
  roundedUp = inc;
}

export function raise(env: FpEnv, flags: number): void {
  env.last |= flags;
  env.flags |= flags;
}

/**
 * Round (-1)^sign * (sig * 2^exp, plus a nonzero amount below 2^exp when `sticky`) to fmt and
 * pack it into res, raising OE/UE/PE. sig > 0; with `sticky` sig must carry at least p + 2 bits.
 * x86 detects tininess after rounding (the result rounded to p bits with an unbounded exponent is
 * below 2^emin). SSE (x87 = false): FTZ with UE masked flushes a tiny result to a signed zero with
 * UE and PE; UE unmasked raises UE on any tiny result; OE/UE unmasked raise PE only when the
 * result with an unbounded exponent is inexact (the caller faults, writing nothing). x87 stores to
 * memory with OE/UE unmasked raise OE/UE alone, C1 = 0. x87: OE/UE unmasked deliver a register
 * (extended) result rounded with the exponent re-biased by -/+24576 (a store to memory is the
 * caller's: nothing is written); a result still out of range after re-biasing (FSCALE) is a
 * signed infinity (OE, PE, C1) or zero (UE, PE) whatever RC (host-checked); env.c1 = rounded up in magnitude.
 */
export function roundPack(
  sign: number,
  sig: bigint,
  exp: number,
  sticky: boolean,
  fmt: Format,
  env: FpEnv,
  res: FpResult,
  x87: boolean,
): void {
  if (sticky) {
    sig = (sig << 2n) | 1n;
    exp -= 2;
  }
  const n = bitLength(sig);
  const e = exp + n - 1;
  let tiny = false;
  let inexactUnbounded = false;
  if (e < fmt.emin) {
    roundAt(sign, sig, exp, e - fmt.p + 1, env.rc);
    const eu = bitLength(roundedM) > fmt.p ? e + 1 : e;
    tiny = eu < fmt.emin;
    inexactUnbounded = roundedInexact;
    if (tiny && x87 && fmt.bits === 80 && env.unmasked & FpFlag.UE) {
      if (eu + X87_REBIAS < fmt.emin) {
        // still tiny after re-biasing (FSCALE): a signed zero whatever RC (host-checked)
        raise(env, FpFlag.UE | FpFlag.PE);
        packZero(sign, fmt, res);
        return;
      }
      raise(env, FpFlag.UE | (roundedInexact ? FpFlag.PE : 0));
      env.c1 = roundedUp ? 1 : 0;
      packFinite(sign, roundedM, e - fmt.p + 1 + X87_REBIAS, fmt, res);
      return;
    }
    if (tiny && !x87 && env.ftz && !(env.unmasked & FpFlag.UE)) {
      raise(env, FpFlag.UE | FpFlag.PE);
      packZero(sign, fmt, res);
      return;
    }
  }
  let q = Math.max(e, fmt.emin) - fmt.p + 1;
  roundAt(sign, sig, exp, q, env.rc);
  let m = roundedM;
  if (bitLength(m) > fmt.p) {
    m >>= 1n;
    q++;
  }
  const er = q + bitLength(m) - 1;
  if (er > fmt.emax) {
    if (x87 && fmt.bits === 80 && env.unmasked & FpFlag.OE) {
      if (er - X87_REBIAS > fmt.emax) {
        // still too large after re-biasing (FSCALE): a signed infinity whatever RC (host-checked)
        raise(env, FpFlag.OE | FpFlag.PE);
        env.c1 = 1;
        packInf(sign, fmt, res);
        return;
      }
      raise(env, FpFlag.OE | (roundedInexact ? FpFlag.PE : 0));
      env.c1 = roundedUp ? 1 : 0;
      packFinite(sign, m, q - X87_REBIAS, fmt, res);
      return;
    }
    // unmasked, the caller writes nothing: SSE sets PE only when the result rounded with an
    // unbounded exponent is inexact, an x87 store to memory never (host-checked)
    const unmasked = (env.unmasked & FpFlag.OE) !== 0;
    raise(env, FpFlag.OE | (unmasked && (x87 || !roundedInexact) ? 0 : FpFlag.PE));
    const toInf =
      env.rc === Rounding.NEAREST || (env.rc === Rounding.UP && !sign) || (env.rc === Rounding.DOWN && sign === 1);
    env.c1 = toInf && !(unmasked && x87) ? 1 : 0;
    if (toInf) packInf(sign, fmt, res);
    else packMaxFinite(sign, fmt, res);
    return;
  }
  let flags = roundedInexact ? FpFlag.PE : 0;
  if (tiny && env.unmasked & FpFlag.UE) {
    // unmasked, the caller writes nothing: UE; SSE adds PE when the result rounded with an
    // unbounded exponent is inexact, an x87 store to memory never (host-checked)
    flags = FpFlag.UE | (inexactUnbounded && !x87 ? FpFlag.PE : 0);
  } else if (tiny && roundedInexact) flags |= FpFlag.UE;
  if (flags) raise(env, flags);
  env.c1 = roundedUp && !(tiny && x87 && env.unmasked & FpFlag.UE) ? 1 : 0;
  packFinite(sign, m, q, fmt, res);
}
