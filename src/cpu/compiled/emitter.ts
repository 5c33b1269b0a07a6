// The compiled tier's code generator: turns a region (basic blocks of one
// page) into the source of one JavaScript function, compiled with `new Function`.
//
// Inside a region the guest registers a template touches live in locals
// (l<n>/h<n>: the low and high int32 halves), loaded on entry and written
// back wherever the architectural state must be exact: at the region's one
// exit, before an instruction runs on its interpreter handler (a "fallback"),
// and when an instruction faults. The lazy flags (lazy-flags.ts) live in locals the same
// way (fz, fs, fp, fa), set by the operations' own source (exec/alu-source.ts).
//
// Exactness at a fault: every template performs everything that can fault
// before it writes a local, and records where it is in `st`; the catch writes the
// locals back and sets the instruction count and start of that instruction
// (the run loop then delivers the exception as for the interpreter). The
// region's own MMU accesses do not throw a #PF: the MMU defers it
// (M.faultDeferred, a V8 throw costs ~0.3 µs) and the check after the access
// leaves through the one exit, which reports it the same way. A
// fallback writes the locals back first and sets `st = -1`: the context is
// then authoritative (a REP string instruction's progress, for instance).
import { Vector } from '../../arch/vectors.js';
import type { Insn } from '../../isa/insn.js';
import { Attr, type ExceptionClass } from '../../isa/table.js';
import { StopReason } from '../stop-reason.js';
import { CANON_LIMIT } from '../operands.js';
import { PF_TABLE_NAME, conditionSource, type FlagVars } from '../flags-source.js';
import { PF_TABLE } from '../lazy-flags.js';
import { CPU_EXCEPTION } from '../exceptions.js';
import { checkPrivilege, classCheck, unwrapLegality } from '../legality.js';
import { MODE64 } from '../../isa/decoder.js';

/** One instruction of a region: page offsets of its first byte and of the next. */
export interface BlockInsn {
  readonly insn: Insn;
  readonly start: number;
  readonly end: number;
}

/** What a region returns when the interpreter must run the instruction at RIP before it is entered again. */
export const STEP = 1;
/**
 * What a region returns when an instruction threw (an exception, a host exit): the throw is in
 * c.regionThrew, for the run loop to handle (returning it costs V8 one unwind less than rethrowing).
 */
export const THREW = 2;

const SYNC = '/*SYNC*/';
/** Brackets a block's number in its case label until finish() chooses the switch's form. */
const CASE = '/*CASE*/';
const CASE_LABEL = /\/\*CASE\*\/(\d+)\/\*CASE\*\//g;
/** Regions with more blocks than this switch through a dense table (finish()). */
const DENSE_SWITCH_BLOCKS = 16;
const RELOAD = '/*RELOAD*/';
/** 2^32: a 64-bit value from its int32 halves is hi * TWO32 + (lo >>> 0). */
export const TWO32 = 4294967296;
const PAGE = 4096;
/** The lazy flags' locals in a region. */
const LOCAL_FLAGS: FlagVars = { z: 'fz', s: 'fs', p: 'fp', aux: 'fa' };
/** The flags' number among the locals (after the 16 registers). */
const FLAGS = 16;
/** Source writing local r (a register, or the flags) back to the context. */
const store = (r: number): string => (r === FLAGS ? 'c.fZ = fz; c.fS = fs; c.fP = fp; c.fAux = fa;' : `L[${r}] = l${r}; H[${r}] = h${r};`);
/** Source loading local r from the context. */
const load = (r: number): string => (r === FLAGS ? 'fz = c.fZ; fs = c.fS; fp = c.fP; fa = c.fAux;' : `l${r} = L[${r}]; h${r} = H[${r}];`);
/** The declaration of local r, loaded from the context. */
const declare = (r: number): string => (r === FLAGS ? 'fz = c.fZ, fs = c.fS, fp = c.fP, fa = c.fAux' : `l${r} = L[${r}], h${r} = H[${r}]`);

/**
 * An interpreter handler's call from a region: the MMU throws its faults again while it runs (the
 * region's catch reports them), and the cached pages are dropped (the handler may change paging,
 * the TLB, CPL or AC: stack-slots.ts, page-caches.ts).
 */
const HANDLER_CALL = (h: string, i: string, checks: string): string => `M.deferFaults = false; ${checks}${h}(c, ${i}); M.deferFaults = true; ${DROP_PAGES}`;

/** After an MMU access: leave the region if it faulted (the fault is deferred while a region runs: tier.ts). */
const DEFERRED_FAULT_CHECK = `if (M.faultDeferred) { xr = ${THREW}; break exit; }`;
/** Source marking a store that went through the MMU (not to a cached page), for afterWrite(true). */
export const WROTE_THROUGH_MMU = 'wr = 1;';
/** The largest high half of an address within ±2^47 (canonical with 48-bit linear addresses): addressing.ts and stack-slots.ts compute exactly within it. */
export const SMALL_HI = 0x7fff;
/** The region's cached stack page (stack-slots.ts): kp/kh for stack slots besides the page cache `k` (page-caches.ts). */
const STACK_PAGE_LOCALS = 'kp = -1, kh = 0';
/** Replaced by the source that drops every cached page (finish()). */
const DROP_PAGES = '/*DROP*/';
/** The locals of page cache `k` (page-caches.ts): its page's linear address (NaN: none), view, offset in the view, whether writes may use it, its last miss's page, a scratch. */
const pageCacheLocals = (k: string): string => `${k}b = NaN, ${k}v = M.runView, ${k}o = 0, ${k}w = 0, ${k}m = NaN, ${k}t = 0`;

/** What generated code calls legality.ts's checks (an exception class's: check_<its function's name>). */
const PRIVILEGE_CHECK = 'checkPrivilege';

/**
 * Emits one region: the basic blocks compiled from one page, as cases of a
 * switch on the page offset inside a loop, so control moves between them
 * with the registers kept in locals. `base` in the generated code is the
 * page's linear address; `t` the next RIP when a block ends.
 */
export class Emitter {
  private readonly out: string[] = [];
  private readonly consts: unknown[] = [];
  private readonly constIndex = new Map<unknown, number>();
  private readonly names = new Map<number, string>();
  private readonly used = new Set<number>();
  private readonly dirty = new Set<number>();
  /**
   * Which locals may be newer than the context here: all that any block writes
   * (at a block's start), or those written since the last fallback reloaded
   * them, so consecutive fallbacks write back only what changed between them.
   */
  private dirtyAll = true;
  private readonly dirtyNow = new Set<number>();
  insn!: Insn;
  /** The instruction's index in its block. */
  index = 0;
  private start = 0;
  private end = 0;
  /** Where the current instruction's code starts in `out`. */
  private mark = 0;
  /** The page offsets where the region's blocks start, in order (their case labels: finish()). */
  private readonly blockStarts: number[] = [];
  /** Whether the current instruction set `st` (mayFault) since it started: its accesses may fault. */
  private faultMarked = false;
  private usesVectors = false;
  /** The page caches the region's accesses use (page-caches.ts), by name; `k` (the stack's) always. */
  private readonly pageCaches = new Set<string>(['k']);
  /** The region's own constants by name (regionConstant), and the source its entry runs (atEntry). */
  private readonly ownConstants = new Map<string, unknown>();
  private readonly entryCode = new Set<string>();
  /** Exception classes checked since the block started or a fallback ran (which may change CR0, CR4, EFER). */
  private readonly checkedClasses = new Set<string>();

  constructor(private readonly maxCount: number) {}

  // ---- for templates ----

  /** The local holding register r's low dword. */
  lo(r: number): string { this.used.add(r); return `l${r}`; }
  /** The local holding register r's high dword. */
  hi(r: number): string { this.used.add(r); return `h${r}`; }

  /** A constant that is the region's own (made by `make` at the first ask), by `name` in the generated code. */
  regionConstant(name: string, make: () => unknown): string {
    let value = this.ownConstants.get(name);
    if (value === undefined) this.ownConstants.set(name, (value = make()));
    return this.constant(value, name);
  }

  /** Source the region runs on entry, after its locals are declared (once, however often it is asked for). */
  atEntry(code: string): void { this.entryCode.add(code); }

  /** Declares page cache `name`'s locals in the region (page-caches.ts) and returns the name. */
  pageCache(name: string): string { this.pageCaches.add(name); return name; }

  /** The vector registers' dwords (VectorRegisters.i32), for an instruction that uses them. */
  vectors(): string { this.usesVectors = true; return 'X'; }

  /** The flags' locals, for an instruction that reads them. */
  readFlags(): FlagVars { this.used.add(FLAGS); return LOCAL_FLAGS; }
  /** The flags' locals, for an instruction that writes them (after everything that can fault). */
  writeFlags(): FlagVars { this.used.add(FLAGS); this.dirty.add(FLAGS); this.dirtyNow.add(FLAGS); return LOCAL_FLAGS; }
  /** An expression: whether condition code `cc` holds (flags-source.ts). */
  condition(cc: number): string {
    this.constant(PF_TABLE, PF_TABLE_NAME);
    return conditionSource(cc, this.readFlags());
  }

  /**
   * Emits `call` (an interpreter core that reads and writes the context's
   * flags) with the flags written back before it and reloaded after it.
   */
  withContextFlags(call: string): void {
    this.writeFlags();
    this.line(`${store(FLAGS)} ${call} ${load(FLAGS)}`);
  }

  /** Emits `r = (lo, hi)`; both expressions are evaluated before either half is written. */
  set(r: number, lo: string, hi: string): void {
    this.used.add(r);
    this.dirty.add(r);
    this.dirtyNow.add(r);
    this.line(`v = ${lo}; w = ${hi}; l${r} = v; h${r} = w;`);
  }

  /**
   * Emits `r = value` for a 1- or 2-byte register (AH..BH as 16..19): the
   * other bits are kept, as the register file's setReg does (SDM Vol. 1 §3.4.1.1).
   */
  setNarrow(size: number, r: number, value: string): void {
    if (size === 1 && r >= 16) this.set(r - 16, `(${this.lo(r - 16)} & -65281) | ((${value} & 0xff) << 8)`, this.hi(r - 16));
    else if (size === 1) this.set(r, `(${this.lo(r)} & -256) | (${value} & 0xff)`, this.hi(r));
    else this.set(r, `(${this.lo(r)} & -65536) | (${value} & 0xffff)`, this.hi(r));
  }

  /**
   * A value the generated code refers to (a function, the instruction
   * record): its name there, k<n>, or `name` for generated source that names
   * it (the parity table, a helper of alu-source.ts).
   */
  constant(value: unknown, name?: string): string {
    let k = this.constIndex.get(value);
    if (k === undefined) { k = this.consts.push(value) - 1; this.constIndex.set(value, k); }
    if (name !== undefined) this.names.set(k, name);
    return this.names.get(k) ?? `k${k}`;
  }

  line(code: string): void { this.out.push(code); }

  /** The instruction may fault from here on (before its first write to a local): a fault reports it. */
  mayFault(): void {
    this.line(`st = ${this.index * PAGE + this.start};`);
    this.faultMarked = true;
  }

  /**
   * Emits `call`, one MMU access (M.read*, M.write*, M.probe*), and leaves the
   * region if it faulted: the region's accesses run with the MMU's faults
   * deferred (tier.ts), so a #PF is reported in M.faultDeferred, not thrown.
   */
  access(call: string): void {
    this.requireFaultMark();
    this.line(`${call} ${DEFERRED_FAULT_CHECK}`);
  }

  /** Drops the region's cached pages (page-caches.ts, stack-slots.ts: copies of TLB entries), as after a handler call: the TLB changed. */
  dropPageCaches(): void {
    this.line(DROP_PAGES);
  }

  /** Source that leaves the region if the MMU access just emitted faulted (faults are deferred while a region runs). */
  get faultCheck(): string { return DEFERRED_FAULT_CHECK; }

  /** Throws unless the current instruction called mayFault() before its memory access (the exactness rule). */
  requireFaultMark(): void {
    if (!this.faultMarked) throw new Error(`compiled tier: ${this.insn.row.id} accesses memory before mayFault()`);
  }

  /** Source that writes back the locals that may be newer than the context here. */
  private sync(): string {
    return this.dirtyAll ? SYNC : [...this.dirtyNow].map(store).join(' ');
  }

  /** A near branch's taken path: `t` = RIP after the instruction + rel, checked canonical. */
  branchTo(rel: number): void {
    const off = this.end + rel;
    this.line(`t = base + ${off};`);
    if (off >= 0 && off < PAGE) return; // within the page the region runs from: canonical
    this.mayFault();
    this.line(`if (t >= ${CANON_LIMIT} || t < ${-CANON_LIMIT}) c.raise(${Vector.GP}, 0);`);
  }

  /** RIP after the current instruction, as a source expression. */
  get next(): string { return `base + ${this.end}`; }

  /**
   * Source that leaves the region before the current instruction, for the
   * interpreter to run it (the dispatcher steps it when the region returns
   * STEP): a rare case (an address beyond ±2^47, for one) costs an exit
   * instead of inline code in every region.
   */
  bail(): string {
    return this.leave(`base + ${this.start}`, this.index, STEP);
  }

  /**
   * Source that leaves the region with RIP = `rip` after `count` instructions
   * of the block: through the one exit after the region's loop, which writes
   * the locals back (one copy of that code, not one per exit: the function
   * stays small enough for V8 to optimise quickly).
   */
  private leave(rip: string, count: number, result: number): string {
    return `{ xr = ${result}; xrip = ${rip}; xi = n + ${count}; break exit; }`;
  }

  /**
   * After a store: leave if it wrote code (what follows may be stale) or asked
   * the run loop to stop. Only a store through the MMU can (a region's cached
   * pages are RAM the TLB lets it write directly, never code: page-caches.ts);
   * `marked`: the instruction's stores mark that path (WROTE_THROUGH_MMU), so
   * the check runs only after one of those.
   */
  afterWrite(marked: boolean): void {
    const check = `if (T.epoch !== e0 || c.stopReason !== ${StopReason.None}) ${this.leave(this.next, this.index + 1, 0)}`;
    this.line(marked ? `if (wr !== 0) { wr = 0; ${check} }` : check);
  }

  // ---- for the region compiler ----

  /** Starts the basic block at page offset `at`. */
  beginBlock(at: number): void {
    this.blockStarts.push(at);
    this.line(`case ${CASE}${this.blockStarts.length - 1}${CASE}: {`);
    // A straight-line run starts (the recent-instruction trace, cpu/instruction-trace.ts; null unless kept).
    this.line(`if (TR !== null) TR.run(base + ${at}, n, ${MODE64});`);
    this.checkedClasses.clear();
    this.dirtyAll = true;
    this.dirtyNow.clear();
  }

  /** Starts instruction `index` of the current block. */
  begin(b: BlockInsn, index: number): void {
    this.insn = b.insn;
    this.index = index;
    this.start = b.start;
    this.end = b.end;
    this.line(`// +${b.start} ${b.insn.row.id}`);
    this.mark = this.out.length;
    this.faultMarked = false;
  }

  /**
   * Puts the state checks of the current instruction's exception class
   * (legality.ts classCheck, which raises #UD or #NM as the handler
   * would) and, for a privileged row, the CPL check (checkPrivilege: #GP(0)),
   * in the legality wrapper's order, before the code its template emitted.
   */
  checkExceptionClassFirst(): void {
    const row = this.insn.row, cls = row.exceptionClass;
    // The class check once until a handler runs (nothing else can change its outcome); the CPL check before each privileged template.
    const repeated = this.checkedClasses.has(cls);
    this.checkedClasses.add(cls);
    const checks = this.legalityChecks(repeated ? 'none' : cls, (row.attrs & Attr.Priv) !== 0);
    if (checks !== '') this.out.splice(this.mark, 0, `st = ${this.index * PAGE + this.start}; ${checks}`);
  }

  /**
   * Source of a legality wrapper's checks (legality.ts withLegality), called directly: exception
   * class `cls`'s check (classCheck; under the function's own name, as classes may share one and
   * a constant keeps a single name), then for a privileged row the CPL check. '' for neither.
   */
  private legalityChecks(cls: ExceptionClass, priv: boolean): string {
    const check = classCheck(cls);
    return `${cls === 'none' ? '' : `${this.constant(check, `check_${check.name}`)}(c); `}${priv ? `${this.constant(checkPrivilege, PRIVILEGE_CHECK)}(c); ` : ''}`;
  }

  /**
   * Source calling the current instruction's handler (the state written back):
   * a legality wrapper's checks made here and its handler called itself
   * (legality.ts unwrapLegality), else the bound handler.
   */
  private handlerCall(): string {
    const i = this.constant(this.insn), w = unwrapLegality(this.insn.exec);
    if (w === undefined) return HANDLER_CALL(this.constant(this.insn.exec), i, '');
    return HANDLER_CALL(this.constant(w.handler), i, this.legalityChecks(w.exceptionClass, w.priv));
  }

  /** Runs the current instruction on its interpreter handler, with the state written back around it. */
  fallback(last: boolean): void {
    this.line(`${this.sync()} st = -1; c.insnStart = base + ${this.start}; c.rip = ${this.next}; c.instructions = n + ${this.index}; ${this.handlerCall()}`);
    // Leaving here (the context holds the whole state: nothing to write back, nothing to reload) when
    // the region cannot go on: a stop, or the code may have changed under it (SYSCALL, SYSRET, IRETQ,
    // MOV CR3: a CPL or paging change); or, within a block, when the handler branched.
    const branched = last ? '' : `c.rip !== ${this.next} || `;
    this.line(`if (${branched}c.stopReason !== ${StopReason.None} || T.epoch !== e0) { c.instructions = n + ${this.index + 1}; return; } ${RELOAD}`);
    this.dirtyAll = false; // the handler ran on the written-back state, and every local is reloaded
    this.dirtyNow.clear();
    this.checkedClasses.clear();
    if (last) this.line('t = c.rip;');
  }

  /**
   * Runs the current instruction on its interpreter handler when it changes
   * only vector, x87 and MMX state and memory (tier.ts: changesOnlyVectorState):
   * no register or flag local can change, so none is reloaded after it, and
   * the next instruction follows unless it wrote code or asked to stop (a
   * store, MASKMOVDQU's too). A fault reports it as a template's would.
   */
  vectorFallback(last: boolean): void {
    this.mayFault();
    this.line(`${this.sync()} c.insnStart = base + ${this.start}; c.rip = ${this.next}; c.instructions = n + ${this.index}; ${this.handlerCall()}`);
    this.dirtyAll = false; // the context now holds every local
    this.dirtyNow.clear();
    this.afterWrite(false);
    if (last) this.line(`t = ${this.next};`);
  }

  /** Ends the current block of `count` instructions (`t` holds the next RIP). */
  endBlock(count: number): void {
    this.line(`n += ${count}; break; }`);
  }

  /** The whole function's source and its constants. */
  finish(): { source: string; constants: unknown[] } {
    const exception = this.constant(CPU_EXCEPTION, 'CPU_EXCEPTION');
    // Many blocks: a switch on dense case numbers looked up from the page offset, which V8 compiles
    // to a jump table (on the offsets themselves it is a tree of compares, mispredicted at every
    // indirect jump's dispatch). Few: on the offsets (the table costs V8 compile time that short
    // runs notice: the bundled guests took 25% longer on the compiled tier with it everywhere).
    const dense = this.blockStarts.length > DENSE_SWITCH_BLOCKS;
    let selector = 'pc';
    if (dense) {
      const caseAt = new Uint16Array(PAGE);
      this.blockStarts.forEach((at, k) => { caseAt[at] = k + 1; });
      selector = `(pc >>> 12) === 0 ? ${this.constant(caseAt, 'BLOCK_CASE')}[pc] : 0`;
    }
    const caseLabel = (_: string, k: string) => String(dense ? Number(k) + 1 : this.blockStarts[Number(k)]);
    // The faulting instruction (recorded in st by mayFault) as the count and start the run loop reports.
    const faultAt = `c.instructions = n + Math.floor(st / ${PAGE}); c.insnStart = base + st % ${PAGE};`;
    const sync = [...this.dirty].map(store).join(' ');
    const reload = [...this.used].map(load).join(' ');
    const caches = [...this.pageCaches];
    const drops = `kp = -1; ${caches.map((k) => `${k}b = NaN;`).join(' ')}`;
    const body = this.out.join('\n').split(SYNC).join(sync).split(RELOAD).join(reload).split(DROP_PAGES).join(drops).replace(CASE_LABEL, caseLabel);
    const names = this.consts.map((_, k) => `${this.names.get(k) ?? `k${k}`} = K[${k}]`);
    const source = [
      names.length ? `const ${names.join(', ')};` : '',
      'return function region(c, base, end) {',
      `  const L = c.regLo, H = c.regHi, O = c.ops, M = c.mmu, TR = c.instructionTrace, e0 = T.epoch${this.usesVectors ? ', X = c.xmm.i32' : ''};`,
      '  let n = c.instructions, st = -1, v = 0, w = 0, u = 0, ea = 0, sl = 0, sh = 0, q = 0, t = 0, pc = c.rip - base, xr = 0, xrip = 0, xi = 0, wr = 0;',
      `  let ${STACK_PAGE_LOCALS}, ${caches.map(pageCacheLocals).join(', ')};`,
      ...[...this.entryCode].map((code) => `  ${code}`),
      this.used.size ? `  let ${[...this.used].map(declare).join(', ')};` : '',
      '  exit: try {',
      '    for (;;) {',
      `      switch (${selector}) {`,
      body,
      '      default: xrip = base + pc; xi = n; break exit;',
      '      }',
      '      pc = t - base;',
      `      if (n + ${this.maxCount} > end || c.stopReason !== ${StopReason.None} || T.epoch !== e0) { xrip = t; xi = n; break exit; }`,
      '    }',
      '  } catch (x) {',
      `    if (st >= 0) { ${sync} ${faultAt} }`,
      `    c.regionThrew = x; return ${THREW};`,
      '  }',
      `  ${sync}`,
      `  if (xr === ${THREW}) { M.faultDeferred = false; ${faultAt} c.regionThrew = ${exception}; return ${THREW}; }`,
      '  c.rip = xrip; c.instructions = xi; return xr;',
      '};',
    ].join('\n');
    return { source, constants: this.consts };
  }
}
