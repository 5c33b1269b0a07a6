// The vCPU: the architectural state (state.ts) plus the machinery that runs
// it — the run loop with the decoded-code cache and the reference path, the
// memory path, exception delivery, and the host's view (stop reasons,
// intercepts). Executors see it through ExecContext (context.ts) only.
import { Mmu } from '../mmu/mmu.js';
import type { PhysicalMemory } from '../mmu/physical-memory.js';
import { PortBus } from '../devices/port-bus.js';
import { AC, ARITH_FLAGS, RFLAGS_IMPLEMENTED, RFLAGS_FIXED1 } from '../arch/rflags.js';
import { Vector } from '../arch/vectors.js';
import { decode } from '../isa/decoder.js';
import type { Insn } from '../isa/insn.js';
import type { FeatureName } from '../isa/features.js';
import { ArchState } from './state.js';
import type { ExecContext, Handler } from './context.js';
import { OperandValues } from './operand-values.js';
import { setArithFlags } from './lazy-flags.js';
import { CPU_EXCEPTION, EMULATION_FAILURE, PendingException } from './exceptions.js';
import { deliverException, DeliveryResult } from './delivery.js';
import { syncPaging } from './control-registers.js';
import { resetMsrs } from './msr.js';
import { MODEL_FEATURES } from './cpuid.js';
import { CodeCache, PAGE, type CodePage } from './code-cache.js';
import { bindInstruction } from './exec/bind.js';
import { CANON_LIMIT } from './operands.js';
import { StopReason } from './stop-reason.js';
import type { ExecutionPath } from './execution-path.js';

export { StopReason };

export interface CpuOptions {
  /** Honour the forced-emulation prefix `ud2; 'kvm'` (guest-abi §7). */
  forcedEmulation?: boolean;
  /** CPUID features to report (default: everything the table implements, cpuid.ts). */
  features?: ReadonlySet<FeatureName>;
}

export class Cpu extends ArchState implements ExecContext {
  readonly ops = new OperandValues();
  readonly mem: PhysicalMemory;
  readonly mmu: Mmu;
  readonly io: PortBus;
  readonly exc = new PendingException();
  forcedEmulation: boolean;
  /** How guest code runs (see execution-path.ts); 'reference' runs every instruction on the reference path. */
  executionPath: ExecutionPath = 'cached';
  stopReason = StopReason.None;
  stopMessage = '';
  /** For EmulationFailure: address and bytes of the instruction. */
  stopRip = 0;
  stopBytes: Uint8Array = new Uint8Array(0);
  /**
   * Host intercepts by vector: an exception or software interrupt whose vector
   * is set here exits to the host (StopReason.Exception, details in `exc`)
   * instead of being delivered (host debugging; the snippet runner).
   */
  readonly interceptVectors = new Uint8Array(256);

  private featureSet: ReadonlySet<FeatureName>;
  private readonly code = new CodeCache();
  // The fetch shortcut: the code page of the page RIP is on.
  private fetchBase = NaN;
  private fetchPage: CodePage = new Array<Insn | undefined>(PAGE);
  private readonly fetchBuf = new Uint8Array(16);
  /** While > 0, the instruction runs on the reference path (forced emulation). */
  private referenceDepth = 0;

  constructor(mem: PhysicalMemory, io: PortBus = new PortBus(), options: CpuOptions = {}) {
    super();
    this.mem = mem;
    this.io = io;
    this.forcedEmulation = options.forcedEmulation ?? false;
    this.featureSet = options.features ?? MODEL_FEATURES;
    this.mmu = new Mmu(mem, (lin, err) => this.pageFault(lin, err));
    this.mmu.onCodeWrite = (frame) => this.dropCode(frame);
    resetMsrs(this);
  }

  get features(): ReadonlySet<FeatureName> { return this.featureSet; }
  /** Changes the reported features (the host's CPUID): instructions are bound again. */
  set features(f: ReadonlySet<FeatureName>) {
    this.featureSet = f;
    this.code.clear();
    this.mmu.codeFrames.fill(0);
    this.fetchBase = NaN;
  }

  // ---- the ExecContext services ----

  setRflags(f: number): void {
    setArithFlags(this, f);
    const oldAc = this.flagsRest & AC;
    this.flagsRest = (f & RFLAGS_IMPLEMENTED & ~ARITH_FLAGS) | RFLAGS_FIXED1;
    if ((this.flagsRest & AC) !== oldAc) this.mmu.setMode(this.cpl, (this.flagsRest & AC) !== 0);
  }

  setCpl(cpl: number): void {
    if (cpl !== this.cpl) {
      this.cpl = cpl;
      this.fetchBase = NaN;
    }
    this.mmu.setMode(cpl, (this.flagsRest & AC) !== 0);
  }

  raise(vector: number, errorCode?: number): never {
    const e = this.exc;
    e.vector = vector;
    e.hasError = errorCode !== undefined;
    e.errorCode = errorCode ?? 0;
    throw CPU_EXCEPTION;
  }

  private pageFault(lin: number, err: number): never {
    this.exc.cr2 = lin;
    return this.raise(Vector.PF, err);
  }

  emulationFailure(message: string): never {
    this.stopMessage = message;
    throw EMULATION_FAILURE;
  }

  requestStop(reason: StopReason): void {
    this.stopReason = reason;
  }

  invalidateFetch(): void {
    this.fetchBase = NaN;
  }

  flushTlb(keepGlobal: boolean): void {
    this.mmu.flush(keepGlobal);
    this.fetchBase = NaN;
  }

  interceptsEvent(vector: number, software: boolean): boolean {
    if (!this.interceptVectors[vector]) return false;
    if (software) {
      this.exc.vector = vector; this.exc.hasError = false; this.exc.errorCode = 0;
      this.requestStop(StopReason.Exception);
    }
    return true;
  }

  /** Re-derives the MMU's view of CR0/CR3/CR4/EFER/PKRU/CPL and flushes the TLB (after the host sets state). */
  syncPaging(): void {
    syncPaging(this);
  }

  // ---- the run loop ----

  /**
   * Runs until a stop reason or until `budget` more instructions have retired.
   * Never throws for anything a guest does.
   */
  run(budget: number): StopReason {
    this.stopReason = StopReason.None;
    const end = this.instructions + budget;
    while (this.stopReason === StopReason.None) {
      if (this.instructions >= end) { this.stopReason = StopReason.Limit; break; }
      try {
        if (this.executionPath === 'reference') this.runReferenceBatch(end);
        else this.runBatch(end);
      } catch (e) {
        this.handleThrow(e);
      }
    }
    return this.stopReason;
  }

  private runBatch(end: number): void {
    while (this.stopReason === StopReason.None && this.instructions < end) {
      const rip = this.rip;
      const off = rip - this.fetchBase;
      this.insnStart = rip; // before the fetch: a fetch fault reports this RIP
      let insn: Insn | undefined;
      if (off >= 0 && off < PAGE) insn = this.fetchPage[off];
      if (insn === undefined) insn = this.fetchSlow(rip);
      this.rip = rip + insn.len;
      (insn.exec as Handler)(this, insn);
      this.instructions++;
    }
  }

  private runReferenceBatch(end: number): void {
    while (this.stopReason === StopReason.None && this.instructions < end) {
      this.executeReference(this.rip);
      this.instructions++;
    }
  }

  private handleThrow(e: unknown): void {
    this.referenceDepth = 0;
    this.mmu.setReference(false);
    this.rip = this.insnStart;
    if (e === CPU_EXCEPTION) {
      switch (deliverException(this, this.exc)) {
        case DeliveryResult.Intercepted: this.stopReason = StopReason.Exception; return;
        case DeliveryResult.Shutdown: this.stopReason = StopReason.Shutdown; return;
        default: return;
      }
    }
    this.stopRip = this.insnStart;
    this.stopBytes = this.instructionBytes(this.insnStart);
    if (e === EMULATION_FAILURE) {
      this.stopReason = StopReason.EmulationFailure;
    } else {
      this.stopMessage = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      this.stopReason = StopReason.InternalError;
    }
  }

  /** The bytes of the instruction at `lin` (decoded length), for reports. */
  instructionBytes(lin: number): Uint8Array {
    const bytes = this.peekCode(lin, 15);
    const insn = decode(bytes, 0, bytes.length);
    return insn ? bytes.slice(0, insn.len) : bytes;
  }

  /** Reads up to `n` code bytes at `lin` for reports: a host read, without side effects; stops at the first unmapped or non-RAM byte. */
  peekCode(lin: number, n: number): Uint8Array {
    const out: number[] = [];
    for (let k = 0; k < n; k++) {
      const pa = this.mmu.hostTranslate(lin + k);
      if (pa < 0 || !this.mem.isRam(pa, 1)) break;
      out.push(this.mem.u8[pa]!);
    }
    return Uint8Array.from(out);
  }

  /** Fetches, decodes and binds the instruction at `rip`, caching it unless it crosses a page or runs on the reference path. */
  private fetchSlow(rip: number): Insn {
    if (rip >= CANON_LIMIT || rip < -CANON_LIMIT) this.raise(Vector.GP, 0);
    const reference = this.referenceDepth > 0;
    const pa = this.mmu.translate(rip, this.mmu.execMask);
    const off = rip - Math.floor(rip / PAGE) * PAGE;
    const frame = Math.floor(pa / PAGE);
    if (!reference && this.mem.isRam(pa, 1)) {
      let page = this.code.page(frame);
      if (!page) {
        page = this.code.create(frame);
        this.mmu.protectCodeFrame(frame);
      }
      this.fetchBase = rip - off;
      this.fetchPage = page;
      const cached = page[off];
      if (cached !== undefined) return cached;
      const insn = decode(this.mem.u8, pa, PAGE - off);
      if (insn) {
        insn.exec = bindInstruction(insn, this.featureSet, true);
        page[off] = insn;
        return insn;
      }
    }
    // Crosses into the next page (or not cacheable): gather the bytes page by page.
    const buf = this.fetchBuf;
    const first = Math.min(PAGE - off, 15);
    for (let k = 0; k < first; k++) buf[k] = this.mmu.readPhys(pa + k, 1);
    let insn = decode(buf, 0, first);
    if (!insn) {
      const pa2 = this.mmu.translate(rip + first, this.mmu.execMask);
      for (let k = first; k < 15; k++) buf[k] = this.mmu.readPhys(pa2 + k - first, 1);
      insn = decode(buf, 0, 15)!;
    }
    insn.exec = bindInstruction(insn, this.featureSet, !reference);
    return insn;
  }

  /**
   * Forced emulation (guest-abi §7): executes the instruction at `lin` on the
   * reference path: decoded fresh, generic handlers, every access walking the page tables.
   */
  executeReference(lin: number): void {
    this.insnStart = lin;
    this.rip = lin;
    this.referenceDepth++;
    this.mmu.setReference(true);
    try {
      const insn = this.fetchSlow(lin);
      this.rip = lin + insn.len;
      (insn.exec as Handler)(this, insn);
    } finally {
      this.referenceDepth--;
      this.mmu.setReference(this.referenceDepth > 0);
    }
  }

  /**
   * Forgets everything cached about guest memory and execution (decoded
   * instructions, TLB, counters) so a host can reuse this vCPU for a fresh run
   * after rewriting memory and state.
   */
  resetExecution(): void {
    this.code.clear();
    this.mmu.codeFrames.fill(0);
    this.flushTlb(false);
    this.instructions = 0;
    this.stopReason = StopReason.None;
    this.stopMessage = '';
    this.interruptShadow = false;
    this.referenceDepth = 0;
    this.mmu.setReference(false);
  }

  /** Self-modifying code: a write hit a frame we hold decoded instructions for. */
  private dropCode(frame: number): void {
    this.code.drop(frame);
    this.fetchBase = NaN;
  }
}
