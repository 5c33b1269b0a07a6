// Memory operands addressed from a register: the compiled tier reads and
// writes them through a page a region keeps in locals per base register
// (compiled/page-caches.ts; RSP's is the stack page of stack-slots.ts) when the
// page holds every byte and, for writes, the TLB let writes use it. Each
// program caches a page with accesses to it, then makes another that the
// cached page must not serve: a write to a page cached by reads (read-only),
// an operand running off the page's end into a read-only or an unmapped page.
// Outcomes computed by hand, and identical on every path; with RSP and with
// RBX as the base. The interpreter's own copies of a page's entry (a 16-byte
// SSE store's) must refuse the same cases.
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import { TierMachine, T_CODE, T_DATA, T_DATA_SIZE, type TierInput, type TierState } from './helpers/tier-machine.js';

const PF_P = 1, PF_W = 2, RAX = 0, RCX = 1, RBX = 3, RSP = 4;
const HLT = [0xf4];
/** An instruction with a [base + disp8] operand: opcode bytes, ModRM.reg, base RSP (a SIB) or RBX. */
function op(bytes: number[], reg: number, base: number, disp: number): number[] {
  return [...bytes, 0x40 | (reg << 3) | (base === RSP ? 4 : base), ...(base === RSP ? [0x24] : []), disp & 0xff];
}
const MOV_LOAD = [0x48, 0x8b], MOV_STORE = [0x48, 0x89], ADD_STORE = [0x48, 0x01], ADD_STORE32 = [0x01];
const MOVDQU_STORE = [0xf3, 0x0f, 0x7f]; // movdqu [base + disp], xmm (ModRM.reg: XMM0)
const MOVDQU_LOAD = [0xf3, 0x0f, 0x6f]; // movdqu xmm, [base + disp]

interface Case {
  name: string;
  at: number;                                  // the base register's value, as an offset into the data area
  code: (base: number) => number[][];          // instructions
  faultAt: number;                             // index of the instruction that faults
  error: number;
  cr2: number;                                 // offset into the data area
  stores: number;                              // how many leading instructions store RAX at [base]
}

// Two accesses to a page cache it (the second miss on a page refills: page-caches.ts); the third must not use it.
const CASES: Case[] = [
  {
    name: 'ADD to a read-only page cached by reads: #PF(P|W)', at: 0x2100, faultAt: 2, error: PF_P | PF_W, cr2: 0x2108, stores: 0,
    code: (b) => [op(MOV_LOAD, RAX, b, 0), op(MOV_LOAD, RAX, b, 0), op(ADD_STORE, RAX, b, 8), HLT],
  },
  {
    name: 'MOV to a read-only page cached by reads: #PF(P|W)', at: 0x2100, faultAt: 2, error: PF_P | PF_W, cr2: 0x2108, stores: 0,
    code: (b) => [op(MOV_LOAD, RAX, b, 0), op(MOV_LOAD, RAX, b, 0), op(MOV_STORE, RAX, b, 8), HLT],
  },
  {
    name: 'MOVDQU to a read-only page cached by reads: #PF(P|W)', at: 0x2100, faultAt: 2, error: PF_P | PF_W, cr2: 0x2108, stores: 0,
    code: (b) => [op(MOV_LOAD, RAX, b, 0), op(MOV_LOAD, RAX, b, 0), op(MOVDQU_STORE, 0, b, 8), HLT],
  },
  {
    name: 'a qword read running off a cached read-only page into an unmapped one: #PF(0) at the next page', at: 0x2ff0, faultAt: 2, error: 0, cr2: 0x3000, stores: 0,
    code: (b) => [op(MOV_LOAD, RAX, b, 0), op(MOV_LOAD, RAX, b, 0), op(MOV_LOAD, RCX, b, 0xc), HLT],
  },
  {
    name: 'a 16-byte MOVDQU load running off a cached read-only page into an unmapped one: #PF(0) at the next page', at: 0x2ff0, faultAt: 2, error: 0, cr2: 0x3000, stores: 0,
    code: (b) => [op(MOV_LOAD, RAX, b, 0), op(MOVDQU_LOAD, 0, b, 0), op(MOVDQU_LOAD, 1, b, 0xc), HLT],
  },
  {
    name: 'a qword ADD running off a cached writable page into a read-only one: #PF(P|W) at the next page, nothing written', at: 0x1ff0, faultAt: 2, error: PF_P | PF_W, cr2: 0x2000, stores: 2,
    code: (b) => [op(MOV_STORE, RAX, b, 0), op(MOV_STORE, RAX, b, 0), op(ADD_STORE, RAX, b, 0xc), HLT],
  },
  {
    name: 'a dword ADD running off a cached writable page into a read-only one: #PF(P|W) at the next page, nothing written', at: 0x1ff0, faultAt: 2, error: PF_P | PF_W, cr2: 0x2000, stores: 2,
    code: (b) => [op(MOV_STORE, RAX, b, 0), op(MOV_STORE, RAX, b, 0), op(ADD_STORE32, RAX, b, 0xe), HLT],
  },
];

function input(code: number[][], base: number, at: number): TierInput {
  const data = new Uint8Array(T_DATA_SIZE);
  for (let k = 0; k < data.length; k++) data[k] = (k * 29 + 7) & 0xff;
  const regs = Array.from({ length: 16 }, (_, r) => BigInt(r) * 0x0101010101010101n);
  regs[RAX] = 0x1122334455667788n;
  regs[base] = BigInt(T_DATA + at);
  return { code: Uint8Array.from(code.flat()), origin: 0, data, regs, rflags: 0, xmm: new Uint8Array(256), cpl: 0 };
}

const machine = new TierMachine();

function run(i: TierInput, path: (typeof EXECUTION_PATHS)[number]): TierState {
  machine.load(i, path);
  machine.run(1000);
  return machine.snapshot();
}

describe('memory operands through the page caches', () => {
  for (const c of CASES) {
    for (const base of [RSP, RBX]) {
      it(`${c.name} (base ${base === RSP ? 'RSP' : 'RBX'})`, () => {
        const code = c.code(base), start = input(code, base, c.at);
        const states = EXECUTION_PATHS.map((path) => run(start, path));
        for (const s of states) {
          expect(s.stop).toBe('exception');
          expect(s.vector).toBe(14);
          expect(s.errorCode).toBe(c.error);
          expect(s.cr2).toBe(`0x${(T_DATA + c.cr2).toString(16)}`);
          expect(s.rip).toBe(`0x${(T_CODE + code.slice(0, c.faultAt).flat().length).toString(16)}`);
          expect(s.instructions).toBe(c.faultAt);
          // Only the leading stores' effect: RAX at the base.
          const expected = start.data.slice();
          if (c.stores > 0) new DataView(expected.buffer).setBigUint64(c.at, start.regs[RAX]!, true);
          expect(Buffer.from(s.data.subarray(0, 0x3000)).equals(Buffer.from(expected.subarray(0, 0x3000)))).toBe(true);
        }
        // Every path ends in the same state (registers, flags, memory).
        for (const s of states.slice(1)) expect(s).toEqual(states[0]);
      });
    }
  }

  // The stack page outlives a region's visit as a copy of its TLB entry (stack-slots.ts): a visit
  // after CR0.WP was set again must not take the read-only page from it for a PUSH.
  it('a PUSH to a read-only page after CR0.WP is set again, at a region\'s entry: #PF(P|W)', () => {
    const code = [
      [0x0f, 0x20, 0xc0],       // 00: mov rax,cr0
      [0x0f, 0xba, 0xf0, 0x10], // 03: btr eax,16  (WP)
      [0x0f, 0x22, 0xc0],       // 07: mov cr0,rax
      [0x31, 0xc9],             // 0a: xor ecx,ecx
      [0x53],                   // 0c: top: push rbx  (a read-only page: supervisor writes go through while WP = 0)
      [0x53],                   // 0d: push rbx
      [0x5a],                   // 0e: pop rdx
      [0x5a],                   // 0f: pop rdx
      [0xff, 0xc1],             // 10: inc ecx
      [0x83, 0xf9, 0x05],       // 12: cmp ecx,5
      [0x75, 0xf5],             // 15: jne top
      [0x0f, 0xba, 0xe8, 0x10], // 17: bts eax,16
      [0x0f, 0x22, 0xc0],       // 1b: mov cr0,rax
      [0xeb, 0xec],             // 1e: jmp top
    ];
    const start = input(code, RSP, 0x2800);
    const states = EXECUTION_PATHS.map((path) => run(start, path));
    for (const s of states) {
      expect([s.stop, s.vector, s.errorCode, s.cr2, s.rip, s.instructions]).toEqual(
        ['exception', 14, PF_P | PF_W, `0x${(T_DATA + 0x27f8).toString(16)}`, `0x${(T_CODE + 0x0c).toString(16)}`, 4 + 5 * 7 + 3]);
    }
    for (const s of states.slice(1)) expect(s).toEqual(states[0]);
  });

  // An operand's page, cached, must be told apart from the next page a PUSH then writes.
  it('a PUSH after RSP-based stores to the page below writes its own page', () => {
    const store = [0x48, 0x89, 0x84, 0x24, 0x00, 0xf0, 0xff, 0xff]; // mov [rsp - 0x1000], rax
    const code = [store, store, [0x53], HLT]; // ...; push rbx; hlt
    const start = input(code, RSP, 0x1008);
    const states = EXECUTION_PATHS.map((path) => run(start, path));
    for (const s of states) {
      expect(s.stop).toBe('halt');
      expect(s.instructions).toBe(4);
      const expected = start.data.slice();
      new DataView(expected.buffer).setBigUint64(0x8, start.regs[RAX]!, true);
      new DataView(expected.buffer).setBigUint64(0x1000, start.regs[RBX]!, true);
      expect(Buffer.from(s.data.subarray(0, 0x3000)).equals(Buffer.from(expected.subarray(0, 0x3000)))).toBe(true);
    }
    for (const s of states.slice(1)) expect(s).toEqual(states[0]);
  });
});
