// The decoded instruction: a small fixed-shape record of numbers plus the
// table row it came from. Executors never see raw ModRM/SIB bits; register
// numbers are resolved, operand sizes are in bytes. Which code runs it is not
// part of the record: each execution tier binds that itself.
import type { OpcodeRow } from './table.js';

/** Prefix bits recorded in Insn.prefixes. */
export const PFX_LOCK = 1, PFX_REP = 2 /* F3 */, PFX_REPNE = 4 /* F2 */, PFX_OPSIZE = 8, PFX_ADDRSIZE = 0x10, PFX_REX = 0x20;

/** Base register value meaning RIP-relative addressing. */
export const BASE_RIP = 16;

/**
 * Where an operand lives, resolved by the decoder (Insn.loc0..loc2) so the
 * operand stage switches on a small number: a general register (its number in
 * Insn.reg0..reg2), the ModRM memory operand (of 1 to 32 bytes), the first or
 * second immediate, a moffs address, the constant 1, a segment register, an
 * XMM/YMM, MMX or x87 stack register (for the SIMD/x87 rows to come), or
 * nothing the stage handles (control/debug registers, string and implicit operands).
 */
export const LOC_NONE = 0, LOC_REG = 1, LOC_MEM = 2, LOC_IMM = 3, LOC_IMM2 = 4, LOC_MOFFS = 5, LOC_ONE = 6, LOC_SEG = 7;
export const LOC_XMM = 8, LOC_MMX = 9, LOC_ST = 10;

/**
 * The code an execution tier bound to a decoded instruction. Opaque to this
 * layer: the tier that stored it casts it back to its own handler type.
 */
export type BoundCode = (context: never, insn: Insn) => void;
const NO_VIEW = new DataView(new ArrayBuffer(0));
const UNBOUND: BoundCode = () => { throw new Error('instruction executed before it was bound'); };

/**
 * Code bound to this instruction and those after it up to `last` together (the
 * interpreter's groups: a pair, a run of PUSHes or POPs). False when it ran
 * only this instruction, the others left to run as themselves.
 */
export type BoundGroup = (context: never, insn: Insn, last: Insn) => boolean;

export class Insn {
  row: OpcodeRow;
  /** What the execution tier that holds this record bound to it. */
  exec: BoundCode = UNBOUND;
  /** What the interpreter bound to this instruction and those after it up to `groupLast` together; null: none. */
  group: BoundGroup | null = null;
  groupLast: Insn | null = null;
  /** Bytes from this instruction to groupLast, from its end to groupLast's end, and how many instructions the group retires before groupLast. */
  groupSpan = 0;
  groupRest = 0;
  groupBefore = 0;
  /** Length in bytes (1..15). */
  len = 0;
  /** Operand size in bytes for 'v'-sized operands (2, 4 or 8). */
  opSize = 4;
  /** Address size in bytes (4 or 8; 2 or 4 in 32- and 16-bit code). */
  addrSize = 8;
  /** Decoded as 32- or 16-bit code (compatibility mode, CS.L = 0): segment bases and limits apply, no REX. */
  compat = false;
  /** Decoded as 16-bit code (CS.D = 0): the default operand and address sizes are 16. */
  code16 = false;
  /** Size in bytes of the ModRM memory operand (0: none); the compatibility-mode limit check uses it. */
  memSize = 0;
  prefixes = 0;
  /** Segment override (SEG_FS, SEG_GS; in 32-bit code also ES/CS/SS/DS) or -1 (ES/CS/SS/DS overrides are ignored in 64-bit mode). */
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
  /** First immediate: low dword (sign-extended per operand kind) and high dword (64-bit immediates). */
  imm = 0;
  immHi = 0;
  /** Second immediate (ENTER's nesting level). */
  imm2 = 0;
  /** Operands 0..2: location (LOC_*), register number for LOC_REG / LOC_SEG, size in bytes (0: none or sizeless). */
  loc0 = LOC_NONE; reg0 = 0; size0 = 0;
  loc1 = LOC_NONE; reg1 = 0; size1 = 0;
  loc2 = LOC_NONE; reg2 = 0; size2 = 0;
  /** How the instruction uses its ModRM memory operand: 1 read, 2 written only, 3 read and written (0: none). */
  memAccess = 0;
  /** The row's parameter (copied for the executors' hot paths). */
  param = 0;
  /**
   * Raises #UD whatever the state (decided by the decoder from the table: an
   * i64 row, LOCK where it is not allowed, a control or debug register that
   * does not exist, MOV to CS).
   */
  invalid = false;
  /**
   * The copy of the TLB entry of the page this instruction's memory operand
   * touched last (mmu.ts AccessCache; the interpreter's handlers, and the
   * compiled tier for absolute and RIP-relative operands): none until it runs.
   */
  cacheBase = NaN;
  cacheFrame = 0;
  cacheView: DataView = NO_VIEW;
  cachePerm = 0;
  cacheSlot = 0;
  cacheLo = 0;
  cacheHi = 0;
  cacheGen = -1;
  /** Raw bytes kept for the disassembler. */
  modrm = -1;
  sib = -1;

  constructor(row: OpcodeRow) {
    this.row = row;
  }
}
