// The decoded instruction: a small fixed-shape record of numbers (plus the
// table row it came from). Handlers never see raw ModRM/SIB bits.
import type { Cpu } from './cpu.js';
import type { OpcodeRow } from './table.js';

export type Handler = (cpu: Cpu, insn: Insn) => void;

/** Prefix bits recorded in Insn.prefixes. */
export const PFX_LOCK = 1, PFX_REP = 2 /* F3 */, PFX_REPNE = 4 /* F2 */, PFX_OPSIZE = 8, PFX_ADDRSIZE = 0x10, PFX_REX = 0x20;

/** Segment register numbers (encoding order). */
export const SEG_ES = 0, SEG_CS = 1, SEG_SS = 2, SEG_DS = 3, SEG_FS = 4, SEG_GS = 5;

/** Base register value meaning RIP-relative addressing. */
export const BASE_RIP = 16;

export class Insn {
  row: OpcodeRow;
  exec: Handler;
  /** Length in bytes (1..15). */
  len = 0;
  /** Operand size in bytes for 'v'-sized operands (2, 4 or 8). */
  opSize = 4;
  /** Address size in bytes (4 or 8). */
  addrSize = 8;
  prefixes = 0;
  /** Segment override (SEG_*) or -1. */
  seg = -1;
  rex = 0;
  /** ModRM.reg extended by REX.R; for byte registers without REX, 4..7 become 16..19 (AH CH DH BH). */
  reg = 0;
  /** Register operand of ModRM.rm (mod = 3) or of the opcode's low bits, resolved like `reg`. */
  rm = 0;
  isMem = false;
  /** Memory operand: base register (-1 none, BASE_RIP), index (-1 none), scale shift 0..3, disp (int32). */
  base = -1;
  index = -1;
  scale = 0;
  disp = 0;
  /** Immediate: low dword (sign-extended per operand kind) and high dword (for 64-bit immediates). */
  imm = 0;
  immHi = 0;
  /** Second immediate (ENTER's nesting level). */
  imm2 = 0;
  /** Raw bytes kept for the disassembler and error messages. */
  modrm = -1;
  sib = -1;

  constructor(row: OpcodeRow, exec: Handler) {
    this.row = row;
    this.exec = exec;
  }
}
