// The interpreter, the two execution paths of today (execution-path.ts):
//   interp     fetch through the decoded-code cache (per physical frame, with a
//              shortcut for the page RIP is on), handlers specialised per form;
//   reference  every instruction fetched and decoded fresh, generic handlers,
//              every memory access walking the page tables (no TLB).
// This is the seam where the compiled tier plugs in: another class with a
// run(end) over the same RunContext, binding the same table rows.
import { Vector } from '../arch/vectors.js';
import { SEG_CS } from '../arch/registers.js';
import { ATTR_DB, ATTR_L } from '../arch/descriptors.js';
import { decode, MODE16, MODE32, MODE64 } from '../isa/decoder.js';
import type { Insn } from '../isa/insn.js';
import { Attr } from '../isa/table.js';
import type { GroupHandler, Handler, RunContext } from './context.js';
import { CodeCache, FrameCode, PAGE } from './code-cache.js';
import { RecentCodePages } from './recent-code-pages.js';
import type { MemorySlot } from '../mmu/memory-slot.js';
import { bindInstruction } from './exec/bind.js';
import { pairOf, pairsAsFirst } from './exec/pairs.js';
import { stackRunHandler, stackRunMember } from './exec/stack-runs.js';
import { envNumber } from './tuning.js';
import { CANON_LIMIT } from './operands.js';
import { StopReason } from './stop-reason.js';
import { beginInstruction, debugActive, endInstruction } from './debug.js';

/**
 * Starts of the interpreter's loop on a frame after which its instructions
 * form groups (Interpreter.groupFrame): a pair is a function of its own, ~0.2 ms to
 * compile and warm, which pays off only over long runs (the bundled guests
 * ran 10% slower pairing after 65536). RINGZERO_PAIR_THRESHOLD overrides it.
 */
const GROUP_AFTER = envNumber('RINGZERO_PAIR_THRESHOLD') ?? 1 << 20;

/**
 * The recent-instruction trace (instruction-trace.ts), when kept: a straight-line run starts at
 * `rip` unless it goes on from the last instruction, which ended at `next` (NaN: none did).
 */
function noteRun(c: RunContext, rip: number, next = NaN): void {
  const trace = c.instructionTrace;
  if (trace !== null && rip !== next) trace.run(rip, c.instructions, c.codeMode());
}

export class Interpreter {
  // Decoded code per mode (the same bytes decode differently as 64-, 32- and 16-bit code).
  private readonly code64 = new CodeCache(MODE64);
  private readonly code32 = new CodeCache(MODE32);
  private readonly code16 = new CodeCache(MODE16);
  // The fetch shortcut: the code of the page RIP is on (fetchBase: its linear address;
  // NaN when there is none). The compiled tier dispatches through it too.
  fetchBase = NaN;
  fetchCode = new FrameCode(-1, MODE64);
  private fetchInsns: (Insn | undefined)[] = this.fetchCode.insns;
  /** The pages the shortcut held lately, the current one included (a page RIP comes back to is taken from here). */
  private readonly recent = new RecentCodePages();
  /**
   * Bumped whenever code seen so far may no longer be what runs next: the fetch
   * shortcut dropped (CPL, paging, TLB changes) or decoded code dropped (a write
   * to code). A compiled block leaves when it changes under it.
   */
  epoch = 0;
  private readonly fetchBuf = new Uint8Array(16);
  /** While > 0, instructions run on the reference path (forced emulation, or the whole run). */
  private referenceDepth = 0;

  constructor(private readonly c: RunContext) {}

  /**
   * The interpreter tier (decoded-code cache and TLB): runs until a stop reason
   * or `end` instructions retired. Straight-line code runs without a fetch per
   * instruction: while an instruction leaves RIP after itself, changes nothing
   * the fetch shortcut depends on (the epoch) and stops nothing, the next one is
   * taken from the same page's decoded code by its offset, an int32. RIP is a
   * number that is not always a small integer (V8 then keeps the field as a
   * boxed double), and the fetch's arithmetic on it (subtract, range check,
   * float to index) cost more than most handlers.
   */
  runInterp(end: number): void {
    const c = this.c;
    for (;;) {
      if (c.stopReason !== StopReason.None && !c.resumeInterp(end)) return;
      if (c.instructions >= end) return;
      let rip = c.rip;
      let at = rip - this.fetchBase;
      let insn: Insn | undefined;
      if (at >= 0 && at < PAGE) insn = this.fetchInsns[at];
      if (insn === undefined) {
        // Another page, or code not decoded yet: the fetch takes its page as the shortcut when it
        // can, and the instruction runs in the loop below (with its group); else alone.
        c.insnStart = rip;
        insn = this.fetch(rip);
        at = rip - this.fetchBase;
        if (!(at >= 0 && at < PAGE && this.fetchInsns[at] === insn)) {
          noteRun(c, rip);
          this.runAlone(insn);
          continue;
        }
      }
      const insns = this.fetchInsns, epoch = this.epoch, page = this.fetchCode;
      if (c.instructionTrace !== null) c.instructionTrace.run(rip, c.instructions, page.mode);
      if (page.runs >= 0 && ++page.runs === GROUP_AFTER) this.groupFrame(page);
      let off = at | 0;
      for (;;) {
        c.insnStart = rip;
        rip += insn.len;
        c.rip = rip;
        const group = insn.group;
        if (group !== null && c.instructions + insn.groupBefore < end) {
          const last = insn.groupLast!;
          if ((group as GroupHandler)(c, insn, last)) {
            rip += insn.groupRest;
            off += insn.groupSpan;
            insn = last;
          }
        } else (insn.exec as Handler)(c, insn);
        c.instructions++;
        if (c.rip !== rip || c.stopReason !== StopReason.None || c.instructions >= end || this.epoch !== epoch) break;
        off += insn.len;
        if (off >= PAGE) break;
        insn = insns[off];
        if (insn === undefined) break;
      }
    }
  }

  /** One instruction on the interpreter tier (also the compiled tier's step where it has no block). */
  step(): Insn {
    const c = this.c;
    const rip = c.rip;
    const off = rip - this.fetchBase;
    c.insnStart = rip; // before the fetch: a fetch fault reports this RIP
    let insn: Insn | undefined;
    if (off >= 0 && off < PAGE) insn = this.fetchInsns[off];
    if (insn === undefined) insn = this.fetch(rip);
    this.runAlone(insn);
    return insn;
  }

  /** Runs `insn`, fetched at RIP, with RIP after it and the count as the loop keeps them. */
  private runAlone(insn: Insn): void {
    const c = this.c;
    c.rip += insn.len;
    (insn.exec as Handler)(c, insn);
    c.instructions++;
  }

  /**
   * Fetches the instruction at RIP without running it, so that the fetch
   * shortcut covers RIP's page (a fetch fault is raised at RIP, as running it
   * would): the compiled tier then dispatches there, and even a run's first
   * instruction can run compiled. Returns whether the shortcut covers RIP.
   */
  prefetch(): boolean {
    const c = this.c, rip = c.rip;
    c.insnStart = rip;
    this.fetch(rip);
    const off = rip - this.fetchBase;
    return off >= 0 && off < PAGE;
  }

  /**
   * Steps to the end of the basic block (a branch executed), a stop or `end`:
   * how the compiled tier runs code it has not compiled, so that it dispatches
   * only where blocks start.
   */
  stepBlock(end: number): void {
    const c = this.c;
    for (let next = NaN; ;) {
      const rip = c.rip;
      noteRun(c, rip, next);
      const insn = this.step();
      if ((insn.row.attrs & Attr.Branch) !== 0 || c.stopReason !== StopReason.None || c.instructions >= end) return;
      next = rip + insn.len;
    }
  }

  /** step() for the compiled tier: a straight-line run of one instruction for the recent-instruction trace. */
  stepNoted(): void {
    const c = this.c;
    noteRun(c, c.rip);
    this.step();
  }

  /** The reference path for a whole run. */
  runReference(end: number): void {
    const c = this.c;
    let next = NaN;
    while (c.stopReason === StopReason.None && c.instructions < end) {
      const rip = c.rip;
      noteRun(c, rip, next);
      next = rip + this.executeReference(rip).len;
      c.instructions++;
    }
  }

  /**
   * The debug loop (debug.ts), either path, while debugging is active: the
   * instruction breakpoints before each instruction, the #DB traps after it.
   * Returns when debugging is off again (the run loop then takes the fast loop).
   * While the host debugs (c.hostDebug, host-debug.ts) it stays, and the host's
   * checks run around the guest's.
   */
  runDebug(end: number, reference: boolean): void {
    const c = this.c;
    const host = c.hostDebug;
    let next = NaN;
    while (c.stopReason === StopReason.None && c.instructions < end && (host !== null || debugActive(c))) {
      const rip = c.rip;
      c.insnStart = rip;
      if (host !== null && host.before(c, rip)) break;
      noteRun(c, rip, next);
      const shadowed = beginInstruction(c, rip);
      if (host !== null && host.repSingle) c.repSingle = true;
      let insn: Insn;
      if (reference) { insn = this.executeReference(rip); c.instructions++; }
      else insn = this.step();
      if (host !== null) host.after(c, rip, insn);
      endInstruction(c, rip, insn, shadowed);
      next = rip + insn.len;
    }
  }

  /**
   * Forced emulation (guest-abi §7): executes the instruction at `lin` on the
   * reference path: decoded fresh, generic handlers, every access walking the page tables.
   */
  executeReference(lin: number): Insn {
    const c = this.c;
    c.insnStart = lin;
    c.rip = lin;
    this.referenceDepth++;
    c.mmu.setReference(true);
    try {
      const insn = this.fetch(lin);
      // The host's emulator "does not support" it (KVM's exit on emulation failure): RIP stays after the prefix, as KVM's.
      if (c.fepUnsupported !== null && !Number.isNaN(c.fepStart) && c.fepUnsupported.has(insn.row.mnemonic)) {
        c.emulationFailure(`${insn.row.mnemonic} under forced emulation: the host declines to emulate it`);
      }
      c.rip = lin + insn.len;
      (insn.exec as Handler)(c, insn);
      return insn;
    } finally {
      this.referenceDepth--;
      c.mmu.setReference(this.referenceDepth > 0);
    }
  }

  /** Fetches, decodes and binds the instruction at `rip`, caching it unless it crosses a page or runs on the reference path. */
  private fetch(rip: number): Insn {
    const c = this.c;
    const k = this.referenceDepth === 0 ? this.recent.find(rip, c.cpl) : -1;
    if (k >= 0) {
      // A page the shortcut held since the last drop: its translation still holds (an ITLB hit).
      const recent = this.recent;
      this.setShortcut(recent.baseOf(k), recent.codeOf(k));
      const insn = this.instructionAt(this.fetchCode, rip - this.fetchBase);
      if (insn !== null) return insn;
    }
    if (rip >= CANON_LIMIT || rip < -CANON_LIMIT) c.raise(Vector.GP, 0);
    // Compatibility mode (CS.L = 0 in IA-32e mode, SDM Vol. 3A §5.2.1): 32-bit code
    // with CS.D = 1, 16-bit code with CS.D = 0. Every CS load drops the fetch shortcut,
    // so this check on the (slow) fetch path sees each new CS before its first instruction.
    const compat = (c.segAttr[SEG_CS]! & ATTR_L) === 0;
    if (compat) return this.fetchLegacy(rip);
    return this.fetchIn(rip, rip, this.code64, MODE64, true);
  }

  /**
   * 32- and 16-bit code: EIP is an offset in CS (linear = CS.base + EIP, mod 2^32) and
   * every byte of the instruction must lie within the CS limit (#GP(0), SDM
   * Vol. 3A §5.3). The shortcut is kept only for a page wholly within the limit
   * of a CS with base 0, so the hot loop needs no limit check.
   */
  private fetchLegacy(eip: number): Insn {
    const c = this.c;
    const is32 = (c.segAttr[SEG_CS]! & ATTR_DB) !== 0;
    const limit = c.segLimit[SEG_CS]!, base = c.segBase[SEG_CS]!;
    if (eip > limit) c.raise(Vector.GP, 0);
    const lin = (base + eip) >>> 0;
    const pageStart = eip - (lin % PAGE);
    const shortcut = base === 0 && pageStart + PAGE - 1 <= limit;
    const insn = is32 ? this.fetchIn(eip, lin, this.code32, MODE32, shortcut) : this.fetchIn(eip, lin, this.code16, MODE16, shortcut);
    if (eip + insn.len - 1 > limit) {
      this.fetchBase = NaN;
      c.raise(Vector.GP, 0);
    }
    return insn;
  }

  private fetchIn(rip: number, lin: number, code: CodeCache, mode: number, shortcut: boolean): Insn {
    const c = this.c;
    const reference = this.referenceDepth > 0;
    const pa = c.mmu.translate(lin, c.mmu.execMask);
    const off = lin - Math.floor(lin / PAGE) * PAGE;
    const slot = reference ? undefined : c.mem.slotAt(pa, 1);
    if (slot !== undefined) {
      const frame = Math.floor(pa / PAGE);
      let page = code.page(frame);
      if (!page) {
        page = code.create(frame);
        c.mmu.protectCodeFrame(pa - off);
      }
      if (shortcut) {
        this.setShortcut(rip - off, page);
        this.recent.remember(rip - off, c.mmu.leafBytesAt(lin), page, c.cpl);
      } else this.fetchBase = NaN;
      const insn = this.instructionAt(page, off, slot);
      if (insn !== null) return insn;
    }
    // Crosses into the next page (or not cacheable): gather the bytes page by page.
    const buf = this.fetchBuf;
    const first = Math.min(PAGE - off, 15);
    for (let k = 0; k < first; k++) buf[k] = c.mmu.readPhys(pa + k, 1);
    let insn = decode(buf, 0, first, mode);
    if (!insn) {
      const next = mode !== MODE64 ? (lin + first) >>> 0 : lin + first;
      const pa2 = c.mmu.translate(next, c.mmu.execMask);
      for (let k = first; k < 15; k++) buf[k] = c.mmu.readPhys(pa2 + k - first, 1);
      insn = decode(buf, 0, 15, mode)!;
    }
    insn.exec = bindInstruction(insn, c.features, !reference);
    return insn;
  }

  /**
   * The instruction at `off` in a cached frame (RAM), decoded and bound on
   * first use (`slot`: the frame's slot, when the caller has it); null when it
   * does not end within the page.
   */
  instructionAt(page: FrameCode, off: number, slot?: MemorySlot): Insn | null {
    const cached = page.insns[off];
    if (cached !== undefined) return cached;
    const c = this.c;
    const pa = page.frame * PAGE;
    slot ??= c.mem.slotAt(pa, 1)!;
    const insn = decode(slot.bytes, pa - slot.base + off, PAGE - off, page.mode);
    if (insn === null) return null;
    insn.exec = bindInstruction(insn, c.features, true);
    page.insns[off] = insn;
    if (page.runs < 0) this.group(page, off, insn, slot);
    return insn;
  }

  /**
   * Groups `insn` at `off` with the instructions after it when they form a
   * group — a pair (exec/pairs.ts) or a run of PUSHes or POPs
   * (exec/stack-runs.ts) — decoding them if need be. Only on frames the loop
   * started on GROUP_AFTER times: a pair is a function of its own, whose
   * compile and cold calls short runs would pay for and not get back.
   */
  private group(page: FrameCode, off: number, insn: Insn, slot?: MemorySlot): void {
    if (off + insn.len >= PAGE) return;
    const executor = insn.row.executor;
    let members: Insn[];
    if (pairsAsFirst(insn)) {
      const next = this.instructionAt(page, off + insn.len, slot);
      if (next === null) return;
      insn.group = pairOf(insn, next);
      members = [insn, next];
    } else if (stackRunMember(insn, executor)) {
      members = [insn];
      for (let at = off + insn.len; at < PAGE;) {
        const next = this.instructionAt(page, at, slot);
        if (next === null || !stackRunMember(next, executor)) break;
        members.push(next);
        at += next.len;
      }
      if (members.length < 2) return;
      insn.group = stackRunHandler(members);
    } else return;
    const last = members[members.length - 1]!;
    insn.groupLast = last;
    insn.groupBefore = members.length - 1;
    insn.groupSpan = members.reduce((bytes, m) => bytes + m.len, 0) - last.len;
    insn.groupRest = insn.groupSpan - insn.len + last.len;
  }

  /** A frame the loop started on often enough: its decoded instructions group from now on, those decoded later as they come. */
  private groupFrame(page: FrameCode): void {
    page.runs = -1;
    page.insns.forEach((insn, off) => { if (insn !== undefined) this.group(page, off, insn); });
  }

  private setShortcut(base: number, code: FrameCode): void {
    this.fetchBase = base;
    this.fetchCode = code;
    this.fetchInsns = code.insns;
  }

  /** Forgets the fetch shortcut and the recent pages (a TLB flush, a paging or CS mode change). */
  invalidateFetch(): void {
    this.fetchBase = NaN;
    this.recent.clear();
    this.epoch++;
  }

  /** A CPL change: the shortcut goes (its permission was the old CPL's); the recent pages are per CPL. */
  changedCpl(): void {
    this.fetchBase = NaN;
    this.epoch++;
  }

  /**
   * After an INVLPG of `lin`: the shortcut and the recent pages are cached
   * translations of code pages; they go when `lin` lies in the leaf that mapped
   * one of them (4 KiB, 2 MiB or 1 GiB; the shortcut's page is always among
   * them), else they stay, as other pages' ITLB entries would (SDM §4.10.4.1).
   */
  invalidateFetchFor(lin: number): void {
    if (this.recent.holdsLeafOf(lin)) this.invalidateFetch();
  }

  /** Self-modifying code: a write hit a frame we hold decoded instructions for. */
  dropFrame(frame: number): void {
    this.code64.drop(frame);
    this.code32.drop(frame);
    this.code16.drop(frame);
    this.invalidateFetch();
  }

  /** Drops every decoded instruction (new features, a fresh run). */
  clear(): void {
    this.code64.clear();
    this.code32.clear();
    this.code16.clear();
    this.invalidateFetch();
  }

  /** After an exception unwound an instruction: back to the path the run is on. */
  unwind(): void {
    this.referenceDepth = 0;
    this.c.mmu.setReference(false);
  }
}
