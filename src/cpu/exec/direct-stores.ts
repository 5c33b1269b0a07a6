// MOVDIRI and MOVDIR64B (SDM Vol. 2 entries): direct stores, which a CPU
// performs as one write that bypasses the cache hierarchy; for a software CPU
// with no caches, a store. MOVDIR64B reads 64 bytes from its memory operand
// and writes them at ES:[the register], an address of the address size, which
// must be 64-byte aligned (#GP(0)). The source is read whole before the first
// write, and an aligned destination lies within one page: a fault leaves the
// destination unwritten. MOVDIRI is MOV with its own row.
import { Vector } from '../../arch/vectors.js';
import type { Handler } from '../context.js';
import { effectiveAddress, isCanonicalAccess, isStackReference } from '../operands.js';
import { strAddr } from './string-addressing.js';

const LINE = 64;
const LINE_LO = new Int32Array(LINE / 8), LINE_HI = new Int32Array(LINE / 8);

export const movdir64b: Handler = (c, i) => {
  const dst = strAddr(c, i.reg, i.addrSize === 4, -1, LINE);
  if (dst % LINE !== 0) c.raise(Vector.GP, 0);
  const src = effectiveAddress(c, i);
  if (!isCanonicalAccess(src, LINE)) c.raise(isStackReference(i) ? Vector.SS : Vector.GP, 0);
  const m = c.mmu;
  for (let k = 0; k < LINE / 8; k++) { LINE_LO[k] = m.read64(src + 8 * k); LINE_HI[k] = m.hi; }
  for (let k = 0; k < LINE / 8; k++) m.write64(dst + 8 * k, LINE_LO[k]!, LINE_HI[k]!);
};
