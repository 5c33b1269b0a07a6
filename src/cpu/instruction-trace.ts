// The recent-instruction trace (Vcpu.recordInstructions): the RIPs an
// instruction hook would have seen over the last N instructions, kept at the
// fast loops' speed. The loops note where each straight-line run starts (its
// RIP, the instructions retired then, the code mode) and the run loop notes
// each instruction that started and did not retire (a fault, an exit to the
// host); the RIPs within a run are rebuilt by decoding its bytes, only when
// asked — like a CPU's last-branch records (AMD APM Vol. 2 §13.1.1.6, Intel
// SDM Vol. 3B §18.4) with the instruction count beside each.
import { decode, MODE64 } from '../isa/decoder.js';
import { isRepString } from './debug.js';
import type { RunContext, RunNotes } from './context.js';

/** Beside the code mode (MODE64, MODE32, MODE16 < 4) in an entry's kind: the instruction did not retire. */
const UNRETIRED = 4;
const MODE_MASK = 3;
/** An entry's second number is retired * KINDS + kind (exact while retired < 2^50). */
const KINDS = 8;

export class InstructionTrace implements RunNotes {
  /** The ring: pairs of (RIP, retired * KINDS + kind), a power of two of them; an empty pair's RIP is NaN. */
  private readonly entries: Float64Array;
  private readonly mask: number;
  private next = 0;

  /** Keeps enough for the last `depth` instructions. */
  constructor(readonly depth: number) {
    // A run whose first instruction faults retires none: two entries for one instruction.
    const pairs = 2 ** Math.ceil(Math.log2(2 * depth + 2));
    this.entries = new Float64Array(2 * pairs).fill(NaN);
    this.mask = 2 * pairs - 1;
  }

  /** A straight-line run starts at `rip` (code mode `mode`) with `retired` instructions retired. */
  run(rip: number, retired: number, mode: number): void {
    const k = this.next, e = this.entries;
    e[k] = rip;
    e[k + 1] = retired * KINDS + mode;
    this.next = (k + 2) & this.mask;
  }

  /** The instruction at `rip` started and did not retire (it faulted, or exits to the host and runs again). */
  unretired(rip: number, retired: number, mode: number): void {
    this.run(rip, retired, mode | UNRETIRED);
  }

  /** Forgets every entry (the instruction count restarts). */
  clear(): void {
    this.entries.fill(NaN);
    this.next = 0;
  }

  /**
   * The RIPs of at most `depth` last instructions started, oldest first, as
   * an instruction hook sees them: an instruction that ran again at once after
   * an exit to the host, and a REP string instruction that went on, count once.
   * `retired`: the count now; `code(rip, n)`: up to n code bytes at rip (fewer where unmapped).
   */
  recent(retired: number, code: (rip: number, n: number) => Uint8Array): number[] {
    const e = this.entries, pairs = (this.mask + 1) / 2;
    const runs: number[][] = []; // newest first
    let total = 0, after = retired, newerRip = NaN, newerFirst = NaN;
    for (let j = 1; j <= pairs && total < this.depth; j++) {
      const k = (this.next - 2 * j) & this.mask, rip = e[k]!;
      if (Number.isNaN(rip)) break;
      const count = Math.floor(e[k + 1]! / KINDS), kind = e[k + 1]! - count * KINDS;
      let rips: number[];
      if ((kind & UNRETIRED) === 0) {
        const run = decodeRun(rip, after - count, kind & MODE_MASK, code);
        rips = run.rips;
        // A REP string instruction that went on: the newer run starts with it again.
        if (run.endsInRep && rips[rips.length - 1] === newerFirst) rips.pop();
      } else rips = rip === newerRip && count === after ? [] : [rip]; // restarted at once (same place, same count): one start
      runs.push(rips);
      total += rips.length;
      after = count;
      newerRip = rip;
      if (rips.length > 0) newerFirst = rips[0]!;
    }
    const out = runs.reverse().flat();
    return out.slice(Math.max(0, out.length - this.depth));
  }
}

/**
 * The run loop caught a throw out of an instruction: it started and did not
 * retire (a fault, an exit to the host), unless the throw is a #DB trap after
 * it retired. Under forced emulation the instruction started at its prefix.
 */
export function noteUnretired(c: RunContext): void {
  const trap = c.trapAfterRetire;
  c.trapAfterRetire = false;
  const trace = c.instructionTrace;
  if (trace !== null && !trap) trace.unretired(Number.isNaN(c.fepStart) ? c.insnStart : c.fepStart, c.instructions, c.codeMode());
}

interface Run { rips: number[]; endsInRep: boolean }

/** The RIPs of `n` instructions from `rip`, each after the last (the code's bytes decoded now). */
function decodeRun(rip: number, n: number, mode: number, code: (rip: number, n: number) => Uint8Array): Run {
  const rips: number[] = [];
  let at = rip, endsInRep = false;
  for (let k = 0; k < n; k++) {
    rips.push(at);
    const bytes = code(at, 15);
    const insn = bytes.length > 0 ? decode(bytes, 0, bytes.length, mode) : null;
    if (insn === null) return { rips, endsInRep: false }; // no longer mapped, or other bytes now: the rest is unknown
    endsInRep = isRepString(insn);
    at = mode === MODE64 ? at + insn.len : (at + insn.len) >>> 0;
  }
  return { rips, endsInRep };
}
