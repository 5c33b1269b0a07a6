// The compiled tier: hot 64-bit code runs as JavaScript functions, one per
// region (emitter.ts, templates.ts). Where a dispatch found no region HOT
// times at a page offset, the basic blocks of that page that already ran and
// are reachable from it are compiled into one function, which moves between
// them without leaving. A region is cached with the frame's decoded code
// (code-cache.ts), so a write to the frame drops it, and it leaves as soon as
// code it holds may be stale (Interpreter.epoch). Everything else — other
// modes, the first executions, blocks with few templates, instructions
// crossing a page — runs on the interpreter, one instruction at a time.
import { Attr } from '../../isa/table.js';
import { MODE64 } from '../../isa/decoder.js';
import type { Insn } from '../../isa/insn.js';
import type { FeatureName } from '../../isa/features.js';
import type { RunContext } from '../context.js';
import { PAGE, type CompiledBlock, type FrameCode } from '../code-cache.js';
import type { Interpreter } from '../interpreter.js';
import { StopReason } from '../stop-reason.js';
import { Emitter, STEP, THREW, type BlockInsn } from './emitter.js';
import { TEMPLATES } from './templates.js';
import { openStackRun, stackRun } from './control-templates.js';
import type { Template } from './template.js';
import { envNumber } from '../tuning.js';

/**
 * Dispatches without a block at an offset before it is compiled. The
 * environment variable RINGZERO_COMPILE_THRESHOLD overrides it (the test suite
 * sets 1, so every suite runs compiled code from the first execution).
 */
const HOT = envNumber('RINGZERO_COMPILE_THRESHOLD') ?? 8;
/** RINGZERO_DUMP_REGIONS=1 prints each region's generated source to stderr (debugging the tier). */
const DUMP = envNumber('RINGZERO_DUMP_REGIONS') === 1;

/** Instructions in a basic block at most, and in a region's scan. */
const MAX_BLOCK = 64;
const MAX_REGION = 256;

export class CompiledTier {
  /** Regions compiled (for tests and reports). */
  compiledRegions = 0;
  /**
   * Dispatches without a block at an offset before the region there is
   * compiled, doubled per region already compiled from the same page (so a page
   * entered at many offsets compiles a few times, not once per entry). Tests set
   * 1: everything compiles on first execution.
   */
  threshold = HOT;

  constructor(private readonly c: RunContext, private readonly it: Interpreter) {}

  /** Runs until a stop reason, `end` instructions retired, or a region's throw (left in c.regionThrew). */
  run(end: number): void {
    const c = this.c, it = this.it;
    while (c.stopReason === StopReason.None && c.instructions < end) {
      const rip = c.rip;
      const off = rip - it.fetchBase;
      if (off >= 0 && off < PAGE) {
        const code = it.fetchCode;
        if (code.mode === MODE64) {
          let b = code.blocks === null ? undefined : code.blocks[off];
          if (b === undefined) b = this.warm(code, off);
          if (b && c.instructions + b.count <= end) {
            const m = c.mmu;
            m.deferFaults = true; // the region's own accesses report a #PF in m.faultDeferred (emitter.ts: access)
            const r = b.run(c, rip - off, end);
            m.deferFaults = false;
            if (m.faultDeferred) throw new Error('compiled tier: a region left a deferred page fault unreported');
            if (r === STEP) it.stepNoted(); // the one instruction the region left to the interpreter
            else if (r === THREW) return;
            continue;
          }
        }
        it.stepBlock(end); // code not (yet) compiled: to the next block start
      } else if (!it.prefetch()) it.stepNoted(); // outside the fetched page: fetched, and the next dispatch looks again
    }
  }

  /** Counts a dispatch without a block at `off`; compiles one once it is hot (null: nothing to compile there). */
  private warm(code: FrameCode, off: number): CompiledBlock | null | undefined {
    const heat = code.heat ?? (code.heat = new Uint8Array(PAGE));
    if (heat[off]! < 255) heat[off]!++;
    if (heat[off]! < Math.min(this.threshold << code.compiles, 255)) return undefined;
    code.compiles++;
    const b = this.compile(code, off);
    if (b === null) (code.blocks ?? (code.blocks = new Array<CompiledBlock | null | undefined>(PAGE)))[off] = null;
    return b;
  }

  /**
   * Compiles the region of the page reachable from `entry`: the basic blocks
   * that start at the entry and at the branch targets and fall-throughs within
   * the page that already ran (so a rarely taken path does not cost compile
   * time: a branch there leaves the region), found by a scan of the decoded code.
   */
  private compile(code: FrameCode, entry: number): CompiledBlock | null {
    const it = this.it, heat = code.heat!, table = code.blocks;
    const ran = (o: number) => heat[o]! > 0 || (table !== null && table[o] !== undefined);
    // A block a large region holds already is left to it (the new region exits there): compiling it
    // again would cost TurboFan time in proportion (a second copy of a hot loop: ~1 s for a region
    // of 256 instructions) to save a region change. Small regions' blocks are copied.
    const heldByLargeRegion = (o: number) => o !== entry && (table?.[o]?.size ?? 0) > SHARED_REGION_SIZE;
    const leaders = new Set<number>([entry]);
    const work = [entry];
    let total = 0;
    // The scan: from each leader to its block's branch, noting the targets within the page.
    for (const seen = new Set<number>(); work.length > 0 && total < MAX_REGION;) {
      const from = work.pop()!;
      if (seen.has(from)) continue;
      seen.add(from);
      for (let o = from; o < PAGE;) {
        const insn = it.instructionAt(code, o);
        if (insn === null) break;
        total++;
        o += insn.len;
        if (!endsBlock(insn)) continue;
        const target = insn.row.operands[0]?.kind === 'J' && insn.opSize === 8 ? o + insn.imm : -1;
        const add = (next: number) => {
          if (next >= 0 && next < PAGE && !leaders.has(next) && ran(next) && !heldByLargeRegion(next)) { leaders.add(next); work.push(next); }
        };
        add(target);
        add(FALLS_THROUGH.has(insn.row.executor) ? o : -1);
        // A jump or call through a register or memory (a bytecode dispatch, a function pointer): every
        // place of the page that already ran may be its target, so the region takes them in too.
        if (insn.row.operands[0]?.kind === 'E' && INDIRECT.has(insn.row.executor)) for (let x = 0; x < PAGE; x++) add(x);
        break;
      }
    }
    // The blocks: from each leader to a branch, to the next leader, or to the end of the page.
    const blocks: BlockInsn[][] = [];
    const todo = [...leaders];
    let emitted = 0;
    for (let k = 0; k < todo.length && emitted < MAX_REGION; k++) {
      const list: BlockInsn[] = [];
      for (let o = todo[k]!; o < PAGE && list.length < MAX_BLOCK;) {
        if (list.length > 0 && leaders.has(o)) break;
        const insn = it.instructionAt(code, o);
        if (insn === null) break; // crosses into the next page: the interpreter fetches it
        list.push({ insn, start: o, end: o + insn.len });
        o += insn.len;
        if (endsBlock(insn)) break;
        if (list.length === MAX_BLOCK && o < PAGE && !leaders.has(o)) { leaders.add(o); todo.push(o); }
      }
      if (list.length > 0) blocks.push(list);
      emitted += list.length;
    }
    // A block most of whose instructions would run on their handlers gains nothing from
    // compiling (writing back and reloading the locals around each costs more): its
    // instructions stay on the interpreter, marked so that they do not count as cold. One
    // with many handler calls is compiled alone: in a region, every call may throw into
    // the catch that writes back all the region's locals, and TurboFan spends long on that.
    const entries = code.blocks ?? (code.blocks = new Array<CompiledBlock | null | undefined>(PAGE));
    const together: BlockInsn[][] = [];
    for (const b of blocks) {
      const { templated, calls } = trialEmission(b, this.c.features);
      if (templated < b.length * MIN_TEMPLATED) {
        for (const x of b) if (entries[x.start] === undefined) entries[x.start] = null;
      } else if (calls > MAX_CALLS || b.filter((x) => x.insn.row.exceptionClass === 'sse').length > MAX_VECTOR) this.install(entries, [b]);
      else together.push(b);
    }
    if (together.length > 0) this.install(entries, together);
    return entries[entry] ?? null; // null: the entry's own block stays on the interpreter
  }

  /** Compiles blocks into one region, entered at each block's start. */
  private install(entries: (CompiledBlock | null | undefined)[], blocks: readonly (readonly BlockInsn[])[]): void {
    this.compiledRegions++;
    const region = compileRegion(this.it, blocks, this.c.features);
    for (const b of blocks) entries[b[0]!.start] = region;
  }
}

/** Instructions of a region above which a new region does not copy its blocks (see compile). */
const SHARED_REGION_SIZE = 64;
/** The share of a block's instructions that must have templates for it to be compiled. */
const MIN_TEMPLATED = 0.5;
/** SSE instructions a block may hold and still share a region with others (TurboFan's time and memory grow fast with them). */
const MAX_VECTOR = 16;
/** Handler calls a block may make and still share a region with others. */
const MAX_CALLS = 8;

/** A trial emission of a block: its instructions that templates cover, and the handler calls of the rest. */
function trialEmission(list: readonly BlockInsn[], features: ReadonlySet<FeatureName>): { templated: number; calls: number } {
  const templated = emitBlock(new Emitter(list.length), list, features);
  return { templated, calls: list.length - templated };
}

/** Emits a block's instructions (a run of PUSHes or POPs behind its fast path: control-templates.ts stackRun); returns how many templates covered. */
function emitBlock(e: Emitter, list: readonly BlockInsn[], features: ReadonlySet<FeatureName>): number {
  let templated = 0;
  for (let k = 0; k < list.length;) {
    const run = stackRun(list, k);
    if (run > 0) openStackRun(e, list.slice(k, k + run));
    for (const end = k + Math.max(run, 1); k < end; k++) if (emitInstruction(e, list[k]!, k, k === list.length - 1, features)) templated++;
    if (run > 0) e.line('}');
  }
  return templated;
}

/** Emits instruction k of a block: its template, else its interpreter handler. Returns whether a template covered it. */
function emitInstruction(e: Emitter, b: BlockInsn, k: number, last: boolean, features: ReadonlySet<FeatureName>): boolean {
  e.begin(b, k);
  const t = templateFor(b.insn, features);
  if (t !== undefined && t(e, b.insn)) {
    e.checkExceptionClassFirst();
    if (last && (b.insn.row.attrs & Attr.Branch) === 0) e.line(`t = ${e.next};`); // a branch's template sets t itself
    return true;
  }
  if (changesOnlyVectorState(b.insn, features)) e.vectorFallback(last);
  else e.fallback(last);
  return false;
}

/** Operand kinds in vector, MMX and x87 registers, or memory. */
const VECTOR_OR_MEMORY: ReadonlySet<string> = new Set(['V', 'W', 'U', 'P', 'Q', 'N', 'M', 'ST']);

/**
 * Whether an instruction can change nothing a region keeps in locals (the
 * general registers, the flags) nor RIP, by its row: an SSE, MMX or x87
 * instruction that sets no flag and writes only vector, MMX or x87 operands
 * or memory. (Those classes have no implicit general-register destination
 * without flags: PCMPESTRI's ECX comes with them.)
 */
function changesOnlyVectorState(i: Insn, features: ReadonlySet<FeatureName>): boolean {
  const row = i.row;
  if (row.feature !== undefined && !features.has(row.feature)) return false; // its handler is #UD or another row's
  if (i.invalid || i.compat || row.pending || (row.attrs & Attr.Branch) !== 0 || row.flagsModified !== 0 || row.flagsUndefined !== 0) return false;
  const cls = row.exceptionClass;
  if (cls !== 'sse' && cls !== 'mmx' && cls !== 'x87' && cls !== 'wait') return false;
  return row.operands.every((o) => o.access === 'r' || VECTOR_OR_MEMORY.has(o.kind));
}

/** Executors after which nothing in the block would run: they always raise, stop or end the run. */
const ALWAYS_LEAVES: ReadonlySet<string> = new Set(['ud', 'ud2', 'hlt', 'pending', 'tooLong']);

/** Whether a block ends after the instruction: a branch, or an instruction that never falls through. */
function endsBlock(i: Insn): boolean {
  return (i.row.attrs & Attr.Branch) !== 0 || i.invalid || i.row.pending || ALWAYS_LEAVES.has(i.row.executor);
}

/** Executors whose operand-E forms branch through a register or memory. */
const INDIRECT = new Set<string>(['jmp', 'call']);
/** Branches whose next instruction also runs (the condition fails, or a call, an interrupt or a system call returns there). */
const FALLS_THROUGH: ReadonlySet<string> = new Set(['jcc', 'call', 'int', 'int3', 'int1', 'syscall', 'sysenter', 'loop', 'jrcxz', 'callFar']);

/**
 * Privileged rows with templates (a CPL 0 handler's glue: MOV r64, CR2 in the runtime's exception
 * entry, INVLPG in a page-fault loop): no register but their destination changes, so the region
 * need not write its locals back and reload them around a handler call. The privilege check goes
 * before them, as the exception class's does.
 */
const PRIVILEGED_TEMPLATES: ReadonlySet<string> = new Set(['movFromCr', 'invlpg']);

/** The template for a decoded instruction, if its row has one (its exception class and privilege are checked before it: emitInstruction). */
function templateFor(i: Insn, features: ReadonlySet<FeatureName>): Template | undefined {
  const row = i.row;
  if (i.invalid || i.compat || row.pending || ((row.attrs & Attr.Priv) !== 0 && !PRIVILEGED_TEMPLATES.has(row.executor))) return undefined;
  if (row.feature !== undefined && !features.has(row.feature)) return undefined;
  return TEMPLATES[row.executor];
}

/** Compiles basic blocks of one page (instructions with page offsets) into one region function. */
export function compileRegion(epoch: { readonly epoch: number }, blocks: readonly (readonly BlockInsn[])[], features: ReadonlySet<FeatureName>): CompiledBlock {
  const maxCount = Math.max(...blocks.map((b) => b.length));
  const e = new Emitter(maxCount);
  for (const list of blocks) {
    e.beginBlock(list[0]!.start);
    emitBlock(e, list, features);
    e.endBlock(list.length);
  }
  const { source, constants } = e.finish();
  if (DUMP) console.error(source);
  const factory = new Function('T', 'K', source) as (t: unknown, k: unknown[]) => CompiledBlock['run'];
  return { run: factory(epoch, constants), count: maxCount, size: blocks.reduce((sum, b) => sum + b.length, 0) };
}
