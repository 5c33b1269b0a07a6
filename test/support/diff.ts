// Differential test engine: a suite is a list of instruction forms (AT&T text,
// assembled with GNU as) plus case generators. Every case runs natively (one
// child process per suite, test/native/exec.c) and in the emulator once per
// execution path (EXECUTION_PATHS, src/cpu/execution-path.ts); all 16 GPRs,
// RFLAGS (all bits on AMD hosts, otherwise minus the emulator's undefinedFlags;
// RF never), RIP, the data and stack areas, the outcome and the exception
// (vector, error code, CR2 for #PF) are compared, and mismatches are reported
// per form (one vitest test per form).
//
// The case set is a pure function of the suite source: every form's generator
// draws from an Rng seeded with "<family>/<form name>", and the counts are the
// ones written in the suite (edge values always all run, plus the listed number
// of random cases). Nothing depends on the speed of the machine; every suite
// prints its case count and a fingerprint of its case set.
//
// Environment knobs:
//   RINGZERO_DIFF_FILTER=regex      only forms whose name matches
//   RINGZERO_DIFF_SCALE=x           x>1 multiplies the random cases of std() generators;
//                                   x<1 keeps an evenly spread fraction x of every form's
//                                   cases (at least 30 per form). Default 1: exactly the
//                                   cases the suite source defines.
//   RINGZERO_DIFF_VERBOSE=1         print all 16 input registers of mismatching cases
//   RINGZERO_DIFF_EXAMPLES=n        mismatching cases shown per form (default 3)
//   RINGZERO_DIFF_REPORT=dir        write <family>.json with the mismatch summary
//   RINGZERO_SNIPPET_MODULE=path    run another runSnippet implementation
//   RINGZERO_NO_NATIVE=1            pretend native execution is unavailable (suites skip loudly)
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { asm1, assemble } from './assemble.js';
import { RowCoverage } from './coverage.js';
import { EXECUTION_PATHS } from '../../src/cpu/execution-path.js';
import { requireNative } from './gate.js';
import { type NativeResult, REPO_ROOT, VECTORS_WITH_ERROR_CODE, runNativePatchedAsync } from './native.js';
import { Rng } from './rng.js';
import {
  ARITH_FLAGS,
  CODE_ADDR,
  DATA_ADDR,
  DATA_SIZE,
  FLAG,
  type Patch,
  REG_INDEX,
  REG_NAMES,
  type RegName,
  STACK_ADDR,
  STACK_SIZE,
  type SnippetLikeInput,
  type SnippetLikeOutput,
  applyPatchesInPlace,
  at,
  flagNames,
  hex,
} from './types.js';

// ---------------------------------------------------------------------------
// Environment

/**
 * RINGZERO_DIFF_SCALE (an explicit choice, never derived from timing): above 1
 * it multiplies the random cases of every std() form, below 1 it keeps that
 * fraction of every form's generated cases (evenly spread, at least MIN_CASES_PER_FORM).
 */
export const SCALE = parseScale(process.env.RINGZERO_DIFF_SCALE);
function parseScale(text: string | undefined): number {
  if (text === undefined || text === '') return 1;
  const x = Number(text);
  if (!Number.isFinite(x) || x <= 0) throw new Error(`RINGZERO_DIFF_SCALE must be a positive number, not ${JSON.stringify(text)}`);
  return x;
}
export const scaled = (n: number): number => Math.max(1, Math.round(n * Math.max(SCALE, 1)));

let amdCache: boolean | undefined;
/** The emulator models AMD's undefined-flag results, so on AMD all flag bits are compared. */
export function hostIsAmd(): boolean {
  if (amdCache === undefined) {
    try {
      amdCache = /vendor_id\s*:\s*AuthenticAMD/.test(readFileSync('/proc/cpuinfo', 'utf8'));
    } catch {
      amdCache = false;
    }
  }
  return amdCache;
}

/** Pointer defaults: operands in memory live at (%rsi), the stack in the middle of its area. */
export const MEM_OFF = 0x1000;
export const RSI_DEFAULT = DATA_ADDR + BigInt(MEM_OFF);
export const RDI_DEFAULT = DATA_ADDR + 0x1800n;
export const RSP_DEFAULT = STACK_ADDR + 0x1000n;

// ---------------------------------------------------------------------------
// Register names / suffixes for building AT&T text

const NAMES8 = ['al', 'cl', 'dl', 'bl', 'spl', 'bpl', 'sil', 'dil'];
const NAMES16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'];
const NAMES32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'];
const HIGH8: Partial<Record<RegName, string>> = { rax: 'ah', rcx: 'ch', rdx: 'dh', rbx: 'bh' };

/** AT&T register name (without %) of a GPR at a width; high=true for ah/ch/dh/bh. */
export function reg(r: RegName, w: number, high = false): string {
  if (high) {
    const h = HIGH8[r];
    if (!h || w !== 8) throw new Error(`no high byte register for ${r}`);
    return h;
  }
  const i = REG_INDEX[r];
  if (w === 64) return r;
  if (i >= 8) return `${r}${w === 8 ? 'b' : w === 16 ? 'w' : 'd'}`;
  return at(w === 8 ? NAMES8 : w === 16 ? NAMES16 : NAMES32, i);
}
/** Operand-size suffix. */
export function sfx(w: number): string {
  switch (w) {
    case 8: return 'b';
    case 16: return 'w';
    case 32: return 'l';
    case 64: return 'q';
  }
  throw new RangeError(`no operand-size suffix for width ${w}`);
}
export const WIDTHS = [8, 16, 32, 64] as const;
export const mask = (w: number): bigint => (1n << BigInt(w)) - 1n;
export const signExt = (v: bigint, w: number): bigint => BigInt.asIntN(w, v);

// ---------------------------------------------------------------------------
// Value generation

export function edgeValues(w: number): bigint[] {
  const m = mask(w);
  const top = 1n << BigInt(w - 1);
  const vals = [0n, 1n, 2n, top - 1n, top, top + 1n, m, m - 1n, 0x55n * (m / 0xffn), 0xaan * (m / 0xffn), 0x7fn, 0x80n, 0xffn];
  if (w >= 32) vals.push(0x7fffffffn, 0x80000000n, 0xffffffffn);
  if (w === 64) vals.push(0x100000000n);
  if (w >= 16) vals.push(0x7fffn, 0x8000n, 0xffffn);
  return [...new Set(vals.map((v) => v & m))];
}

export function countEdges(w: number): bigint[] {
  return [...new Set([0, 1, 2, w - 1, w, w + 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 255].map(BigInt))];
}

export function randomValue(rng: Rng, w: number): bigint {
  const m = mask(w);
  const r = rng.below(100);
  if (r < 20) return rng.pick(edgeValues(w));
  if (r < 32) return BigInt(rng.int(0, 16)) & m;
  if (r < 42) return (-BigInt(rng.int(1, 16))) & m;
  if (r < 52) {
    const b = BigInt(rng.below(w));
    return ((1n << b) + BigInt(rng.int(-1, 1))) & m;
  }
  if (r < 58) return rng.bits(rng.int(1, w)); // fewer significant bits
  return rng.bits(w);
}

export function randomCount(rng: Rng, w: number): bigint {
  return rng.bool(0.6) ? BigInt(rng.int(0, 2 * w + 1)) : BigInt(rng.below(256));
}

// ---------------------------------------------------------------------------
// Operand descriptions for the standard generator

export type ValueKind = 'val' | 'count';
export interface Op {
  loc: 'reg' | 'mem' | 'imm';
  w: number;
  reg?: RegName;
  high?: boolean;
  /** data-area offset for memory operands (default MEM_OFF) */
  off?: number;
  /** immediates: byte position counted from the end of the code (default: the last w/8 bytes) */
  immEnd?: number;
  kind?: ValueKind;
  edges?: readonly bigint[];
  gen?: (rng: Rng) => bigint;
}
export const R = (r: RegName, w: number, extra: Partial<Op> = {}): Op => ({ loc: 'reg', reg: r, w, ...extra });
export const RH = (r: RegName, extra: Partial<Op> = {}): Op => ({ loc: 'reg', reg: r, w: 8, high: true, ...extra });
export const M = (w: number, extra: Partial<Op> = {}): Op => ({ loc: 'mem', w, ...extra });
export const I = (w: number, extra: Partial<Op> = {}): Op => ({ loc: 'imm', w, ...extra });
/** shift count in %cl */
export const CL = (w: number): Op => ({ loc: 'reg', reg: 'rcx', w: 8, kind: 'count', edges: countEdges(w) });
/** shift count as imm8 */
export const ICOUNT = (w: number, extra: Partial<Op> = {}): Op => ({ loc: 'imm', w: 8, kind: 'count', edges: countEdges(w), ...extra });

function opName(op: Op): string {
  if (op.loc === 'reg') return op.reg ? reg(op.reg, op.w, op.high) : `r${op.w}?`;
  if (op.loc === 'mem') return `m${op.w}@${hex(op.off ?? MEM_OFF)}`;
  return `imm${op.w}`;
}

// ---------------------------------------------------------------------------
// Cases

export interface DiffCase {
  code: Uint8Array;
  regs: bigint[];
  rflags: bigint;
  data: Patch[];
  stack: Patch[];
  /** XMM0-15 in (256 bytes; default zeros) and MXCSR in (default 0x1f80) */
  xmm?: Uint8Array;
  mxcsr?: number;
  /** x87 state in: FXSAVE64 bytes 0-159 (default FNINIT's, registers zero) */
  x87?: Uint8Array;
  /** lazily formatted description of the interesting inputs */
  describe: () => string;
}

export interface CaseSpec {
  /** full 64-bit register overrides applied on top of the random defaults */
  regs?: Partial<Record<RegName, bigint>>;
  rflags?: bigint;
  data?: Patch[];
  stack?: Patch[];
  code?: Uint8Array;
  note?: string;
  /** XMM0-15 (256 bytes) and MXCSR */
  xmm?: Uint8Array;
  mxcsr?: number;
  /** x87 state (FXSAVE64 bytes 0-159) */
  x87?: Uint8Array;
  /** XMM registers to show in a mismatch report */
  showXmm?: number[];
}

export class GenCtx {
  readonly cases: DiffCase[] = [];
  constructor(
    readonly rng: Rng,
    readonly code: Uint8Array,
    readonly formName: string,
  ) {}

  /** Random register file with the standard pointers (rsp, rsi, rdi). */
  regs(): bigint[] {
    const r: bigint[] = [];
    for (let i = 0; i < 16; i++) r.push(this.rng.u64());
    r[REG_INDEX.rsp] = RSP_DEFAULT;
    r[REG_INDEX.rsi] = RSI_DEFAULT;
    r[REG_INDEX.rdi] = RDI_DEFAULT;
    return r;
  }
  /** Random arithmetic flags (DF clear). */
  flags(): bigint {
    let f = 0n;
    for (const b of [FLAG.CF, FLAG.PF, FLAG.AF, FLAG.ZF, FLAG.SF, FLAG.OF]) if (this.rng.bool()) f |= b;
    return f;
  }
  add(spec: CaseSpec): void {
    const regs = this.regs();
    if (spec.regs) for (const [k, v] of Object.entries(spec.regs)) if (v !== undefined) regs[REG_INDEX[k as RegName]] = BigInt.asUintN(64, v);
    const rflags = spec.rflags ?? this.flags();
    const note = spec.note;
    const shown = spec.regs ? Object.keys(spec.regs) : [];
    const data = spec.data ?? [];
    const stack = spec.stack ?? [];
    const xmm = spec.xmm;
    this.cases.push({
      code: spec.code ?? this.code,
      regs,
      rflags,
      data,
      stack,
      ...(xmm ? { xmm } : {}),
      ...(spec.mxcsr !== undefined ? { mxcsr: spec.mxcsr } : {}),
      ...(spec.x87 ? { x87: spec.x87 } : {}),
      describe: () =>
        [
          note,
          spec.x87 ? x87Describe(spec.x87) : '',
          ...(spec.showXmm ?? []).map((r) => `xmm${r}=${xmm ? xmmHex(xmm, r) : '0'}`),
          spec.mxcsr !== undefined ? `mxcsr=${hex(spec.mxcsr)}` : '',
          ...shown.map((k) => `${k}=${hex(at(regs, REG_INDEX[k as RegName]))}`),
          ...data.map((p) => `data[${hex(p.off)}]=${bytesHex(p.bytes, 32)}`),
          ...stack.map((p) => `stack[${hex(p.off)}]=${bytesHex(p.bytes, 32)}`),
          `flags=${hex(rflags)}[${flagNames(rflags)}]`,
        ]
          .filter(Boolean)
          .join(' '),
    });
  }
}

export type Gen = (g: GenCtx) => void;

export interface StdOptions {
  ops: Op[];
  /** number of random cases (default 300; multiplied by RINGZERO_DIFF_SCALE > 1) */
  random?: number;
  /** cross the edge values with CF = 0 and CF = 1 */
  carry?: boolean;
  /**
   * edge values: 'product' (default; every combination, sampled when too many),
   * 'each' (each operand's edges with the other operands random), or false
   */
  edges?: boolean | 'product' | 'each';
  /** fixed RFLAGS input (default: random arithmetic flags) */
  rflags?: bigint;
  /** also randomise DF */
  df?: boolean;
  /** register overrides applied to every case (full 64-bit) */
  fixed?: Partial<Record<RegName, bigint>>;
  /** adjust the operand values of a case before they are placed */
  fix?: (vals: bigint[], rng: Rng) => void;
  /** adjust the register file after operands are placed */
  tweak?: (regs: bigint[], rng: Rng) => void;
}

const EDGE_PRODUCT_LIMIT = 700;

/** Every combination of one value from each list, the first list varying fastest. */
function cartesian(lists: readonly (readonly bigint[])[]): bigint[][] {
  return lists.reduce<bigint[][]>((acc, list) => list.flatMap((v) => acc.map((combo) => [...combo, v])), [[]]);
}

/** The standard generator: edge-value products plus random values for the given operands. */
export function std(o: StdOptions): Gen {
  return (g) => {
    const { rng } = g;
    const ops = o.ops;
    const edgesOf = (op: Op): readonly bigint[] =>
      op.edges ?? (op.kind === 'count' ? countEdges(op.w) : edgeValues(op.w));
    const randOf = (op: Op): bigint =>
      op.gen ? op.gen(rng) : op.kind === 'count' ? randomCount(rng, op.w) : randomValue(rng, op.w);

    /** `cf`: force CF to this value (0n or FLAG.CF), or keep the random flags. */
    const emit = (vals: bigint[], cf?: bigint) => {
      if (o.fix) o.fix(vals, rng);
      if (vals.length !== ops.length) throw new Error(`${g.formName}: ${vals.length} operand values for ${ops.length} operands`);
      const placed = ops.map((op, i) => ({ op, v: at(vals, i) & mask(op.w) }));
      const regs = g.regs();
      if (o.fixed) for (const [k, v] of Object.entries(o.fixed)) if (v !== undefined) regs[REG_INDEX[k as RegName]] = BigInt.asUintN(64, v);
      const data: Patch[] = [];
      let code = g.code;
      for (const { op, v } of placed) {
        if (op.loc === 'reg') {
          if (!op.reg) throw new Error(`${g.formName}: register operand without a register`);
          const idx = REG_INDEX[op.reg];
          const shift = op.high ? 8n : 0n;
          const m = mask(op.w) << shift;
          regs[idx] = (at(regs, idx) & ~m) | (v << shift);
        } else if (op.loc === 'mem') {
          data.push({ off: op.off ?? MEM_OFF, bytes: leBytes(v, op.w / 8) });
        } else {
          const n = op.w / 8;
          const end = code.length - (op.immEnd ?? 0);
          if (code === g.code) code = new Uint8Array(g.code);
          code.set(leBytes(v, n), end - n);
        }
      }
      const shownRegs = new Set<number>();
      if (o.fixed) for (const k of Object.keys(o.fixed)) shownRegs.add(REG_INDEX[k as RegName]);
      if (o.tweak) {
        const before = [...regs];
        o.tweak(regs, rng);
        regs.forEach((v, i) => v !== before[i] && shownRegs.add(i));
      }
      let rflags = o.rflags ?? g.flags();
      if (cf !== undefined) rflags = (rflags & ~FLAG.CF) | cf;
      if (o.df && rng.bool()) rflags |= FLAG.DF;
      g.cases.push({
        code,
        regs,
        rflags,
        data,
        stack: [],
        describe: () =>
          [
            ...placed.map(({ op, v }) => `${opName(op)}=${hex(v)}`),
            ...[...shownRegs].map((i) => `${at(REG_NAMES, i)}=${hex(at(regs, i))}`),
            `flags=${hex(rflags)}[${flagNames(rflags)}]`,
          ].join(' '),
      });
    };

    if (o.edges !== false && ops.length > 0) {
      const lists = ops.map(edgesOf);
      const product = lists.reduce((n, l) => n * l.length, 1);
      const cfs: (bigint | undefined)[] = o.carry ? [0n, FLAG.CF] : [undefined];
      /** each operand's edges with the other operands random */
      const eachEdge = () =>
        lists.forEach((list, i) => {
          for (const e of list) for (const cf of cfs) emit(ops.map((op, j) => (j === i ? e : randOf(op))), cf);
        });
      if (o.edges === 'each') {
        eachEdge();
      } else if (product <= EDGE_PRODUCT_LIMIT) {
        for (const combo of cartesian(lists)) for (const cf of cfs) emit([...combo], cf);
      } else {
        // each operand's edges with the others random, plus a sample of the product
        eachEdge();
        for (let k = 0; k < EDGE_PRODUCT_LIMIT; k++) emit(lists.map((l) => rng.pick(l)), o.carry ? (rng.bool() ? FLAG.CF : 0n) : undefined);
      }
    }
    const n = scaled(o.random ?? 300);
    for (let k = 0; k < n; k++) emit(ops.map(randOf));
  };
}

/** A generator written by hand. */
export const custom = (f: Gen): Gen => f;

/** Run `gen` against a modified copy of the assembled code (e.g. a patched rip-relative displacement). */
export function withCode(patch: (code: Uint8Array) => Uint8Array, gen: Gen): Gen {
  return (g) => {
    const g2 = new GenCtx(g.rng, patch(g.code), g.formName);
    gen(g2);
    for (const c of g2.cases) g.cases.push(c);
  };
}

/** Concatenate generators. */
export function all(...gens: Gen[]): Gen {
  return (g) => gens.forEach((gen) => gen(g));
}

export function leBytes(v: bigint, n: number): Uint8Array {
  const b = new Uint8Array(n);
  let x = BigInt.asUintN(n * 8, v);
  for (let i = 0; i < n; i++) {
    b[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return b;
}
/** XMMr of a 256-byte register file as one 128-bit hex number. */
/** An x87 register (ST(k) of an FXSAVE image) as se:significand hex. */
function stHex(img: Uint8Array, k: number): string {
  const o = 32 + 16 * k;
  return Buffer.from(img.subarray(o + 8, o + 10)).reverse().toString('hex') + ':' + Buffer.from(img.subarray(o, o + 8)).reverse().toString('hex');
}

/** The x87 fields of an FXSAVE image (bytes 0-159) for a case description. */
export function x87Describe(img: Uint8Array): string {
  const v = new DataView(img.buffer, img.byteOffset, 160);
  const regs = [0, 1, 2, 3, 4, 5, 6, 7].filter((k) => img[4]! & (1 << ((((v.getUint16(2, true) >> 11) & 7) + k) & 7)));
  return `fcw=${hex(v.getUint16(0, true))} fsw=${hex(v.getUint16(2, true))} ftw=${hex(img[4]!)} ` + regs.map((k) => `st${k}=${stHex(img, k)}`).join(' ');
}

/** Field-by-field differences of two FXSAVE x87 images (bytes 0-23 and the 10 bytes of each register slot). */
export function x87Diffs(a: Uint8Array, b: Uint8Array): [string, string][] {
  const d: [string, string][] = [];
  const va = new DataView(a.buffer, a.byteOffset, 160), vb = new DataView(b.buffer, b.byteOffset, 160);
  const field = (name: string, x: number | bigint, y: number | bigint) => {
    if (x !== y) d.push([`x87.${name}`, `${name}: cpu ${hex(BigInt(x))} emu ${hex(BigInt(y))}`]);
  };
  field('fcw', va.getUint16(0, true), vb.getUint16(0, true));
  field('fsw', va.getUint16(2, true), vb.getUint16(2, true));
  field('ftw', a[4]!, b[4]!);
  field('fop', va.getUint16(6, true), vb.getUint16(6, true));
  field('fip', va.getBigUint64(8, true), vb.getBigUint64(8, true));
  field('fdp', va.getBigUint64(16, true), vb.getBigUint64(16, true));
  for (let k = 0; k < 8; k++) {
    const x = stHex(a, k), y = stHex(b, k);
    if (x !== y) d.push([`x87.st${k}`, `st(${k}): cpu ${x} emu ${y}`]);
  }
  return d;
}

export function xmmHex(xmm: Uint8Array, r: number): string {
  return '0x' + Buffer.from(xmm.subarray(r * 16, r * 16 + 16)).reverse().toString('hex');
}
function bytesHex(b: Uint8Array, max = 16): string {
  const s = Buffer.from(b.subarray(0, max)).toString('hex');
  return b.length > max ? `${s}…(${b.length}B)` : s;
}

/**
 * Patch a rip-relative disp32 so that the operand addresses `target`.
 * `dispEnd` = number of bytes after the displacement to the end of the instruction
 * (the immediate size); the instruction must be the last one of the code.
 */
export function ripRelative(code: Uint8Array, target: bigint, dispEnd = 0): Uint8Array {
  const out = new Uint8Array(code);
  const end = 0x10000000n + BigInt(code.length);
  const disp = target - end;
  out.set(leBytes(disp, 4), code.length - dispEnd - 4);
  return out;
}

// ---------------------------------------------------------------------------
// Suites

export interface FormDef {
  name: string;
  asm: string;
  gen: Gen;
  /** override the emulator instruction budget */
  maxInstructions?: number;
  /** replaces the exact comparison of the x87 images (the transcendentals: within one ulp) */
  compareX87?: X87Compare;
}

/** A comparison of two x87 images (FXSAVE bytes 0-159): cpu, emulator; returns [kind, detail] pairs. */
export type X87Compare = (cpu: Uint8Array, emu: Uint8Array) => [string, string][];

/** Only forms whose name matches RINGZERO_DIFF_FILTER (a regular expression) are run. */
const FILTER = process.env.RINGZERO_DIFF_FILTER ? new RegExp(process.env.RINGZERO_DIFF_FILTER) : undefined;

export class SuiteBuilder {
  readonly forms: FormDef[] = [];
  private names = new Set<string>();
  /** Add an instruction form. `asm` may contain several instructions separated by ';'. */
  form(asm: string, gen: Gen, opts: { name?: string; maxInstructions?: number; compareX87?: X87Compare } = {}): void {
    let name = opts.name ?? asm;
    if (FILTER && !FILTER.test(name)) return;
    if (this.names.has(name)) {
      let k = 2;
      while (this.names.has(`${name} #${k}`)) k++;
      name = `${name} #${k}`;
    }
    this.names.add(name);
    const def: FormDef = { name, asm, gen };
    if (opts.maxInstructions !== undefined) def.maxInstructions = opts.maxInstructions;
    if (opts.compareX87) def.compareX87 = opts.compareX87;
    this.forms.push(def);
  }
}

type EmulatorOutput = SnippetLikeOutput & { undefinedFlags: number; instructions: number; message?: string };
interface EmulatorModule {
  runSnippet(input: SnippetLikeInput): EmulatorOutput;
}

const SNIPPET_MODULE = process.env.RINGZERO_SNIPPET_MODULE ?? join(REPO_ROOT, 'src/testing/snippet.ts');

export async function loadEmulator(): Promise<EmulatorModule> {
  const mod = (await import(/* @vite-ignore */ pathToFileURL(SNIPPET_MODULE).href)) as EmulatorModule;
  if (typeof mod.runSnippet !== 'function') throw new Error(`${SNIPPET_MODULE} does not export runSnippet`);
  return mod;
}

let baseImages: { data: Uint8Array; stack: Uint8Array } | undefined;
/** Deterministic pseudo-random initial memory shared by all cases. */
export function baseMemory(): { data: Uint8Array; stack: Uint8Array } {
  if (!baseImages) {
    const rng = new Rng('ringzero-base-memory');
    baseImages = { data: rng.bytes(DATA_SIZE), stack: rng.bytes(STACK_SIZE) };
  }
  return baseImages;
}

/** With RINGZERO_DIFF_SCALE < 1, a form keeps at least this many of its cases. */
const MIN_CASES_PER_FORM = 30;

/** Evenly spread deterministic subset of `keep` (a fraction) of the cases. */
function subsample<T>(cases: readonly T[], keep: number): T[] {
  const want = Math.min(cases.length, Math.max(MIN_CASES_PER_FORM, Math.round(cases.length * keep)));
  if (want >= cases.length) return [...cases];
  return Array.from({ length: want }, (_, i) => at(cases, Math.floor((i * cases.length) / want)));
}

interface FormState {
  code?: Uint8Array;
  cases: DiffCase[];
  /** native results, one per case (filled by the suite's beforeAll) */
  native: NativeResult[];
  error?: string;
}

/** Assemble every form and generate its cases: a pure function of the suite source (and RINGZERO_DIFF_SCALE). */
function prepareForms(family: string, forms: readonly FormDef[]): Map<FormDef, FormState> {
  const state = new Map<FormDef, FormState>();
  // assemble all at once; on error isolate the failing forms
  let codes: (Uint8Array | string)[];
  try {
    codes = assemble(forms.map((f) => f.asm));
  } catch {
    codes = forms.map((f) => {
      try {
        return asm1(f.asm);
      } catch (e) {
        return (e as Error).message;
      }
    });
  }
  if (codes.length !== forms.length) throw new Error(`assembler returned ${codes.length} snippets for ${forms.length} forms`);
  forms.forEach((f, i) => {
    const code = at(codes, i);
    if (typeof code === 'string') {
      state.set(f, { cases: [], native: [], error: `assembly failed: ${code}` });
      return;
    }
    const g = new GenCtx(new Rng(`${family}/${f.name}`), code, f.name);
    const st: FormState = { code, cases: [], native: [] };
    try {
      f.gen(g);
      st.cases = SCALE < 1 ? subsample(g.cases, SCALE) : g.cases;
    } catch (e) {
      st.error = `case generation failed: ${(e as Error).stack}`;
    }
    state.set(f, st);
  });
  return state;
}

/** Short fingerprint of a case set (code, registers, flags, memory patches), to show that it is fixed. */
function fingerprint(states: Iterable<FormState>): string {
  const h = createHash('sha256');
  const words = new BigUint64Array(17);
  const u32 = new Uint32Array(2);
  for (const st of states) {
    for (const c of st.cases) {
      u32[0] = c.code.length;
      h.update(u32.subarray(0, 1));
      h.update(c.code);
      c.regs.forEach((v, i) => (words[i] = BigInt.asUintN(64, v)));
      words[16] = BigInt.asUintN(64, c.rflags);
      h.update(words);
      if (c.xmm) h.update(c.xmm);
      if (c.mxcsr !== undefined) { u32[0] = c.mxcsr; h.update(u32.subarray(0, 1)); }
      if (c.x87) h.update(c.x87);
      for (const ps of [c.data, c.stack]) {
        u32[0] = ps.length;
        h.update(u32.subarray(0, 1));
        for (const p of ps) {
          u32[0] = p.off;
          u32[1] = p.bytes.length;
          h.update(u32);
          h.update(p.bytes);
        }
      }
    }
  }
  return h.digest('hex').slice(0, 12);
}

interface MismatchRecord {
  form: string;
  cases: number;
  bad: number;
  kinds: Record<string, number>;
  examples: string[];
}

const FLAG_COMPARE_MASK = ~FLAG.RF & 0xffffffffn;
const KERNEL_HALF = 0xffff800000000000n;
const MAX_EXAMPLES = Number(process.env.RINGZERO_DIFF_EXAMPLES ?? 3);
const PATHS_TEXT = `${EXECUTION_PATHS.length} paths (${EXECUTION_PATHS.join(', ')})`;

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** Define a differential suite for one instruction family. */
export function diffSuite(family: string, define: (s: SuiteBuilder) => void): void {
  const gate = requireNative(`diff/${family}`);
  const sb = new SuiteBuilder();
  define(sb);
  const forms = sb.forms;
  // Cases are generated while the tests are collected, so that their counts can be in the test names.
  const t0 = performance.now();
  const state = gate.ok ? prepareForms(family, forms) : new Map<FormDef, FormState>();
  const stats = {
    cases: [...state.values()].reduce((n, st) => n + st.cases.length, 0),
    fingerprint: fingerprint(state.values()),
    setupMs: performance.now() - t0,
    nativeMs: 0,
    emuMs: 0,
  };
  const records: MismatchRecord[] = [];
  let emu: EmulatorModule | undefined;
  let emuError: string | undefined;
  const amd = hostIsAmd();
  const coverage = new RowCoverage(family);
  const title = gate.ok ? `diff ${family}: ${forms.length} forms, ${stats.cases} cases × ${PATHS_TEXT}` : `diff ${family}`;

  describe.skipIf(!gate.ok)(title, () => {
    beforeAll(async () => {
      try {
        emu = await loadEmulator();
      } catch (e) {
        emuError = `cannot load the emulator (${SNIPPET_MODULE}): ${(e as Error).message}`;
      }
      const t1 = performance.now();
      const states = [...state.values()];
      const nat = await runNativePatchedAsync(baseMemory(), states.flatMap((st) => st.cases));
      if (nat.length !== stats.cases) throw new Error(`native executor returned ${nat.length} results for ${stats.cases} cases`);
      let pos = 0;
      for (const st of states) {
        st.native = nat.slice(pos, pos + st.cases.length);
        pos += st.cases.length;
      }
      stats.nativeMs = performance.now() - t1;
    });

    for (const f of forms) {
      const st = state.get(f);
      it(st && !st.error ? `${f.name} [${st.cases.length} cases]` : f.name, async () => {
        // A macrotask turn between forms: a suite of synchronous tests would otherwise keep the worker
        // from reading vitest's RPC replies for its whole run (over 60 s: "Timeout calling onTaskUpdate").
        await new Promise((resolve) => setImmediate(resolve));
        if (!st) throw new Error('form was not prepared');
        if (st.error) throw new Error(st.error);
        if (!emu) throw new Error(emuError ?? 'emulator not loaded');
        const t1 = performance.now();
        const rec = checkForm(emu, f, st, amd);
        stats.emuMs += performance.now() - t1;
        if (rec.bad > 0) {
          records.push(rec);
          throw new Error(formatRecord(rec));
        }
        if (st.code && st.cases.length > 0) coverage.add(st.code);
      });
    }

    afterAll(() => {
      coverage.write();
      const knobs = [
        SCALE !== 1 ? `RINGZERO_DIFF_SCALE=${SCALE}` : '',
        FILTER ? `RINGZERO_DIFF_FILTER=${FILTER.source}` : '',
      ].filter(Boolean);
      const lines = [
        `[diff ${family}] ${forms.length} forms, ${stats.cases} cases × ${PATHS_TEXT}` +
          `${knobs.length ? ` (${knobs.join(', ')})` : ''}; case set ${stats.fingerprint}; ` +
          `setup ${seconds(stats.setupMs)}, native ${seconds(stats.nativeMs)}, emulator ${seconds(stats.emuMs)}; ` +
          `flags compared: ${amd ? 'all bits (AMD host)' : 'defined bits only'}`,
      ];
      if (records.length) {
        lines.push(`[diff ${family}] ${records.length} form(s) mismatch:`);
        for (const r of records) lines.push(`  ${r.form}: ${r.bad}/${r.cases} — ${kindsText(r.kinds)}`);
      }
      console.log(lines.join('\n'));
      const dir = process.env.RINGZERO_DIFF_REPORT;
      if (dir) {
        mkdirSync(dir, { recursive: true });
        writeFileSync(
          join(dir, `${family}.json`),
          JSON.stringify(
            {
              family,
              paths: EXECUTION_PATHS,
              scale: SCALE,
              forms: forms.map((f) => ({ form: f.name, cases: state.get(f)?.cases.length ?? 0 })),
              ...stats,
              mismatches: records,
            },
            null,
            1,
          ),
        );
      }
    });
  });
}

function kindsText(kinds: Record<string, number>): string {
  return Object.entries(kinds)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k}×${n}`)
    .join(', ');
}

function formatRecord(r: MismatchRecord): string {
  return [`${r.bad}/${r.cases} cases differ from the CPU [${kindsText(r.kinds)}]`, ...r.examples].join('\n');
}

function describeOutcome(o: { outcome: string; exception?: { vector: number; errorCode?: number; cr2?: bigint } }): string {
  if (o.outcome !== 'exception' || !o.exception) return o.outcome;
  const e = o.exception;
  const names: Record<number, string> = { 0: '#DE', 1: '#DB', 3: '#BP', 6: '#UD', 12: '#SS', 13: '#GP', 14: '#PF', 17: '#AC' };
  let s = `${names[e.vector] ?? `vector ${e.vector}`}`;
  if (e.errorCode !== undefined) s += `(err ${hex(e.errorCode)})`;
  if (e.cr2 !== undefined) s += ` cr2=${hex(e.cr2)}`;
  return s;
}

interface Expected {
  outcome: 'ok' | 'exception' | 'limit';
  exception?: { vector: number; errorCode?: number; cr2?: bigint };
  regs: bigint[];
  rflags: bigint;
  rip: bigint;
  data: Uint8Array;
  stack: Uint8Array;
  xmm: Uint8Array;
  mxcsr: number;
  x87: Uint8Array;
}

function expectedOf(c: DiffCase, n: NativeResult, base: { data: Uint8Array; stack: Uint8Array }): Expected {
  const data = new Uint8Array(base.data);
  applyPatchesInPlace(data, c.data);
  applyPatchesInPlace(data, n.dataOut);
  const stack = new Uint8Array(base.stack);
  applyPatchesInPlace(stack, c.stack);
  applyPatchesInPlace(stack, n.stackOut);
  const e: Expected = { outcome: n.outcome, regs: n.regs, rflags: n.rflags, rip: n.rip, data, stack, xmm: n.xmm, mxcsr: n.mxcsr, x87: n.x87 };
  if (n.outcome === 'exception') {
    e.exception = { vector: n.vector };
    if (VECTORS_WITH_ERROR_CODE.has(n.vector)) e.exception.errorCode = Number(n.errorCode);
    if (n.vector === 14) e.exception.cr2 = n.cr2;
  }
  return e;
}

function memDiff(name: string, a: Uint8Array, b: Uint8Array): string | undefined {
  if (Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.length), Buffer.from(b.buffer, b.byteOffset, b.length)) === 0)
    return undefined;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  let j = a.length - 1;
  while (j > i && a[j] === b[j]) j--;
  const end = Math.min(j + 1, i + 16);
  return `${name}[${hex(i)}..${hex(j)}]: cpu ${bytesHex(a.subarray(i, end))} emu ${bytesHex(b.subarray(i, end))}`;
}

/** Compare one emulator output against the native expectation; returns [kind, detail] pairs. */
function compareOne(exp: Expected, out: EmulatorOutput, amd: boolean, compareX87: X87Compare = x87Diffs): [string, string][] {
  const d: [string, string][] = [];
  if (out.outcome !== exp.outcome) {
    // everything else is meaningless when one side stopped somewhere else
    const msg = out.message;
    d.push([`outcome`, `outcome: cpu ${describeOutcome(exp)} emu ${describeOutcome(out)} (emu rip ${hex(out.rip)})${msg ? `: ${msg}` : ''}`]);
    return d;
  } else if (exp.exception) {
    const a = exp.exception;
    const b = out.exception ?? { vector: -1 };
    // Linux reports every fault on a kernel-half address as a protection fault (P=1),
    // whatever the page tables say; the snippet environment has nothing mapped there.
    const errMask = a.vector === 14 && a.cr2 !== undefined && a.cr2 >= KERNEL_HALF ? ~1 : ~0;
    if (
      a.vector !== b.vector ||
      (a.errorCode !== undefined && (a.errorCode & errMask) !== ((b.errorCode ?? -1) & errMask)) ||
      (a.cr2 !== undefined && a.cr2 !== BigInt.asUintN(64, b.cr2 ?? -1n))
    ) {
      d.push(['exception', `exception: cpu ${describeOutcome(exp)} emu ${describeOutcome(out)}`]);
    }
  }
  if (exp.outcome === 'limit' && out.outcome === 'limit') return d;
  if (out.regs.length !== 16) d.push(['regs', `emu returned ${out.regs.length} registers`]);
  exp.regs.forEach((a, i) => {
    const name = at(REG_NAMES, i);
    const raw = out.regs[i];
    const b = raw === undefined ? undefined : BigInt.asUintN(64, raw);
    if (a !== b) d.push([name, `${name}: cpu ${hex(a)} emu ${b === undefined ? 'missing' : hex(b)}`]);
  });
  let fm = FLAG_COMPARE_MASK;
  if (!amd) fm &= ~BigInt(out.undefinedFlags ?? 0);
  const fa = exp.rflags & fm;
  const fb = BigInt.asUintN(64, out.rflags) & fm;
  if (fa !== fb) {
    const x = fa ^ fb;
    d.push([`rflags(${flagNames(x)})`, `rflags: cpu ${hex(fa)}[${flagNames(fa)}] emu ${hex(fb)}[${flagNames(fb)}] differ in ${flagNames(x)}`]);
  }
  const rip = BigInt.asUintN(64, out.rip);
  if (exp.rip !== rip) d.push(['rip', `rip: cpu ${hex(exp.rip)} emu ${hex(rip)}`]);
  if (!out.xmm) d.push(['xmm', 'emu returned no XMM registers']);
  else {
    for (let r = 0; r < 16; r++) {
      const a = xmmHex(exp.xmm, r), b = xmmHex(out.xmm, r);
      if (a !== b) d.push([`xmm${r}`, `xmm${r}: cpu ${a} emu ${b}`]);
    }
  }
  if (out.mxcsr !== exp.mxcsr) d.push(['mxcsr', `mxcsr: cpu ${hex(exp.mxcsr)} emu ${out.mxcsr === undefined ? 'missing' : hex(out.mxcsr)}`]);
  if (!out.x87) d.push(['x87', 'emu returned no x87 state']);
  else d.push(...compareX87(exp.x87, out.x87));
  const md = memDiff('data', exp.data, out.data);
  if (md) d.push(['data', md]);
  const sd = memDiff('stack', exp.stack, out.stack);
  if (sd) d.push(['stack', sd]);
  return d;
}

/**
 * Which paths a mismatch concerns: '' when every path shows the same differences,
 * ' [reference only]' when only some paths differ from the CPU, ' [cached≠reference]'
 * when all do but not in the same way (paths that agree are joined with '+').
 */
function pathLabel(results: readonly { path: string; diffs: [string, string][] }[]): string {
  const groups = new Map<string, string[]>();
  for (const r of results) {
    const key = JSON.stringify(r.diffs);
    groups.set(key, [...(groups.get(key) ?? []), r.path]);
  }
  if (groups.size <= 1) return '';
  const bad = results.filter((r) => r.diffs.length > 0).map((r) => r.path);
  if (bad.length < results.length) return ` [${bad.join('+')} only]`;
  return ` [${[...groups.values()].map((paths) => paths.join('+')).join('≠')}]`;
}

function checkForm(emu: EmulatorModule, f: FormDef, st: FormState, amd: boolean): MismatchRecord {
  const base = baseMemory();
  const rec: MismatchRecord = { form: f.name, cases: st.cases.length, bad: 0, kinds: {}, examples: [] };
  if (st.native.length !== st.cases.length) throw new Error(`${st.native.length} native results for ${st.cases.length} cases`);
  let emuFailures = 0;
  st.cases.forEach((c, idx) => {
    const exp = expectedOf(c, at(st.native, idx), base);
    const results = EXECUTION_PATHS.map((path) => {
      const data = new Uint8Array(base.data);
      applyPatchesInPlace(data, c.data);
      const stack = new Uint8Array(base.stack);
      applyPatchesInPlace(stack, c.stack);
      let diffs: [string, string][];
      try {
        const out = emu.runSnippet({
          code: c.code,
          regs: [...c.regs],
          rflags: c.rflags,
          data,
          stack,
          ...(c.xmm ? { xmm: c.xmm } : {}),
          ...(c.mxcsr !== undefined ? { mxcsr: c.mxcsr } : {}),
          ...(c.x87 ? { x87: c.x87 } : {}),
          path,
          maxInstructions: f.maxInstructions ?? 100000,
        });
        if (out.outcome === 'emulation-failure') emuFailures++;
        diffs = compareOne(exp, out, amd, f.compareX87);
      } catch (e) {
        diffs = [['threw', `runSnippet threw: ${(e as Error).stack?.split('\n').slice(0, 4).join(' | ')}`]];
      }
      return { path, diffs };
    });
    if (results.every((r) => r.diffs.length === 0)) return;
    rec.bad++;
    const label = pathLabel(results);
    const kinds = new Set(results.flatMap((r) => r.diffs.map(([k]) => k + label)));
    for (const k of kinds) rec.kinds[k] = (rec.kinds[k] ?? 0) + 1;
    if (rec.examples.length < MAX_EXAMPLES) {
      const lines = [`  ── ${f.name}  (case #${idx}${label})`, `     in:  ${c.describe()}`];
      if (process.env.RINGZERO_DIFF_VERBOSE)
        lines.push(`     regs: ${c.regs.map((v, i) => `${at(REG_NAMES, i)}=${hex(v)}`).join(' ')}`);
      const [first] = results;
      if (label === '' && first) for (const [, t] of first.diffs) lines.push(`     ${t}`);
      else for (const r of results) for (const [, t] of r.diffs) lines.push(`     ${`${r.path}:`.padEnd(11)}${t}`);
      rec.examples.push(lines.join('\n'));
    }
  });
  if (emuFailures === EXECUTION_PATHS.length * st.cases.length && st.cases.length > 0) {
    rec.kinds = { 'emulation-failure (not implemented?)': rec.bad };
  }
  return rec;
}

export { ARITH_FLAGS, CODE_ADDR, DATA_ADDR, DATA_SIZE, FLAG, STACK_ADDR, STACK_SIZE };
