// Case generators for the x87 differential suites: an x87 state (FXSAVE64 bytes 0-159) with a
// stack of random depth holding values biased to the hard cases (fpu-gen.ts: zeros, denormals,
// pseudo-denormals, unnormals, infinities, NaNs, extremes, ties), every RC, the three PC settings
// (and the reserved one), mostly masked exceptions with some unmasked, a few stack faults, and a
// memory operand at (%rsi) of the instruction's kind.
import { gen32, gen64, gen80, genI32, genI64, related80 } from './fpu-gen.js';
import type { Rng } from './rng.js';
import { MEM_OFF, type Gen, type GenCtx } from './diff.js';

export type X87Mem = 'f32' | 'f64' | 'f80' | 'i16' | 'i32' | 'i64' | 'bcd' | 'env' | 'fx' | 'm64' | 'none';

export interface X87GenOptions {
  /** random cases (default 200) */
  random?: number;
  /** stack registers the instruction reads (ST(0) … ST(need-1)); fewer in some cases: stack faults */
  need?: number;
  /** the memory operand at (%rsi) */
  mem?: X87Mem;
  /** probability of unmasked exceptions (default 0.15) */
  unmasked?: number;
  /** a full stack in some cases (push overflow) */
  full?: boolean;
  /** ST(0) always empty, the rest of the stack as generated (FSTP1 with an empty ST(0)) */
  emptySt0?: boolean;
  /** random XMM0-15 and MXCSR too */
  sse?: boolean;
  /** MMX: registers hold uniformly random 64-bit significands */
  mmx?: boolean;
}

function le(v: bigint, n: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < n; k++) out.push(Number((v >> BigInt(8 * k)) & 0xffn));
  return out;
}

function bcd(rng: Rng): number[] {
  const b: number[] = [];
  for (let k = 0; k < 9; k++) {
    const d = () => (rng.bool(0.05) ? rng.int(10, 15) : rng.below(10));
    b.push(rng.bool(0.3) ? 0 : (d() << 4) | d());
  }
  b.push(rng.bool() ? 0x80 : 0);
  return b;
}

function memoryBytes(rng: Rng, kind: X87Mem): number[] {
  switch (kind) {
    case 'f32': return le(BigInt(gen32(rng)), 4);
    case 'f64': { const [lo, hi] = gen64(rng); return le((BigInt(hi) << 32n) | BigInt(lo), 8); }
    case 'm64': return Array.from(rng.bytes(8));
    case 'f80': { const [lo, hi, se] = gen80(rng); return le((BigInt(se) << 64n) | (BigInt(hi) << 32n) | BigInt(lo), 10); }
    case 'i16': return le(BigInt(rng.pick([0, 1, -1, 0x7fff, -0x8000, rng.int(-40000, 40000)]) & 0xffff), 2);
    case 'i32': return le(BigInt(genI32(rng) >>> 0), 4);
    case 'i64': { const [lo, hi] = genI64(rng); return le((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0), 8); }
    case 'bcd': return bcd(rng);
    case 'env': return Array.from(rng.bytes(108));
    case 'fx': {
      // a 512-byte FXSAVE image: random, with a valid MXCSR (a reserved bit in some: #GP(0))
      const b = Array.from(rng.bytes(512));
      // (bit 17, AMD's MM, is left out: the model does not have it, the host may)
      const bit = rng.int(16, 30);
      const mxcsr = rng.bool(0.1) ? (1 << (bit === 17 ? 31 : bit)) >>> 0 : rng.below(0x10000);
      for (let k = 0; k < 4; k++) b[24 + k] = (mxcsr >>> (8 * k)) & 0xff;
      return b;
    }
    default: return [];
  }
}

/** One x87 state image: `depth` valid registers from TOP, the control and status words. */
export function x87State(rng: Rng, depth: number, unmaskedP: number, mmx = false): Uint8Array {
  const img = new Uint8Array(160);
  const v = new DataView(img.buffer);
  const top = rng.below(8);
  const masks = rng.bool(unmaskedP) ? rng.below(64) : 0x3f;
  const pc = rng.pick([0, 2, 3, 3, 1]);
  const rc = rng.below(4);
  v.setUint16(0, masks | 0x40 | (pc << 8) | (rc << 10), true);
  let fsw = (top << 11) | (rng.below(2) << 8) | (rng.below(2) << 9) | (rng.below(2) << 10) | (rng.below(2) << 14);
  if (rng.bool(0.05)) {
    // sticky flags, ES and B when one of them is unmasked (a pending exception: #MF)
    const f = rng.below(64);
    fsw |= f;
    if (f & ~masks & 0x3f) fsw |= 0x8080;
  }
  v.setUint16(2, fsw, true);
  let tags = 0;
  let first: [number, number, number] | undefined;
  for (let k = 0; k < 8; k++) {
    const o = 32 + 16 * k;
    const val: [number, number, number] = mmx ? [rng.u32(), rng.u32(), rng.below(0x10000)]
      : k === 1 && first && rng.bool(0.5) ? related80(rng, first) : gen80(rng);
    if (k === 0) first = val;
    v.setUint32(o, val[0] >>> 0, true);
    v.setUint32(o + 4, val[1] >>> 0, true);
    v.setUint16(o + 8, val[2] & 0xffff, true);
    if (k < depth) tags |= 1 << ((top + k) & 7);
  }
  img[4] = tags;
  return img;
}

/** Cases for one x87 form. */
export function x87Gen(o: X87GenOptions = {}): Gen {
  const n = o.random ?? 200;
  const need = o.need ?? 0;
  const mem = o.mem ?? 'none';
  return (g: GenCtx) => {
    for (let k = 0; k < n; k++) {
      const rng = g.rng;
      let depth: number;
      const r = rng.below(20);
      if (r === 0) depth = rng.below(Math.max(1, need)); // underflow
      else if (r === 1 || (o.full && r < 4)) depth = 8;
      else depth = Math.min(8, need + rng.below(3));
      const x87 = x87State(rng, depth, o.unmasked ?? 0.15, o.mmx);
      if (o.emptySt0) x87[4] = x87[4]! & ~(1 << ((x87[3]! >> 3) & 7)); // TOP: FSW bits 11-13
      const bytes = memoryBytes(rng, mem);
      const data = bytes.length ? [{ off: MEM_OFF, bytes: Uint8Array.from(bytes) }] : [];
      if (o.sse) g.add({ x87, data, xmm: rng.bytes(256), mxcsr: rng.below(0x10000) });
      else g.add({ x87, data });
    }
  };
}

// ---------------------------------------------------------------------------------------------
// Forms from the table: every implemented x87 row, its register forms with ST(1) and ST(3) (and
// ST(0)), its memory form at (%rsi).

import { opcodeRows } from '../../src/isa/opcodes.js';
import type { OpcodeRow } from '../../src/isa/table.js';
import type { SuiteBuilder } from './diff.js';

const hex2 = (b: number) => `0x${b.toString(16).padStart(2, '0')}`;

/** The memory operand kind of an x87 row. */
function memKind(r: OpcodeRow): X87Mem {
  const m = r.operands.find((o) => o.kind === 'M');
  if (!m) return 'none';
  if (m.size === 'x') return 'env';
  const name = r.mnemonic;
  if (name.startsWith('fb')) return 'bcd';
  const int = name.startsWith('fi');
  switch (m.size) {
    case 'w': return 'i16';
    case 'd': return int ? 'i32' : 'f32';
    case 'q': return int ? 'i64' : 'f64';
    default: return 'f80';
  }
}

/** How many stack registers a row reads (for the stack depth of its cases). */
function needOf(r: OpcodeRow, sti: number): number {
  if (r.executor === 'x87Load' || r.executor === 'x87Const' || r.executor === 'x87Control' || r.executor === 'x87Env') {
    return r.executor === 'x87Load' && r.mod === 'reg' ? sti + 1 : 0;
  }
  const stackOperand = r.mod === 'reg' && r.rm < 0 ? sti + 1 : 1;
  if (r.id === 'Fcompp' || r.id === 'Fucompp' || r.id === 'Fscale' || r.id === 'Fprem' || r.id === 'Fprem1') return 2;
  return Math.max(1, stackOperand);
}

export function x87Rows(filter: (r: OpcodeRow) => boolean): OpcodeRow[] {
  return opcodeRows().filter((r) => (r.executor.startsWith('x87') || r.executor === 'fcmov') && !r.pending && filter(r));
}

/** Adds the forms of the x87 rows `filter` selects. */
export function x87RowForms(s: SuiteBuilder, filter: (r: OpcodeRow) => boolean, random = 200): void {
  for (const r of x87Rows(filter)) {
    const mem = memKind(r);
    if (r.mod === 'mem') {
      const bytes = [r.opcode, (r.ext << 3) | 6];
      s.form(`.byte ${bytes.map(hex2).join(', ')}`, x87Gen({ random, need: needOf(r, 0), mem, full: r.executor === 'x87Load' }),
        { name: `${r.id} (%rsi)` });
      continue;
    }
    const regs = r.rm >= 0 ? [r.rm] : r.operands.length ? [1, 3, 0] : [0];
    for (const i of regs) {
      const bytes = [r.opcode, 0xc0 | (r.ext << 3) | i];
      const n = i === 0 && r.rm < 0 ? Math.round(random / 4) : random;
      const full = r.executor === 'x87Load' || r.executor === 'x87Const';
      s.form(`.byte ${bytes.map(hex2).join(', ')}`, x87Gen({ random: n, need: needOf(r, i), full }),
        { name: r.rm >= 0 ? r.id : `${r.id} st(${i})` });
    }
  }
}

/** Forms of the MMX rows: register (MM2, MM5), memory (%rsi), the immediates given. */
export function mmxRowForms(s: SuiteBuilder, random = 150): void {
  for (const r of opcodeRows().filter((x) => ['mmxInt', 'mmxShiftImm', 'mmxMov', 'emms'].includes(x.executor))) {
    const op = r.map === 2 ? [0x0f, 0x38, r.opcode] : [0x0f, r.opcode];
    const imms = r.imms.length ? [0x01, 0x0f, 0x1b, 0x21, 0xe4] : [undefined];
    const g = (mem: boolean) => x87Gen({ random: Math.round(random / imms.length), mmx: true, sse: true, mem: mem ? 'm64' : 'none', unmasked: 0.05 });
    for (const imm of imms) {
      const tail = imm === undefined ? [] : [imm];
      if (r.operands.length === 0) { s.form(`.byte ${op.map(hex2).join(', ')}`, g(false), { name: r.id }); continue; }
      if (r.mod !== 'mem') {
        const modrm = r.ext >= 0 ? 0xc0 | (r.ext << 3) | 5 : 0xc0 | (2 << 3) | 5;
        s.form(`.byte ${[...op, modrm, ...tail].map(hex2).join(', ')}`, g(false), { name: `${r.id} reg${imm === undefined ? '' : ` $${imm}`}` });
        if (r.executor === 'mmxMov' && r.operands.some((o) => o.size === 'y')) {
          s.form(`.byte ${[0x48, ...op, modrm].map(hex2).join(', ')}`, g(false), { name: `${r.id} REX.W reg` });
        }
      }
      if (r.mod !== 'reg' && r.executor !== 'mmxShiftImm') {
        s.form(`.byte ${[...op, (2 << 3) | 6, ...tail].map(hex2).join(', ')}`, g(true), { name: `${r.id} (%rsi)${imm === undefined ? '' : ` $${imm}`}` });
      }
    }
  }
}
