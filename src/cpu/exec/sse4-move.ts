// SSE4.1 inserts, extracts and PTEST (SDM Vol. 2 entries): PEXTRB/W/D/Q and
// EXTRACTPS (to a general register, zero-extended, or to memory), PINSRB/D/Q,
// INSERTPS, PTEST (ZF and CF; OF, AF, PF, SF cleared).
import { CF, ZF } from '../../arch/rflags.js';
import type { Insn } from '../../isa/insn.js';
import type { ExecContext, Handler } from '../context.js';
import { setArithFlags } from '../lazy-flags.js';
import { effectiveAddress } from '../operands.js';
import { sourceSlot } from '../sse-operands.js';

/** Lane size of a PEXTR/PINSR row: the param, or 0 for the D/Q forms (4, or 8 with REX.W). */
const laneSize = (i: Insn) => i.param || (i.opSize === 8 ? 8 : 4);

/** PEXTRB/W/D/Q, EXTRACTPS: lane imm8 of V to a general register (zero-extended) or to memory. */
export const pextr: Handler = (c: ExecContext, i: Insn) => {
  const size = laneSize(i), u8 = c.xmm.u8, at = i.reg * 32 + (i.imm & (16 / size - 1)) * size;
  let lo = 0, hi = 0;
  for (let b = 0; b < size; b++) {
    if (b < 4) lo |= u8[at + b]! << (8 * b); else hi |= u8[at + b]! << (8 * (b - 4));
  }
  if (i.isMem) { c.mmu.write(size, effectiveAddress(c, i), lo, hi); return; }
  c.regLo[i.rm] = lo; c.regHi[i.rm] = hi;
};

/** PINSRB/D/Q: a general register's low lane or memory into lane imm8 of V. */
export const pinsr: Handler = (c, i) => {
  const size = laneSize(i);
  let lo: number, hi = 0;
  if (i.isMem) { lo = c.mmu.read(size, effectiveAddress(c, i)); if (size === 8) hi = c.mmu.hi; }
  else { lo = c.regLo[i.rm]!; hi = c.regHi[i.rm]!; }
  const u8 = c.xmm.u8, at = i.reg * 32 + (i.imm & (16 / size - 1)) * size;
  for (let b = 0; b < size; b++) u8[at + b] = b < 4 ? lo >>> (8 * b) : hi >>> (8 * (b - 4));
};

/** INSERTPS: a dword (U lane imm8[7:6], or m32) into lane imm8[5:4] of V, then lanes of imm8[3:0] zeroed. */
export const insertps: Handler = (c, i) => {
  const v = c.xmm.i32, d = i.reg * 8, imm = i.imm;
  const w = i.isMem ? c.mmu.read32(effectiveAddress(c, i)) : v[i.rm * 8 + ((imm >> 6) & 3)]!;
  v[d + ((imm >> 4) & 3)] = w;
  for (let k = 0; k < 4; k++) if ((imm >> k) & 1) v[d + k] = 0;
};

/** PTEST: ZF = (V AND W) = 0, CF = (NOT V AND W) = 0. */
export const ptest: Handler = (c, i) => {
  const s = sourceSlot(c, i), v = c.xmm.i32, d = i.reg * 8;
  let and = 0, andn = 0;
  for (let k = 0; k < 4; k++) { and |= v[d + k]! & v[s * 8 + k]!; andn |= ~v[d + k]! & v[s * 8 + k]!; }
  setArithFlags(c, (and === 0 ? ZF : 0) | (andn === 0 ? CF : 0));
};
