// Decimal arithmetic of 32-bit code (invalid in 64-bit mode): DAA, DAS, AAA,
// AAS, AAM, AAD (SDM Vol. 2 entries; the Operation pseudocode of the current
// SDM, e.g. AAA adds 106H to AX as one word) and SALC (D6: AL = CF ? FFH : 0,
// no flags changed). Flags the SDM leaves undefined get the values in
// docs/cpu-model.md ("Undefined flags not measured"): the check host cannot
// run 32-bit code, so unlike every other undefined flag these are not
// compared with hardware.
import { AF, CF } from '../../arch/rflags.js';
import { Vector } from '../../arch/vectors.js';
import { RAX } from '../../arch/registers.js';
import type { ExecContext, Handler } from '../context.js';
import { arithFlags, setArithFlags, setResultFlags } from '../lazy-flags.js';

const al = (c: ExecContext) => c.regLo[RAX]! & 0xff;
const ax = (c: ExecContext) => c.regLo[RAX]! & 0xffff;
function setAx(c: ExecContext, v: number): void { c.regLo[RAX] = (c.regLo[RAX]! & ~0xffff) | (v & 0xffff); }
function setAl(c: ExecContext, v: number): void { c.regLo[RAX] = (c.regLo[RAX]! & ~0xff) | (v & 0xff); }

/** CF and AF as given, OF = 0, and SF/ZF/PF from AL. */
function setBcdFlags(c: ExecContext, cf: boolean, af: boolean): void {
  setArithFlags(c, (cf ? CF : 0) | (af ? AF : 0));
  setResultFlags(c, 1, al(c), 0);
}

/** DAA (27): decimal adjust AL after addition. */
export const daa: Handler = (c) => {
  const f = arithFlags(c), oldAl = al(c), oldCf = (f & CF) !== 0;
  let a = oldAl, cf = false, af = false;
  if ((a & 0xf) > 9 || (f & AF)) { a += 6; cf = oldCf || a > 0xff; af = true; }
  if (oldAl > 0x99 || oldCf) { a += 0x60; cf = true; } else cf = false;
  setAl(c, a);
  setBcdFlags(c, cf, af);
};

/** DAS (2F): decimal adjust AL after subtraction (CF keeps the low digit's borrow unless the high digit adjusts). */
export const das: Handler = (c) => {
  const f = arithFlags(c), oldAl = al(c), oldCf = (f & CF) !== 0;
  let a = oldAl, cf = false, af = false;
  if ((a & 0xf) > 9 || (f & AF)) { cf = oldCf || a < 6; a -= 6; af = true; }
  if (oldAl > 0x99 || oldCf) { a -= 0x60; cf = true; }
  setAl(c, a);
  setBcdFlags(c, cf, af);
};

/** AAA (37) / AAS (3F): ASCII adjust after addition / subtraction; AX adjusted as a word, AL's high nibble cleared. */
const asciiAdjust = (add: boolean): Handler => (c) => {
  const adjust = (al(c) & 0xf) > 9 || (arithFlags(c) & AF) !== 0;
  if (adjust) setAx(c, add ? ax(c) + 0x106 : ((ax(c) - 6) & 0xffff) - 0x100);
  setAl(c, al(c) & 0xf);
  setBcdFlags(c, adjust, adjust);
};
export const aaa = asciiAdjust(true);
export const aas = asciiAdjust(false);

/** AAM imm8 (D4): AH = AL / imm8, AL = AL mod imm8; imm8 = 0 → #DE. */
export const aam: Handler = (c, i) => {
  const base = i.imm & 0xff;
  if (base === 0) c.raise(Vector.DE);
  const a = al(c);
  setAx(c, (Math.floor(a / base) << 8) | (a % base));
  setBcdFlags(c, false, false);
};

/** AAD imm8 (D5): AL = AL + AH * imm8 (a byte), AH = 0. */
export const aad: Handler = (c, i) => {
  setAx(c, (al(c) + (ax(c) >> 8) * (i.imm & 0xff)) & 0xff);
  setBcdFlags(c, false, false);
};

/** SALC (D6): AL = FFH if CF, else 0; flags unchanged. */
export const salc: Handler = (c) => { setAl(c, (arithFlags(c) & CF) ? 0xff : 0); };
