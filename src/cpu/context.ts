// What an executor sees of the vCPU: the architectural state, the operand
// stage, the one memory path, the port bus, and a few services. Declared
// below the executors and the system modules, so that none of them depends on
// the CPU class (cpu.ts implements this interface).
import type { Mmu } from '../mmu/mmu.js';
import type { PhysicalMemory } from '../mmu/physical-memory.js';
import type { PortBus } from '../devices/port-bus.js';
import type { FeatureName } from '../isa/features.js';
import type { CpuVendor } from '../arch/vendor.js';
import type { Insn } from '../isa/insn.js';
import type { ArchState } from './state.js';
import type { OperandValues } from './operand-values.js';
import type { StopReason } from './stop-reason.js';
import type { HostIo, HostExits } from './host-exits.js';
import type { HostCpuid } from './host-cpuid.js';
import type { KvmControls } from './msr-quirks.js';
import type { MsrPolicy } from './msr-policy.js';

/** The code an execution tier binds to a decoded instruction. */
export type Handler = (c: ExecContext, i: Insn) => void;
/** The interpreter's code for a group of instructions from `i` to `last` (isa/insn.ts BoundGroup): false when only `i` ran. */
export type GroupHandler = (c: ExecContext, i: Insn, last: Insn) => boolean;

export interface ExecContext extends ArchState {
  /** The operand stage's values (operand-values.ts). */
  readonly ops: OperandValues;
  /** The one path for guest memory accesses by linear address. */
  readonly mmu: Mmu;
  readonly io: PortBus;
  /** Ports no in-VM device claims: the open bus, or exits to the host (host-exits.ts). */
  readonly hostIo: HostIo;
  /** The address of the forced-emulation prefix while its instruction runs (a host exit restarts there), else NaN. */
  fepStart: number;
  /** Set when the run loop will stop after this instruction (a REP instruction stops at the element boundary). */
  readonly stopReason: StopReason;
  /** The CPUID features this vCPU reports (cpuid.ts); their instructions run, others raise #UD. */
  readonly features: ReadonlySet<FeatureName>;
  /** The vendor model: every vendor-specific rule follows it (arch/vendor.ts). */
  readonly vendor: CpuVendor;
  /** Honour the forced-emulation prefix `ud2; 'kvm'` (guest-abi §7). */
  readonly forcedEmulation: boolean;
  /** The host's CPUID table (host-cpuid.ts), or null for the model's CPUID. */
  readonly cpuidTable: HostCpuid | null;
  /** The host's KVM quirks and capabilities for MSRs and MONITOR/MWAIT (msr-quirks.ts). */
  readonly kvm: KvmControls;
  /** The accesses waiting for the host (host-exits.ts). */
  readonly hostExits: HostExits;
  /** The VM's userspace-MSR policy (host-calls.ts), or null: RDMSR/WRMSR as the model alone says. */
  readonly msrPolicy: MsrPolicy | null;
  /** VMCALL/VMMCALL exit to the host as hypercalls (a host is attached), else #UD (host-calls.ts). */
  readonly hypercallExits: boolean;
  /** KVM_X86_QUIRK_FIX_HYPERCALL_INSN: the other vendor's hypercall instruction is patched, not #UD. */
  readonly fixHypercall: boolean;

  /** Writes all of RFLAGS (callers apply the POPF/IRET privilege rules first). */
  setRflags(f: number): void;
  /** Changes CPL (after a code-segment load): the memory path's permissions follow. */
  setCpl(cpl: number): void;
  /** Raises an exception: records it and unwinds to the run loop, which delivers it. */
  raise(vector: number, errorCode?: number): never;
  /** Ends the run with the emulation-failure outcome for the current instruction. */
  emulationFailure(message: string): never;
  /** Asks the run loop to return after the current instruction (device exits, HLT). */
  requestStop(reason: StopReason): void;
  /** Forced emulation: runs the instruction at `lin` on the reference path. */
  executeReference(lin: number): void;
  /** Forgets the fetch shortcut (after a CPL or paging change). */
  invalidateFetch(): void;
  /** Flushes the TLB (all entries, or those not global) and the fetch shortcut. */
  flushTlb(keepGlobal: boolean): void;
  /** INVLPG: drops the TLB entries of the page holding `lin`, and the fetch shortcut when that page may be the one it caches. */
  invalidatePage(lin: number): void;
  /** Host intercepts (the snippet runner, host debugging): true when this event exits to the host instead of being delivered. */
  interceptsEvent(vector: number, software: boolean): boolean;
}

/** What an execution tier needs beyond ExecContext: guest RAM and the run loop's stop flag. */
export interface RunContext extends ExecContext {
  readonly mem: PhysicalMemory;
  /** Mnemonics the host's emulator declines under forced emulation: they end in emulation-failure. */
  readonly fepUnsupported: ReadonlySet<string> | null;
  stopReason: StopReason;
  /** Host debugging (host-debug.ts), or null: then the debug loop runs only for the guest's own debugging. */
  hostDebug: HostDebugHook | null;
  /** What a compiled region caught and returned instead of rethrowing (compiled/emitter.ts THREW); null: nothing. */
  regionThrew: unknown;
  /** The recent-instruction trace the loops note runs in (instruction-trace.ts), or null: none kept. */
  readonly instructionTrace: RunNotes | null;
  /** How the current CS decodes code (MODE64, MODE32, MODE16). */
  codeMode(): number;
  /** After the interpreter's fast loop stopped: takes a deferred #PF or a Reschedule as the run loop would; true when the fast loop goes on. */
  resumeInterp(end: number): boolean;
}

/** What the loops tell the recent-instruction trace (instruction-trace.ts InstructionTrace). */
export interface RunNotes {
  /** A straight-line run starts at `rip` (code mode `mode`) with `retired` instructions retired. */
  run(rip: number, retired: number, mode: number): void;
  /** The instruction at `rip` started and did not retire (it faulted, or exits to the host and runs again). */
  unretired(rip: number, retired: number, mode: number): void;
}

/** What the debug loop calls around each instruction while the host debugs (host-debug.ts). */
export interface HostDebugHook {
  /** REP string instructions run one element per instruction (single-step, watchpoints). */
  readonly repSingle: boolean;
  /** Before the instruction at `rip`: true to stop before it (StopReason.HostDebug set). */
  before(c: RunContext, rip: number): boolean;
  /** After the instruction at `start` completed, before the guest's own #DB traps. */
  after(c: RunContext, start: number, insn: Insn): void;
  /** After the run loop handled a throw (an event delivered, or the instruction unwound). */
  afterEvent(c: RunContext): void;
}
