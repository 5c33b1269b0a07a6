// What vcpu.run() returns: why the vCPU stopped, as a typed record (KVM's
// kvm_run exit reasons). run() resumes exactly where it stopped: for a read
// (`io` IN, `mmio` read) the host sets `value` before the next run() and the
// instruction completes with it.
import type { UcallKind } from '../devices/ucall.js';

/** Port I/O to a port no in-VM device claims (KVM_EXIT_IO). One element: `count` is 1 (REP INS/OUTS exit once per element). */
export interface IoExit {
  reason: 'io';
  direction: 'in' | 'out';
  port: number;
  size: 1 | 2 | 4;
  count: 1;
  /** OUT: the data written. IN: what the guest will read; the host sets it (all ones unless set). */
  value: number;
}

/** A data access to guest-physical memory with no slot or device, or a write to a read-only slot (KVM_EXIT_MMIO). */
export interface MmioExit {
  reason: 'mmio';
  write: boolean;
  /** Guest-physical address. */
  address: number;
  size: 1 | 2 | 4 | 8;
  /** Write: the data. Read: what the guest will read; the host sets it (all ones unless set). */
  value: bigint;
}

/** A guest ucall (the KVM selftests convention, guest-abi §6), decoded. */
export interface UcallExit {
  reason: 'ucall';
  /** The command by name; a number outside the common ones (a test's own command) is 'CUSTOM'. */
  cmd: UcallKind;
  /** The command number as the guest wrote it (the one to look at for CUSTOM). */
  number: bigint;
  /** The seven argument slots, unsigned 64-bit. */
  args: bigint[];
  /** PRINTF: the formatted text. ABORT: the message. */
  text?: string;
  /** ABORT: the failed expression, file and line. */
  expr?: string;
  file?: string;
  line?: number;
  /** Guest-virtual address of the struct ucall (RDI). */
  address: bigint;
  /** Set when the struct could not be read (not mapped): what went wrong. */
  error?: string;
}

export interface HltExit { reason: 'hlt' }
/** Triple fault (KVM_EXIT_SHUTDOWN). */
export interface ShutdownExit { reason: 'shutdown' }
/** The instruction budget of this run() is spent. */
export interface LimitExit { reason: 'limit' }

/** An instruction the CPU does not implement; RIP is left on it, so the host may emulate it (set state, advance RIP) or inject an exception. */
export interface EmulationFailureExit {
  reason: 'emulation-failure';
  rip: bigint;
  /** The instruction's bytes (its decoded length, or up to 15 bytes readable). */
  bytes: Uint8Array;
  length: number;
  message: string;
}

/** An exception or software interrupt the host intercepts (vcpu.interceptExceptions) instead of delivering it. */
export interface ExceptionExit {
  reason: 'exception';
  vector: number;
  errorCode?: number;
  /** #PF: the faulting linear address. */
  cr2?: bigint;
  /** RIP of the instruction (faults) or after it (traps, software interrupts). */
  rip: bigint;
}

/** A JavaScript error inside the emulator: a bug, with its message (the run cannot go on). */
export interface InternalErrorExit { reason: 'internal-error'; message: string; rip: bigint }

/**
 * A guest RDMSR/WRMSR the host asked to handle (KVM_EXIT_X86_RDMSR / WRMSR; vm.msrExits, vm.setMsrFilter).
 * The host answers before the next run(): a read's `data`, or `error` to inject #GP(0).
 */
export interface MsrExit {
  reason: 'msr';
  direction: 'read' | 'write';
  index: number;
  /** Write: the value (nothing was written to the CPU). Read: what EDX:EAX get; the host sets it (0 unless set). */
  data: bigint;
  /** 'unknown': the model has no such MSR; 'invalid': the CPU would #GP; 'filter': the MSR filter denies it. */
  why: 'unknown' | 'invalid' | 'filter';
  /** The host sets it to make the instruction raise #GP(0) instead. */
  error: boolean;
}

/**
 * VMCALL/VMMCALL at CPL 0, KVM's PV hypercall convention (KVM_EXIT_HYPERCALL). The host sets
 * `result` (into RAX); left unset, the guest gets -KVM_ENOSYS as from KVM for an unknown number.
 */
export interface HypercallExit {
  reason: 'hypercall';
  /** RAX (32 bits outside 64-bit mode). */
  nr: bigint;
  /** RBX, RCX, RDX, RSI (32 bits outside 64-bit mode). */
  args: bigint[];
  result?: bigint;
  cpl: number;
  /** In 64-bit mode (KVM_EXIT_HYPERCALL_LONG_MODE); otherwise the result is truncated to 32 bits. */
  longMode: boolean;
}

/** A host data breakpoint (vcpu.addWatchpoint): an access touching any byte of [address, address + length) stops the vCPU after that instruction. */
export interface Watchpoint {
  /** Guest-virtual (linear) address. */
  address: bigint;
  length: 1 | 2 | 4 | 8;
  /** 'write': writes only; 'access': reads and writes. */
  kind: 'write' | 'access';
}

/**
 * Host debugging (vcpu.singleStep / addBreakpoint / addWatchpoint; host/debug.ts),
 * KVM_EXIT_DEBUG. `rip` is the next instruction to run: for `breakpoint` the
 * one at the breakpoint, not executed yet; for `single-step` and `watchpoint`
 * the one after the instruction that retired (the handler's first instruction
 * when an event was delivered). A watchpoint hit in a single-step reports `watchpoint`.
 */
export interface DebugExit {
  reason: 'debug';
  cause: 'single-step' | 'breakpoint' | 'watchpoint';
  rip: bigint;
  /** watchpoint: the guest-virtual address, size and direction of the (first) access that hit. */
  address?: bigint;
  size?: number;
  write?: boolean;
  /** watchpoint: the one that was hit, as vcpu.addWatchpoint returned it. */
  watchpoint?: Watchpoint;
}

export type VcpuExit =
  | IoExit | MmioExit | UcallExit | HltExit | ShutdownExit | LimitExit
  | EmulationFailureExit | ExceptionExit | InternalErrorExit | MsrExit | HypercallExit | DebugExit;

export type ExitReason = VcpuExit['reason'];
