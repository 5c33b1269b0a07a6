// A bare 64-bit machine for system-level tests: hand-built page tables, the
// guest ABI's GDT layout with a TSS whose I/O bitmap and limit the test
// chooses, any CPL, and every exception and software interrupt exiting to the
// test (the CPU's intercepts) with its vector, error code and CR2. Code bytes
// run until they end, fault, or stop.
import { Cpu, StopReason } from '../../src/cpu/cpu.js';
import { loadCodeSegment, setSegment } from '../../src/cpu/segmentation.js';
import type { ExecutionPath } from '../../src/cpu/execution-path.js';
import { PhysicalMemory } from '../../src/mmu/physical-memory.js';
import { FrameAllocator, PageTableBuilder } from '../../src/mmu/page-table-builder.js';
import { PortBus } from '../../src/devices/port-bus.js';
import type { FeatureName } from '../../src/isa/features.js';
import type { CpuVendor } from '../../src/arch/vendor.js';
import { SEG_ES, SEG_SS, SEG_DS, SEG_FS, SEG_GS } from '../../src/arch/registers.js';

export const CODE = 0x400000, DATA = 0x600000, STACK_TOP = 0x802000;
export const GDT = -0x20000000000, TSS = GDT + 0x1000, IDT = GDT + 0x4000;
const RAM = 4 * 1024 * 1024;
/** The guest ABI's GDT: 0x08 kernel code, 0x10 kernel data, 0x18 user code 32, 0x20 user data, 0x28 user code 64. */
const GDT_ENTRIES = [0n, 0x00af9b000000ffffn, 0x00cf93000000ffffn, 0x00cffb000000ffffn, 0x00cff3000000ffffn, 0x00affb000000ffffn];

export interface RunOptions {
  cpl?: number;
  regs?: Partial<Record<number, bigint>>;
  rflags?: number;
  cr0?: number;
  cr4?: number;
  efer?: number;
  path?: ExecutionPath;
  maxInstructions?: number;
}

export interface RunResult {
  /** 'ok' when RIP reached the end of the code. */
  outcome: 'ok' | 'exception' | 'emulation-failure' | 'internal-error' | 'halt' | 'limit' | 'other';
  vector?: number;
  errorCode?: number;
  cr2?: number;
  message?: string;
}

export class Machine {
  readonly mem = new PhysicalMemory(RAM);
  readonly io = new PortBus();
  readonly cpu: Cpu;
  readonly pt: PageTableBuilder;
  readonly tssPhys: number;
  readonly gdtPhys: number;
  readonly dataPhys: number;
  private readonly codePhys: number;

  constructor(features?: ReadonlySet<FeatureName>, vendor: CpuVendor = 'amd') {
    this.cpu = new Cpu(this.mem, this.io, features ? { features, vendor } : { vendor });
    const frames = new FrameAllocator(0x100000, RAM);
    this.pt = new PageTableBuilder(this.mem, frames);
    const user = { writable: true, user: true, executable: true };
    this.codePhys = this.pt.mapFresh(CODE, 0x2000, user);
    this.dataPhys = this.pt.mapFresh(DATA, 0x2000, { ...user, executable: false });
    this.pt.mapFresh(STACK_TOP - 0x2000, 0x2000, { ...user, executable: false });
    const sup = { writable: true, user: false, executable: false };
    this.gdtPhys = this.pt.mapFresh(GDT, 0x1000, sup);
    GDT_ENTRIES.forEach((d, k) => this.mem.write64(this.gdtPhys + k * 8, d));
    this.tssPhys = this.pt.mapFresh(TSS, 0x3000, sup);
    const idt = this.pt.mapFresh(IDT, 0x1000, sup);
    for (let v = 0; v < 256; v++) {
      this.mem.write32(idt + v * 16, 0x80000);                          // selector 0x08, offset 0
      this.mem.write32(idt + v * 16 + 4, 0x8e00 | ((v === 3 || v === 4 ? 3 : 0) << 13));
    }
    this.cpu.interceptVectors.fill(1);
    this.cpu.cr3 = this.pt.pml4;
  }

  /** Sets the TSS limit and writes the I/O map base and bitmap bytes (at the map base). */
  setIoBitmap(limit: number, mapBase: number, bitmap: Uint8Array): void {
    this.mem.u8.fill(0, this.tssPhys, this.tssPhys + 0x3000);
    this.mem.u8[this.tssPhys + 0x66] = mapBase & 0xff;
    this.mem.u8[this.tssPhys + 0x67] = mapBase >> 8;
    this.mem.u8.set(bitmap.subarray(0, Math.max(0, 0x3000 - mapBase)), this.tssPhys + mapBase);
    this.cpu.trSel = 0x30; this.cpu.trBase = TSS; this.cpu.trLimit = limit; this.cpu.trAttr = 0x8b;
  }

  /** Runs `code` from CODE; every exception exits with its details. */
  run(code: ArrayLike<number>, o: RunOptions = {}): RunResult {
    const c = this.cpu;
    this.mem.u8.fill(0xcc, this.codePhys, this.codePhys + 0x2000);
    this.mem.u8.set(Uint8Array.from(code), this.codePhys);
    c.resetExecution();
    c.cr0 = o.cr0 ?? 0x80010033;
    c.cr2 = 0;
    c.cr4 = o.cr4 ?? 0x620;
    c.efer = o.efer ?? 0xd01;
    c.gdtrBase = GDT; c.gdtrLimit = 0x3f;
    c.idtrBase = IDT; c.idtrLimit = 0xfff;
    const cpl = o.cpl ?? 0;
    loadCodeSegment(c, cpl === 3 ? 0x2b : 0x08, 0, 0xffffffff, cpl === 3 ? 0x20fb : 0x209b | (cpl << 5), cpl);
    setSegment(c, SEG_SS, cpl === 3 ? 0x23 : cpl, 0, 0xffffffff, cpl === 3 ? 0xc0f3 : 0xc093 | (cpl << 5));
    for (const s of [SEG_ES, SEG_DS, SEG_FS, SEG_GS]) setSegment(c, s, 0, 0, 0, 0);
    for (let r = 0; r < 16; r++) c.setReg64(r, o.regs?.[r] ?? 0n);
    c.setReg64(4, o.regs?.[4] ?? BigInt(STACK_TOP - 0x100));
    c.setRflags(o.rflags ?? 0x2);
    c.syncPaging();
    c.executionPath = o.path ?? 'interp';
    c.rip = CODE;
    this.end = CODE + code.length;
    this.max = o.maxInstructions ?? 1000;
    return this.resume();
  }

  private end = CODE;
  private max = 1000;

  /** Continues the last run() from where it stopped (after an intercepted event, the next instruction). */
  resume(): RunResult {
    const c = this.cpu, end = this.end, max = this.max;
    while (c.instructions < max) {
      if (c.rip === end) return { outcome: 'ok' };
      const stop = c.run(1);
      switch (stop) {
        case StopReason.Exception: {
          const r: RunResult = { outcome: 'exception', vector: c.exc.vector };
          if (c.exc.hasError) r.errorCode = c.exc.errorCode;
          if (c.exc.vector === 14) r.cr2 = c.cr2;
          return r;
        }
        case StopReason.EmulationFailure: return { outcome: 'emulation-failure', message: c.stopMessage };
        case StopReason.InternalError: return { outcome: 'internal-error', message: c.stopMessage };
        case StopReason.Halt: return { outcome: 'halt' };
        case StopReason.Limit: case StopReason.None: break;
        default: return { outcome: 'other', message: String(stop) };
      }
    }
    return c.rip === end ? { outcome: 'ok' } : { outcome: 'limit' };
  }
}

/** "ok", "#GP(0)", "#PF(2) cr2=…", "emulation-failure" — for compact expectations. */
export function describeResult(r: RunResult): string {
  if (r.outcome !== 'exception') return r.outcome;
  const names: Record<number, string> = { 1: '#DB', 3: '#BP', 6: '#UD', 7: '#NM', 12: '#SS', 13: '#GP', 14: '#PF', 16: '#MF', 17: '#AC', 19: '#XM' };
  let s = names[r.vector!] ?? `vector ${r.vector}`;
  if (r.errorCode !== undefined) s += `(${r.errorCode.toString(16)})`;
  return s;
}
