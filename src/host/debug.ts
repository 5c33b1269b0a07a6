// Host debugging of one vCPU (KVM_SET_GUEST_DEBUG semantics): single-step,
// software breakpoints and data watchpoints set by the host, each ending
// vcpu.run() with a `debug` exit; and tracing hooks for instructions and
// memory accesses, and the trace of recent instructions. The guest sees none of it: no INT3 in its memory, its
// DR0-DR7, DR6 and RFLAGS.TF/RF untouched, its own #DB/#BP handling as before.
// The mechanism is src/cpu/host-debug.ts; this file is the typed host side.
import type { Cpu } from '../cpu/cpu.js';
import { HostDebugger, type HostWatchpoint } from '../cpu/host-debug.js';
import { InstructionTrace } from '../cpu/instruction-trace.js';
import type { DebugExit, Watchpoint } from './exits.js';

export type { Watchpoint };

/** One explicit data access of the guest, as the memory-access hook sees it (after it completed). */
export interface MemoryAccess {
  /** Guest-virtual (linear) address. */
  address: bigint;
  size: number;
  kind: 'read' | 'write';
  /** The data read or written, unsigned. */
  value: bigint;
}

const signed = (virt: bigint): number => Number(BigInt.asIntN(64, virt));
const unsigned = (lin: number): bigint => BigInt.asUintN(64, BigInt(lin));

const RIP_CACHE_SIZE = 4096;
/**
 * The deepest recent-instruction trace: its ring holds two 16-byte pairs per instruction, rounded up to a
 * power of two of them (instruction-trace.ts): 64 MiB at this depth.
 */
export const MAX_TRACE_DEPTH = 2 ** 20;
/**
 * `unsigned` memoised for the instruction hook, which converts every RIP (a bigint is immutable,
 * so one may be handed out twice, to any vCPU's hook: one cache serves them all): a direct-mapped
 * cache by the address's low bits. Converting cost a third of a run under a RIP-recording hook
 * (int-loop 17-21 MIPS, 24-29 with the cache).
 */
class UnsignedCache {
  static shared: UnsignedCache | undefined; // made at the first use (an instruction hook, a trace read)
  private readonly keys = new Float64Array(RIP_CACHE_SIZE).fill(NaN);
  private readonly values = new Array<bigint>(RIP_CACHE_SIZE).fill(0n);
  of(lin: number): bigint {
    const k = lin & (RIP_CACHE_SIZE - 1);
    if (this.keys[k] === lin) return this.values[k]!;
    this.keys[k] = lin;
    return (this.values[k] = unsigned(lin));
  }
}

export class HostDebug<V> {
  private readonly d = new HostDebugger();
  private readonly watches = new Map<Watchpoint, HostWatchpoint>();

  constructor(private readonly cpu: Cpu, private readonly vcpu: V) {}

  /** Single-step on or off: run() returns a `single-step` exit after each instruction (or event delivered). */
  singleStep(on: boolean): void {
    this.d.singleStep = on;
    this.sync();
  }

  addBreakpoint(rip: bigint): void {
    this.d.breakpoints.add(signed(rip));
    this.sync();
  }

  removeBreakpoint(rip: bigint): boolean {
    const had = this.d.breakpoints.delete(signed(rip));
    this.sync();
    return had;
  }

  addWatchpoint(w: Watchpoint): Watchpoint {
    if (![1, 2, 4, 8].includes(w.length)) throw new RangeError(`watchpoint length must be 1, 2, 4 or 8, got ${w.length}`);
    if (w.kind !== 'write' && w.kind !== 'access') throw new RangeError(`watchpoint kind must be 'write' or 'access', got '${String(w.kind)}'`);
    const hw: HostWatchpoint = { start: signed(w.address), length: w.length, kind: w.kind };
    this.watches.set(w, hw);
    this.d.watchpoints.push(hw);
    this.sync();
    return w;
  }

  removeWatchpoint(w: Watchpoint): boolean {
    const hw = this.watches.get(w);
    if (hw === undefined) return false;
    this.watches.delete(w);
    this.d.watchpoints.splice(this.d.watchpoints.indexOf(hw), 1);
    this.sync();
    return true;
  }

  onInstruction(hook: ((vcpu: V, rip: bigint) => void) | null): void {
    const rips = (UnsignedCache.shared ??= new UnsignedCache());
    this.d.onInstruction = hook === null ? null : (rip) => hook(this.vcpu, rips.of(rip));
    this.sync();
  }

  recordInstructions(depth: number): void {
    if (!Number.isSafeInteger(depth) || depth < 0 || depth > MAX_TRACE_DEPTH) {
      throw new RangeError(`recordInstructions depth must be an integer from 0 to ${MAX_TRACE_DEPTH}, got ${depth}`);
    }
    this.cpu.instructionTrace = depth > 0 ? new InstructionTrace(depth) : null;
  }

  recentInstructions(): bigint[] {
    const cpu = this.cpu, trace = cpu.instructionTrace;
    if (trace === null) return [];
    const rips = (UnsignedCache.shared ??= new UnsignedCache());
    return trace.recent(cpu.instructions, (rip, n) => cpu.peekCode(rip, n)).map((rip) => rips.of(rip));
  }

  onMemoryAccess(hook: ((access: MemoryAccess, vcpu: V) => void) | null): void {
    this.d.onMemoryAccess = hook === null ? null : (lin, size, write, lo, hi) => {
      const value = size === 8 ? (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0) : BigInt.asUintN(size * 8, BigInt(lo));
      hook({ address: unsigned(lin), size, kind: write ? 'write' : 'read', value }, this.vcpu);
    };
    this.sync();
  }

  /** The debug exit due at this boundary, if any (taken: it is reported once). */
  take(): DebugExit | null {
    const d = this.d, cause = d.due;
    if (cause === null) return null;
    d.due = null;
    const exit: DebugExit = { reason: 'debug', cause, rip: this.cpu.ripBig() };
    if (cause === 'watchpoint') {
      exit.address = unsigned(d.hitAddress);
      exit.size = d.hitSize;
      exit.write = d.hitWrite;
      for (const [w, hw] of this.watches) if (hw === d.hitWatch) exit.watchpoint = w;
    }
    this.sync();
    return exit;
  }

  /** The host set RIP (or other state): the next instruction is a fresh arrival for the breakpoints. */
  stateChanged(): void {
    this.d.forgetPassed();
  }

  private sync(): void {
    const on = this.d.active;
    if (on !== (this.cpu.hostDebug !== null)) this.cpu.attachHostDebug(on ? this.d : null);
  }
}
