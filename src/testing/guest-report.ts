// What the vitest harness (src/vitest.ts) tells about a guest that failed: the
// guest's own message, the exit, and the last instructions it executed,
// disassembled with the nearest guest symbol. No vitest here: plain library code.
import type { Vm } from '../vm.js';
import type { UcallExit, VcpuExit } from '../host/exits.js';
import { decode } from '../isa/decoder.js';
import { disassemble } from '../isa/disasm.js';
import { vectorName } from '../arch/vectors.js';
import { DEBUG_EXIT_PORT, debugExitCode } from '../devices/debug-exit.js';

/** JSON with bigints in hex (for messages). */
export const show = (v: unknown): string =>
  JSON.stringify(v, (_k, x) => typeof x === 'bigint' ? `0x${x.toString(16)}` : x instanceof Uint8Array ? hex(x) : x) ?? String(v);

/** A ucall as a run reports it: a vcpu.run() exit (UcallExit) or a Vm.run() event (UcallEvent). */
export type ReportedUcall = Pick<UcallExit, 'cmd' | 'args' | 'text'>;

/** ELF symbol type of functions: labels inside them do not name an instruction's place. */
const STT_FUNC = 2;

const hex = (b: Uint8Array): string => [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');
const h = (v: bigint | number): string => `0x${v.toString(16)}`;

/** The guest runtime's reporting functions (guests/lib/ucall.c): a failure's history ends where the guest called one. */
const ASSERT_FUNCTIONS = ['ucall_assert', '__user_ucall_assert'];

/** RIPs of the instructions executed are kept: this many (the shown ones are the last before the failure point). */
const DEPTH = 8192;

/**
 * The last RIPs executed, kept by the vCPU's recent-instruction trace while
 * started (vcpu.recordInstructions: the fast loops, not an instruction hook on
 * the debug loop); a failure shows the last `shown` of them before the point
 * where the guest failed (its call to ucall_assert, its faulting instruction),
 * not the guest runtime's own reporting code after it.
 */
export class Trace {
  private readonly symbols: { name: string; value: bigint }[];

  constructor(private readonly vm: Vm, private readonly shown: number) {
    this.symbols = [...vm.image.symbols.values()]
      .filter((s) => s.type === STT_FUNC && s.value !== 0n && s.name !== '')
      .map((s) => ({ name: s.name, value: s.value }))
      .sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  }

  start(): void {
    if (this.shown > 0) this.vm.vcpu.recordInstructions(Math.max(DEPTH, this.shown));
  }

  stop(): void {
    if (this.shown > 0) this.vm.vcpu.recordInstructions(0);
  }

  /** The recorded RIPs, oldest first. */
  recorded(): bigint[] {
    return this.vm.vcpu.recentInstructions();
  }

  /**
   * The instructions to show for a failure (oldest first: address <symbol+off>: bytes disassembly) and their
   * heading; `ucall`: the ucall that ended the run (a vcpu.run() exit or a Vm.run() event), if one did.
   */
  history(ucall: ReportedUcall | undefined): { heading: string; lines: string[] } {
    const rips = this.recorded();
    let end = rips.length, what = '';
    const unhandled = unhandledOf(ucall);
    if (unhandled !== undefined) {
      const k = findLast(rips, (r) => r === unhandled.rip);
      if (k >= 0) { end = k + 1; what = ', up to the faulting one'; }
    } else if (ucall?.cmd === 'ABORT') {
      const entries = new Map(ASSERT_FUNCTIONS.map((n) => [this.vm.symbol(n), n] as const));
      const k = findLast(rips, (r) => entries.has(r));
      if (k > 0) { end = k; what = ` before the guest called ${entries.get(rips[k]!)!}`; }
    }
    const lines = rips.slice(Math.max(0, end - this.shown), end).map((r) => this.line(r));
    return { heading: `last ${lines.length} instructions${what} (oldest first):`, lines };
  }

  /** One instruction at `rip`: its address, nearest symbol, bytes and AT&T text (objdump's). */
  line(rip: bigint): string {
    const bytes = this.vm.readVirtual(rip, 15) ?? readSome(this.vm, rip);
    const insn = bytes.length > 0 ? decode(bytes, 0, bytes.length, this.vm.cpu.codeMode()) : undefined;
    const where = `${rip.toString(16).padStart(16, '0')} ${this.symbolOf(rip)}`;
    if (!insn) return `${where}: ${bytes.length > 0 ? `(undecodable: ${hex(bytes.subarray(0, 8))})` : '(not mapped)'}`;
    const text = disassemble(insn, rip, bytes);
    // A direct branch names its target's symbol, as objdump does (`call 0x… <ucall_assert>`).
    const target = /^(?:call|j[a-z]+)\s+0x([0-9a-f]+)$/.exec(text);
    return `${where}: ${hex(bytes.subarray(0, insn.len)).padEnd(24)} ${text}${target ? ` ${this.symbolOf(BigInt(`0x${target[1]!}`)).replace(/\+0x0>$/, '>')}` : ''}`;
  }

  private symbolOf(rip: bigint): string {
    let best: { name: string; value: bigint } | undefined;
    for (const s of this.symbols) { if (s.value > rip) break; best = s; }
    return best ? `<${best.name}+${h(rip - best.value)}>` : '<?>';
  }
}

/**
 * The exception a failure reports: the ABI's UNHANDLED ucall (args: vector,
 * error code, RIP), or the runtime's GUEST_FAIL for an exception no handler
 * took, in upstream's words (KVM selftests' route_exception, guests/lib/processor.c).
 */
export function unhandledOf(exit: ReportedUcall | undefined): { vector: number; rip: bigint } | undefined {
  if (exit === undefined) return undefined;
  if (exit.cmd === 'UNHANDLED') return { vector: Number(exit.args[0]), rip: exit.args[2]! };
  const m = exit.cmd === 'ABORT' ? /^Unhandled exception '0x([0-9a-f]+)' at guest RIP '0x([0-9a-f]+)'$/.exec(exit.text ?? '') : null;
  return m ? { vector: parseInt(m[1]!, 16), rip: BigInt(`0x${m[2]!}`) } : undefined;
}

function findLast<T>(a: readonly T[], p: (x: T) => boolean): number {
  for (let k = a.length - 1; k >= 0; k--) if (p(a[k]!)) return k;
  return -1;
}

/** The bytes readable at `rip` (an instruction at the end of a mapped range). */
function readSome(vm: Vm, rip: bigint): Uint8Array {
  for (let n = 14; n > 0; n--) { const b = vm.readVirtual(rip, n); if (b) return b; }
  return new Uint8Array(0);
}

/** Why the run failed, in the guest's own words where it said something. */
export function describeExit(vm: Vm, exit: VcpuExit): string {
  const at = (rip: bigint) => `\n  at ${new Trace(vm, 0).line(rip)}`;
  switch (exit.reason) {
    case 'ucall':
      if (exit.cmd === 'ABORT') {
        const u = unhandledOf(exit); // the runtime's GUEST_FAIL for an exception: the faulting instruction too
        return `guest assertion failed at ${exit.file}:${exit.line}: ${exit.expr}` + (exit.text ? `\n  ${exit.text}` : '') +
          (u ? `\n  ${vectorName(u.vector)} at ${new Trace(vm, 0).line(u.rip)}` : '');
      }
      if (exit.cmd === 'UNHANDLED') {
        const [vector, error, rip] = exit.args;
        return `guest took an unexpected exception ${vectorName(Number(vector))} (vector ${vector}, error code ${h(error!)})` + at(rip!);
      }
      return `unexpected ucall ${exit.cmd} ${show(exit.args)}`;
    case 'exception':
      return `guest took an exception the host intercepts: ${vectorName(exit.vector)} (vector ${exit.vector}` +
        `${exit.errorCode !== undefined ? `, error code ${h(exit.errorCode)}` : ''}${exit.cr2 !== undefined ? `, CR2 ${h(exit.cr2)}` : ''})` + at(exit.rip);
    case 'emulation-failure':
      return `emulation failure: ${exit.message} (bytes ${hex(exit.bytes)})` + at(exit.rip);
    case 'io':
      if (exit.port === DEBUG_EXIT_PORT && exit.direction === 'out') {
        return `guest ended through the debug-exit port (exit code ${debugExitCode(exit.size, exit.value)}), not with DONE` + at(vm.vcpu.getRegs().rip);
      }
      return `unexpected exit ${show(exit)}` + at(vm.vcpu.getRegs().rip);
    case 'shutdown': return `guest shut down (triple fault)` + at(vm.vcpu.getRegs().rip);
    case 'hlt': return `guest halted` + at(vm.vcpu.getRegs().rip);
    case 'limit': return `instruction budget spent` + at(vm.vcpu.getRegs().rip);
    case 'internal-error': return `emulator internal error: ${exit.message}` + at(exit.rip);
    default: return `unexpected exit ${show(exit)}` + at(vm.vcpu.getRegs().rip);
  }
}
