// x87 packed BCD (SDM Vol. 1 §4.7, Vol. 2 FBLD/FBSTP): 18 digits in bytes 0-8 (the least
// significant digit in the low nibble of byte 0), the sign in bit 7 of byte 9. The 10 bytes are
// carried like an extended value: lo = bytes 0-3, hi = bytes 4-7, se = bytes 8-9.
import { Cls, F80, packFinite, packZero, unpack80 } from './format.js';
import { raise, roundAt, roundedInexact, roundedM, roundedUp } from './round.js';
import { FpFlag, type FpEnv, type FpResult } from './types.js';
import { A, begin87 } from './x87.js';

const TEN18 = 10n ** 18n;

/** FBLD: exact. Digits above 9 (undefined encodings) are weighted like valid ones (host-checked). */
export function f80FromBcd(lo: number, hi: number, se: number, env: FpEnv, res: FpResult): void {
  begin87(env);
  let v = 0n;
  const bytes = [lo, lo >>> 8, lo >>> 16, lo >>> 24, hi, hi >>> 8, hi >>> 16, hi >>> 24, se];
  for (let i = 8; i >= 0; i--) {
    const b = bytes[i]! & 0xff;
    v = v * 100n + BigInt((b >>> 4) * 10 + (b & 0xf));
  }
  const sign = (se >>> 15) & 1;
  if (v === 0n) packZero(sign, F80, res);
  else packFinite(sign, v, 0, F80, res);
}

/**
 * FBSTP: rounded to an integer by RC; |value| >= 10^18, NaN, infinity or an unsupported encoding
 * store the packed BCD indefinite (FFFF C000 0000 0000 0000H) with IE.
 */
export function f80ToBcd(lo: number, hi: number, se: number, env: FpEnv, res: FpResult): void {
  begin87(env);
  unpack80(lo, hi, se, A);
  let v = 0n;
  if (A.cls === Cls.FINITE) {
    roundAt(A.sign, A.sig, A.exp, 0, env.rc);
    v = roundedM;
    if (v < TEN18) {
      if (roundedInexact) {
        raise(env, FpFlag.PE);
        env.c1 = roundedUp ? 1 : 0;
      }
    } else v = -1n;
  } else if (A.cls !== Cls.ZERO) v = -1n;
  if (v < 0n) {
    raise(env, FpFlag.IE);
    res.lo = 0;
    res.hi = 0xc0000000;
    res.se = 0xffff;
    return;
  }
  let digits = 0n;
  for (let k = 0n; v > 0n; k += 4n, v /= 10n) digits |= (v % 10n) << k;
  res.lo = Number(digits & 0xffffffffn) >>> 0;
  res.hi = Number((digits >> 32n) & 0xffffffffn) >>> 0;
  res.se = (Number(digits >> 64n) & 0xff) | (A.sign << 15);
}

