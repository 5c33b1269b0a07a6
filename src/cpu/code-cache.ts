// The decoded-code cache: per physical frame, the decoded instruction at each
// page offset, with the handler the interpreter bound to it (Insn.exec). It is
// the seam where the compiled tier plugs in (a frame will also hold compiled
// blocks). A write into a frame drops the frame (the MMU reports it:
// self-modifying code).
import type { Insn } from '../isa/insn.js';

export const PAGE = 4096;

/** The decoded instructions of one frame, by page offset. */
export type CodePage = (Insn | undefined)[];

export class CodeCache {
  private readonly pages = new Map<number, CodePage>();

  /** The page of a frame, if any of its code was decoded. */
  page(frame: number): CodePage | undefined {
    return this.pages.get(frame);
  }

  create(frame: number): CodePage {
    const p: CodePage = new Array<Insn | undefined>(PAGE);
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
