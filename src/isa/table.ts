// The shape of the one opcode table (rows live in opcodes/*.ts). A row names an
// instruction form once, as data; the decoder, the disassembler, every
// execution tier, CPUID and the test generators derive what they need from it.
//
// Legend — the fields of a row, in the order row() takes them:
//   id        One scheme for all rows: the capitalised mnemonic, then the
//             operands or a qualifier, joined by '_' ('Add_Ev_Gv', 'Ud_0FAE_5_reg');
//             unique, checked when the table is built.
//   encoding  Space-separated: optional `p=66|F3|F2|none` (mandatory prefix),
//             the opcode bytes (`0F`, `0F 38`, `0F 3A` select the map), then
//             optional `+r` (the low 3 opcode bits name a register), `/n`
//             (ModRM.reg), `mod=mem|reg`, `rm=n` (ModRM.rm, with mod=reg), and
//             `mode=legacy` for a row of code outside 64-bit mode (32- and 16-bit
//             code) only: it replaces the 64-bit rows of its opcode there (C4/C5
//             are LES/LDS there, VEX in 64-bit mode).
//   mnemonic  As the SDM and objdump spell it ('(bad)' for undefined bytes).
//   operands  SDM letters, destination first, with access markers (operands.ts):
//             '+Ev,Gv' is ADD, 'Ev,Gv' is CMP, '=Gv,M' is LEA.
//   executor  What runs it (executors.ts), with options:
//     param     the executor's parameter (ALU operation, condition code, …)
//     test / set / undef   RFLAGS read / written / left undefined ('oszapc', 'd', 'A' = AC)
//     attrs     legality and decoding attributes (Attr below, by name:
//               'lock rep repcc d64 f64 i64 o64 modignored priv branch a16')
//     feature   the CPUID feature the instruction needs (features.ts)
//     absent    the row executed instead while that feature is not reported
//               (default: #UD)
//     exc       the exception class: which #UD/#NM checks of CR0/CR4 apply
//               before the instruction runs (ExceptionClass below)
//     pending   recognised but not implemented yet: emulation-failure
//     att       AT&T spelling details for the disassembler (AttSyntax)
// Rows are validated and frozen when the table is built (opcodes.ts); the
// decoder also checks that every row is reachable.
import { flagMask } from '../arch/rflags.js';
import { EXECUTORS, type ExecutorName } from './executors.js';
import { FEATURES, type FeatureName } from './features.js';
import { MODRM_KINDS, IMMEDIATE_KINDS, parseOperand, type OperandSpec } from './operands.js';

export type { OperandSpec, OperandKind, OperandSize, OperandAccess } from './operands.js';

export const enum Attr {
  Lock = 1,        // LOCK is legal (with a memory destination)
  Rep = 2,         // F3 is REP (string instructions)
  RepCc = 4,       // F3/F2 are REPE/REPNE (CMPS, SCAS)
  D64 = 8,         // default operand size 64 in 64-bit mode, 66 selects 16
  F64 = 0x10,      // operand size forced to 64 in 64-bit mode
  I64 = 0x20,      // invalid in 64-bit mode (#UD)
  O64 = 0x400,     // valid only in 64-bit mode (the only mode this core runs: recorded for the legacy modes to come)
  ModIgnored = 0x40, // ModRM.mod is ignored: rm is always a register (MOV CR/DR)
  Priv = 0x100,    // CPL 0 only (#GP(0) otherwise)
  Branch = 0x200,  // changes RIP (for traces and the block builder)
  A16 = 0x800,     // a 16-byte memory operand must be 16-byte aligned: #GP(0) otherwise (MOVAPS, MOVDQA, PADDB m128 …; SDM Vol. 1 §10.4.1.1)
}

/**
 * Exception classes: which state checks run before the instruction (SDM Vol.
 * 3A §2.5 Table 2-2 and each instruction's exception list; cpu/legality.ts):
 *   none   no check
 *   wait   #NM if CR0.MP and CR0.TS (FWAIT)
 *   x87    #NM if CR0.EM or CR0.TS
 *   mmx    #UD if CR0.EM; #NM if CR0.TS
 *   sse    #UD if CR0.EM or not CR4.OSFXSR; #NM if CR0.TS
 *   fxsr   #NM if CR0.EM or CR0.TS (FXSAVE, FXRSTOR)
 *   xsave  #UD if not CR4.OSXSAVE; #NM if CR0.TS (XSAVE, XRSTOR)
 *   osxsave  #UD if not CR4.OSXSAVE (XGETBV, XSETBV)
 *   sce    #UD if not EFER.SCE (SYSCALL, SYSRET); with the Intel model also outside 64-bit mode
 *   pke    #UD if not CR4.PKE (RDPKRU, WRPKRU)
 *   fsgsbase  #UD if not CR4.FSGSBASE (RDFSBASE, RDGSBASE, WRFSBASE, WRGSBASE)
 *   cpl0   #UD if CPL > 0 (CLAC, STAC)
 *   umip   #GP(0) if CR4.UMIP and CPL > 0 (SGDT SIDT SLDT SMSW STR)
 *   tsd    #GP(0) if CR4.TSD and CPL > 0 (RDTSC, RDTSCP)
 *   iopl   #GP(0) if CPL > IOPL (CLI, STI)
 * They run before the `priv` check (#GP(0) above CPL 0), as on hardware.
 */
export type ExceptionClass = 'none' | 'wait' | 'x87' | 'mmx' | 'sse' | 'fxsr' | 'xsave' | 'osxsave' | 'sce' | 'pke' | 'fsgsbase' | 'cpl0' | 'umip' | 'tsd' | 'iopl';

export type DecodePrefix = 'any' | 'none' | '66' | 'F3' | 'F2';

/**
 * What the AT&T disassembler (src/isa/disasm.ts, which follows GNU objdump)
 * needs beyond the mnemonic and operands. Every field is optional; the
 * defaults derive from the row (see disasm.ts).
 */
export interface AttSyntax {
  /**
   * The AT&T mnemonic when it differs from `mnemonic`: one name; or three names
   * 'w|l|q' chosen by operand size 16|32|64 (e.g. 'cbtw|cwtl|cltq'; when the 16
   * and 32 names are equal only REX.W selects); or eight names separated by '/'
   * chosen by ModRM.reg (0F 18: 'prefetchnta/…'). A '*' in a name stands for the
   * operand-size suffix w/l/q ('movzb*' prints movzbw/movzbl/movzbq). '(bad)': objdump rejects an
   * encoding the CPU runs (the reserved x87 aliases such as D9 D8+i).
   */
  readonly name?: string;
  /** The AT&T mnemonic with a 66 prefix, which it then uses (x87 environment forms: 'fnstenvs'). */
  readonly name16?: string;
  /** The AT&T mnemonic in 32- and 16-bit code when it differs ('sysret'; 'sgdt*' with the size suffix). */
  readonly legacy?: string;
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
  /** Print the implicit XMM0 as the first AT&T operand (PBLENDVB, BLENDVPS, BLENDVPD). */
  readonly xmm0?: boolean;
  /** objdump prints the MM operand as an XMM register when a 66 prefix is present (MOVQ2DQ, MOVDQ2Q; the CPU ignores the 66). */
  readonly xmmWith66?: boolean;
  /** CMPPS/PD/SS/SD: an imm8 of 0-7 prints as the predicate in the mnemonic (cmpltps), without the immediate. */
  readonly cmpPredicate?: boolean;
  /** PCLMULQDQ: an imm8 of 0x00, 0x01, 0x10 or 0x11 names the quadwords in the mnemonic (pclmullqhqdq), without the immediate. */
  readonly clmulPredicate?: boolean;
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
  /** A row of 32- and 16-bit code only (`mode=legacy`): its opcode's 64-bit rows do not apply there. */
  readonly legacyOnly: boolean;
  /** Opcode occupies 8 slots (+r): the low 3 bits name a register. */
  readonly plusR: boolean;
  readonly mnemonic: string;
  readonly operands: readonly OperandSpec[];
  readonly flagsTested: number;
  readonly flagsModified: number;
  readonly flagsUndefined: number;
  readonly attrs: number;
  readonly executor: ExecutorName;
  readonly param: number;
  readonly feature: FeatureName | undefined;
  /** Id of the row executed while `feature` is not reported (undefined: #UD). */
  readonly absent: string | undefined;
  readonly exceptionClass: ExceptionClass;
  /** Recognised but not implemented yet: running it is the emulation-failure outcome. */
  readonly pending: boolean;
  readonly att: AttSyntax;
  // Derived for the decoder.
  readonly hasModrm: boolean;
  readonly gByte: boolean;
  readonly eByte: boolean;
  readonly zByte: boolean;
  /** Has a segment, control or debug register operand (the decoder checks the register exists). */
  readonly namesSystemRegister: boolean;
  /** Immediate operands in encoding order. */
  readonly imms: readonly OperandSpec[];
}

/** The built table: its rows, and the two rows of encodings that name no instruction. */
export interface OpcodeTable {
  readonly rows: readonly OpcodeRow[];
  /** Decodes of bytes that name no instruction raise #UD. */
  readonly ud: OpcodeRow;
  /** An instruction longer than 15 bytes raises #GP(0) (SDM §2.3.11). */
  readonly tooLong: OpcodeRow;
}

const ATTR_NAMES: Readonly<Record<string, Attr>> = {
  lock: Attr.Lock, rep: Attr.Rep, repcc: Attr.RepCc, d64: Attr.D64, f64: Attr.F64, i64: Attr.I64, o64: Attr.O64,
  modignored: Attr.ModIgnored, priv: Attr.Priv, branch: Attr.Branch, a16: Attr.A16,
};
const EXCEPTION_CLASSES: readonly ExceptionClass[] = ['none', 'wait', 'x87', 'mmx', 'sse', 'fxsr', 'xsave', 'osxsave', 'sce', 'pke', 'fsgsbase', 'cpl0', 'umip', 'tsd', 'iopl'];
const ID_SCHEME = /^[A-Z][A-Za-z0-9]*(_[A-Za-z0-9]+)*$/;

export interface RowOptions {
  param?: number;
  test?: string;
  set?: string;
  undef?: string;
  attrs?: string;
  feature?: FeatureName;
  absent?: string;
  exc?: ExceptionClass;
  pending?: boolean;
  att?: AttSyntax;
}

/** Builds and validates one row (see the legend above). Throws on anything malformed. */
export function row(id: string, encoding: string, mnemonic: string, operands: string, executor: ExecutorName, opts: RowOptions = {}): OpcodeRow {
  const fail = (what: string): never => { throw new Error(`opcode table: row ${id}: ${what}`); };
  if (!ID_SCHEME.test(id)) fail(`the id does not follow the scheme Mnemonic_Operands`);
  let map = 0, opcode = -1, ext = -1, rm = -1, plusR = false, legacyOnly = false;
  let mod: OpcodeRow['mod'] = 'any';
  let prefix: DecodePrefix = 'any';
  const bytes: number[] = [];
  for (const tok of encoding.split(/\s+/)) {
    if (tok.startsWith('p=')) {
      const p = tok.slice(2);
      if (p !== 'none' && p !== '66' && p !== 'F3' && p !== 'F2') fail(`bad mandatory prefix '${tok}'`);
      prefix = p as DecodePrefix;
    } else if (/^\/[0-7]$/.test(tok)) ext = Number(tok.slice(1));
    else if (tok === '+r') plusR = true;
    else if (tok === 'mod=mem' || tok === 'mod=reg') mod = tok.slice(4) as 'mem' | 'reg';
    else if (/^rm=[0-7]$/.test(tok)) rm = Number(tok.slice(3));
    else if (tok === 'mode=legacy') legacyOnly = true;
    else if (/^[0-9A-F]{2}$/.test(tok)) bytes.push(parseInt(tok, 16));
    else fail(`bad encoding token '${tok}'`);
  }
  if (bytes[0] === 0x0f) {
    if (bytes[1] === 0x38) { map = 2; opcode = bytes[2] ?? -1; }
    else if (bytes[1] === 0x3a) { map = 3; opcode = bytes[2] ?? -1; }
    else { map = 1; opcode = bytes[1] ?? -1; }
  } else opcode = bytes[0] ?? -1;
  if (opcode < 0) fail('no opcode byte');
  if (bytes.length !== (map === 0 ? 1 : map === 1 ? 2 : 3)) fail('extra opcode bytes');
  if (plusR && (opcode & 7) !== 0) fail('+r needs an opcode whose low 3 bits are 0');
  if (rm >= 0 && mod !== 'reg') fail('rm= selects a register form: it needs mod=reg');
  const ops = operands ? operands.split(',').map((s) => parseOperand(s.trim())) : [];
  let attrs = 0;
  for (const a of (opts.attrs ?? '').split(/\s+/).filter(Boolean)) {
    const bit = ATTR_NAMES[a];
    if (bit === undefined) fail(`unknown attribute '${a}'`);
    attrs |= bit!;
  }
  if (ops.some((o) => o.kind === 'M') && mod === 'any') mod = 'mem';
  if (mod === 'reg' && ops.some((o) => o.kind === 'M')) fail('an M operand needs a memory form, not mod=reg');
  const hasModrm = ext >= 0 || ops.some((o) => MODRM_KINDS.has(o.kind));
  if ((mod !== 'any' || rm >= 0) && !hasModrm) fail('mod=/rm= without a ModRM byte');
  if (plusR && hasModrm) fail('+r and a ModRM byte');
  if ((attrs & Attr.A16) && !ops.some((o) => o.kind === 'W' && o.size === 'dq')) fail('a16 needs a 16-byte W operand');
  if ((attrs & Attr.Lock) && !ops.some((o) => (o.kind === 'E' || o.kind === 'M') && o.access !== 'r')) fail('lock needs a written memory operand');
  if (!(executor in EXECUTORS)) fail(`unknown executor '${executor}'`);
  if (opts.feature !== undefined && !(opts.feature in FEATURES)) fail(`unknown feature '${opts.feature}'`);
  if (opts.absent !== undefined && opts.feature === undefined) fail('absent without a feature');
  const exc = opts.exc ?? 'none';
  if (!EXCEPTION_CLASSES.includes(exc)) fail(`unknown exception class '${exc}'`);
  const pending = opts.pending ?? false;
  if (pending !== (executor === 'pending')) fail('pending rows (and only they) use the pending executor');
  const find = (k: string) => ops.find((o) => o.kind === k);
  const r: OpcodeRow = {
    id, map, opcode, ext, mod, rm, prefix, legacyOnly, plusR, mnemonic, operands: ops,
    flagsTested: flagMask(opts.test ?? ''), flagsModified: flagMask(opts.set ?? ''), flagsUndefined: flagMask(opts.undef ?? ''),
    attrs, executor, param: opts.param ?? 0, feature: opts.feature, absent: opts.absent, exceptionClass: exc, pending,
    att: opts.att ?? {}, hasModrm,
    gByte: find('G')?.size === 'b', eByte: find('E')?.size === 'b', zByte: find('Z')?.size === 'b',
    namesSystemRegister: ops.some((o) => o.kind === 'S' || o.kind === 'C' || o.kind === 'D'),
    imms: ops.filter((o) => IMMEDIATE_KINDS.has(o.kind)),
  };
  if ((r.flagsUndefined & ~r.flagsModified) !== 0) fail('undefined flags must also be listed as set');
  return r;
}

/** Freezes a row deeply (rows are shared by every reader). */
export function freezeRow(r: OpcodeRow): OpcodeRow {
  for (const o of r.operands) Object.freeze(o);
  Object.freeze(r.operands);
  Object.freeze(r.imms);
  Object.freeze(r.att);
  return Object.freeze(r);
}

/** Validates the relations between rows (unique ids, `absent` targets); returns the rows frozen. */
export function buildTable(rows: readonly OpcodeRow[]): readonly OpcodeRow[] {
  const byId = new Map<string, OpcodeRow>();
  for (const r of rows) {
    if (byId.has(r.id)) throw new Error(`opcode table: duplicate row id ${r.id}`);
    byId.set(r.id, r);
  }
  for (const r of rows) {
    if (r.absent === undefined) continue;
    const t = byId.get(r.absent);
    if (!t) throw new Error(`opcode table: row ${r.id}: absent row ${r.absent} does not exist`);
    if (t.operands.map((o) => o.text).join() !== r.operands.map((o) => o.text).join()) {
      throw new Error(`opcode table: row ${r.id}: absent row ${r.absent} has other operands`);
    }
  }
  return Object.freeze(rows.map(freezeRow));
}
