// A bare 64-bit machine for system-level tests: hand-built page tables, the
// guest ABI's GDT layout with a TSS whose I/O bitmap and limit the test
// chooses, any CPL, and every exception and software interrupt exiting to the
// test (the CPU's intercepts) with its vector, error code and CR2. Code bytes
// run until they end, fault, or stop.
//
// A run is one Cpu.run (so the compiled tier runs the code as compiled blocks,
// as it would for a guest): the code pages after the code hold INT3 (0xCC), and
// the intercepted INT3 at exactly the end stops it; the test sees 'ok' with the
// state before that INT3 (RIP = end, the INT3 not counted; an intercepted INT3
// changes nothing else, and the IDT's translation is marked accessed from the
// start so that reading gate 3 writes no page-table bit; fetching it may set the
// accessed bits of the translation of the end's page, as a prefetch may on
// hardware, SDM Vol. 3A §4.8: code that jumps to the end of a page it never ran
// from). The INT3 there is an
// instruction like any other, so code whose last instruction changes what it
// needs (IDTR, gate 3, CR3, a fetch of the code page: SMEP, NX, the CS limit)
// makes it fault: the helper throws rather than guess. Code that needs the state
// exactly as its last instruction left it where the INT3 would change it
// (RF = 1 after IRET or SYSRET: an instruction that completes clears it), that
// puts an instruction breakpoint on the end, or that delivers #BP to a handler
// (its gate not intercepted), runs with `step` instead: one instruction per
// Cpu.run, RIP compared with the end before each (the interpreter's, never a
// compiled block).
import { Cpu, StopReason } from '../../src/cpu/cpu.js';
import { loadCodeSegment, setSegment } from '../../src/cpu/segmentation.js';
import type { ExecutionPath } from '../../src/cpu/execution-path.js';
import { PhysicalMemory } from '../../src/mmu/physical-memory.js';
import { FrameAllocator, PageTableBuilder } from '../../src/mmu/page-table-builder.js';
import { PortBus } from '../../src/devices/port-bus.js';
import type { FeatureName } from '../../src/isa/features.js';
import type { CpuVendor } from '../../src/arch/vendor.js';
import { Vector } from '../../src/arch/vectors.js';
import { SEG_ES, SEG_SS, SEG_DS, SEG_FS, SEG_GS } from '../../src/arch/registers.js';

/** The accessed bit of a paging-structure entry (SDM Vol. 3A Table 4-14ff). */
const PTE_A = 0x20;

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
  /**
   * One instruction per Cpu.run, RIP compared with the end before each (the
   * interpreter runs every instruction alone: no compiled blocks). Default: the
   * code runs in one Cpu.run that the INT3 at the end stops.
   */
  step?: boolean;
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
    // The IDT's translation as a kernel's that took interrupts leaves it: accessed (the INT3 at the end reads gate 3).
    for (let table = this.pt.pml4, level = 39; level >= 12; level -= 9) {
      const entry = table + (Math.floor((IDT + 2 ** 48) / 2 ** level) & 511) * 8;
      this.mem.write32(entry, this.mem.read32(entry) | PTE_A);
      table = (this.mem.read32(entry) & 0xfffff000) >>> 0;   // the builder's tables sit below 4 GiB
    }
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
    this.step = o.step ?? false;
    return this.resume();
  }

  private end = CODE;
  private max = 1000;
  private step = false;

  /** Continues the last run() from where it stopped (after an intercepted event, the next instruction). */
  resume(): RunResult {
    const c = this.cpu, end = this.end, max = this.max;
    if (c.rip === end) return { outcome: 'ok' };
    if (this.step || !c.interceptVectors[Vector.BP]) return this.stepToEnd();
    if (c.instructions >= max) return { outcome: 'limit' };
    // One run: the INT3 at `end` (intercepted) stops it, so code runs as a guest's would (compiled blocks included).
    const stop = c.run(max - c.instructions);
    if (stop === StopReason.Exception && c.exc.vector === Vector.BP && !c.exc.hasError && c.insnStart === end && c.rip === end + 1) {
      // The terminator: an intercepted INT3 retired (counted) and left RIP after it; nothing else changed.
      c.rip = end;
      c.instructions--;
      return { outcome: 'ok' };
    }
    // Any other fault of the instruction at the end (its fetch, or INT3's gate checks): the code left
    // no usable terminator (a #DB there is a trap of the last instruction, reported as it is).
    if (stop === StopReason.Exception && c.insnStart === end && c.rip === end && c.exc.vector !== Vector.DB) {
      throw new Error(`Machine: the INT3 after the code faulted (vector ${c.exc.vector}): the code changed what it needs; run it with { step: true }`);
    }
    return this.outcome(stop) ?? (c.rip === end ? { outcome: 'ok' } : { outcome: 'limit' });
  }

  /** One instruction per Cpu.run, RIP checked against the end before each (RunOptions.step). */
  private stepToEnd(): RunResult {
    const c = this.cpu, end = this.end, max = this.max;
    while (c.instructions < max) {
      if (c.rip === end) return { outcome: 'ok' };
      const r = this.outcome(c.run(1));
      if (r) return r;
    }
    return c.rip === end ? { outcome: 'ok' } : { outcome: 'limit' };
  }

  /** What a stop of Cpu.run means for the test, or null when the run only spent its budget. */
  private outcome(stop: StopReason): RunResult | null {
    const c = this.cpu;
    switch (stop) {
      case StopReason.Exception: {
        const r: RunResult = { outcome: 'exception', vector: c.exc.vector };
        if (c.exc.hasError) r.errorCode = c.exc.errorCode;
        if (c.exc.vector === Vector.PF) r.cr2 = c.cr2;
        return r;
      }
      case StopReason.EmulationFailure: return { outcome: 'emulation-failure', message: c.stopMessage };
      case StopReason.InternalError: return { outcome: 'internal-error', message: c.stopMessage };
      case StopReason.Halt: return { outcome: 'halt' };
      case StopReason.Limit: case StopReason.None: return null;
      default: return { outcome: 'other', message: String(stop) };
    }
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
