// Runs a few instruction bytes in a bare 64-bit user-mode (CPL 3) environment
// that mirrors a Linux user process: the same addresses the native helper of
// the differential tests maps. Exceptions stop the run instead of being delivered.
import { Cpu, StopReason } from '../cpu/cpu.js';
import { decode } from '../cpu/decoder.js';
import { PhysicalMemory } from '../mmu/physical-memory.js';
import { FrameAllocator, PageTableBuilder } from '../mmu/page-table-builder.js';
import { SEG_SS } from '../cpu/insn.js';
import { ARITH_FLAGS, DF, IF } from '../cpu/flags.js';
import type { ExecutionPath } from '../cpu/execution-path.js';
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
  /** Execution path (default 'cached'). */
  path?: ExecutionPath;
  maxInstructions?: number;
}

export interface SnippetOutput {
  outcome: 'ok' | 'exception' | 'limit' | 'emulation-failure';
  regs: bigint[];
  rflags: bigint;
  rip: bigint;
  data: Uint8Array;
  stack: Uint8Array;
  exception?: { vector: number; errorCode?: number; cr2?: bigint };
  undefinedFlags: number;
  instructions: number;
  /** For emulation-failure / internal errors: what the CPU said. */
  message?: string;
}

const SNIPPET_GDT_ADDR = -0x20000000000; // 0xfffffe0000000000 (supervisor)
const SNIPPET_IDT_ADDR = SNIPPET_GDT_ADDR + 0x1000;
/** Linux's GDT (arch/x86/include/asm/segment.h): 0x10 kernel CS, 0x18 kernel DS, 0x23 user CS32, 0x2b user DS, 0x33 user CS. */
const LINUX_GDT: readonly bigint[] = [0n, 0x00cf9b000000ffffn, 0x00af9b000000ffffn, 0x00cf93000000ffffn, 0x00cffb000000ffffn, 0x00cff3000000ffffn, 0x00affb000000ffffn];

let shared: { mem: PhysicalMemory; cpu: Cpu } | undefined;

export function runSnippet(input: SnippetInput): SnippetOutput {
  if (input.code.length > CODE_PAGES * 4096 - 16) throw new RangeError('snippet code too long');
  // One small machine reused across calls: only what a snippet can touch is reset.
  if (!shared) { const m = new PhysicalMemory(2 * 1024 * 1024); shared = { mem: m, cpu: new Cpu(m) }; }
  const { mem, cpu } = shared;
  const frames = new FrameAllocator(0x100000, 0x100000 + 0x20000);
  const pt = new PageTableBuilder(mem, frames);
  const code = pt.mapFresh(SNIPPET_CODE_ADDR, CODE_PAGES * 4096, { writable: false, user: true, executable: true });
  const data = pt.mapFresh(SNIPPET_DATA_ADDR, SNIPPET_DATA_SIZE, { writable: true, user: true, executable: false });
  const stack = pt.mapFresh(SNIPPET_STACK_ADDR, SNIPPET_STACK_SIZE, { writable: true, user: true, executable: false });
  // Descriptor tables as a Linux x86-64 process sees them: Linux's GDT layout
  // (user CS 0x33, user DS/SS 0x2b, limit 0x7f) and IDT gates of DPL 3 only for
  // vectors 3, 4 and 0x80; software interrupts and selector loads then check
  // exactly as they do natively. The gates are never entered (exceptions are intercepted).
  const gdt = pt.mapFresh(SNIPPET_GDT_ADDR, 4096, { writable: true, user: false, executable: false });
  LINUX_GDT.forEach((d, k) => mem.write64(gdt + k * 8, d));
  const idt = pt.mapFresh(SNIPPET_IDT_ADDR, 4096, { writable: true, user: false, executable: false });
  for (let v = 0; v < 256; v++) {
    const dpl = v === 3 || v === 4 || v === 0x80 ? 3 : 0;
    mem.write32(idt + v * 16, 0x100000);                          // selector 0x10, offset 0
    mem.write32(idt + v * 16 + 4, 0x8e00 | (dpl << 13));          // present interrupt gate
  }
  mem.u8.set(input.code, code);
  mem.u8.set(input.data.subarray(0, SNIPPET_DATA_SIZE), data);
  mem.u8.set(input.stack.subarray(0, SNIPPET_STACK_SIZE), stack);

  cpu.resetExecution();
  cpu.cr0 = 0x80050033; // as Linux: PE MP ET NE WP AM PG
  cpu.cr2 = 0;
  cpu.cr4 = 0x20;
  cpu.efer = 0xd01;
  cpu.cr3 = pt.pml4;
  cpu.setRflags(2);
  cpu.gdtrBase = SNIPPET_GDT_ADDR; cpu.gdtrLimit = 0x7f;
  cpu.idtrBase = SNIPPET_IDT_ADDR; cpu.idtrLimit = 0xfff;
  cpu.loadCodeSegment(0x33, 0, 0xffffffff, 0x20fb, 3);
  cpu.segSel[SEG_SS] = 0x2b; cpu.segAttr[SEG_SS] = 0xc0f3; cpu.segLimit[SEG_SS] = 0xffffffff;
  for (const s of [0, 3, 4, 5]) { cpu.segSel[s] = 0; cpu.segAttr[s] = 0; cpu.segBase[s] = 0; }
  cpu.trSel = 0; cpu.trBase = 0; cpu.trLimit = 0;
  cpu.syncPaging();
  for (let r = 0; r < 16; r++) cpu.setReg64(r, BigInt.asUintN(64, input.regs[r] ?? 0n));
  cpu.setRflags((Number(input.rflags & 0xffffffffn) & (ARITH_FLAGS | DF)) | IF | 2);
  cpu.rip = SNIPPET_CODE_ADDR;
  cpu.interceptExceptions = true;
  cpu.executionPath = input.path ?? 'cached';

  const end = SNIPPET_CODE_ADDR + input.code.length;
  const max = input.maxInstructions ?? 10000;
  let undefinedFlags = 0;
  let outcome: SnippetOutput['outcome'] = 'limit';
  let message: string | undefined;
  while (cpu.instructions < max) {
    if (cpu.rip === end) { outcome = 'ok'; break; }
    const bytes = cpu.peekCode(cpu.rip, 15);
    const insn = decode(bytes, 0, bytes.length);
    if (insn) undefinedFlags |= insn.row.flagsUndefined;
    const stop = cpu.run(1);
    if (stop === StopReason.Exception) { outcome = 'exception'; break; }
    if (stop === StopReason.EmulationFailure || stop === StopReason.InternalError) {
      outcome = 'emulation-failure';
      message = cpu.stopMessage;
      break;
    }
    if (stop !== StopReason.Limit && stop !== StopReason.None) { outcome = 'emulation-failure'; message = `stopped: ${stop}`; break; }
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
    undefinedFlags,
    instructions: cpu.instructions,
  };
  if (outcome === 'exception') {
    out.exception = { vector: cpu.exc.vector };
    if (cpu.exc.hasError) out.exception.errorCode = cpu.exc.errorCode;
    if (cpu.exc.vector === 14) out.exception.cr2 = BigInt.asUintN(64, BigInt(cpu.cr2));
  }
  if (message !== undefined) out.message = message;
  return out;
}
