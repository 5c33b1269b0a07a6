// The flag-setting integer operations as source text (SDM Vol. 2 ADD, ADC,
// SUB, SBB, CMP, AND, OR, XOR, TEST, INC, DEC, SAL/SAR/SHL/SHR): the one
// definition of their results and flags. alu.ts and shift.ts build the
// interpreter's cores from it; the compiled tier inlines it into regions
// with the flags in locals (flags-source.ts: FlagVars).
//
// Every generator returns one block statement. Operands are int32 source
// expressions, each evaluated once; 64-bit values are (lo, hi) pairs. The
// result goes to the variables named by `r` (its low dword, or the whole
// result for 1, 2 and 4 bytes, masked to the size) and `rh` (the high dword),
// or nowhere when `r` is null (CMP, TEST). Temporaries start with `$`.
import { CF, AF, OF } from '../../arch/rflags.js';
import { ALU_ADD, ALU_ADC, ALU_SUB, ALU_SBB, ALU_CMP, ALU_OR, ALU_XOR, ALU_AND, SH_ROL, SH_ROR, SH_SHL, SH_SAL, SH_SHR, SH_SAR } from '../../isa/executors.js';
import { carrySource, resultFlagsSource, type FlagVars } from '../flags-source.js';

/** A 64-bit value's halves, or a narrow value in `lo` (then `hi` is ignored). */
export interface Operand { readonly lo: string; readonly hi: string }

const mask = (size: number): number => (size === 4 ? -1 : (1 << (size * 8)) - 1);
/** The operand as an unsigned value of `size` (1, 2, 4) bytes. */
const unsigned = (size: number, x: string): string => (size === 4 ? `(${x}) >>> 0` : `(${x}) & ${mask(size)}`);
const assign = (r: string | null, rh: string | null, lo: string, hi: string): string =>
  (r === null ? '' : `${r} = ${lo};`) + (rh === null ? '' : ` ${rh} = ${hi};`);

/** ADD (carry '0') and ADC (carry: the CF expression). */
export function addSource(size: number, a: Operand, b: Operand, carry: string, r: string | null, rh: string | null, f: FlagVars): string {
  if (size === 8) {
    return `{ const $a = ${a.lo}, $ah = ${a.hi}, $b = ${b.lo}, $bh = ${b.hi};
const $l = ($a >>> 0) + ($b >>> 0) + ${carry}, $h = ($ah >>> 0) + ($bh >>> 0) + ($l > 0xffffffff ? 1 : 0), $rl = $l | 0, $rh = $h | 0;
${f.aux} = ($h > 0xffffffff ? ${CF} : 0) | (($a ^ $b ^ $rl) & ${AF}) | ((($ah ^ $rh) & ($bh ^ $rh)) < 0 ? ${OF} : 0);
${resultFlagsSource(8, '$rl', '$rh', f)} ${assign(r, rh, '$rl', '$rh')} }`;
  }
  const sh = 32 - size * 8;
  return `{ const $a = ${unsigned(size, a.lo)}, $b = ${unsigned(size, b.lo)}, $s = $a + $b + ${carry}, $r = $s & ${mask(size)};
${f.aux} = ($s > ${size === 4 ? 0xffffffff : mask(size)} ? ${CF} : 0) | (($a ^ $b ^ $r) & ${AF}) | (((($a ^ $r) & ($b ^ $r)) << ${sh}) < 0 ? ${OF} : 0);
${resultFlagsSource(size, '$r', '0', f)} ${assign(r, rh, '$r', '0')} }`;
}

/** SUB and CMP (borrow '0') and SBB (borrow: the CF expression). */
export function subSource(size: number, a: Operand, b: Operand, borrow: string, r: string | null, rh: string | null, f: FlagVars): string {
  if (size === 8) {
    return `{ const $a = ${a.lo}, $ah = ${a.hi}, $b = ${b.lo}, $bh = ${b.hi};
const $l = ($a >>> 0) - ($b >>> 0) - ${borrow}, $h = ($ah >>> 0) - ($bh >>> 0) - ($l < 0 ? 1 : 0), $rl = $l | 0, $rh = $h | 0;
${f.aux} = ($h < 0 ? ${CF} : 0) | (($a ^ $b ^ $rl) & ${AF}) | ((($ah ^ $bh) & ($ah ^ $rh)) < 0 ? ${OF} : 0);
${resultFlagsSource(8, '$rl', '$rh', f)} ${assign(r, rh, '$rl', '$rh')} }`;
  }
  const sh = 32 - size * 8;
  return `{ const $a = ${unsigned(size, a.lo)}, $b = ${unsigned(size, b.lo)}, $d = $a - $b - ${borrow}, $r = $d & ${mask(size)};
${f.aux} = ($d < 0 ? ${CF} : 0) | (($a ^ $b ^ $r) & ${AF}) | (((($a ^ $b) & ($a ^ $r)) << ${sh}) < 0 ? ${OF} : 0);
${resultFlagsSource(size, '$r', '0', f)} ${assign(r, rh, '$r', '0')} }`;
}

/** AND, OR, XOR and TEST (`operator`: & | ^): CF = OF = 0; AF cleared (undefined; AMD behaviour). */
export function logicSource(size: number, operator: string, a: Operand, b: Operand, r: string | null, rh: string | null, f: FlagVars): string {
  const lo = size === 8 ? `(${a.lo}) ${operator} (${b.lo})` : `((${a.lo}) ${operator} (${b.lo})) & ${mask(size)}`;
  const hi = size === 8 ? `(${a.hi}) ${operator} (${b.hi})` : '0';
  return `{ const $r = ${lo}, $rh = ${hi}; ${f.aux} = 0; ${resultFlagsSource(size, '$r', '$rh', f)} ${assign(r, rh, '$r', '$rh')} }`;
}

/** Group-1 operation `op` (ALU_* of isa/executors.ts); CMP and TEST never write a result. */
export function aluSource(op: number, size: number, a: Operand, b: Operand, r: string | null, rh: string | null, f: FlagVars): string {
  switch (op) {
    case ALU_ADD: return addSource(size, a, b, '0', r, rh, f);
    case ALU_ADC: return addSource(size, a, b, carrySource(f), r, rh, f);
    case ALU_SUB: return subSource(size, a, b, '0', r, rh, f);
    case ALU_SBB: return subSource(size, a, b, carrySource(f), r, rh, f);
    case ALU_CMP: return subSource(size, a, b, '0', null, null, f);
    case ALU_OR: return logicSource(size, '|', a, b, r, rh, f);
    case ALU_XOR: return logicSource(size, '^', a, b, r, rh, f);
    case ALU_AND: return logicSource(size, '&', a, b, r, rh, f);
    default: return logicSource(size, '&', a, b, null, null, f); // TEST
  }
}

/** INC (param 0) and DEC (1): ADD/SUB 1 with CF kept. */
export function incDecSource(param: number, size: number, a: Operand, r: string, rh: string | null, f: FlagVars): string {
  const one = { lo: '1', hi: '0' };
  const op = param === 0 ? addSource(size, a, one, '0', r, rh, f) : subSource(size, a, one, '0', r, rh, f);
  return `{ const $cf = ${f.aux} & ${CF}; ${op} ${f.aux} = (${f.aux} & ${~CF}) | $cf; }`;
}

/** The group-2 operations shiftSource defines (RCL and RCR, which rotate through CF, are shift.ts's own). */
export const SOURCE_SHIFTS: readonly number[] = [SH_ROL, SH_ROR, SH_SHL, SH_SAL, SH_SHR, SH_SAR];

/**
 * ROL, ROR, SHL/SAL, SHR and SAR (param: SH_*) by `count`, an expression whose
 * value is 1..31 (1..63 for 8 bytes): a count of 0 changes nothing and is the
 * caller's case. Undefined flags follow AMD (shift.ts: a shift sets AF = 1, OF
 * by the count-1 rule for any count, SAR's OF = 0). A rotate sets only CF and
 * OF; an 8- or 16-bit one rotates by the count modulo 8 or 16 and still sets
 * them when that is 0 (SDM ROL/ROR: "the masked count is not 0").
 */
export function shiftSource(op: number, size: number, a: Operand, count: string, r: string, rh: string | null, f: FlagVars): string {
  if (size === 8) return shift64Source(op, a, count, r, rh, f);
  const w = size * 8, sh = 32 - w, m = mask(size);
  let body: string;
  if (op === SH_ROL || op === SH_ROR) {
    // A narrow rotate by 0 leaves $u: the bits shifted in from beyond the width are 0.
    const rotated = op === SH_ROL ? `($u << $n) | ($u >>> (${w} - $n))` : `($u >>> $n) | ($u << (${w} - $n))`;
    const [cf, of] = op === SH_ROL ? ['$r & 1', `(($r << ${sh}) >>> 31) ^ $c`] : [`($r << ${sh}) >>> 31`, `(($r << ${sh}) ^ ($r << ${sh + 1})) < 0`];
    return `{ const $n = (${count}) & ${w - 1}, $u = (${a.lo}) & ${m}, $r = (${rotated}) & ${m}, $c = ${cf};
${f.aux} = (${f.aux} & ${AF}) | $c | ((${of}) ? ${OF} : 0); ${assign(r, rh, '$r', '0')} }`;
  }
  if (op === SH_SHL || op === SH_SAL) {
    body = `const $u = (${a.lo}) & ${m}, $r = ($u << $n) & ${m}, $c = $n <= ${w} ? ($u >>> (${w} - $n)) & 1 : 0;
${f.aux} = $c | ${AF} | (((($r << ${sh}) >>> 31) ^ $c) ? ${OF} : 0);`;
  } else if (op === SH_SHR) {
    body = `const $u = (${a.lo}) & ${m}, $r = $u >>> $n, $c = ($u >>> ($n - 1)) & 1;
${f.aux} = $c | ${AF} | (((($r << ${sh}) ^ ($r << ${sh + 1})) < 0) ? ${OF} : 0);`;
  } else if (op === SH_SAR) {
    body = `const $s = ((${a.lo}) << ${sh}) >> ${sh}, $r = ($s >> $n) & ${m}, $c = ($s >> ($n - 1)) & 1;
${f.aux} = $c | ${AF};`;
  } else throw new Error(`shiftSource: group-2 operation ${op} is not defined here`);
  return `{ const $n = ${count}; ${body} ${resultFlagsSource(size, '$r', '0', f)} ${assign(r, rh, '$r', '0')} }`;
}

/** Bit n (0..63, an expression) of the 64-bit ($a, $ah). */
const bit64 = (n: string): string => `((${n}) < 32 ? ($a >>> (${n})) & 1 : ($ah >>> ((${n}) - 32)) & 1)`;

function shift64Source(op: number, a: Operand, count: string, r: string, rh: string | null, f: FlagVars): string {
  if (op === SH_ROL || op === SH_ROR) {
    // A rotate left by $n (1..63): ROR by k is ROL by 64 - k.
    const [cf, of] = op === SH_ROL ? ['$r & 1', '($h >>> 31) ^ $c'] : ['$h >>> 31', '($h ^ ($h << 1)) >>> 31'];
    return `{ const $a = ${a.lo}, $ah = ${a.hi}, $n = ${op === SH_ROL ? count : `64 - (${count})`}; let $r = 0, $h = 0;
if ($n < 32) { $r = ($a << $n) | ($ah >>> (32 - $n)); $h = ($ah << $n) | ($a >>> (32 - $n)); }
else if ($n === 32) { $r = $ah; $h = $a; }
else { $r = ($ah << ($n - 32)) | ($a >>> (64 - $n)); $h = ($a << ($n - 32)) | ($ah >>> (64 - $n)); }
const $c = ${cf}; ${f.aux} = (${f.aux} & ${AF}) | $c | ((${of}) ? ${OF} : 0); ${assign(r, rh, '$r', '$h')} }`;
  }
  let body: string;
  if (op === SH_SHL || op === SH_SAL) {
    body = `if ($n < 32) { $h = ($ah << $n) | ($a >>> (32 - $n)); $r = $a << $n; } else { $h = $a << ($n - 32); $r = 0; }
const $c = ${bit64('64 - $n')};
${f.aux} = $c | ${AF} | ((($h >>> 31) ^ $c) ? ${OF} : 0);`;
  } else if (op === SH_SHR) {
    body = `if ($n < 32) { $h = $ah >>> $n; $r = ($a >>> $n) | ($ah << (32 - $n)); } else { $h = 0; $r = ($ah >>> ($n - 32)) | 0; }
const $c = ${bit64('$n - 1')};
${f.aux} = $c | ${AF} | ((($h ^ ($h << 1)) < 0) ? ${OF} : 0);`;
  } else if (op === SH_SAR) {
    body = `if ($n < 32) { $r = ($a >>> $n) | ($ah << (32 - $n)); $h = $ah >> $n; } else { $r = $ah >> ($n - 32); $h = $ah >> 31; }
${f.aux} = ${bit64('$n - 1')} | ${AF};`;
  } else throw new Error(`shiftSource: group-2 operation ${op} is not defined here`);
  return `{ const $a = ${a.lo}, $ah = ${a.hi}, $n = ${count}; let $r = 0, $h = 0;
${body}
${resultFlagsSource(8, '$r', '$h', f)} ${assign(r, rh, '$r', '$h')} }`;
}

/** What generated IMUL code calls when the product's magnitude is too close to 2^63 to decide overflow from doubles. */
export const IMUL_OVERFLOW_NAME = 'imulOverflow64';
const TWO63 = 2 ** 63;
/** Products of magnitude below NO_OVERFLOW fit 64 bits; above SURE_OVERFLOW they do not (see imulSource). */
const NO_OVERFLOW = TWO63 * (1 - 2 ** -50), SURE_OVERFLOW = TWO63 * (1 + 2 ** -50);

/**
 * The truncated signed product of IMUL's two- and three-operand forms at 2,
 * 4 or 8 bytes; CF = OF = the full product does not fit (SDM IMUL). SF, ZF,
 * AF, PF are kept (AMD, muldiv.ts). The 32-bit overflow test is exact in
 * doubles (rounding is monotonic and ±2^31 are doubles). At 8 bytes the
 * double product of the rounded operands is within 2^-51 of the true one, so
 * outside 2^63(1 ± 2^-50) it decides; inside, imulOverflow64 computes exactly.
 */
export function imulSource(size: number, a: Operand, b: Operand, r: string, rh: string | null, f: FlagVars): string {
  let body: string;
  if (size === 2) {
    body = `const $p = (((${a.lo}) << 16) >> 16) * (((${b.lo}) << 16) >> 16), $o = $p !== ($p << 16) >> 16; ${assign(r, rh, '$p & 0xffff', '0')}`;
  } else if (size === 4) {
    body = `const $a = ${a.lo}, $b = ${b.lo}, $p = $a * $b, $o = $p < -2147483648 || $p >= 2147483648; ${assign(r, rh, 'Math.imul($a, $b)', '0')}`;
  } else {
    body = `const $a = ${a.lo}, $ah = ${a.hi}, $b = ${b.lo}, $bh = ${b.hi};
const $a0 = $a & 0xffff, $a1 = $a >>> 16, $b0 = $b & 0xffff, $b1 = $b >>> 16, $m1 = $a1 * $b0, $m2 = $a0 * $b1;
const $hu = $a1 * $b1 + ($m1 >>> 16) + ($m2 >>> 16) + (((($a0 * $b0) >>> 16) + ($m1 & 0xffff) + ($m2 & 0xffff)) >>> 16);
const $p = ($ah * 4294967296 + ($a >>> 0)) * ($bh * 4294967296 + ($b >>> 0)), $q = $p < 0 ? -$p : $p;
const $o = $q < ${NO_OVERFLOW} ? false : $q > ${SURE_OVERFLOW} ? true : ${IMUL_OVERFLOW_NAME}($a, $ah, $b, $bh);
${assign(r, rh, 'Math.imul($a, $b)', '($hu + Math.imul($a, $bh) + Math.imul($ah, $b)) | 0')}`;
  }
  return `{ ${body} ${f.aux} = (${f.aux} & ${AF}) | ($o ? ${CF | OF} : 0); }`;
}
