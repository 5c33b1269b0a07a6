// Instruction decoder for 64-bit mode and 32-bit compatibility-mode code (SDM Vol. 2 ch. 2). Builds its lookup
// structures from the opcode table, an opcode's on its first decode (buildDecodeTable
// builds them all and checks that every row is reachable: the table's tests and the
// build run it), then turns bytes into an Insn record. Legality that depends only on the
// bytes is decided here (Insn.invalid); the rest is the pre-execute step's.
import { SEG_CS, SEG_ES, SEG_SS, SEG_DS, SEG_FS, SEG_GS } from '../arch/registers.js';
import {
  Insn, PFX_LOCK, PFX_REP, PFX_REPNE, PFX_OPSIZE, PFX_ADDRSIZE, PFX_REX, BASE_RIP,
  LOC_NONE, LOC_REG, LOC_MEM, LOC_IMM, LOC_IMM2, LOC_MOFFS, LOC_ONE, LOC_SEG, LOC_XMM, LOC_MMX, LOC_ST,
} from './insn.js';
import { operandBytes } from './operands.js';
import { Attr, type OpcodeRow, type OperandSpec } from './table.js';
import { OPCODE_STORE, ROW_UD, ROW_TOO_LONG } from './opcodes.js';
import { columnsOf, FACT_LEGACY_ONLY, FACT_PLUS_R, type KeyLists, type RowColumns } from './row-store.js';

/** One opcode slot: either a single row, or 512 sub-slots by prefix × ModRM.reg × mod × rm. */
export interface DecodeEntry {
  single: OpcodeRow | undefined;
  slots: (OpcodeRow | undefined)[] | undefined;
  hasModrm: boolean;
}

const PREFIX_SLOT = { none: 0, '66': 1, F3: 2, F2: 3 } as const;

function slotIndex(prefix: number, reg: number, isReg: number, rm: number): number {
  return (prefix << 7) | (reg << 4) | (isReg << 3) | rm;
}

function specificity(r: OpcodeRow): number {
  return (r.prefix !== 'any' ? 1 : 0) + (r.ext >= 0 ? 1 : 0) + (r.mod !== 'any' ? 1 : 0) + (r.rm >= 0 ? 1 : 0);
}

const NO_ENTRY: DecodeEntry = Object.freeze({ single: undefined, slots: undefined, hasModrm: false });

/** The entry of one opcode (map and opcode byte) from the rows that share it; records the rows some encoding reaches in `placed`. */
function entryOf(list: readonly OpcodeRow[] | undefined, placed?: Set<OpcodeRow>): DecodeEntry {
  if (!list) return NO_ENTRY;
  const first = list[0]!;
  const hasModrm = first.hasModrm;
  for (const r of list) {
    if (r.hasModrm !== hasModrm) throw new Error(`opcode table: rows ${first.id} and ${r.id} disagree on the ModRM byte`);
  }
  if (list.length === 1 && specificity(first) === 0) {
    placed?.add(first);
    return { single: first, slots: undefined, hasModrm };
  }
  const slots: (OpcodeRow | undefined)[] = new Array<OpcodeRow | undefined>(512).fill(undefined);
  // Less specific rows first, so specific ones override; an exact opcode row beats a
  // +r row that merely spans it (90+r XCHG: 90 itself is NOP).
  const ordered = [...list].sort((a, b) => specificity(a) - specificity(b) || Number(b.plusR) - Number(a.plusR));
  for (const r of ordered) {
    // The slots a row covers: one prefix or all four, one ModRM.reg or all, memory and/or register forms,
    // one ModRM.rm (register form only) or all.
    const pLo = r.prefix === 'any' ? 0 : PREFIX_SLOT[r.prefix], pHi = r.prefix === 'any' ? 3 : pLo;
    const gLo = r.ext >= 0 ? r.ext : 0, gHi = r.ext >= 0 ? r.ext : 7;
    const mLo = r.mod === 'reg' || r.rm >= 0 ? 1 : 0, mHi = r.mod === 'mem' ? 0 : 1;
    const rLo = r.rm >= 0 ? r.rm : 0, rHi = r.rm >= 0 ? r.rm : 7;
    for (let p = pLo; p <= pHi; p++) {
      for (let reg = gLo; reg <= gHi; reg++) {
        for (let isReg = mLo; isReg <= mHi; isReg++) {
          for (let rm = rLo; rm <= rHi; rm++) slots[slotIndex(p, reg, isReg, rm)] = r;
        }
      }
    }
  }
  if (placed) for (const r of slots) if (r) placed.add(r);
  return { single: undefined, slots, hasModrm };
}

/**
 * The positions in the table of each opcode key's rows (key: map * 256 + opcode)
 * for 64-bit mode and for 32- and 16-bit code (where the `mode=legacy` rows
 * replace their opcode's other rows), from the rows' columns.
 */
export function rowsByKey(c: Pick<RowColumns, 'key' | 'facts'>): KeyLists {
  // Indexed loops: this runs at every start, cold (a for-of allocates per element in V8's bytecode interpreter).
  const n = c.key.length, legacyKey = new Uint8Array(4 * 256);
  for (let k = 0; k < n; k++) if (c.facts[k]! & FACT_LEGACY_ONLY) legacyKey[c.key[k]!] = 1;
  const lists64 = new Array<number[] | undefined>(4 * 256).fill(undefined);
  const listsLegacy = lists64.slice();
  for (let k = 0; k < n; k++) {
    const facts = c.facts[k]!, base = c.key[k]!, end = facts & FACT_PLUS_R ? base + 8 : base + 1;
    const in64 = (facts & FACT_LEGACY_ONLY) === 0, inLegacy = !in64 || legacyKey[base] === 0;
    for (let key = base; key < end; key++) {
      if (in64) { const l = lists64[key]; if (l) l.push(k); else lists64[key] = [k]; }
      if (inLegacy) { const l = listsLegacy[key]; if (l) l.push(k); else listsLegacy[key] = [k]; }
    }
  }
  return [lists64, listsLegacy];
}

/**
 * Builds the decoder's lookups for every opcode, for 64-bit mode and for 32- and
 * 16-bit code; throws if a row is unreachable in both or rows disagree on ModRM.
 * The decoder builds each opcode's entry on first use (start time); the
 * table's tests and scripts/build.mjs run this check on the whole table.
 */
export function buildDecodeTable(rows: readonly OpcodeRow[]): readonly [DecodeEntry[], DecodeEntry[]] {
  const placed = new Set<OpcodeRow>();
  const [lists64, listsLegacy] = rowsByKey(columnsOf(rows));
  const entries64 = lists64.map((list) => entryOf(list?.map((k) => rows[k]!), placed));
  const entriesLegacy = listsLegacy.map((list) => entryOf(list?.map((k) => rows[k]!), placed));
  // A row no encoding reaches is a table bug (a wrong p=/mod=/rm= selector or a shadowed row).
  for (const r of rows) if (!placed.has(r)) throw new Error(`opcode table: row ${r.id} is unreachable (every encoding of it decodes to another row)`);
  return [entries64, entriesLegacy];
}

// The entries of the table's opcodes, built on first use, with the rows they hold (listed
// at build time in the bundles' snapshot, scripts/build.mjs).
const [LISTS64, LISTS_LEGACY] = OPCODE_STORE.keyLists ?? rowsByKey(OPCODE_STORE.columns);
const ENTRIES64: (DecodeEntry | undefined)[] = new Array<DecodeEntry | undefined>(4 * 256).fill(undefined);
const ENTRIES_LEGACY: (DecodeEntry | undefined)[] = ENTRIES64.slice();
const rowsAt = (list: number[] | null | undefined) => list?.map((k) => OPCODE_STORE.row(k));
function entryAt(legacy: boolean, key: number): DecodeEntry {
  return legacy ? (ENTRIES_LEGACY[key] = entryOf(rowsAt(LISTS_LEGACY[key]))) : (ENTRIES64[key] = entryOf(rowsAt(LISTS64[key])));
}
/** The decoder's entry for an opcode key (map * 256 + opcode byte), built on first use (for tests). */
export function decodeEntry(legacy: boolean, key: number): DecodeEntry {
  return (legacy ? ENTRIES_LEGACY : ENTRIES64)[key] ?? entryAt(legacy, key);
}
/** The row `id` among those of opcode `key` (the decoder's special cases below). */
function rowAtKey(key: number, id: string): OpcodeRow {
  for (const list of [LISTS64[key], LISTS_LEGACY[key]]) for (const k of list ?? []) if (OPCODE_STORE.columns.id[k] === id) return OPCODE_STORE.row(k);
  throw new Error(`opcode table: no row ${id} at opcode ${key.toString(16)}`);
}
// Opcode 90 is NOP only without REX.B and 66: 41 90 is XCHG r8d,eax (it zero-extends
// both), 66 90 is XCHG ax,ax (SDM Vol. 2 XCHG/NOP). The table has no REX.B selector.
const ROW_NOP_90 = rowAtKey(0x90, 'Nop_90');
const ROW_XCHG_RAX = rowAtKey(0x90, 'Xchg_Zv_rAX');
// 32-bit code: 40+r is INC r16/r32 and 48+r DEC (SDM Vol. 2 INC/DEC, "N.E." in 64-bit
// mode where they are REX). They are the register forms of FF /0 and FF /1.
const ROW_INC_EV = rowAtKey(0xff, 'Inc_Ev');
const ROW_DEC_EV = rowAtKey(0xff, 'Dec_Ev');
// EA / 9A: JMP / CALL ptr16:16 or ptr16:32 outside 64-bit mode (an offset of the operand size, then a selector).
const ROW_JMP_PTR = rowAtKey(0xea, 'Invalid_EA');
const ROW_CALL_PTR = rowAtKey(0x9a, 'Invalid_9A');
/** ModRM16 (SDM Vol. 2 Table 2-1): base and index of rm 0..7 (BX=3, BP=5, SI=6, DI=7; -1 none). */
const MODRM16_BASE = [3, 3, 5, 5, 6, 7, 5, 3];
const MODRM16_INDEX = [6, 7, 6, 7, -1, -1, -1, -1];

/**
 * Decode modes: 64-bit mode, or code in compatibility mode (CS.L = 0): 32-bit
 * code (CS.D = 1) or 16-bit code (CS.D = 0), whose default operand and address
 * sizes are 16 (66 and 67 select 32).
 */
export const MODE64 = 0, MODE32 = 1, MODE16 = 2;

function immSize(spec: OperandSpec, opSize: number, addrSize: number): number {
  if (spec.kind === 'O') return addrSize;
  const n = spec.size === 'bs' ? 1 : spec.size === 'v' ? opSize : operandBytes(spec.size, opSize);
  if (n === 0) throw new Error(`bad immediate size ${spec.text}`);
  return n;
}

/** Register numbers that exist for the C (control) and D (debug) operand kinds (SDM MOV CR/DR: others #UD). */
const VALID_CR = new Set([0, 2, 3, 4, 8]);

/** Whether the decoded operands name registers that do not exist (C, D, S kinds), or write CS. */
function invalidRegisterOperand(row: OpcodeRow, insn: Insn): boolean {
  for (const o of row.operands) {
    if (o.kind === 'C' && !VALID_CR.has(insn.reg)) return true;
    if (o.kind === 'D' && insn.reg > 7) return true;
    if (o.kind === 'S' && ((insn.reg & 7) > 5 || (o.access === 'w' && (insn.reg & 7) === SEG_CS))) return true;
  }
  return false;
}

/**
 * Decodes one instruction from `buf` at `pos`, with `avail` bytes readable.
 * Returns the Insn, or null when the instruction runs past `avail` bytes (the
 * caller fetches more and retries). Undefined encodings decode to ROW_UD; an
 * instruction longer than 15 bytes to ROW_TOO_LONG.
 */
export function decode(buf: Uint8Array, pos: number, avail: number, mode = MODE64): Insn | null {
  const limit = Math.min(avail, 15);
  // `legacy`: code outside 64-bit mode (32- or 16-bit); `mode16` flips the default sizes.
  const legacy = mode !== MODE64, mode16 = mode === MODE16;
  let p = 0;
  let prefixes = 0, seg = -1, rex = 0, lastRepPrefix = 0;
  // Legacy prefixes and REX (SDM §2.1.1, §2.2.1: a REX not immediately before the opcode is ignored).
  for (;;) {
    if (p >= limit) return avail >= 15 ? tooLong() : null;
    const b = buf[pos + p]!;
    if ((b & 0xf0) === 0x40 && !legacy) { rex = b; p++; continue; }
    let isPrefix = true;
    switch (b) {
      case 0xf0: prefixes |= PFX_LOCK; break;
      // The last of F2/F3 decides (REPNE vs REP/REPE, and the mandatory prefix).
      case 0xf2: prefixes = (prefixes & ~PFX_REP) | PFX_REPNE; lastRepPrefix = 0xf2; break;
      case 0xf3: prefixes = (prefixes & ~PFX_REPNE) | PFX_REP; lastRepPrefix = 0xf3; break;
      case 0x66: prefixes |= PFX_OPSIZE; break;
      case 0x67: prefixes |= PFX_ADDRSIZE; break;
      // ES/CS/SS/DS overrides are no-ops in 64-bit mode (APM Vol. 1 §4.5.3); 32-bit code uses them.
      case 0x26: if (legacy) seg = SEG_ES; break;
      case 0x2e: if (legacy) seg = SEG_CS; break;
      case 0x36: if (legacy) seg = SEG_SS; break;
      case 0x3e: if (legacy) seg = SEG_DS; break;
      case 0x64: seg = SEG_FS; break;
      case 0x65: seg = SEG_GS; break;
      default: isPrefix = false;
    }
    if (!isPrefix) break;
    rex = 0;
    p++;
  }
  if (rex) prefixes |= PFX_REX;
  // Opcode maps.
  let map = 0;
  let op = buf[pos + p]!;
  p++;
  if (op === 0x0f) {
    if (p >= limit) return avail >= 15 ? tooLong() : null;
    op = buf[pos + p++]!;
    map = 1;
    if (op === 0x38 || op === 0x3a) {
      if (p >= limit) return avail >= 15 ? tooLong() : null;
      map = op === 0x38 ? 2 : 3;
      op = buf[pos + p++]!;
    }
  }
  // 82 is an alias of 80 outside 64-bit mode (SDM Vol. 2 Appendix A, Table A-2 "1A, i64").
  const key = map * 256 + (legacy && map === 0 && op === 0x82 ? 0x80 : op);
  const entry = (legacy ? ENTRIES_LEGACY : ENTRIES64)[key] ?? entryAt(legacy, key);
  let modrm = -1;
  if (entry.hasModrm) {
    if (p >= limit) return avail >= 15 ? tooLong() : null;
    modrm = buf[pos + p++]!;
  }
  let row = entry.single;
  if (legacy && map === 0 && (op & 0xf0) === 0x40) row = op < 0x48 ? ROW_INC_EV : ROW_DEC_EV;
  else if (!row && entry.slots) {
    const pfx = lastRepPrefix === 0xf3 ? 2 : lastRepPrefix === 0xf2 ? 3 : (prefixes & PFX_OPSIZE) ? 1 : 0;
    const m = modrm < 0 ? 0 : modrm;
    row = entry.slots[slotIndex(pfx, (m >> 3) & 7, (m >> 6) === 3 ? 1 : 0, m & 7)];
    // A mandatory-prefix row that does not exist falls back to the unprefixed one (e.g. F2 on BSF).
    if (!row && pfx !== 0) row = entry.slots[slotIndex(0, (m >> 3) & 7, (m >> 6) === 3 ? 1 : 0, m & 7)];
  }
  if (!row) row = ROW_UD;
  else if (row === ROW_NOP_90 && ((rex & 1) || (prefixes & PFX_OPSIZE))) row = ROW_XCHG_RAX;
  const attrs = row.attrs;

  const insn = new Insn(row);
  insn.prefixes = prefixes;
  insn.rex = rex;
  insn.modrm = modrm;
  insn.param = row.param;
  // Operand and address size (SDM §2.2.1.2, Table 2-4).
  const w = (rex & 8) !== 0;
  // 32-bit code: default sizes 32 (d64/f64 too), 66 and 67 select 16 (SDM §2.2.1.2 is 64-bit only);
  // 16-bit code the other way round (SDM Vol. 1 §3.6, Table 3-4).
  if (legacy) insn.opSize = ((prefixes & PFX_OPSIZE) !== 0 && row.prefix !== '66') !== mode16 ? 2 : 4;
  else if (attrs & Attr.F64) insn.opSize = 8;
  else if (attrs & Attr.D64) insn.opSize = w ? 8 : (prefixes & PFX_OPSIZE) ? 2 : 8;
  // A 66 that selects the row (mandatory prefix) does not change the operand size (SDM §2.1.2).
  else insn.opSize = w ? 8 : (prefixes & PFX_OPSIZE) && row.prefix !== '66' ? 2 : 4;
  if (legacy) insn.addrSize = ((prefixes & PFX_ADDRSIZE) !== 0) !== mode16 ? 2 : 4;
  else insn.addrSize = (prefixes & PFX_ADDRSIZE) ? 4 : 8;
  insn.seg = seg;
  insn.compat = legacy;
  insn.code16 = mode16;

  if (modrm >= 0) {
    const mod = modrm >> 6;
    insn.reg = ((modrm >> 3) & 7) | ((rex & 4) << 1);
    if (row.gByte && !rex && insn.reg >= 4 && insn.reg < 8) insn.reg += 12;
    if (mod === 3 || (attrs & Attr.ModIgnored)) {
      insn.rm = (modrm & 7) | ((rex & 1) << 3);
      if (row.eByte && !rex && insn.rm >= 4 && insn.rm < 8) insn.rm += 12;
    } else if (insn.addrSize === 2) {
      // ModRM16 (SDM Vol. 2 Table 2-1): [BX+SI] … [BX], disp16 alone at mod 0 rm 6.
      insn.isMem = true;
      const rmBits = modrm & 7;
      const direct = mod === 0 && rmBits === 6;
      insn.base = direct ? -1 : MODRM16_BASE[rmBits]!;
      insn.index = direct ? -1 : MODRM16_INDEX[rmBits]!;
      const dispBytes = mod === 1 ? 1 : mod === 2 || direct ? 2 : 0;
      if (p + dispBytes > limit) return avail >= 15 ? tooLong() : null;
      if (dispBytes === 1) insn.disp = (buf[pos + p]! << 24) >> 24;
      else if (dispBytes === 2) insn.disp = ((buf[pos + p]! | (buf[pos + p + 1]! << 8)) << 16) >> 16;
      p += dispBytes;
    } else {
      insn.isMem = true;
      let rmBits = modrm & 7;
      if (rmBits === 4) {
        if (p >= limit) return avail >= 15 ? tooLong() : null;
        const sib = buf[pos + p++]!;
        insn.sib = sib;
        insn.scale = sib >> 6;
        const idx = ((sib >> 3) & 7) | ((rex & 2) << 2);
        insn.index = idx === 4 ? -1 : idx;
        rmBits = sib & 7;
        if (rmBits === 5 && mod === 0) insn.base = -1;
        else insn.base = rmBits | ((rex & 1) << 3);
      } else if (rmBits === 5 && mod === 0) {
        insn.base = legacy ? -1 : BASE_RIP; // disp32 alone in 32-bit code
      } else {
        insn.base = rmBits | ((rex & 1) << 3);
      }
      const dispBytes = mod === 1 ? 1 : mod === 2 || (mod === 0 && rmBits === 5) ? 4 : 0;
      if (p + dispBytes > limit) return avail >= 15 ? tooLong() : null;
      if (dispBytes === 1) insn.disp = (buf[pos + p]! << 24) >> 24;
      else if (dispBytes === 4) insn.disp = buf[pos + p]! | (buf[pos + p + 1]! << 8) | (buf[pos + p + 2]! << 16) | (buf[pos + p + 3]! << 24);
      p += dispBytes;
    }
  } else if (modrm < 0 && (row === ROW_INC_EV || row === ROW_DEC_EV)) {
    insn.rm = op & 7; // 40+r / 48+r in 32-bit code
  } else if (row.plusR) {
    insn.rm = (op & 7) | ((rex & 1) << 3);
    if (row.zByte && !rex && insn.rm >= 4 && insn.rm < 8) insn.rm += 12;
  }
  // Immediates.
  const imms = row.imms;
  for (let k = 0; k < imms.length; k++) {
    const spec = imms[k]!;
    const n = immSize(spec, insn.opSize, insn.addrSize);
    if (p + n > limit) return avail >= 15 ? tooLong() : null;
    let lo = 0, hi = 0;
    if (n === 1) { lo = buf[pos + p]!; if (spec.size === 'bs' || spec.kind === 'J') lo = (lo << 24) >> 24; }
    else if (n === 2) { lo = buf[pos + p]! | (buf[pos + p + 1]! << 8); if (spec.kind === 'J') lo = (lo << 16) >> 16; }
    else {
      lo = buf[pos + p]! | (buf[pos + p + 1]! << 8) | (buf[pos + p + 2]! << 16) | (buf[pos + p + 3]! << 24);
      if (n === 8) hi = buf[pos + p + 4]! | (buf[pos + p + 5]! << 8) | (buf[pos + p + 6]! << 16) | (buf[pos + p + 7]! << 24);
      else hi = lo >> 31; // imm32 sign-extends to 64 bits
    }
    if (n === 1 && spec.size === 'bs') hi = lo >> 31;
    p += n;
    if (k === 0) { insn.imm = lo; insn.immHi = hi; } else insn.imm2 = lo;
  }
  if (legacy && (row === ROW_JMP_PTR || row === ROW_CALL_PTR)) {
    // ptr16:32 / ptr16:16: the offset in imm, the selector in imm2 (the rows have no operands in 64-bit mode).
    const n = insn.opSize;
    if (p + n + 2 > limit) return avail >= 15 ? tooLong() : null;
    insn.imm = n === 4 ? buf[pos + p]! | (buf[pos + p + 1]! << 8) | (buf[pos + p + 2]! << 16) | (buf[pos + p + 3]! << 24) : buf[pos + p]! | (buf[pos + p + 1]! << 8);
    insn.imm2 = buf[pos + p + n]! | (buf[pos + p + n + 1]! << 8);
    p += n + 2;
  }
  insn.len = p;
  resolveOperands(row, insn);
  // Legality decided by the bytes alone (the pre-execute step does the rest).
  // In 32-bit code the i64 rows are valid (their compatibility-mode binding decides) and
  // the o64 rows #UD, except 63 (MOVSXD in 64-bit mode, ARPL in 32-bit code).
  insn.invalid = (legacy ? (attrs & Attr.O64) !== 0 && !(map === 0 && op === 0x63) : (attrs & Attr.I64) !== 0) ||
    ((prefixes & PFX_LOCK) !== 0 && (!(attrs & Attr.Lock) || !insn.isMem)) ||
    (row.namesSystemRegister && invalidRegisterOperand(row, insn));
  return insn;
}

/** Resolves where operands 0..2 live (Insn.loc/reg/size) and how the memory operand is used. */
function resolveOperands(row: OpcodeRow, insn: Insn): void {
  const ops = row.operands;
  for (let k = 0; k < ops.length && k < 3; k++) {
    const o = ops[k]!;
    const size = operandBytes(o.size, insn.opSize);
    let loc = LOC_NONE, reg = 0;
    switch (o.kind) {
      case 'E': case 'M':
        if (insn.isMem) {
          loc = LOC_MEM;
          insn.memAccess = o.access === 'r' ? 1 : o.access === 'w' ? 2 : 3;
          insn.memSize = size;
        } else { loc = LOC_REG; reg = insn.rm; }
        break;
      case 'G': loc = LOC_REG; reg = insn.reg; break;
      case 'Z': case 'R': loc = LOC_REG; reg = insn.rm; break;
      case 'fixed': loc = LOC_REG; reg = o.reg; break;
      case 'I': case 'J': loc = o === row.imms[0] ? LOC_IMM : LOC_IMM2; break;
      case 'O': loc = LOC_MOFFS; break;
      case 'one': loc = LOC_ONE; break;
      case 'S': loc = LOC_SEG; reg = insn.reg & 7; break;
      // Vector and x87 operands: register numbers without the byte-register remap.
      case 'V': loc = LOC_XMM; reg = ((insn.modrm >> 3) & 7) | ((insn.rex & 4) << 1); break;
      case 'W': if (insn.isMem) { loc = LOC_MEM; insn.memAccess = o.access === 'r' ? 1 : o.access === 'w' ? 2 : 3; insn.memSize = size; } else { loc = LOC_XMM; reg = (insn.modrm & 7) | ((insn.rex & 1) << 3); } break;
      case 'U': loc = LOC_XMM; reg = (insn.modrm & 7) | ((insn.rex & 1) << 3); break;
      case 'P': loc = LOC_MMX; reg = (insn.modrm >> 3) & 7; break;
      case 'Q': if (insn.isMem) { loc = LOC_MEM; insn.memAccess = o.access === 'r' ? 1 : o.access === 'w' ? 2 : 3; } else { loc = LOC_MMX; reg = insn.modrm & 7; } break;
      case 'N': loc = LOC_MMX; reg = insn.modrm & 7; break;
      case 'ST': loc = LOC_ST; reg = o.reg >= 0 ? o.reg : insn.modrm & 7; break;
      default: break; // C, D, X, Y and H (VEX.vvvv, with the VEX decoder) are the executors' own
    }
    if (k === 0) { insn.loc0 = loc; insn.reg0 = reg; insn.size0 = size; }
    else if (k === 1) { insn.loc1 = loc; insn.reg1 = reg; insn.size1 = size; }
    else { insn.loc2 = loc; insn.reg2 = reg; insn.size2 = size; }
  }
}

function tooLong(): Insn {
  const insn = new Insn(ROW_TOO_LONG);
  insn.len = 15;
  return insn;
}
