// The library API: a VM with one vCPU that runs a guest image under guest ABI
// v1 and reports what it did as typed events and an outcome.
import { Cpu, StopReason } from './cpu/cpu.js';
import type { ExecutionPath } from './cpu/execution-path.js';
import { CPU_VENDORS, isCpuVendor, type CpuVendor } from './arch/vendor.js';
import { PhysicalMemory } from './mmu/physical-memory.js';
import { walk, WalkResult } from './mmu/paging.js';
import { PortBus } from './devices/port-bus.js';
import { Serial, COM1_BASE, COM1_PORTS } from './devices/serial.js';
import { DebugExit, DEBUG_EXIT_PORT } from './devices/debug-exit.js';
import { UcallPort, UCALL_PORT, UCALL_CMDS, UCALL_BUFFER_OFFSET, UCALL_BUFFER_LEN, UCALL_SIZE, type UcallCmd } from './devices/ucall.js';
import { parseElf, ImageError, type GuestImage } from './guest/elf.js';
import { buildEnvironment, RAM_DEFAULT } from './guest/environment.js';
import { GPR_NAMES } from './arch/registers.js';

export { ImageError };

/** Register values by name (rax … r15, rip, rflags), unsigned 64-bit. */
export type Registers = Record<(typeof GPR_NAMES)[number] | 'rip' | 'rflags', bigint>;
export type Outcome = 'done' | 'abort' | 'unhandled' | 'shutdown' | 'halt' | 'debug-exit' | 'limit' | 'emulation-failure' | 'error';

export interface UcallEvent {
  type: 'ucall';
  cmd: UcallCmd;
  /** The seven argument slots, as unsigned 64-bit values. */
  args: bigint[];
  /** PRINTF: the formatted text. ABORT: the message. */
  text?: string;
  /** ABORT: the failed expression, file and line. */
  expr?: string;
  file?: string;
  line?: number;
}
export interface ConsoleEvent { type: 'console'; text: string }
export type GuestEvent = UcallEvent | ConsoleEvent;

export interface RunResult {
  outcome: Outcome;
  instructions: number;
  events: GuestEvent[];
  /** emulation-failure / error: where, and the instruction bytes. */
  rip?: bigint;
  bytes?: Uint8Array;
  /** debug-exit: (v << 1) | 1. */
  code?: number;
  /** error / emulation-failure: what went wrong. */
  message?: string;
  /** The UNHANDLED / ABORT event that ended the run, if any. */
  last?: UcallEvent;
}

export interface VmOptions {
  /** Guest RAM in bytes (multiple of 2 MiB, default 128 MiB). */
  memorySize?: number;
  /** Honour the forced-emulation prefix (guest-abi §7). */
  forcedEmulation?: boolean;
  /** The CPU vendor model: 'amd' (default) or 'intel' (docs/cpu-model.md lists where they differ). */
  vendor?: CpuVendor;
  /** How guest code runs: 'cached' (default) or 'reference' (see EXECUTION_PATHS). */
  executionPath?: ExecutionPath;
  /** Instruction budget for run() (default 1e9): past it the outcome is `limit`. */
  maxInstructions?: number;
  /** Called for every event as it happens (before run() returns). */
  onEvent?: (e: GuestEvent) => void;
  /** Called before every instruction (tracing); makes run() step one instruction at a time. */
  onInstruction?: (vm: Vm) => void;
}

const MAX_RAM = 2 * 1024 * 1024 * 1024 - 0x200000;
/** The guest variable the loader sets to say whether forced emulation is on (KVM selftests' name). */
export const FEP_SYMBOL = 'is_forced_emulation_enabled';

export class Vm {
  readonly cpu: Cpu;
  readonly mem: PhysicalMemory;
  readonly image: GuestImage;
  readonly events: GuestEvent[] = [];
  private readonly maxInstructions: number;
  private readonly onEvent: ((e: GuestEvent) => void) | undefined;
  private readonly onInstruction: ((vm: Vm) => void) | undefined;
  private readonly serial: Serial;
  private pendingUcall: bigint | null = null;
  private debugExitCode: number | null = null;
  private finished: RunResult | null = null;

  /** Parses and loads an ELF image. Throws ImageError (one-line message) for a bad image or option. */
  static fromElf(file: Uint8Array, options: VmOptions = {}): Vm {
    return new Vm(parseElf(file), options);
  }

  constructor(image: GuestImage, options: VmOptions = {}) {
    const ram = options.memorySize ?? RAM_DEFAULT;
    if (!Number.isInteger(ram) || ram < 4 * 1024 * 1024 || ram % 0x200000 !== 0 || ram > MAX_RAM) {
      throw new ImageError(`memory size must be a multiple of 2 MiB between 4 MiB and 2 GiB, got ${ram}`);
    }
    this.image = image;
    this.maxInstructions = options.maxInstructions ?? 1e9;
    this.onEvent = options.onEvent;
    this.onInstruction = options.onInstruction;
    this.mem = new PhysicalMemory(ram);
    const io = new PortBus();
    const vendor = options.vendor ?? 'amd';
    if (!isCpuVendor(vendor)) throw new ImageError(`vendor must be one of ${CPU_VENDORS.join(', ')}, got '${String(vendor)}'`);
    this.cpu = new Cpu(this.mem, io, { forcedEmulation: options.forcedEmulation ?? false, vendor });
    this.cpu.executionPath = options.executionPath ?? 'cached';
    this.serial = new Serial((text) => this.emit({ type: 'console', text }));
    io.register(COM1_BASE, COM1_PORTS, this.serial);
    io.register(DEBUG_EXIT_PORT, 1, new DebugExit((code) => { this.debugExitCode = code; this.cpu.requestStop(StopReason.Exit); }));
    io.register(UCALL_PORT, 1, new UcallPort(() => {
      this.pendingUcall = this.cpu.getReg64(7);
      this.cpu.requestStop(StopReason.Exit);
    }));
    buildEnvironment(image, ram, this.cpu);
    this.announceForcedEmulation(options.forcedEmulation ?? false);
  }

  /**
   * KVM selftests' `bool is_forced_emulation_enabled`, set by the host: when
   * the image defines that symbol, the loader writes 1 (forced emulation on)
   * or 0 into it through the guest's page tables, before the first instruction.
   */
  private announceForcedEmulation(enabled: boolean): void {
    const sym = this.image.symbols.get(FEP_SYMBOL);
    if (!sym) return;
    if (sym.size !== 1) throw new ImageError(`${FEP_SYMBOL} must be a 1-byte bool, its size is ${sym.size}`);
    const pa = this.translate(sym.value);
    if (pa === undefined || pa >= this.mem.size) throw new ImageError(`${FEP_SYMBOL} at 0x${sym.value.toString(16)} is not in a loaded segment`);
    this.mem.u8[pa] = enabled ? 1 : 0;
  }

  private emit(e: GuestEvent): void {
    this.events.push(e);
    this.onEvent?.(e);
  }

  /** Runs until the guest reaches an outcome (or the budget is spent). Calling again after an outcome returns it. */
  run(): RunResult {
    if (this.finished) return this.finished;
    for (;;) {
      const left = this.maxInstructions - this.cpu.instructions;
      if (left <= 0) return this.finish('limit');
      const stop = this.onInstruction ? this.runStepping(left, this.onInstruction) : this.cpu.run(left);
      switch (stop) {
        case StopReason.Exit: {
          if (this.debugExitCode !== null) return this.finish('debug-exit');
          if (this.pendingUcall !== null) {
            const ev = this.decodeUcall(this.pendingUcall);
            this.pendingUcall = null;
            this.emit(ev);
            if (ev.cmd === 'DONE') return this.finish('done');
            if (ev.cmd === 'ABORT') return this.finish('abort', ev);
            if (ev.cmd === 'UNHANDLED') return this.finish('unhandled', ev);
          }
          continue;
        }
        case StopReason.Halt: return this.finish('halt');
        case StopReason.Shutdown: return this.finish('shutdown');
        case StopReason.Limit: return this.finish('limit');
        case StopReason.EmulationFailure: return this.finish('emulation-failure');
        case StopReason.InternalError: return this.finish('error');
        default: return this.finish('error');
      }
    }
  }

  private runStepping(budget: number, hook: (vm: Vm) => void): StopReason {
    for (let k = 0; k < budget; k++) {
      hook(this);
      const r = this.cpu.run(1);
      if (r !== StopReason.Limit) return r;
    }
    return StopReason.Limit;
  }

  private finish(outcome: Outcome, last?: UcallEvent): RunResult {
    this.serial.flushPartial();
    const r: RunResult = { outcome, instructions: this.cpu.instructions, events: this.events };
    if (outcome === 'emulation-failure' || outcome === 'error') {
      r.rip = BigInt.asUintN(64, BigInt(this.cpu.stopRip));
      r.bytes = this.cpu.stopBytes;
      r.message = this.cpu.stopMessage;
    }
    if (outcome === 'debug-exit') r.code = this.debugExitCode!;
    if (last) r.last = last;
    this.finished = r;
    return r;
  }

  private decodeUcall(addr: bigint): UcallEvent {
    if (addr === 0n) return { type: 'ucall', cmd: 'NONE', args: [0n, 0n, 0n, 0n, 0n, 0n, 0n] };
    const raw = this.readVirtual(addr, UCALL_SIZE);
    if (!raw) return { type: 'ucall', cmd: 'NONE', args: [0n, 0n, 0n, 0n, 0n, 0n, 0n], text: `unreadable struct ucall at 0x${addr.toString(16)}` };
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const cmdNum = dv.getBigUint64(0, true);
    const args: bigint[] = [];
    for (let k = 0; k < 7; k++) args.push(dv.getBigUint64(8 + k * 8, true));
    const cmd: UcallCmd = cmdNum < BigInt(UCALL_CMDS.length) ? UCALL_CMDS[Number(cmdNum)]! : 'NONE';
    const ev: UcallEvent = { type: 'ucall', cmd, args };
    const buffer = () => cString(raw.subarray(UCALL_BUFFER_OFFSET, UCALL_BUFFER_OFFSET + UCALL_BUFFER_LEN));
    if (cmd === 'PRINTF') ev.text = buffer();
    if (cmd === 'ABORT') {
      ev.expr = this.readString(args[0]!) ?? '';
      ev.file = this.readString(args[1]!) ?? '';
      ev.line = Number(args[2]!);
      ev.text = buffer();
    }
    return ev;
  }

  // ---- host access to guest memory (no side effects: no A/D updates, no TLB fill, SMAP ignored) ----

  private readonly hostWalk = new WalkResult();
  private readonly hostEntries = new Float64Array(4);

  /** Guest-physical address of a guest-virtual one through the current page tables, or undefined. */
  translate(virt: bigint): number | undefined {
    const s = BigInt.asIntN(64, virt);
    if (s >= 1n << 47n || s < -(1n << 47n)) return undefined;
    const lin = Number(s);
    const ok = walk(this.mem, this.cpu.mmu.ctl, lin, this.hostWalk, this.hostEntries);
    if (!ok) return undefined;
    return this.hostWalk.physPage + (((lin % 4096) + 4096) % 4096);
  }

  /** Reads guest-virtual memory; undefined if any byte is unmapped. */
  readVirtual(virt: bigint, len: number): Uint8Array | undefined {
    const out = new Uint8Array(len);
    let k = 0;
    while (k < len) {
      const pa = this.translate(virt + BigInt(k));
      if (pa === undefined || pa >= this.mem.size) return undefined;
      const n = Math.min(len - k, 4096 - (pa % 4096));
      out.set(this.mem.u8.subarray(pa, pa + n), k);
      k += n;
    }
    return out;
  }

  /** Reads a NUL-terminated string (at most 4 KiB) from guest-virtual memory. */
  readString(virt: bigint, max = 4096): string | undefined {
    let s = '';
    for (let k = 0; k < max; k++) {
      const pa = this.translate(virt + BigInt(k));
      if (pa === undefined || pa >= this.mem.size) return k ? s : undefined;
      const b = this.mem.u8[pa]!;
      if (b === 0) return s;
      s += String.fromCharCode(b);
    }
    return s;
  }

  readPhysical(addr: number, len: number): Uint8Array {
    return this.mem.readBytes(addr, len);
  }

  /** Address of a guest symbol from the image's .symtab. */
  symbol(name: string): bigint | undefined {
    return this.image.symbols.get(name)?.value;
  }

  /** The general-purpose registers, RIP and RFLAGS as unsigned 64-bit values. */
  regs(): Registers {
    const out = {} as Registers;
    GPR_NAMES.forEach((n, r) => { out[n] = this.cpu.getReg64(r); });
    out.rip = this.cpu.ripBig();
    out.rflags = BigInt(this.cpu.getRflags() >>> 0);
    return out;
  }
}

function cString(b: Uint8Array): string {
  const end = b.indexOf(0);
  return String.fromCharCode(...(end < 0 ? b : b.subarray(0, end)));
}
