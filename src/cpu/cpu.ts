// The vCPU: the architectural state (state.ts) plus the machinery around it —
// the run loop (the execution tiers are in interpreter.ts), the memory path,
// exception delivery, and the host's view (stop reasons, intercepts).
// Executors see it through ExecContext (context.ts) only.
import { Mmu } from '../mmu/mmu.js';
import type { PhysicalMemory } from '../mmu/physical-memory.js';
import { PortBus } from '../devices/port-bus.js';
import { AC, ARITH_FLAGS, RF, TF, RFLAGS_IMPLEMENTED, RFLAGS_FIXED1 } from '../arch/rflags.js';
import { Vector } from '../arch/vectors.js';
import { decode, MODE16, MODE32, MODE64 } from '../isa/decoder.js';
import { SEG_CS } from '../arch/registers.js';
import { ATTR_DB, ATTR_L } from '../arch/descriptors.js';
import type { FeatureName } from '../isa/features.js';
import type { CpuVendor } from '../arch/vendor.js';
import { ArchState, Shadow } from './state.js';
import { DataBreakpoints, clearInertResumeFlag, debugActive, syncBreakpoints } from './debug.js';
import type { HostDebugHook, RunContext } from './context.js';
import type { HostDebugger } from './host-debug.js';
import { Interpreter } from './interpreter.js';
import { PAGE } from './code-cache.js';
import { CompiledTier } from './compiled/tier.js';
import { OperandValues } from './operand-values.js';
import { setArithFlags } from './lazy-flags.js';
import { CPU_EXCEPTION, EMULATION_FAILURE, PendingException } from './exceptions.js';
import { deliverEvent, deliverException, DeliveryResult } from './delivery.js';
import { syncPaging } from './control-registers.js';
import { resetMsrs } from './msr.js';
import { MODEL_FEATURES } from './cpuid.js';
import { StopReason } from './stop-reason.js';
import { DEFAULT_EXECUTION_PATH, type ExecutionPath } from './execution-path.js';
import { HostExits, HOST_EXIT, OPEN_PORTS, type HostIo } from './host-exits.js';
import type { MsrPolicy } from './msr-policy.js';
import { OPEN_BUS } from '../mmu/physical-access.js';
import { HostCpuid, type CpuidEntry } from './host-cpuid.js';
import { KvmControls } from './msr-quirks.js';
import { noteUnretired, type InstructionTrace } from './instruction-trace.js';

export { StopReason };

export interface CpuOptions {
  /** Honour the forced-emulation prefix `ud2; 'kvm'` (guest-abi §7). */
  forcedEmulation?: boolean;
  /** CPUID features to report (default: everything the table implements, cpuid.ts). */
  features?: ReadonlySet<FeatureName>;
  /** The vendor model (default 'amd'): CPUID's vendor and every vendor-specific rule. */
  vendor?: CpuVendor;
}

export class Cpu extends ArchState implements RunContext {
  readonly ops = new OperandValues();
  readonly mem: PhysicalMemory;
  readonly mmu: Mmu;
  readonly io: PortBus;
  readonly exc = new PendingException();
  /** Accesses waiting for the host while exits are on (exitToHost). */
  readonly hostExits = new HostExits(this);
  hostIo: HostIo = OPEN_PORTS;
  cpuidTable: HostCpuid | null = null;
  /** KVM quirks and capabilities the host sets (msr-quirks.ts): MISC_ENABLE.MWAIT, MONITOR/MWAIT #UD, PLATFORM_INFO. */
  readonly kvm = new KvmControls();
  fepUnsupported: ReadonlySet<string> | null = null;
  /** The VM's userspace-MSR policy (host-calls.ts); null on a bare CPU. */
  msrPolicy: MsrPolicy | null = null;
  /** Set by exitToHost: VMCALL/VMMCALL exit as hypercalls instead of #UD. */
  hypercallExits = false;
  /** KVM's fix-hypercall quirk (host-calls.ts). */
  fixHypercall = true;
  fepStart = NaN;
  forcedEmulation: boolean;
  readonly vendor: CpuVendor;
  /** How guest code runs (see execution-path.ts); 'reference' runs every instruction on the reference path. */
  executionPath: ExecutionPath = DEFAULT_EXECUTION_PATH;
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
  /** Host debugging (host-debug.ts; set through attachHostDebug), or null. */
  hostDebug: HostDebugHook | null = null;
  regionThrew: unknown = null;
  /** The recent-instruction trace (host/vcpu.ts recordInstructions), or null. */
  instructionTrace: InstructionTrace | null = null;
  private hostWatch: HostDebugger | null = null;

  private featureSet: ReadonlySet<FeatureName>;
  private readonly interpreter: Interpreter;
  private readonly compiled: CompiledTier;
  private readonly dataBreakpoints = new DataBreakpoints(this);
  /** Whether the last slice of the run loop was the debug loop (debug.ts). */
  private debugSlice = false;

  constructor(mem: PhysicalMemory, io: PortBus = new PortBus(), options: CpuOptions = {}) {
    super();
    this.mem = mem;
    this.io = io;
    this.forcedEmulation = options.forcedEmulation ?? false;
    this.vendor = options.vendor ?? 'amd';
    this.featureSet = options.features ?? MODEL_FEATURES;
    this.mmu = new Mmu(mem, (lin, err) => this.pageFault(lin, err), () => this.raise(Vector.AC, 0));
    this.mmu.ctl.vendor = this.vendor;
    this.interpreter = new Interpreter(this);
    this.compiled = new CompiledTier(this, this.interpreter);
    this.mmu.onCodeWrite = (frame) => this.interpreter.dropFrame(frame);
    this.mmu.onDeferredFault = () => { if (this.stopReason === StopReason.None) this.stopReason = StopReason.DeferredFault; };
    mem.onLayoutChange((codeToo) => {
      if (codeToo) this.dropDecodedCode();
      this.flushTlb(false);
    });
    resetMsrs(this);
  }

  get features(): ReadonlySet<FeatureName> { return this.featureSet; }
  /** Changes the reported features (the host's CPUID): instructions are bound again. */
  set features(f: ReadonlySet<FeatureName>) {
    this.featureSet = f;
    this.dropDecodedCode();
  }


  /** Forgets every decoded instruction (and the marks that protect their pages). */
  private dropDecodedCode(): void {
    this.interpreter.clear();
    this.mem.clearCodeMarks();
  }

  /**
   * Whether unclaimed port I/O and MMIO (and read-only slot writes) exit to
   * the host (StopReason.HostExit) or meet the open bus (reads all ones, writes dropped).
   */
  exitToHost(on: boolean): void {
    this.hostIo = on ? this.hostExits.ports : OPEN_PORTS;
    this.mmu.hostMmio = on ? this.hostExits : OPEN_BUS;
    this.hypercallExits = on;
    this.hostExits.reset();
  }

  /**
   * The CPUID the guest sees (KVM_SET_CPUID2): the host's table, or null for
   * the model's. Features the table clears #UD and their CR4/EFER bits become reserved.
   */
  setCpuid(entries: readonly CpuidEntry[] | null): void {
    this.cpuidTable = entries ? new HostCpuid(entries) : null;
    this.features = this.cpuidTable ? this.cpuidTable.features() : MODEL_FEATURES;
    this.mmu.ctl.gbPages = this.cpuidTable ? this.cpuidTable.gbPages() : true;
    this.mmu.flush(); // cached translations may hold 1 GiB pages that are now reserved
  }

  /**
   * Attaches (or detaches, null) host debugging: while attached, every
   * instruction runs in the debug loop and the host's watch sees every explicit
   * data access (after the guest's own data breakpoints).
   */
  attachHostDebug(d: HostDebugger | null): void {
    if (d !== null) d.guestWatch = this.dataBreakpoints;
    this.hostDebug = d;
    this.hostWatch = d;
    // In the debug loop already: swap the watch (the run loop installs it otherwise, on its switch to the debug loop).
    if (this.debugSlice) this.mmu.setWatch(d ?? this.dataBreakpoints);
  }

  // ---- the ExecContext services ----

  setRflags(f: number): void {
    setArithFlags(this, f);
    const oldAc = this.flagsRest & AC;
    this.flagsRest = (f & RFLAGS_IMPLEMENTED & ~ARITH_FLAGS) | RFLAGS_FIXED1;
    if ((this.flagsRest & AC) !== oldAc) this.mmu.setMode(this.cpl, (this.flagsRest & AC) !== 0);
    if (this.flagsRest & (TF | RF)) this.requestStop(StopReason.Reschedule); // the debug loop (debug.ts)
  }

  setCpl(cpl: number): void {
    if (cpl !== this.cpl) {
      this.cpl = cpl;
      this.interpreter.changedCpl();
    }
    this.mmu.setMode(cpl, (this.flagsRest & AC) !== 0);
  }

  raise(vector: number, errorCode?: number): never {
    this.exc.set(vector, errorCode);
    throw CPU_EXCEPTION;
  }

  /** The MMU's #PF (a walk fault or a denied access): recorded here; the MMU throws the sentinel returned (mmu.ts PageFaultSink). */
  private pageFault(lin: number, err: number): typeof CPU_EXCEPTION {
    this.exc.cr2 = lin;
    this.exc.set(Vector.PF, err);
    return CPU_EXCEPTION;
  }

  emulationFailure(message: string): never {
    this.stopMessage = message;
    throw EMULATION_FAILURE;
  }

  requestStop(reason: StopReason): void {
    if (reason === StopReason.Reschedule && this.stopReason !== StopReason.None) return;
    this.stopReason = reason;
  }

  invalidateFetch(): void {
    this.interpreter.invalidateFetch();
  }

  flushTlb(keepGlobal: boolean): void {
    this.mmu.flush(keepGlobal);
    this.interpreter.invalidateFetch();
  }

  invalidatePage(lin: number): void {
    this.mmu.invalidatePage(lin);
    this.interpreter.invalidateFetchFor(lin);
  }

  interceptsEvent(vector: number, software: boolean): boolean {
    if (!this.interceptVectors[vector]) return false;
    if (software) {
      this.exc.set(vector);
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
    syncBreakpoints(this); // the host may have written DR0-DR7
    while (this.stopReason === StopReason.None) {
      if (this.instructions >= end) { this.stopReason = StopReason.Limit; break; }
      const debug = !this.nextSliceFast();
      // A MOV SS shadow never spans the switch from the fast loop (which does not track it).
      if (debug && !this.debugSlice) this.interruptShadow = Shadow.None;
      if (debug !== this.debugSlice) {
        this.debugSlice = debug;
        this.repSingle = false;
        this.mmu.setWatch(debug ? (this.hostWatch ?? this.dataBreakpoints) : null);
      }
      let thrown: unknown = null;
      try {
        if (debug) this.interpreter.runDebug(end, this.executionPath === 'reference');
        else if (this.executionPath === 'compiled') this.compiled.run(end);
        else if (this.executionPath === 'reference') this.interpreter.runReference(end);
        else {
          this.mmu.deferCached = true;
          this.interpreter.runInterp(end);
        }
      } catch (e) {
        thrown = e;
      }
      const m = this.mmu;
      m.deferCached = m.deferFaults = false;
      if (this.takeDeferredFault()) thrown = CPU_EXCEPTION;
      if (this.regionThrew !== null) { thrown = this.regionThrew; this.regionThrew = null; }
      if (thrown !== null) {
        noteUnretired(this);
        this.handleThrow(thrown);
        if (this.hostDebug !== null) this.hostDebug.afterEvent(this);
      }
      if ((this.stopReason as StopReason) === StopReason.Reschedule) this.stopReason = StopReason.None;
    }
    return this.stopReason;
  }

  /**
   * A handler returned at a #PF its access deferred (mmu.ts deferCached): the loop counted the
   * instruction, which did not retire. Returns whether there was one; the caller delivers it as if thrown.
   */
  private takeDeferredFault(): boolean {
    const m = this.mmu;
    if (!m.faultDeferred) return false;
    m.faultDeferred = false;
    this.instructions--;
    if (this.stopReason === StopReason.DeferredFault) this.stopReason = StopReason.None;
    return true;
  }

  /**
   * The interpreter's fast loop stopped (RunContext.resumeInterp): does what run() does between
   * two slices — a deferred #PF delivered, a Reschedule taken, the loop top's checks — and returns
   * whether the next slice would be the fast loop again, which then goes on where it is: no exit
   * and entry per page fault, nor per IRETQ that restored RF (issue 11). False: run() goes on.
   */
  resumeInterp(end: number): boolean {
    const m = this.mmu;
    m.deferCached = m.deferFaults = false;
    if (this.takeDeferredFault()) { noteUnretired(this); this.handleThrow(CPU_EXCEPTION); } // no host debug in the fast loop: no afterEvent
    m.deferCached = true;
    if (this.stopReason === StopReason.Reschedule) this.stopReason = StopReason.None;
    if (this.stopReason !== StopReason.None || this.instructions >= end) return false;
    return this.nextSliceFast();
  }

  /**
   * At the start of a slice of the run: whether it runs in a fast loop (a tier), not the debug loop
   * (host debugging, TF, RF, enabled breakpoints or a pending #DB). An RF with nothing to suppress is
   * cleared first: the next instruction starts here.
   */
  private nextSliceFast(): boolean {
    if (this.hostDebug !== null) return false;
    clearInertResumeFlag(this);
    return !debugActive(this);
  }

  /**
   * Host event injection (host/vcpu.ts): delivers an exception now, as if the
   * instruction at RIP raised it. Returns the stop reason it caused (None,
   * Exception when intercepted, Shutdown).
   */
  injectException(vector: number, errorCode: number | undefined, cr2: number): StopReason {
    this.stopReason = StopReason.None;
    this.insnStart = this.rip;
    this.exc.set(vector, errorCode);
    this.exc.cr2 = cr2;
    this.handleThrow(CPU_EXCEPTION);
    return this.stopReason;
  }

  /** Delivers an external interrupt now (an open interrupt window is the caller's check); a fault while delivering it is delivered instead. */
  injectInterrupt(vector: number): StopReason {
    this.stopReason = StopReason.None;
    this.insnStart = this.rip;
    try {
      deliverEvent(this, vector, false, 0, false, this.rip);
    } catch (e) {
      this.handleThrow(e);
    }
    return this.stopReason;
  }

  private handleThrow(e: unknown): void {
    this.interpreter.unwind();
    const fep = this.fepStart;
    this.fepStart = NaN;
    this.rip = this.insnStart;
    // The instruction did not complete: no single-step or data-breakpoint trap for it (a fault wins).
    this.stepTrap = false;
    this.dbHits = 0;
    if (e === HOST_EXIT) {
      // A read waits for the host: the instruction (from its forced-emulation prefix) runs again on resume.
      if (!Number.isNaN(fep)) this.rip = fep;
      this.stopReason = StopReason.HostExit;
      return;
    }
    if (e === CPU_EXCEPTION) {
      try {
        switch (deliverException(this, this.exc)) {
          case DeliveryResult.Intercepted: this.stopReason = StopReason.Exception; return;
          case DeliveryResult.Shutdown: this.stopReason = StopReason.Shutdown; return;
          default: return;
        }
      } catch (inner) {
        if (inner !== HOST_EXIT) throw inner;
        // Delivery read a descriptor or stack slot from unbacked memory: it cannot be restarted halfway.
        const read = this.hostExits.queue.pop()!;
        this.stopMessage = `delivering vector ${this.exc.vector} read guest-physical 0x${read.address.toString(16)}, which has no memory slot or device`;
        e = EMULATION_FAILURE;
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
    const insn = decode(bytes, 0, bytes.length, this.codeMode());
    return insn ? bytes.slice(0, insn.len) : bytes;
  }

  /** How the current CS decodes code: 64-bit mode, or 32- or 16-bit code (CS.D) in compatibility mode (CS.L = 0). */
  codeMode(): number {
    const attr = this.segAttr[SEG_CS]!;
    return (attr & ATTR_L) ? MODE64 : (attr & ATTR_DB) ? MODE32 : MODE16;
  }

  /** Reads up to `n` code bytes at `lin` for reports: a host read, without side effects; stops at the first unmapped or non-RAM byte. */
  peekCode(lin: number, n: number): Uint8Array {
    const out: number[] = [];
    let pa = -1;
    for (let k = 0; k < n; k++) {
      // One walk per page (a trace's rebuild reads thousands of instructions).
      pa = k === 0 || (lin + k) % PAGE === 0 ? this.mmu.hostTranslate(lin + k) : pa + 1;
      if (pa < 0 || !this.mem.isRam(pa, 1)) break;
      out.push(this.mem.read8(pa));
    }
    return Uint8Array.from(out);
  }

  /** Regions the compiled tier compiled so far (tests check that it ran). */
  get compiledRegions(): number { return this.compiled.compiledRegions; }

  /** Forced emulation: the instruction at `lin` on the reference path. */
  executeReference(lin: number): void {
    this.interpreter.executeReference(lin);
  }

  /**
   * Forgets everything cached about guest memory and execution (decoded
   * instructions, TLB, counters) so a host can reuse this vCPU for a fresh run
   * after rewriting memory and state; `keepCode` keeps the decoded and compiled
   * code (the host rewrote no code frame).
   */
  resetExecution(keepCode = false): void {
    if (!keepCode) this.dropDecodedCode();
    this.interpreter.unwind();
    this.flushTlb(false);
    this.instructions = 0;
    this.instructionTrace?.clear();
    this.stopReason = StopReason.None;
    this.stopMessage = '';
    this.interruptShadow = Shadow.None;
    this.stepTrap = false;
    this.dbHits = 0;
    this.dbDeferred = 0;
  }
}
