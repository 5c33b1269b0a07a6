// Flag instructions (CLC STC CMC CLD STD LAHF SAHF) and the accumulator
// conversions (CBW family, CWD family, XLAT) (SDM Vol. 2 entries).
import { CF, PF, AF, ZF, SF, OF, DF } from '../../arch/rflags.js';
import { Vector } from '../../arch/vectors.js';
import { AH, RAX, RBX, RDX } from '../../arch/registers.js';
import type { Handler } from '../context.js';
import { arithFlags, setArithFlags } from '../lazy-flags.js';
import { isCanonical } from '../operands.js';

export const clc: Handler = (c) => { c.fAux &= ~CF; };
export const stc: Handler = (c) => { c.fAux |= CF; };
export const cmc: Handler = (c) => { c.fAux ^= CF; };
export const cld: Handler = (c) => { c.flagsRest &= ~DF; };
export const std: Handler = (c) => { c.flagsRest |= DF; };

/** LAHF: AH = SF:ZF:0:AF:0:PF:1:CF. */
export const lahf: Handler = (c) => {
  c.setReg(1, AH, (arithFlags(c) & (SF | ZF | AF | PF | CF)) | 2, 0);
};

/** SAHF: SF ZF AF PF CF from AH (OF unchanged). */
export const sahf: Handler = (c) => {
  const ah = (c.regLo[RAX]! >> 8) & (SF | ZF | AF | PF | CF);
  setArithFlags(c, (arithFlags(c) & OF) | ah);
};

/** CBW/CWDE/CDQE (98): sign-extend the lower half of rAX into rAX. */
export const cbw: Handler = (c, i) => {
  const v = c.regLo[RAX]!;
  if (i.opSize === 2) c.setReg(2, RAX, (v << 24) >> 24, 0);
  else if (i.opSize === 4) c.setReg(4, RAX, (v << 16) >> 16, 0);
  else c.setReg(8, RAX, v, v >> 31);
};

/** CWD/CDQ/CQO (99): rDX = the sign of rAX. */
export const cwd: Handler = (c, i) => {
  if (i.opSize === 2) c.setReg(2, RDX, (c.regLo[RAX]! << 16) >> 31, 0);
  else if (i.opSize === 4) c.setReg(4, RDX, c.regLo[RAX]! >> 31, 0);
  else { const s = c.regHi[RAX]! >> 31; c.setReg(8, RDX, s, s); }
};

/** XLAT: AL = [rBX + zero-extended AL] (EBX wrapped at 2^32 with a 67 prefix). */
export const xlat: Handler = (c, i) => {
  const sum = (c.regLo[RBX]! >>> 0) + (c.regLo[RAX]! & 0xff);
  let lin = i.addrSize === 4 ? sum >>> 0 : ((c.regHi[RBX]! + (sum > 0xffffffff ? 1 : 0)) | 0) * 4294967296 + (sum >>> 0);
  if (i.seg >= 4) lin += c.segBase[i.seg]!;
  if (!isCanonical(lin)) c.raise(Vector.GP, 0);
  c.setReg(1, RAX, c.mmu.read8(lin), 0);
};
