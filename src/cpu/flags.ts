// RFLAGS bits (SDM Vol. 1 §3.4.3) and the lazy representation the CPU keeps.
//
// The arithmetic flags are not stored as bits. After an ALU operation the CPU
// keeps: fZ (zero iff ZF), fS (negative iff SF), fP (low byte decides PF by
// parity) and fAux (CF, AF, OF already in their RFLAGS positions). ZF/SF/PF thus
// cost one store each on the hot path and any combination (POPF, SAHF) is
// representable without a mode switch.

export const CF = 0x1, PF = 0x4, AF = 0x10, ZF = 0x40, SF = 0x80, TF = 0x100, IF = 0x200, DF = 0x400, OF = 0x800;
export const IOPL = 0x3000, NT = 0x4000, RF = 0x10000, VM = 0x20000, AC = 0x40000, VIF = 0x80000, VIP = 0x100000, ID = 0x200000;
export const ARITH_FLAGS = CF | PF | AF | ZF | SF | OF;
/** Bits a 64-bit CPU lets software hold in RFLAGS (the rest read as 0, bit 1 as 1). */
export const RFLAGS_IMPLEMENTED = ARITH_FLAGS | TF | IF | DF | IOPL | NT | RF | VM | AC | VIF | VIP | ID;
export const RFLAGS_FIXED1 = 0x2;

/** PF for a byte value: PF_TABLE[b] is PF (0x4) when b has an even number of set bits. */
export const PF_TABLE: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (let i = 0; i < 256; i++) {
    let n = 0;
    for (let b = i; b; b >>= 1) n += b & 1;
    t[i] = n % 2 === 0 ? PF : 0;
  }
  return t;
})();

/** Parses a flag list like "oszapc" (letters of OF SF ZF AF PF CF, plus d i t) into a mask. */
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

/** Condition-code names in encoding order (jcc/setcc/cmovcc low nibble), as objdump spells them. */
export const CONDITION_NAMES = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'] as const;

