// The executors a table row can name, as data. A row says WHAT runs (an
// executor and its parameter); each execution tier binds the name to its own
// code (src/cpu/exec/bind.ts for the interpreter), so readers of the table —
// decoder, disassembler, coverage, test generators — load no interpreter.
// The parameter's meaning is given for the executors that take one.
export const EXECUTORS = {
  // ---- integer arithmetic and logic
  alu: 'ADD OR ADC SBB AND SUB XOR CMP TEST; param: ALU_ADD..ALU_TEST',
  incdec: 'INC, DEC; param: 0 INC, 1 DEC',
  neg: 'NEG',
  not: 'NOT',
  mul: 'MUL with one operand: rDX:rAX = rAX * E',
  imul1: 'IMUL with one operand: rDX:rAX = rAX * E (signed)',
  imul: 'IMUL G, E and IMUL G, E, imm (truncated signed product)',
  div: 'DIV',
  idiv: 'IDIV',
  shift: 'group 2: ROL ROR RCL RCR SHL SHR SAL SAR; param: the operation (ModRM.reg); count from the second operand',
  shld: 'SHLD E, G, count',
  shrd: 'SHRD E, G, count',
  bt: 'BT BTS BTR BTC; param: 0 BT, 1 BTS, 2 BTR, 3 BTC',
  bsf: 'BSF', bsr: 'BSR', tzcnt: 'TZCNT', lzcnt: 'LZCNT', popcnt: 'POPCNT', bswap: 'BSWAP',
  adcx: 'ADCX: G += E + CF, only CF changes', adox: 'ADOX: G += E + OF, only OF changes (OF as the carry)',
  movdir64b: 'MOVDIR64B: 64 bytes from M to ES:[G] (G as wide as the address size; 64-byte aligned)',
  // ---- data movement
  mov: 'MOV between registers, memory, moffs and immediates',
  movzx: 'MOVZX', movsx: 'MOVSX, MOVSXD', lea: 'LEA', movbe: 'MOVBE',
  xchg: 'XCHG', cmpxchg: 'CMPXCHG', cmpxchg8b: 'CMPXCHG8B, CMPXCHG16B (REX.W)', xadd: 'XADD',
  cmov: 'CMOVcc; param: condition code', setcc: 'SETcc; param: condition code',
  cbw: 'CBW CWDE CDQE', cwd: 'CWD CDQ CQO', xlat: 'XLAT',
  lahf: 'LAHF', sahf: 'SAHF', clc: 'CLC', stc: 'STC', cmc: 'CMC', cld: 'CLD', std: 'STD',
  movToSeg: 'MOV Sreg, E', movFromSeg: 'MOV E, Sreg',
  // ---- stack
  push: 'PUSH of a register, memory or immediate operand', pop: 'POP to a register or memory',
  pushSeg: 'PUSH FS/GS; param: segment register', popSeg: 'POP FS/GS; param: segment register',
  pushf: 'PUSHF', popf: 'POPF', enter: 'ENTER', leave: 'LEAVE',
  // ---- control transfer
  jcc: 'Jcc; param: condition code', jmp: 'JMP near, relative or indirect', call: 'CALL near, relative or indirect',
  ret: 'RET near (with an optional Iw)', loop: 'LOOPNE LOOPE LOOP; param: 0 LOOPNE, 1 LOOPE, 2 LOOP', jrcxz: 'JrCXZ',
  loadFarPointer: 'LSS LFS LGS (m16:16/32/64); param: the segment register',
  jmpFar: 'JMP far, indirect (m16:16/32/64)', callFar: 'CALL far, indirect (m16:16/32/64)', retFar: 'RET far (with an optional Iw)',
  int: 'INT n', int3: 'INT3', int1: 'INT1 (ICEBP)', iret: 'IRET IRETD IRETQ',
  // ---- strings and port I/O
  movs: 'MOVS', cmps: 'CMPS', stos: 'STOS', lods: 'LODS', scas: 'SCAS', ins: 'INS', outs: 'OUTS',
  in: 'IN', out: 'OUT',
  // ---- system
  hlt: 'HLT', cli: 'CLI', sti: 'STI',
  lar: 'LAR', lsl: 'LSL', verify: 'VERR, VERW; param: 0 VERR, 1 VERW',
  sldt: 'SLDT', str: 'STR', lldt: 'LLDT', ltr: 'LTR',
  sgdt: 'SGDT', sidt: 'SIDT', lgdt: 'LGDT', lidt: 'LIDT', smsw: 'SMSW', lmsw: 'LMSW', clts: 'CLTS',
  movFromCr: 'MOV r64, CRn', movToCr: 'MOV CRn, r64', movFromDr: 'MOV r64, DRn', movToDr: 'MOV DRn, r64',
  invlpg: 'INVLPG', wbinvd: 'WBINVD, INVD (no caches to write back)', clflush: 'CLFLUSH',
  clac: 'CLAC', stac: 'STAC', rdpkru: 'RDPKRU', wrpkru: 'WRPKRU', swapgs: 'SWAPGS',
  syscall: 'SYSCALL', sysret: 'SYSRET', sysenter: 'SYSENTER', sysexit: 'SYSEXIT',
  rdSegBase: 'RDFSBASE RDGSBASE; param: the segment register (SEG_FS, SEG_GS)',
  wrSegBase: 'WRFSBASE WRGSBASE; param: the segment register (SEG_FS, SEG_GS)',
  rdpid: 'RDPID', invpcid: 'INVPCID',
  monitor: 'MONITOR MWAIT; param: 0 MONITOR, 1 MWAIT (as KVM presents them)',
  hypercall: 'VMCALL VMMCALL: the KVM PV hypercall, exits to the host (cpu/host-calls.ts); param: 0 VMCALL, 1 VMMCALL',
  rdmsr: 'RDMSR', wrmsr: 'WRMSR', rdtsc: 'RDTSC', rdtscp: 'RDTSCP', rdpmc: 'RDPMC', cpuid: 'CPUID',
  ud2: 'UD2, and the forced-emulation prefix ud2; "kvm"',
  // ---- SSE (XMM registers; cpu/exec/sse-*.ts)
  movVec: 'MOVAPS MOVUPS MOVAPD MOVUPD MOVDQA MOVDQU MOVNTPS MOVNTPD MOVNTDQ: 16 bytes, W to V or V to W',
  movScalar: 'MOVSS, MOVSD data moves: a register destination merges the low element, a load zeroes the rest; param: 4 or 8 bytes',
  movHalf: 'MOVLPS MOVHPS MOVLPD MOVHPD MOVHLPS MOVLHPS; param: source qword | destination qword << 1',
  movGprXmm: 'MOVD/MOVQ between a general register or memory (Ey) and an XMM register (66 0F 6E, 66 0F 7E)',
  movqXmm: 'MOVQ xmm, xmm/m64 (F3 0F 7E) and MOVQ xmm/m64, xmm (66 0F D6): the low qword, a register destination zeroes the rest',
  movmsk: 'MOVMSKPS MOVMSKPD PMOVMSKB: the sign bits of the lanes; param: lane size in bytes',
  pinsrw: 'PINSRW xmm, r32/m16, imm8', pextrw: 'PEXTRW r32, xmm, imm8',
  vecInt: 'packed integer, logical and shuffle operations V = op(V, W[, imm8]); param: isa/vector-ops.ts',
  vecShiftImm: 'PSLLW … PSRLDQ by an immediate, on the ModRM.rm register (66 0F 71-73); param: isa/vector-ops.ts',
  ldmxcsr: 'LDMXCSR', stmxcsr: 'STMXCSR',
  pextr: 'PEXTRB/W/D/Q, EXTRACTPS to a general register or memory; param: lane size in bytes (0: 4, or 8 with REX.W)',
  pinsr: 'PINSRB/D/Q; param: lane size in bytes (0: 4, or 8 with REX.W)',
  insertps: 'INSERTPS', ptest: 'PTEST', maskmovdqu: 'MASKMOVDQU (bytes selected by a mask to DS:[rDI])',
  vecFp: 'SSE floating-point arithmetic ADD … SQRT, ADDSUB, HADD, HSUB (PS PD SS SD); param: isa/fp-ops.ts fpParam',
  vecFpCmp: 'CMPPS CMPPD CMPSS CMPSD (predicate imm8[2:0]); param: fpParam lane size and scalar',
  comis: 'COMISS COMISD UCOMISS UCOMISD; param: fpParam << 1 | 1 for COMIS (signals on QNaN)',
  vecRound: 'ROUNDPS ROUNDPD ROUNDSS ROUNDSD; param: fpParam lane size and scalar',
  dp: 'DPPS DPPD; param: fpParam lane size',
  vecCvt: 'the SSE conversions CVT*; param: isa/fp-ops.ts CVT_KINDS',
  vecApprox: 'RCPPS RCPSS RSQRTPS RSQRTSS (the vendor tables); param: fpParam << 1 | 1 for RSQRT',
  crc32: 'CRC32 (SSE4.2): CRC-32C of the source bytes into the destination',
  pcmpstr: 'PCMPESTRI PCMPESTRM PCMPISTRI PCMPISTRM; param: bit 0 explicit lengths, bit 1 mask output',
  // ---- x87 (cpu/exec/x87-*.ts; parameters in isa/x87-ops.ts)
  x87Arith: 'FADD FMUL FSUB FSUBR FDIV FDIVR (and the P and FI forms); param: operation | X87_DST_STI | X87_POP | source kind << 8',
  x87Compare: 'FCOM FCOMP FCOMPP FUCOM* FICOM* FCOMI* FUCOMI* FTST; param: CMP_* bits',
  x87Load: 'FLD FILD FBLD; param: X87_FLOAT | X87_INT | X87_BCD | X87_REG',
  x87Store: 'FST FSTP FIST FISTP FISTTP FBSTP; param: the kind | STORE_POP',
  x87Unary: 'FCHS FABS FXAM FSQRT FRNDINT FSCALE FXTRACT FPREM FPREM1; param: U_*',
  x87Trans: 'FSIN FCOS FSINCOS FPTAN FPATAN F2XM1 FYL2X FYL2XP1; param: T_*',
  x87Const: 'FLD1 FLDL2T FLDL2E FLDPI FLDLG2 FLDLN2 FLDZ; param: 0..6 in that order',
  x87Stack: 'FXCH FINCSTP FDECSTP FFREE FFREEP FNOP; param: S_*',
  x87Control: 'FNINIT FNCLEX FLDCW FNSTCW FNSTSW (and the 8087/287 no-ops); param: C_*',
  x87Env: 'FNSTENV FLDENV FNSAVE FRSTOR; param: E_*',
  fcmov: 'FCMOVcc; param: condition code',
  fwait: 'FWAIT: #MF for a pending unmasked x87 exception',
  fxsave: 'FXSAVE (REX.W: FXSAVE64)', fxrstor: 'FXRSTOR (REX.W: FXRSTOR64)',
  xsave: 'XSAVE (REX.W: XSAVE64), standard format', xrstor: 'XRSTOR (REX.W: XRSTOR64), standard and compacted formats',
  xsaveopt: 'XSAVEOPT (REX.W: XSAVEOPT64)', xsavec: 'XSAVEC (REX.W: XSAVEC64), compacted format',
  xsaves: 'XSAVES (REX.W: XSAVES64), CPL 0', xrstors: 'XRSTORS (REX.W: XRSTORS64), CPL 0',
  xgetbv: 'XGETBV', xsetbv: 'XSETBV',
  // ---- MMX (cpu/exec/mmx.ts; MM0-7 alias the x87 significands)
  mmxInt: 'MMX packed integer P = op(P, Q[, imm8]): the low qword of the vecInt kernel; param: isa/vector-ops.ts',
  mmxShiftImm: 'MMX shifts by an immediate on N; param: isa/vector-ops.ts',
  mmxMov: 'MOVD/MOVQ with MM registers; param: 0 P←Ey, 1 Ey←P, 2 P←Q, 3 Q←P',
  emms: 'EMMS: every x87 register empty',
  mmxPair: 'MMX packs and SSSE3 horizontal operations: the XMM kernel on [P, Q]; param: isa/vector-ops.ts',
  mmxUnpackHigh: 'PUNPCKHBW/WD/DQ with MM registers; param: the low unpack of the high dwords',
  pshufbMmx: 'PSHUFB mm', palignrMmx: 'PALIGNR mm', pinsrwMmx: 'PINSRW mm',
  mmxToGpr: 'PEXTRW r32, mm (param 0), PMOVMSKB r32, mm (param 1)',
  movntq: 'MOVNTQ', maskmovq: 'MASKMOVQ (bytes selected by a mask to DS:[rDI])',
  mmxSse: 'CVTPI2PS CVT(T)PS2PI CVTPI2PD CVT(T)PD2PI MOVQ2DQ MOVDQ2Q; param: 0-7 in that order',
  // ---- no operation, undefined, not implemented
  nop: 'no operation (NOP, hint NOPs, PAUSE, fences, prefetches)',
  ud: 'raises #UD',
  tooLong: 'an instruction longer than 15 bytes: #GP(0)',
  pending: 'recognised but not implemented yet: the emulation-failure outcome',
} as const;

export type ExecutorName = keyof typeof EXECUTORS;

/** ALU operation numbers (the `alu` parameter; ADD..CMP are also ModRM.reg of 80-83). */
export const ALU_ADD = 0, ALU_OR = 1, ALU_ADC = 2, ALU_SBB = 3, ALU_AND = 4, ALU_SUB = 5, ALU_XOR = 6, ALU_CMP = 7, ALU_TEST = 8;
export const ALU_NAMES = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp', 'test'] as const;
/** Group-2 operation numbers (the `shift` parameter, = ModRM.reg). */
export const SH_ROL = 0, SH_ROR = 1, SH_RCL = 2, SH_RCR = 3, SH_SHL = 4, SH_SHR = 5, SH_SAL = 6, SH_SAR = 7;
export const SHIFT_NAMES = ['rol', 'ror', 'rcl', 'rcr', 'shl', 'shr', 'sal', 'sar'] as const;
