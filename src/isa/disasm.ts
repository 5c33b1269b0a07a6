// AT&T-syntax disassembler. The output is exactly what GNU objdump -d
// (binutils 2.40, default AMD64 ISA, no symbols) prints for the instruction,
// including its treatment of redundant prefixes: a prefix the instruction does
// not use is printed by name ("data16", "rex.W", "cs", "repz", "addr32" …).
// Everything comes from the decoded Insn and its table row; the few things
// objdump spells differently from the SDM live in the row's `att` field
// (table.ts: AttSyntax).
import { Attr, type AttSyntax, type OperandSpec } from './table.js';
import { SEG_FS, SEG_GS } from '../arch/registers.js';
import { BASE_RIP, PFX_LOCK, PFX_OPSIZE, PFX_REP, PFX_REPNE, PFX_ADDRSIZE, type Insn } from './insn.js';

const REG64 = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];
const REG32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi', 'r8d', 'r9d', 'r10d', 'r11d', 'r12d', 'r13d', 'r14d', 'r15d'];
const REG16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di', 'r8w', 'r9w', 'r10w', 'r11w', 'r12w', 'r13w', 'r14w', 'r15w'];
const REG8 = ['al', 'cl', 'dl', 'bl', 'spl', 'bpl', 'sil', 'dil', 'r8b', 'r9b', 'r10b', 'r11b', 'r12b', 'r13b', 'r14b', 'r15b',
  'ah', 'ch', 'dh', 'bh'];
const SEGS = ['es', 'cs', 'ss', 'ds', 'fs', 'gs', '?', '?'];
const SUFFIX: Record<number, string> = { 1: 'b', 2: 'w', 4: 'l', 8: 'q' };
const MASK64 = (1n << 64n) - 1n;
const REX_W = 8, REX_R = 4, REX_X = 2, REX_B = 1;

function regName(n: number, size: number): string {
  switch (size) {
    case 1: return '%' + REG8[n];
    case 2: return '%' + REG16[n];
    case 4: return '%' + REG32[n];
    default: return '%' + REG64[n];
  }
}

function hex(v: bigint): string {
  return '0x' + v.toString(16);
}

/** objdump's print_displacement: signed hex. */
/** The SSE compare predicates 0-7 as objdump names them in the mnemonic. */
const CMP_PREDICATES = ['eq', 'lt', 'le', 'unord', 'neq', 'nlt', 'nle', 'ord'];
/** PCLMULQDQ's immediates that objdump names in the mnemonic (bit 0: the first source's high quadword, bit 4: the second's). */
const CLMUL_NAMES: Readonly<Record<number, string>> = { 0x00: 'pclmullqlqdq', 0x01: 'pclmulhqlqdq', 0x10: 'pclmullqhqdq', 0x11: 'pclmulhqhqdq' };

/** The mnemonic an immediate names (CMPccPS, PCLMULxxxQDQ), which then is not printed; undefined: none. */
function predicateName(att: AttSyntax, mnemonic: string, imm: number): string | undefined {
  const v = imm & 0xff;
  if (att.cmpPredicate && v < 8) return 'cmp' + CMP_PREDICATES[v]! + mnemonic.slice(3);
  if (att.clmulPredicate) return CLMUL_NAMES[v];
  return undefined;
}

function signedHex(v: number | bigint): string {
  const b = BigInt(v);
  return b < 0n ? '-0x' + (-b).toString(16) : '0x' + b.toString(16);
}

function isPrefix(b: number, compat: boolean): boolean {
  return ((b & 0xf0) === 0x40 && !compat) || b === 0xf0 || b === 0xf2 || b === 0xf3 || b === 0x66 || b === 0x67 ||
    b === 0x26 || b === 0x2e || b === 0x36 || b === 0x3e || b === 0x64 || b === 0x65;
}

const SEG_PREFIX: Record<number, number> = { 0x26: 0, 0x2e: 1, 0x36: 2, 0x3e: 3, 0x64: 4, 0x65: 5 };

/** objdump's name for a prefix printed on its own (66/67 name the size they select in the code's mode). */
function prefixName(b: number, compat: boolean, code16: boolean): string {
  if ((b & 0xf0) === 0x40) {
    const bits = (b & 8 ? 'W' : '') + (b & 4 ? 'R' : '') + (b & 2 ? 'X' : '') + (b & 1 ? 'B' : '');
    return bits ? `rex.${bits}` : 'rex';
  }
  switch (b) {
    case 0xf3: return 'repz';
    case 0xf2: return 'repnz';
    case 0xf0: return 'lock';
    case 0x66: return code16 ? 'data32' : 'data16';
    case 0x67: return compat && !code16 ? 'addr16' : 'addr32';
    default: return SEGS[SEG_PREFIX[b]!]!;
  }
}

/** Prefix bytes of an instruction given only its Insn (canonical order). */
function synthesizePrefixes(insn: Insn): number[] {
  const p: number[] = [];
  if (insn.seg === SEG_FS) p.push(0x64);
  else if (insn.seg === SEG_GS) p.push(0x65);
  if (insn.prefixes & PFX_OPSIZE) p.push(0x66);
  if (insn.prefixes & PFX_ADDRSIZE) p.push(0x67);
  if (insn.prefixes & PFX_LOCK) p.push(0xf0);
  if (insn.prefixes & PFX_REPNE) p.push(0xf2);
  if (insn.prefixes & PFX_REP) p.push(0xf3);
  if (insn.rex) p.push(insn.rex);
  return p;
}

class Disassembler {
  private readonly row;
  private readonly att;
  private readonly rex: number;
  private readonly opSize: number;
  private readonly a32: boolean;
  /** Prefixes objdump prints as a separate pseudo-instruction (up to a REX that another prefix follows). */
  private readonly head: number[];
  /** The instruction's own prefixes and their printed names (null = not printed). */
  private readonly tail: number[];
  private readonly names: (string | null)[];
  private activeSeg: number;
  private dataUsed = false;
  private addrUsed = false;
  private segUsed = false;
  private rexUsed = 0;
  private sizedReg = false;
  private memSize = 0;
  private comment = '';

  constructor(private readonly insn: Insn, private readonly rip: bigint, bytes: Uint8Array | undefined) {
    this.row = insn.row;
    this.att = insn.row.att;
    this.rex = insn.rex;
    this.opSize = insn.opSize;
    this.a32 = insn.addrSize === 4;
    // 32-bit code (objdump -M i386): every segment override applies.
    this.activeSeg = insn.seg === SEG_FS || insn.seg === SEG_GS || (insn.compat && insn.seg >= 0) ? insn.seg : -1;
    let pfx: number[];
    if (bytes) {
      pfx = [];
      for (let k = 0; k < bytes.length && k < insn.len && isPrefix(bytes[k]!, insn.compat); k++) pfx.push(bytes[k]!);
    } else pfx = synthesizePrefixes(insn);
    // objdump ends a prefix run at a REX followed by another prefix and prints
    // the run as an instruction of its own (the REX is ignored by the CPU).
    let split = 0;
    for (let k = 0; k + 1 < pfx.length; k++) if ((pfx[k]! & 0xf0) === 0x40) split = k + 1;
    this.head = pfx.slice(0, split);
    this.tail = pfx.slice(split);
    this.names = this.tail.map((b) => prefixName(b, insn.compat, insn.code16));
  }

  private has(b: number): boolean { return this.tail.includes(b); }

  /** 'mm', or 'xmm' where objdump names an MM operand as XMM because of a 66 prefix (MOVQ2DQ, MOVDQ2Q). */
  private mmxName(): string {
    if (this.att.xmmWith66 && this.has(0x66)) { this.dataUsed = true; return 'xmm'; }
    return 'mm';
  }

  /** The suffix of the 'w' rule: 'w' for a 16-bit operand size, or in 16-bit code 'l' for a 32-bit one. */
  private nonDefaultSuffix(size: number): string {
    if (this.insn.code16) return size === 4 ? 'l' : '';
    return size === 2 ? 'w' : '';
  }
  private last(b: number): number { return this.tail.lastIndexOf(b); }
  private lastSeg(): number {
    for (let k = this.tail.length - 1; k >= 0; k--) if (this.tail[k]! in SEG_PREFIX) return k;
    return -1;
  }

  private useRex(bit: number): void {
    if (!this.rex) return;
    if (bit === 0) this.rexUsed |= 0x40;
    else if (this.rex & bit) this.rexUsed |= bit | 0x40;
  }

  /** Something printed depends on the operand size ('v'). */
  private useOpSize(): void {
    if (this.rex & REX_W) {
      if (!(this.row.attrs & (Attr.D64 | Attr.F64))) this.useRex(REX_W);
    } else if (this.has(0x66)) this.dataUsed = true;
  }

  /** Something printed depends on the 16/32 choice only ('z'). */
  private useOpSizeZ(): void {
    if (!(this.rex & REX_W) && this.has(0x66)) this.dataUsed = true;
  }

  private sizeOf(spec: OperandSpec): number {
    switch (spec.size) {
      case 'b': return 1;
      case 'w': return 2;
      case 'd': return 4;
      case 'q': return 8;
      case 'y': this.useRex(REX_W); return this.rex & REX_W ? 8 : 4;
      case 'a': return this.insn.addrSize;
      case 'z': this.useOpSizeZ(); return this.opSize === 2 ? 2 : 4;
      default: this.useOpSize(); return this.opSize;
    }
  }

  private reg(n: number, size: number): string {
    if (size === 8 && this.insn.compat) size = 4; // no 64-bit registers outside 64-bit mode (MOV CR/DR, RDPID)
    this.sizedReg = true;
    if (size === 1 && ((n & 4) || n >= 16)) this.useRex(0);
    return regName(n, size);
  }

  private segPrefix(): string {
    if (this.activeSeg < 0) return '';
    this.segUsed = true;
    return `%${SEGS[this.activeSeg]}:`;
  }

  private memory(): string {
    const i = this.insn;
    const names = this.a32 ? REG32 : REG64;
    let s = this.segPrefix();
    // objdump counts 67 as used unless the operand is a bare disp32 outside 64-bit mode (then it prints addr32).
    this.addrUsed = !(i.compat && i.addrSize === 4 && i.base < 0 && i.sib < 0);
    if (i.addrSize === 2) {
      // ModRM16 (32-bit code with 67): disp16 alone, or (%base[,%index]) with a signed displacement.
      if (i.base < 0) return s + signedHex(i.disp);
      if (i.modrm >> 6 !== 0) s += signedHex(i.disp);
      return s + '(%' + REG16[i.base] + (i.index >= 0 ? ',%' + REG16[i.index] : '') + ')';
    }
    this.useRex(REX_B); // objdump counts REX.B as used by any memory operand
    if (i.base === BASE_RIP) {
      s += signedHex(i.disp) + (this.a32 ? '(%eip)' : '(%rip)');
      this.comment = hex((this.rip + BigInt(i.len) + BigInt(i.disp)) & MASK64);
      return s;
    }
    const hasSib = i.sib >= 0;
    const haveBase = i.base >= 0;
    const haveIndex = i.index >= 0;
    if (hasSib) this.useRex(REX_X);
    let disp = BigInt(i.disp);
    let needIndex = false;
    if (hasSib && !haveBase && !haveIndex && this.a32) { if (!i.compat) disp &= 0xffffffffn; needIndex = true; }
    const haveDisp = haveBase || needIndex || (hasSib && (haveIndex || i.scale !== 0));
    if (i.modrm >> 6 !== 0 || !haveBase) s += haveDisp ? signedHex(disp) : hex(disp & (i.compat ? 0xffffffffn : MASK64));
    if (haveDisp) {
      s += '(';
      if (haveBase) s += '%' + names[i.base];
      if (hasSib && (i.scale !== 0 || needIndex || haveIndex || (haveBase && (i.base & 7) !== 4))) {
        s += ',' + (haveIndex ? '%' + names[i.index] : this.a32 ? '%eiz' : '%riz') + ',' + (1 << i.scale);
      }
      s += ')';
    }
    return s;
  }

  /** rAX at the address size (MONITOR's address register): %rax, %eax (67), %ax. */
  private addressRax(): string {
    this.addrUsed = true;
    return this.insn.addrSize === 2 ? '%ax' : this.insn.addrSize === 4 ? '%eax' : '%rax';
  }

  /** The string-instruction operands: %ds:(%rsi), %es:(%rdi), xlat's %ds:(%rbx). */
  private stringOperand(kind: 'X' | 'Y' | 'B'): string {
    this.addrUsed = true;
    const a16 = this.insn.addrSize === 2;
    if (kind === 'Y') return a16 ? '%es:(%di)' : this.a32 ? '%es:(%edi)' : '%es:(%rdi)';
    const seg = this.activeSeg >= 0 ? SEGS[this.activeSeg] : 'ds';
    if (this.tail.some((b) => b in SEG_PREFIX)) this.segUsed = true;
    const reg = kind === 'X' ? (a16 ? 'si' : this.a32 ? 'esi' : 'rsi') : (a16 ? 'bx' : this.a32 ? 'ebx' : 'rbx');
    return `%${seg}:(%${reg})`;
  }

  private immediate(spec: OperandSpec, k: number): string {
    const i = this.insn;
    const lo = k === 0 ? i.imm : i.imm2;
    let v: bigint;
    switch (spec.size) {
      case 'b': v = BigInt(lo & 0xff); break;
      case 'w': v = BigInt(lo & 0xffff); break;
      case 'd': v = BigInt(lo >>> 0); break;
      case 'bs': case 'z': case 'v': {
        this.useOpSize();
        if (this.opSize === 8) v = spec.size === 'v' ? (BigInt(i.immHi >>> 0) << 32n) | BigInt(lo >>> 0) : BigInt(lo) & MASK64;
        else v = BigInt(lo) & (this.opSize === 2 ? 0xffffn : 0xffffffffn);
        break;
      }
      default: v = BigInt(lo >>> 0);
    }
    return '$' + hex(v);
  }

  private branchTarget(spec: OperandSpec): string {
    const i = this.insn;
    let t = (this.rip + BigInt(i.len) + BigInt(i.imm)) & (i.compat ? 0xffffffffn : MASK64); // EIP wraps outside 64-bit mode
    if (spec.size !== 'b') {
      this.useOpSizeZ();
      if (this.opSize === 2) t &= 0xffffn;
    }
    return hex(t);
  }

  private operand(spec: OperandSpec, immIndex: number): string {
    const i = this.insn;
    switch (spec.kind) {
      case 'E': case 'M': {
        if (i.isMem) {
          if (spec.kind === 'E' && (spec.size === 'b' || spec.size === 'v')) this.memSize = spec.size === 'b' ? 1 : -1;
          // An Ey memory operand shows its size only by the suffix of 'memE' rows (cvtsi2ssl/q).
          if (spec.kind === 'E' && spec.size === 'y' && this.att.suffix === 'memE') this.memSize = -3;
          return this.memory();
        }
        this.useRex(REX_B);
        if (spec.size === 'w' && this.att.regV) { this.useOpSize(); return this.reg(i.rm, this.opSize); }
        return this.reg(i.rm, this.sizeOf(spec));
      }
      case 'G': this.useRex(REX_R); return this.reg(i.reg, this.sizeOf(spec));
      case 'Z': case 'R': this.useRex(REX_B); return this.reg(i.rm, this.sizeOf(spec));
      case 'S': this.sizedReg = true; return '%' + SEGS[(i.modrm >> 3) & 7];
      case 'C': this.useRex(REX_R); this.sizedReg = true; return `%cr${i.reg}`;
      case 'D': this.useRex(REX_R); this.sizedReg = true; return `%db${i.reg}`;
      case 'I': return this.immediate(spec, immIndex);
      case 'J': return this.branchTarget(spec);
      case 'O': {
        const v = this.a32 ? BigInt(i.imm >>> 0) : (BigInt(i.immHi >>> 0) << 32n) | BigInt(i.imm >>> 0);
        return this.segPrefix() + hex(v);
      }
      case 'X': case 'Y': {
        if (spec.size === 'b' || spec.size === 'v' || spec.size === 'z') this.memSize = spec.size === 'b' ? 1 : spec.size === 'z' ? -2 : -1;
        return this.stringOperand(spec.kind);
      }
      case 'fixed':
        if (spec.reg === 2 && spec.size === 'w') return '(%dx)';
        if (spec.reg === 1) return '%cl';
        return this.reg(0, this.sizeOf(spec));
      case 'one': return '';
      // XMM registers (ModRM.reg with REX.R; ModRM.rm with REX.B); a W memory operand prints no size suffix.
      case 'V': this.useRex(REX_R); this.sizedReg = true; return `%xmm${i.reg}`;
      case 'W': case 'U':
        if (i.isMem) return this.memory();
        this.useRex(REX_B); this.sizedReg = true; return `%xmm${i.rm}`;
      // MMX registers (REX.R/REX.B name no other register)
      case 'P': this.sizedReg = true; return `%${this.mmxName()}${(i.modrm >> 3) & 7}`;
      case 'Q': case 'N': if (i.isMem) return this.memory(); this.sizedReg = true; return `%${this.mmxName()}${i.modrm & 7}`;
      // x87: objdump leaves out ST(0) next to a memory operand
      case 'ST': this.sizedReg = true; return spec.reg !== 0 ? `%st(${i.modrm & 7})` : i.isMem ? '' : '%st';
      default: throw new Error(`disassembler: no rows use operand kind ${spec.kind} yet`);
    }
  }

  run(): string {
    const row = this.row, att = this.att, insn = this.insn;
    if (insn.compat && (row.id === 'Invalid_EA' || row.id === 'Invalid_9A')) {
      // ptr16:32 (objdump -M i386: "ljmp $0x30,$0x401000"; ljmpw with 66; in 16-bit code ljmpl with 66).
      const off = insn.opSize === 2 ? insn.imm & 0xffff : insn.imm >>> 0;
      return `${row.mnemonic}${this.nonDefaultSuffix(insn.opSize)} $${hex(BigInt(insn.imm2 & 0xffff))},$${hex(BigInt(off))}`;
    }
    if (insn.compat && row.id === 'Movsxd_Gv_Ed') {
      // 63 is ARPL Ew, Gw in 32-bit code.
      const dst = insn.isMem ? this.memory() : '%' + REG16[insn.rm];
      return `arpl   %${REG16[insn.reg]},${dst}`;
    }
    if ((row.attrs & Attr.I64 && !insn.compat) || row.mnemonic === '(bad)' || att.name === '(bad)') return '(bad)';
    const has = (b: number) => this.has(b);
    const hasCS = has(0x2e), hasDS = has(0x3e);

    // NOTRACK (3E on an indirect branch, no 66): objdump renames the last segment
    // prefix and then applies no segment override.
    let notrack = false;
    if (att.notrack && hasDS && !has(0x66)) { notrack = true; this.activeSeg = -1; }

    // Operands, in the table's (Intel) order; immediates are numbered in encoding order.
    const ops: string[] = [];
    const predicate = predicateName(att, att.name ?? row.mnemonic, insn.imm);
    if (att.ops !== undefined) {
      for (const t of att.ops.split(',')) ops.push(t === 'DS:rBX' ? this.stringOperand('B') : t === 'rAX' ? this.addressRax() : t);
    } else {
      let immIndex = 0;
      for (const spec of row.operands) {
        if (spec.kind === 'I' && predicate !== undefined) continue;
        const k = spec.kind === 'I' || spec.kind === 'J' || spec.kind === 'O' ? immIndex++ : 0;
        let text = this.operand(spec, k);
        if (!text) continue;
        if ((spec.kind === 'E' || spec.kind === 'M') && (row.attrs & Attr.Branch)) text = '*' + text;
        ops.push(text);
      }
    }
    if (!att.intelOrder) ops.reverse();
    if (att.xmm0) ops.unshift('%xmm0');

    // Mnemonic.
    let name = predicate ?? (insn.compat ? att.legacy : undefined) ?? att.name ?? row.mnemonic;
    if (name.includes('/')) name = name.split('/')[(insn.modrm >> 3) & 7]!;
    if (att.name16 && this.has(0x66)) { name = att.name16; this.dataUsed = true; }
    if (name.includes('|')) {
      const list = name.split('|');
      if (list[0] === list[1]) { this.useRex(REX_W); name = this.rex & REX_W ? list[2]! : list[1]!; }
      else { this.useOpSize(); name = list[this.opSize === 2 ? 0 : this.opSize === 4 ? 1 : 2]!; }
      // 'Xw|X|Xq' spells the suffix relative to a 32-bit default: in 16-bit code X is 16-bit and Xl 32-bit.
      if (insn.code16 && list[0] === list[1] + 'w') name = this.opSize === 2 ? list[1]! : list[1] + 'l';
    }
    if (name.includes('*')) { this.useOpSize(); name = name.replace('*', SUFFIX[this.opSize]!); }
    // 32-bit code: 32-bit addressing is the default (LOOP, JECXZ keep their names); 67 makes it 16-bit.
    if (this.a32 && att.name32 && !insn.compat) { name = att.name32; this.addrUsed = true; }
    if (insn.compat && row.mnemonic === 'jrcxz') { name = insn.addrSize === 2 ? 'jcxz' : 'jecxz'; this.addrUsed = true; }
    if (row.operands.some((o) => o.kind === 'O')) name = this.a32 || insn.compat ? 'mov' : 'movabs';
    else if (row.operands.some((o) => o.kind === 'I' && o.size === 'v') && this.opSize === 8) name = 'movabs';
    const suffix = att.suffix ?? 'mem';
    if (this.memSize && (suffix === 'memE' || (suffix === 'mem' && !this.sizedReg))) {
      let size = this.memSize;
      if (size === -1) { this.useOpSize(); size = this.opSize; }
      else if (size === -2) { this.useOpSizeZ(); size = this.opSize === 2 ? 2 : 4; }
      else if (size === -3) { this.useRex(REX_W); size = this.rex & REX_W ? 8 : 4; }
      name += SUFFIX[size];
    } else if (suffix === 'w' && !this.sizedReg) {
      // Far pointers (Mp): AMD ignores REX.W, only 66 selects m16:16 (m16:32 in 16-bit code).
      const size = row.operands.some((o) => o.size === 'p') ? (has(0x66) !== insn.code16 ? 2 : 4) : this.opSize;
      const sfx = this.nonDefaultSuffix(size);
      if (sfx) { this.dataUsed = true; name += sfx; }
    }
    if (att.hint && hasCS !== hasDS) {
      name += hasDS ? ',pt' : ',pn';
      this.activeSeg = hasDS ? 3 : 1;
      this.segUsed = true;
    }

    // Prefixes the instruction used are not printed; some others change names.
    const names = this.names;
    const lastF3 = this.last(0xf3), lastF2 = this.last(0xf2), lastSeg = this.lastSeg();
    if (row.prefix === 'F3' && lastF3 >= 0) names[lastF3] = null;
    if (row.prefix === 'F2' && lastF2 >= 0) names[lastF2] = null;
    if (row.prefix === '66' || att.prefix66 === true || (att.prefix66 === 'reg' && !insn.isMem)) this.dataUsed = true;
    if ((row.attrs & Attr.Rep) && lastF3 >= 0) names[lastF3] = 'rep';
    let hle = att.hle ?? ((row.attrs & Attr.Lock) ? 'lock' : undefined);
    if (hle === 'lockNoW') hle = this.rex & REX_W ? undefined : 'lock';
    if (insn.isMem && hle) {
      if (hle === 'release') {
        if (lastF3 > lastF2) names[lastF3] = 'xrelease';
      } else if (hle === 'always' || has(0xf0)) {
        if (lastF3 >= 0) names[lastF3] = 'xrelease';
        if (lastF2 >= 0) names[lastF2] = 'xacquire';
      }
    }
    if (att.bnd && lastF2 >= 0) names[lastF2] = 'bnd';
    if (notrack) names[lastSeg] = 'notrack';
    else if (this.segUsed && lastSeg >= 0) names[lastSeg] = null;
    if (this.rex && this.rexUsed === this.rex) names[this.tail.length - 1] = null;
    if (this.addrUsed && has(0x67)) names[this.last(0x67)] = null;
    // objdump's NOP_Fixup: 66 90 is xchg, whatever REX.W says.
    if (row.plusR && row.mnemonic === 'xchg' && (insn.rm & 7) === 0) this.dataUsed = true;
    if (this.dataUsed && has(0x66)) names[this.last(0x66)] = null;

    const pfx = [...this.head.map((b) => prefixName(b, false, false)), ...names.filter((n): n is string => n !== null)];
    const lead = pfx.length ? pfx.join(' ') + ' ' : '';
    let out = lead + name;
    if (ops.length) out += ' '.repeat(Math.max(1, 7 - out.length)) + ops.join(',');
    if (this.comment) out += '        # ' + this.comment;
    return out;
  }
}

/**
 * Disassembles a decoded instruction at address `rip` into AT&T syntax, the way
 * GNU objdump -d prints it (without symbols: branch targets and the RIP-relative
 * comment are plain hex addresses). `bytes` (the instruction's bytes, or a
 * buffer starting with them) lets redundant prefixes print in their order; without
 * it they are reconstructed from the Insn.
 */
export function disassemble(insn: Insn, rip: bigint | number, bytes?: Uint8Array): string {
  return new Disassembler(insn, BigInt.asUintN(64, BigInt(rip)), bytes).run();
}
