// CPUID feature bits that name instructions, and the instructions each covers
// (SDM Vol. 2 CPUID, APM Vol. 3 Appendix E). A row that needs a feature says so
// (`feature` in table.ts). The CPU model reports such a feature exactly when
// the table implements every one of its instructions (cpu/cpuid.ts derives
// it), so it never reports an instruction it lacks; while a feature is not
// reported its rows raise #UD, or run the row named by `absent` (TZCNT runs as
// BSF on a CPU without BMI1, as the SDM says).
import { CONDITION_NAMES } from '../arch/conditions.js';

export type CpuidRegister = 'eax' | 'ebx' | 'ecx' | 'edx';

export interface FeatureInfo {
  /** CPUID leaf (subleaf 0) and the register and bit that report the feature. */
  readonly leaf: number;
  readonly reg: CpuidRegister;
  readonly bit: number;
  /** Mnemonics of the feature's instructions, as the table's rows spell them. */
  readonly instructions: readonly string[];
  /**
   * True when the table does not list a row for each of the feature's
   * instructions yet (x87, MMX and the SSE family, whose floating-point and
   * MMX forms are still placeholder rows): such a feature is never reported.
   */
  readonly incomplete?: boolean;
}

export const FEATURES = {
  fpu: { leaf: 1, reg: 'edx', bit: 0, instructions: [], incomplete: true },
  tsc: { leaf: 1, reg: 'edx', bit: 4, instructions: ['rdtsc'] },
  msr: { leaf: 1, reg: 'edx', bit: 5, instructions: ['rdmsr', 'wrmsr'] },
  cx8: { leaf: 1, reg: 'edx', bit: 8, instructions: ['cmpxchg8b'] },
  /** SYSENTER/SYSEXIT (AMD reports it too: the instructions are valid there outside long mode). */
  sep: { leaf: 1, reg: 'edx', bit: 11, instructions: ['sysenter', 'sysexit'] },
  cmov: { leaf: 1, reg: 'edx', bit: 15, instructions: CONDITION_NAMES.map((c) => `cmov${c}`) },
  clflush: { leaf: 1, reg: 'edx', bit: 19, instructions: ['clflush'] },
  mmx: { leaf: 1, reg: 'edx', bit: 23, instructions: ['emms'], incomplete: true },
  fxsr: { leaf: 1, reg: 'edx', bit: 24, instructions: ['fxsave', 'fxrstor'] },
  sse: { leaf: 1, reg: 'edx', bit: 25, instructions: ['sfence', 'ldmxcsr', 'stmxcsr', 'prefetch'], incomplete: true },
  sse2: { leaf: 1, reg: 'edx', bit: 26, instructions: ['lfence', 'mfence', 'movnti'], incomplete: true },
  sse3: { leaf: 1, reg: 'ecx', bit: 0, instructions: [], incomplete: true },
  ssse3: { leaf: 1, reg: 'ecx', bit: 9, instructions: [], incomplete: true },
  /** CMPXCHG16B is CMPXCHG8B with REX.W: the same row. */
  cx16: { leaf: 1, reg: 'ecx', bit: 13, instructions: ['cmpxchg8b'] },
  sse41: { leaf: 1, reg: 'ecx', bit: 19, instructions: [], incomplete: true },
  sse42: { leaf: 1, reg: 'ecx', bit: 20, instructions: ['crc32'], incomplete: true },
  movbe: { leaf: 1, reg: 'ecx', bit: 22, instructions: ['movbe'] },
  popcnt: { leaf: 1, reg: 'ecx', bit: 23, instructions: ['popcnt'] },
  xsave: { leaf: 1, reg: 'ecx', bit: 26, instructions: ['xsave', 'xrstor'], incomplete: true },
  /** BMI1 also has ANDN, BEXTR, BLSI, BLSMSK, BLSR (VEX-encoded; no rows yet). */
  bmi1: { leaf: 7, reg: 'ebx', bit: 3, instructions: ['tzcnt', 'andn', 'bextr', 'blsi', 'blsmsk', 'blsr'] },
  fsgsbase: { leaf: 7, reg: 'ebx', bit: 0, instructions: ['rdfsbase', 'rdgsbase', 'wrfsbase', 'wrgsbase'] },
  invpcid: { leaf: 7, reg: 'ebx', bit: 10, instructions: ['invpcid'] },
  smap: { leaf: 7, reg: 'ebx', bit: 20, instructions: ['clac', 'stac'] },
  pku: { leaf: 7, reg: 'ecx', bit: 3, instructions: ['rdpkru', 'wrpkru'] },
  rdpid: { leaf: 7, reg: 'ecx', bit: 22, instructions: ['rdpid'] },
  lahfLm: { leaf: 0x80000001, reg: 'ecx', bit: 0, instructions: ['lahf', 'sahf'] },
  /** AMD's ABM bit reports LZCNT (POPCNT has its own bit). */
  abm: { leaf: 0x80000001, reg: 'ecx', bit: 5, instructions: ['lzcnt'] },
  sse4a: { leaf: 0x80000001, reg: 'ecx', bit: 6, instructions: ['extrq', 'insertq'], incomplete: true },
  prefetchw: { leaf: 0x80000001, reg: 'ecx', bit: 8, instructions: ['prefetch'] },
  syscall: { leaf: 0x80000001, reg: 'edx', bit: 11, instructions: ['syscall', 'sysret'] },
  rdtscp: { leaf: 0x80000001, reg: 'edx', bit: 27, instructions: ['rdtscp'] },
} as const satisfies Record<string, FeatureInfo>;

export type FeatureName = keyof typeof FEATURES;
export const FEATURE_NAMES = Object.keys(FEATURES) as FeatureName[];
