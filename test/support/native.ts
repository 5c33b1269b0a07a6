// Native side of the differential tests: compiles test/native/exec.c with gcc
// (cached by source hash) and runs batches of snippets on the host CPU.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CODE_ADDR,
  DATA_SIZE,
  STACK_SIZE,
  type Patch,
  type SnippetLikeInput,
  type SnippetLikeOutput,
  applyPatches,
  at,
  diffPatches,
} from './types.js';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(here, '../..');
const SOURCE = join(REPO_ROOT, 'test/native/exec.c');
const CFLAGS = ['-O2', '-std=gnu11', '-Wall', '-Wextra', '-Werror'];

/** Vectors that push an error code. */
export const VECTORS_WITH_ERROR_CODE = new Set([8, 10, 11, 12, 13, 14, 17, 21, 29, 30]);

function cacheDir(name: string): string {
  const candidates = [join(REPO_ROOT, 'node_modules/.cache', name), join(tmpdir(), name)];
  for (const dir of candidates) {
    try {
      mkdirSync(dir, { recursive: true });
      return dir;
    } catch {
      // try the next one
    }
  }
  throw new Error(`no writable cache directory for ${name}`);
}
export { cacheDir };

let binaryPath: string | undefined;
let availability: { ok: boolean; reason?: string } | undefined;

/**
 * Compiles a C helper with gcc (once per source and flags hash, cached on disk; concurrent workers
 * may race, the atomic rename makes both produce the same file) and returns the binary's path.
 * Throws on failure.
 */
export function compileCached(source: string, cflags: readonly string[], prefix: string): string {
  const src = readFileSync(source);
  const hash = createHash('sha256').update(src).update(cflags.join(' ')).digest('hex').slice(0, 16);
  const bin = join(cacheDir('ringzero-native'), `${prefix}-${hash}`);
  if (!existsSync(bin)) {
    const tmp = `${bin}.${process.pid}.tmp`;
    const r = spawnSync('gcc', [...cflags, '-o', tmp, source], { encoding: 'utf8' });
    if (r.error) throw new Error(`cannot run gcc: ${r.error.message}`);
    if (r.status !== 0) {
      rmSync(tmp, { force: true });
      throw new Error(`gcc failed (exit ${r.status}):\n${r.stderr}`);
    }
    renameSync(tmp, bin);
  }
  return bin;
}

/** Compile exec.c (once per source hash) and return the binary path. Throws on failure. */
export function nativeBinary(): string {
  binaryPath ??= compileCached(SOURCE, CFLAGS, 'exec');
  return binaryPath;
}

/** Whether native execution is possible here (x86-64 Linux with gcc), with the reason if not. */
export function nativeAvailable(): { ok: boolean; reason?: string } {
  if (availability) return availability;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    availability = { ok: false, reason: `host is ${process.platform}/${process.arch}, native snippets need linux/x64` };
    return availability;
  }
  if (process.env.RINGZERO_NO_NATIVE) {
    availability = { ok: false, reason: 'RINGZERO_NO_NATIVE is set' };
    return availability;
  }
  try {
    nativeBinary();
    // smoke test: an empty snippet must hand back the registers unchanged
    const regs = Array.from({ length: 16 }, (_, i) => BigInt(i) * 0x0101010101010101n);
    const [out] = runNative([
      { code: new Uint8Array(0), regs, rflags: 0n, data: new Uint8Array(DATA_SIZE), stack: new Uint8Array(STACK_SIZE) },
    ]);
    if (out.outcome !== 'ok' || out.regs.some((v, i) => v !== regs[i]) || out.rip !== CODE_ADDR) {
      throw new Error(`smoke test failed: ${JSON.stringify(out, (_k, v) => (typeof v === 'bigint' ? v.toString(16) : v))}`);
    }
    availability = { ok: true };
  } catch (e) {
    availability = { ok: false, reason: (e as Error).message };
  }
  return availability;
}

// ---------------------------------------------------------------------------
// Low-level, patch-based interface (used by the differential suites: avoids
// shipping 16 KiB of memory per case).

export interface PatchedCase {
  code: Uint8Array;
  regs: readonly bigint[];
  rflags: bigint;
  data: readonly Patch[]; // relative to the base data image
  stack: readonly Patch[]; // relative to the base stack image
  /** XMM0-15 in, 16 little-endian bytes each (default: zeros). */
  xmm?: Uint8Array;
  /** MXCSR in (bits 0-15; default 0x1f80). */
  mxcsr?: number;
  /** x87 state in: FXSAVE64 bytes 0-159 (default: FNINIT's state, registers zero). */
  x87?: Uint8Array;
}

/** Bytes of the x87 state in the protocol (FXSAVE64 bytes 0-159). */
export const X87_BYTES = 160;
/** FNINIT's state with R0-R7 zero: FCW 037FH, everything else 0. */
export function defaultX87(): Uint8Array {
  const b = new Uint8Array(X87_BYTES);
  b[0] = 0x7f; b[1] = 0x03;
  return b;
}

/** Bytes of the XMM register file in the protocol (16 registers × 16 bytes). */
export const XMM_BYTES = 256;
export const MXCSR_DEFAULT = 0x1f80;

export interface NativeResult {
  outcome: 'ok' | 'exception' | 'limit';
  vector: number;
  signal: number;
  errorCode: bigint;
  cr2: bigint;
  rip: bigint;
  rflags: bigint;
  regs: bigint[];
  xmm: Uint8Array;
  mxcsr: number;
  x87: Uint8Array;
  /** changes made by the snippet, relative to the case's input image (base + input patches) */
  dataOut: Patch[];
  stackOut: Patch[];
}

const MAX_BATCH_BYTES = 48 << 20;

class Writer {
  buf = Buffer.allocUnsafe(1 << 20);
  len = 0;
  ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const nb = Buffer.allocUnsafe(size);
    this.buf.copy(nb, 0, 0, this.len);
    this.buf = nb;
  }
  u8(v: number): void {
    this.ensure(1);
    this.buf[this.len++] = v;
  }
  u32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(v >>> 0, this.len);
    this.len += 4;
  }
  u64(v: bigint): void {
    this.ensure(8);
    this.buf.writeBigUInt64LE(BigInt.asUintN(64, v), this.len);
    this.len += 8;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  patches(ps: readonly Patch[]): void {
    this.u32(ps.length);
    for (const p of ps) {
      this.u32(p.off);
      this.u32(p.bytes.length);
      this.bytes(p.bytes);
    }
  }
}

function encodeBatch(base: { data: Uint8Array; stack: Uint8Array }, cases: readonly PatchedCase[]): Buffer {
  const w = new Writer();
  w.u32(0x314e5a52);
  w.u8(0x42); // 'B'
  w.bytes(base.data);
  w.bytes(base.stack);
  for (const c of cases) {
    if (c.regs.length !== 16) throw new Error('need 16 registers');
    w.u8(0x43); // 'C'
    w.u32(c.code.length);
    w.bytes(c.code);
    for (const r of c.regs) w.u64(r);
    w.u64(c.rflags);
    if (c.xmm && c.xmm.length !== XMM_BYTES) throw new Error(`need ${XMM_BYTES} bytes of XMM registers`);
    w.bytes(c.xmm ?? new Uint8Array(XMM_BYTES));
    w.u32(c.mxcsr ?? MXCSR_DEFAULT);
    if (c.x87 && c.x87.length !== X87_BYTES) throw new Error(`need ${X87_BYTES} bytes of x87 state`);
    w.bytes(c.x87 ?? defaultX87());
    w.patches(c.data);
    w.patches(c.stack);
  }
  w.u8(0x45); // 'E'
  return w.buf.subarray(0, w.len);
}

/** Outcome codes of exec.c: 0 ok, 1 exception, 2 timeout. */
const NATIVE_OUTCOMES: readonly NativeResult['outcome'][] = ['ok', 'exception', 'limit'];

function decodeBatch(out: Buffer, n: number): NativeResult[] {
  let p = 0;
  const u32 = () => {
    const v = out.readUInt32LE(p);
    p += 4;
    return v;
  };
  const u64 = () => {
    const v = out.readBigUInt64LE(p);
    p += 8;
    return v;
  };
  const patches = (): Patch[] => {
    const k = u32();
    const ps: Patch[] = [];
    for (let i = 0; i < k; i++) {
      const off = u32();
      const len = u32();
      ps.push({ off, bytes: new Uint8Array(out.subarray(p, p + len)) });
      p += len;
    }
    return ps;
  };
  if (u32() !== 0x314f5a52) throw new Error('native executor: bad output magic');
  const res: NativeResult[] = [];
  for (let i = 0; i < n; i++) {
    if (p + 8 > out.length) throw new Error(`native executor: output truncated at case ${i}/${n}`);
    const outcomeCode = out.readUInt8(p);
    const vector = out.readUInt8(p + 1);
    const signal = out.readUInt16LE(p + 2);
    p += 8;
    const errorCode = u64();
    const cr2 = u64();
    const rip = u64();
    const rflags = u64();
    const regs: bigint[] = [];
    for (let r = 0; r < 16; r++) regs.push(u64());
    const xmm = new Uint8Array(out.subarray(p, p + XMM_BYTES));
    p += XMM_BYTES;
    const mxcsr = u32();
    p += 4;
    const x87 = new Uint8Array(out.subarray(p, p + X87_BYTES));
    p += X87_BYTES;
    const dataOut = patches();
    const stackOut = patches();
    const outcome = NATIVE_OUTCOMES[outcomeCode];
    if (outcome === undefined) throw new Error(`native executor: unknown outcome code ${outcomeCode} for case ${i}`);
    res.push({ outcome, vector, signal, errorCode, cr2, rip, rflags, regs, xmm, mxcsr, x87, dataOut, stackOut });
  }
  if (u32() !== 0x31455a52) throw new Error('native executor: missing end marker');
  return res;
}

function runOneBatch(base: { data: Uint8Array; stack: Uint8Array }, cases: readonly PatchedCase[]): NativeResult[] {
  const input = encodeBatch(base, cases);
  const r = spawnSync(nativeBinary(), [], { input, maxBuffer: 1 << 30, timeout: 600_000 });
  if (r.error) throw new Error(`native executor failed to run: ${r.error.message}`);
  if (r.status !== 0) {
    throw new Error(
      `native executor exited with ${r.status ?? r.signal}: ${r.stderr.toString().slice(0, 2000)}`,
    );
  }
  return decodeBatch(r.stdout, cases.length);
}

/**
 * The same batch without blocking the event loop: a long synchronous stretch in a vitest worker
 * (a big suite on a loaded machine) outlasts the worker's 60 s RPC timeout ("onTaskUpdate").
 */
function runOneBatchAsync(base: { data: Uint8Array; stack: Uint8Array }, cases: readonly PatchedCase[]): Promise<NativeResult[]> {
  const input = encodeBatch(base, cases);
  return new Promise((resolve, reject) => {
    const child = spawn(nativeBinary(), [], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [], err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), 600_000);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => { clearTimeout(timer); reject(new Error(`native executor failed to run: ${e.message}`)); });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      if (status !== 0) {
        reject(new Error(`native executor exited with ${status ?? signal}: ${Buffer.concat(err).toString().slice(0, 2000)}`));
        return;
      }
      try { resolve(decodeBatch(Buffer.concat(out), cases.length)); } catch (e) { reject(e as Error); }
    });
    child.stdin.end(input);
  });
}

/** Splits cases into batches of at most MAX_BATCH_BYTES of input. */
function batchesOf(cases: readonly PatchedCase[]): PatchedCase[][] {
  const batches: PatchedCase[][] = [[]];
  let bytes = 0;
  for (const c of cases) {
    if (bytes >= MAX_BATCH_BYTES) { batches.push([]); bytes = 0; }
    batches[batches.length - 1]!.push(c);
    bytes += 470 + c.code.length;
    for (const p of c.data) bytes += 8 + p.bytes.length;
    for (const p of c.stack) bytes += 8 + p.bytes.length;
  }
  return batches.filter((b) => b.length > 0);
}

function checkBase(base: { data: Uint8Array; stack: Uint8Array }): void {
  if (base.data.length !== DATA_SIZE || base.stack.length !== STACK_SIZE) throw new Error('bad base image size');
}

function checkCount(results: readonly NativeResult[], cases: readonly PatchedCase[]): NativeResult[] {
  if (results.length !== cases.length) throw new Error(`native executor: ${results.length} results for ${cases.length} cases`);
  return [...results];
}

/** Run cases given as patches over a shared base image; batches are split as needed. */
export function runNativePatched(base: { data: Uint8Array; stack: Uint8Array }, cases: readonly PatchedCase[]): NativeResult[] {
  checkBase(base);
  return checkCount(batchesOf(cases).flatMap((b) => runOneBatch(base, b)), cases);
}

/** runNativePatched without blocking the event loop (the differential suites' beforeAll). */
export async function runNativePatchedAsync(base: { data: Uint8Array; stack: Uint8Array }, cases: readonly PatchedCase[]): Promise<NativeResult[]> {
  checkBase(base);
  const results: NativeResult[] = [];
  for (const b of batchesOf(cases)) results.push(...(await runOneBatchAsync(base, b)));
  return checkCount(results, cases);
}

// ---------------------------------------------------------------------------
// High-level interface mirroring runSnippet().

/** One output per input: `const [a, b] = runNative([x, y])` types a and b as outputs. */
export type NativeOutputs<T extends readonly SnippetLikeInput[]> = { -readonly [K in keyof T]: SnippetLikeOutput };

/** Run full SnippetInput-like cases natively (one child process per batch); one output per case, in order. */
export function runNative<const T extends readonly SnippetLikeInput[]>(cases: T): NativeOutputs<T> {
  return runNativeList(cases) as NativeOutputs<T>; // runNativeList returns exactly one output per case
}

function runNativeList(cases: readonly SnippetLikeInput[]): SnippetLikeOutput[] {
  const [first] = cases;
  if (!first) return [];
  const base = { data: first.data, stack: first.stack };
  const patched: PatchedCase[] = cases.map((c) => ({
    code: c.code,
    regs: c.regs,
    rflags: c.rflags,
    ...(c.xmm ? { xmm: c.xmm } : {}),
    ...(c.mxcsr !== undefined ? { mxcsr: c.mxcsr } : {}),
    ...(c.x87 ? { x87: c.x87 } : {}),
    data: c.data === base.data ? [] : diffPatches(base.data, c.data),
    stack: c.stack === base.stack ? [] : diffPatches(base.stack, c.stack),
  }));
  const res = runNativePatched(base, patched);
  return cases.map((c, i) => toSnippetOutput(at(res, i), c.data, c.stack));
}

/** Convert a native result into the emulator's output shape, given the case's input memory. */
export function toSnippetOutput(r: NativeResult, dataIn: Uint8Array, stackIn: Uint8Array): SnippetLikeOutput {
  const out: SnippetLikeOutput = {
    outcome: r.outcome,
    regs: r.regs,
    rflags: r.rflags,
    rip: r.rip,
    xmm: r.xmm,
    mxcsr: r.mxcsr,
    x87: r.x87,
    data: applyPatches(dataIn, r.dataOut),
    stack: applyPatches(stackIn, r.stackOut),
  };
  if (r.outcome === 'exception') {
    out.exception = { vector: r.vector };
    if (VECTORS_WITH_ERROR_CODE.has(r.vector)) out.exception.errorCode = Number(r.errorCode);
    if (r.vector === 14) out.exception.cr2 = r.cr2;
  }
  return out;
}

/** Write a file atomically (used by caches). */
export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, path);
}
