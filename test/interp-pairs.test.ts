// Instruction pairs on the interpreter (exec/pairs.ts): an instruction that
// only changes registers and flags runs with the next one in one call. A
// pair must stop exactly where the two would alone: a fault in the second
// leaves the first retired, a budget may end between them, and a first that
// reads memory is never paired (its #PF is deferred, not thrown). Results
// computed by hand, and every path ends in the same state.
import { describe, expect, it } from 'vitest';
import { TierMachine, T_CODE, T_DATA, T_DATA_SIZE, type TierState } from './helpers/tier-machine.js';
import { runEveryPath } from './helpers/every-path.js';

const RAX = 0, RBX = 3, RSI = 6;
const machine = new TierMachine();
const hex = (v: bigint | number) => `0x${BigInt.asUintN(64, BigInt(v)).toString(16)}`;

/**
 * Runs `code` on every path with RSI at `rsi` in the data area, in budgets of
 * `budget` instructions until it stops otherwise; each budget stop must come
 * after exactly the instructions given so far.
 */
function run(code: number[], rsi: number, budget = 100_000): TierState[] {
  const regs = new Array<bigint>(16).fill(0n);
  regs[RSI] = BigInt(T_DATA + rsi);
  regs[4] = BigInt(T_DATA + 0x1800);
  return runEveryPath(machine, { code: Uint8Array.from(code), origin: 0, data: new Uint8Array(T_DATA_SIZE), regs, rflags: 0, xmm: new Uint8Array(256), cpl: 0 }, budget);
}

// Pairs form when an instruction is decoded, and a page's first pass runs each instruction
// alone: every case loops, and the second pass runs the pairs.
describe('instruction pairs', () => {
  it('a fault in the second of a pair: #PF at it, the first retired', () => {
    const code = [
      0x31, 0xc9,                               // 00: xor ecx,ecx
      0x48, 0x83, 0xc0, 0x01,                   // 02: top: add rax,1
      0x48, 0x8b, 0x1e,                         // 06: mov rbx,[rsi]  (the second pass: unmapped)
      0x48, 0x81, 0xc6, 0x00, 0x30, 0x00, 0x00, // 09: add rsi,0x3000
      0xeb, 0xf0,                               // 10: jmp top
    ];
    for (const s of run(code, 0)) {
      expect([s.stop, s.vector, s.errorCode, s.cr2, s.rip, s.instructions, s.regs[RAX]]).toEqual(
        ['exception', 14, 0, hex(T_DATA + 0x3000), hex(T_CODE + 6), 1 + 4 + 1, '0x2']);
    }
  });

  it('a first that reads memory is not paired: its #PF leaves the next undone', () => {
    const code = [
      0x31, 0xc9,                               // 00: xor ecx,ecx
      0x48, 0x8b, 0x06,                         // 02: top: mov rax,[rsi]  (the second pass: unmapped)
      0x48, 0x83, 0xc3, 0x01,                   // 05: add rbx,1
      0x48, 0x81, 0xc6, 0x00, 0x30, 0x00, 0x00, // 09: add rsi,0x3000
      0xeb, 0xf0,                               // 10: jmp top
    ];
    for (const s of run(code, 0)) {
      expect([s.stop, s.vector, s.rip, s.instructions, s.regs[RBX]]).toEqual(['exception', 14, hex(T_CODE + 2), 1 + 4, '0x1']);
    }
  });

  it('budgets of one instruction stop between the two of every pair, and the loop still counts down exactly', () => {
    // mov ecx,5; top: add eax,3; dec ecx; jne top; hlt  (ADD+DEC and DEC+JNE pair)
    const code = [0xb9, 0x05, 0x00, 0x00, 0x00, 0x83, 0xc0, 0x03, 0xff, 0xc9, 0x75, 0xf9, 0xf4];
    for (const budget of [1, 2, 3]) {
      for (const s of run(code, 0, budget)) {
        expect([s.stop, s.instructions, s.rip, s.regs[RAX], s.regs[1]]).toEqual(['halt', 1 + 5 * 3 + 1, hex(T_CODE + 13), '0xf', '0x0']);
      }
    }
  });
});
