// 16-bit code in compatibility mode (CS.L = 0, CS.D = 0; SDM Vol. 1 §3.6,
// Vol. 3A §5.2.1): the default operand and address sizes are 16 (66 and 67
// select 32), near branches truncate the target IP to 16 bits, CALL/RET and
// PUSH/POP move words, LOOP counts CX, 16-bit addressing uses ModRM16 in DS,
// and exceptions report the IP. The code runs in a 16-bit code segment based
// at CODE (limit 0xFFFF) unless noted; expected values are worked out by hand.
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import { DATA32, PROLOGUE_LEN, runCompat } from './helpers/compat.js';
import { CODE, DATA_LIN, RAX, RBX, RCX, RSP, SEG_CS, descriptor, outcome, phys } from './helpers/system.js';

const CS16 = descriptor(CODE, 0xffff, 0x009b);          // base CODE, limit 0xFFFF, D = 0, L = 0, DPL 0
const STACK = 0x801f00;
const IP = PROLOGUE_LEN;                                 // the first 16-bit instruction's offset in CS16

describe.each(EXECUTION_PATHS)('16-bit code (%s path)', (path) => {
  const run = (code: number[], regs: Record<number, bigint> = {}, extra: Partial<Parameters<typeof runCompat>[1]> = {}) =>
    runCompat(code, { path, cs: extra.cs ?? CS16, regs, ...extra, setup: (m) => {
      if (!extra.cs) m.mem.write32(phys(m, DATA_LIN), IP); // the prologue's far pointer: offset IP in the based segment
      extra.setup?.(m);
    } });

  it('B8 iw / 66 B8 id: MOV imm16 keeps EAX[31:16]; 66 selects 32 bits; 40 is INC AX', () => {
    let { m, r } = run([0xb8, 0x34, 0x12, 0x40, 0xf4], { [RAX]: 0xaaaa0000n });
    expect(outcome(r)).toBe('halt');
    expect(m.cpu.getReg64(RAX)).toBe(0xaaaa1235n);
    ({ m, r } = run([0x66, 0xb8, 0x78, 0x56, 0x34, 0x12, 0xf4]));
    expect(m.cpu.getReg64(RAX)).toBe(0x12345678n);
    expect(m.cpu.segSel[SEG_CS]).toBe(0x30);
  });

  it('E8 CALL rel16 pushes the 16-bit IP; 58 POP AX takes it back (a word)', () => {
    const { m, r } = run([0xe8, 0x00, 0x00, 0x58, 0xf4], { [RAX]: 0xffff0000n });
    expect(outcome(r)).toBe('halt');
    expect([m.cpu.getReg64(RAX), m.cpu.getReg64(RSP)]).toEqual([0xffff0000n | BigInt(IP + 3), BigInt(STACK)]);
  });

  it('50 / 66 50: PUSH AX moves ESP by 2, PUSH EAX by 4 (the flat SS has B = 1)', () => {
    const { m } = run([0x50, 0x66, 0x50, 0xf4], { [RAX]: 0x11223344n });
    expect(Number(m.cpu.getReg64(RSP))).toBe(STACK - 6);
    expect(m.mem.read32(phys(m, STACK - 6)) >>> 0).toBe(0x11223344);
    expect(m.mem.read16(phys(m, STACK - 2))).toBe(0x3344);
  });

  it('E2 LOOP counts CX (not ECX), 0F 84 JE rel16', () => {
    // mov $3,%cx; inc %ax; loop -3; cmp $3,%ax; je +1; int3; hlt
    const { m, r } = run([0xb9, 0x03, 0x00, 0x40, 0xe2, 0xfd, 0x83, 0xf8, 0x03, 0x0f, 0x84, 0x01, 0x00, 0xcc, 0xf4], { [RCX]: 0x12340000n, [RAX]: 0n });
    expect(outcome(r)).toBe('halt');
    expect([m.cpu.getReg64(RAX), m.cpu.getReg64(RCX)]).toEqual([3n, 0x12340000n]);
  });

  it('a near JMP truncates the target IP to 16 bits (a flat 4 GiB CS: EIP 0x40000F + 2 → IP 0x0011, outside the code)', () => {
    const { m, r } = run([0xeb, 0x00], {}, { cs: descriptor(0, 0xfffff, 0x809b) });
    expect(m.cpu.rip).toBe(0x11);
    expect(outcome(r)).toMatch(/^#PF/);
  });

  it('8B 07 MOV (%bx),%ax addresses DS:BX (ModRM16); 67 8B 03 uses EBX', () => {
    const ds = descriptor(DATA32, 0xffff, 0x0093);
    const { m, r } = run([0x8b, 0x07, 0x67, 0x8b, 0x0b, 0xf4], { [RBX]: 0x10n }, { ds: 0x38, gdt: { 0x38: ds },
      setup: (mm) => { mm.mem.write32(phys(mm, DATA_LIN), IP); mm.mem.write32(phys(mm, DATA32 + 0x10), 0x5678abcd); } });
    expect(outcome(r)).toBe('halt');
    expect([Number(m.cpu.getReg64(RAX)) & 0xffff, Number(m.cpu.getReg64(RCX)) & 0xffff]).toEqual([0xabcd, 0xabcd]);
  });

  it('an offset beyond the 16-bit data segment limit → #GP(0) at the IP', () => {
    const ds = descriptor(DATA32, 0xff, 0x0093);
    const { m, r } = run([0x40, 0x8b, 0x07], { [RBX]: 0xfffen }, { ds: 0x38, gdt: { 0x38: ds }, setup: (mm) => { mm.mem.write32(phys(mm, DATA_LIN), IP); } });
    expect(outcome(r)).toBe('#GP(0)');
    expect(m.cpu.rip).toBe(IP + 1);
  });

  it('an exception reports the IP: UD2 → #UD at IP', () => {
    const { m, r } = run([0x90, 0x0f, 0x0b]);
    expect(outcome(r)).toBe('#UD');
    expect(m.cpu.rip).toBe(IP + 1);
  });

  it('EA ptr16:16 (the 16-bit default) to 64-bit code; 66 EA ptr16:32', () => {
    // EA 34 12 08 00: ljmp $0x8,$0x1234: a 2-byte offset, then the selector; 0x1234 is unmapped in 64-bit code.
    let { m, r } = run([0xea, 0x34, 0x12, 0x08, 0x00], {}, { cs: descriptor(0, 0xfffff, 0x809b) });
    expect([outcome(r), r.cr2, m.cpu.segSel[SEG_CS]]).toEqual(['#PF(10)', 0x1234, 0x08]);
    const code = [0x66, 0xea, ...[0, 8, 16, 24].map((s) => ((CODE + PROLOGUE_LEN + 8) >>> s) & 0xff), 0x08, 0x00, 0x48, 0xff, 0xc0];
    ({ m, r } = run(code, { [RAX]: 0xffffffffn }, { cs: descriptor(0, 0xfffff, 0x809b) }));
    expect(outcome(r)).toBe('ok');
    expect([m.cpu.segSel[SEG_CS], m.cpu.getReg64(RAX)]).toEqual([0x08, 0x1_00000000n]);
  });
});
