// Host debugging (KVM_SET_GUEST_DEBUG): single-step, breakpoints and
// watchpoints the host sets, plus tracing hooks. Invisible to the guest: no
// guest register (DR0-DR7, DR6, RFLAGS.TF/RF) or memory byte changes, and the
// guest's own #DB/#BP handling (debug.ts) runs as before.
//
// Cost model: nothing per instruction while no HostDebugger is attached
// (Cpu.hostDebug === null). While one is, the run loop takes the debug loop
// (Interpreter.runDebug), which calls before() and after() around each
// instruction, and the MMU watch (this object, chained to the guest's data
// breakpoints) sees every explicit data access.
//
// A run stops (StopReason.HostDebug) with `due` saying why:
//   breakpoint   before the instruction at a breakpoint; resuming executes it
//                without stopping again (the instruction has "passed" its check,
//                like RF = 1 for a DR breakpoint, SDM §17.3.1.1);
//   watchpoint   after the instruction that accessed a watched byte;
//   single-step  after each instruction that retires, or after an event
//                (exception, interrupt) is delivered instead.
// When the run stops for another reason at the same boundary (a ucall, HLT,
// an intercepted INT n), `due` stays set and the host returns it next.
import type { AccessWatch } from '../mmu/mmu.js';
import { SEG_CS } from '../arch/registers.js';
import { ATTR_L } from '../arch/descriptors.js';
import type { Insn } from '../isa/insn.js';
import type { HostDebugHook, RunContext } from './context.js';
import { isRepString } from './debug.js';
import { StopReason } from './stop-reason.js';

export type HostDebugCause = 'single-step' | 'breakpoint' | 'watchpoint';
export type WatchKind = 'write' | 'access';

/** A host data breakpoint: any byte of an access in [start, start + length) hits. Addresses are signed linear. */
export interface HostWatchpoint { start: number; length: number; kind: WatchKind }

/** What the host sees of one explicit data access (the memory-access hook). */
export type MemoryAccessHook = (lin: number, size: number, write: boolean, lo: number, hi: number) => void;

export class HostDebugger implements AccessWatch, HostDebugHook {
  singleStep = false;
  /** Breakpoints by linear address (signed number, as RIP is kept). */
  readonly breakpoints = new Set<number>();
  readonly watchpoints: HostWatchpoint[] = [];
  onInstruction: ((rip: number) => void) | null = null;
  onMemoryAccess: MemoryAccessHook | null = null;
  /** The guest's own data breakpoints (Cpu.dataBreakpoints), which see every access first. */
  guestWatch: AccessWatch | null = null;

  /** Why the vCPU must report a debug exit (null: none due). */
  due: HostDebugCause | null = null;
  /** Watchpoint hit: the access (linear address, size, write) and the watchpoint. */
  hitAddress = 0;
  hitSize = 0;
  hitWrite = false;
  hitWatch: HostWatchpoint | null = null;
  /** The RIP of the instruction that passed its breakpoint check and has not completed (NaN: none). */
  private passed = NaN;
  private announced = false;
  /** A watchpoint hit by the instruction executing now. */
  private hit = false;

  /** Whether a REP string instruction must run one element per step (as with TF, SDM §17.3.1.4). */
  get repSingle(): boolean { return this.singleStep || this.watchpoints.length > 0; }

  /** Before the instruction at `rip`: true to stop before it (a breakpoint). */
  before(c: RunContext, rip: number): boolean {
    this.hit = false;
    if (rip !== this.passed) {
      this.passed = rip;
      this.announced = false;
      if (this.breakpoints.size > 0) {
        // Breakpoints are linear addresses: CS.base + EIP outside 64-bit mode (as DR0-DR3, SDM §17.2.4).
        const lin = (c.segAttr[SEG_CS]! & ATTR_L) ? rip : (c.segBase[SEG_CS]! + rip) >>> 0;
        if (this.breakpoints.has(lin)) return this.stop(c, 'breakpoint');
      }
    }
    if (!this.announced) {
      this.announced = true;
      if (this.onInstruction !== null) this.onInstruction(rip);
    }
    return false;
  }

  /** After the instruction at `start` completed (its own #DB traps for the guest follow). */
  after(c: RunContext, start: number, insn: Insn): void {
    // A REP string instruction that goes on (RIP unchanged) keeps its passed check.
    if (!(c.rip === start && isRepString(insn))) this.passed = NaN;
    if (this.hit) this.stop(c, 'watchpoint');
    else if (this.singleStep) this.stop(c, 'single-step');
  }

  /**
   * After the run loop handled a throw: when an event was delivered to the
   * guest (the instruction faulted, or its trap was delivered), the handler's
   * first instruction is a fresh arrival; single-step stops there.
   */
  afterEvent(c: RunContext): void {
    if (c.stopReason !== StopReason.None) return; // unwound for the host (a read exit), intercepted, or failed
    this.passed = NaN;
    this.hit = false;
    if (this.singleStep) this.stop(c, 'single-step');
  }

  private stop(c: RunContext, cause: HostDebugCause): true {
    if (this.due === null || cause === 'watchpoint') this.due = cause;
    if (c.stopReason === StopReason.None || c.stopReason === StopReason.Reschedule) c.stopReason = StopReason.HostDebug;
    return true;
  }

  /** The MMU watch: the guest's data breakpoints, then the host's watchpoints. */
  access(lin: number, size: number, write: boolean): void {
    if (this.guestWatch !== null) this.guestWatch.access(lin, size, write);
    if (this.hit) return; // the first access that hit is the one reported
    const end = lin + size;
    for (const w of this.watchpoints) {
      if ((w.kind === 'write' && !write) || !(lin < w.start + w.length && w.start < end)) continue;
      this.hit = true;
      this.hitAddress = lin; this.hitSize = size; this.hitWrite = write; this.hitWatch = w;
      return;
    }
  }

  /** After the access completed: its value (reads: what was read; writes: what was written). */
  value(lin: number, size: number, write: boolean, lo: number, hi: number): void {
    if (this.onMemoryAccess !== null) this.onMemoryAccess(lin, size, write, lo, hi);
  }

  /** Whether an access can hit a watchpoint, reach the access hook or matter to the guest's data breakpoints. */
  get watching(): boolean {
    return this.watchpoints.length > 0 || this.onMemoryAccess !== null || (this.guestWatch?.watching ?? false);
  }

  /** Whether anything is set (otherwise the CPU runs without it, at full speed). */
  get active(): boolean {
    return this.singleStep || this.breakpoints.size > 0 || this.watchpoints.length > 0 ||
      this.onInstruction !== null || this.onMemoryAccess !== null || this.due !== null;
  }

  /** The host changed RIP or the instruction stream: the next instruction is a fresh arrival. */
  forgetPassed(): void {
    this.passed = NaN;
  }
}
