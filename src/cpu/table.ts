// The shape of the one opcode table (rows live in opcodes.ts). Each row names
// an instruction form once: where it sits in the opcode maps, its mnemonic,
// operands in the SDM's letters, the flags it tests/sets/leaves undefined,
// legality attributes and its handler. The decoder, the disassembler, the
// interpreter and the test generators all derive what they need from it.
import { flagMask } from './flags.js';
import type { Handler, Insn } from './insn.js';

/** Operand kinds (SDM Vol. 2 Appendix A.2 letters). */
export type OperandKind =
  | 'E' | 'G' | 'M' | 'I' | 'J' | 'Z' | 'O' | 'S' | 'C' | 'D' | 'R' | 'X' | 'Y' | 'fixed' | 'one';
/**
 * Sizes: b w d q = 1 2 4 8 bytes; v = operand size (2/4/8); z = v capped at 4
 * (immediates); y = 4 or 8; bs = byte immediate sign-extended to v; dq = 16;
 * p = far pointer; x = none/implicit.
 */
export type OperandSize = 'b' | 'w' | 'd' | 'q' | 'v' | 'z' | 'y' | 'bs' | 'dq' | 'p' | 'x';

export interface OperandSpec {
  readonly kind: OperandKind;
  readonly size: OperandSize;
  /** For 'fixed': the register number (AL/AX/EAX/RAX = 0, CL = 1, DX = 2). */
  readonly reg: number;
  readonly text: string;
}

export const enum Attr {
  Lock = 1,        // LOCK is legal (with a memory destination)
  Rep = 2,         // F3 is REP (string instructions)
  RepCc = 4,       // F3/F2 are REPE/REPNE (CMPS, SCAS)
  D64 = 8,         // default operand size 64 in 64-bit mode, 66 selects 16
  F64 = 0x10,      // operand size forced to 64 in 64-bit mode
  I64 = 0x20,      // invalid in 64-bit mode (#UD)
  ModIgnored = 0x40, // ModRM.mod is ignored: rm is always a register (MOV CR/DR)
  NotImpl = 0x80,  // recognised but not implemented yet: emulation-failure
  Priv = 0x100,    // CPL 0 only (#GP(0) otherwise)
  Branch = 0x200,  // changes RIP (for traces and the future block builder)
}

export type DecodePrefix = 'any' | 'none' | '66' | 'F3' | 'F2';

/**
 * What the AT&T disassembler (src/cpu/disasm.ts, which follows GNU objdump)
 * needs beyond the mnemonic and operands. Every field is optional; the
 * defaults derive from the row (see disasm.ts).
 */
export interface AttSyntax {
  /**
   * The AT&T mnemonic when it differs from `mnemonic`: one name; or three names
   * 'w|l|q' chosen by operand size 16|32|64 (e.g. 'cbtw|cwtl|cltq'; when the 16
   * and 32 names are equal only REX.W selects); or eight names separated by '/'
   * chosen by ModRM.reg (0F 18: 'prefetchnta/…'). A '*' in a name stands for the
   * operand-size suffix w/l/q ('movzb*' prints movzbw/movzbl/movzbq).
   */
  readonly name?: string;
  /** The mnemonic with a 67 prefix (32-bit address size): 'jecxz', 'loopl'. */
  readonly name32?: string;
  /**
   * Size suffix: 'mem' (the default) appends b/w/l/q when a byte or operand-size
   * memory operand's size shows in no register operand (addl $1,(%rax), movsb,
   * but add %eax,(%rax)); 'w' appends 'w' only for a 16-bit operand size (stack
   * and near-branch forms: pushw, callw, retw); 'memE' appends the E operand's
   * size whenever it is memory (crc32b (%rax),%eax); 'none' never appends one.
   */
  readonly suffix?: 'mem' | 'w' | 'memE' | 'none';
  /**
   * AT&T operands of a form whose operands are implicit, comma-separated: literal
   * text ('%fs' for PUSH FS), or 'DS:rBX' for XLAT's %ds:(%rbx) (segment override
   * and address size applied).
   */
  readonly ops?: string;
  /** Print the operands in the SDM's (Intel) order instead of reversed (ENTER). */
  readonly intelOrder?: boolean;
  /** The register form of an Ew operand prints at the operand size (MOV Sreg, SLDT, STR, SMSW, LAR, LSL). */
  readonly regV?: boolean;
  /**
   * How F2/F3 print on a memory form (hardware lock elision): 'lock' (default for
   * rows with the lock attribute) = xacquire/xrelease when LOCK is present;
   * 'always' (XCHG) = xacquire/xrelease without LOCK; 'release' (MOV to memory) = F3 is xrelease;
   * 'lockNoW' = 'lock' except with REX.W (CMPXCHG8B, not CMPXCHG16B).
   */
  readonly hle?: 'lock' | 'always' | 'release' | 'lockNoW';
  /** F2 prints as 'bnd' (near branches). */
  readonly bnd?: boolean;
  /** A single CS/DS prefix prints as the branch hint ',pn'/',pt' (Jcc, LOOPcc, JrCXZ). */
  readonly hint?: boolean;
  /** A DS prefix prints as 'notrack' (indirect CALL/JMP). */
  readonly notrack?: boolean;
  /**
   * objdump consults the 66 prefix for this opcode even when REX.W overrides it
   * (a mandatory-prefix slot), so the 66 never prints as 'data16' (BSF, BSR, MOVBE,
   * 0F 1C/1E); 'reg': only in the register form (MOVSXD).
   */
  readonly prefix66?: boolean | 'reg';
}

export interface OpcodeRow {
  readonly id: string;
  /** 0 = one-byte map, 1 = 0F, 2 = 0F 38, 3 = 0F 3A. */
  readonly map: number;
  readonly opcode: number;
  /** ModRM.reg selector, or -1. */
  readonly ext: number;
  readonly mod: 'any' | 'mem' | 'reg';
  /** ModRM.rm selector for mod = 3 encodings (0F 01 C8 …), or -1. */
  readonly rm: number;
  /** Mandatory prefix (selects the row), or 'any'. */
  readonly prefix: DecodePrefix;
  /** Opcode occupies 8 slots (+r): the low 3 bits name a register. */
  readonly plusR: boolean;
  readonly mnemonic: string;
  readonly operands: readonly OperandSpec[];
  readonly flagsTested: number;
  readonly flagsModified: number;
  readonly flagsUndefined: number;
  readonly attrs: number;
  readonly exec: Handler;
  /**
   * Optional: picks a handler specialised for one decoded form (operand size,
   * register vs memory). The decoder stores it in the Insn, so the hot forms
   * run without per-instruction branching. Same semantics as `exec`.
   */
  readonly fast: ((insn: Insn) => Handler | undefined) | undefined;
  /** Disassembly (AT&T) details, see AttSyntax. */
  readonly att: AttSyntax;
  // Derived for the decoder.
  readonly hasModrm: boolean;
  readonly gByte: boolean;
  readonly eByte: boolean;
  readonly zByte: boolean;
  /** Immediates in encoding order. */
  readonly imms: readonly OperandSpec[];
}

const ATTR_NAMES: Record<string, Attr> = {
  lock: Attr.Lock, rep: Attr.Rep, repcc: Attr.RepCc, d64: Attr.D64, f64: Attr.F64, i64: Attr.I64,
  modignored: Attr.ModIgnored, notimpl: Attr.NotImpl, priv: Attr.Priv, branch: Attr.Branch,
};

const FIXED: Record<string, [number, OperandSize]> = {
  AL: [0, 'b'], CL: [1, 'b'], DX: [2, 'w'], AX: [0, 'w'], eAX: [0, 'z'], rAX: [0, 'v'],
};

export function parseOperand(text: string): OperandSpec {
  if (text in FIXED) { const [reg, size] = FIXED[text]!; return { kind: 'fixed', size, reg, text }; }
  if (text === '1') return { kind: 'one', size: 'b', reg: -1, text };
  const kind = text[0] as OperandKind;
  const size = (text.slice(1) || 'x') as OperandSize;
  if (!'EGMIJZOSCDRXY'.includes(kind)) throw new Error(`unknown operand kind in '${text}'`);
  if (!['b', 'w', 'd', 'q', 'v', 'z', 'y', 'bs', 'dq', 'p', 'x'].includes(size)) throw new Error(`unknown operand size in '${text}'`);
  return { kind, size, reg: -1, text };
}

export interface RowOptions {
  /** Flags read, e.g. 'c'. */
  test?: string;
  /** Flags written (defined or not), e.g. 'oszapc'. */
  set?: string;
  /** Flags left undefined by the architecture, e.g. 'a'. */
  undef?: string;
  /** Space-separated attributes: lock rep repcc d64 f64 i64 modignored notimpl priv branch. */
  attrs?: string;
  /** Specialised handler chooser (see OpcodeRow.fast). */
  fast?: (insn: Insn) => Handler | undefined;
  /** AT&T disassembly details (see AttSyntax). */
  att?: AttSyntax;
}

/**
 * Builds a row. `encoding` is space-separated: optional `p=66|F3|F2|none`, the
 * opcode bytes (`0F`, `0F 38`, `0F 3A` select the map), optional `+r`, `/n`,
 * `mod=mem|reg`, `rm=n`. Example: `p=F3 0F B8`, `80 /7`, `0F 01 /7 mod=reg rm=1`.
 */
export function row(id: string, encoding: string, mnemonic: string, operands: string, exec: Handler, opts: RowOptions = {}): OpcodeRow {
  let map = 0, opcode = -1, ext = -1, rm = -1, plusR = false;
  let mod: OpcodeRow['mod'] = 'any';
  let prefix: DecodePrefix = 'any';
  const bytes: number[] = [];
  for (const tok of encoding.split(/\s+/)) {
    if (tok.startsWith('p=')) prefix = tok.slice(2) as DecodePrefix;
    else if (tok.startsWith('/')) ext = Number(tok.slice(1));
    else if (tok === '+r') plusR = true;
    else if (tok.startsWith('mod=')) mod = tok.slice(4) as 'mem' | 'reg';
    else if (tok.startsWith('rm=')) rm = Number(tok.slice(3));
    else if (/^[0-9A-Fa-f]{2}$/.test(tok)) bytes.push(parseInt(tok, 16));
    else throw new Error(`bad encoding token '${tok}' in row ${id}`);
  }
  if (bytes[0] === 0x0f) {
    if (bytes[1] === 0x38) { map = 2; opcode = bytes[2]!; }
    else if (bytes[1] === 0x3a) { map = 3; opcode = bytes[2]!; }
    else { map = 1; opcode = bytes[1]!; }
  } else opcode = bytes[0]!;
  if (opcode === undefined || opcode < 0) throw new Error(`row ${id} has no opcode`);
  const ops = operands ? operands.split(',').map((s) => parseOperand(s.trim())) : [];
  let attrs = 0;
  for (const a of (opts.attrs ?? '').split(/\s+/).filter(Boolean)) {
    if (!(a in ATTR_NAMES)) throw new Error(`unknown attribute '${a}' in row ${id}`);
    attrs |= ATTR_NAMES[a]!;
  }
  if (ops.some((o) => o.kind === 'M') && mod === 'any') mod = 'mem';
  const hasModrm = ext >= 0 || ops.some((o) => 'EGMSCDR'.includes(o.kind));
  const find = (k: OperandKind) => ops.find((o) => o.kind === k);
  return {
    id, map, opcode, ext, mod, rm, prefix, plusR, mnemonic, operands: ops,
    flagsTested: flagMask(opts.test ?? ''), flagsModified: flagMask(opts.set ?? ''), flagsUndefined: flagMask(opts.undef ?? ''),
    attrs, exec, fast: opts.fast, att: opts.att ?? {}, hasModrm,
    gByte: find('G')?.size === 'b', eByte: find('E')?.size === 'b', zByte: find('Z')?.size === 'b',
    imms: ops.filter((o) => o.kind === 'I' || o.kind === 'J' || o.kind === 'O'),
  };
}
