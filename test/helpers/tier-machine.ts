// A bare 64-bit machine for comparing execution tiers: code that may modify
// itself (the code pages are writable), a data area of writable, read-only and
// unmapped pages, a stack, CPL 0 or 3, every exception exiting to the test
// (the CPU's intercepts). Unlike test/helpers/machine.ts (one instruction per
// Cpu.run), a run here is one Cpu.run(budget) call, or budgets that stop and
// resume anywhere, so a tier that executes whole blocks runs them as it would
// for a guest. The snapshot is every piece of state the tiers must agree on.
import { Cpu, StopReason } from '../../src/cpu/cpu.js';
import { loadCodeSegment, setSegment } from '../../src/cpu/segmentation.js';
import type { ExecutionPath } from '../../src/cpu/execution-path.js';
import { PhysicalMemory } from '../../src/mmu/physical-memory.js';
import { FrameAllocator, PageTableBuilder } from '../../src/mmu/page-table-builder.js';
import { SEG_ES, SEG_SS, SEG_DS, SEG_FS, SEG_GS } from '../../src/arch/registers.js';
import { Vector } from '../../src/arch/vectors.js';

export const T_CODE = 0x400000, T_CODE_SIZE = 0x3000;
/** Data area: pages 0-1 writable, page 2 read-only, page 3 unmapped, page 4 writable; nothing after it is mapped. */
export const T_DATA = 0x600000, T_DATA_SIZE = 0x5000;
export const T_DATA_RO = 0x2000, T_DATA_UNMAPPED = 0x3000;
export const T_STACK = 0x800000, T_STACK_SIZE = 0x2000;
const GDT = -0x20000000000, IDT = GDT + 0x1000;
const RAM = 2 * 1024 * 1024;
const ENV = 0x100000;
/** The guest ABI's GDT: 0x08 kernel code, 0x10 kernel data, 0x18 user code 32, 0x20 user data, 0x28 user code 64. */
const GDT_ENTRIES = [0n, 0x00af9b000000ffffn, 0x00cf93000000ffffn, 0x00cffb000000ffffn, 0x00cff3000000ffffn, 0x00affb000000ffffn];

export interface TierInput {
  code: Uint8Array;
  /** Where the code starts (and runs from), as an offset into the code pages (a program may cross a page). */
  origin: number;
  /** T_DATA_SIZE bytes (the unmapped page's are ignored). */
  data: Uint8Array;
  regs: bigint[];
  /** Arithmetic flags and DF. */
  rflags: number;
  /** XMM0-15, 16 bytes each. */
  xmm: Uint8Array;
  cpl: 0 | 3;
}

export interface TierState {
  stop: string;
  vector?: number;
  errorCode?: number;
  cr2?: string;
  message?: string;
  /** CR2 whatever stopped the run (only a page fault may write it). */
  cr2Now: string;
  instructions: number;
  rip: string;
  rflags: string;
  regs: string[];
  xmm: Uint8Array;
  /** The data pages that are mapped, the code pages, the stack, the page tables (accessed/dirty bits). */
  data: Uint8Array;
  code: Uint8Array;
  stack: Uint8Array;
  tables: Uint8Array;
}

const STOP_NAMES: Partial<Record<StopReason, string>> = {
  [StopReason.None]: 'none', [StopReason.Halt]: 'halt', [StopReason.Shutdown]: 'shutdown', [StopReason.Limit]: 'limit',
  [StopReason.EmulationFailure]: 'emulation-failure', [StopReason.Exit]: 'exit', [StopReason.HostExit]: 'host-exit',
  [StopReason.Exception]: 'exception', [StopReason.InternalError]: 'internal-error', [StopReason.HostDebug]: 'host-debug',
};

const hex = (v: number | bigint) => `0x${BigInt.asUintN(64, BigInt(v)).toString(16)}`;

export class TierMachine {
  readonly mem = new PhysicalMemory(RAM);
  readonly cpu: Cpu;
  private readonly codePhys: number;
  private readonly dataPhys: number[] = []; // per data page, -1 when unmapped
  private readonly stackPhys: number;
  private readonly envImage: Uint8Array;
  private readonly envEnd: number;
  private lastStop: StopReason = StopReason.None;

  constructor() {
    this.cpu = new Cpu(this.mem);
    const frames = new FrameAllocator(ENV, RAM);
    const pt = new PageTableBuilder(this.mem, frames);
    this.codePhys = pt.mapFresh(T_CODE, T_CODE_SIZE, { writable: true, user: true, executable: true });
    for (let p = 0; p < T_DATA_SIZE / 4096; p++) {
      const off = p * 4096;
      this.dataPhys.push(off === T_DATA_UNMAPPED ? -1 : pt.mapFresh(T_DATA + off, 4096, { writable: off !== T_DATA_RO, user: true, executable: false }));
    }
    this.stackPhys = pt.mapFresh(T_STACK, T_STACK_SIZE, { writable: true, user: true, executable: false });
    const sup = { writable: true, user: false, executable: false };
    const gdt = pt.mapFresh(GDT, 0x1000, sup);
    GDT_ENTRIES.forEach((d, k) => this.mem.write64(gdt + k * 8, d));
    const idt = pt.mapFresh(IDT, 0x1000, sup);
    for (let v = 0; v < 256; v++) {
      this.mem.write32(idt + v * 16, 0x80000);
      this.mem.write32(idt + v * 16 + 4, 0x8e00 | ((v === Vector.BP || v === Vector.OF ? 3 : 0) << 13));
    }
    this.cpu.interceptVectors.fill(1);
    this.cpu.cr3 = pt.pml4;
    // Everything the page-table builder allocated (tables, GDT, IDT and the pages above) comes back before each run.
    this.envEnd = frames.used;
    this.envImage = this.mem.u8.slice(ENV, this.envEnd);
  }

  /** Resets the vCPU and memory and loads a program; the next run() starts at T_CODE + origin. */
  load(input: TierInput, path: ExecutionPath): void {
    const c = this.cpu, m = this.mem.u8;
    c.resetExecution();
    m.set(this.envImage, ENV);
    m.fill(0xcc, this.codePhys, this.codePhys + T_CODE_SIZE);
    m.set(input.code, this.codePhys + input.origin);
    this.dataPhys.forEach((pa, p) => { if (pa >= 0) m.set(input.data.subarray(p * 4096, p * 4096 + 4096), pa); });
    m.fill(0, this.stackPhys, this.stackPhys + T_STACK_SIZE);
    c.cr0 = 0x80010033; // PG WP NE ET MP PE
    c.cr2 = 0;
    c.cr4 = 0x620;      // OSXMMEXCPT OSFXSR PAE
    c.efer = 0xd01;     // NXE LMA LME SCE
    c.gdtrBase = GDT; c.gdtrLimit = 0x3f;
    c.idtrBase = IDT; c.idtrLimit = 0xfff;
    const cpl = input.cpl;
    loadCodeSegment(c, cpl === 3 ? 0x2b : 0x08, 0, 0xffffffff, cpl === 3 ? 0x20fb : 0x209b, cpl);
    setSegment(c, SEG_SS, cpl === 3 ? 0x23 : 0x10, 0, 0xffffffff, cpl === 3 ? 0xc0f3 : 0xc093);
    for (const s of [SEG_ES, SEG_DS, SEG_FS, SEG_GS]) setSegment(c, s, 0, 0, 0, 0);
    for (let r = 0; r < 16; r++) c.setReg64(r, BigInt.asUintN(64, input.regs[r] ?? 0n));
    for (let r = 0; r < 16; r++) c.xmm.setXmm(r, input.xmm.subarray(r * 16, r * 16 + 16));
    c.setRflags((input.rflags & 0xcd5) | 0x2);
    c.syncPaging();
    c.executionPath = path;
    c.rip = T_CODE + input.origin;
    this.lastStop = StopReason.None;
  }

  /** One Cpu.run with this budget. */
  run(budget: number): StopReason {
    this.lastStop = this.cpu.run(budget);
    return this.lastStop;
  }

  /** Host write into guest-physical code (a DMA-like write): the bytes change and their decoded code is dropped, as Vm.writePhysical does. */
  hostWriteCode(offset: number, bytes: Uint8Array): void {
    const pa = this.codePhys + offset;
    this.mem.writeBytes(pa, bytes);
    for (let f = Math.floor(pa / 4096); f * 4096 < pa + bytes.length; f++) {
      const slot = this.mem.slotAt(f * 4096, 1);
      const p = slot ? (f * 4096 - slot.base) / 4096 : -1;
      if (slot && slot.code[p]) this.mem.codeWritten(slot, p);
    }
  }

  snapshot(): TierState {
    const c = this.cpu, m = this.mem.u8;
    const stop = this.lastStop;
    const s: TierState = {
      stop: STOP_NAMES[stop] ?? `stop ${stop}`,
      instructions: c.instructions,
      cr2Now: hex(c.cr2),
      rip: hex(c.rip),
      rflags: hex(c.getRflags() >>> 0),
      regs: Array.from({ length: 16 }, (_, r) => hex(c.getReg64(r))),
      xmm: new Uint8Array(256),
      data: new Uint8Array(T_DATA_SIZE),
      code: m.slice(this.codePhys, this.codePhys + T_CODE_SIZE),
      stack: m.slice(this.stackPhys, this.stackPhys + T_STACK_SIZE),
      tables: m.slice(ENV, this.envEnd),
    };
    this.dataPhys.forEach((pa, p) => { if (pa >= 0) s.data.set(m.subarray(pa, pa + 4096), p * 4096); });
    for (let r = 0; r < 16; r++) s.xmm.set(c.xmm.getXmm(r), r * 16);
    if (stop === StopReason.Exception) {
      s.vector = c.exc.vector;
      if (c.exc.hasError) s.errorCode = c.exc.errorCode;
      if (c.exc.vector === Vector.PF) s.cr2 = hex(c.cr2);
    }
    if (stop === StopReason.EmulationFailure || stop === StopReason.InternalError) s.message = c.stopMessage;
    return s;
  }
}

function bytesDiff(name: string, a: Uint8Array, b: Uint8Array, base: number): string | undefined {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  if (i === a.length && a.length === b.length) return undefined;
  let n = 0;
  for (let k = i; k < a.length; k++) if (a[k] !== b[k]) n++;
  return `${name} @${hex(base + i)}: ${a[i]?.toString(16)} vs ${b[i]?.toString(16)} (${n} bytes differ)`;
}

/** Every difference between two snapshots, one line each (empty when they agree). */
export function stateDiffs(a: TierState, b: TierState): string[] {
  const out: string[] = [];
  const field = (name: string, x: unknown, y: unknown) => { if (x !== y) out.push(`${name}: ${String(x)} vs ${String(y)}`); };
  field('stop', a.stop, b.stop);
  field('vector', a.vector, b.vector);
  field('errorCode', a.errorCode, b.errorCode);
  field('cr2', a.cr2, b.cr2);
  field('message', a.message, b.message);
  field('CR2', a.cr2Now, b.cr2Now);
  field('instructions', a.instructions, b.instructions);
  field('rip', a.rip, b.rip);
  field('rflags', a.rflags, b.rflags);
  a.regs.forEach((v, r) => field(`r${r}`, v, b.regs[r]));
  for (const d of [
    bytesDiff('xmm (byte 16 * register + k)', a.xmm, b.xmm, 0), bytesDiff('data', a.data, b.data, T_DATA), bytesDiff('code', a.code, b.code, T_CODE),
    bytesDiff('stack', a.stack, b.stack, T_STACK), bytesDiff('page tables (phys)', a.tables, b.tables, ENV),
  ]) if (d) out.push(d);
  return out;
}
