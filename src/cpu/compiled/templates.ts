// The compiled tier's code templates, keyed by the table's executor names
// (isa/executors.ts) like the interpreter's binders (exec/bind.ts): for a
// decoded instruction a template emits its code into the block, or returns
// false before emitting anything, and the instruction runs on its interpreter
// handler instead. Templates cover the hot integer forms (register operands,
// loads, stores, CMP/TEST with memory, the stack). The flag-setting operations
// are inlined from their one definition as source (exec/alu-source.ts,
// flags-source.ts), which the interpreter's cores are built from too;
// RCL/RCR call the interpreter's core: the semantics are written once.
import { RAX, RDX } from '../../arch/registers.js';
import { DF } from '../../arch/rflags.js';
import { Vector } from '../../arch/vectors.js';
import type { ExecutorName } from '../../isa/executors.js';
import { ALU_CMP, ALU_SUB, ALU_TEST } from '../../isa/executors.js';
import { BASE_RIP, PFX_LOCK, type Insn } from '../../isa/insn.js';
import { aluSource, incDecSource, shiftSource, SOURCE_SHIFTS, imulSource, IMUL_OVERFLOW_NAME, type Operand } from '../exec/alu-source.js';
import { shiftOp } from '../exec/shift.js';
import { imulOverflow64, mulValue, imul1Value, divValue, idivValue } from '../exec/muldiv.js';
import { VEC_OPS, type VecOp } from '../../isa/vector-ops.js';
import { DWORD_LANES, DWORD_SHIFT_LANES, MOVE_LANES, dwordLanesSource } from '../exec/vector-source.js';
import { Attr } from '../../isa/table.js';
import { kernel } from '../exec/sse-int.js';
import { readControlRegister } from '../control-registers.js';
import { TWO32, WROTE_THROUGH_MMU, type Emitter } from './emitter.js';
import { kinds, readMemory, type Template } from './template.js';
import { push, pop, pushf, call, ret, jcc, jmp } from './control-templates.js';
import { cachedOperand, cachedRead, cachedWrite, copyProbeWrite, copyRead, copyWrite } from './page-caches.js';
import { canAddress, effectiveAddress } from './addressing.js';

const wideOrDword = (size: number): boolean => size === 8 || size === 4;

/** The low dword of register r read at `size` bytes (1: AL..R15B, or AH..BH for 16..19; 2; 4 and 8: the dword). */
function narrowRegister(e: Emitter, size: number, r: number, signed: boolean): string {
  if (size === 1) {
    if (r >= 16) return signed ? `((${e.lo(r - 16)} << 16) >> 24)` : `((${e.lo(r - 16)} >> 8) & 0xff)`;
    return signed ? `((${e.lo(r)} << 24) >> 24)` : `(${e.lo(r)} & 0xff)`;
  }
  if (size === 2) return signed ? `((${e.lo(r)} << 16) >> 16)` : `(${e.lo(r)} & 0xffff)`;
  return e.lo(r);
}

/**
 * ADD OR ADC SBB AND SUB XOR CMP TEST: register and immediate forms, memory as
 * a source or CMP/TEST's operand, and memory as the destination: its write
 * permission probed before the read (as the operand stage does: a fault
 * reports a write), so the store after the flags cannot fault. LOCK runs on the handler.
 */
const alu: Template = (e, i) => {
  const op = i.param, size = i.size0, k = kinds(i);
  const writes = op !== ALU_CMP && op !== ALU_TEST;
  if (i.isMem && (!canAddress(i) || (i.prefixes & PFX_LOCK) !== 0)) return false;
  if (k !== 'EG' && k !== 'GE' && k !== 'EI' && k !== 'fixedI') return false;
  if (i.isMem && writes && k !== 'GE') {
    effectiveAddress(e);
    const cached = cachedOperand(i, size);
    if (cached) cachedRead(e, size, true);
    else if (size === 8 || size === 4) {
      e.access(copyProbeWrite(e, size));
      e.access(copyRead(e, size));
    } else {
      e.access(`M.probeWrite(ea, ${size});`);
      e.access(`v = M.read${size * 8}(ea);`);
    }
    const b = k === 'EI' ? { lo: String(i.imm), hi: String(i.immHi) } : registerOperand(e, size, i.reg);
    e.line(aluSource(op, size, { lo: 'v', hi: 'w' }, b, 'v', 'w', e.writeFlags()));
    if (cached) cachedWrite(e, size, 'v', 'w', true);
    else if (size === 8 || size === 4) e.access(copyWrite(e, size, 'v', 'w'));
    else e.access(`M.write${size * 8}(ea, v);`);
    e.afterWrite(cached);
    return true;
  }
  // The destination operand a: register d, or the memory operand of CMP/TEST (read into v/w).
  // The source b: register s, the memory operand (GE), or the immediate.
  const d = k === 'GE' ? i.reg : i.rm;
  if (i.isMem) readMemory(e, size);
  const memDst = i.isMem && k !== 'GE';
  const a = memDst ? { lo: 'v', hi: 'w' } : registerOperand(e, size, d);
  let b: Operand;
  if (k === 'EI' || k === 'fixedI') b = { lo: String(i.imm), hi: String(i.immHi) };
  else if (k === 'GE' && i.isMem) b = { lo: 'v', hi: 'w' };
  else b = registerOperand(e, size, k === 'EG' ? i.reg : i.rm);
  e.line(aluSource(op, size, a, b, writes ? 'v' : null, writes ? 'w' : null, e.writeFlags()));
  if (writes) writeResult(e, size, d);
  return true;
};

/** Register r as an operand of `size` bytes. */
const registerOperand = (e: Emitter, size: number, r: number): Operand =>
  ({ lo: size === 8 || size === 4 ? e.lo(r) : narrowRegister(e, size, r, false), hi: size === 8 ? e.hi(r) : '0' });

/** Register d = the result in v (and w for 8 bytes): a 4-byte result zero-extends, a narrow one merges. */
function writeResult(e: Emitter, size: number, d: number): void {
  if (size === 8) e.set(d, 'v', 'w');
  else if (size === 4) e.set(d, 'v', '0');
  else e.setNarrow(size, d, 'v');
}

/** INC/DEC of a register. */
const incdec: Template = (e, i) => {
  if (i.isMem) return false;
  const size = i.size0;
  e.line(incDecSource(i.param, size, registerOperand(e, size, i.rm), 'v', 'w', e.writeFlags()));
  writeResult(e, size, i.rm);
  return true;
};

/** NEG of a register: SUB from 0 (as alu.ts's handler). */
const neg: Template = (e, i) => {
  if (i.isMem) return false;
  const size = i.size0;
  e.line(aluSource(ALU_SUB, size, { lo: '0', hi: '0' }, registerOperand(e, size, i.rm), 'v', 'w', e.writeFlags()));
  writeResult(e, size, i.rm);
  return true;
};

/** NOT of a register: no flags. */
const not: Template = (e, i) => {
  if (i.isMem) return false;
  const size = i.size0, r = i.rm;
  if (size === 8) e.set(r, `~${e.lo(r)}`, `~${e.hi(r)}`);
  else if (size === 4) e.set(r, `~${e.lo(r)}`, '0');
  else e.setNarrow(size, r, `~${narrowRegister(e, size, r, false)}`);
  return true;
};

/** MOV between registers, immediates to registers and memory, loads and stores. */
const mov: Template = (e, i) => {
  const size = i.size0, k = kinds(i);
  if (i.isMem && !canAddress(i)) return false;
  const full = size === 8 || size === 4;
  const write = (r: number, lo: string, hi: string) => (full ? e.set(r, lo, size === 8 ? hi : '0') : e.setNarrow(size, r, lo));
  const value = (r: number) => (full ? e.lo(r) : narrowRegister(e, size, r, false));
  if ((k === 'EG' || k === 'GE') && !i.isMem) {
    const d = k === 'EG' ? i.rm : i.reg, s = k === 'EG' ? i.reg : i.rm;
    write(d, value(s), e.hi(s));
  } else if (k === 'GE') {
    readMemory(e, size);
    write(i.reg, 'v', 'w');
  } else if ((k === 'ZI' || k === 'EI') && !i.isMem) {
    write(i.rm, String(i.imm), String(i.immHi));
  } else if (k === 'EG' || k === 'EI') {
    effectiveAddress(e);
    const lo = k === 'EG' ? value(i.reg) : String(i.imm), hi = k === 'EG' ? e.hi(i.reg) : String(i.immHi);
    const cached = cachedOperand(i, size);
    if (cached) cachedWrite(e, size, lo, hi, false);
    else if (size === 8 || size === 4) e.access(copyWrite(e, size, lo, hi));
    else e.access(`M.write${size * 8}(ea, ${lo});`);
    e.afterWrite(cached);
  } else return false;
  return true;
};

/** MOVZX/MOVSX/MOVSXD into 4- and 8-byte registers. */
const extend = (signed: boolean): Template => (e, i) => {
  const size = i.size0, from = i.size1;
  if (!wideOrDword(size) || (i.isMem && !canAddress(i))) return false;
  let value: string;
  if (i.isMem) {
    readMemory(e, from);
    value = from === 1 ? (signed ? '((v << 24) >> 24)' : 'v') : from === 2 ? (signed ? '((v << 16) >> 16)' : 'v') : 'v';
  } else value = narrowRegister(e, from, i.rm, signed);
  e.line(`t = ${value};`);
  e.set(i.reg, 't', signed && size === 8 ? 't >> 31' : '0');
  return true;
};

/** LEA with 64-bit addressing (SDM LEA): base + index << scale + disp in int32 halves, so any register values wrap exactly. */
const lea: Template = (e, i) => {
  const size = i.size0;
  if (!wideOrDword(size) || i.addrSize !== 8) return false;
  if (size === 4) {
    const parts: string[] = [String(i.disp)];
    // The low dword: int32 arithmetic wraps exactly.
    if (i.base === BASE_RIP) parts.push(`(${e.next}) | 0`);
    else if (i.base >= 0) parts.push(e.lo(i.base));
    if (i.index >= 0) parts.push(`(${e.lo(i.index)} << ${i.scale})`);
    e.set(i.reg, `(${parts.join(' + ')}) | 0`, '0');
    return true;
  }
  // The terms as (lo, hi) pairs; the low dwords' unsigned sum (below 3 * 2^32) carries into the high one.
  const terms: Operand[] = [{ lo: String(i.disp | 0), hi: i.disp < 0 ? '-1' : '0' }];
  if (i.base === BASE_RIP) terms.push({ lo: `((${e.next}) | 0)`, hi: `Math.floor((${e.next}) / ${TWO32})` });
  else if (i.base >= 0) terms.push({ lo: e.lo(i.base), hi: e.hi(i.base) });
  if (i.index >= 0) {
    const l = e.lo(i.index), h = e.hi(i.index), n = i.scale;
    terms.push(n === 0 ? { lo: l, hi: h } : { lo: `(${l} << ${n})`, hi: `((${h} << ${n}) | (${l} >>> ${32 - n}))` });
  }
  e.line(`t = ${terms.map((x) => `(${x.lo} >>> 0)`).join(' + ')};`);
  e.set(i.reg, 't | 0', `(${terms.map((x) => x.hi).join(' + ')} + Math.floor(t / ${TWO32})) | 0`);
  return true;
};

/** Shifts and rotates of a register by an immediate or 1: inline, except RCL/RCR on the interpreter's core. */
const shift: Template = (e, i) => {
  const size = i.size0, k = kinds(i);
  if (i.isMem || !wideOrDword(size) || (k !== 'EI' && k !== 'Eone')) return false;
  const cnt = (k === 'EI' ? i.imm : 1) & (size === 8 ? 63 : 31);
  const r = i.rm, op = i.param;
  if (cnt === 0) { if (size === 4) e.set(r, e.lo(r), '0'); return true; } // flags unchanged, upper half zeroed
  if (SOURCE_SHIFTS.includes(op)) {
    e.line(shiftSource(op, size, registerOperand(e, size, r), String(cnt), 'v', 'w', e.writeFlags()));
  } else {
    e.withContextFlags(`v = ${e.constant(shiftOp)}(c, ${op}, ${size}, ${e.lo(r)}, ${e.hi(r)}, ${cnt}); w = O.hi[0];`);
  }
  writeResult(e, size, r);
  return true;
};

/** IMUL G, E and IMUL G, E, imm with register E. */
const imul: Template = (e, i) => {
  const size = i.size0, n = i.row.operands.length;
  if ((i.isMem && !canAddress(i)) || !wideOrDword(size) || n < 2) return false;
  let source: Operand | null = null; // the memory operand (E), read into v/w first
  if (i.isMem) {
    readMemory(e, size);
    source = { lo: 'v', hi: size === 8 ? 'w' : '0' };
  }
  const x = n === 2 ? registerOperand(e, size, i.reg) : source ?? registerOperand(e, size, i.rm);
  const y = n === 2 ? source ?? registerOperand(e, size, i.rm) : { lo: String(i.imm), hi: String(i.immHi) };
  e.constant(imulOverflow64, IMUL_OVERFLOW_NAME);
  e.line(imulSource(size, x, y, 'v', 'w', e.writeFlags()));
  writeResult(e, size, i.reg);
  return true;
};

/**
 * MUL, IMUL with one operand, DIV, IDIV (every size): the interpreter's core
 * (exec/muldiv.ts, the one definition) on the operand's value, with only RAX,
 * RDX and the flags written back around it; a #DE it raises finds the locals
 * unchanged (the region's catch).
 */
const wideMulDiv = (core: (c: never, size: number, lo: number, hi: number) => void): Template => (e, i) => {
  const size = i.size0;
  if (i.isMem && !canAddress(i)) return false;
  let b: Operand;
  if (i.isMem) {
    readMemory(e, size);
    b = { lo: 'v', hi: size === 8 ? 'w' : '0' };
  } else {
    e.mayFault(); // #DE
    b = registerOperand(e, size, i.rm);
  }
  e.line(`L[${RAX}] = ${e.lo(RAX)}; H[${RAX}] = ${e.hi(RAX)}; L[${RDX}] = ${e.lo(RDX)}; H[${RDX}] = ${e.hi(RDX)};`);
  e.withContextFlags(`${e.constant(core)}(c, ${size}, ${b.lo}, ${b.hi});`);
  e.set(RAX, `L[${RAX}]`, `H[${RAX}]`);
  e.set(RDX, `L[${RDX}]`, `H[${RDX}]`);
  return true;
};

/** CMOVcc between registers. */
const cmov: Template = (e, i) => {
  const size = i.size0;
  if (i.isMem || !wideOrDword(size)) return false;
  const d = i.reg, s = i.rm;
  e.line(`t = ${e.condition(i.param)} ? 1 : 0;`);
  e.set(d, `t ? ${e.lo(s)} : ${e.lo(d)}`, size === 8 ? `t ? ${e.hi(s)} : ${e.hi(d)}` : '0');
  return true;
};

/** SETcc of a low byte register. */
const setcc: Template = (e, i) => {
  if (i.isMem || i.rm >= 16) return false;
  e.set(i.rm, `(${e.lo(i.rm)} & -256) | (${e.condition(i.param)} ? 1 : 0)`, e.hi(i.rm));
  return true;
};

const nop: Template = () => true;

/** CLD, STD: DF lives in the context (c.flagsRest), which the string instructions' handlers read. */
const cld: Template = (e) => { e.line(`c.flagsRest &= ${~DF};`); return true; };
const std: Template = (e) => { e.line(`c.flagsRest |= ${DF};`); return true; };

/** MOV r, Sreg: the selector zero-extended into a 32- or 64-bit register, or into the low word (SDM MOV: segment registers). */
const movFromSeg: Template = (e, i) => {
  if (i.isMem) return false;
  const sel = `c.segSel[${i.reg & 7}]`;
  if (i.opSize === 2) e.setNarrow(2, i.rm, sel);
  else e.set(i.rm, sel, '0');
  return true;
};

/** MOV r64, CRn (its CPL check first: tier.ts PRIVILEGED_TEMPLATES): read as its handler reads it, #UD for a CR there is none of. */
const movFromCr: Template = (e, i) => {
  e.mayFault();
  e.line(`${e.constant(readControlRegister, 'readControlRegister')}(c, ${i.reg});`);
  e.set(i.rm, 'O.lo[0]', 'O.hi[0]');
  return true;
};

/**
 * INVLPG m (its CPL check first: tier.ts PRIVILEGED_TEMPLATES): the address's TLB entries and fetch
 * pages dropped as by its handler (Cpu.invalidatePage; an address effectiveAddress cannot compute
 * inline goes to the handler, which ignores a non-canonical one), then the region's cached pages;
 * the region leaves if the fetch path changed (a recently fetched code page's leaf: the epoch).
 */
const invlpg: Template = (e, i) => {
  if (!canAddress(i)) return false;
  effectiveAddress(e);
  e.line('c.invalidatePage(ea);');
  e.dropPageCaches();
  e.afterWrite(false);
  return true;
};

/** CBW/CWDE/CDQE: the lower half of rAX sign-extended into rAX (a 16-bit write keeps RAX's upper bits, a 32-bit one clears them). */
const cbw: Template = (e, i) => {
  const a = e.lo(RAX);
  if (i.opSize === 2) e.set(RAX, `(${a} & -65536) | (((${a} << 24) >> 24) & 0xffff)`, e.hi(RAX));
  else if (i.opSize === 4) e.set(RAX, `(${a} << 16) >> 16`, '0');
  else e.set(RAX, a, `${a} >> 31`);
  return true;
};
/** CWD/CDQ/CQO: rDX = the sign of rAX. */
const cwd: Template = (e, i) => {
  if (i.opSize === 2) e.set(RDX, `(${e.lo(RDX)} & -65536) | (((${e.lo(RAX)} << 16) >> 31) & 0xffff)`, e.hi(RDX));
  else if (i.opSize === 4) e.set(RDX, `${e.lo(RAX)} >> 31`, '0');
  else e.set(RDX, `${e.hi(RAX)} >> 31`, `${e.hi(RAX)} >> 31`);
  return true;
};

// SSE register forms whose lanes are defined as source (exec/vector-source.ts):
// inline on the vector registers, which stay in the context (no local to
// write back). Other forms run on their handlers (tier.ts: vectorFallback).
/**
 * MOVAPS MOVUPS MOVDQA MOVDQU … between XMM registers, and their 16-byte loads and
 * stores as the handler does them (sse-operands.ts readVec/writeVec): #GP(0) when an
 * aligned form's address is not 16-aligned, then every byte probed before any is
 * moved, so neither the register nor memory changes if the access faults.
 */
const movVec: Template = (e, i) => {
  const toV = i.row.operands[0]!.kind === 'V', X = e.vectors();
  if (!i.isMem) {
    e.line(dwordLanesSource(MOVE_LANES, X, String(toV ? i.reg : i.rm), String(toV ? i.rm : i.reg)));
    return true;
  }
  if (!canAddress(i) || i.memSize !== 16) return false;
  effectiveAddress(e);
  if ((i.row.attrs & Attr.A16) !== 0) e.line(`if ((ea & 15) !== 0) c.raise(${Vector.GP}, 0);`);
  const x = i.reg * 8, copy = e.constant(i), lanes = [0, 1, 2, 3];
  // The instruction's copy of its page's TLB entry first, as the handler (sse-move.ts loadVec16,
  // storeVec16): one check where the MMU path takes a probe and two accesses.
  if (toV) {
    e.line(`q = M.readableAt(${copy}, ea, 16); if (q >= 0) { const cv = ${copy}.cacheView; ${lanes.map((k) => `${X}[${x + k}] = cv.getInt32(q + ${4 * k}, true);`).join(' ')} } else {`);
    e.access('M.probeRead(ea, 16);');
    e.access('v = M.read64(ea); w = M.hi;');
    e.access('u = M.read64(ea + 8);');
    e.line(`${X}[${x}] = v; ${X}[${x + 1}] = w; ${X}[${x + 2}] = u; ${X}[${x + 3}] = M.hi; }`);
  } else {
    // A write the copy grants cannot hit decoded code (the TLB grants none there): no epoch check after it.
    e.line(`q = M.writableAt(${copy}, ea, 16); if (q >= 0) { const cv = ${copy}.cacheView; ${lanes.map((k) => `cv.setInt32(q + ${4 * k}, ${X}[${x + k}], true);`).join(' ')} } else {`);
    e.access('M.probeWrite(ea, 16);');
    e.access(`M.write64(ea, ${X}[${x}], ${X}[${x + 1}]);`);
    e.access(`M.write64(ea + 8, ${X}[${x + 2}], ${X}[${x + 3}]); ${WROTE_THROUGH_MMU}`);
    e.line('}');
    e.afterWrite(true);
  }
  return true;
};
/**
 * MOVQ xmm, xmm/m64 (F3 0F 7E) and MOVQ xmm/m64, xmm (66 0F D6), as the handler
 * (sse-move.ts movqXmm): a register destination gets the low qword and zeroes the rest.
 */
const movqXmm: Template = (e, i) => {
  if (i.isMem && !canAddress(i)) return false;
  const load = i.row.operands[0]!.kind === 'V', X = e.vectors();
  const d = (load ? i.reg : i.rm) * 8, s = (load ? i.rm : i.reg) * 8;
  if (i.isMem) {
    effectiveAddress(e); // an m64 operand: no alignment rule
    if (!load) {
      e.access(`M.write64(ea, ${X}[${s}], ${X}[${s + 1}]);`);
      e.afterWrite(false);
      return true;
    }
    e.access('v = M.read64(ea); w = M.hi;');
    e.line(`${X}[${d}] = v; ${X}[${d + 1}] = w;`);
  } else e.line(`${X}[${d}] = ${X}[${s}]; ${X}[${d + 1}] = ${X}[${s + 1}];`);
  e.line(`${X}[${d + 2}] = 0; ${X}[${d + 3}] = 0;`);
  return true;
};
/**
 * vecInt on XMM registers: the dword operations inline from their lanes'
 * source, the others as a call of the interpreter's kernel (sse-int.ts: pure
 * functions of the vector registers, so no local is written back around it).
 */
const vecInt: Template = (e, i) => {
  if (i.isMem) return false;
  const lane = DWORD_LANES[VEC_OPS[i.row.param]!];
  e.line(lane !== undefined ? dwordLanesSource(lane, e.vectors(), String(i.reg), String(i.rm)) : kernelCall(e, i, i.reg, i.rm));
  return true;
};
/** vecShiftImm (on ModRM.rm): PSLLD, PSRLD, PSRAD inline, the other shifts as a kernel call. */
const vecShiftImm: Template = (e, i) => {
  const kind = DWORD_SHIFT_OPS.indexOf(VEC_OPS[i.row.param]!), r = String(i.rm);
  e.line(kind >= 0 ? `{ const n = ${i.imm & 0xff}; ${dwordLanesSource(DWORD_SHIFT_LANES[kind]!, e.vectors(), r, r)} }` : kernelCall(e, i, i.rm, i.rm));
  return true;
};
/** The call of the row's kernel on slots d and s, as its handler makes it (exec/sse-int.ts bindVecInt, bindVecShiftImm). */
const kernelCall = (e: Emitter, i: Insn, d: number, s: number): string => `${e.constant(kernel(i.row.param))}(c.xmm, ${d}, ${s}, ${i.imm});`;
/** The immediate dword shifts in DWORD_SHIFT_LANES order. */
const DWORD_SHIFT_OPS: readonly VecOp[] = ['pslldi', 'psrldi', 'psradi'];

/** The templates by executor; an executor without one always runs on its interpreter handler. */
export const TEMPLATES: { readonly [K in ExecutorName]?: Template } = {
  movVec, movqXmm, vecInt, vecShiftImm,
  alu, incdec, neg, not, mov, movzx: extend(false), movsx: extend(true), lea, shift, imul, cmov, setcc, cbw, cwd, push, pop, pushf, call, ret, jcc, jmp, nop,
  cld, std, movFromSeg, movFromCr, invlpg,
  mul: wideMulDiv(mulValue), imul1: wideMulDiv(imul1Value), div: wideMulDiv(divValue), idiv: wideMulDiv(idivValue),
};
