// The packed dword operations as source text (SDM Vol. 2 PAND, PANDN, POR,
// PXOR, PADDD, PSUBD, PCMPEQD, PCMPGTD, PMULLD, PMINSD, PMAXSD, PSLLD, PSRLD,
// PSRAD, and the 16-byte register moves): the one definition of their lanes.
// sse-int.ts and sse-shuffle.ts build the interpreter's kernels from it; the
// compiled tier inlines it into regions for register operands.
//
// A lane's source is an int32 expression of `a` (the destination's lane) and
// `b` (the source's lane); a shift's of `a` and the count `n`.
import type { VecOp } from '../../isa/vector-ops.js';

/** The dword-lane operations by vecInt name. */
export const DWORD_LANES: { readonly [K in VecOp]?: string } = {
  pand: 'a & b', pandn: '~a & b', por: 'a | b', pxor: 'a ^ b',
  paddd: '(a + b) | 0', psubd: '(a - b) | 0',
  pcmpeqd: '(a === b ? -1 : 0)', pcmpgtd: '(a > b ? -1 : 0)',
  pmulld: 'Math.imul(a, b)', pminsd: 'Math.min(a, b)', pmaxsd: 'Math.max(a, b)',
};

/** A 16-byte register move (MOVAPS, MOVDQA, … between registers): every lane from the source. */
export const MOVE_LANES = 'b';

/** The dword shifts by kind (0 left, 1 logical right, 2 arithmetic right): counts above 31 shift everything out (the sign, for 2). */
export const DWORD_SHIFT_LANES: readonly string[] = ['(n > 31 ? 0 : a << n)', '(n > 31 ? 0 : a >>> n)', 'a >> (n > 31 ? 31 : n)'];

/**
 * Statements applying `lane` to the four dwords of register slots d and s
 * (source expressions) of the Int32Array `x`; `n` (a shift's count) must be
 * in scope. Each lane reads both operands before it writes, so d = s works.
 */
export function dwordLanesSource(lane: string, x: string, d: string, s: string): string {
  const out: string[] = [];
  for (let k = 0; k < 4; k++) {
    out.push(`{ const a = ${x}[${d} * 8 + ${k}], b = ${x}[${s} * 8 + ${k}]; ${x}[${d} * 8 + ${k}] = ${lane}; }`);
  }
  return out.join(' ');
}
