// Helpers for system-rule tests on the bare Machine: gates in its IDT,
// descriptors in its GDT, TSS stack fields, delivery to a handler instead of
// an intercept, and reads of guest memory by linear address.
import { Machine, CODE, DATA, GDT, TSS, IDT, type RunResult } from './machine.js';
import { walk, WalkResult } from '../../src/mmu/paging.js';

export { Machine, CODE, GDT, TSS, IDT };
/** The Machine's user data pages (0x2000 bytes, writable, not executable). */
export const DATA_LIN = DATA;
export const RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSP = 4, RSI = 6, RDI = 7, R11 = 11;
export const SEG_ES = 0, SEG_CS = 1, SEG_SS = 2, SEG_DS = 3, SEG_FS = 4, SEG_GS = 5;
/** Handlers live in the code pages, past any test's code: `hlt` there ends the run as 'halt'. */
export const HANDLER = CODE + 0x1000;

/** The physical address of a mapped linear address (throws when it is not mapped). */
export function phys(m: Machine, lin: number): number {
  const w = new WalkResult();
  if (!walk(m.mem, { cr3: m.pt.pml4, nxe: true, pke: false, vendor: m.cpu.vendor, gbPages: true }, lin, w, new Float64Array(4))) throw new Error(`0x${lin.toString(16)} is not mapped`);
  return w.physPage + (lin - Math.floor(lin / 4096) * 4096);
}

export interface GateSpec { target?: number; selector?: number; ist?: number; type?: number; dpl?: number; present?: boolean; s?: boolean }

/** Writes a 16-byte IDT gate (SDM Vol. 3A §6.14.1 Figure 6-8) and lets `vector` be delivered instead of intercepted. */
export function setGate(m: Machine, vector: number, g: GateSpec = {}): void {
  const t = BigInt.asUintN(64, BigInt(g.target ?? HANDLER));
  const lo = (t & 0xffffn) | (BigInt(g.selector ?? 0x08) << 16n) | (BigInt(g.ist ?? 0) << 32n) |
    (BigInt(((g.present ?? true) ? 0x80 : 0) | ((g.dpl ?? 0) << 5) | (g.s ? 0x10 : 0) | (g.type ?? 0xe)) << 40n) |
    (((t >> 16n) & 0xffffn) << 48n);
  const pa = phys(m, IDT + vector * 16);
  m.mem.write64(pa, lo);
  m.mem.write64(pa + 8, t >> 32n);
  m.cpu.interceptVectors[vector] = 0;
}

/** Writes GDT entry `sel` (8 bytes). */
export function setDescriptor(m: Machine, sel: number, value: bigint): void {
  m.mem.write64(m.gdtPhys + (sel & ~7), value);
}

/** A code/data descriptor: base, 20-bit limit and the attribute word (type..G as arch/descriptors.ts packs it). */
export function descriptor(base: number, limit: number, attr: number): bigint {
  const b = BigInt(base >>> 0), l = BigInt(limit);
  return (l & 0xffffn) | ((b & 0xffffffn) << 16n) | (BigInt(attr & 0xf0ff) << 40n) | (((l >> 16n) & 0xfn) << 48n) | ((b >> 24n) << 56n);
}

/** A 16-byte system descriptor (LDT type 2, TSS type 9/B) at `sel`. */
export function setSystemDescriptor(m: Machine, sel: number, base: bigint, limit: number, type: number, present = true): void {
  const b = BigInt.asUintN(64, base);
  setDescriptor(m, sel, descriptor(Number(b & 0xffffffffn), limit, (present ? 0x80 : 0) | type));
  m.mem.write64(m.gdtPhys + (sel & ~7) + 8, b >> 32n);
}

/** Makes TSS (at the Machine's TSS address) the current TSS with `limit`, RSP0-2 and IST1-7 as given. */
export function setTss(m: Machine, f: { rsp?: number[]; ist?: number[]; limit?: number }): void {
  const tss = phys(m, TSS);
  m.mem.u8.fill(0, tss, tss + 0x68);
  (f.rsp ?? []).forEach((v, k) => m.mem.write64(tss + 4 + 8 * k, BigInt.asUintN(64, BigInt(v))));
  (f.ist ?? []).forEach((v, k) => m.mem.write64(tss + 0x24 + 8 * k, BigInt.asUintN(64, BigInt(v))));
  m.cpu.trSel = 0x30; m.cpu.trBase = TSS; m.cpu.trLimit = f.limit ?? 0x67; m.cpu.trAttr = 0x8b;
}

/** `n` quadwords of guest memory from linear `lin`. */
export function qwords(m: Machine, lin: number, n: number): bigint[] {
  return Array.from({ length: n }, (_, k) => m.mem.read64(phys(m, lin + 8 * k)));
}

/** The stack frame at RSP: `n` quadwords. */
export function frame(m: Machine, n: number): bigint[] {
  return qwords(m, Number(BigInt.asIntN(64, m.cpu.getReg64(RSP))), n);
}

export const hex = (v: bigint | number) => `0x${BigInt.asUintN(64, BigInt(v)).toString(16)}`;

/** `main` at CODE and `handler` (default HLT) at HANDLER, INT3 bytes between them. */
export function program(main: number[], handler: number[] = [0xf4]): number[] {
  const out = new Array<number>(HANDLER - CODE).fill(0xcc);
  main.forEach((b, k) => { out[k] = b; });
  return [...out, ...handler];
}

const NAMES = ['#DE', '#DB', 'NMI', '#BP', '#OF', '#BR', '#UD', '#NM', '#DF', 'vector 9', '#TS', '#NP', '#SS', '#GP', '#PF', 'vector 15', '#MF', '#AC'];
/** "ok", "halt", "#NP(30)", "#PF(2)" — for compact expectations (every vector named). */
export function outcome(r: RunResult): string {
  if (r.outcome !== 'exception') return r.outcome;
  let s = NAMES[r.vector!] ?? `vector ${r.vector}`;
  if (r.errorCode !== undefined) s += `(${r.errorCode.toString(16)})`;
  return s;
}

// ---- a few instruction encodings (SDM Vol. 2) -------------------------------------

export const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
const le64 = (v: bigint) => Array.from({ length: 8 }, (_, k) => Number((BigInt.asUintN(64, v) >> BigInt(8 * k)) & 0xffn));
/** MOV r64, imm64 (REX.W B8+r). */
export const movImm = (reg: number, v: bigint | number): number[] => [0x48 | (reg >> 3), 0xb8 + (reg & 7), ...le64(BigInt(v))];
/** WRMSR of `value` to `index` (ECX, EDX:EAX set first). */
export const wrmsr = (index: number, value: bigint): number[] =>
  [0xb9, ...le32(index), 0xb8, ...le32(Number(BigInt.asUintN(64, value) & 0xffffffffn)), 0xba, ...le32(Number(BigInt.asUintN(64, value) >> 32n)), 0x0f, 0x30];
/** RDMSR of `index` into EDX:EAX. */
export const rdmsr = (index: number): number[] => [0xb9, ...le32(index), 0x0f, 0x32];
/** MOV CRn, RAX (REX.R for CR8). */
export const movToCr = (n: number): number[] => [...(n >= 8 ? [0x44] : []), 0x0f, 0x22, 0xc0 | ((n & 7) << 3)];
/** MOV RAX, CRn. */
export const movFromCr = (n: number): number[] => [...(n >= 8 ? [0x44] : []), 0x0f, 0x20, 0xc0 | ((n & 7) << 3)];
/** MOV DRn, RAX / MOV RAX, DRn. */
export const movToDr = (n: number): number[] => [0x0f, 0x23, 0xc0 | (n << 3)];
export const movFromDr = (n: number): number[] => [0x0f, 0x21, 0xc0 | (n << 3)];

/** The physical address of the leaf paging entry that maps `lin`. */
export function entryAddress(m: Machine, lin: number): number {
  const w = new WalkResult();
  if (!walk(m.mem, { cr3: m.pt.pml4, nxe: true, pke: false, vendor: m.cpu.vendor, gbPages: true }, lin, w, new Float64Array(4))) throw new Error('not mapped');
  return w.leafAddr;
}

/** The linear address of a window onto the paging entry that maps `lin` (mapped supervisor RW at `window`). */
export function pteWindow(m: Machine, lin: number, window: number): number {
  const entry = entryAddress(m, lin), frame = entry - (entry % 4096);
  m.pt.map(window, frame, 4096, { writable: true, user: false, executable: false });
  return window + (entry - frame);
}
