// Runs 32-bit code in compatibility mode on the bare Machine: a 64-bit
// prologue loads DS and ES and far-jumps (ljmp *(%r9), m16:32) to the 32-bit
// code that follows it, in CS 0x30 (CPL 0: a flat 4 GiB 32-bit code segment,
// or the one given) or 0x1b (CPL 3: the ABI's 32-bit user code segment).
import type { ExecutionPath } from '../../src/cpu/execution-path.js';
import type { CpuVendor } from '../../src/arch/vendor.js';
import { Machine, CODE, DATA_LIN, descriptor, le32, phys, setDescriptor } from './system.js';
import type { RunResult } from './machine.js';

/** A flat 32-bit code segment: base 0, 4 GiB (G = 1), D = 1, L = 0, DPL 0, readable. */
export const CODE32 = descriptor(0, 0xfffff, 0xc09b);
/** The far pointer lives at DATA_LIN; tests put their data from DATA_LIN + 0x100. */
export const DATA32 = DATA_LIN + 0x100;
/** The prologue's registers (32-bit code cannot see them): R8 the selector, R9 the far pointer's address. */
const R9 = 9;


export interface CompatOptions {
  path: ExecutionPath;
  vendor?: CpuVendor;
  cpl?: 0 | 3;
  /** The DS/ES selector the prologue loads (default 0x10 at CPL 0, 0x23 at CPL 3; 0: null). */
  ds?: number;
  /** The 32-bit code segment for CPL 0 (GDT slot 0x30; default CODE32). */
  cs?: bigint;
  /** Extra GDT descriptors by selector (the Machine's GDT limit leaves 0x38 for a test data segment). */
  gdt?: Record<number, bigint>;
  regs?: Partial<Record<number, bigint>>;
  /** Called before the run (IDT gates, TSS, MSRs). */
  setup?: (m: Machine) => void;
  maxInstructions?: number;
  /** CR4 and EFER for the run (the Machine's defaults otherwise). */
  cr4?: number;
  efer?: number;
}

/** The 64-bit prologue: mov $ds,%r8d; mov %r8d,%ds; mov %r8d,%es; ljmp *(%r9). */
export function prologue(ds: number): number[] {
  return [0x41, 0xb8, ...le32(ds), 0x41, 0x8e, 0xd8, 0x41, 0x8e, 0xc0, 0x41, 0xff, 0x29];
}
export const PROLOGUE_LEN = 15;
/** Where the 32-bit code starts. */
export const CODE32_START = CODE + PROLOGUE_LEN;

/** Runs `code32` as 32-bit code (R8 and R9 are the prologue's). */
export function runCompat(code32: number[], o: CompatOptions, m = new Machine(undefined, o.vendor ?? 'amd')): { m: Machine; r: RunResult } {
  const cpl = o.cpl ?? 0;
  if (o.cs !== undefined || cpl === 0) setDescriptor(m, 0x30, o.cs ?? CODE32);
  for (const [sel, d] of Object.entries(o.gdt ?? {})) setDescriptor(m, Number(sel), d);
  const pa = phys(m, DATA_LIN);
  m.mem.write32(pa, CODE32_START);
  m.mem.write16(pa + 4, cpl === 3 ? 0x1b : 0x30);
  o.setup?.(m);
  const code = [...prologue(o.ds ?? (cpl === 3 ? 0x23 : 0x10)), ...code32];
  const r = m.run(code, {
    path: o.path, cpl, maxInstructions: o.maxInstructions ?? 1000, cr4: o.cr4, efer: o.efer,
    regs: { ...o.regs, [R9]: BigInt(DATA_LIN) },
  });
  return { m, r };
}
