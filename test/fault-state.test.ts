// A faulting instruction leaves no trace (SDM Vol. 3A §6.5: a fault is reported
// with the state as it was before the instruction, RIP pointing at it): on
// every path, the state at an intercepted #PF (registers, RFLAGS, RIP, the
// count of retired instructions) is the state the same code reaches without
// the faulting instruction. The cases are the interpreter's own handlers that
// report a #PF by returning instead of throwing (mmu.ts deferCached): loads,
// stores, ALU memory forms, PUSH/POP, CALL/RET and indirect jumps; each fault
// happens after other instructions ran in the same straight-line run.
// (16-byte SSE moves too: XMM registers are compared.)
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import { Machine, CODE, DATA_LIN, RSP, le32, outcome, phys } from './helpers/system.js';
import { STACK_TOP, type RunOptions } from './helpers/machine.js';

const NOT_PRESENT = 0x1000; // never mapped
const READ_ONLY = 0x700000; // mapped below, without write permission
const PF_P = 1, PF_W = 2;
/** ModRM + SIB of [disp32] with `reg` in ModRM.reg (no base, no index). */
const abs = (reg: number, at: number) => [0x04 | (reg << 3), 0x25, ...le32(at)];
const RBX = 3;

// Instructions that set registers and the (lazy) flags before the faulting one.
const PREFIX = [
  0x4c, 0x8b, 0x04, 0x25, ...le32(DATA_LIN + 8), // mov r8, [DATA + 8]: a qword with a non-canonical high dword
  0x48, 0x01, 0xc8, // add rax, rcx
  0x48, 0x8d, 0x14, 0x0e, // lea rdx, [rsi + rcx]
  0x48, 0x29, 0xdf, // sub rdi, rbx
  0xf3, 0x0f, 0x6f, 0x0c, 0x25, ...le32(DATA_LIN), // movdqu xmm1, [DATA]
];

interface Case {
  name: string;
  code: number[];
  cr2: number;
  error: number;
  rsp?: number;
}

const cases: Case[] = [
  { name: 'mov rbx, [m64]', code: [0x48, 0x8b, ...abs(RBX, NOT_PRESENT)], cr2: NOT_PRESENT, error: 0 },
  { name: 'mov ebx, [m32]', code: [0x8b, ...abs(RBX, NOT_PRESENT)], cr2: NOT_PRESENT, error: 0 },
  { name: 'mov [m64], rbx', code: [0x48, 0x89, ...abs(RBX, NOT_PRESENT)], cr2: NOT_PRESENT, error: PF_W },
  { name: 'mov [m32], ebx (read-only page)', code: [0x89, ...abs(RBX, READ_ONLY)], cr2: READ_ONLY, error: PF_P | PF_W },
  { name: 'add rbx, [m64]', code: [0x48, 0x03, ...abs(RBX, NOT_PRESENT)], cr2: NOT_PRESENT, error: 0 },
  { name: 'add ebx, [m32]', code: [0x03, ...abs(RBX, NOT_PRESENT)], cr2: NOT_PRESENT, error: 0 },
  { name: 'add [m64], rbx', code: [0x48, 0x01, ...abs(RBX, NOT_PRESENT)], cr2: NOT_PRESENT, error: PF_W },
  { name: 'add [m64], rbx (read-only page: the write probe faults, the read would not)', code: [0x48, 0x01, ...abs(RBX, READ_ONLY)], cr2: READ_ONLY, error: PF_P | PF_W },
  { name: 'sub dword [m32], 5 (read-only page)', code: [0x83, ...abs(5, READ_ONLY), 5], cr2: READ_ONLY, error: PF_P | PF_W },
  { name: 'cmp [m64], rbx', code: [0x48, 0x39, ...abs(RBX, NOT_PRESENT)], cr2: NOT_PRESENT, error: 0 },
  { name: 'movdqu xmm1, [m128]', code: [0xf3, 0x0f, 0x6f, ...abs(1, NOT_PRESENT)], cr2: NOT_PRESENT, error: 0 },
  { name: 'movdqu xmm1, [m128] (its second page not present)', code: [0xf3, 0x0f, 0x6f, ...abs(1, DATA_LIN + 0x1ff8)], cr2: DATA_LIN + 0x2000, error: 0 },
  { name: 'movdqu [m128], xmm1', code: [0xf3, 0x0f, 0x7f, ...abs(1, NOT_PRESENT)], cr2: NOT_PRESENT, error: PF_W },
  { name: 'movdqu [m128], xmm1 (its second page not present: nothing written)', code: [0xf3, 0x0f, 0x7f, ...abs(1, DATA_LIN + 0x1ff8)], cr2: DATA_LIN + 0x2000, error: PF_W },
  { name: 'movaps [m128], xmm1 (read-only page)', code: [0x0f, 0x29, ...abs(1, READ_ONLY)], cr2: READ_ONLY, error: PF_P | PF_W },
  { name: 'push rbx', code: [0x53], rsp: NOT_PRESENT + 8, cr2: NOT_PRESENT, error: PF_W },
  { name: 'pop rbx', code: [0x5b], rsp: NOT_PRESENT, cr2: NOT_PRESENT, error: 0 },
  { name: 'call rel32', code: [0xe8, ...le32(0x100)], rsp: NOT_PRESENT + 8, cr2: NOT_PRESENT, error: PF_W },
  { name: 'ret', code: [0xc3], rsp: NOT_PRESENT, cr2: NOT_PRESENT, error: 0 },
  { name: 'jmp [m64]', code: [0xff, ...abs(4, NOT_PRESENT)], cr2: NOT_PRESENT, error: 0 },
  { name: 'call [m64] (the target read faults)', code: [0xff, ...abs(2, NOT_PRESENT)], cr2: NOT_PRESENT, error: 0 },
  { name: 'call [m64] (the push faults)', code: [0xff, ...abs(2, DATA_LIN)], rsp: NOT_PRESENT + 8, cr2: NOT_PRESENT, error: PF_W },
];

/** Distinct values in every register (RSP: the case's, else the helper's stack). */
function options(path: RunOptions['path'], rsp: number | undefined): RunOptions {
  const regs: Partial<Record<number, bigint>> = {};
  for (let r = 0; r < 16; r++) if (r !== RSP) regs[r] = 0x0123456789abcdefn * BigInt(r + 1) & 0xffffffffffffffffn;
  if (rsp !== undefined) regs[RSP] = BigInt(rsp);
  return { path, regs, rflags: 0x2 | 0x1 | 0x40 | 0x800 };
}

function machine(): Machine {
  const m = new Machine();
  m.pt.mapFresh(READ_ONLY, 0x1000, { writable: false, user: true, executable: false });
  // The qword at DATA_LIN: a target for the indirect CALL whose push faults; at DATA_LIN + 8, the
  // value the prefix loads (a handler that went on with a faulting load's result would see its high dword).
  const data = new DataView(m.mem.u8.buffer);
  data.setBigUint64(m.dataPhys, BigInt(CODE + 0x800), true);
  data.setBigUint64(m.dataPhys + 8, 0x8000000012345678n, true);
  return m;
}

function state(m: Machine) {
  const c = m.cpu;
  return {
    regs: Array.from({ length: 16 }, (_, r) => c.getReg64(r)),
    rip: c.rip,
    rflags: c.getRflags(),
    xmm: Array.from(c.xmm.i32.subarray(0, 16 * 8)),
    instructions: c.instructions,
    stack: Buffer.from(m.mem.u8.subarray(phys(m, STACK_TOP - 0x2000), phys(m, STACK_TOP - 0x2000) + 0x2000)),
    data: Buffer.from(m.mem.u8.subarray(m.dataPhys, m.dataPhys + 0x2000)),
  };
}

describe.each(EXECUTION_PATHS)('a faulting instruction changes nothing (%s path)', (path) => {
  it.each(cases)('$name', ({ code, rsp, cr2, error }) => {
    const before = machine();
    expect(outcome(before.run(PREFIX, options(path, rsp)))).toBe('ok');
    const m = machine();
    const r = m.run([...PREFIX, ...code], options(path, rsp));
    expect(r).toMatchObject({ outcome: 'exception', vector: 14, errorCode: error, cr2 });
    expect(state(m)).toEqual(state(before));
  });
});
