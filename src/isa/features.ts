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
  /** CPUID leaf, subleaf (0 when absent) and the register and bit that report the feature. */
  readonly leaf: number;
  readonly subleaf?: number;
  readonly reg: CpuidRegister;
  readonly bit: number;
  /** Mnemonics of the feature's instructions, as the table's rows spell them. */
  readonly instructions: readonly string[];
  /**
   * True when the feature's instruction list is not complete here yet (the
   * SSE4a): such a feature is never reported.
   */
  readonly incomplete?: boolean;
}

export const FEATURES = {
  /** The x87 FPU: its documented instructions (FCMOVcc: CMOV; FISTTP: SSE3; the reserved aliases left out). */
  fpu: { leaf: 1, reg: 'edx', bit: 0, instructions: ['fadd', 'faddp', 'fiadd', 'fmul', 'fmulp', 'fimul', 'fsub', 'fsubr', 'fsubrp', 'fisub', 'fsubp', 'fisubr', 'fdiv', 'fdivr', 'fdivrp', 'fidiv', 'fdivp', 'fidivr', 'fcom', 'fcomp', 'ficom', 'ficomp', 'fcompp', 'fucom', 'fucomp', 'fucompp', 'fucomi', 'fcomi', 'fucomip', 'fcomip', 'ftst', 'fld', 'fild', 'fbld', 'fst', 'fstp', 'fist', 'fistp', 'fbstp', 'fchs', 'fabs', 'fxam', 'fxtract', 'fprem1', 'fprem', 'fsqrt', 'frndint', 'fscale', 'fld1', 'fldl2t', 'fldl2e', 'fldpi', 'fldlg2', 'fldln2', 'fldz', 'fxch', 'fincstp', 'fdecstp', 'ffree', 'fnop', 'fninit', 'fnclex', 'fldcw', 'fnstcw', 'fnstsw', 'fnstenv', 'fldenv', 'fnsave', 'frstor', 'f2xm1', 'fyl2x', 'fptan', 'fpatan', 'fyl2xp1', 'fsincos', 'fsin', 'fcos'] },
  tsc: { leaf: 1, reg: 'edx', bit: 4, instructions: ['rdtsc'] },
  msr: { leaf: 1, reg: 'edx', bit: 5, instructions: ['rdmsr', 'wrmsr'] },
  cx8: { leaf: 1, reg: 'edx', bit: 8, instructions: ['cmpxchg8b'] },
  /** SYSENTER/SYSEXIT (AMD reports it too: the instructions are valid there outside long mode). */
  sep: { leaf: 1, reg: 'edx', bit: 11, instructions: ['sysenter', 'sysexit'] },
  cmov: { leaf: 1, reg: 'edx', bit: 15, instructions: CONDITION_NAMES.map((c) => `cmov${c}`) },
  clflush: { leaf: 1, reg: 'edx', bit: 19, instructions: ['clflush'] },
  mmx: { leaf: 1, reg: 'edx', bit: 23, instructions: ['emms', 'movd', 'movq', 'packsswb', 'packssdw', 'packuswb', 'paddb', 'paddw', 'paddd', 'paddsb', 'paddsw', 'paddusb', 'paddusw', 'pand', 'pandn', 'por', 'pxor', 'pcmpeqb', 'pcmpeqw', 'pcmpeqd', 'pcmpgtb', 'pcmpgtw', 'pcmpgtd', 'pmaddwd', 'pmulhw', 'pmullw', 'psllw', 'pslld', 'psllq', 'psraw', 'psrad', 'psrlw', 'psrld', 'psrlq', 'psubb', 'psubw', 'psubd', 'psubsb', 'psubsw', 'psubusb', 'psubusw', 'punpckhbw', 'punpckhwd', 'punpckhdq', 'punpcklbw', 'punpcklwd', 'punpckldq'] },
  fxsr: { leaf: 1, reg: 'edx', bit: 24, instructions: ['fxsave', 'fxrstor'] },
  sse: { leaf: 1, reg: 'edx', bit: 25, instructions: ['movaps', 'movups', 'movhps', 'movhlps', 'movlps', 'movlhps', 'movmskps', 'movss', 'addps', 'addss', 'subps', 'subss', 'mulps', 'mulss', 'divps', 'divss', 'rcpps', 'rcpss', 'sqrtps', 'sqrtss', 'rsqrtps', 'rsqrtss', 'maxps', 'maxss', 'minps', 'minss', 'cmpps', 'cmpss', 'comiss', 'ucomiss', 'andps', 'andnps', 'orps', 'xorps', 'shufps', 'unpckhps', 'unpcklps', 'cvtpi2ps', 'cvtsi2ss', 'cvtps2pi', 'cvttps2pi', 'cvtss2si', 'cvttss2si', 'ldmxcsr', 'stmxcsr', 'pavgb', 'pavgw', 'pextrw', 'pinsrw', 'pmaxub', 'pmaxsw', 'pminub', 'pminsw', 'pmovmskb', 'pmulhuw', 'psadbw', 'pshufw', 'maskmovq', 'movntq', 'movntps', 'prefetch', 'sfence'] },
  sse2: { leaf: 1, reg: 'edx', bit: 26, instructions: ['movapd', 'movupd', 'movhpd', 'movlpd', 'movmskpd', 'movsd', 'addpd', 'addsd', 'subpd', 'subsd', 'mulpd', 'mulsd', 'divpd', 'divsd', 'sqrtpd', 'sqrtsd', 'maxpd', 'maxsd', 'minpd', 'minsd', 'andpd', 'andnpd', 'orpd', 'xorpd', 'cmppd', 'cmpsd', 'comisd', 'ucomisd', 'shufpd', 'unpckhpd', 'unpcklpd', 'cvtpd2pi', 'cvttpd2pi', 'cvtpi2pd', 'cvtpd2dq', 'cvttpd2dq', 'cvtdq2pd', 'cvtps2pd', 'cvtpd2ps', 'cvtss2sd', 'cvtsd2ss', 'cvtsd2si', 'cvttsd2si', 'cvtsi2sd', 'cvtdq2ps', 'cvtps2dq', 'cvttps2dq', 'movdqa', 'movdqu', 'movq2dq', 'movdq2q', 'pmuludq', 'paddq', 'psubq', 'pshuflw', 'pshufhw', 'pshufd', 'pslldq', 'psrldq', 'punpckhqdq', 'punpcklqdq', 'lfence', 'mfence', 'maskmovdqu', 'movntpd', 'movntdq', 'movnti'] },
  sse3: { leaf: 1, reg: 'ecx', bit: 0, instructions: ['fisttp', 'lddqu', 'addsubps', 'addsubpd', 'haddps', 'hsubps', 'haddpd', 'hsubpd', 'movshdup', 'movsldup', 'movddup'] },
  ssse3: { leaf: 1, reg: 'ecx', bit: 9, instructions: ['phaddw', 'phaddsw', 'phaddd', 'phsubw', 'phsubsw', 'phsubd', 'pabsb', 'pabsw', 'pabsd', 'pmaddubsw', 'pmulhrsw', 'pshufb', 'psignb', 'psignw', 'psignd', 'palignr'] },
  /** CMPXCHG16B is CMPXCHG8B with REX.W: the same row. */
  cx16: { leaf: 1, reg: 'ecx', bit: 13, instructions: ['cmpxchg8b'] },
  sse41: { leaf: 1, reg: 'ecx', bit: 19, instructions: ['pmulld', 'pmuldq', 'dppd', 'dpps', 'movntdqa', 'blendpd', 'blendps', 'blendvpd', 'blendvps', 'pblendvb', 'pblendw', 'pminuw', 'pminud', 'pminsb', 'pminsd', 'pmaxuw', 'pmaxud', 'pmaxsb', 'pmaxsd', 'roundps', 'roundpd', 'roundss', 'roundsd', 'extractps', 'insertps', 'pinsrb', 'pinsrd', 'pextrb', 'pextrd', 'pmovsxbw', 'pmovsxbd', 'pmovsxbq', 'pmovsxwd', 'pmovsxwq', 'pmovsxdq', 'pmovzxbw', 'pmovzxbd', 'pmovzxbq', 'pmovzxwd', 'pmovzxwq', 'pmovzxdq', 'ptest', 'pcmpeqq', 'packusdw', 'mpsadbw', 'phminposuw'] },
  sse42: { leaf: 1, reg: 'ecx', bit: 20, instructions: ['pcmpestri', 'pcmpestrm', 'pcmpistri', 'pcmpistrm', 'pcmpgtq', 'crc32'] },
  movbe: { leaf: 1, reg: 'ecx', bit: 22, instructions: ['movbe'] },
  popcnt: { leaf: 1, reg: 'ecx', bit: 23, instructions: ['popcnt'] },
  xsave: { leaf: 1, reg: 'ecx', bit: 26, instructions: ['xsave', 'xrstor', 'xgetbv', 'xsetbv'] },
  /** CPUID.(EAX=0DH,ECX=1):EAX: XSAVEOPT, XSAVEC (and XRSTOR of a compacted area), XGETBV with ECX = 1, XSAVES/XRSTORS. */
  xsaveopt: { leaf: 0xd, subleaf: 1, reg: 'eax', bit: 0, instructions: ['xsaveopt'] },
  xsavec: { leaf: 0xd, subleaf: 1, reg: 'eax', bit: 1, instructions: ['xsavec'] },
  xgetbv1: { leaf: 0xd, subleaf: 1, reg: 'eax', bit: 2, instructions: ['xgetbv'] },
  xsaves: { leaf: 0xd, subleaf: 1, reg: 'eax', bit: 3, instructions: ['xsaves', 'xrstors'] },
  /** BMI1 also has ANDN, BEXTR, BLSI, BLSMSK, BLSR (VEX-encoded; no rows yet). */
  bmi1: { leaf: 7, reg: 'ebx', bit: 3, instructions: ['tzcnt', 'andn', 'bextr', 'blsi', 'blsmsk', 'blsr'] },
  adx: { leaf: 7, reg: 'ebx', bit: 19, instructions: ['adcx', 'adox'] },
  pclmulqdq: { leaf: 1, reg: 'ecx', bit: 1, instructions: ['pclmulqdq'] },
  aes: { leaf: 1, reg: 'ecx', bit: 25, instructions: ['aesenc', 'aesenclast', 'aesdec', 'aesdeclast', 'aesimc', 'aeskeygenassist'] },
  sha: { leaf: 7, reg: 'ebx', bit: 29, instructions: ['sha1rnds4', 'sha1nexte', 'sha1msg1', 'sha1msg2', 'sha256rnds2', 'sha256msg1', 'sha256msg2'] },
  gfni: { leaf: 7, reg: 'ecx', bit: 8, instructions: ['gf2p8mulb', 'gf2p8affineqb', 'gf2p8affineinvqb'] },
  movdiri: { leaf: 7, reg: 'ecx', bit: 27, instructions: ['movdiri'] },
  movdir64b: { leaf: 7, reg: 'ecx', bit: 28, instructions: ['movdir64b'] },
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
