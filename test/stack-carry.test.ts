// Stack operations whose RSP crosses a 4 GiB line (its low dword wraps): the
// compiled tier moves RSP with int32 arithmetic on the two halves, so the
// carry into the high dword must be exact in both directions. PUSH, POP,
// CALL and RET, one Cpu.run on every path, results computed by hand.
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import { Machine } from './helpers/machine.js';

const FOUR_G = 0x100000000;
const CODE_BYTES = [
  0x50,                         // 0: push rax        RSP 1_0000_0008 -> 1_0000_0000
  0xe8, 0x02, 0x00, 0x00, 0x00, // 1: call 8          -> ffff_fff8 (low dword wraps down)
  0xeb, 0x01,                   // 6: jmp 9
  0xc3,                         // 8: ret             -> 1_0000_0000 (carry up)
  0x51,                         // 9: push rcx        -> ffff_fff8
  0x5a,                         // a: pop rdx         -> 1_0000_0000
  0x5e,                         // b: pop rsi         -> 1_0000_0008
];

describe('RSP crossing a 4 GiB line', () => {
  for (const path of EXECUTION_PATHS) {
    it(`PUSH, CALL, RET and POP carry between RSP's halves (${path} path)`, () => {
      const m = new Machine();
      const phys = m.pt.mapFresh(FOUR_G - 0x1000, 0x2000, { writable: true, user: false, executable: false });
      const rax = 0x1122334455667788n, rcx = -0x123456789abcdefn;
      const r = m.run(CODE_BYTES, { path, regs: { 0: rax, 1: rcx, 4: BigInt(FOUR_G + 8) } });
      expect(r).toEqual({ outcome: 'ok' });
      const c = m.cpu;
      expect(c.getReg64(4)).toBe(BigInt(FOUR_G + 8));
      expect(c.getReg64(2)).toBe(BigInt.asUintN(64, rcx));
      expect(c.getReg64(6)).toBe(rax);
      expect(c.instructions).toBe(7);
      // ffff_fff8 held CALL's return address (RET came back to 6, or RSI would differ), then RCX; 1_0000_0000 holds RAX.
      expect(m.mem.read64(phys + 0xff8)).toBe(BigInt.asUintN(64, rcx));
      expect(m.mem.read64(phys + 0x1000)).toBe(rax);
    });

    // The same PUSH (POP) twice: first within the page just below a 4 GiB line of a higher 4 GiB,
    // then across a line, where RSP's low dword borrows (carries): the interpreter's PUSH and POP
    // work on RSP's halves while the page they touched last holds the new top (stack.ts).
    it(`the same PUSH and POP again across a 4 GiB line, after a use of the page below another one (${path} path)`, () => {
      const loop = [0x48, 0x89, 0xe6, 0x48, 0x89, 0xdc, 0xff, 0xc9, 0x75, 0xf5]; // mov rsi, rsp; mov rsp, rbx; dec ecx; jnz 0
      const m = new Machine();
      const low = m.pt.mapFresh(FOUR_G - 0x1000, 0x1000, { writable: true, user: false, executable: false });
      const high = m.pt.mapFresh(2 * FOUR_G - 0x1000, 0x1000, { writable: true, user: false, executable: false });
      const rax = 0x1122334455667788n;
      let r = m.run([0x50, ...loop], { path, regs: { 0: rax, 1: 2n, 3: BigInt(FOUR_G), 4: BigInt(2 * FOUR_G) } });
      expect(r).toEqual({ outcome: 'ok' });
      expect(m.cpu.getReg64(6)).toBe(BigInt(FOUR_G - 8)); // the second PUSH borrowed
      expect(m.mem.read64(low + 0xff8)).toBe(rax);
      expect(m.mem.read64(high + 0xff8)).toBe(rax);
      m.mem.write64(high + 0xff0, 0x1111n);
      m.mem.write64(high + 0xff8, 0x2222n);
      r = m.run([0x5a, ...loop], { path, regs: { 1: 2n, 3: BigInt(2 * FOUR_G - 8), 4: BigInt(2 * FOUR_G - 16) } });
      expect(r).toEqual({ outcome: 'ok' });
      expect(m.cpu.getReg64(6)).toBe(BigInt(2 * FOUR_G)); // the second POP carried
      expect(m.cpu.getReg64(2)).toBe(0x2222n);
      // The same low dword of RSP 4 GiB lower: another page.
      m.mem.write64(low + 0xff0, 0x4444n);
      r = m.run([0x5a, ...loop], { path, regs: { 1: 2n, 3: BigInt(FOUR_G - 16), 4: BigInt(2 * FOUR_G - 16) } });
      expect(r).toEqual({ outcome: 'ok' });
      expect(m.cpu.getReg64(2)).toBe(0x4444n);
      r = m.run([0x50, ...loop], { path, regs: { 0: 0x3333n, 1: 2n, 3: BigInt(FOUR_G - 8), 4: BigInt(2 * FOUR_G - 8) } });
      expect(r).toEqual({ outcome: 'ok' });
      expect(m.cpu.getReg64(6)).toBe(BigInt(FOUR_G - 16));
      expect(m.mem.read64(low + 0xff0)).toBe(0x3333n);
    });
  }
});
