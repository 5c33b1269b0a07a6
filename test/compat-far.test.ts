// Far transfers from 32-bit code in compatibility mode (SDM JMP, CALL, RET
// protected-mode / IA-32e paths): FF /5 and FF /3 through m16:32 and m16:16 to
// 32-bit or 64-bit code, RETF/RETF imm16 to the same or an outer level, with
// their exact faults. Expected values are worked out by hand. Runs that end in
// a code segment with a base stop at a HLT (the Machine's end-of-code check uses EIP).
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import { CODE32_START, DATA32, PROLOGUE_LEN, runCompat } from './helpers/compat.js';
import { CODE, HANDLER, RAX, RCX, RDX, RSP, SEG_CS, SEG_SS, Machine, descriptor, le32, outcome, phys, qwords, setDescriptor, setTss } from './helpers/system.js';

const RBX = 3;
const STACK = 0x801f00;
const PTR = DATA32 + 0x80;
/** A 32-bit code segment at CODE (offsets from the start of the prologue), limit given, DPL 0. */
const CODE_AT = (limit: number, attr = 0x409b) => descriptor(CODE, limit, attr);
const p32 = (off: number, sel: number) => [...le32(off), sel & 0xff, sel >> 8];
const p16 = (off: number, sel: number) => [off & 0xff, off >> 8, sel & 0xff, sel >> 8];

interface Case {
  name: string; code: number[]; ptr?: number[]; gdt38?: bigint; regs?: Record<number, bigint>; ds?: number;
  want: string; at?: number; cs?: number; out: Record<number, bigint>;
}
const S = CODE32_START;
const cases: Case[] = [
  { name: 'FF 2B JMP m16:32 to 32-bit code', code: [0xff, 0x2b, 0xcc, 0x40], ptr: p32(S + 3, 0x30), regs: { [RAX]: 1n }, want: 'ok', cs: 0x30, out: { [RAX]: 2n } },
  { name: 'FF 2B JMP m16:32 to 64-bit code: 48 FF C0 is INC RAX', code: [0xff, 0x2b, 0xcc, 0x48, 0xff, 0xc0], ptr: p32(S + 3, 0x08), regs: { [RAX]: 0x1_ffffffffn }, want: 'ok', cs: 0x08, out: { [RAX]: 0x2_00000000n } },
  { name: '66 FF 2B JMP m16:16 into a based code segment', code: [0x66, 0xff, 0x2b, 0xcc, 0x40, 0xf4], ptr: p16(PROLOGUE_LEN + 4, 0x38), gdt38: CODE_AT(0xff), regs: { [RAX]: 1n }, want: 'halt', cs: 0x38, out: { [RAX]: 2n } },
  { name: 'JMP far: a null selector → #GP(0)', code: [0xff, 0x2b], ptr: p32(S, 0), want: '#GP(0)', out: {} },
  { name: 'JMP far: a data segment → #GP(sel)', code: [0xff, 0x2b], ptr: p32(S, 0x10), want: '#GP(10)', out: {} },
  { name: 'JMP far: beyond the GDT → #GP(sel)', code: [0xff, 0x2b], ptr: p32(S, 0x40), want: '#GP(40)', out: {} },
  { name: 'JMP far: the offset beyond the new CS limit → #GP(0)', code: [0xff, 0x2b], ptr: p32(0x100, 0x38), gdt38: CODE_AT(0xff), want: '#GP(0)', out: {} },
  { name: 'JMP far: a DPL 3 non-conforming segment from CPL 0 → #GP(sel)', code: [0xff, 0x2b], ptr: p32(0, 0x38), gdt38: CODE_AT(0xff, 0x40fb), want: '#GP(38)', out: {} },
  { name: 'JMP far: not present → #NP(sel)', code: [0xff, 0x2b], ptr: p32(0, 0x38), gdt38: CODE_AT(0xff, 0x401b), want: '#NP(38)', out: {} },
  { name: 'JMP far to a task gate → #GP(sel) (no task switch in IA-32e mode)', code: [0xff, 0x2b], ptr: p32(0, 0x38), gdt38: descriptor(0, 0, 0x85), want: '#GP(38)', out: {} },
  { name: 'CALL far to an available TSS → #GP(sel)', code: [0xff, 0x1b], ptr: p32(0, 0x38), gdt38: descriptor(0, 0x67, 0x89), want: '#GP(38)', out: { [RSP]: BigInt(STACK) } },
  { name: 'EA JMP ptr16:32 to a 16-bit call gate (type 4) → #GP(sel)', code: [0xea, ...p32(0, 0x38)], gdt38: descriptor(0, 0, 0x84), want: '#GP(38)', out: {} },
  { name: 'CALL far to an interrupt gate → #GP(sel)', code: [0xff, 0x1b], ptr: p32(0, 0x38), gdt38: descriptor(0, 0, 0x8e), want: '#GP(38)', out: {} },
  { name: 'JMP far: the pointer\'s 6 bytes pass the DS limit → #GP(0)', code: [0xff, 0x2b], ds: 0x38, gdt38: descriptor(DATA32, 0xff, 0x4093), regs: { [RBX]: 0xfbn }, want: '#GP(0)', out: {} },
  { name: 'FF 1B CALL m16:32: pushes CS (zero-extended) then EIP', code: [0xff, 0x1b, 0xcc, 0x5a, 0x59], ptr: p32(S + 3, 0x30), regs: { [RCX]: -1n }, want: 'ok', cs: 0x30, out: { [RDX]: BigInt(S + 2), [RCX]: 0x30n, [RSP]: BigInt(STACK) } },
  { name: '66 FF 1B CALL m16:16: IP truncated to 16 bits, CS as words', code: [0x66, 0xff, 0x1b, 0xcc, 0x66, 0x5a, 0x66, 0x59, 0xf4], ptr: p16(PROLOGUE_LEN + 4, 0x38), gdt38: CODE_AT(0xff), regs: { [RDX]: 0xaaaa0000n, [RCX]: 0xbbbb0000n }, want: 'halt', cs: 0x38, out: { [RDX]: BigInt(0xaaaa0000 + ((S + 3) & 0xffff)), [RCX]: 0xbbbb0030n, [RSP]: BigInt(STACK) } },
  { name: 'CALL far with an unmapped stack → #PF, ESP unchanged', code: [0xff, 0x1b], ptr: p32(S, 0x30), regs: { [RSP]: 0x10000000n }, want: '#PF(2)', out: { [RSP]: 0x10000000n } },
  { name: 'CALL far: the offset beyond the CS limit → #GP(0), nothing pushed', code: [0xff, 0x1b], ptr: p32(0x100, 0x38), gdt38: CODE_AT(0xff), want: '#GP(0)', out: { [RSP]: BigInt(STACK) } },
  { name: 'CB RETF to 32-bit code', code: [0x6a, 0x30, 0x68, ...le32(S + 9), 0xcb, 0xcc, 0x40], regs: { [RAX]: 1n }, want: 'ok', cs: 0x30, out: { [RAX]: 2n, [RSP]: BigInt(STACK) } },
  { name: 'CA 08 00 RETF 8 releases 8 more bytes', code: [0x6a, 0x30, 0x68, ...le32(S + 11), 0xca, 8, 0, 0xcc, 0x40], regs: { [RAX]: 1n }, want: 'ok', cs: 0x30, out: { [RAX]: 2n, [RSP]: BigInt(STACK + 8) } },
  { name: 'CB RETF to 64-bit code', code: [0x6a, 0x08, 0x68, ...le32(S + 9), 0xcb, 0xcc, 0x48, 0xff, 0xc0], regs: { [RAX]: 0x1_ffffffffn }, want: 'ok', cs: 0x08, out: { [RAX]: 0x2_00000000n, [RSP]: BigInt(STACK) } },
  { name: '66 CB RETF (16-bit) into a based code segment', code: [0x66, 0x6a, 0x38, 0x66, 0x68, ...p16(PROLOGUE_LEN + 10, 0).slice(0, 2), 0x66, 0xcb, 0xcc, 0x40, 0xf4], gdt38: CODE_AT(0xff), regs: { [RAX]: 1n }, want: 'halt', cs: 0x38, out: { [RAX]: 2n, [RSP]: BigInt(STACK) } },
  { name: 'RETF to a null CS → #GP(0), ESP unchanged', code: [0x6a, 0x00, 0x68, ...le32(S), 0xcb], want: '#GP(0)', at: 7, out: { [RSP]: BigInt(STACK - 8) } },
  { name: 'RETF beyond the new CS limit → #GP(0)', code: [0x6a, 0x38, 0x68, ...le32(0x100), 0xcb], gdt38: CODE_AT(0xff), want: '#GP(0)', at: 7, out: { [RSP]: BigInt(STACK - 8) } },
  { name: 'RETF to RPL 3 with a DPL 0 CS → #GP(sel)', code: [0x6a, 0x33, 0x68, ...le32(0), 0xcb], gdt38: CODE_AT(0xff), want: '#GP(30)', at: 7, out: { [RSP]: BigInt(STACK - 8) } },
  // IRETD/IRET: to the same level only EIP, CS, EFLAGS are popped (SDM IRET, IA-32e mode).
  { name: 'CF IRETD to the same level pops 3 dwords (EFLAGS CF restored)', code: [0x68, ...le32(0x8d7), 0x6a, 0x30, 0x68, ...le32(S + 14), 0xcf, 0xcc, 0x40], regs: { [RAX]: 1n }, want: 'ok', cs: 0x30, out: { [RAX]: 2n, [RSP]: BigInt(STACK) } },
  { name: 'CF IRETD to 64-bit code', code: [0x6a, 0x02, 0x6a, 0x08, 0x68, ...le32(S + 11), 0xcf, 0xcc, 0x48, 0xff, 0xc0], regs: { [RAX]: 0x1_ffffffffn }, want: 'ok', cs: 0x08, out: { [RAX]: 0x2_00000000n, [RSP]: BigInt(STACK) } },
  { name: '66 CF IRET (16-bit) into a based code segment', code: [0x66, 0x6a, 0x02, 0x66, 0x6a, 0x38, 0x66, 0x68, ...p16(PROLOGUE_LEN + 13, 0).slice(0, 2), 0x66, 0xcf, 0xcc, 0x40, 0xf4], gdt38: CODE_AT(0xff), regs: { [RAX]: 1n }, want: 'halt', cs: 0x38, out: { [RAX]: 2n, [RSP]: BigInt(STACK) } },
  { name: 'IRETD with NT = 1 → #GP(0)', code: [0x68, ...le32(0x4002), 0x9d, 0xcf], want: '#GP(0)', at: 6, out: { [RSP]: BigInt(STACK) } },
  { name: 'IRETD to a null CS → #GP(0), ESP unchanged', code: [0x68, ...le32(2), 0x6a, 0x00, 0x6a, 0x00, 0xcf], want: '#GP(0)', at: 9, out: { [RSP]: BigInt(STACK - 12) } },
  { name: 'IRETD beyond the new CS limit → #GP(0)', code: [0x68, ...le32(2), 0x6a, 0x38, 0x68, ...le32(0x100), 0xcf], gdt38: CODE_AT(0xff), want: '#GP(0)', at: 12, out: { [RSP]: BigInt(STACK - 12) } },
  { name: 'IRETD to RPL 3 with a null SS to compatibility mode → #GP(0)', code: [0x6a, 0x00, 0x6a, 0x00, 0x68, ...le32(2), 0x6a, 0x1b, 0x6a, 0x00, 0xcf], want: '#GP(0)', at: 13, out: { [RSP]: BigInt(STACK - 20) } },
  { name: 'RETF with the slots beyond the SS limit → #SS(0)', code: [0xba, ...le32(0x38), 0x8e, 0xd2, 0xcb], gdt38: descriptor(DATA32, 0xff, 0x4093), regs: { [RSP]: 0xfcn }, want: '#SS(0)', at: 7, out: { [RSP]: 0xfcn } },
];

describe.each(EXECUTION_PATHS)('far transfers from 32-bit code (%s path)', (path) => {
  it.each(cases)('$name → $want', (k) => {
    const m = new Machine();
    if (k.ptr) m.mem.u8.set(k.ptr, phys(m, PTR));
    const { r } = runCompat(k.code, { path, ...(k.ds ? { ds: k.ds } : {}), gdt: k.gdt38 ? { 0x38: k.gdt38 } : {}, regs: { [RBX]: BigInt(PTR), ...k.regs } }, m);
    expect(r.outcome === 'emulation-failure' ? 'emulation-failure' : outcome(r)).toBe(k.want);
    if (k.want !== 'ok' && k.want !== 'halt') expect(m.cpu.rip).toBe(S + (k.at ?? 0));
    if (k.cs !== undefined) expect(m.cpu.segSel[SEG_CS]).toBe(k.cs);
    for (const [reg, v] of Object.entries(k.out)) expect(`r${reg}=${m.cpu.getReg64(Number(reg)).toString(16)}`).toBe(`r${reg}=${BigInt.asUintN(64, v).toString(16)}`);
    if (k.want === '#PF(2)') expect(r.cr2).toBe(0x10000000 - 4);
    if (k.name.includes('CF restored')) expect(m.cpu.getRflags() & 1).toBe(1);
  });

  it('IRETD to an outer level (CPL 0 → 3): EIP, CS 0x1b, EFLAGS (IF), ESP, SS 0x23 popped', () => {
    const target = S + 23;
    const code = [0x6a, 0x23, 0x68, ...le32(0x801e00), 0x68, ...le32(0x202), 0x6a, 0x1b, 0x68, ...le32(target), 0xcf, 0xcc, 0xcc, 0xcc, 0x40];
    const m = new Machine();
    const { r } = runCompat(code, { path, ds: 0x23, regs: { [RAX]: 1n } }, m);
    expect(outcome(r)).toBe('ok');
    expect([m.cpu.cpl, m.cpu.segSel[SEG_CS], m.cpu.segSel[SEG_SS], Number(m.cpu.getReg64(RSP)), Number(m.cpu.getReg64(RAX)), m.cpu.getRflags() & 0x200]).toEqual([3, 0x1b, 0x23, 0x801e00, 2, 0x200]);
  });

  it('RETF to an outer level (CPL 0 → 3): EIP, CS 0x1b, then ESP and SS 0x23 popped; DS kept (usable at CPL 3)', () => {
    const target = S + 18;
    const code = [0x6a, 0x23, 0x68, ...le32(0x801e00), 0x6a, 0x1b, 0x68, ...le32(target), 0xcb, 0xcc, 0xcc, 0xcc, 0x40];
    const m = new Machine();
    const { r } = runCompat(code, { path, ds: 0x23, regs: { [RAX]: 1n } }, m);
    expect(outcome(r)).toBe('ok');
    expect([m.cpu.cpl, m.cpu.segSel[SEG_CS], m.cpu.segSel[SEG_SS], Number(m.cpu.getReg64(RSP)), Number(m.cpu.getReg64(RAX))]).toEqual([3, 0x1b, 0x23, 0x801e00, 2]);
  });

  // 64-bit call gates from 32-bit code (CPL 3 in CS 0x1b; the 16-byte gate in GDT slots 0x30/0x38): the
  // target is 64-bit code and the pushes are 8 bytes each, as from 64-bit code (SDM CALL, IA-32e call gates).
  describe('64-bit call gates from 32-bit code', () => {
    const RSP0 = 0x801808;
    function gate(m: Machine, sel: number, dpl = 3, type = 0xc) {
      const rip = BigInt(HANDLER);
      setDescriptor(m, 0x30, (rip & 0xffffn) | (BigInt(sel) << 16n) | (BigInt(0x80 | (dpl << 5) | type) << 40n) | (((rip >> 16n) & 0xffffn) << 48n));
      m.mem.write64(m.gdtPhys + 0x38, 0n);
      setTss(m, { rsp: [RSP0] });
    }
    const run = (m: Machine, code: number[], regs: Record<number, bigint> = {}) =>
      runCompat(code, { path, cpl: 3, regs: { [RBX]: BigInt(PTR), ...regs } }, m).r;

    it('FF 1B CALL m16:32 through a gate to DPL 0: RSP0, SS null, frame EIP CS RSP SS as 8-byte words', () => {
      const m = new Machine();
      gate(m, 0x08);
      m.mem.u8.set(p32(0xdeadbeef, 0x33), phys(m, PTR));   // the offset is ignored
      const r = run(m, [0xff, 0x1b]);
      expect([r.outcome, r.vector]).toEqual(['exception', 3]); // the INT3 filler at the gate's RIP
      expect([m.cpu.cpl, m.cpu.segSel[SEG_CS], m.cpu.segSel[SEG_SS], m.cpu.rip, Number(m.cpu.getReg64(RSP))]).toEqual([0, 0x08, 0, HANDLER + 1, RSP0 - 32]);
      expect(qwords(m, RSP0 - 32, 4)).toEqual([BigInt(S + 2), 0x1bn, BigInt(STACK), 0x23n]);
    });
    it('9A CALL ptr16:32 through a gate to DPL 3 64-bit code: CS and EIP as 8-byte words on the current stack', () => {
      const m = new Machine();
      gate(m, 0x2b);
      const r = run(m, [0x9a, ...p32(0, 0x33)]);
      expect([r.outcome, r.vector]).toEqual(['exception', 3]);
      expect([m.cpu.cpl, m.cpu.segSel[SEG_CS], Number(m.cpu.getReg64(RSP))]).toEqual([3, 0x2b, STACK - 16]);
      expect(qwords(m, STACK - 16, 2)).toEqual([BigInt(S + 7), 0x1bn]);
    });
    it('a round trip: CALL through the gate, INC RAX in 64-bit code, LRETQ back to 32-bit code', () => {
      const m = new Machine();
      gate(m, 0x2b);
      m.mem.u8.set(p32(0, 0x33), phys(m, PTR));
      const code = new Array<number>(HANDLER - S).fill(0xcc);
      [0xff, 0x1b, 0x40, 0xf4].forEach((b, k) => { code[k] = b; });   // lcall *(%ebx); inc %eax; hlt (#GP at CPL 3)
      code.push(0x48, 0xff, 0xc0, 0x48, 0xcb);                         // inc %rax; lretq
      const r = run(m, code, { [RAX]: 1n });
      expect(outcome(r)).toBe('#GP(0)');
      expect([m.cpu.segSel[SEG_CS], m.cpu.rip, Number(m.cpu.getReg64(RAX)), Number(m.cpu.getReg64(RSP))]).toEqual([0x1b, S + 3, 3, STACK]);
    });
    it('EA JMP ptr16:32 through a gate: no push; a non-conforming DPL 0 target from CPL 3 → #GP(target)', () => {
      let m = new Machine();
      gate(m, 0x2b);
      let r = run(m, [0xea, ...p32(0, 0x33)]);
      expect([r.outcome, r.vector, m.cpu.segSel[SEG_CS], Number(m.cpu.getReg64(RSP))]).toEqual(['exception', 3, 0x2b, STACK]);
      m = new Machine();
      gate(m, 0x08);
      r = run(m, [0xea, ...p32(0, 0x33)]);
      expect(outcome(r)).toBe('#GP(8)');
    });
    it('the gate\'s checks: DPL 0 < CPL 3 → #GP(gate); a 32-bit target CS → #GP(target)', () => {
      let m = new Machine();
      gate(m, 0x08, 0);
      expect(outcome(run(m, [0x9a, ...p32(0, 0x33)]))).toBe('#GP(30)');
      m = new Machine();
      gate(m, 0x1b);
      expect(outcome(run(m, [0x9a, ...p32(0, 0x33)]))).toBe('#GP(18)');
    });
  });
});
