// Runs of PUSH r64 and of POP r64: both tiers check once that the stack page
// they hold has every slot of the run (and, for PUSH, lets writes use it),
// then move them all directly — the compiled tier in its region's code
// (stack-slots.ts openPushRun, openPopRun), the interpreter in a group handler
// (exec/stack-runs.ts) on the first instruction's copy of the page's entry;
// otherwise each instruction runs its own code. Cases for both: a hot loop
// through the fast path (slot order), budgets ending inside a run, runs that
// cross into an unmapped page cold and after passes through the fast path
// (the fault at the exact instruction, the ones before it done), a register
// popped twice, and a PUSH run on a page held for reads only. Results
// computed by hand, and every path ends in the same state.
import { describe, expect, it } from 'vitest';
import { TierMachine, T_CODE, T_DATA, T_DATA_SIZE, type TierState } from './helpers/tier-machine.js';
import { runEveryPath } from './helpers/every-path.js';

const RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSP = 4, RSI = 6;
const PF_P = 1, PF_W = 2;
const machine = new TierMachine();
const hex = (v: bigint | number) => `0x${BigInt.asUintN(64, BigInt(v)).toString(16)}`;
const VALUES = [0x1111111122222222n, 0x3333333344444444n, 0x5555555566666666n, 0x7777777788888888n];

/** Runs `code` on every path in budgets of `budget` instructions until it stops otherwise; each budget stop must come after exactly the instructions given so far. */
function run(code: number[], rsp: number, budget = 100_000): { states: TierState[]; data: Uint8Array } {
  const data = new Uint8Array(T_DATA_SIZE);
  for (let k = 0; k < data.length; k++) data[k] = (k * 13 + 5) & 0xff;
  const regs = new Array<bigint>(16).fill(0n);
  [RAX, RBX, RDX, RSI].forEach((r, k) => { regs[r] = VALUES[k]!; });
  regs[RCX] = 0x99n;
  regs[RSP] = BigInt(T_DATA + rsp);
  const states = runEveryPath(machine, { code: Uint8Array.from(code), origin: 0, data, regs, rflags: 0, xmm: new Uint8Array(256), cpl: 0 }, budget);
  return { states, data };
}
const qword = (data: Uint8Array, at: number) => new DataView(data.buffer, data.byteOffset).getBigUint64(at, true);

const ROTATION = [
  0xb9, 0x65, 0x00, 0x00, 0x00, // 00: mov ecx,101
  0x50, 0x53, 0x52, 0x56,       // 05: top: push rax; push rbx; push rdx; push rsi
  0x58, 0x5e, 0x5a, 0x5b,       // 09: pop rax; pop rsi; pop rdx; pop rbx  (rax <- rsi <- rdx <- rbx <- rax)
  0xff, 0xc9,                   // 0d: dec ecx
  0x75, 0xf4,                   // 0f: jne top
  0xf4,                         // 11: hlt
];

describe('runs of PUSH and POP', () => {
  it('4 PUSHes, then 4 POPs into the registers rotated, 101 times: the registers rotated once, the slots in push order', () => {
    const { states } = run(ROTATION, 0x1800);
    for (const s of states) {
      expect([s.stop, s.instructions, s.regs[RSP]]).toEqual(['halt', 1 + 101 * 10 + 1, hex(T_DATA + 0x1800)]);
      // Four passes rotate the registers back: 101 leave them rotated once.
      expect([s.regs[RAX], s.regs[RBX], s.regs[RDX], s.regs[RSI]]).toEqual([VALUES[3]!, VALUES[0]!, VALUES[1]!, VALUES[2]!].map(hex));
      // The last pass pushed the registers as they were after 100 passes (as at the start): RAX highest.
      expect([0x17f8, 0x17f0, 0x17e8, 0x17e0].map((at) => hex(qword(s.data, at)))).toEqual(VALUES.map(hex));
    }
  });

  // A PUSH (POP) before the run, and a NOP between, so the run starts with the stack page cached.
  it('a PUSH run crossing into an unmapped page: #PF(W) at its third PUSH, the first two written', () => {
    const code = [0x50, 0x90, 0x53, 0x51, 0x52, 0xf4]; // push rax; nop; push rbx; push rcx; push rdx; hlt
    const { states, data } = run(code, 0x4018);
    for (const s of states) {
      expect([s.stop, s.vector, s.errorCode, s.cr2, s.rip, s.instructions, s.regs[RSP]]).toEqual(
        ['exception', 14, PF_W, hex(T_DATA + 0x3ff8), hex(T_CODE + 4), 4, hex(T_DATA + 0x4000)]);
      expect([0x4010, 0x4008, 0x4000].map((at) => hex(qword(s.data, at)))).toEqual([VALUES[0]!, VALUES[1]!, 0x99n].map(hex));
      expect(hex(qword(s.data, 0x4018))).toBe(hex(qword(data, 0x4018)));
    }
  });

  it('a PUSH run from a read-only page down into the cached writable one: #PF(P|W) at its first PUSH', () => {
    const code = [0x50, 0x48, 0x83, 0xc4, 0x18, 0x53, 0x51, 0x52, 0xf4]; // push rax; add rsp,0x18; push rbx; push rcx; push rdx; hlt
    const { states } = run(code, 0x2000);
    for (const s of states) {
      expect([s.stop, s.vector, s.errorCode, s.cr2, s.rip, s.instructions, s.regs[RSP]]).toEqual(
        ['exception', 14, PF_P | PF_W, hex(T_DATA + 0x2008), hex(T_CODE + 5), 2, hex(T_DATA + 0x2010)]);
      expect(hex(qword(s.data, 0x1ff8))).toBe(hex(VALUES[0]!));
    }
  });

  it('a POP run crossing into an unmapped page: #PF(0) at its third POP, the first two loaded', () => {
    const code = [0x58, 0x90, 0x5b, 0x59, 0x5a, 0xf4]; // pop rax; nop; pop rbx; pop rcx; pop rdx; hlt
    const { states, data } = run(code, 0x2fe8);
    for (const s of states) {
      expect([s.stop, s.vector, s.errorCode, s.cr2, s.rip, s.instructions, s.regs[RSP]]).toEqual(
        ['exception', 14, 0, hex(T_DATA + 0x3000), hex(T_CODE + 4), 4, hex(T_DATA + 0x3000)]);
      expect([s.regs[RAX], s.regs[RBX], s.regs[RCX], s.regs[RDX]]).toEqual([qword(data, 0x2fe8), qword(data, 0x2ff0), qword(data, 0x2ff8), VALUES[2]!].map(hex));
    }
  });

  it('a PUSH run on a read-only page the POPs before it cached: #PF(P|W) at its first PUSH', () => {
    const code = [0x58, 0x5b, 0x51, 0x52, 0xf4]; // pop rax; pop rbx; push rcx; push rdx; hlt
    const { states, data } = run(code, 0x2100);
    for (const s of states) {
      expect([s.stop, s.vector, s.errorCode, s.cr2, s.rip, s.instructions, s.regs[RSP]]).toEqual(
        ['exception', 14, PF_P | PF_W, hex(T_DATA + 0x2108), hex(T_CODE + 2), 2, hex(T_DATA + 0x2110)]);
      expect([s.regs[RAX], s.regs[RBX]]).toEqual([qword(data, 0x2100), qword(data, 0x2108)].map(hex));
    }
  });
  it('budgets of 1 to 4 and 7 instructions end inside the runs: every stop exact, the same end', () => {
    for (const budget of [1, 2, 3, 4, 7]) {
      const { states } = run(ROTATION, 0x1800, budget);
      for (const s of states) {
        expect([s.stop, s.instructions, s.regs[RSP], s.regs[RAX], s.regs[RSI]]).toEqual(
          ['halt', 1 + 101 * 10 + 1, hex(T_DATA + 0x1800), hex(VALUES[3]!), hex(VALUES[2]!)]);
      }
    }
  });

  it('a PUSH run going down a page pass by pass: #PF(W) at the third PUSH of the third pass, all slots before it written', () => {
    const code = [0x50, 0x53, 0x51, 0xeb, 0xfb]; // top: push rax; push rbx; push rcx; jmp top
    const { states } = run(code, 0x4040);
    for (const s of states) {
      expect([s.stop, s.vector, s.errorCode, s.cr2, s.rip, s.instructions, s.regs[RSP]]).toEqual(
        ['exception', 14, PF_W, hex(T_DATA + 0x3ff8), hex(T_CODE + 2), 2 * 4 + 2, hex(T_DATA + 0x4000)]);
      const pushed = [VALUES[0]!, VALUES[1]!, 0x99n, VALUES[0]!, VALUES[1]!, 0x99n, VALUES[0]!, VALUES[1]!];
      expect([0x4038, 0x4030, 0x4028, 0x4020, 0x4018, 0x4010, 0x4008, 0x4000].map((at) => hex(qword(s.data, at)))).toEqual(pushed.map(hex));
    }
  });

  it('a POP run going up a page pass by pass: #PF(0) at the second POP of the fourth pass, the slots before it loaded', () => {
    const code = [0x58, 0x5b, 0x59, 0xeb, 0xfb]; // top: pop rax; pop rbx; pop rcx; jmp top
    const { states, data } = run(code, 0x2fb0);
    for (const s of states) {
      expect([s.stop, s.vector, s.errorCode, s.cr2, s.rip, s.instructions, s.regs[RSP]]).toEqual(
        ['exception', 14, 0, hex(T_DATA + 0x3000), hex(T_CODE + 1), 3 * 4 + 1, hex(T_DATA + 0x3000)]);
      expect([s.regs[RAX], s.regs[RBX], s.regs[RCX]]).toEqual([qword(data, 0x2ff8), qword(data, 0x2fe8), qword(data, 0x2ff0)].map(hex));
    }
  });

  it('a register popped twice in a run keeps the later slot', () => {
    // top: pop rax; pop rax; sub rsp,16; dec ecx; jne top; hlt  (ECX = 0x99 passes)
    const code = [0x58, 0x58, 0x48, 0x83, 0xec, 0x10, 0xff, 0xc9, 0x75, 0xf6, 0xf4];
    const { states, data } = run(code, 0x1800);
    for (const s of states) {
      expect([s.stop, s.instructions, s.regs[RSP], s.regs[RAX]]).toEqual(['halt', 0x99 * 5 + 1, hex(T_DATA + 0x1800), hex(qword(data, 0x1808))]);
    }
  });
});
