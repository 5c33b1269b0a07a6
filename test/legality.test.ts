// Legality from the table: the decoder's static #UD (i64 rows, LOCK, control
// and debug registers that do not exist, MOV to CS), CPUID features (reported
// exactly when the table implements them; off → #UD or the `absent` row), the
// exception classes (CR0.EM/TS/MP, CR4.OSFXSR, EFER.SCE, UMIP, TSD, IOPL) and
// `priv`, in the order the hardware checks them, on every execution path.
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import { cpuid, MODEL_FEATURES, ALL_TABLE_FEATURES } from '../src/cpu/cpuid.js';
import { FEATURES, FEATURE_NAMES, type FeatureName } from '../src/isa/features.js';
import { opcodeRows } from '../src/isa/opcodes.js';
import { CODE, Machine, describeResult, type RunOptions } from './helpers/machine.js';

const CR0_MP = 2, CR0_EM = 4, CR0_TS = 8, BASE_CR0 = 0x80010033;
const CR4_TSD = 4, CR4_UMIP = 0x800, BASE_CR4 = 0x620, CR4_OSFXSR = 0x200;
const RAX = 0, RCX = 1, RDX = 2;

function outcome(code: number[], o: RunOptions & { features?: ReadonlySet<FeatureName> } = {}): string {
  return describeResult(new Machine(o.features).run(code, o));
}

describe.each(EXECUTION_PATHS)('legality (%s path)', (path) => {
  it('the decoder: i64 rows, LOCK where it is not allowed, CR/DR numbers that do not exist, MOV to CS → #UD at any CPL', () => {
    for (const cpl of [0, 3]) {
      for (const code of [[0x06], [0x27], [0xf0, 0x01, 0xc0], [0xf0, 0x0f, 0xbc, 0xc0], [0x0f, 0x20, 0xe8], [0x0f, 0x22, 0xe8],
        [0x44, 0x0f, 0x20, 0xc8], [0x44, 0x0f, 0x21, 0xc0], [0x8e, 0xc8], [0x8e, 0xf0], [0x8c, 0xf0]]) {
        expect(`${code.map((b) => b.toString(16))}: ${outcome(code, { path, cpl })}`).toBe(`${code.map((b) => b.toString(16))}: #UD`);
      }
    }
  });

  it('priv rows: #GP(0) above CPL 0 (after the decoder and class checks)', () => {
    for (const code of [[0xf4], [0x0f, 0x20, 0xc0], [0x0f, 0x22, 0xd8], [0x0f, 0x21, 0xf8], [0x0f, 0x32], [0x0f, 0x30], [0x0f, 0x01, 0xf8], [0x0f, 0x06], [0x0f, 0x09]]) {
      expect(outcome(code, { path, cpl: 3 })).toBe('#GP(0)');
      expect(outcome(code, { path, cpl: 1 })).toBe('#GP(0)');
    }
    expect(outcome([0x0f, 0x20, 0xc0], { path, cpl: 0 })).toBe('ok');
    expect(outcome([0x0f, 0x07], { path, cpl: 3, efer: 0xd00 })).toBe('#UD'); // SYSRET: EFER.SCE = 0 is #UD before #GP
    expect(outcome([0x48, 0x0f, 0x07], { path, cpl: 3 })).toBe('#GP(0)');
  });

  it('x87: #NM with CR0.EM or CR0.TS (the no-wait forms too), then the instruction', () => {
    for (const insn of [[0xd9, 0xe8], [0xdb, 0xe3], [0xdf, 0xe0], [0xd9, 0xfe]]) { // FLD1, FNINIT, FNSTSW AX, FSIN
      expect(outcome(insn, { path, cr0: BASE_CR0 | CR0_TS })).toBe('#NM');
      expect(outcome(insn, { path, cr0: BASE_CR0 | CR0_EM })).toBe('#NM');
    }
    expect(outcome([0xd9, 0xe8], { path })).toBe('ok');
    expect(outcome([0xd9, 0xfe], { path })).toBe('ok'); // FSIN runs (CPUID.FPU is reported)
  });

  it('FWAIT: #NM only with CR0.MP and CR0.TS both set', () => {
    expect(outcome([0x9b], { path, cr0: (BASE_CR0 & ~CR0_MP) | CR0_TS })).toBe('ok');
    expect(outcome([0x9b], { path, cr0: BASE_CR0 | CR0_MP | CR0_TS })).toBe('#NM');
  });

  it('SSE: #UD with CR0.EM or without CR4.OSFXSR, #NM with CR0.TS, then emulation-failure (not implemented) or the instruction', () => {
    const notImplemented = [0x66, 0x0f, 0x79, 0xca]; // EXTRQ (SSE4a): an instruction of an extension the model does not implement (class sse)
    expect(outcome(notImplemented, { path, cr4: BASE_CR4 & ~CR4_OSFXSR })).toBe('#UD');
    expect(outcome(notImplemented, { path, cr0: BASE_CR0 | CR0_EM })).toBe('#UD');
    expect(outcome(notImplemented, { path, cr0: BASE_CR0 | CR0_TS })).toBe('#NM');
    expect(outcome(notImplemented, { path })).toBe('emulation-failure');
    // The ModRM form an instruction lacks is #UD (MOVDIRI and MOVNTSS with a register); MOVDIRI, a
    // general-purpose instruction, ignores CR0.EM/TS and OSFXSR.
    for (const state of [{ cr0: BASE_CR0 | CR0_TS }, { cr0: BASE_CR0 | CR0_EM }, { cr4: BASE_CR4 & ~CR4_OSFXSR }]) {
      expect(outcome([0x0f, 0x38, 0xf9, 0x00], { path, regs: { [RAX]: 0x600000n }, ...state })).toBe('ok');
    }
    expect(outcome([0x0f, 0x38, 0xf9, 0xc1], { path })).toBe('#UD');
    expect(outcome([0xf3, 0x0f, 0x2b, 0xc1], { path })).toBe('#UD');
    expect(outcome([0xf3, 0x0f, 0x2b, 0x00], { path, regs: { [RAX]: 0x600000n }, cr0: BASE_CR0 | CR0_TS })).toBe('#NM');
    const features = ALL_TABLE_FEATURES;
    for (const insn of [[0x0f, 0x28, 0xc1], [0x66, 0x0f, 0xef, 0xc1], [0x66, 0x0f, 0x73, 0xd8, 0x01], [0x0f, 0x58, 0xc1]]) { // MOVAPS, PXOR, PSRLDQ, ADDPS
      expect(outcome(insn, { path, features, cr4: BASE_CR4 & ~CR4_OSFXSR })).toBe('#UD');
      expect(outcome(insn, { path, features, cr0: BASE_CR0 | CR0_EM })).toBe('#UD');
      expect(outcome(insn, { path, features, cr0: BASE_CR0 | CR0_TS })).toBe('#NM');
      expect(outcome(insn, { path, features })).toBe('ok');
      expect(outcome(insn, { path })).toBe('ok'); // the model reports SSE…SSE4.2
    }
    // The MMX form (no prefix) of an opcode whose 66 form is implemented: class mmx (no OSFXSR check), then the
    // instruction (PXOR mm, PACKSSWB mm).
    expect(outcome([0x0f, 0xef, 0xc1], { path, features, cr4: BASE_CR4 & ~CR4_OSFXSR })).toBe('ok');
    expect(outcome([0x0f, 0xef, 0xc1], { path, features, cr0: BASE_CR0 | CR0_EM })).toBe('#UD');
    expect(outcome([0x0f, 0xef, 0xc1], { path, features, cr0: BASE_CR0 | CR0_TS })).toBe('#NM');
    expect(outcome([0x0f, 0x63, 0xc1], { path, features, cr4: BASE_CR4 & ~CR4_OSFXSR })).toBe('ok');
    expect(outcome([0x0f, 0x63, 0xc1], { path, features, cr0: BASE_CR0 | CR0_EM })).toBe('#UD');
    expect(outcome([0x0f, 0x77], { path, cr0: BASE_CR0 | CR0_EM })).toBe('#UD'); // EMMS (MMX)
    expect(outcome([0x0f, 0xae, 0x00], { path, regs: { [RAX]: 0x600000n }, cr0: BASE_CR0 | CR0_TS })).toBe('#NM'); // FXSAVE
  });

  it('SSE after a MOV to CR0 that sets TS in the same basic block: #NM at the second instruction (the compiled tier checks again after a handler)', () => {
    const pxor = [0x66, 0x0f, 0xef, 0xc1];
    const code = [...pxor, 0x0f, 0x22, 0xc0, ...pxor, 0x90]; // pxor; mov %rax, %cr0; pxor; nop
    const m = new Machine();
    const r = m.run(code, { path, cpl: 0, regs: { [RAX]: BigInt((BASE_CR0 | CR0_TS) >>> 0) } });
    expect(describeResult(r)).toBe('#NM');
    expect(m.cpu.insnStart).toBe(CODE + pxor.length + 3);
    expect(m.cpu.instructions).toBe(2);
  });

  it('enables and state checks: SYSCALL without EFER.SCE, RDTSC with CR4.TSD, SGDT with UMIP, CLAC above CPL 0, CLI above IOPL', () => {
    expect(outcome([0x0f, 0x05], { path, efer: 0xd00 })).toBe('#UD');
    expect(outcome([0x0f, 0x31], { path, cpl: 3, cr4: BASE_CR4 | CR4_TSD })).toBe('#GP(0)');
    expect(outcome([0x0f, 0x31], { path, cpl: 0, cr4: BASE_CR4 | CR4_TSD })).toBe('ok');
    expect(outcome([0x0f, 0x01, 0x00], { path, cpl: 3, cr4: BASE_CR4 | CR4_UMIP, regs: { [RAX]: 0x600000n } })).toBe('#GP(0)');
    expect(outcome([0x0f, 0x01, 0x00], { path, cpl: 3, regs: { [RAX]: 0x600000n } })).toBe('ok');
    expect(outcome([0x0f, 0x01, 0xca], { path, cpl: 3 })).toBe('#UD');
    expect(outcome([0xfa], { path, cpl: 3 })).toBe('#GP(0)');
    expect(outcome([0xfa], { path, cpl: 3, rflags: 0x3002 })).toBe('ok');
    expect(outcome([0x0f, 0x01, 0xee], { path, regs: { [RCX]: 0n } })).toBe('#UD'); // RDPKRU without CR4.PKE
  });

  it('a feature the vCPU does not report: its instructions raise #UD, or run as the absent row (TZCNT as BSF)', () => {
    const without = (f: FeatureName) => new Set([...ALL_TABLE_FEATURES].filter((x) => x !== f));
    expect(outcome([0xf3, 0x0f, 0xb8, 0xc1], { path, features: without('popcnt') })).toBe('#UD');
    expect(outcome([0x0f, 0x44, 0xc1], { path, features: without('cmov') })).toBe('#UD');
    expect(outcome([0x0f, 0x05], { path, features: without('syscall') })).toBe('#UD');
    // TZCNT with a zero source: TZCNT writes the width (64), BSF leaves the destination and sets ZF.
    const tz = (features: ReadonlySet<FeatureName>) => {
      const m = new Machine(features);
      expect(m.run([0xf3, 0x48, 0x0f, 0xbc, 0xc1], { path, regs: { [RAX]: 7n, [RCX]: 0n } }).outcome).toBe('ok');
      return m.cpu.getReg64(RAX);
    };
    expect(tz(MODEL_FEATURES)).toBe(7n);            // BMI1 is not reported: BSF
    expect(tz(new Set([...MODEL_FEATURES, 'bmi1']))).toBe(64n);
    // A vCPU without SSE2: LFENCE is #UD, as on such a CPU.
    expect(outcome([0x0f, 0xae, 0xe8], { path, features: without('sse2') })).toBe('#UD');
    expect(outcome([0x0f, 0xae, 0xe8], { path })).toBe('ok');
    // CMPXCHG16B needs CX16 as well as CX8.
    expect(outcome([0x48, 0x0f, 0xc7, 0x08], { path, regs: { [RAX]: 0x600000n }, features: without('cx16') })).toBe('#UD');
  });
});

describe('CPUID reports exactly what the table implements', () => {
  it('each instruction feature bit is set exactly when every instruction of the feature has an implemented row', () => {
    const implemented = new Set(opcodeRows().filter((r) => !r.pending).map((r) => r.mnemonic));
    for (const name of FEATURE_NAMES) {
      const f = FEATURES[name];
      const complete = !('incomplete' in f && f.incomplete) && f.instructions.every((m) => implemented.has(m)) &&
        opcodeRows().filter((r) => r.feature === name).every((r) => !r.pending);
      const leaf = cpuid(new Machine().cpu, f.leaf, 'subleaf' in f ? f.subleaf : 0);
      const bit = (leaf[{ eax: 0, ebx: 1, ecx: 2, edx: 3 }[f.reg]]! >>> f.bit) & 1;
      expect(`${name}: ${bit}`).toBe(`${name}: ${complete ? 1 : 0}`);
    }
    // The features of the implemented rows, and the complete ones (the host comparison's set).
    const withRows = new Set([...MODEL_FEATURES, ...opcodeRows().filter((r) => !r.pending && r.feature !== undefined).map((r) => r.feature!)]);
    expect([...ALL_TABLE_FEATURES].sort()).toEqual([...withRows].sort());
  });

  it('the model reports CMOV, CX8, CX16, POPCNT, MOVBE, LZCNT, RDTSCP, SYSCALL, SMAP, PKU, FXSR, MMX, SSE…SSE4.2, XSAVE, XSAVEOPT, XSAVEC, XGETBV(1), x87 (FPU); not BMI1', () => {
    for (const f of ['cmov', 'cx8', 'cx16', 'popcnt', 'movbe', 'abm', 'rdtscp', 'syscall', 'smap', 'pku', 'lahfLm', 'prefetchw', 'fxsr',
      'mmx', 'sse', 'sse2', 'sse3', 'ssse3', 'sse41', 'sse42', 'xsave', 'xsaveopt', 'xsavec', 'xgetbv1', 'fpu'] as const) expect(MODEL_FEATURES.has(f), f).toBe(true);
    for (const f of ['bmi1'] as const) expect(MODEL_FEATURES.has(f), f).toBe(false);
  });

  it.each(EXECUTION_PATHS)('CPUID executed by a guest agrees with the host view, and follows a vCPU without a feature (%s path)', (path) => {
    const m = new Machine(new Set([...MODEL_FEATURES].filter((f) => f !== 'popcnt')));
    expect(m.run([0x0f, 0xa2], { path, regs: { [RAX]: 1n, [RCX]: 0n } }).outcome).toBe('ok');
    expect((Number(m.cpu.getReg64(RCX)) >>> 23) & 1).toBe(0);
    expect((Number(m.cpu.getReg64(RDX)) >>> 15) & 1).toBe(1); // CMOV
  });
});

describe.each(EXECUTION_PATHS)('control registers (%s path)', (path) => {
  it('MOV from CR0/CR4 zero-extends (CR0.PG is bit 31 of a 32-bit register); CR2/CR3 give all 64 bits', () => {
    const m = new Machine();
    // movabs $-16,%rax; mov %rax,%cr2; mov %cr0,%rax; mov %rax,%cr0 (written back); mov %cr0,%rax;
    // mov %cr4,%rcx; mov %cr2,%rdx
    expect(m.run([0x48, 0xb8, 0xf0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x22, 0xd0, 0x0f, 0x20, 0xc0, 0x0f, 0x22, 0xc0,
      0x0f, 0x20, 0xc0, 0x0f, 0x20, 0xe1, 0x0f, 0x20, 0xd2], { path }).outcome).toBe('ok');
    expect(m.cpu.getReg64(RAX)).toBe(0x80010033n);
    expect(m.cpu.getReg64(RCX)).toBe(0x620n);
    expect(m.cpu.getReg64(RDX)).toBe(0xfffffffffffffff0n);
  });
});
