// String instructions in 32-bit code (compatibility mode; SDM Vol. 1 §7.3.9,
// Vol. 2 MOVS/STOS/LODS/CMPS/SCAS/INS/OUTS and REP/REPE/REPNE; SDM Vol. 3A §5.3
// limit checks): DS:ESI (overridable) and ES:EDI with their bases, limits and
// types checked per element; SI/DI/CX with 67; a fault mid-REP leaves the
// registers at the element that faulted and EIP at the instruction. Also XLAT.
// Expected values are worked out by hand.
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import { CODE32_START, DATA32, runCompat } from './helpers/compat.js';
import { RAX, RCX, RDX, RSI, RDI, Machine, descriptor, outcome, phys } from './helpers/system.js';

const RBX = 3;
const CF = 1, PF = 4, AF = 0x10, ZF = 0x40, SF = 0x80, OF = 0x800;
const ARITH = CF | PF | AF | ZF | SF | OF;
/** DS = ES = 0x38: base DATA32, byte-granular limit 0xff, read/write (0x4093) or read-only (0x4091). */
const RW = descriptor(DATA32, 0xff, 0x4093), RO = descriptor(DATA32, 0xff, 0x4091);
const NULL_DS = [0x31, 0xd2, 0x8e, 0xda]; // xor %edx,%edx; mov %edx,%ds

interface Case {
  name: string; code: number[]; seg?: bigint; regs: Record<number, bigint>;
  want: string; at?: number; out: Record<number, bigint>; mem?: [number, number[]]; flags?: number;
}
const cases: Case[] = [
  { name: 'A4 MOVSB', code: [0xa4], regs: { [RSI]: 0n, [RDI]: 0x80n }, want: 'ok', out: { [RSI]: 1n, [RDI]: 0x81n }, mem: [0x80, [0x10, 0]] },
  { name: 'F3 A4 REP MOVSB ×5', code: [0xf3, 0xa4], regs: { [RSI]: 0n, [RDI]: 0x80n, [RCX]: 5n }, want: 'ok', out: { [RSI]: 5n, [RDI]: 0x85n, [RCX]: 0n }, mem: [0x80, [0x10, 0x11, 0x12, 0x13, 0x14, 0]] },
  { name: 'FD F3 A5 STD; REP MOVSD backwards: ESI wraps to 0xfffffffc (bits 63:32 cleared)', code: [0xfd, 0xf3, 0xa5], regs: { [RSI]: 0x1_00000008n, [RDI]: 0x88n, [RCX]: 3n }, want: 'ok', out: { [RSI]: 0xfffffffcn, [RDI]: 0x7cn, [RCX]: 0n }, mem: [0x80, [0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b]] },
  { name: 'F3 A4 with ECX = 0 touches nothing (even a null DS)', code: [...NULL_DS, 0xf3, 0xa4], regs: { [RCX]: 0xffffffff_00000000n, [RSI]: 0n }, want: 'ok', out: { [RSI]: 0n } },
  { name: 'F3 AA REP STOSB over the limit: #GP(0) at the 4th element, EDI/ECX at it', code: [0xf3, 0xaa], regs: { [RAX]: 0xabn, [RDI]: 0xfdn, [RCX]: 5n }, want: '#GP(0)', out: { [RDI]: 0x100n, [RCX]: 2n }, mem: [0xfc, [0, 0xab, 0xab, 0xab]] },
  { name: 'F3 AB REP STOSD: the 2nd dword\'s last byte is beyond the limit', code: [0xf3, 0xab], regs: { [RAX]: 0x44332211n, [RDI]: 0xfan, [RCX]: 2n }, want: '#GP(0)', out: { [RDI]: 0xfen, [RCX]: 1n }, mem: [0xfa, [0x11, 0x22, 0x33, 0x44, 0, 0]] },
  { name: 'AA STOSB to a read-only ES is #GP(0)', code: [0xaa], seg: RO, regs: { [RDI]: 0x80n }, want: '#GP(0)', out: { [RDI]: 0x80n } },
  { name: 'A6 CMPSB reads a read-only ES', code: [0xa6], seg: RO, regs: { [RSI]: 0n, [RDI]: 0n }, want: 'ok', out: { [RSI]: 1n, [RDI]: 1n }, flags: ZF | PF },
  { name: 'F3 A6 REPE CMPSB stops after the mismatch (0x12 - 0x99)', code: [0xf3, 0xa6], regs: { [RSI]: 0n, [RDI]: 0x40n, [RCX]: 8n }, want: 'ok', out: { [RSI]: 3n, [RDI]: 0x43n, [RCX]: 5n }, flags: CF | AF },
  { name: 'F2 AE REPNE SCASB stops at AL', code: [0xf2, 0xae], regs: { [RAX]: 0x13n, [RDI]: 0n, [RCX]: 10n }, want: 'ok', out: { [RDI]: 4n, [RCX]: 6n }, flags: ZF | PF },
  { name: 'AD LODSD', code: [0xad], regs: { [RAX]: -1n, [RSI]: 0n }, want: 'ok', out: { [RAX]: 0x13121110n, [RSI]: 4n } },
  { name: '66 AD LODSW keeps bits 31:16', code: [0x66, 0xad], regs: { [RAX]: 0xdead0000n, [RSI]: 2n }, want: 'ok', out: { [RAX]: 0xdead1312n, [RSI]: 4n } },
  { name: 'AD LODSD: the dword at 0xfd passes the limit', code: [0xad], regs: { [RSI]: 0xfdn }, want: '#GP(0)', out: { [RSI]: 0xfdn } },
  { name: '67 F3 AA REP STOSB on CX and DI keeps bits 31:16', code: [0x67, 0xf3, 0xaa], regs: { [RAX]: 0x77n, [RCX]: 0xffff0002n, [RDI]: 0x12340080n }, want: 'ok', out: { [RCX]: 0xffff0000n, [RDI]: 0x12340082n }, mem: [0x80, [0x77, 0x77, 0]] },
  { name: 'FD 67 A4 STD; MOVSB: SI wraps at 2^16', code: [0xfd, 0x67, 0xa4], regs: { [RSI]: 0x05550000n, [RDI]: 0x80n }, want: 'ok', out: { [RSI]: 0x0555ffffn, [RDI]: 0x7fn }, mem: [0x80, [0x10]] },
  { name: 'A4 MOVSB with a null DS is #GP(0)', code: [...NULL_DS, 0xa4], regs: { [RSI]: 0n, [RDI]: 0x80n }, want: '#GP(0)', at: 4, out: { [RSI]: 0n, [RDI]: 0x80n } },
  { name: '26 A4 MOVSB: an ES override replaces the null DS', code: [...NULL_DS, 0x26, 0xa4], regs: { [RSI]: 1n, [RDI]: 0x80n }, want: 'ok', out: { [RSI]: 2n, [RDI]: 0x81n }, mem: [0x80, [0x11]] },
  { name: '3E AA STOSB: the destination is ES whatever the override', code: [...NULL_DS, 0x3e, 0xaa], regs: { [RAX]: 0x5an, [RDI]: 0x80n }, want: 'ok', out: { [RDI]: 0x81n }, mem: [0x80, [0x5a]] },
  { name: 'D7 XLAT: AL = [DS:EBX + AL]', code: [0xd7], regs: { [RAX]: 0xffffff03n, [RBX]: 0x1n }, want: 'ok', out: { [RAX]: 0xffffff14n } },
  { name: '67 D7 XLAT: BX + AL wraps at 2^16', code: [0x67, 0xd7], regs: { [RAX]: 0x02n, [RBX]: 0x7777ffffn }, want: 'ok', out: { [RAX]: 0x11n } },
  { name: 'D7 XLAT beyond the DS limit is #GP(0)', code: [0xd7], regs: { [RAX]: 0x01n, [RBX]: 0xffn }, want: '#GP(0)', out: { [RAX]: 1n } },
  { name: '26 D7 XLAT with a null DS and an ES override', code: [...NULL_DS, 0x26, 0xd7], regs: { [RAX]: 0n, [RBX]: 5n }, want: 'ok', out: { [RAX]: 0x15n } },
];

describe.each(EXECUTION_PATHS)('string instructions and XLAT in 32-bit code (%s path)', (path) => {
  it.each(cases)('$name → $want', (k) => {
    const m = new Machine();
    const pa = phys(m, DATA32);
    for (let b = 0; b < 16; b++) m.mem.u8[pa + b] = 0x10 + b;
    m.mem.u8.set([0x10, 0x11, 0x99, 0x13], pa + 0x40);
    const { r } = runCompat(k.code, { path, ds: 0x38, gdt: { 0x38: k.seg ?? RW }, regs: k.regs }, m);
    expect(outcome(r)).toBe(k.want);
    if (k.want !== 'ok') expect(m.cpu.rip).toBe(CODE32_START + (k.at ?? 0));
    for (const [reg, v] of Object.entries(k.out)) expect(`r${reg}=${m.cpu.getReg64(Number(reg)).toString(16)}`).toBe(`r${reg}=${v.toString(16)}`);
    if (k.mem) expect([...m.mem.u8.subarray(pa + k.mem[0], pa + k.mem[0] + k.mem[1].length)]).toEqual(k.mem[1]);
    if (k.flags !== undefined) expect(m.cpu.getRflags() & ARITH).toBe(k.flags);
  });

  it('a long REP MOVSD (3000 dwords, more than one execution\'s budget) completes', () => {
    const m = new Machine();
    const big = descriptor(0x600000, 0x1fff, 0x4093);
    for (let b = 0; b < 0x1000; b++) m.mem.u8[phys(m, 0x600000 + b)] = b & 0xff;
    const { r } = runCompat([0xf3, 0xa5], { path, ds: 0x38, gdt: { 0x38: big }, regs: { [RSI]: 0n, [RDI]: 0x1000n, [RCX]: 0x3f0n }, maxInstructions: 100 }, m);
    expect(outcome(r)).toBe('ok');
    expect(m.cpu.getReg64(RCX)).toBe(0n);
    expect(m.cpu.getReg64(RDI)).toBe(0x1000n + 0xfc0n);
    expect(m.mem.u8[phys(m, 0x600000 + 0x1000 + 0xfbf)]).toBe(0xbf);
  });

  it('REP INSB / REP OUTSW move port data through ES:EDI and DS:ESI; INS beyond the ES limit reads no port data', () => {
    const m = new Machine();
    const read: number[] = [], written: number[] = [];
    let next = 0xa0;
    m.io.register(0x80, 2, { read: (_p, _s) => { read.push(next); return next++; }, write: (_p, _s, v) => { written.push(v); } });
    const pa = phys(m, DATA32);
    m.mem.u8.set([0x01, 0x02, 0x03, 0x04], pa);
    const { r } = runCompat([0xf3, 0x6c, 0x89, 0xf1, 0x66, 0xf3, 0x6f], { path, ds: 0x38, gdt: { 0x38: RW }, regs: { [RDX]: 0x80n, [RDI]: 0xfen, [RCX]: 2n, [RSI]: 0n } }, m);
    // REP INSB: two bytes at 0xfe, 0xff; then mov %esi,%ecx (ECX = 0): REP OUTSW does nothing.
    expect(outcome(r)).toBe('ok');
    expect([...m.mem.u8.subarray(pa + 0xfe, pa + 0x100)]).toEqual([0xa0, 0xa1]);
    expect(written).toEqual([]);
    const o = runCompat([0x66, 0xf3, 0x6f], { path, ds: 0x38, gdt: { 0x38: RW }, regs: { [RDX]: 0x80n, [RCX]: 2n, [RSI]: 0n } }, m);
    expect(outcome(o.r)).toBe('ok');
    expect(written).toEqual([0x0201, 0x0403]);
    expect(m.cpu.getReg64(RSI)).toBe(4n);
    const f = runCompat([0x6c], { path, ds: 0x38, gdt: { 0x38: RW }, regs: { [RDX]: 0x80n, [RDI]: 0x100n } }, m);
    expect(outcome(f.r)).toBe('#GP(0)');
    expect(read).toEqual([0xa0, 0xa1]);
  });
});
