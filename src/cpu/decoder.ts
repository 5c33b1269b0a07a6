// 64-bit mode instruction decoder (SDM Vol. 2 ch. 2). Builds its lookup
// structures from the opcode table, then turns bytes into an Insn record.
import { Insn, PFX_LOCK, PFX_REP, PFX_REPNE, PFX_OPSIZE, PFX_ADDRSIZE, PFX_REX, BASE_RIP, SEG_FS, SEG_GS } from './insn.js';
import { Attr, type OpcodeRow, type OperandSpec } from './table.js';
import { OPCODE_ROWS, ROW_UD, ROW_TOO_LONG } from './opcodes.js';

/** One opcode slot: either a single row, or 512 sub-slots by prefix × ModRM.reg × mod × rm. */
interface DecodeEntry {
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

function buildMaps(rows: readonly OpcodeRow[]): DecodeEntry[] {
  const byKey = new Map<number, OpcodeRow[]>();
  for (const r of rows) {
    const count = r.plusR ? 8 : 1;
    for (let k = 0; k < count; k++) {
      const key = r.map * 256 + r.opcode + k;
      let list = byKey.get(key);
      if (!list) byKey.set(key, (list = []));
      list.push(r);
    }
  }
  const entries: DecodeEntry[] = [];
  for (let key = 0; key < 4 * 256; key++) {
    const list = byKey.get(key);
    if (!list) { entries.push({ single: undefined, slots: undefined, hasModrm: false }); continue; }
    const hasModrm = list[0]!.hasModrm;
    for (const r of list) {
      if (r.hasModrm !== hasModrm) throw new Error(`rows at opcode key ${key.toString(16)} disagree on ModRM (${r.id})`);
    }
    if (list.length === 1 && specificity(list[0]!) === 0) { entries.push({ single: list[0], slots: undefined, hasModrm }); continue; }
    const slots: (OpcodeRow | undefined)[] = new Array(512).fill(undefined);
    // Less specific rows first, so specific ones override; an exact opcode row beats a
    // +r row that merely spans it (91+r XCHG ends at 97; 98 is CBW).
    const ordered = [...list].sort((a, b) => specificity(a) - specificity(b) || Number(b.plusR) - Number(a.plusR));
    for (const r of ordered) {
      for (let p = 0; p < 4; p++) {
        if (r.prefix !== 'any' && PREFIX_SLOT[r.prefix] !== p) continue;
        for (let reg = 0; reg < 8; reg++) {
          if (r.ext >= 0 && r.ext !== reg) continue;
          for (let isReg = 0; isReg < 2; isReg++) {
            if ((r.mod === 'mem' && isReg) || (r.mod === 'reg' && !isReg)) continue;
            for (let rm = 0; rm < 8; rm++) {
              if (r.rm >= 0 && (r.rm !== rm || !isReg)) continue;
              slots[slotIndex(p, reg, isReg, rm)] = r;
            }
          }
        }
      }
    }
    entries.push({ single: undefined, slots, hasModrm });
  }
  return entries;
}

const ENTRIES = buildMaps(OPCODE_ROWS);
// Opcode 90 is NOP only without REX.B and 66: 41 90 is XCHG r8d,eax (it zero-extends
// both), 66 90 is XCHG ax,ax (SDM Vol. 2 XCHG/NOP). The table has no REX.B selector.
const ROW_NOP_90 = OPCODE_ROWS.find((r) => r.id === 'Nop_90');
const ROW_XCHG_RAX = OPCODE_ROWS.find((r) => r.id === 'Xchg_Zv_rAX');

function immSize(spec: OperandSpec, opSize: number, addrSize: number): number {
  switch (spec.kind === 'O' ? 'O' : spec.size) {
    case 'O': return addrSize;
    case 'b': case 'bs': return 1;
    case 'w': return 2;
    case 'd': return 4;
    case 'q': return 8;
    case 'z': return opSize === 2 ? 2 : 4;
    case 'v': return opSize;
    default: throw new Error(`bad immediate size ${spec.text}`);
  }
}

/**
 * Decodes one instruction from `buf` at `pos`, with `avail` bytes readable.
 * Returns the Insn, or null when the instruction runs past `avail` bytes (the
 * caller fetches more and retries). `specialise` lets a row pick a
 * form-specific handler (off on the reference path). Undefined encodings decode to a row whose
 * handler raises #UD; an instruction longer than 15 bytes to one raising #GP(0).
 */
export function decode(buf: Uint8Array, pos: number, avail: number, specialise = true): Insn | null {
  const limit = Math.min(avail, 15);
  let p = 0;
  let prefixes = 0, seg = -1, rex = 0, lastRepPrefix = 0;
  // Legacy prefixes and REX (SDM §2.1.1, §2.2.1: a REX not immediately before the opcode is ignored).
  for (;;) {
    if (p >= limit) return avail >= 15 ? tooLong() : null;
    const b = buf[pos + p]!;
    if ((b & 0xf0) === 0x40) { rex = b; p++; continue; }
    let isPrefix = true;
    switch (b) {
      case 0xf0: prefixes |= PFX_LOCK; break;
      // The last of F2/F3 decides (REPNE vs REP/REPE, and the mandatory prefix).
      case 0xf2: prefixes = (prefixes & ~PFX_REP) | PFX_REPNE; lastRepPrefix = 0xf2; break;
      case 0xf3: prefixes = (prefixes & ~PFX_REPNE) | PFX_REP; lastRepPrefix = 0xf3; break;
      case 0x66: prefixes |= PFX_OPSIZE; break;
      case 0x67: prefixes |= PFX_ADDRSIZE; break;
      case 0x26: case 0x2e: case 0x36: case 0x3e: break; // ES/CS/SS/DS overrides are no-ops in 64-bit mode (APM Vol. 1 §4.5.3)
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
  const entry = ENTRIES[map * 256 + op]!;
  let modrm = -1;
  if (entry.hasModrm) {
    if (p >= limit) return avail >= 15 ? tooLong() : null;
    modrm = buf[pos + p++]!;
  }
  let row = entry.single;
  if (!row) {
    if (entry.slots) {
      const pfx = lastRepPrefix === 0xf3 ? 2 : lastRepPrefix === 0xf2 ? 3 : (prefixes & PFX_OPSIZE) ? 1 : 0;
      const m = modrm < 0 ? 0 : modrm;
      row = entry.slots[slotIndex(pfx, (m >> 3) & 7, (m >> 6) === 3 ? 1 : 0, m & 7)];
      // A mandatory-prefix row that does not exist falls back to the unprefixed one (e.g. F2 on BSF).
      if (!row && pfx !== 0) row = entry.slots[slotIndex(0, (m >> 3) & 7, (m >> 6) === 3 ? 1 : 0, m & 7)];
    }
  }
  if (!row) row = ROW_UD;
  else if (row === ROW_NOP_90 && ((rex & 1) || (prefixes & PFX_OPSIZE)) && ROW_XCHG_RAX) row = ROW_XCHG_RAX;
  const attrs = row.attrs;

  const insn = new Insn(row, row.exec);
  insn.prefixes = prefixes;
  insn.rex = rex;
  insn.modrm = modrm;
  // Operand and address size (SDM §2.2.1.2, Table 2-4).
  const w = (rex & 8) !== 0;
  if (attrs & Attr.F64) insn.opSize = 8;
  else if (attrs & Attr.D64) insn.opSize = w ? 8 : (prefixes & PFX_OPSIZE) ? 2 : 8;
  else insn.opSize = w ? 8 : (prefixes & PFX_OPSIZE) ? 2 : 4;
  insn.addrSize = (prefixes & PFX_ADDRSIZE) ? 4 : 8;
  insn.seg = seg;

  if (modrm >= 0) {
    const mod = modrm >> 6;
    insn.reg = ((modrm >> 3) & 7) | ((rex & 4) << 1);
    if (row.gByte && !rex && insn.reg >= 4 && insn.reg < 8) insn.reg += 12;
    if (mod === 3 || (attrs & Attr.ModIgnored)) {
      insn.rm = (modrm & 7) | ((rex & 1) << 3);
      if (row.eByte && !rex && insn.rm >= 4 && insn.rm < 8) insn.rm += 12;
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
        insn.base = BASE_RIP;
      } else {
        insn.base = rmBits | ((rex & 1) << 3);
      }
      const dispBytes = mod === 1 ? 1 : mod === 2 || (mod === 0 && rmBits === 5) ? 4 : 0;
      if (p + dispBytes > limit) return avail >= 15 ? tooLong() : null;
      if (dispBytes === 1) insn.disp = (buf[pos + p]! << 24) >> 24;
      else if (dispBytes === 4) insn.disp = buf[pos + p]! | (buf[pos + p + 1]! << 8) | (buf[pos + p + 2]! << 16) | (buf[pos + p + 3]! << 24);
      p += dispBytes;
    }
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
  insn.len = p;
  // The reference path keeps the generic handler, so it checks the specialised ones.
  if (specialise && row.fast) { const h = row.fast(insn); if (h) insn.exec = h; }
  // Legality decided at decode time, so the cached record already raises it.
  if (attrs & Attr.I64) insn.exec = ROW_UD.exec;
  else if ((prefixes & PFX_LOCK) && (!(attrs & Attr.Lock) || !insn.isMem)) insn.exec = ROW_UD.exec;
  return insn;
}

function tooLong(): Insn {
  const insn = new Insn(ROW_TOO_LONG, ROW_TOO_LONG.exec);
  insn.len = 15;
  return insn;
}
