// Handlers specialised at decode time (OpcodeRow.fast) for the hottest forms:
// register and immediate ALU operations at 32/64 bits, register MOVs, 64-bit
// loads/stores and PUSH/POP. Same semantics as the generic handlers in
// alu.ts/move.ts/stack.ts (the differential tests run both paths); only the
// per-instruction branching on size and operand kind is gone.
import type { Cpu } from '../cpu.js';
import type { Handler, Insn } from '../insn.js';
import { CF, AF, OF } from '../flags.js';
import { ADD, OR, AND, SUB, XOR, CMP, TEST } from './alu.js';

function add64(cpu: Cpu, a: number, ah: number, b: number, bh: number): number {
  const lo = (a >>> 0) + (b >>> 0);
  const hs = (ah >>> 0) + (bh >>> 0) + (lo > 0xffffffff ? 1 : 0);
  const r = lo | 0, h = hs | 0;
  cpu.fAux = (hs > 0xffffffff ? CF : 0) | ((a ^ b ^ r) & AF) | (((ah ^ h) & (bh ^ h)) < 0 ? OF : 0);
  cpu.fZ = r | h; cpu.fS = h; cpu.fP = r; cpu.hi = h;
  return r;
}
function sub64(cpu: Cpu, a: number, ah: number, b: number, bh: number): number {
  const lo = (a >>> 0) - (b >>> 0);
  const hd = (ah >>> 0) - (bh >>> 0) - (lo < 0 ? 1 : 0);
  const r = lo | 0, h = hd | 0;
  cpu.fAux = (hd < 0 ? CF : 0) | ((a ^ b ^ r) & AF) | (((ah ^ bh) & (ah ^ h)) < 0 ? OF : 0);
  cpu.fZ = r | h; cpu.fS = h; cpu.fP = r; cpu.hi = h;
  return r;
}
function logic64(cpu: Cpu, r: number, h: number): number {
  cpu.fAux = 0; cpu.fZ = r | h; cpu.fS = h; cpu.fP = r; cpu.hi = h;
  return r;
}
function add32(cpu: Cpu, a: number, b: number): number {
  const s = (a >>> 0) + (b >>> 0), r = s | 0;
  cpu.fAux = (s > 0xffffffff ? CF : 0) | ((a ^ b ^ r) & AF) | (((a ^ r) & (b ^ r)) < 0 ? OF : 0);
  cpu.fZ = r; cpu.fS = r; cpu.fP = r;
  return r;
}
function sub32(cpu: Cpu, a: number, b: number): number {
  const d = (a >>> 0) - (b >>> 0), r = d | 0;
  cpu.fAux = (d < 0 ? CF : 0) | ((a ^ b ^ r) & AF) | (((a ^ b) & (a ^ r)) < 0 ? OF : 0);
  cpu.fZ = r; cpu.fS = r; cpu.fP = r;
  return r;
}
function logic32(cpu: Cpu, r: number): number {
  cpu.fAux = 0; cpu.fZ = r; cpu.fS = r; cpu.fP = r;
  return r;
}

// 64-bit, destination register d, source register s.
const rr64: Record<number, (cpu: Cpu, d: number, s: number) => void> = {
  [ADD]: (c, d, s) => { const L = c.regLo, H = c.regHi; L[d] = add64(c, L[d]!, H[d]!, L[s]!, H[s]!); H[d] = c.hi; },
  [SUB]: (c, d, s) => { const L = c.regLo, H = c.regHi; L[d] = sub64(c, L[d]!, H[d]!, L[s]!, H[s]!); H[d] = c.hi; },
  [CMP]: (c, d, s) => { const L = c.regLo, H = c.regHi; sub64(c, L[d]!, H[d]!, L[s]!, H[s]!); },
  [AND]: (c, d, s) => { const L = c.regLo, H = c.regHi; L[d] = logic64(c, L[d]! & L[s]!, H[d]! & H[s]!); H[d] = c.hi; },
  [OR]: (c, d, s) => { const L = c.regLo, H = c.regHi; L[d] = logic64(c, L[d]! | L[s]!, H[d]! | H[s]!); H[d] = c.hi; },
  [XOR]: (c, d, s) => { const L = c.regLo, H = c.regHi; L[d] = logic64(c, L[d]! ^ L[s]!, H[d]! ^ H[s]!); H[d] = c.hi; },
  [TEST]: (c, d, s) => { const L = c.regLo, H = c.regHi; logic64(c, L[d]! & L[s]!, H[d]! & H[s]!); },
};
const rr32: Record<number, (cpu: Cpu, d: number, s: number) => void> = {
  [ADD]: (c, d, s) => { const L = c.regLo; L[d] = add32(c, L[d]!, L[s]!); c.regHi[d] = 0; },
  [SUB]: (c, d, s) => { const L = c.regLo; L[d] = sub32(c, L[d]!, L[s]!); c.regHi[d] = 0; },
  [CMP]: (c, d, s) => { const L = c.regLo; sub32(c, L[d]!, L[s]!); },
  [AND]: (c, d, s) => { const L = c.regLo; L[d] = logic32(c, L[d]! & L[s]!); c.regHi[d] = 0; },
  [OR]: (c, d, s) => { const L = c.regLo; L[d] = logic32(c, L[d]! | L[s]!); c.regHi[d] = 0; },
  [XOR]: (c, d, s) => { const L = c.regLo; L[d] = logic32(c, L[d]! ^ L[s]!); c.regHi[d] = 0; },
  [TEST]: (c, d, s) => { const L = c.regLo; logic32(c, L[d]! & L[s]!); },
};

// Each form gets its own small function so V8 can inline the core into it.
const EG64: Record<number, Handler> = {}, GE64: Record<number, Handler> = {}, EG32: Record<number, Handler> = {}, GE32: Record<number, Handler> = {};
for (const op of [ADD, SUB, CMP, AND, OR, XOR, TEST]) {
  const f64 = rr64[op]!, f32 = rr32[op]!;
  EG64[op] = (c, i) => f64(c, i.rm, i.reg);
  GE64[op] = (c, i) => f64(c, i.reg, i.rm);
  EG32[op] = (c, i) => f32(c, i.rm, i.reg);
  GE32[op] = (c, i) => f32(c, i.reg, i.rm);
}

const RI64: Record<number, Handler> = {
  [ADD]: (c, i) => { const d = i.rm; c.regLo[d] = add64(c, c.regLo[d]!, c.regHi[d]!, i.imm, i.immHi); c.regHi[d] = c.hi; },
  [SUB]: (c, i) => { const d = i.rm; c.regLo[d] = sub64(c, c.regLo[d]!, c.regHi[d]!, i.imm, i.immHi); c.regHi[d] = c.hi; },
  [CMP]: (c, i) => { const d = i.rm; sub64(c, c.regLo[d]!, c.regHi[d]!, i.imm, i.immHi); },
  [AND]: (c, i) => { const d = i.rm; c.regLo[d] = logic64(c, c.regLo[d]! & i.imm, c.regHi[d]! & i.immHi); c.regHi[d] = c.hi; },
  [OR]: (c, i) => { const d = i.rm; c.regLo[d] = logic64(c, c.regLo[d]! | i.imm, c.regHi[d]! | i.immHi); c.regHi[d] = c.hi; },
  [XOR]: (c, i) => { const d = i.rm; c.regLo[d] = logic64(c, c.regLo[d]! ^ i.imm, c.regHi[d]! ^ i.immHi); c.regHi[d] = c.hi; },
  [TEST]: (c, i) => { const d = i.rm; logic64(c, c.regLo[d]! & i.imm, c.regHi[d]! & i.immHi); },
};
const RI32: Record<number, Handler> = {
  [ADD]: (c, i) => { const d = i.rm; c.regLo[d] = add32(c, c.regLo[d]!, i.imm); c.regHi[d] = 0; },
  [SUB]: (c, i) => { const d = i.rm; c.regLo[d] = sub32(c, c.regLo[d]!, i.imm); c.regHi[d] = 0; },
  [CMP]: (c, i) => { sub32(c, c.regLo[i.rm]!, i.imm); },
  [AND]: (c, i) => { const d = i.rm; c.regLo[d] = logic32(c, c.regLo[d]! & i.imm); c.regHi[d] = 0; },
  [OR]: (c, i) => { const d = i.rm; c.regLo[d] = logic32(c, c.regLo[d]! | i.imm); c.regHi[d] = 0; },
  [XOR]: (c, i) => { const d = i.rm; c.regLo[d] = logic32(c, c.regLo[d]! ^ i.imm); c.regHi[d] = 0; },
  [TEST]: (c, i) => { logic32(c, c.regLo[i.rm]! & i.imm); },
};

/** Chooser for `op E, G` / `op G, E` / `op E, imm` rows (not the byte forms). */
export function fastAlu(op: number, form: 'EG' | 'GE' | 'EI'): (i: Insn) => Handler | undefined {
  return (i) => {
    if (i.isMem || (i.opSize !== 8 && i.opSize !== 4)) return undefined;
    const wide = i.opSize === 8;
    if (form === 'EG') return (wide ? EG64 : EG32)[op];
    if (form === 'GE') return (wide ? GE64 : GE32)[op];
    return (wide ? RI64 : RI32)[op];
  };
}

const movRR64: Handler = (c, i) => { c.regLo[i.rm] = c.regLo[i.reg]!; c.regHi[i.rm] = c.regHi[i.reg]!; };
const movRR64GE: Handler = (c, i) => { c.regLo[i.reg] = c.regLo[i.rm]!; c.regHi[i.reg] = c.regHi[i.rm]!; };
const movRR32: Handler = (c, i) => { c.regLo[i.rm] = c.regLo[i.reg]!; c.regHi[i.rm] = 0; };
const movRR32GE: Handler = (c, i) => { c.regLo[i.reg] = c.regLo[i.rm]!; c.regHi[i.reg] = 0; };
const load64: Handler = (c, i) => { const a = c.ea(i); c.regLo[i.reg] = c.mmu.read64(a); c.regHi[i.reg] = c.mmu.hi; };
const load32: Handler = (c, i) => { const a = c.ea(i); c.regLo[i.reg] = c.mmu.read32(a); c.regHi[i.reg] = 0; };
const store64: Handler = (c, i) => { c.mmu.write64(c.ea(i), c.regLo[i.reg]!, c.regHi[i.reg]!); };
const store32: Handler = (c, i) => { c.mmu.write32(c.ea(i), c.regLo[i.reg]!); };

/** MOV E, G (89) */
export const fastMovEG = (i: Insn): Handler | undefined =>
  i.opSize === 8 ? (i.isMem ? store64 : movRR64) : i.opSize === 4 ? (i.isMem ? store32 : movRR32) : undefined;
/** MOV G, E (8B) */
export const fastMovGE = (i: Insn): Handler | undefined =>
  i.opSize === 8 ? (i.isMem ? load64 : movRR64GE) : i.opSize === 4 ? (i.isMem ? load32 : movRR32GE) : undefined;

const movImmReg64: Handler = (c, i) => { c.regLo[i.rm] = i.imm; c.regHi[i.rm] = i.immHi; };
const movImmReg32: Handler = (c, i) => { c.regLo[i.rm] = i.imm; c.regHi[i.rm] = 0; };
/** MOV Z, imm (B8+r) and MOV E, imm (C7) register forms */
export const fastMovImm = (i: Insn): Handler | undefined =>
  i.isMem ? undefined : i.opSize === 8 ? movImmReg64 : i.opSize === 4 ? movImmReg32 : undefined;

const push64: Handler = (c, i) => c.push64(c.regLo[i.rm]!, c.regHi[i.rm]!);
const pop64: Handler = (c, i) => { const r = i.rm; const lo = c.pop64(); c.regLo[r] = lo; c.regHi[r] = c.hi; };
export const fastPush = (i: Insn): Handler | undefined => (i.opSize === 8 ? push64 : undefined);
export const fastPop = (i: Insn): Handler | undefined => (i.opSize === 8 ? pop64 : undefined);

// ---- Jcc with a 64-bit operand size: one function per condition (SDM Vol. 1 Table B-1) ----
const CANON = 0x800000000000;
function jump(c: Cpu, i: Insn): void {
  const t = c.rip + i.imm;
  if (t >= CANON || t < -CANON) c.raise(13, 0);
  c.rip = t;
}
const JCC: Handler[] = [
  (c, i) => { if (c.fAux & OF) jump(c, i); },
  (c, i) => { if (!(c.fAux & OF)) jump(c, i); },
  (c, i) => { if (c.fAux & CF) jump(c, i); },
  (c, i) => { if (!(c.fAux & CF)) jump(c, i); },
  (c, i) => { if (c.fZ === 0) jump(c, i); },
  (c, i) => { if (c.fZ !== 0) jump(c, i); },
  (c, i) => { if ((c.fAux & CF) || c.fZ === 0) jump(c, i); },
  (c, i) => { if (!(c.fAux & CF) && c.fZ !== 0) jump(c, i); },
  (c, i) => { if (c.fS < 0) jump(c, i); },
  (c, i) => { if (c.fS >= 0) jump(c, i); },
  (c, i) => { if (c.cond(10)) jump(c, i); },
  (c, i) => { if (c.cond(11)) jump(c, i); },
  (c, i) => { if ((c.fS < 0) !== ((c.fAux & OF) !== 0)) jump(c, i); },
  (c, i) => { if ((c.fS < 0) === ((c.fAux & OF) !== 0)) jump(c, i); },
  (c, i) => { if (c.fZ === 0 || (c.fS < 0) !== ((c.fAux & OF) !== 0)) jump(c, i); },
  (c, i) => { if (c.fZ !== 0 && (c.fS < 0) === ((c.fAux & OF) !== 0)) jump(c, i); },
];
export const fastJcc = (cc: number) => (i: Insn): Handler | undefined => (i.opSize === 8 ? JCC[cc] : undefined);
export const fastJmp = (i: Insn): Handler | undefined => (i.opSize === 8 ? jump : undefined);

const TWO32 = 4294967296;
const call64: Handler = (c, i) => {
  const ret = c.rip, t = ret + i.imm;
  if (t >= CANON || t < -CANON) c.raise(13, 0);
  const hi = Math.floor(ret / TWO32);
  c.push64((ret - hi * TWO32) | 0, hi);
  c.rip = t;
};
const ret64: Handler = (c) => {
  const lo = c.peek(8, 0);
  const t = c.hi * TWO32 + (lo >>> 0);
  if (t >= CANON || t < -CANON) c.raise(13, 0);
  c.adjustRsp(8);
  c.rip = t;
};
export const fastCall = (i: Insn): Handler | undefined => (i.opSize === 8 ? call64 : undefined);
export const fastRet = (i: Insn): Handler | undefined => (i.opSize === 8 ? ret64 : undefined);
