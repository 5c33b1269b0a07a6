// Memory operands addressed from RSP: the compiled tier reads and writes them
// through the stack page a region keeps in locals (compiled/stack-slots.ts)
// when the page holds every byte and, for writes, the TLB let writes use it.
// Each program caches a page with one access, then makes another that the
// cached page must not serve: a write to a page cached by a read (read-only),
// an operand running off the page's end into a read-only or an unmapped page.
// Outcomes computed by hand, and identical on every path.
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import { TierMachine, T_CODE, T_DATA, T_DATA_SIZE, type TierInput, type TierState } from './helpers/tier-machine.js';

const PF_P = 1, PF_W = 2;
const HLT = [0xf4];
const MOV_RAX_RSP = [0x48, 0x8b, 0x04, 0x24];               // mov rax, [rsp]
const MOV_RSP_RAX = [0x48, 0x89, 0x04, 0x24];               // mov [rsp], rax
const disp8 = (bytes: number[], d: number) => [...bytes, d];

interface Case {
  name: string;
  rsp: number;        // offset into the data area
  code: number[][];   // instructions
  faultAt: number;    // index of the instruction that faults
  error: number;
  cr2: number;        // offset into the data area
}

const CASES: Case[] = [
  {
    name: 'ADD to a read-only page the stack page holds from a read: #PF(P|W)',
    rsp: 0x2100, code: [MOV_RAX_RSP, disp8([0x48, 0x01, 0x44, 0x24], 8), HLT], faultAt: 1, error: PF_P | PF_W, cr2: 0x2108,
  },
  {
    name: 'MOV to a read-only page the stack page holds from a read: #PF(P|W)',
    rsp: 0x2100, code: [MOV_RAX_RSP, disp8([0x48, 0x89, 0x44, 0x24], 8), HLT], faultAt: 1, error: PF_P | PF_W, cr2: 0x2108,
  },
  {
    name: 'a qword read running off a cached read-only page into an unmapped one: #PF(0) at the next page',
    rsp: 0x2ff0, code: [MOV_RAX_RSP, disp8([0x48, 0x8b, 0x5c, 0x24], 0xc), HLT], faultAt: 1, error: 0, cr2: 0x3000,
  },
  {
    name: 'a qword ADD running off a cached writable page into a read-only one: #PF(P|W) at the next page, nothing written',
    rsp: 0x1ff0, code: [MOV_RSP_RAX, disp8([0x48, 0x01, 0x44, 0x24], 0xc), HLT], faultAt: 1, error: PF_P | PF_W, cr2: 0x2000,
  },
  {
    name: 'a dword ADD running off a cached writable page into a read-only one: #PF(P|W) at the next page, nothing written',
    rsp: 0x1ff0, code: [MOV_RSP_RAX, disp8([0x01, 0x44, 0x24], 0xe), HLT], faultAt: 1, error: PF_P | PF_W, cr2: 0x2000,
  },
];

function input(c: Case): TierInput {
  const data = new Uint8Array(T_DATA_SIZE);
  for (let k = 0; k < data.length; k++) data[k] = (k * 29 + 7) & 0xff;
  const regs = Array.from({ length: 16 }, (_, r) => BigInt(r) * 0x0101010101010101n);
  regs[0] = 0x1122334455667788n;
  regs[4] = BigInt(T_DATA + c.rsp);
  return { code: Uint8Array.from(c.code.flat()), origin: 0, data, regs, rflags: 0, xmm: new Uint8Array(256), cpl: 0 };
}

const machine = new TierMachine();

function run(c: Case, path: (typeof EXECUTION_PATHS)[number]): TierState {
  machine.load(input(c), path);
  machine.run(1000);
  return machine.snapshot();
}

describe('RSP-based memory operands and the cached stack page', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const states = EXECUTION_PATHS.map((path) => run(c, path));
      const start = input(c);
      for (const s of states) {
        expect(s.stop).toBe('exception');
        expect(s.vector).toBe(14);
        expect(s.errorCode).toBe(c.error);
        expect(s.cr2).toBe(`0x${(T_DATA + c.cr2).toString(16)}`);
        expect(s.rip).toBe(`0x${(T_CODE + c.code.slice(0, c.faultAt).flat().length).toString(16)}`);
        expect(s.instructions).toBe(c.faultAt);
        // Only the first instruction's effect: its store (if any) of RAX at RSP.
        const expected = start.data.slice();
        if (c.code[0] === MOV_RSP_RAX) new DataView(expected.buffer).setBigUint64(c.rsp, start.regs[0]!, true);
        expect(Buffer.from(s.data.subarray(0, 0x3000)).equals(Buffer.from(expected.subarray(0, 0x3000)))).toBe(true);
      }
      // Every path ends in the same state (registers, flags, memory).
      for (const s of states.slice(1)) expect(s).toEqual(states[0]);
    });
  }

  // An operand's page, cached, must be told apart from the next page a PUSH then writes.
  it('a PUSH after an RSP-based store to the page below writes its own page', () => {
    const c: Case = {
      name: 'push', rsp: 0x1008, faultAt: 0, error: 0, cr2: 0,
      code: [[0x48, 0x89, 0x84, 0x24, 0x00, 0xf0, 0xff, 0xff], [0x53], HLT], // mov [rsp - 0x1000], rax; push rbx; hlt
    };
    const start = input(c);
    const states = EXECUTION_PATHS.map((path) => run(c, path));
    for (const s of states) {
      expect(s.stop).toBe('halt');
      expect(s.instructions).toBe(3);
      const expected = start.data.slice();
      new DataView(expected.buffer).setBigUint64(0x8, start.regs[0]!, true);
      new DataView(expected.buffer).setBigUint64(0x1000, start.regs[3]!, true);
      expect(Buffer.from(s.data.subarray(0, 0x3000)).equals(Buffer.from(expected.subarray(0, 0x3000)))).toBe(true);
    }
    for (const s of states.slice(1)) expect(s).toEqual(states[0]);
  });
});
