// 32-bit code in compatibility mode (IA-32e mode, CS.L = 0, CS.D = 1; SDM Vol. 3A
// §5.2.1, APM Vol. 2 §1.2.2), reached by a far JMP from 64-bit code
// (test/helpers/compat.ts): the 32-bit decoding (default sizes, no REX, 40-4F,
// ModRM16 with 67), segment bases, limits and types (#GP(0) / #SS(0)), the CS
// limit on fetches and near branches, the decoded-code cache keyed on the mode,
// events from compatibility mode and back, SYSCALL per vendor, and the rows
// not implemented for 32-bit code (emulation-failure). Expected values are
// worked out by hand from the SDM.
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import { CODE32, CODE32_START, DATA32, runCompat } from './helpers/compat.js';
import { CODE, HANDLER, RAX, RCX, RDX, RSP, RSI, RDI, SEG_CS, SEG_SS, Machine, descriptor, frame, le32, outcome, phys, setGate, setTss } from './helpers/system.js';

const RBX = 3, RBP = 5;
const STACK = 0x801f00; // the Machine's initial RSP
const DATA_SEG = (base: number, limit: number, attr: number) => descriptor(base, limit, attr);
const CF = 1, PF = 4, AF = 0x10, ZF = 0x40, SF = 0x80, OF = 0x800;
const ARITH = CF | PF | AF | ZF | SF | OF;

describe.each(EXECUTION_PATHS)('compatibility mode (%s path)', (path) => {
  describe('32-bit forms (hand-checked SDM values)', () => {
    // name, 32-bit code, registers in, registers out, arithmetic flags out (undefined: not checked)
    const cases: [string, number[], Record<number, bigint>, Record<number, bigint>, number?][] = [
      ['40: INC EAX (not REX); the upper half of RAX is cleared', [0x40], { [RAX]: 0xdeadbeef_7fffffffn }, { [RAX]: 0x80000000n }, OF | SF | AF | PF],
      ['49: DEC ECX', [0x49], { [RCX]: 0n }, { [RCX]: 0xffffffffn }, SF | AF | PF],
      ['66 40: INC AX keeps bits 63:16', [0x66, 0x40], { [RAX]: 0x0000dead_1234ffffn }, { [RAX]: 0x0000dead_12340000n }, ZF | AF | PF],
      ['48 83 C0 10: DEC EAX then ADD EAX, 16 (48 is no REX.W)', [0x48, 0x83, 0xc0, 0x10], { [RAX]: 5n }, { [RAX]: 0x14n }, PF],
      ['BA imm32: MOV EDX (B8+r takes imm32, never imm64)', [0xba, ...le32(0x12345678)], { [RDX]: -1n }, { [RDX]: 0x12345678n }],
      ['8D 44 B3 10: LEA 0x10(%ebx,%esi,4) wraps at 2^32', [0x8d, 0x44, 0xb3, 0x10], { [RBX]: 0xfffffff0n, [RSI]: 1n }, { [RAX]: 4n }],
      ['67 8D 00: LEA (%bx,%si) (ModRM16) wraps at 2^16', [0x67, 0x8d, 0x00], { [RBX]: 0x1234ffffn, [RSI]: 2n }, { [RAX]: 1n }],
      ['67 8D 06 disp16: LEA of disp16 alone (mod 0 rm 6)', [0x67, 0x8d, 0x06, 0x34, 0x12], { [RAX]: -1n }, { [RAX]: 0x1234n }],
      ['67 8D 43 FE: LEA -2(%bp,%di)', [0x67, 0x8d, 0x43, 0xfe], { [RBP]: 0x10n, [RDI]: 1n }, { [RAX]: 0xfn }],
      ['66 67 8D 47 01: LEA 1(%bx) into AX', [0x66, 0x67, 0x8d, 0x47, 0x01], { [RAX]: 0xaaaa5555n, [RBX]: 0xffffn }, { [RAX]: 0xaaaa0000n }],
      ['8B 05 disp32: mod 0 rm 5 is an absolute disp32 (no RIP-relative)', [0x8b, 0x05, ...le32(DATA32)], {}, { [RAX]: 0xcafef00dn }],
      ['A1 moffs32: MOV EAX, [DATA32]', [0xa1, ...le32(DATA32)], {}, { [RAX]: 0xcafef00dn }],
      ['66 A1 moffs32: MOV AX', [0x66, 0xa1, ...le32(DATA32)], { [RAX]: 0x11112222n }, { [RAX]: 0x1111f00dn }],
      ['50 5B: PUSH EAX / POP EBX move 4 bytes, ESP back', [0x50, 0x5b], { [RAX]: 0x1_89abcdefn }, { [RBX]: 0x89abcdefn, [RSP]: BigInt(STACK) }],
      ['6A FF 59: PUSH imm8 sign-extended to 32 bits', [0x6a, 0xff, 0x59], {}, { [RCX]: 0xffffffffn, [RSP]: BigInt(STACK) }],
      ['66 6A 80 66 59: PUSH/POP with 66 move 2 bytes', [0x66, 0x6a, 0x80, 0x66, 0x59], { [RCX]: 0x12345678n }, { [RCX]: 0x1234ff80n, [RSP]: BigInt(STACK) }],
      ['54 58: PUSH ESP pushes the old ESP', [0x54, 0x58], {}, { [RAX]: BigInt(STACK), [RSP]: BigInt(STACK) }],
      ['E8 01 00 00 00 CC 5A: CALL pushes the 32-bit EIP', [0xe8, 1, 0, 0, 0, 0xcc, 0x5a], {}, { [RDX]: BigInt(CODE32_START + 5), [RSP]: BigInt(STACK) }],
      ['E8 02 00 00 00 EB 01 C3: CALL / RET', [0xe8, 2, 0, 0, 0, 0xeb, 1, 0xc3], {}, { [RSP]: BigInt(STACK) }],
      ['C2 imm16: RET 8 releases 8 more bytes', [0xe8, 2, 0, 0, 0, 0xeb, 3, 0xc2, 8, 0], {}, { [RSP]: BigInt(STACK + 8) }],
      ['31 C0 74 01 CC: JZ over an INT3', [0x31, 0xc0, 0x74, 0x01, 0xcc], { [RAX]: 7n }, { [RAX]: 0n }, ZF | PF],
      ['FF E0: JMP *%eax', [0xff, 0xe0, 0xcc], { [RAX]: BigInt(CODE32_START + 3) }, {}],
      ['8C D8: MOV %ds, %eax (the selector the prologue loaded)', [0x8c, 0xd8], { [RAX]: -1n }, { [RAX]: 0x10n }],
      ['C1 E0 04: SHL EAX, 4', [0xc1, 0xe0, 0x04], { [RAX]: 0xf000_0001n }, { [RAX]: 0x10n }],
      ['0F B6 00: MOVZBL (%eax)', [0x0f, 0xb6, 0x00], { [RAX]: BigInt(DATA32) }, { [RAX]: 0x0dn }],
      ['82 C0 01: 82 is an alias of 80 (ADD AL, 1)', [0x82, 0xc0, 0x01], { [RAX]: 0x1ffn }, { [RAX]: 0x100n }, ZF | CF | AF | PF],
      ['EA ptr16:32 to 64-bit code (CS 0x08): 48 FF C0 then runs as INC RAX', [0xea, ...le32(CODE32_START + 7), 0x08, 0x00, 0x48, 0xff, 0xc0], { [RAX]: 0x1_ffffffffn }, { [RAX]: 0x2_00000000n }],
      ['EA ptr16:32 to 32-bit code', [0xea, ...le32(CODE32_START + 8), 0x30, 0x00, 0xcc, 0x40], { [RAX]: 1n }, { [RAX]: 2n }],
      ['9A ptr16:32: pushes CS (zero-extended dword) then EIP', [0x9a, ...le32(CODE32_START + 8), 0x30, 0x00, 0xcc, 0x5a, 0x59], { [RCX]: -1n }, { [RDX]: BigInt(CODE32_START + 7), [RCX]: 0x30n, [RSP]: BigInt(STACK) }],
      ['0E 5A: PUSH CS (zero-extended dword) / POP EDX', [0x0e, 0x5a], { [RDX]: -1n }, { [RDX]: 0x30n, [RSP]: BigInt(STACK) }],
      ['16 5B: PUSH SS (CPL 0: null selector 0)', [0x16, 0x5b], { [RBX]: -1n }, { [RBX]: 0n, [RSP]: BigInt(STACK) }],
      ['1E 07 06 59: PUSH DS / POP ES / PUSH ES / POP ECX', [0x1e, 0x07, 0x06, 0x59], {}, { [RCX]: 0x10n, [RSP]: BigInt(STACK) }],
      ['60 31 C0 31 ED 61: PUSHAD / POPAD restore all but ESP', [0x60, 0x31, 0xc0, 0x31, 0xed, 0x61], { [RAX]: 0x11n, [RBP]: 0x55n }, { [RAX]: 0x11n, [RBP]: 0x55n, [RSP]: BigInt(STACK) }],
      ['66 60 66 61: PUSHA / POPA (16-bit) keep bits 31:16', [0x66, 0x60, 0xb8, ...le32(0x12340000), 0x66, 0x61], { [RAX]: 0x5678n }, { [RAX]: 0x12345678n, [RSP]: BigInt(STACK) }],
      ['31 C0 9C 5A: PUSHFD pushes RFLAGS (ZF PF, bit 1)', [0x31, 0xc0, 0x9c, 0x5a], {}, { [RDX]: 0x46n, [RSP]: BigInt(STACK) }],
      ['68 D5 08 00 00 9D: POPFD', [0x68, 0xd5, 0x08, 0, 0, 0x9d], {}, { [RSP]: BigInt(STACK) }, CF | PF | AF | ZF | SF | OF],
      ['68 34 12 00 00 89 E5 C9: LEAVE = ESP = EBP; POP EBP', [0x68, 0x34, 0x12, 0, 0, 0x89, 0xe5, 0xc9], {}, { [RBP]: 0x1234n, [RSP]: BigInt(STACK) }],
      ['B9 03 00 00 00 40 E2 FD: LOOP on ECX', [0xb9, 3, 0, 0, 0, 0x40, 0xe2, 0xfd], { [RAX]: 0n, [RCX]: 0xffffffff_00000000n }, { [RAX]: 3n, [RCX]: 0n }],
      ['67 E2 FE: LOOP on CX (67) keeps bits 31:16', [0x67, 0xe2, 0xfd], { [RCX]: 0x12340002n }, { [RCX]: 0x12340000n }],
      ['31 C9 E3 01 CC: JECXZ', [0x31, 0xc9, 0xe3, 0x01, 0xcc], {}, { [RCX]: 0n }],
      ['01 08: ADD %ecx, (%eax) then 8B 08', [0x01, 0x08, 0x8b, 0x08], { [RAX]: BigInt(DATA32), [RCX]: 3n }, { [RCX]: 0xcafef010n }],
    ];
    it.each(cases)('%s', (name, code, regsIn, regsOut, flags) => {
      const m = new Machine();
      m.mem.write32(phys(m, DATA32), 0xcafef00d);
      const { r } = runCompat(code, { path, regs: regsIn }, m);
      expect(outcome(r)).toBe('ok');
      expect(m.cpu.segSel[SEG_CS]).toBe(name.includes('to 64-bit code') ? 0x08 : 0x30);
      for (const [reg, v] of Object.entries(regsOut)) expect(`r${reg}=${m.cpu.getReg64(Number(reg)).toString(16)}`).toBe(`r${reg}=${BigInt.asUintN(64, v).toString(16)}`);
      if (flags !== undefined) expect(m.cpu.getRflags() & ARITH).toBe(flags);
    });

    it('the pushed doubleword is at SS:ESP-4 (flat SS)', () => {
      const m = new Machine();
      runCompat([0x50], { path, regs: { [RAX]: 0x1122334455667788n } }, m);
      expect(m.mem.read32(phys(m, STACK - 4)) >>> 0).toBe(0x55667788);
      expect(m.mem.read32(phys(m, STACK - 8)) >>> 0).toBe(0);
      expect(m.cpu.getReg64(RSP)).toBe(BigInt(STACK - 4));
    });
  });

  it('EA, 9A, FF /5 and FF /3 set the accessed bit of the code descriptor they load (segmentation.ts markAccessed)', () => {
    const forms = [[0xea, ...le32(CODE32_START + 7), 0x38, 0x00], [0x9a, ...le32(CODE32_START + 7), 0x38, 0x00],
      [0xff, 0x2b, 0x90, 0x90, 0x90, 0x90, 0x90], [0xff, 0x1b, 0x90, 0x90, 0x90, 0x90, 0x90]]; // ljmp/lcall *(%ebx)
    for (const code of forms) {
      const m = new Machine();
      m.mem.u8.set([...le32(CODE32_START + 7), 0x38, 0], phys(m, DATA32));
      const { r } = runCompat(code, { path, gdt: { 0x38: descriptor(0, 0xfffff, 0xc09a) }, regs: { 3: BigInt(DATA32) } }, m);
      expect(outcome(r)).toBe('ok');
      expect([m.cpu.segSel[SEG_CS], m.mem.u8[m.gdtPhys + 0x38 + 5]! & 1]).toEqual([0x38, 1]);
    }
  });

  it('PUSHAD writes EAX ECX EDX EBX ESP EBP ESI EDI downwards from ESP - 4', () => {
    const m = new Machine();
    const regs = { [RAX]: 0xa0n, [RCX]: 0xc1n, [RDX]: 0xd2n, [RBX]: 0xb3n, [RBP]: 0xb5n, [RSI]: 0x56n, [RDI]: 0xd7n };
    expect(outcome(runCompat([0x60], { path, regs }, m).r)).toBe('ok');
    const words = Array.from({ length: 8 }, (_, k) => m.mem.read32(phys(m, STACK - 4 - 4 * k)) >>> 0);
    expect(words).toEqual([0xa0, 0xc1, 0xd2, 0xb3, STACK, 0xb5, 0x56, 0xd7]);
    expect(m.cpu.getReg64(RSP)).toBe(BigInt(STACK - 32));
  });

  it('POP DS loads the descriptor (its limit applies next); POP SS of a null selector is #GP(0), ESP unchanged', () => {
    const lim = { gdt: { 0x38: DATA_SEG(DATA32, 0xff, 0x4093) } };
    const popDs = [0x6a, 0x38, 0x1f];
    expect(outcome(runCompat([...popDs, 0x8b, 0x08], { path, ...lim, regs: { [RAX]: 0xfcn } }).r)).toBe('ok');
    expect(outcome(runCompat([...popDs, 0x8b, 0x08], { path, ...lim, regs: { [RAX]: 0xfdn } }).r)).toBe('#GP(0)');
    const { m, r } = runCompat([0x6a, 0x00, 0x17], { path });
    expect(outcome(r)).toBe('#GP(0)');
    expect([m.cpu.rip, m.cpu.getReg64(RSP)]).toEqual([CODE32_START + 2, BigInt(STACK - 4)]);
  });

  it('INTO: nothing with OF = 0; with OF = 1 #OF as a trap (RIP after INTO)', () => {
    expect(outcome(runCompat([0x31, 0xc0, 0xce], { path }).r)).toBe('ok');
    const { m, r } = runCompat([0xb8, ...le32(0x7fffffff), 0x40, 0xce], { path });
    expect(outcome(r)).toBe('#OF');
    expect(m.cpu.rip).toBe(CODE32_START + 7);
  });

  it('BOUND: a signed index outside [lower, upper] is #BR (a fault, RIP of BOUND); 66: word bounds; the register form #UD', () => {
    const cases: [number[], bigint, string][] = [
      [[0x62, 0x08], 10n, 'ok'], [[0x62, 0x08], 11n, '#BR'], [[0x62, 0x08], 0xffffffffn, 'ok'], [[0x62, 0x08], 0xfffffffen, '#BR'],
      [[0x66, 0x62, 0x08], 0xffffn, 'ok'], [[0x66, 0x62, 0x08], 0n, '#BR'], [[0x62, 0xc8], 0n, '#UD'],
    ];
    for (const [code, ecx, want] of cases) {
      const m = new Machine();
      m.mem.write32(phys(m, DATA32), -1);
      m.mem.write32(phys(m, DATA32 + 4), 10);
      const { r } = runCompat(code, { path, regs: { [RAX]: BigInt(DATA32), [RCX]: ecx } }, m);
      expect(`${code} ecx=${ecx}: ${outcome(r)}`).toBe(`${code} ecx=${ecx}: ${want}`);
      if (want !== 'ok') expect(m.cpu.rip).toBe(CODE32_START);
    }
  });

  describe('rows of 32-bit code', () => {
    const ud: [string, number[]][] = [
      ['0F 01 F8 SWAPGS (64-bit mode only)', [0x0f, 0x01, 0xf8]],
      ['F3 0F AE C0 RDFSBASE (64-bit mode only)', [0xf3, 0x0f, 0xae, 0xc0]],
      ['F0 40: LOCK INC EAX (a register)', [0xf0, 0x40]],
      ['0F 0B UD2', [0x0f, 0x0b]],
    ];
    it.each(ud)('%s → #UD', (_name, code) => {
      const { m, r } = runCompat(code, { path, setup: (mm) => { mm.cpu.cr4 |= 0x10000; } });
      expect(outcome(r)).toBe('#UD');
      expect(m.cpu.rip).toBe(CODE32_START);
    });

    it('EA/9A: a null selector is #GP(0), a data segment #GP(sel), a target beyond the CS limit #GP(0), a call gate whose upper half passes the GDT limit #GP(gate)', () => {
      const ea = (sel: number, off = CODE32_START) => [0xea, ...le32(off), sel & 0xff, sel >> 8];
      expect(outcome(runCompat(ea(0), { path }).r)).toBe('#GP(0)');
      expect(outcome(runCompat(ea(0x10), { path }).r)).toBe('#GP(10)');
      expect(outcome(runCompat(ea(0x38), { path, gdt: { 0x38: descriptor(0, 0xff, 0x409b) } }).r)).toBe('#GP(0)');
      expect(outcome(runCompat(ea(0x38), { path, gdt: { 0x38: descriptor(0, 0, 0x8c) } }).r)).toBe('#GP(38)');
      const call = runCompat([0x9a, ...le32(CODE32_START), 0x30, 0], { path, regs: { [RSP]: 0x10000000n } });
      expect([outcome(call.r), call.r.cr2, call.m.cpu.getReg64(RSP)]).toEqual(['#PF(2)', 0x10000000 - 4, 0x10000000n]);
    });

  });

  describe('segmentation (SDM Vol. 3A §5.3, §5.4.1)', () => {
    const READ = [0x8b, 0x08];        // mov (%eax), %ecx
    const WRITE = [0x89, 0x08];       // mov %ecx, (%eax)
    const WRITE8 = [0x88, 0x08];      // mov %cl, (%eax)
    const RMW = [0x01, 0x08];         // add %ecx, (%eax)
    const cases: [string, bigint | undefined, number, number[], number, string][] = [
      // name, descriptor at 0x38 (DS = ES = 0x38) or undefined (the flat 0x10), EAX, code, ECX out (when ok), outcome
      ['expand-up, limit 0xff: the last dword', DATA_SEG(DATA32, 0xff, 0x4093), 0xfc, READ, 0, 'ok'],
      ['expand-up, limit 0xff: one byte past', DATA_SEG(DATA32, 0xff, 0x4093), 0xfd, READ, 0, '#GP(0)'],
      ['expand-up, limit 0xff: a byte write at the limit', DATA_SEG(DATA32, 0xff, 0x4093), 0xff, WRITE8, 0, 'ok'],
      ['the base applies: offset 0 is DATA32', DATA_SEG(DATA32, 0xff, 0x4093), 0, READ, 0xcafef00d, 'ok'],
      ['read-only data: read', DATA_SEG(DATA32, 0xff, 0x4091), 0, READ, 0xcafef00d, 'ok'],
      ['read-only data: write', DATA_SEG(DATA32, 0xff, 0x4091), 0, WRITE, 0, '#GP(0)'],
      ['read-only data: read-modify-write', DATA_SEG(DATA32, 0xff, 0x4091), 0, RMW, 0, '#GP(0)'],
      ['expand-down (B = 1), limit 0xfff: offset 0xfff', DATA_SEG(DATA32 - 0x1000, 0xfff, 0x4097), 0xfff, READ, 0, '#GP(0)'],
      ['expand-down (B = 1), limit 0xfff: offset 0x1000', DATA_SEG(DATA32 - 0x1000, 0xfff, 0x4097), 0x1000, READ, 0xcafef00d, 'ok'],
      ['expand-down (B = 0): the dword at 0xfffc', DATA_SEG(DATA32 - 0xfffc, 0xfff, 0x0097), 0xfffc, READ, 0xcafef00d, 'ok'],
      ['expand-down (B = 0): a dword at 0xfffd passes 0xffff', DATA_SEG(DATA32 - 0xfffc, 0xfff, 0x0097), 0xfffd, READ, 0, '#GP(0)'],
      ['base 0xfff00000, 4 GiB: linear = base + offset mod 2^32', DATA_SEG(0xfff00000, 0xfffff, 0xc093), DATA32 + 0x100000, READ, 0xcafef00d, 'ok'],
      ['flat DS: an unmapped offset is #PF', undefined, 0x10000000, READ, 0, '#PF(0)'],
    ];
    it.each(cases)('%s → %s', (_name, desc, eax, code, ecx, want) => {
      const m = new Machine();
      m.mem.write32(phys(m, DATA32), 0xcafef00d);
      const o = desc === undefined ? {} : { ds: 0x38, gdt: { 0x38: desc } };
      const { r } = runCompat(code, { path, ...o, regs: { [RAX]: BigInt(eax) } }, m);
      expect(outcome(r)).toBe(want);
      if (want === 'ok' && ecx) expect(Number(m.cpu.getReg64(RCX))).toBe(ecx);
      if (want !== 'ok') expect(m.cpu.rip).toBe(CODE32_START);
      if (want === '#PF(0)') expect(r.cr2).toBe(0x10000000);
    });

    it('a null DS, and an override to a null FS, are #GP(0); an ES override uses ES', () => {
      expect(outcome(runCompat(READ, { path, ds: 0, regs: { [RAX]: BigInt(DATA32) } }).r)).toBe('#GP(0)');
      expect(outcome(runCompat([0x64, ...READ], { path, regs: { [RAX]: BigInt(DATA32) } }).r)).toBe('#GP(0)');
      // ES = DS = 0x38 (limit 0xff); then DS is reloaded flat (MOV DS, from 32-bit code): ES still limits.
      const code = [0xba, ...le32(0x10), 0x8e, 0xda, ...READ, 0x26, ...READ];
      const { r } = runCompat(code, { path, ds: 0x38, gdt: { 0x38: DATA_SEG(0, 0xff, 0x4093) }, regs: { [RAX]: BigInt(DATA32) } });
      expect(outcome(r)).toBe('#GP(0)');
    });

    it('CS overrides read the code segment; an execute-only one is #GP(0)', () => {
      const m = new Machine();
      expect(outcome(runCompat([0x2e, ...READ], { path, regs: { [RAX]: BigInt(CODE) } }, m).r)).toBe('ok');
      expect(Number(m.cpu.getReg64(RCX)) >>> 0).toBe(0x0010b841); // 41 b8 10 00: the prologue's first bytes
      expect(outcome(runCompat([0x2e, ...READ], { path, cs: descriptor(0, 0xfffff, 0xc099), regs: { [RAX]: BigInt(CODE) } }).r)).toBe('#GP(0)');
      expect(outcome(runCompat([0x2e, ...WRITE], { path, regs: { [RAX]: BigInt(CODE) } }).r)).toBe('#GP(0)');
    });

    it('SS: EBP-based operands and pushes check the SS limit (#SS(0)); MOV SS of a null selector is #GP(0)', () => {
      const ss = DATA_SEG(DATA32, 0xff, 0x4093);
      const loadSs = [0xba, ...le32(0x38), 0x8e, 0xd2];            // mov $0x38, %edx; mov %edx, %ss
      const go = (code: number[], regs: Record<number, bigint>) => runCompat([...loadSs, ...code], { path, gdt: { 0x38: ss }, regs });
      expect(outcome(go([0x8b, 0x4d, 0x00], { [RBP]: 0xfcn }).r)).toBe('ok');       // mov (%ebp), %ecx
      expect(outcome(go([0x8b, 0x4d, 0x00], { [RBP]: 0xfdn }).r)).toBe('#SS(0)');
      expect(outcome(go([0x8b, 0x0c, 0x24], { [RSP]: 0xfdn }).r)).toBe('#SS(0)');   // mov (%esp), %ecx
      expect(outcome(go([0x3e, 0x8b, 0x4d, 0x00], { [RBP]: BigInt(DATA32 + 0xfd) }).r)).toBe('ok'); // DS override: flat DS
      const { m, r } = go([0x50], { [RSP]: 2n });                                    // push: ESP - 4 wraps past the limit
      expect(outcome(r)).toBe('#SS(0)');
      expect(m.cpu.getReg64(RSP)).toBe(2n);
      const p = go([0x50], { [RSP]: 0x100n });
      expect(outcome(p.r)).toBe('ok');
      expect(p.m.mem.read32(phys(p.m, DATA32 + 0xfc)) >>> 0).toBe(0);
      expect(p.m.cpu.getReg64(RSP)).toBe(0xfcn);
      expect(outcome(runCompat([0x31, 0xd2, 0x8e, 0xd2], { path }).r)).toBe('#GP(0)');
      expect(m.cpu.segSel[SEG_SS]).toBe(0x38);
    });
  });

  describe('the CS limit (SDM Vol. 3A §5.3; JMP/CALL/RET "not within code segment limit")', () => {
    const LIMITED = descriptor(0, 0x400, 0xc09b); // G = 1: limit 0x400fff
    const at = (code: number[], place: Record<number, number[]>): number[] => {
      const out = new Array<number>(0x1000 - 11 + 16).fill(0x90);
      code.forEach((b, k) => { out[k] = b; });
      for (const [eip, bytes] of Object.entries(place)) bytes.forEach((b, k) => { out[Number(eip) - CODE32_START + k] = b; });
      return out;
    };
    const jmpTo = (eip: number) => [0xe9, ...le32(eip - (CODE32_START + 5))];
    it.each([
      ['JMP rel32 to the limit + 1', [...jmpTo(0x401000)], {}, CODE32_START, '#GP(0)'],
      ['JMP *%eax beyond the limit', [0xb8, ...le32(0x500000), 0xff, 0xe0], {}, CODE32_START + 5, '#GP(0)'],
      ['CALL beyond the limit: nothing pushed', [...jmpTo(0x400ff0)], { 0x400ff0: [0xe8, ...le32(0x10)] }, 0x400ff0, '#GP(0)'],
      ['RET to beyond the limit', [0x68, ...le32(0x401000), 0xc3], {}, CODE32_START + 5, '#GP(0)'],
      ['a fetch whose last byte passes the limit', [...jmpTo(0x400ffc)], { 0x400ffc: [0xb8, 1, 2, 3, 4] }, 0x400ffc, '#GP(0)'],
      ['an instruction ending at the limit runs; the next fetch faults', [...jmpTo(0x400ffb)], { 0x400ffb: [0xb8, 1, 2, 3, 4] }, 0x401000, '#GP(0)'],
    ] as [string, number[], Record<number, number[]>, number, string][])('%s', (_name, code, place, rip, want) => {
      const { m, r } = runCompat(at(code, place), { path, cs: LIMITED });
      expect(outcome(r)).toBe(want);
      expect(m.cpu.rip).toBe(rip);
      expect(m.cpu.getReg64(RSP)).toBe(BigInt(rip === CODE32_START + 5 && code[0] === 0x68 ? STACK - 4 : STACK));
    });
  });

  it('the decoded-code cache keys on the mode: the same bytes run as 64-bit, then as 32-bit code', () => {
    // CODE: 48 83 C0 10 (64-bit: add $16, %rax; 32-bit: dec %eax; add $16, %eax), CC, then the prologue to CODE.
    const m = new Machine();
    const pa = phys(m, 0x600000);
    m.mem.write32(pa, CODE); m.mem.write16(pa + 4, 0x30);
    m.mem.write64(m.gdtPhys + 0x30, CODE32);
    const code = [0x48, 0x83, 0xc0, 0x10, 0xcc, 0xb9, 0x10, 0, 0, 0, 0x8e, 0xd9, 0xff, 0x2b];
    let r = m.run(code, { path, regs: { [RAX]: 0x1_00000000n, [RBX]: 0x600000n } });
    expect([outcome(r), m.cpu.getReg64(RAX)]).toEqual(['#BP', 0x1_00000010n]);
    r = m.resume();
    expect([outcome(r), m.cpu.segSel[SEG_CS], m.cpu.rip, m.cpu.getReg64(RAX)]).toEqual(['#BP', 0x30, CODE + 5, 0x1fn]);
  });

  describe('events from compatibility mode (64-bit IDT, 64-bit frame)', () => {
    /** 32-bit `code` at CPL 3, then a JMP to the end; the 64-bit `handler` at HANDLER (the Machine rewrites its code pages). */
    const withHandler = (code: number[], handler: number[]): number[] => {
      const out = new Array<number>(HANDLER - CODE32_START).fill(0xcc);
      const end = HANDLER + handler.length;
      [...code, 0xe9, ...le32(end - (CODE32_START + code.length + 5))].forEach((b, k) => { out[k] = b; });
      return [...out, ...handler];
    };
    const user = (code: number[], setup: (m: Machine) => void, handler: number[] = [0xf4], vendor: 'amd' | 'intel' = 'amd') => {
      const m = new Machine(undefined, vendor);
      setTss(m, { rsp: [0x801800] });
      return runCompat(withHandler(code, handler), { path, cpl: 3, setup, regs: { [RSP]: 0xdead0000_00801f00n } }, m);
    };

    it('INT 0x80 at CPL 3: RSP0 stack, frame RIP (EIP, zero-extended), CS 0x1b, RFLAGS, RSP, SS 0x23', () => {
      const { m, r } = user([0x40, 0xcd, 0x80], (mm) => setGate(mm, 0x80, { dpl: 3 }));
      expect(r.outcome).toBe('halt');
      expect(m.cpu.cpl).toBe(0);
      expect(frame(m, 5)).toEqual([BigInt(CODE32_START + 3), 0x1bn, 0x2n, 0xdead0000_00801f00n, 0x23n]);
    });

    it('IRETQ back to compatibility mode continues the 32-bit code', () => {
      const { m, r } = user([0xcd, 0x80, 0x40, 0x50], (mm) => setGate(mm, 0x80, { dpl: 3 }), [0x48, 0xcf]);
      expect(outcome(r)).toBe('ok');
      expect([m.cpu.cpl, m.cpu.segSel[SEG_CS], m.cpu.getReg64(RAX)]).toEqual([3, 0x1b, 1n]);
      expect(m.cpu.getReg64(RSP)).toBe(0x801efcn); // PUSH wrote ESP (32-bit), clearing RSP's upper half
    });

    it('#GP(0) from a null DS at CPL 3: error code 0, RIP of the faulting instruction', () => {
      // DS = 0x23 (the prologue's) reads fine; after loading a null DS the read is #GP(0).
      expect(outcome(user([0xb8, ...le32(DATA32), 0x8b, 0x08], (mm) => setGate(mm, 13)).r)).toBe('ok');
      const n = user([0x31, 0xd2, 0x8e, 0xda, 0x8b, 0x08], (mm) => setGate(mm, 13));
      expect(n.r.outcome).toBe('halt');
      expect(frame(n.m, 6)).toEqual([0n, BigInt(CODE32_START + 4), 0x1bn, 0x10046n, 0xdead0000_00801f00n, 0x23n]);
    });

    it('#PF from compatibility mode: CR2 = the 32-bit linear address, U/S in the error code', () => {
      const { m, r } = user([0xb8, ...le32(0x10000000), 0x8b, 0x08], (mm) => setGate(mm, 14));
      expect(r.outcome).toBe('halt');
      expect(m.cpu.cr2).toBe(0x10000000);
      expect(frame(m, 2)).toEqual([4n, BigInt(CODE32_START + 5)]);
    });

    it('SYSCALL from compatibility mode: AMD jumps to CSTAR (RCX = EIP, CS from STAR), Intel raises #UD', () => {
      for (const vendor of ['amd', 'intel'] as const) {
        const { m, r } = user([0x0f, 0x05], (mm) => {
          mm.cpu.msrs.set(0xc0000081, 0x0018000800000000n);   // STAR: CS 0x08
          mm.cpu.msrs.set(0xc0000083, BigInt(HANDLER));       // CSTAR
          mm.cpu.msrs.set(0xc0000082, 0x12345n);              // LSTAR (not taken)
        }, [0xf4], vendor);
        if (vendor === 'amd') {
          expect(r.outcome, vendor).toBe('halt');
          expect([m.cpu.segSel[SEG_CS], m.cpu.cpl, m.cpu.getReg64(RCX)], vendor).toEqual([0x08, 0, BigInt(CODE32_START + 2)]);
        } else {
          expect(outcome(r), vendor).toBe('#UD');
          expect([m.cpu.segSel[SEG_CS], m.cpu.rip], vendor).toEqual([0x1b, CODE32_START]);
        }
      }
    });
  });
});
