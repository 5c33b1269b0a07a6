// Runs a few instruction bytes in a bare 64-bit user-mode (CPL 3) environment
// that mirrors a Linux user process on the host: the same addresses the native
// helper of the differential tests maps, Linux's GDT and IDT gate DPLs, Linux's
// CR0/CR4/EFER bits that matter to user code, and every feature the table
// implements (the host CPU it is compared with has them all). Every exception
// and software interrupt exits to the host (the CPU's intercepts) instead of
// being delivered.
import { Cpu, StopReason } from '../cpu/cpu.js';
import { ALL_TABLE_FEATURES } from '../cpu/cpuid.js';
import { loadCodeSegment, setSegment } from '../cpu/segmentation.js';
import { decode } from '../isa/decoder.js';
import { PhysicalMemory } from '../mmu/physical-memory.js';
import { FrameAllocator, PageTableBuilder } from '../mmu/page-table-builder.js';
import { SEG_ES, SEG_SS, SEG_DS, SEG_FS, SEG_GS } from '../arch/registers.js';
import { ARITH_FLAGS, DF, IF, RFLAGS_FIXED1 } from '../arch/rflags.js';
import { Vector } from '../arch/vectors.js';
import { CR0_PE, CR0_MP, CR0_ET, CR0_NE, CR0_WP, CR0_AM, CR0_PG, CR4_PAE, CR4_OSFXSR, CR4_OSXMMEXCPT, CR4_OSXSAVE, EFER_SCE, EFER_LME, EFER_LMA, EFER_NXE } from '../arch/control-registers.js';
import { XCR0_SSE, XCR0_X87 } from '../arch/xsave.js';
import type { ExecutionPath } from '../cpu/execution-path.js';
import { MXCSR_RESET } from '../arch/mxcsr.js';
export { EXECUTION_PATHS, type ExecutionPath } from '../cpu/execution-path.js';

export const SNIPPET_CODE_ADDR = 0x10000000;
export const SNIPPET_DATA_ADDR = 0x20000000;
export const SNIPPET_DATA_SIZE = 0x2000;
export const SNIPPET_STACK_ADDR = 0x30000000;
export const SNIPPET_STACK_SIZE = 0x2000;
const CODE_PAGES = 2;

export interface SnippetInput {
  code: Uint8Array;
  regs: bigint[];
  rflags: bigint;
  data: Uint8Array;
  stack: Uint8Array;
  /** XMM0-15, 16 little-endian bytes each (default: zeros). */
  xmm?: Uint8Array;
  /** MXCSR (default 0x1f80). */
  mxcsr?: number;
  /**
   * The x87 state as the first 160 bytes of a 64-bit FXSAVE image (FCW, FSW, abridged tag, FOP,
   * FIP, FDP, ST(0)-ST(7); bytes 24-31 ignored). Default: FNINIT's state with R0-R7 zero.
   */
  x87?: Uint8Array;
  /** Execution path (default 'interp'). */
  path?: ExecutionPath;
  maxInstructions?: number;
}

export interface SnippetOutput {
  /** internal-error: a JavaScript exception escaped the emulator (a bug, never a guest's doing). */
  outcome: 'ok' | 'exception' | 'limit' | 'emulation-failure' | 'internal-error';
  regs: bigint[];
  rflags: bigint;
  rip: bigint;
  data: Uint8Array;
  stack: Uint8Array;
  /** XMM0-15 after the run, 16 bytes each. */
  xmm: Uint8Array;
  mxcsr: number;
  /** The x87 state after the run, in the layout of SnippetInput.x87 (bytes 24-31 zero). */
  x87: Uint8Array;
  exception?: { vector: number; errorCode?: number; cr2?: bigint };
  undefinedFlags: number;
  instructions: number;
  /** For emulation-failure / internal errors: what the CPU said, and the instruction's bytes. */
  message?: string;
  bytes?: Uint8Array;
}

const SNIPPET_GDT_ADDR = -0x20000000000; // 0xfffffe0000000000 (supervisor)
const SNIPPET_IDT_ADDR = SNIPPET_GDT_ADDR + 0x1000;
/** Linux's GDT (arch/x86/include/asm/segment.h): 0x10 kernel CS, 0x18 kernel DS, 0x23 user CS32, 0x2b user DS, 0x33 user CS. */
const LINUX_GDT: readonly bigint[] = [0n, 0x00cf9b000000ffffn, 0x00af9b000000ffffn, 0x00cf93000000ffffn, 0x00cffb000000ffffn, 0x00cff3000000ffffn, 0x00affb000000ffffn];

interface Machine {
  mem: PhysicalMemory;
  cpu: Cpu;
  code: number; data: number; stack: number;
  /** The environment's frames (page tables, GDT, IDT) as built, restored before every run. */
  envStart: number;
  envImage: Uint8Array;
}

let shared: Machine | undefined;

/** Builds the one small machine reused by every run. */
function machine(): Machine {
  if (shared) return shared;
  const mem = new PhysicalMemory(2 * 1024 * 1024);
  const cpu = new Cpu(mem, undefined, { features: ALL_TABLE_FEATURES });
  const envStart = 0x100000;
  const frames = new FrameAllocator(envStart, envStart + 0x20000);
  const pt = new PageTableBuilder(mem, frames);
  const code = pt.mapFresh(SNIPPET_CODE_ADDR, CODE_PAGES * 4096, { writable: false, user: true, executable: true });
  const data = pt.mapFresh(SNIPPET_DATA_ADDR, SNIPPET_DATA_SIZE, { writable: true, user: true, executable: false });
  const stack = pt.mapFresh(SNIPPET_STACK_ADDR, SNIPPET_STACK_SIZE, { writable: true, user: true, executable: false });
  // Descriptor tables as a Linux x86-64 process sees them: Linux's GDT layout
  // (user CS 0x33, user DS/SS 0x2b, limit 0x7f) and IDT gates of DPL 3 only for
  // vectors 3, 4 and 0x80; software interrupts and selector loads then check
  // exactly as they do natively. The gates are never entered (everything is intercepted).
  const gdt = pt.mapFresh(SNIPPET_GDT_ADDR, 4096, { writable: true, user: false, executable: false });
  LINUX_GDT.forEach((d, k) => mem.write64(gdt + k * 8, d));
  const idt = pt.mapFresh(SNIPPET_IDT_ADDR, 4096, { writable: true, user: false, executable: false });
  for (let v = 0; v < 256; v++) {
    const dpl = v === Vector.BP || v === Vector.OF || v === 0x80 ? 3 : 0;
    mem.write32(idt + v * 16, 0x100000);                          // selector 0x10, offset 0
    mem.write32(idt + v * 16 + 4, 0x8e00 | (dpl << 13));          // present interrupt gate
  }
  cpu.interceptVectors.fill(1);
  cpu.cr3 = pt.pml4;
  const envImage = mem.u8.slice(envStart, frames.used);
  shared = { mem, cpu, code, data, stack, envStart, envImage };
  return shared;
}

const XMM_ZERO = new Uint8Array(16);
const HLT = 0xf4;

function xmmOut(cpu: Cpu): Uint8Array {
  const out = new Uint8Array(256);
  for (let r = 0; r < 16; r++) out.set(cpu.xmm.getXmm(r), r * 16);
  return out;
}

function x87Out(cpu: Cpu): Uint8Array {
  const out = new Uint8Array(160);
  cpu.x87.writeFxImage(out, cpu.vendor);
  return out;
}

/** What a stop of the run loop means for the snippet, or null when it goes on (the budget of that run was spent). */
function stopOutcome(cpu: Cpu, stop: StopReason): { outcome: SnippetOutput['outcome']; message?: string } | null {
  switch (stop) {
    case StopReason.None: case StopReason.Limit: return null;
    case StopReason.Exception: return { outcome: 'exception' };
    case StopReason.EmulationFailure: return { outcome: 'emulation-failure', message: cpu.stopMessage };
    case StopReason.InternalError: return { outcome: 'internal-error', message: cpu.stopMessage };
    default: return { outcome: 'internal-error', message: `stopped: ${stop}` };
  }
}

export function runSnippet(input: SnippetInput): SnippetOutput {
  if (input.code.length > CODE_PAGES * 4096 - 16) throw new RangeError('snippet code too long');
  const { mem, cpu, code, data, stack, envStart, envImage } = machine();
  // Page tables come back as built (accessed and dirty bits of the last run gone),
  // then the snippet's memory.
  mem.u8.set(envImage, envStart);
  // The code pages: the snippet, then HLT (#GP(0) at CPL 3: the compiled tier runs the snippet in
  // one go and stops there), then zeros. When they hold exactly that already (the same snippet as
  // the last run, which did not modify it), the decoded and compiled code is kept.
  const image = new Uint8Array(CODE_PAGES * 4096);
  image.set(input.code);
  image[input.code.length] = HLT;
  const pages = mem.u8.subarray(code, code + image.length);
  let same = true;
  for (let k = 0; k < image.length && same; k++) same = pages[k] === image[k];
  pages.set(image);
  mem.u8.set(input.data.subarray(0, SNIPPET_DATA_SIZE), data);
  mem.u8.set(input.stack.subarray(0, SNIPPET_STACK_SIZE), stack);

  cpu.resetExecution(same);
  cpu.cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_AM | CR0_PG; // as Linux
  cpu.cr2 = 0;
  cpu.cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_OSXSAVE; // as Linux (with XSAVE)
  cpu.xcr0 = XCR0_X87 | XCR0_SSE;  // Linux enables every supported component: here x87 and SSE
  cpu.efer = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE;
  cpu.setRflags(RFLAGS_FIXED1);
  cpu.gdtrBase = SNIPPET_GDT_ADDR; cpu.gdtrLimit = 0x7f;
  cpu.idtrBase = SNIPPET_IDT_ADDR; cpu.idtrLimit = 0xfff;
  loadCodeSegment(cpu, 0x33, 0, 0xffffffff, 0x20fb, 3);
  setSegment(cpu, SEG_SS, 0x2b, 0, 0xffffffff, 0xc0f3);
  for (const s of [SEG_ES, SEG_DS, SEG_FS, SEG_GS]) setSegment(cpu, s, 0, 0, 0, 0);
  cpu.trSel = 0; cpu.trBase = 0; cpu.trLimit = 0;
  cpu.syncPaging();
  for (let r = 0; r < 16; r++) cpu.setReg64(r, BigInt.asUintN(64, input.regs[r] ?? 0n));
  for (let r = 0; r < 16; r++) cpu.xmm.setXmm(r, input.xmm ? input.xmm.subarray(r * 16, r * 16 + 16) : XMM_ZERO);
  cpu.mxcsr = (input.mxcsr ?? MXCSR_RESET) & 0xffff;
  cpu.x87.lo.fill(0); cpu.x87.hi.fill(0); cpu.x87.se.fill(0);
  cpu.x87.init();
  if (input.x87) cpu.x87.readFxImage(input.x87);
  cpu.setRflags((Number(input.rflags & 0xffffffffn) & (ARITH_FLAGS | DF)) | IF | RFLAGS_FIXED1);
  cpu.rip = SNIPPET_CODE_ADDR;
  cpu.executionPath = input.path ?? 'interp';

  const end = SNIPPET_CODE_ADDR + input.code.length;
  const max = input.maxInstructions ?? 10000;
  let undefinedFlags = 0;
  let outcome: SnippetOutput['outcome'] = 'limit';
  let message: string | undefined;
  if (cpu.executionPath === 'compiled') {
    // In one go, so that the snippet runs as compiled code (stepping would run each instruction
    // alone, on the interpreter): the HLT after it ends the run at `end`. The undefined flags are
    // those of every instruction of the snippet.
    for (let at = 0; at < input.code.length;) {
      const insn = decode(mem.u8, code + at, CODE_PAGES * 4096 - at);
      if (!insn) break;
      undefinedFlags |= insn.row.flagsUndefined;
      at += insn.len;
    }
    const stop = cpu.run(max - cpu.instructions);
    const stopped = stop === StopReason.Exception && cpu.exc.vector === Vector.GP && cpu.rip === end ? { outcome: 'ok' as const } : stopOutcome(cpu, stop);
    if (stopped) ({ outcome, message } = stopped);
  }
  while (cpu.executionPath !== 'compiled' && cpu.instructions < max) {
    if (cpu.rip === end) { outcome = 'ok'; break; }
    // The flags the architecture leaves undefined for the instruction about to run.
    const at = cpu.rip - SNIPPET_CODE_ADDR;
    if (at >= 0 && at < input.code.length) {
      const insn = decode(mem.u8, code + at, CODE_PAGES * 4096 - at);
      if (insn) undefinedFlags |= insn.row.flagsUndefined;
    }
    const stopped = stopOutcome(cpu, cpu.run(1));
    if (stopped) { ({ outcome, message } = stopped); break; }
  }
  if (outcome === 'limit' && cpu.rip === end) outcome = 'ok';
  const regs: bigint[] = [];
  for (let r = 0; r < 16; r++) regs.push(cpu.getReg64(r));
  const out: SnippetOutput = {
    outcome,
    regs,
    rflags: BigInt(cpu.getRflags() >>> 0),
    rip: BigInt.asUintN(64, BigInt(cpu.rip)),
    data: mem.u8.slice(data, data + SNIPPET_DATA_SIZE),
    stack: mem.u8.slice(stack, stack + SNIPPET_STACK_SIZE),
    xmm: xmmOut(cpu),
    mxcsr: cpu.mxcsr,
    x87: x87Out(cpu),
    undefinedFlags,
    instructions: cpu.instructions,
  };
  if (outcome === 'exception') {
    out.exception = { vector: cpu.exc.vector };
    if (cpu.exc.hasError) out.exception.errorCode = cpu.exc.errorCode;
    if (cpu.exc.vector === Vector.PF) out.exception.cr2 = BigInt.asUintN(64, BigInt(cpu.cr2));
  }
  if (message !== undefined) { out.message = message; out.bytes = cpu.stopBytes; }
  return out;
}
