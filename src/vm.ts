// The guest ABI v1 runner: a VM with one vCPU that runs a guest image as
// ../shared/guest-abi.md fixes it and reports what it did as typed events and
// an outcome. It is one loader on the host API (host/vm.ts, host/vcpu.ts): it
// builds the environment, attaches the console, and handles the exits the ABI
// defines (ucalls, the debug-exit port; other port I/O and MMIO meet the open bus).
import type { Cpu } from './cpu/cpu.js';
import { DEFAULT_EXECUTION_PATH, type ExecutionPath } from './cpu/execution-path.js';
import { CPU_VENDORS, isCpuVendor, type CpuVendor } from './arch/vendor.js';
import { PhysicalMemory, MAX_SLOT_SIZE } from './mmu/physical-memory.js';
import { Serial, COM1_BASE, COM1_PORTS } from './devices/serial.js';
import { DEBUG_EXIT_PORT, debugExitCode } from './devices/debug-exit.js';
import type { UcallKind } from './devices/ucall.js';
import { parseElf, ImageError, type GuestImage } from './guest/elf.js';
import { buildEnvironment, RAM_DEFAULT } from './guest/environment.js';
import type { PageTableBuilder } from './mmu/page-table-builder.js';
import { GPR_NAMES } from './arch/registers.js';
import { VirtualMachine } from './host/vm.js';
import { runEnded } from './host/process-runs.js';
import type { Vcpu } from './host/vcpu.js';
import type { VcpuExit, UcallExit } from './host/exits.js';

export { ImageError };

/** Register values by name (rax … r15, rip, rflags), unsigned 64-bit. */
export type Registers = Record<(typeof GPR_NAMES)[number] | 'rip' | 'rflags', bigint>;
export type Outcome = 'done' | 'abort' | 'unhandled' | 'shutdown' | 'halt' | 'debug-exit' | 'limit' | 'emulation-failure' | 'error';

export interface UcallEvent {
  type: 'ucall';
  /** NONE … UNHANDLED (guest-abi §6), or CUSTOM: another number, a test's own command (the run goes on). */
  cmd: UcallKind;
  /** CUSTOM: the command number the guest wrote. */
  number?: bigint;
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
  /** The execution tier: 'compiled', 'interp' or 'reference' (EXECUTION_PATHS; default DEFAULT_EXECUTION_PATH, the fastest). */
  executionPath?: ExecutionPath;
  /** Instruction budget for run() (default 1e9): past it the outcome is `limit`. */
  maxInstructions?: number;
  /**
   * Map the image's supervisor code writable too (KVM selftests map all guest
   * memory writable; upstream fix_hypercall patches its own .text). Off by
   * default: every page keeps its segment's p_flags (guest-abi §1).
   */
  writableCode?: boolean;
  /** Called for every event as it happens (before run() returns). */
  onEvent?: (e: GuestEvent) => void;
  /**
   * Called before every instruction (tracing): each instruction the guest starts, once (an
   * instruction that faults too, then the handler's, then the instruction again when retried).
   * It runs on the vCPU's debug loop (Vcpu.onInstruction, which this option sets); what it throws, run() throws.
   */
  onInstruction?: (vm: Vm) => void;
  /** KVM's fix-hypercall quirk (default true; VirtualMachineOptions.fixHypercall). */
  fixHypercall?: boolean;
  /**
   * Guest RAM in SharedArrayBuffers (default false): V8 does not count their bytes, so creating
   * the VM starts no collection (~5-9 ms of the command line's start), but the RAM of a VM gone
   * waits for a collection other allocations start. For processes that make one VM.
   */
  sharedMemory?: boolean;
}

/** Guest RAM the ABI runner accepts: up to 64 GiB, in slots of at most 2 GiB from guest-physical 0. */
const MAX_RAM = 64 * 1024 * 1024 * 1024;
/** The guest variable the loader sets to say whether forced emulation is on (KVM selftests' name). */
export const FEP_SYMBOL = 'is_forced_emulation_enabled';
/**
 * The TSC rate the loader reports in `guest_tsc_khz` (KVM selftests' name): a
 * nominal 1 GHz. The TSC counts retired instructions (docs/cpu-model.md), so
 * the guest's udelay(1) spins for 1000 of them.
 */
export const GUEST_TSC_KHZ = 1_000_000n;
/** The vendor globals KVM selftests' host syncs into the guest (lib/x86/processor.c). */
export const HOST_CPU_SYMBOLS = ['host_cpu_is_intel', 'host_cpu_is_amd', 'host_cpu_is_hygon', 'host_cpu_is_amd_compatible'] as const;
/** The guest runtime's table of exception handlers (guests/lib/processor.c), one pointer per vector. */
export const EXCEPTION_HANDLERS_SYMBOL = 'exception_handlers';
/** Arguments GUEST_MAIN passes to the guest code (guests/lib/cpu-globals.c `guest_entry_args`). */
const GUEST_ENTRY_ARGS = 6;

export class Vm {
  /** The bare VM and vCPU underneath (the host API: memory slots, exits, registers). */
  readonly machine: VirtualMachine;
  readonly vcpu: Vcpu;
  readonly cpu: Cpu;
  readonly mem: PhysicalMemory;
  readonly image: GuestImage;
  readonly events: GuestEvent[] = [];
  private readonly maxInstructions: number;
  private readonly onEvent: ((e: GuestEvent) => void) | undefined;
  /** What the onInstruction hook threw: run() throws it again once the vCPU has stopped. */
  private hookError: { error: unknown } | null = null;
  private readonly serial: Serial;
  private finished: RunResult | null = null;
  private readonly pageTables: PageTableBuilder;

  /** Parses and loads an ELF image. Throws ImageError (one-line message) for a bad image or option. */
  static fromElf(file: Uint8Array, options: VmOptions = {}): Vm {
    return new Vm(parseElf(file), options);
  }

  constructor(image: GuestImage, options: VmOptions = {}) {
    const ram = options.memorySize ?? RAM_DEFAULT;
    if (!Number.isInteger(ram) || ram < 4 * 1024 * 1024 || ram % 0x200000 !== 0 || ram > MAX_RAM) {
      throw new ImageError(`memory size must be a multiple of 2 MiB between 4 MiB and 64 GiB, got ${ram}`);
    }
    const vendor = options.vendor ?? 'amd';
    if (!isCpuVendor(vendor)) throw new ImageError(`vendor must be one of ${CPU_VENDORS.join(', ')}, got '${String(vendor)}'`);
    this.image = image;
    this.maxInstructions = options.maxInstructions ?? 1e9;
    this.onEvent = options.onEvent;
    // RAM: slot 0 at guest-physical 0 (up to 2 GiB), then further 2 GiB slots.
    const shared = options.sharedMemory ?? false;
    this.mem = new PhysicalMemory(Math.min(ram, MAX_SLOT_SIZE), shared);
    for (let base = MAX_SLOT_SIZE; base < ram; base += MAX_SLOT_SIZE) {
      const size = Math.min(MAX_SLOT_SIZE, ram - base);
      this.mem.addSlot({ base, size, ...(shared ? { bytes: new Uint8Array(new SharedArrayBuffer(size)) } : {}) });
    }
    this.machine = new VirtualMachine({ vendor, forcedEmulation: options.forcedEmulation ?? false, fixHypercall: options.fixHypercall ?? true }, this.mem);
    this.vcpu = this.machine.createVcpu();
    // The vCPU's own hook (host-debug.ts), called inside the run as each instruction starts: an
    // exception handler's first instruction included, which a run of one instruction per call
    // executed unseen after an instruction that faulted (it retired nothing, so the budget of one was left).
    const hook = options.onInstruction;
    if (hook !== undefined) {
      this.vcpu.onInstruction(() => {
        try {
          hook(this);
        } catch (error) {
          this.hookError = { error };
          throw error; // stops the vCPU (an internal error, which run() does not report)
        }
      });
    }
    this.cpu = this.vcpu.cpu;
    this.cpu.executionPath = options.executionPath ?? DEFAULT_EXECUTION_PATH;
    this.serial = new Serial((text) => this.emit({ type: 'console', text }));
    this.machine.attachPortDevice(COM1_BASE, COM1_PORTS, this.serial);
    this.pageTables = buildEnvironment(image, ram, this.cpu, { writableCode: options.writableCode ?? false });
    this.announceForcedEmulation(options.forcedEmulation ?? false);
    this.announceHostCpu(vendor);
  }

  /**
   * KVM selftests' `bool is_forced_emulation_enabled`, set by the host: when
   * the image defines that symbol, the loader writes 1 (forced emulation on)
   * or 0 into it through the guest's page tables, before the first instruction.
   */
  private announceForcedEmulation(enabled: boolean): void {
    this.writeLoaderGlobal(FEP_SYMBOL, 1, enabled ? 1n : 0n);
  }

  /**
   * KVM selftests' host_cpu_is_intel / _amd / _hygon / _amd_compatible and
   * guest_tsc_khz, from the VM's vendor model (hygon is never modelled, so
   * amd_compatible = amd), written like the FEP flag: only into the symbols
   * the image defines, before the first instruction.
   */
  private announceHostCpu(vendor: CpuVendor): void {
    const flags: Record<(typeof HOST_CPU_SYMBOLS)[number], boolean> = {
      host_cpu_is_intel: vendor === 'intel',
      host_cpu_is_amd: vendor === 'amd',
      host_cpu_is_hygon: false,
      host_cpu_is_amd_compatible: vendor === 'amd',
    };
    for (const name of HOST_CPU_SYMBOLS) this.writeLoaderGlobal(name, 1, flags[name] ? 1n : 0n);
    this.writeLoaderGlobal('guest_tsc_khz', 8, GUEST_TSC_KHZ);
  }

  /** Writes a loader-owned guest global of a fixed size if the image has it; a wrong size or place is a bad image. */
  private writeLoaderGlobal(name: string, size: number, value: bigint): void {
    const sym = this.image.symbols.get(name);
    if (!sym) return;
    if (sym.size !== size) throw new ImageError(`${name} must be ${size === 1 ? 'a 1-byte bool' : `${size} bytes`}, its size is ${sym.size}`);
    const pa = this.translate(sym.value);
    if (pa === undefined || !this.mem.isRam(pa, size)) throw new ImageError(`${name} at 0x${sym.value.toString(16)} is not in a loaded segment`);
    for (let k = 0; k < size; k++) this.mem.write8(pa + k, Number((value >> BigInt(8 * k)) & 0xffn));
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
      const exit = this.runFor(left);
      if (this.hookError !== null) {
        const { error } = this.hookError;
        this.hookError = null;
        throw error;
      }
      const outcome = this.handle(exit);
      if (outcome) return outcome;
    }
  }

  private runFor(budget: number): VcpuExit {
    this.vcpu.budget = budget;
    return this.vcpu.run();
  }

  /** The ABI's answer to an exit: an outcome, or undefined to go on. */
  private handle(exit: VcpuExit): RunResult | undefined {
    switch (exit.reason) {
      case 'ucall': {
        // A struct ucall the guest's page tables do not map: the run cannot know what the guest meant.
        if (exit.error !== undefined) return this.finish('error', undefined, undefined, exit.error);
        const ev = toEvent(exit);
        this.emit(ev);
        if (ev.cmd === 'DONE') return this.finish('done');
        if (ev.cmd === 'ABORT') return this.finish('abort', ev);
        if (ev.cmd === 'UNHANDLED') return this.finish('unhandled', ev);
        return undefined;
      }
      case 'io':
        // guest-abi §6: an OUT to the debug-exit port ends the run; other ports are the open bus.
        if (exit.port === DEBUG_EXIT_PORT && exit.direction === 'out') return this.finish('debug-exit', undefined, debugExitCode(exit.size, exit.value));
        return undefined; // IN reads all ones (the exit's default value)
      case 'mmio': return undefined; // the open bus: reads all ones, writes dropped
      case 'hypercall': return undefined; // unanswered: -KVM_ENOSYS, as KVM for an unknown number
      case 'msr': return undefined; // exits the host asked for (machine.msrExits): reads 0, writes dropped
      case 'hlt': return this.finish('halt');
      case 'shutdown': return this.finish('shutdown');
      case 'limit': return this.finish('limit');
      case 'emulation-failure': return this.finish('emulation-failure');
      default: return this.finish('error');
    }
  }

  private finish(outcome: Outcome, last?: UcallEvent, code?: number, message?: string): RunResult {
    this.serial.flushPartial();
    const r: RunResult = { outcome, instructions: this.cpu.instructions, events: this.events };
    if (message !== undefined) {
      r.rip = this.cpu.ripBig(); // the run stopped between instructions: where it would go on
      r.bytes = new Uint8Array(0);
      r.message = message;
    } else if (outcome === 'emulation-failure' || outcome === 'error') {
      r.rip = BigInt.asUintN(64, BigInt(this.cpu.stopRip));
      r.bytes = this.cpu.stopBytes;
      r.message = this.cpu.stopMessage;
    }
    if (code !== undefined) r.code = code;
    if (last) r.last = last;
    this.finished = r;
    runEnded();
    return r;
  }

  // ---- host access to guest memory (no side effects: no A/D updates, no TLB fill, SMAP ignored) ----

  /** Guest-physical address of a guest-virtual one through the current page tables, or undefined. */
  translate(virt: bigint): number | undefined {
    return this.vcpu.physicalAddress(virt);
  }

  /** Reads guest-virtual memory; undefined if any byte is unmapped. */
  readVirtual(virt: bigint, len: number): Uint8Array | undefined {
    return this.vcpu.readVirtual(virt, len);
  }

  /** Reads a NUL-terminated string (at most 4 KiB) from guest-virtual memory. */
  readString(virt: bigint, max = 4096): string | undefined {
    return this.vcpu.readString(virt, max);
  }

  readPhysical(addr: number, len: number): Uint8Array {
    return this.mem.readBytes(addr, len);
  }

  /** Address of a guest symbol from the image's .symtab. */
  symbol(name: string): bigint | undefined {
    return this.image.symbols.get(name)?.value;
  }

  /** A guest symbol's address and size, or throws naming it (the image must define it). */
  private global(name: string): { value: bigint; size: number } {
    const s = this.image.symbols.get(name);
    if (!s) throw new RangeError(`the image has no symbol '${name}'`);
    return s;
  }

  /**
   * Writes a guest global by name through the page tables (KVM selftests'
   * sync_global_to_guest): a bigint fills the symbol's size (1, 2, 4 or 8
   * bytes, little-endian); bytes must match its size.
   * @example vm.writeGlobal('slot_gpa', 0x4000000n)
   */
  writeGlobal(name: string, value: bigint | Uint8Array): void {
    const s = this.global(name);
    let bytes: Uint8Array;
    if (typeof value === 'bigint') {
      if (![1, 2, 4, 8].includes(s.size)) throw new RangeError(`'${name}' is ${s.size} bytes: pass its bytes`);
      bytes = new Uint8Array(s.size);
      for (let k = 0; k < s.size; k++) bytes[k] = Number((BigInt.asUintN(64, value) >> BigInt(8 * k)) & 0xffn);
    } else bytes = value;
    if (bytes.length !== s.size) throw new RangeError(`'${name}' is ${s.size} bytes, got ${bytes.length}`);
    this.vcpu.writeVirtual(s.value, bytes);
  }

  /** Reads a guest global by name (read_guest_global): its bytes, or as a number with `readGlobalValue`. */
  readGlobal(name: string): Uint8Array {
    const s = this.global(name);
    const b = this.vcpu.readVirtual(s.value, s.size);
    if (!b) throw new RangeError(`'${name}' at 0x${s.value.toString(16)} is not mapped`);
    return b;
  }

  /** A 1/2/4/8-byte guest global as an unsigned bigint. @example vm.readGlobalValue('counter') */
  readGlobalValue(name: string): bigint {
    const b = this.readGlobal(name);
    let v = 0n;
    for (let k = b.length - 1; k >= 0; k--) v = (v << 8n) | BigInt(b[k]!);
    return v;
  }

  /**
   * The selftests' virt_pg_map: maps the 4 KiB page at guest-virtual `va` to guest-physical
   * `gpa` in the loader's page tables (the CR3 the guest started with), page-table frames
   * taken after the loader's own (guest ABI §2); the leaf is P, RW (unless `writable: false`),
   * U=0 and NX unless given. Throws if `va` is mapped already.
   * @example vm.mapPage(0xfee00000n, 0xfee00000n) // the xAPIC page, as fix_hypercall_test does
   */
  mapPage(va: bigint, gpa: bigint, flags: { writable?: boolean; user?: boolean; executable?: boolean } = {}): void {
    const lin = BigInt.asIntN(64, va);
    if (lin !== BigInt.asIntN(48, lin) || (lin & 0xfffn) !== 0n || gpa < 0n || (gpa & 0xfffn) !== 0n || gpa >= 1n << 48n) {
      throw new RangeError(`mapPage: 0x${va.toString(16)} → 0x${gpa.toString(16)} is not a canonical, page-aligned pair`);
    }
    const flat = { writable: flags.writable ?? true, user: flags.user ?? false, executable: flags.executable ?? false };
    this.pageTables.map(Number(lin), Number(gpa), 4096, flat);
    this.cpu.invalidatePage(Number(lin)); // the TLB entry and any fetch shortcut of the page
  }

  /**
   * The selftests' vcpu_args_set for a guest written with GUEST_MAIN(guest_code)
   * (guests/lib/kvm_util.h): up to six arguments guest_code receives, written to
   * the runtime's `guest_entry_args` before the first run.
   * @example vm.setGuestArgs(0x1000n, 4n) // guest_code(0x1000, 4)
   */
  setGuestArgs(...args: bigint[]): void {
    if (args.length > GUEST_ENTRY_ARGS) throw new RangeError(`at most ${GUEST_ENTRY_ARGS} guest arguments, got ${args.length}`);
    const bytes = new Uint8Array(8 * GUEST_ENTRY_ARGS);
    const view = new DataView(bytes.buffer);
    args.forEach((a, k) => view.setBigUint64(8 * k, BigInt.asUintN(64, a), true));
    this.writeGlobal('guest_entry_args', bytes);
  }

  /**
   * Installs a guest function (by symbol) as the runtime's handler of an
   * exception vector (the selftests' vm_install_exception_handler): it runs
   * with the exception frame as struct ex_regs, as install_exception_handler().
   * @example vm.installExceptionHandler(Vector.UD, 'ud_handler')
   */
  installExceptionHandler(vector: number, handler: string | null): void {
    if (!Number.isInteger(vector) || vector < 0 || vector > 255) throw new RangeError(`vector ${vector} is not 0-255`);
    const table = this.global(EXCEPTION_HANDLERS_SYMBOL);
    const address = handler === null ? 0n : this.global(handler).value;
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigUint64(0, address, true);
    this.vcpu.writeVirtual(table.value + BigInt(vector * 8), bytes);
  }

  /** The general-purpose registers, RIP and RFLAGS as unsigned 64-bit values. */
  regs(): Registers {
    return this.vcpu.getRegs();
  }
}

/** A ucall exit as the runner's event (the ABI's event shape). */
function toEvent(exit: UcallExit): UcallEvent {
  const ev: UcallEvent = { type: 'ucall', cmd: exit.cmd, args: exit.args };
  if (exit.cmd === 'CUSTOM') ev.number = exit.number;
  if (exit.text !== undefined) ev.text = exit.text;
  if (exit.expr !== undefined) ev.expr = exit.expr;
  if (exit.file !== undefined) ev.file = exit.file;
  if (exit.line !== undefined) ev.line = exit.line;
  return ev;
}
