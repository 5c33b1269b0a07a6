// SSE operands at the system level (SDM Vol. 1 §10.4.1.1, Vol. 3A §6.15): a
// 16-byte access straddling into a page that faults reports CR2 = the start
// of that page and reads or writes nothing; the a16 rows' #GP(0) on a
// misaligned operand comes before any #PF; LDMXCSR's reserved bits; LOCK is
// #UD; the exception classes. Table-driven, every execution path, exact vector,
// error code, CR2, RIP and memory.
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import { ALL_TABLE_FEATURES } from '../src/cpu/cpuid.js';
import { Machine, CODE, DATA_LIN, RBX, entryAddress, outcome, phys } from './helpers/system.js';

const PAGE2 = DATA_LIN + 0x1000;
const PTE_P = 1, PTE_RW = 2;
const XMM_IN = 0x0f0e0d0c0b0a09080706050403020100n;

interface Case {
  name: string;
  code: number[];
  /** RBX offset from DATA_LIN */
  at: number;
  /** the second data page: present and writable, read-only, or not present */
  page2: 'rw' | 'ro' | 'np';
  want: string;
  cr2?: number;
  /** XMM1 after the instruction (a load's destination), when it completes or to show it unchanged */
  xmm1?: bigint;
}

const FILL = 0x5a;
const cases: Case[] = [
  // movdqu %xmm0,0xff8(%rbx)-style stores (66/F3 0F 7F /r with [rbx]): 16 bytes across the page boundary
  { name: 'movdqu store straddling into a read-only page', code: [0xf3, 0x0f, 0x7f, 0x03], at: 0xff8, page2: 'ro', want: '#PF(3)', cr2: PAGE2 },
  { name: 'movdqu store straddling into a non-present page', code: [0xf3, 0x0f, 0x7f, 0x03], at: 0xff8, page2: 'np', want: '#PF(2)', cr2: PAGE2 },
  { name: 'movdqu store straddling, both pages writable', code: [0xf3, 0x0f, 0x7f, 0x03], at: 0xff8, page2: 'rw', want: 'ok' },
  { name: 'movups load straddling into a non-present page', code: [0x0f, 0x10, 0x0b], at: 0xffc, page2: 'np', want: '#PF(0)', cr2: PAGE2, xmm1: 0n },
  { name: 'movq load (8 bytes) straddling into a non-present page', code: [0xf3, 0x0f, 0x7e, 0x0b], at: 0xffc, page2: 'np', want: '#PF(0)', cr2: PAGE2, xmm1: 0n },
  { name: 'movq load (8 bytes) ending at the page boundary', code: [0xf3, 0x0f, 0x7e, 0x0b], at: 0xff8, page2: 'np', want: 'ok', xmm1: 0x5a5a5a5a5a5a5a5an },
  // movdqa: misaligned → #GP(0) before the #PF the access would take
  { name: 'movdqa store misaligned, straddling into a non-present page', code: [0x66, 0x0f, 0x7f, 0x03], at: 0xff8, page2: 'np', want: '#GP(0)' },
  { name: 'movdqa load misaligned by 8', code: [0x66, 0x0f, 0x6f, 0x0b], at: 0x8, page2: 'rw', want: '#GP(0)', xmm1: 0n },
  { name: 'paddb m128 misaligned by 1', code: [0x66, 0x0f, 0xfc, 0x0b], at: 0x1, page2: 'rw', want: '#GP(0)', xmm1: 0n },
  { name: 'movdqa store aligned, into a read-only page', code: [0x66, 0x0f, 0x7f, 0x03], at: 0x1000, page2: 'ro', want: '#PF(3)', cr2: PAGE2 },
  { name: 'movdqa load aligned', code: [0x66, 0x0f, 0x6f, 0x0b], at: 0x10, page2: 'rw', want: 'ok', xmm1: 0x5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5an },
  // LOCK on an SSE instruction: #UD
  { name: 'lock pxor', code: [0xf0, 0x66, 0x0f, 0xef, 0x0b], at: 0, page2: 'rw', want: '#UD', xmm1: 0n },
];

describe.each(EXECUTION_PATHS)('SSE memory operands (%s path)', (path) => {
  it.each(cases)('$name', (k) => {
    const m = new Machine(ALL_TABLE_FEATURES);
    const pte = entryAddress(m, PAGE2);
    const lo = m.mem.read32(pte);
    m.mem.write32(pte, k.page2 === 'rw' ? lo : k.page2 === 'ro' ? lo & ~PTE_RW : lo & ~PTE_P);
    m.mem.u8.fill(FILL, phys(m, DATA_LIN), phys(m, DATA_LIN) + 0x1000);
    if (k.page2 !== 'np') m.mem.u8.fill(FILL, phys(m, PAGE2), phys(m, PAGE2) + 0x1000);
    m.cpu.xmm.setXmm128(0, XMM_IN);
    m.cpu.xmm.setXmm128(1, 0n);
    const r = m.run(k.code, { path, regs: { [RBX]: BigInt(DATA_LIN + k.at) } });
    expect(outcome(r)).toBe(k.want);
    if (k.cr2 !== undefined) expect(r.cr2).toBe(k.cr2);
    // A fault leaves RIP at the instruction; success moves past it.
    expect(m.cpu.rip).toBe(k.want === 'ok' ? CODE + k.code.length : CODE);
    if (k.xmm1 !== undefined) expect(m.cpu.xmm.getXmm128(1)).toBe(k.xmm1);
    // Stores: all 16 bytes written on success, none on a fault.
    if (k.code.at(-1) === 0x03) {
      const got = Array.from({ length: 16 }, (_, b) => {
        const lin = DATA_LIN + k.at + b;
        return lin >= PAGE2 && k.page2 === 'np' ? -1 : m.mem.u8[phys(m, lin)]!;
      });
      const want = Array.from({ length: 16 }, (_, b) => (DATA_LIN + k.at + b >= PAGE2 && k.page2 === 'np' ? -1 : k.want === 'ok' ? b : FILL));
      expect(got).toEqual(want);
    }
  });

  it('LDMXCSR: #GP(0) for any bit outside MXCSR_MASK (0xffff), MXCSR unchanged; STMXCSR stores it', () => {
    for (const [value, want] of [[0xffff, 'ok'], [0x0000, 'ok'], [0x10000, '#GP(0)'], [0x20000 | 0x1f80, '#GP(0)'], [0x80000000, '#GP(0)']] as const) {
      const m = new Machine(ALL_TABLE_FEATURES);
      m.mem.write32(phys(m, DATA_LIN), value);
      // ldmxcsr (%rbx); stmxcsr 4(%rbx)
      const r = m.run([0x0f, 0xae, 0x13, 0x0f, 0xae, 0x5b, 0x04], { path, regs: { [RBX]: BigInt(DATA_LIN) } });
      expect(`${value.toString(16)}: ${outcome(r)}`).toBe(`${value.toString(16)}: ${want}`);
      expect(m.cpu.mxcsr).toBe(want === 'ok' ? value : 0x1f80);
      if (want === 'ok') expect(m.mem.read32(phys(m, DATA_LIN + 4))).toBe(value);
      else expect(m.cpu.rip).toBe(CODE);
    }
  });
});
