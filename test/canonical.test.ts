// The canonical check covers every byte of an access (SDM Vol. 3A §3.3.7.1,
// §6.15 Interrupts 12 and 13): an access that starts in the lower half and
// ends at or beyond 2^47 is #GP(0), or #SS(0) for a stack reference — never a
// #PF on the non-canonical page. A table of forms × start offsets below 2^47.
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import { Machine, RAX, RSP, RSI, RDI, movImm, outcome } from './helpers/system.js';

const TOP = 0x800000000000;          // 2^47: the first non-canonical address
const LAST_PAGE = TOP - 0x1000;

interface Form { name: string; size: number; stack: boolean; code: (addr: number) => number[]; regs?: (addr: number) => Partial<Record<number, bigint>> }

const FORMS: Form[] = [
  { name: 'mov al, [rax]', size: 1, stack: false, code: () => [0x8a, 0x00] },
  { name: 'mov ax, [rax]', size: 2, stack: false, code: () => [0x66, 0x8b, 0x00] },
  { name: 'mov eax, [rax]', size: 4, stack: false, code: () => [0x8b, 0x00] },
  { name: 'mov rax, [rax]', size: 8, stack: false, code: () => [0x48, 0x8b, 0x00] },
  { name: 'mov [rax], rcx', size: 8, stack: false, code: () => [0x48, 0x89, 0x08] },
  { name: 'add [rax], ecx', size: 4, stack: false, code: () => [0x01, 0x08] },
  { name: 'mov rax, [rsp] (a stack reference)', size: 8, stack: true, code: () => [0x48, 0x8b, 0x04, 0x24], regs: (a) => ({ [RSP]: BigInt(a) }) },
  { name: 'mov eax, moffs32', size: 4, stack: false, code: (a) => [0xa1, ...le64(a)] },
  { name: 'push rcx', size: 8, stack: true, code: () => [0x51], regs: (a) => ({ [RSP]: BigInt(a + 8) }) },
  { name: 'pop rcx', size: 8, stack: true, code: () => [0x59], regs: (a) => ({ [RSP]: BigInt(a) }) },
  { name: 'lodsd', size: 4, stack: false, code: () => [0xad], regs: (a) => ({ [RSI]: BigInt(a) }) },
  { name: 'stosq', size: 8, stack: false, code: () => [0x48, 0xab], regs: (a) => ({ [RDI]: BigInt(a) }) },
];

function le64(v: number): number[] {
  return Array.from({ length: 8 }, (_, k) => Number((BigInt(v) >> BigInt(8 * k)) & 0xffn));
}

describe.each(EXECUTION_PATHS)('canonical check of the last byte (%s path)', (path) => {
  it('each form, starting 1..8 bytes below 2^47: a fault exactly when the access reaches 2^47', () => {
    let faults = 0;
    for (const f of FORMS) {
      for (let below = 1; below <= 8; below++) {
        const addr = TOP - below;
        const m = new Machine();
        m.pt.map(LAST_PAGE, 0x3f0000, 4096, { writable: true, user: false, executable: false });
        const code = [...movImm(RAX, addr), ...f.code(addr)];
        const regs = { [RAX]: BigInt(addr), ...(f.regs?.(addr) ?? {}) };
        const want = below >= f.size ? 'ok' : f.stack ? '#SS(0)' : '#GP(0)';
        if (want !== 'ok') faults++;
        expect(`${f.name} at 2^47-${below}: ${outcome(m.run(code, { path, regs }))}`).toBe(`${f.name} at 2^47-${below}: ${want}`);
      }
    }
    expect(faults).toBe(FORMS.reduce((n, f) => n + f.size - 1, 0));
  });
});
