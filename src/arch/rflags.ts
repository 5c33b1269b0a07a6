// RFLAGS bits (SDM Vol. 1 §3.4.3, Vol. 3A §2.3; APM Vol. 2 §3.1.6).
export const CF = 0x1, PF = 0x4, AF = 0x10, ZF = 0x40, SF = 0x80, TF = 0x100, IF = 0x200, DF = 0x400, OF = 0x800;
export const IOPL = 0x3000, NT = 0x4000, RF = 0x10000, VM = 0x20000, AC = 0x40000, VIF = 0x80000, VIP = 0x100000, ID = 0x200000;
/** IOPL occupies bits 13:12. */
export const IOPL_SHIFT = 12;
export const ARITH_FLAGS = CF | PF | AF | ZF | SF | OF;
/** Bits a 64-bit CPU lets software hold in RFLAGS (the rest read as 0, bit 1 as 1). */
export const RFLAGS_IMPLEMENTED = ARITH_FLAGS | TF | IF | DF | IOPL | NT | RF | VM | AC | VIF | VIP | ID;
/** Bit 1 always reads as 1. */
export const RFLAGS_FIXED1 = 0x2;

/**
 * Parses a flag list into a mask: o s z a p c (the arithmetic flags), d (DF),
 * i (IF), t (TF), r (RF), A (AC), n (NT).
 */
export function flagMask(letters: string): number {
  let m = 0;
  for (const c of letters) {
    switch (c) {
      case 'o': m |= OF; break; case 's': m |= SF; break; case 'z': m |= ZF; break;
      case 'a': m |= AF; break; case 'p': m |= PF; break; case 'c': m |= CF; break;
      case 'd': m |= DF; break; case 'i': m |= IF; break; case 't': m |= TF; break;
      case 'r': m |= RF; break; case 'A': m |= AC; break; case 'n': m |= NT; break;
      default: throw new Error(`bad flag letter '${c}' in '${letters}'`);
    }
  }
  return m;
}
