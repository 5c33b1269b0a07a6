// ADD OR ADC SBB AND SUB XOR CMP TEST, INC DEC NEG NOT (SDM Vol. 2 entries).
// The cores are built from alu-source.ts (the one definition); 64-bit values travel as (lo, hi) int32 pairs
// and results come back in operand slot 0. Flags: CF/AF/OF go to fAux eagerly
// (a few bit operations), ZF/SF/PF lazily. AF after AND/OR/XOR/TEST is
// undefined; this model clears it (AMD behaviour).
import { CF } from '../../arch/rflags.js';
import { ALU_ADD, ALU_ADC, ALU_SUB, ALU_SBB, ALU_CMP, ALU_OR, ALU_XOR, ALU_AND, ALU_TEST } from '../../isa/executors.js';
import type { Insn } from '../../isa/insn.js';
import type { ExecContext, Handler } from '../context.js';
import { CONTEXT_FLAGS } from '../flags-source.js';
import { buildFunction, builtOnDemand } from '../generated.js';
import { addSource, subSource, logicSource, incDecSource, aluSource, type Operand } from './alu-source.js';
import { effectiveAddress, loadOperand, storeOperand } from '../operands.js';
import { heldReadableAt, heldWritableAt, isHeldAddressable } from '../held-operand.js';
import type { RowBinder } from './binding.js';

/**
 * `a op b` at 1, 2 or 4 bytes: sets the flags and returns the result. Small
 * cores, so that V8 inlines the one a handler needs (with a constant size);
 * built from alu-source.ts, the definition the compiled tier inlines.
 */
export function aluNarrow(c: ExecContext, op: number, size: number, a: number, b: number): number {
  switch (op) {
    case ALU_ADD: return addNarrow(c, size, a, b, 0);
    case ALU_ADC: return addNarrow(c, size, a, b, c.fAux & CF);
    case ALU_SUB: case ALU_CMP: return subNarrow(c, size, a, b, 0);
    case ALU_SBB: return subNarrow(c, size, a, b, c.fAux & CF);
    case ALU_OR: return orNarrow(c, size, a, b, 0);
    case ALU_XOR: return xorNarrow(c, size, a, b, 0);
    default: return andNarrow(c, size, a, b, 0); // AND, TEST
  }
}

const A: Operand = { lo: 'a', hi: 'ah' }, B: Operand = { lo: 'b', hi: 'bh' };
type NarrowCore = (c: ExecContext, size: number, a: number, b: number, carry: number) => number;
/** A narrow core: the operation's source at sizes 1, 2 and 4, chosen by `size`, the result returned. */
const narrow = (name: string, source: (size: number) => string): NarrowCore =>
  buildFunction(name, ['c', 'size', 'a', 'b', 'carry'], `let r = 0; switch (size) { case 1: ${source(1)} return r; case 2: ${source(2)} return r; default: ${source(4)} return r; }`);
const addNarrow = narrow('addNarrow', (n) => addSource(n, A, B, 'carry', 'r', null, CONTEXT_FLAGS));
const subNarrow = narrow('subNarrow', (n) => subSource(n, A, B, 'carry', 'r', null, CONTEXT_FLAGS));
const orNarrow = narrow('orNarrow', (n) => logicSource(n, '|', A, B, 'r', null, CONTEXT_FLAGS));
const xorNarrow = narrow('xorNarrow', (n) => logicSource(n, '^', A, B, 'r', null, CONTEXT_FLAGS));
const andNarrow = narrow('andNarrow', (n) => logicSource(n, '&', A, B, 'r', null, CONTEXT_FLAGS));

/**
 * `a op b` at 8 bytes: sets the flags and, unless `op` is CMP or TEST, stores
 * the result at index k of the int32 pair (lo, hi) — a register of the
 * register file, or an operand slot. Small cores so that V8 inlines the one a
 * handler needs.
 */
export function alu64(c: ExecContext, op: number, a: number, ah: number, b: number, bh: number, lo: Int32Array, hi: Int32Array, k: number): void {
  switch (op) {
    case ALU_ADD: add64(c, a, ah, b, bh, 0, lo, hi, k); return;
    case ALU_ADC: add64(c, a, ah, b, bh, c.fAux & CF, lo, hi, k); return;
    case ALU_SUB: sub64(c, a, ah, b, bh, 0, lo, hi, k); return;
    case ALU_SBB: sub64(c, a, ah, b, bh, c.fAux & CF, lo, hi, k); return;
    case ALU_CMP: cmp64(c, a, ah, b, bh, 0, lo, hi, k); return;
    case ALU_OR: or64(c, a, ah, b, bh, 0, lo, hi, k); return;
    case ALU_XOR: xor64(c, a, ah, b, bh, 0, lo, hi, k); return;
    case ALU_AND: and64(c, a, ah, b, bh, 0, lo, hi, k); return;
    default: test64(c, a, ah, b, bh, 0, lo, hi, k); // TEST
  }
}

type WideCore = (c: ExecContext, a: number, ah: number, b: number, bh: number, carry: number, lo: Int32Array, hi: Int32Array, k: number) => void;
const wide = (name: string, source: string): WideCore => buildFunction(name, ['c', 'a', 'ah', 'b', 'bh', 'carry', 'lo', 'hi', 'k'], source);
const add64 = wide('add64', addSource(8, A, B, 'carry', 'lo[k]', 'hi[k]', CONTEXT_FLAGS));
const sub64 = wide('sub64', subSource(8, A, B, 'carry', 'lo[k]', 'hi[k]', CONTEXT_FLAGS));
const cmp64 = wide('cmp64', subSource(8, A, B, '0', null, null, CONTEXT_FLAGS));
const or64 = wide('or64', logicSource(8, '|', A, B, 'lo[k]', 'hi[k]', CONTEXT_FLAGS));
const xor64 = wide('xor64', logicSource(8, '^', A, B, 'lo[k]', 'hi[k]', CONTEXT_FLAGS));
const and64 = wide('and64', logicSource(8, '&', A, B, 'lo[k]', 'hi[k]', CONTEXT_FLAGS));
const test64 = wide('test64', logicSource(8, '&', A, B, null, null, CONTEXT_FLAGS));

/** `a op b` at any size: sets the flags and leaves the result in slot 0. */
export function alu(c: ExecContext, op: number, size: number, a: number, ah: number, b: number, bh: number): void {
  const v = c.ops;
  if (size === 8) alu64(c, op, a, ah, b, bh, v.lo, v.hi, 0);
  else v.lo[0] = aluNarrow(c, op, size, a, b);
}

const writesResult = (op: number): boolean => op !== ALU_CMP && op !== ALU_TEST;

/** The generic form: load both operands, operate, write operand 0 back (not for CMP/TEST). */
function aluGeneric(op: number): Handler {
  const w = writesResult(op);
  return (c, i) => {
    loadOperand(c, i, 0);
    loadOperand(c, i, 1);
    const v = c.ops;
    alu(c, op, i.size0, v.lo[0]!, v.hi[0]!, v.lo[1]!, v.hi[1]!);
    if (w) storeOperand(c, i, 0);
  };
}

// Specialised register forms (destination d, source register s or the immediate), one
// function per operation, size and form, built from the operation's source: no switch on
// the operation and no call at run time (the interpreter's hottest handlers). 1- and 2-byte
// registers (AH..BH included) go through getReg/setReg, which merge.
const REGISTER = (r: string): Operand => ({ lo: `L[${r}]`, hi: `H[${r}]` });
const narrowRegister = (size: number, r: string): Operand => ({ lo: `c.getReg(${size}, ${r})`, hi: '0' });
const registerForm = builtOnDemand((op: number, size: 1 | 2 | 4 | 8, dst: 'rm' | 'reg', src: 'rm' | 'reg' | 'imm'): Handler => {
  const w = writesResult(op), wide = size >= 4;
  const a = wide ? REGISTER('d') : narrowRegister(size, 'd');
  const b: Operand = src === 'imm' ? { lo: 'i.imm', hi: size === 8 ? 'i.immHi' : '0' } : wide ? REGISTER(`i.${src}`) : narrowRegister(size, `i.${src}`);
  // A 4-byte result zero-extends (H[d] = 0): below 8 bytes the sources assign 0 to the high dword.
  const result = !w ? '' : wide ? '' : `c.setReg(${size}, d, v, 0);`;
  return buildFunction<Handler>(`alu${op}_${size}_${dst}_${src}`, ['c', 'i'], `const L = c.regLo, H = c.regHi, d = i.${dst}; let v = 0, vh = 0;
${aluSource(op, size, a, b, !w ? null : wide ? 'L[d]' : 'v', !w ? null : wide ? 'H[d]' : 'vh', CONTEXT_FLAGS)} ${result}`);
});

/**
 * Memory forms of 4 and 8 bytes, as the operand stage runs them (operands.ts):
 * a memory destination is probed for writing before it is read (a fault
 * reports a write), CMP and TEST only read it; `src` is a register or the immediate.
 * A #PF the accessor deferred (mmu.ts deferCached) returns before anything changes.
 * With 'held' addressing (held-operand.ts: not RIP-relative, no FS/GS), an operand in the
 * page the instruction's copy holds is found there first, without its linear address.
 */
const memoryForm = builtOnDemand((op: number, size: 4 | 8, memoryIs: 'dst' | 'src', src: 'reg' | 'imm', addressing: 'held' | 'any'): Handler => {
  const held = addressing === 'held';
  const w = writesResult(op), M: Operand = { lo: 'v', hi: 'vh' };
  const writes = w && memoryIs === 'dst';
  const read = `${size === 8 ? 'v = M.read64Cached(i, a); vh = M.hi;' : 'v = M.read32Cached(i, a);'} if (M.faultDeferred) return;`;
  const fastRead = size === 8 ? 'v = V.getInt32(at, true); vh = V.getInt32(at + 4, true);' : 'v = V.getInt32(at, true);';
  // `at`: where the operand lies in i.cacheView, or -1.
  const locate = held ? `at = ${writes ? 'heldWritableAt' : 'heldReadableAt'}(c, i, ${size});` : '';
  let body: string;
  const load = `if (at >= 0) { const V = i.cacheView; ${fastRead} } else { a = effectiveAddress(c, i); ${read} }`;
  if (memoryIs === 'src') body = `const d = i.reg; ${load} ${aluSource(op, size, REGISTER('d'), M, w ? 'L[d]' : null, w ? 'H[d]' : null, CONTEXT_FLAGS)}`;
  else {
    const b: Operand = src === 'imm' ? { lo: 'i.imm', hi: size === 8 ? 'i.immHi' : '0' } : REGISTER('i.reg');
    const alu = aluSource(op, size, M, b, w ? 'v' : null, w ? 'vh' : null, CONTEXT_FLAGS);
    if (!w) body = `${load} ${alu}`;
    else {
      // A page the TLB lets this instruction write directly is readable too (access.ts: every write
      // grant comes with the read grant of its mode): read and write it there, one lookup for both.
      const write = size === 8 ? 'M.write64Cached(i, a, v, vh);' : 'M.write32Cached(i, a, v);';
      const fastWrite = size === 8 ? 'V.setInt32(at, v, true); V.setInt32(at + 4, vh, true);' : 'V.setInt32(at, v, true);';
      body = `if (at < 0) { a = effectiveAddress(c, i); at = M.writableAt(i, a, ${size}); }
const V = i.cacheView;
if (at >= 0) { ${fastRead} } else { M.probeWriteCached(i, a, ${size}); if (M.faultDeferred) return; ${read} }
${alu}
if (at >= 0) { ${fastWrite} } else ${write}`;
    }
  }
  return buildFunction<Handler>(`alu${op}_${size}_mem_${memoryIs}_${src}${held ? '_held' : ''}`, ['c', 'i'],
    `const L = c.regLo, H = c.regHi, M = c.mmu; let v = 0, vh = 0, a = 0, at = -1;\n${locate}\n${body}`, { effectiveAddress, heldReadableAt, heldWritableAt });
});

/** ALU rows: register forms, and 4- and 8-byte memory forms, get their own handlers; the rest the generic one (LOCK needs nothing more: an instruction runs whole before anything else does). */
export const bindAlu: RowBinder = (row) => {
  const op = row.param;
  const generic = aluGeneric(op);
  const kinds = row.operands.map((o) => o.kind).join('');
  return (i: Insn, specialise: boolean) => {
    if (!specialise) return generic;
    if (i.isMem) {
      if (i.size0 < 4) return generic;
      const size = i.opSize === 8 ? 8 : 4;
      const held = isHeldAddressable(i) ? 'held' : 'any';
      if (kinds === 'GE') return memoryForm(op, size, 'src', 'reg', held);
      if (kinds === 'EG') return memoryForm(op, size, 'dst', 'reg', held);
      return kinds === 'EI' ? memoryForm(op, size, 'dst', 'imm', held) : generic;
    }
    const size = i.size0 as 1 | 2 | 4 | 8;
    if (kinds === 'EG') return registerForm(op, size, 'rm', 'reg');
    if (kinds === 'GE') return registerForm(op, size, 'reg', 'rm');
    // E, imm and rAX, imm (the decoder leaves rm = 0 = rAX for the accumulator forms).
    if (kinds === 'EI' || kinds === 'fixedI') return registerForm(op, size, 'rm', 'imm');
    return generic;
  };
};

/** INC (param 0) / DEC (1) of (a, ah) at `size` bytes: ADD/SUB 1 with CF preserved; the result in slot 0. */
export const incDec: (c: ExecContext, param: number, size: number, a: number, ah: number) => void = buildFunction('incDec', ['c', 'param', 'size', 'a', 'ah'],
  `const O = c.ops; switch (param * 16 + size) { ${[0, 1].flatMap((p) => [1, 2, 4, 8].map((n) =>
    `case ${p * 16 + n}: ${incDecSource(p, n, A, 'O.lo[0]', 'O.hi[0]', CONTEXT_FLAGS)} return;`)).join(' ')} }`);

export const bindIncDec: RowBinder = (row) => {
  const h: Handler = (c, i) => {
    loadOperand(c, i, 0);
    incDec(c, row.param, i.size0, c.ops.lo[0]!, c.ops.hi[0]!);
    storeOperand(c, i, 0);
  };
  return () => h;
};

/** NEG: 0 - operand. */
export const neg: Handler = (c, i) => {
  loadOperand(c, i, 0);
  alu(c, ALU_SUB, i.size0, 0, 0, c.ops.lo[0]!, c.ops.hi[0]!);
  storeOperand(c, i, 0);
};

/** NOT: no flags. */
export const not: Handler = (c, i) => {
  loadOperand(c, i, 0);
  const v = c.ops;
  v.lo[0] = ~v.lo[0]!; v.hi[0] = ~v.hi[0]!;
  storeOperand(c, i, 0);
};
