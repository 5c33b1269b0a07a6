// 32-bit code in compatibility mode: BT* with a memory operand (the unit the bit
// offset selects is limit-checked), MOV Sreg to memory (a word), CMPXCHG8B,
// PUSH/POP FS/GS, ENTER (nesting levels, the SS limit), LSS/LFS/LGS (m16:32,
// m16:16) and ARPL (SDM Vol. 2 entries; Vol. 3A §5.3 limit checks). Expected
// values worked out by hand; DS = ES = 0x38 (base DATA32, limit 0xff) unless noted.
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import { CODE32_START, DATA32, runCompat } from './helpers/compat.js';
import { RAX, RCX, RDX, RSP, RSI, SEG_FS, SEG_GS, SEG_SS, Machine, descriptor, le32, outcome, phys } from './helpers/system.js';

const RBX = 3, RBP = 5;
const CF = 1, ZF = 0x40;
const STACK = 0x801f00; // the Machine's initial RSP
const RW = descriptor(DATA32, 0xff, 0x4093), RO = descriptor(DATA32, 0xff, 0x4091);
const LOAD_SS = [0xba, ...le32(0x38), 0x8e, 0xd2]; // mov $0x38,%edx; mov %edx,%ss
const LOAD_FS = [0xba, ...le32(0x38), 0x8e, 0xe2]; // mov $0x38,%edx; mov %edx,%fs

interface Case {
  name: string; code: number[]; seg?: bigint; regs: Record<number, bigint>; pre?: [number, number[]];
  want: string; at?: number; out: Record<number, bigint>; mem?: [number, number[]]; flags?: [number, number];
}
const cases: Case[] = [
  // BT family: the dword at 0 is 0x13121110, at 8 0x1b1a1918.
  { name: '0F A3 08 BT %ecx,(%eax): bit 8', code: [0x0f, 0xa3, 0x08], regs: { [RAX]: 0n, [RCX]: 8n }, want: 'ok', out: {}, flags: [CF, CF] },
  { name: 'BT: bit offset 0x4b is bit 11 of the dword at 8', code: [0x0f, 0xa3, 0x08], regs: { [RAX]: 0n, [RCX]: 0x4bn }, want: 'ok', out: {}, flags: [CF, CF] },
  { name: 'BT: bit offset 0x49 is bit 9 of the dword at 8 (clear)', code: [0x0f, 0xa3, 0x08], regs: { [RAX]: 0n, [RCX]: 0x49n }, want: 'ok', out: {}, flags: [CF, 0] },
  { name: 'BT: offset -4 is bit 28 of the dword at EAX - 4', code: [0x0f, 0xa3, 0x08], regs: { [RAX]: 4n, [RCX]: 0xfffffffcn }, want: 'ok', out: {}, flags: [CF, CF] },
  { name: 'BT: the unit at 0xf0 + 0x10 passes the limit → #GP(0)', code: [0x0f, 0xa3, 0x08], regs: { [RAX]: 0xf0n, [RCX]: 0x80n }, want: '#GP(0)', out: {} },
  { name: 'BT: the unit at 0xf0 + 0xc is the last dword', code: [0x0f, 0xa3, 0x08], regs: { [RAX]: 0xf0n, [RCX]: 0x60n }, want: 'ok', out: {}, flags: [CF, 0] },
  { name: '0F BA 20 3F BT $63,(%eax): the immediate is mod 32, no move', code: [0x0f, 0xba, 0x20, 0x3f], regs: { [RAX]: 0xfcn }, want: 'ok', out: {}, flags: [CF, 0] },
  { name: '0F AB 08 BTS: offset 0x21 sets bit 1 of the dword at 0x84', code: [0x0f, 0xab, 0x08], regs: { [RAX]: 0x80n, [RCX]: 0x21n }, want: 'ok', out: {}, mem: [0x84, [0x02, 0]], flags: [CF, 0] },
  { name: 'BTS to a read-only DS is #GP(0); BT reads it', code: [0x0f, 0xab, 0x08], seg: RO, regs: { [RAX]: 0n, [RCX]: 0n }, want: '#GP(0)', out: {} },
  { name: 'BT on a read-only DS', code: [0x0f, 0xa3, 0x08], seg: RO, regs: { [RAX]: 0n, [RCX]: 4n }, want: 'ok', out: {}, flags: [CF, CF] },
  { name: '66 0F A3 08 BT 16-bit: CX = -1 is bit 15 of the word at EAX - 2', code: [0x66, 0x0f, 0xa3, 0x08], regs: { [RAX]: 2n, [RCX]: 0x1234ffffn }, want: 'ok', out: {}, flags: [CF, 0] },
  // MOV Sreg to memory: a word.
  { name: '8C 18 MOV %ds,(%eax): a word at 0xfe', code: [0x8c, 0x18], regs: { [RAX]: 0xfen }, want: 'ok', out: {}, mem: [0xfc, [0, 0, 0x38, 0]] },
  { name: '8C 18 at 0xff passes the limit → #GP(0)', code: [0x8c, 0x18], regs: { [RAX]: 0xffn }, want: '#GP(0)', out: {} },
  { name: '8C 18 to a read-only DS → #GP(0)', code: [0x8c, 0x18], seg: RO, regs: { [RAX]: 0n }, want: '#GP(0)', out: {} },
  // CMPXCHG8B (%esi).
  { name: '0F C7 0E CMPXCHG8B equal: ECX:EBX stored, ZF = 1', code: [0x0f, 0xc7, 0x0e], regs: { [RSI]: 0n, [RAX]: 0x13121110n, [RDX]: 0x17161514n, [RBX]: 0xaabbccddn, [RCX]: 0x11223344n }, want: 'ok', out: {}, mem: [0, [0xdd, 0xcc, 0xbb, 0xaa, 0x44, 0x33, 0x22, 0x11]], flags: [ZF, ZF] },
  { name: 'CMPXCHG8B not equal: EDX:EAX loaded, ZF = 0', code: [0x0f, 0xc7, 0x0e], regs: { [RSI]: 0n, [RAX]: 0n, [RDX]: 0n }, want: 'ok', out: { [RAX]: 0x13121110n, [RDX]: 0x17161514n }, flags: [ZF, 0] },
  { name: 'CMPXCHG8B at 0xf9: the qword passes the limit → #GP(0)', code: [0x0f, 0xc7, 0x0e], regs: { [RSI]: 0xf9n, [RAX]: 5n }, want: '#GP(0)', out: { [RAX]: 5n } },
  { name: 'CMPXCHG8B to a read-only DS → #GP(0)', code: [0x0f, 0xc7, 0x0e], seg: RO, regs: { [RSI]: 0n }, want: '#GP(0)', out: {} },
  // PUSH/POP FS/GS.
  { name: '0F A0 59 PUSH FS / POP ECX', code: [...LOAD_FS, 0x0f, 0xa0, 0x59], regs: { [RCX]: -1n }, want: 'ok', out: { [RCX]: 0x38n, [RSP]: BigInt(STACK) } },
  { name: '66 0F A0 66 59 PUSH FS / POP CX: two bytes', code: [...LOAD_FS, 0x66, 0x0f, 0xa0, 0x66, 0x59], regs: { [RCX]: 0x12345678n }, want: 'ok', out: { [RCX]: 0x12340038n, [RSP]: BigInt(STACK) } },
  { name: '6A 38 0F A9 65 8B 00: POP GS loads 0x38, its base applies', code: [0x6a, 0x38, 0x0f, 0xa9, 0x65, 0x8b, 0x00], regs: { [RAX]: 4n }, want: 'ok', out: { [RAX]: 0x17161514n, [RSP]: BigInt(STACK) } },
  { name: '6A 40 0F A1 POP FS beyond the GDT → #GP(0x40), ESP unchanged', code: [0x6a, 0x40, 0x0f, 0xa1], regs: {}, want: '#GP(40)', at: 2, out: { [RSP]: BigInt(STACK - 4) } },
  // ENTER.
  { name: 'C8 08 00 00 ENTER 8, 0', code: [0xc8, 8, 0, 0], regs: { [RBP]: 0x1234n }, want: 'ok', out: { [RBP]: BigInt(STACK - 4), [RSP]: BigInt(STACK - 12) } },
  { name: 'C8 00 00 01 ENTER 0, 1 pushes the frame pointer', code: [0xc8, 0, 0, 1], regs: { [RBP]: 0x1234n }, want: 'ok', out: { [RBP]: BigInt(STACK - 4), [RSP]: BigInt(STACK - 8) } },
  { name: 'C8 04 00 03 ENTER 4, 3 copies two frame pointers from SS:[EBP - 4], [EBP - 8]', code: [0xc8, 4, 0, 3], regs: { [RBP]: BigInt(STACK - 0x40) }, want: 'ok', out: { [RBP]: BigInt(STACK - 4), [RSP]: BigInt(STACK - 20) } },
  { name: '66 C8 02 00 00 ENTER 2, 0 (16-bit): BP = the frame, bits 31:16 kept', code: [0x66, 0xc8, 2, 0, 0], regs: { [RBP]: 0xabcd1234n }, want: 'ok', out: { [RBP]: BigInt((0xabcd0000 | ((STACK - 2) & 0xffff)) >>> 0), [RSP]: BigInt(STACK - 4) } },
  { name: 'ENTER 8, 0 in a 0x100-byte SS', code: [...LOAD_SS, 0xc8, 8, 0, 0], regs: { [RSP]: 0x100n, [RBP]: 7n }, want: 'ok', out: { [RBP]: 0xfcn, [RSP]: 0xf4n }, mem: [0xfc, [7, 0, 0, 0]] },
  { name: 'ENTER 0x200, 0: the new ESP is outside SS → #SS(0), ESP and EBP unchanged', code: [...LOAD_SS, 0xc8, 0, 2, 0], regs: { [RSP]: 0x100n, [RBP]: 7n }, want: '#SS(0)', at: 7, out: { [RBP]: 7n, [RSP]: 0x100n } },
  { name: 'ENTER 0, 2: the frame pointer read at EBP - 4 = 0xfffffffc is outside SS → #SS(0)', code: [...LOAD_SS, 0xc8, 0, 0, 2], regs: { [RSP]: 0x100n, [RBP]: 0n }, want: '#SS(0)', at: 7, out: { [RBP]: 0n, [RSP]: 0x100n } },
  // LSS/LFS/LGS (the pointer at 0x80: offset 0x11223344, selector 0x38).
  { name: '0F B4 00 LFS (%eax): EAX = the offset, FS = 0x38', code: [0x0f, 0xb4, 0x00], pre: [0x80, [0x44, 0x33, 0x22, 0x11, 0x38, 0]], regs: { [RAX]: 0x80n }, want: 'ok', out: { [RAX]: 0x11223344n } },
  { name: 'LFS at 0xfa: the 6 bytes end at the limit', code: [0x0f, 0xb4, 0x00], pre: [0xfa, [1, 0, 0, 0, 0x38, 0]], regs: { [RAX]: 0xfan }, want: 'ok', out: { [RAX]: 1n } },
  { name: 'LFS at 0xfb passes the limit → #GP(0)', code: [0x0f, 0xb4, 0x00], regs: { [RAX]: 0xfbn }, want: '#GP(0)', out: { [RAX]: 0xfbn } },
  { name: '66 0F B5 00 LGS m16:16 at 0xfc', code: [0x66, 0x0f, 0xb5, 0x00], pre: [0xfc, [0x34, 0x12, 0x38, 0]], regs: { [RAX]: 0xfcn }, want: 'ok', out: { [RAX]: 0x1234n } },
  { name: '0F B2 00 LSS of a null selector → #GP(0)', code: [0x0f, 0xb2, 0x00], pre: [0x80, [0, 0, 0, 0, 0, 0]], regs: { [RAX]: 0x80n }, want: '#GP(0)', out: { [RAX]: 0x80n } },
  { name: '0F B2 00 LSS: SS = 0x38, ESP = the offset', code: [0x0f, 0xb2, 0x20], pre: [0x80, [0x80, 0, 0, 0, 0x38, 0]], regs: { [RAX]: 0x80n, [RSP]: -1n }, want: 'ok', out: { [RSP]: 0x80n } },
  // LES/LDS (C4/C5 with a memory operand; with mod = 3 they are VEX: #UD without AVX).
  { name: 'C4 18 LES (%eax),%ebx: EBX = the offset; ES:(%edi) then reads through 0x38', code: [0xc4, 0x18, 0x26, 0x8b, 0x0f], pre: [0x80, [0x44, 0x33, 0x22, 0x11, 0x38, 0]], regs: { [RAX]: 0x80n, [7]: 4n }, want: 'ok', out: { [RBX]: 0x11223344n, [RCX]: 0x17161514n } },
  { name: '66 C5 18 LDS m16:16: BX = the offset, bits 31:16 kept', code: [0x66, 0xc5, 0x18], pre: [0x80, [0x34, 0x12, 0x38, 0]], regs: { [RAX]: 0x80n, [RBX]: 0xaaaabbbbn }, want: 'ok', out: { [RBX]: 0xaaaa1234n } },
  { name: 'C5 18 LDS of a null selector is legal; the next DS access → #GP(0)', code: [0xc5, 0x18, 0x8b, 0x00], pre: [0x80, [1, 0, 0, 0, 0, 0]], regs: { [RAX]: 0x80n }, want: '#GP(0)', at: 2, out: { [RBX]: 1n } },
  { name: 'C4 18 LES at 0xfb passes the limit → #GP(0), EBX unchanged', code: [0xc4, 0x18], regs: { [RAX]: 0xfbn, [RBX]: 9n }, want: '#GP(0)', out: { [RBX]: 9n } },
  { name: 'C4 18 LES of a selector beyond the GDT → #GP(0x40)', code: [0xc4, 0x18], pre: [0x80, [1, 0, 0, 0, 0x40, 0]], regs: { [RAX]: 0x80n, [RBX]: 9n }, want: '#GP(40)', out: { [RBX]: 9n } },
  { name: 'C5 C0 (mod = 3) is VEX → #UD', code: [0xc5, 0xc0, 0x90], regs: {}, want: '#UD', out: {} },
  // ARPL Ew, Gw.
  { name: '63 C8 ARPL %cx,%ax raises RPL 0 to 3, ZF = 1', code: [0x63, 0xc8], regs: { [RAX]: 0xffff0010n, [RCX]: 3n }, want: 'ok', out: { [RAX]: 0xffff0013n }, flags: [ZF, ZF] },
  { name: '63 C8 ARPL: RPL 3 ≥ 1, unchanged, ZF = 0', code: [0x63, 0xc8], regs: { [RAX]: 0x13n, [RCX]: 1n }, want: 'ok', out: { [RAX]: 0x13n }, flags: [ZF, 0] },
  { name: '63 08 ARPL %cx,(%eax)', code: [0x63, 0x08], pre: [0x80, [0x38, 0]], regs: { [RAX]: 0x80n, [RCX]: 2n }, want: 'ok', out: {}, mem: [0x80, [0x3a, 0]], flags: [ZF, ZF] },
  { name: '63 08 ARPL to a read-only DS → #GP(0) even with no change', code: [0x63, 0x08], seg: RO, regs: { [RAX]: 0n, [RCX]: 0n }, want: '#GP(0)', out: {} },
  { name: '63 08 ARPL at 0xff passes the limit → #GP(0)', code: [0x63, 0x08], regs: { [RAX]: 0xffn, [RCX]: 0n }, want: '#GP(0)', out: {} },
];

describe.each(EXECUTION_PATHS)('more 32-bit code (%s path)', (path) => {
  it.each(cases)('$name → $want', (k) => {
    const m = new Machine();
    const pa = phys(m, DATA32);
    for (let b = 0; b < 16; b++) m.mem.u8[pa + b] = 0x10 + b;
    if (k.pre) m.mem.u8.set(k.pre[1], pa + k.pre[0]);
    m.mem.write32(phys(m, STACK - 0x44), 0xaaaa); m.mem.write32(phys(m, STACK - 0x48), 0xbbbb);
    const { r } = runCompat(k.code, { path, ds: 0x38, gdt: { 0x38: k.seg ?? RW }, regs: k.regs }, m);
    expect(outcome(r)).toBe(k.want);
    if (k.want !== 'ok') expect(m.cpu.rip).toBe(CODE32_START + (k.at ?? 0));
    for (const [reg, v] of Object.entries(k.out)) expect(`r${reg}=${m.cpu.getReg64(Number(reg)).toString(16)}`).toBe(`r${reg}=${BigInt.asUintN(64, v).toString(16)}`);
    if (k.mem) expect([...m.mem.u8.subarray(pa + k.mem[0], pa + k.mem[0] + k.mem[1].length)]).toEqual(k.mem[1]);
    if (k.flags) expect(m.cpu.getRflags() & k.flags[0]).toBe(k.flags[1]);
  });

  it('ENTER 4, 3 writes EBP, the two copied frame pointers and the frame', () => {
    const m = new Machine();
    m.mem.write32(phys(m, STACK - 0x44), 0xaaaa); m.mem.write32(phys(m, STACK - 0x48), 0xbbbb);
    runCompat([0xc8, 4, 0, 3], { path, regs: { [RBP]: BigInt(STACK - 0x40) } }, m);
    expect([16, 12, 8, 4].map((d) => m.mem.read32(phys(m, STACK - d)) >>> 0)).toEqual([STACK - 4, 0xbbbb, 0xaaaa, STACK - 0x40]);
  });

  it('LFS/LGS/LSS load the selector and the descriptor base', () => {
    const m = new Machine();
    m.mem.u8.set([0x80, 0, 0, 0, 0x38, 0], phys(m, DATA32 + 0x80));
    runCompat([0x0f, 0xb5, 0x00, 0x0f, 0xb2, 0x20], { path, ds: 0x38, gdt: { 0x38: RW }, regs: { [RAX]: 0x80n } }, m);
    expect([m.cpu.segSel[SEG_GS], m.cpu.segBase[SEG_GS], m.cpu.segSel[SEG_SS], m.cpu.segBase[SEG_SS], m.cpu.segSel[SEG_FS]]).toEqual([0x38, DATA32, 0x38, DATA32, m.cpu.segSel[SEG_FS]]);
  });
});
