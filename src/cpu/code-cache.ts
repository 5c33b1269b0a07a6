// The decoded-code cache: per physical frame, the decoded instruction at each
// page offset, with the handler the interpreter bound to it (Insn.exec), and
// the compiled tier's blocks (compiled/*) by the offset they start at. A
// write into a frame drops the frame (the MMU reports it: self-modifying code).
import type { Insn } from '../isa/insn.js';
import type { RunContext } from './context.js';

export const PAGE = 4096;

/**
 * A compiled block: runs the instructions from its start (linear address
 * `base`) until a branch, an exit or `end` retired instructions; leaves RIP,
 * the registers and the instruction count exact; returns 1 when the
 * interpreter must run the instruction at RIP first. `count`: the instructions one
 * pass retires at most (the run loop enters only with that much budget left).
 */
export interface CompiledBlock {
  readonly run: (c: RunContext, base: number, end: number) => number | undefined;
  readonly count: number;
  /** The instructions of all the region's blocks. */
  readonly size: number;
}

/** The decoded code of one frame, for one decoding mode (decoder.ts MODE64/32/16). */
export class FrameCode {
  /** The decoded instructions, by page offset. */
  readonly insns: (Insn | undefined)[] = new Array<Insn | undefined>(PAGE);
  /** Compiled blocks by start offset (null until the compiled tier compiles one here). */
  blocks: (CompiledBlock | null | undefined)[] | null = null;
  /** How often each offset started a dispatch without a block (the compiled tier's hotness counters). */
  heat: Uint8Array | null = null;
  /** Regions compiled from this frame so far. */
  compiles = 0;
  /** How often the interpreter's loop started on this frame, until its instructions form groups (Interpreter.groupFrame): then -1. */
  runs = 0;
  constructor(readonly frame: number, readonly mode: number) {}
}

export class CodeCache {
  private readonly pages = new Map<number, FrameCode>();
  constructor(private readonly mode: number) {}

  /** The code of a frame, if any of it was decoded. */
  page(frame: number): FrameCode | undefined {
    return this.pages.get(frame);
  }

  create(frame: number): FrameCode {
    const p = new FrameCode(frame, this.mode);
    this.pages.set(frame, p);
    return p;
  }

  drop(frame: number): void {
    this.pages.delete(frame);
  }

  clear(): void {
    this.pages.clear();
  }
}
