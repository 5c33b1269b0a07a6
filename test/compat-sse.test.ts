// SSE in 32-bit code (compatibility mode): the memory operand is an offset in
// its segment, checked against the limit for all its bytes (SDM Vol. 3A §5.3),
// read-only segments refuse stores, the a16 rows check 16-byte alignment, and
// the register forms see XMM0-7 only (no REX). DS = ES = 0x38 (base DATA32,
// limit 0xff); the data bytes are k at DATA32 + k. Expected values by hand.
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import { ALL_TABLE_FEATURES } from '../src/cpu/cpuid.js';
import { CODE32_START, DATA32, runCompat } from './helpers/compat.js';
import { RAX, RCX, Machine, descriptor, outcome, phys } from './helpers/system.js';

const RW = descriptor(DATA32, 0xff, 0x4093), RO = descriptor(DATA32, 0xff, 0x4091);
const LOAD_DS = [0xba, 0x38, 0, 0, 0, 0x8e, 0xda]; // mov $0x38,%edx; mov %edx,%ds
/** 16 bytes starting at byte value `first` (the data pattern), as a 128-bit number. */
const pattern = (first: number) => Array.from({ length: 16 }, (_, b) => BigInt((first + b) & 0xff) << BigInt(8 * b)).reduce((a, b) => a | b, 0n);
const XMM0 = 0xfedcba98765432100123456789abcdefn;

interface Case { name: string; code: number[]; seg?: bigint; eax: number; want: string; xmm1?: bigint; ecx?: bigint; mem?: [number, bigint] }
const cases: Case[] = [
  { name: 'F3 0F 6F 08 movdqu (%eax),%xmm1', code: [0xf3, 0x0f, 0x6f, 0x08], eax: 0x10, want: 'ok', xmm1: pattern(0x10) },
  { name: 'movdqu: the last byte at the limit (0xf0)', code: [0xf3, 0x0f, 0x6f, 0x08], eax: 0xf0, want: 'ok', xmm1: pattern(0xf0) },
  { name: 'movdqu: bytes past the limit (0xf8) → #GP(0)', code: [0xf3, 0x0f, 0x6f, 0x08], eax: 0xf8, want: '#GP(0)', xmm1: 0n },
  { name: '66 0F 6F 08 movdqa misaligned (0x08) → #GP(0)', code: [0x66, 0x0f, 0x6f, 0x08], eax: 0x08, want: '#GP(0)', xmm1: 0n },
  { name: '66 0F FC 08 paddb (%eax),%xmm1', code: [0x66, 0x0f, 0xfc, 0x08], eax: 0x20, want: 'ok', xmm1: pattern(0x20) },
  { name: 'F3 0F 7F 00 movdqu %xmm0,(%eax)', code: [0xf3, 0x0f, 0x7f, 0x00], eax: 0x40, want: 'ok', mem: [0x40, XMM0] },
  { name: 'movdqu store to a read-only DS → #GP(0)', code: [0xf3, 0x0f, 0x7f, 0x00], seg: RO, eax: 0x40, want: '#GP(0)', mem: [0x40, pattern(0x40)] },
  { name: 'F3 0F 7E 08 movq (%eax),%xmm1: 8 bytes at 0xf8 fit', code: [0xf3, 0x0f, 0x7e, 0x08], eax: 0xf8, want: 'ok', xmm1: pattern(0xf8) & 0xffffffffffffffffn },
  { name: '66 0F 7E C1 movd %xmm0,%ecx', code: [0x66, 0x0f, 0x7e, 0xc1], eax: 0, want: 'ok', ecx: 0x89abcdefn },
  { name: '66 0F 6E C8 movd %eax,%xmm1', code: [0x66, 0x0f, 0x6e, 0xc8], eax: 0x12345678, want: 'ok', xmm1: 0x12345678n },
];

describe.each(EXECUTION_PATHS)('SSE in 32-bit code (%s path)', (path) => {
  it.each(cases)('$name', (k) => {
    const { m, r } = runCompat([...LOAD_DS, ...k.code], {
      path, gdt: { 0x38: k.seg ?? RW }, regs: { [RAX]: BigInt(k.eax), [RCX]: 0n },
      setup: (mm) => {
        for (let b = 0; b < 0x100; b++) mm.mem.u8[phys(mm, DATA32 + b)] = b;
        mm.cpu.xmm.setXmm128(0, XMM0);
        mm.cpu.xmm.setXmm128(1, 0n);
      },
    }, new Machine(ALL_TABLE_FEATURES));
    expect(outcome(r)).toBe(k.want);
    expect(m.cpu.rip).toBe(CODE32_START + LOAD_DS.length + (k.want === 'ok' ? k.code.length : 0));
    if (k.xmm1 !== undefined) expect(m.cpu.xmm.getXmm128(1)).toBe(k.xmm1);
    if (k.ecx !== undefined) expect(m.cpu.getReg64(RCX)).toBe(k.ecx);
    if (k.mem) {
      let v = 0n;
      for (let b = 15; b >= 0; b--) v = (v << 8n) | BigInt(m.mem.u8[phys(m, DATA32 + k.mem[0] + b)]!);
      expect(v).toBe(k.mem[1]);
    }
  });
});
