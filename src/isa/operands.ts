// Operand specifications in the SDM's letters (Vol. 2 Appendix A.2): a kind
// (where the operand lives), a size, and how the instruction uses it.
//
//   E  ModRM r/m: a general register or memory     G  ModRM reg: a general register
//   M  ModRM r/m, memory only                      R  ModRM r/m, register only (mod ignored)
//   I  immediate          J  relative offset (the target is RIP + imm)
//   Z  register in the opcode's low 3 bits (+r)    O  absolute memory offset (moffs)
//   S  ModRM reg: a segment register               C / D  ModRM reg: a control / debug register
//   X  memory at seg:rSI    Y  memory at ES:rDI     fixed  AL CL DX AX eAX rAX    one  the constant 1
// V W U (XMM: reg, r/m, r/m register only); ST (x87: 'ST' is ST(0), 'STi' the ST(i) of
// ModRM.rm). Room for what is coming (no rows use them yet): H (VEX.vvvv), P Q N (MMX).
//
// Sizes: b w d q = 1 2 4 8 bytes; v = the operand size (2/4/8); z = v capped at
// 4 (immediates); y = 4 or 8; bs = byte immediate sign-extended to v; dq = 16;
// qq = 32; t = 10 (x87 m80); p = far pointer; x = no size (an address, or implicit);
// a = the address size (MOVDIR64B's register, which holds an address).
//
// Access (the operand stage reads and writes operands from it): a leading '='
// marks an operand the instruction writes without reading, '+' one it reads
// and writes (GCC's constraint modifiers); otherwise it is only read.
export type OperandKind =
  | 'E' | 'G' | 'M' | 'R' | 'I' | 'J' | 'Z' | 'O' | 'S' | 'C' | 'D' | 'X' | 'Y' | 'fixed' | 'one'
  | 'V' | 'W' | 'U' | 'H' | 'P' | 'Q' | 'N' | 'ST';
export type OperandSize = 'b' | 'w' | 'd' | 'q' | 'v' | 'z' | 'y' | 'bs' | 'dq' | 'qq' | 'p' | 't' | 'x' | 'a';
export type OperandAccess = 'r' | 'w' | 'rw';

export interface OperandSpec {
  readonly kind: OperandKind;
  readonly size: OperandSize;
  /** For 'fixed': the register number (AL/AX/EAX/RAX = 0, CL = 1, DX = 2). */
  readonly reg: number;
  /** The SDM text without the access marker ('Ev', 'AL', '1'). */
  readonly text: string;
  readonly access: OperandAccess;
}

const KINDS: readonly OperandKind[] = ['E', 'G', 'M', 'R', 'I', 'J', 'Z', 'O', 'S', 'C', 'D', 'X', 'Y', 'V', 'W', 'U', 'H', 'P', 'Q', 'N'];
const SIZES: readonly OperandSize[] = ['b', 'w', 'd', 'q', 'v', 'z', 'y', 'bs', 'dq', 'qq', 'p', 't', 'x', 'a'];
const FIXED: Readonly<Record<string, readonly [number, OperandSize]>> = {
  AL: [0, 'b'], CL: [1, 'b'], DX: [2, 'w'], AX: [0, 'w'], eAX: [0, 'z'], rAX: [0, 'v'],
};

export function parseOperand(source: string): OperandSpec {
  const access: OperandAccess = source.startsWith('=') ? 'w' : source.startsWith('+') ? 'rw' : 'r';
  const text = access === 'r' ? source : source.slice(1);
  const fixed = FIXED[text];
  if (fixed) return { kind: 'fixed', size: fixed[1], reg: fixed[0], text, access };
  if (text === '1') return { kind: 'one', size: 'b', reg: -1, text, access };
  if (text.startsWith('ST')) return { kind: 'ST', size: 'x', reg: text === 'ST' ? 0 : -1, text, access };
  const kind = text[0] as OperandKind;
  const size = (text.slice(1) || 'x') as OperandSize;
  if (!KINDS.includes(kind)) throw new Error(`unknown operand kind in '${source}'`);
  if (!SIZES.includes(size)) throw new Error(`unknown operand size in '${source}'`);
  return { kind, size, reg: -1, text, access };
}

/** Operand kinds that need a ModRM byte. */
export const MODRM_KINDS: ReadonlySet<OperandKind> = new Set<OperandKind>(['E', 'G', 'M', 'R', 'S', 'C', 'D', 'V', 'W', 'U', 'P', 'Q', 'N']);
/** Operand kinds encoded in the instruction's immediate bytes. */
export const IMMEDIATE_KINDS: ReadonlySet<OperandKind> = new Set<OperandKind>(['I', 'J', 'O']);

/** Size in bytes of a general-register or memory operand at operand size `opSize` (0 for 'x' and 'p'). */
export function operandBytes(size: OperandSize, opSize: number): number {
  switch (size) {
    case 'b': return 1;
    case 'w': return 2;
    case 'd': return 4;
    case 'q': return 8;
    case 'v': return opSize;
    case 'z': return opSize === 2 ? 2 : 4;
    case 'y': return opSize === 8 ? 8 : 4;
    case 'bs': return opSize;
    case 'dq': return 16;
    case 'qq': return 32;
    case 't': return 10;
    default: return 0;
  }
}
