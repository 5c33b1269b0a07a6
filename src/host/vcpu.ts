// One vCPU of a VirtualMachine, driven the KVM way: the host sets registers,
// calls run(), gets a typed exit (exits.ts), handles it, and calls run() again
// — the vCPU resumes exactly where it stopped.
import { SEG_CS } from '../arch/registers.js';
import { Cpu, StopReason } from '../cpu/cpu.js';
import type { ExecutionPath } from '../cpu/execution-path.js';
import { Vector } from '../arch/vectors.js';
import { IF } from '../arch/rflags.js';
import { Shadow } from '../cpu/state.js';
import { MSR_EFER } from '../arch/msr-index.js';
import { readMsr, writeMsr } from '../cpu/msr.js';
import { UCALL_PORT } from '../devices/ucall.js';
import type { HostAccess } from '../cpu/host-exits.js';
import type { VcpuExit, IoExit, MmioExit } from './exits.js';
import { getRegs, setRegs, getSregs, setSregs, type Regs, type Sregs } from './registers.js';
import { getDebugRegs, setDebugRegs, type DebugRegs } from './debug-registers.js';
import { translate, readVirtual, writeVirtual, readString, physicalOf, type Translation } from './guest-memory.js';
import { decodeUcall } from './ucall.js';
import { getFpu, setFpu } from './fpu.js';
import { PendingHostCall, type MsrPolicy } from './host-calls.js';
import { modelCpuid, type CpuidEntry } from '../cpu/host-cpuid.js';
import type { PhysicalMemory } from '../mmu/physical-memory.js';
import type { PortBus } from '../devices/port-bus.js';
import type { CpuVendor } from '../arch/vendor.js';
import { HostDebug, type MemoryAccess, type Watchpoint } from './debug.js';
import { noteRun, runEnded } from './process-runs.js';

/** What a vCPU needs of its VM (VirtualMachine, vm.ts, is one). */
export interface VcpuHost {
  readonly mem: PhysicalMemory;
  readonly ports: PortBus;
  readonly vendor: CpuVendor;
  readonly forcedEmulation: boolean;
  writePhysical(address: number, bytes: Uint8Array): void;
  /** Userspace MSR handling and the fix-hypercall quirk (host-calls.ts). */
  readonly msrPolicy: MsrPolicy;
  readonly fixHypercall: boolean;
}

/** Vectors that carry an error code (SDM Vol. 3A Table 6-1). */
const HAS_ERROR_CODE = new Set<number>([Vector.DF, Vector.TS, Vector.NP, Vector.SS, Vector.GP, Vector.PF, Vector.AC]);

export class Vcpu {
  /** The CPU itself: every architectural register, for what the typed calls below do not cover. */
  readonly cpu: Cpu;
  /** Instructions one run() may retire before it returns a `limit` exit. */
  budget = 1e9;
  /** The port whose IN/OUT is a ucall (RDI = the struct's address), or null for plain `io` exits. */
  ucallPort: number | null = UCALL_PORT;
  /** The read exit the host answers on the next run() (it sets its `value`). */
  private pendingRead: { exit: IoExit | MmioExit; access: HostAccess } | null = null;
  /** A ucall made with IN: it completes with 0 on the next run(). */
  private ucallIn: HostAccess | null = null;
  /** An msr or hypercall exit the host answers on the next run() (host-calls.ts). */
  private readonly hostCall = new PendingHostCall();
  /** Host debugging (debug.ts). */
  private readonly debug: HostDebug<Vcpu>;

  constructor(readonly vm: VcpuHost, readonly id: number) {
    this.cpu = new Cpu(vm.mem, vm.ports, { forcedEmulation: vm.forcedEmulation, vendor: vm.vendor });
    this.cpu.exitToHost(true);
    this.cpu.msrPolicy = vm.msrPolicy;
    this.cpu.fixHypercall = vm.fixHypercall;
    this.debug = new HostDebug<Vcpu>(this.cpu, this);
  }

  get executionPath(): ExecutionPath { return this.cpu.executionPath; }
  set executionPath(p: ExecutionPath) { this.cpu.executionPath = p; }

  /** Instructions retired since the vCPU was created. */
  get instructions(): number { return this.cpu.instructions; }

  /**
   * Runs until something needs the host, and says what (exits.ts).
   * @example
   *   const exit = vcpu.run();
   *   if (exit.reason === 'io' && exit.direction === 'in') exit.value = 0x42; // the guest's IN reads 0x42
   */
  run(): VcpuExit {
    const cpu = this.cpu;
    noteRun(cpu.hostDebug !== null);
    const queued = cpu.hostExits.queue;
    if (this.pendingRead) {
      const { exit, access } = this.pendingRead;
      access.value = BigInt(exit.value);
      cpu.hostExits.complete(access);
      this.pendingRead = null;
    }
    this.hostCall.complete(cpu.hostExits);
    if (this.ucallIn) {
      this.ucallIn.value = 0n;
      cpu.hostExits.complete(this.ucallIn);
      this.ucallIn = null;
    }
    if (queued.length === 0) {
      const due = this.debug.take(); // a debug exit at the boundary where another exit stopped the run
      if (due !== null) return due;
      const stop = cpu.run(this.budget);
      // An answer the re-executed instruction did not take (the host mapped memory there meanwhile) is dropped.
      cpu.hostExits.cancelRead();
      if (stop !== StopReason.HostExit) return this.exitFor(stop);
    }
    return this.accessExit(queued.shift()!);
  }

  private accessExit(a: HostAccess): VcpuExit {
    if (a.kind === 'msr' || a.kind === 'hypercall') return this.hostCall.exitFor(a);
    if (a.kind === 'io' && a.address === this.ucallPort) {
      if (!a.write) this.ucallIn = a;
      const ucall = decodeUcall(this.cpu, this.cpu.getReg64(7));
      if (ucall.cmd === 'DONE' || ucall.cmd === 'ABORT' || ucall.cmd === 'UNHANDLED') runEnded(); // the guest's own end
      return ucall;
    }
    const exit: IoExit | MmioExit = a.kind === 'io'
      ? { reason: 'io', direction: a.write ? 'out' : 'in', port: a.address, size: a.size as 1 | 2 | 4, count: 1, value: Number(a.value) }
      : { reason: 'mmio', write: a.write, address: a.address, size: a.size, value: a.value };
    if (!a.write) this.pendingRead = { exit, access: a };
    return exit;
  }

  private exitFor(stop: StopReason): VcpuExit {
    const cpu = this.cpu;
    const rip = BigInt.asUintN(64, BigInt(cpu.stopRip));
    switch (stop) {
      case StopReason.Halt: return { reason: 'hlt' };
      case StopReason.Shutdown: return { reason: 'shutdown' };
      case StopReason.Limit: return { reason: 'limit' };
      case StopReason.HostDebug: return this.debug.take() ?? { reason: 'internal-error', message: 'debug stop without a cause', rip };
      case StopReason.EmulationFailure: {
        const bytes = cpu.stopBytes;
        return { reason: 'emulation-failure', rip, bytes, length: bytes.length, message: cpu.stopMessage };
      }
      case StopReason.Exception: {
        const e = cpu.exc;
        const exit: VcpuExit = { reason: 'exception', vector: e.vector, rip: cpu.ripBig() };
        if (e.hasError) exit.errorCode = e.errorCode;
        if (e.vector === Vector.PF) exit.cr2 = BigInt.asUintN(64, BigInt(e.cr2));
        return exit;
      }
      default: return { reason: 'internal-error', message: cpu.stopMessage || `stop reason ${stop}`, rip };
    }
  }

  // ---- registers ----

  /** RAX…R15, RIP, RFLAGS (KVM_GET_REGS). */
  getRegs(): Regs { return getRegs(this.cpu); }
  /** Sets the named ones (KVM_SET_REGS). @example vcpu.setRegs({ rip: 0x1000n, rdi: 7n }) */
  setRegs(regs: Partial<Regs>): void { const rip = this.linearRip(); this.debug.stateChanged(); setRegs(this.cpu, regs); this.keepReadAt(rip); }
  /** Segments with their hidden parts, CR0/2/3/4/8, EFER, GDTR/IDTR, APIC base (KVM_GET_SREGS). */
  getSregs(): Sregs { return getSregs(this.cpu); }
  /** Sets the given ones, unchecked, as KVM_SET_SREGS. @example vcpu.setSregs({ cr4: sregs.cr4 | (1n << 20n) }) */
  setSregs(s: Partial<Sregs>): void { const rip = this.linearRip(); setSregs(this.cpu, s); this.keepReadAt(rip); }
  /** The guest's DR0-DR3, DR6, DR7 (KVM_GET_DEBUGREGS). */
  getDebugRegs(): DebugRegs { return getDebugRegs(this.cpu); }
  /** Sets them as KVM_SET_DEBUGREGS. @example vcpu.setDebugRegs({ db: [0x401000n, 0n, 0n, 0n], dr7: 0x403n }) */
  setDebugRegs(regs: Partial<DebugRegs>): void { setDebugRegs(this.cpu, regs); }

  /** An MSR's value, read as the host (KVM_GET_MSRS: no guest-only #GP), or undefined when the model has no such MSR. */
  getMsr(index: number): bigint | undefined { return readMsr(this.cpu, index, true); }
  /** Writes an MSR as the host (KVM_SET_MSRS: msr-kvm.ts says what differs from a guest WRMSR); throws when KVM would refuse it. */
  setMsr(index: number, value: bigint): void {
    if (!writeMsr(this.cpu, index, BigInt.asUintN(64, value), true)) throw new RangeError(`MSR 0x${index.toString(16)} rejects 0x${value.toString(16)}`);
    if (index === MSR_EFER) this.cpu.syncPaging();
  }

  /** The x87/MMX and SSE state as a 512-byte FXSAVE image (64-bit layout; KVM_GET_FPU). */
  getFpu(): Uint8Array { return getFpu(this.cpu); }
  /** Loads it back (KVM_SET_FPU); throws for reserved MXCSR bits. */
  setFpu(image: Uint8Array): void { setFpu(this.cpu, image); }

  /** Sets the argument registers of the System V ABI (RDI, RSI, RDX, RCX, R8, R9), as vcpu_args_set. @example vcpu.setArgs(1n, 0x1000n) */
  setArgs(...args: bigint[]): void {
    if (args.length > 6) throw new RangeError(`at most 6 register arguments, got ${args.length}`);
    const names = ['rdi', 'rsi', 'rdx', 'rcx', 'r8', 'r9'] as const;
    const regs: Partial<Regs> = {};
    args.forEach((v, k) => { regs[names[k]!] = v; });
    this.setRegs(regs);
  }

  // ---- CPUID ----

  /** The CPUID the guest sees: the host's table, or the model's leaves (KVM_GET_CPUID2 / KVM_GET_SUPPORTED_CPUID). */
  getCpuid(): CpuidEntry[] {
    return this.cpu.cpuidTable ? this.cpu.cpuidTable.entries.map((e) => ({ ...e })) : modelCpuid(this.cpu);
  }

  /**
   * Sets the CPUID the guest sees (KVM_SET_CPUID2), or null for the model's.
   * A cleared instruction feature makes its instructions #UD; a cleared system
   * feature makes its CR4/EFER bits reserved. Bits of features the emulator
   * lacks are reported as given, their instructions still unimplemented.
   * @example
   *   const leaves = vcpu.getCpuid();
   *   leaves.find((e) => e.leaf === 7)!.ebx &= ~(1 << 7); // no SMEP
   *   vcpu.setCpuid(leaves);
   */
  setCpuid(entries: readonly CpuidEntry[] | null): void { this.cpu.setCpuid(entries); }

  /**
   * Instructions (by mnemonic, as the disassembler spells them) that end in an
   * `emulation-failure` exit when run behind the forced-emulation prefix: the
   * host's emulator declines them, as KVM's does for instructions it cannot emulate.
   */
  failForcedEmulationOf(mnemonics: Iterable<string>): void {
    const s = new Set(mnemonics);
    this.cpu.fepUnsupported = s.size ? s : null;
  }

  // ---- events ----

  /**
   * Delivers an exception now, before the next instruction, through the guest's
   * IDT with the pushed RIP = the current RIP (KVM_SET_VCPU_EVENTS). A fault
   * while delivering it combines as on hardware (#DF, shutdown); the returned
   * exit is non-null when that ends the run (shutdown) or the host intercepts it.
   */
  injectException(vector: number, errorCode?: number, cr2?: bigint): VcpuExit | null {
    if (!Number.isInteger(vector) || vector < 0 || vector > 31) throw new RangeError(`exception vector ${vector} is not 0-31`);
    if (HAS_ERROR_CODE.has(vector) !== (errorCode !== undefined)) {
      throw new RangeError(`vector ${vector} ${HAS_ERROR_CODE.has(vector) ? 'needs' : 'takes no'} error code`);
    }
    this.discardPendingRead();
    const stop = this.cpu.injectException(vector, errorCode, cr2 === undefined ? 0 : Number(BigInt.asIntN(64, cr2)));
    return stop === StopReason.None ? null : this.exitFor(stop);
  }

  /**
   * Delivers an external interrupt now (KVM_INTERRUPT). It needs an open
   * interrupt window (RFLAGS.IF = 1, no STI/MOV SS shadow): this machine has no
   * interrupt controller to hold it pending, so otherwise it throws.
   */
  injectInterrupt(vector: number): VcpuExit | null {
    if (!Number.isInteger(vector) || vector < 32 || vector > 255) throw new RangeError(`interrupt vector ${vector} is not 32-255`);
    if ((this.cpu.flagsRest & IF) === 0 || this.cpu.interruptShadow !== Shadow.None) throw new Error('the interrupt window is closed (IF = 0 or an interrupt shadow)');
    this.discardPendingRead();
    const stop = this.cpu.injectInterrupt(vector);
    return stop === StopReason.None ? null : this.exitFor(stop);
  }

  /** Exceptions (and INT n) whose vector is listed exit to the host as `exception` instead of being delivered. */
  interceptExceptions(vectors: Iterable<number>, on = true): void {
    for (const v of vectors) this.cpu.interceptVectors[v] = on ? 1 : 0;
  }

  private linearRip(): bigint { return this.cpu.ripBig() + BigInt(this.cpu.segBase[SEG_CS]!); }

  /**
   * After setRegs/setSregs under a read exit: as KVM (complete_fast_pio_in's linear-RIP check), the
   * read still completes on the next run() unless the linear RIP moved; then the answer is dropped.
   */
  private keepReadAt(before: bigint): void {
    if (this.linearRip() !== before) this.discardPendingRead();
  }

  private discardPendingRead(): void {
    // The host changed the state under a read exit: the instruction will be fetched anew.
    this.pendingRead = null;
    this.ucallIn = null;
    this.hostCall.cancel();
    this.cpu.hostExits.cancelRead();
  }

  // ---- host debugging (debug.ts; invisible to the guest) ----

  /** Single-step: each run() retires one instruction (or delivers one event) and returns a `debug` exit. @example vcpu.singleStep(true); const { rip } = vcpu.run() as DebugExit; */
  singleStep(on = true): void { this.debug.singleStep(on); }
  /** A breakpoint at a guest-virtual address, no byte written: run() exits before it; the next run() executes it. @example vcpu.addBreakpoint(vm.symbol('main')!) */
  addBreakpoint(rip: bigint): void { this.debug.addBreakpoint(rip); }
  /** Removes a breakpoint; false if there was none. @example vcpu.removeBreakpoint(addr) */
  removeBreakpoint(rip: bigint): boolean { return this.debug.removeBreakpoint(rip); }
  /** A data watchpoint (independent of DR0-DR3): a `debug` exit after the instruction that touched it. @example vcpu.addWatchpoint({ address: vm.symbol('counter')!, length: 8, kind: 'write' }) */
  addWatchpoint(w: Watchpoint): Watchpoint { return this.debug.addWatchpoint(w); }
  /** Removes a watchpoint (the object addWatchpoint returned); false if unknown. @example vcpu.removeWatchpoint(w) */
  removeWatchpoint(w: Watchpoint): boolean { return this.debug.removeWatchpoint(w); }
  /** Calls `hook` before each instruction with its RIP (null: off). @example vcpu.onInstruction((_v, rip) => trace.push(rip)) */
  onInstruction(hook: ((vcpu: Vcpu, rip: bigint) => void) | null): void { this.debug.onInstruction(hook); }
  /**
   * Keeps the RIPs of the last `depth` instructions started (0: off), for recentInstructions(): what an onInstruction
   * hook would collect, at a fraction of its cost — the fast loops note where each straight-line run starts, and the
   * RIPs in between are decoded again when asked (every tier notes its runs: the compiled tier's regions at each block).
   * @example vcpu.recordInstructions(64); vcpu.run(); const last = vcpu.recentInstructions().at(-1);
   */
  recordInstructions(depth: number): void { this.debug.recordInstructions(depth); }
  /** The RIPs of the last instructions started (at most recordInstructions' depth), oldest first; an instruction that ran again after an exit to the host, or a REP string instruction that went on, counts once. */
  recentInstructions(): bigint[] { return this.debug.recentInstructions(); }
  /** Calls `hook` after each explicit data access with its address, size, kind and value (null: off). @example vcpu.onMemoryAccess((a) => log.push(a)) */
  onMemoryAccess(hook: ((access: MemoryAccess, vcpu: Vcpu) => void) | null): void { this.debug.onMemoryAccess(hook); }

  // ---- guest memory through this vCPU's page tables ----

  /** The page walk for a guest-virtual address, entry by entry. */
  translate(virt: bigint): Translation { return translate(this.cpu, virt); }
  /** The guest-physical address of a guest-virtual one (undefined: unmapped). */
  physicalAddress(virt: bigint): number | undefined { return physicalOf(this.cpu, virt); }
  readVirtual(virt: bigint, len: number): Uint8Array | undefined { return readVirtual(this.cpu, virt, len); }
  /** Writes through the page tables (the host may write pages the guest cannot). */
  writeVirtual(virt: bigint, bytes: Uint8Array): void { writeVirtual(this.cpu, virt, bytes, (pa, b) => this.vm.writePhysical(pa, b)); }
  readString(virt: bigint, max?: number): string | undefined { return readString(this.cpu, virt, max); }
}
