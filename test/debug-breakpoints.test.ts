// Debug registers (SDM Vol. 3 §17.2, §17.3.1; APM Vol. 2 §13.1.1): instruction
// breakpoints (faults before the instruction, suppressed by RF), data
// breakpoints (traps after the instruction) for every R/W × LEN × alignment ×
// access offset and size, DR6 status bits, DR7.GD general detect, I/O
// breakpoints, and what is reported for stack, string and MOV SS accesses.
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import type { RunOptions, RunResult } from './helpers/machine.js';
import {
  Machine, CODE, HANDLER, DATA_LIN, RAX, RBX, RCX, RDX, RSI, RDI, RSP, frame, movFromDr, movImm, movToDr, outcome, phys,
  program, setGate,
} from './helpers/system.js';

const RF = 0x10000, TF = 0x100;
const DR6_INIT = 0xffff0ff0, BS = 0x4000, BD = 0x2000;
const dr6 = (bits: number) => (DR6_INIT | bits) >>> 0;
const NOP = [0x90], HLT = [0xf4], UD2 = [0x0f, 0x0b];
/** R/W encodings and LEN encodings by length in bytes (SDM §17.2.4). */
const RW = { exec: 0, write: 1, io: 2, rw: 3 } as const;
const LEN: Record<number, number> = { 1: 0, 2: 1, 8: 2, 4: 3 };
/** DR7 enabling breakpoint n (Ln) with R/W and length. */
const dr7 = (n: number, rw: number, len: number, global = false) =>
  0x400 | (1 << (2 * n + (global ? 1 : 0))) | (rw << (16 + 4 * n)) | (LEN[len]! << (18 + 4 * n));
/** A data access of `size` bytes at [rbx]: a store of AL/AX/EAX/RAX, or a load into them. */
const access = (size: number, write: boolean): number[] => {
  const op = write ? (size === 1 ? 0x88 : 0x89) : (size === 1 ? 0x8a : 0x8b);
  return [...(size === 2 ? [0x66] : size === 8 ? [0x48] : []), op, 0x03];
};

describe.each(EXECUTION_PATHS)('breakpoints (%s path)', (path) => {
  function machine(drs: [number, number][] = []): Machine {
    const m = new Machine();
    for (const [n, v] of drs) m.cpu.dr[n] = BigInt.asUintN(64, BigInt(v));
    if (!drs.some(([n]) => n === 6)) m.cpu.dr[6] = BigInt(DR6_INIT);
    return m;
  }
  const run = (m: Machine, code: number[], o: RunOptions = {}): RunResult => m.run(code, { path, ...o });
  const DR6 = (m: Machine) => Number(m.cpu.dr[6]);

  it('data breakpoints: R/W × LEN × breakpoint alignment × access offset and size (any byte in the masked range matches)', () => {
    let cases = 0;
    const base = DATA_LIN + 0x40;
    const m = new Machine();
    for (const rw of [RW.write, RW.rw]) {
      for (const len of [1, 2, 4, 8]) {
        for (const bpOff of [0, 1, 3, 7]) {
          for (const size of [1, 2, 4, 8]) {
            for (let accOff = -8; accOff <= 15; accOff += 1) {
              for (const write of [true, false]) {
                const n = (bpOff + len) & 3; // use each of DR0-DR3
                m.cpu.dr[n] = BigInt(base + bpOff);
                m.cpu.dr[7] = BigInt(dr7(n, rw, len));
                m.cpu.dr[6] = BigInt(DR6_INIT);
                const code = [...access(size, write), ...NOP];
                const r = run(m, code, { regs: { [RBX]: BigInt(base + accOff) } });
                // The model, from the SDM: the address's low bits are ignored (masked to LEN);
                // a write breakpoint matches writes, a read/write breakpoint both.
                const start = (bpOff & ~(len - 1)), end = start + len;
                const hit = accOff < end && start < accOff + size && (write || rw === RW.rw);
                const want = hit ? `#DB rip=${3 - (size === 1 || size === 4 ? 1 : 0)} dr6=${dr6(1 << n)}` : 'ok';
                const got = r.outcome === 'exception' ? `${outcome(r)} rip=${m.cpu.rip - CODE} dr6=${DR6(m)}` : outcome(r);
                expect(`rw=${rw} len=${len} bp+${bpOff} access ${size}@${accOff} ${write ? 'W' : 'R'}: ${got}`)
                  .toBe(`rw=${rw} len=${len} bp+${bpOff} access ${size}@${accOff} ${write ? 'W' : 'R'}: ${want}`);
                cases++;
              }
            }
          }
        }
      }
    }
    expect(cases).toBe(2 * 4 * 4 * 4 * 24 * 2);
  });

  it('instruction breakpoints: byte offset × L/G × RF at the start → a #DB fault only at an instruction start, not the RF-suppressed first', () => {
    // mov eax, 1 (5 bytes); 66 nop (2, a prefix); nop; mov rbx, [rsp] (4)
    const code = [0xb8, 1, 0, 0, 0, 0x66, 0x90, 0x90, 0x48, 0x8b, 0x1c, 0x24];
    const starts = [0, 5, 7, 8];
    const m = new Machine();
    let cases = 0;
    // DR0, DR2 and DR3 disabled, as instruction breakpoints at 0 or as write breakpoints: then DR1 is the only
    // instruction breakpoint, and its address both ends of the range the debug loop checks (syncBreakpoints).
    const othersWrite = (RW.write << 16) | (RW.write << 24) | (RW.write << 28);
    for (let off = 0; off < code.length; off++) for (const global of [false, true]) for (const rf of [false, true]) for (const others of [0, othersWrite]) {
      m.cpu.dr[1] = BigInt(CODE + off);
      m.cpu.dr[7] = BigInt(dr7(1, RW.exec, 1, global) | others);
      m.cpu.dr[6] = BigInt(DR6_INIT);
      const r = run(m, code, { rflags: 0x2 | (rf ? RF : 0) });
      const got = r.outcome === 'exception' ? `${outcome(r)} at ${m.cpu.rip - CODE} dr6=${DR6(m)} retired=${m.cpu.instructions}` : outcome(r);
      const fires = starts.includes(off) && !(rf && off === 0);
      const want = fires ? `#DB at ${off} dr6=${dr6(2)} retired=${starts.indexOf(off)}` : 'ok';
      const what = `bp +${off} ${global ? 'G1' : 'L1'} RF=${rf ? 1 : 0}${others ? ' others write' : ''}`;
      expect(`${what}: ${got}`).toBe(`${what}: ${want}`);
      cases++;
    }
    expect(cases).toBe(code.length * 8);
  });

  it('RF does not suppress data breakpoints (only instruction breakpoints)', () => {
    const m = machine([[0, DATA_LIN], [7, dr7(0, RW.write, 1)]]);
    expect(outcome(run(m, access(1, true), { regs: { [RBX]: BigInt(DATA_LIN) }, rflags: 0x2 | RF }))).toBe('#DB');
    expect(DR6(m)).toBe(dr6(1));
  });

  it('a data breakpoint is a trap: the instruction completed (its store is in memory), RIP = the next, RF = 0 in the frame', () => {
    const m = machine([[0, DATA_LIN], [7, dr7(0, RW.write, 4)]]);
    setGate(m, 1);
    expect(outcome(run(m, program([...access(4, true), ...NOP]), { regs: { [RBX]: BigInt(DATA_LIN), [RAX]: 0x12345678n } }))).toBe('halt');
    expect(m.mem.read32(phys(m, DATA_LIN))).toBe(0x12345678);
    expect(frame(m, 3)).toEqual([BigInt(CODE + 2), 0x08n, 0x2n]);
    expect(DR6(m)).toBe(dr6(1));
  });

  it('instruction breakpoints: a fault before the instruction (RIP = it, nothing done, RF = 0 pushed), suppressed by RF', () => {
    // mov eax, 1 at CODE; nop at CODE+5 has the breakpoint.
    const code = [0xb8, 1, 0, 0, 0, ...NOP, 0xb8, 2, 0, 0, 0];
    let m = machine([[2, CODE + 5], [7, dr7(2, RW.exec, 1, true)]]);
    let r = run(m, code);
    expect([outcome(r), m.cpu.rip - CODE, DR6(m), Number(m.cpu.getReg64(RAX))]).toEqual(['#DB', 5, dr6(4), 1]);
    // Resumed with RF = 1 (what the handler's IRET would do): the instruction runs, RF is cleared after it.
    m.cpu.setRflags(m.cpu.getRflags() | RF);
    expect(outcome(m.resume())).toBe('ok');
    expect([Number(m.cpu.getReg64(RAX)), m.cpu.getRflags() & RF]).toEqual([2, 0]);
    // Delivered: the frame holds RF = 0 (the processor does not set RF for an instruction breakpoint).
    m = machine([[0, CODE + 5], [7, dr7(0, RW.exec, 1)]]);
    setGate(m, 1);
    expect(outcome(run(m, program(code)))).toBe('halt');
    expect(frame(m, 3)).toEqual([BigInt(CODE + 5), 0x08n, 0x2n]);
    // RF set at the start: the breakpoint on the first instruction is not taken, RF is 0 after it.
    m = machine([[0, CODE], [7, dr7(0, RW.exec, 1)]]);
    r = run(m, code, { rflags: 0x2 | RF });
    expect([outcome(r), m.cpu.getRflags() & RF]).toEqual(['ok', 0]);
    // The breakpoint matches the first byte only (a prefix counts): CODE+1 is inside the first instruction.
    m = machine([[0, CODE + 1], [7, dr7(0, RW.exec, 1)]]);
    expect(outcome(run(m, code))).toBe('ok');
  });

  it('IRET with RF = 1 suppresses the breakpoint for one instruction; the next time it fires (POPF cannot set RF)', () => {
    const target = CODE + 2;
    // iretq to `target`: nop; jmp target (EB FD).
    const m = machine([[1, target], [7, dr7(1, RW.exec, 1)]]);
    const words = [target, 0x08, 0x2 | RF, 0x801f80, 0x10];
    words.forEach((w, k) => m.mem.write64(phys(m, 0x801f00) + 8 * k, BigInt(w)));
    const r = run(m, [0x48, 0xcf, ...NOP, 0xeb, 0xfd], { regs: { [RSP]: 0x801f00n } });
    expect([outcome(r), m.cpu.rip - CODE, m.cpu.instructions]).toEqual(['#DB', 2, 3]);
    // POPF with RF in the image clears RF (SDM POPF): the breakpoint on the next instruction fires.
    const p = machine([[0, CODE + 6], [7, dr7(0, RW.exec, 1)]]);
    expect([outcome(run(p, [0x68, 0, 0, 1, 0, 0x9d, ...NOP])), p.cpu.rip - CODE]).toEqual(['#DB', 6]);
  });

  it('IRET with RF = 1 and no breakpoint enabled: RF is still 1 at the boundary after IRET, and cleared as the next instruction starts', () => {
    const target = CODE + 2;
    const code = [0x48, 0xcf, ...NOP, ...HLT]; // iretq to `target`: nop; hlt
    const returning = () => {
      const m = machine();
      [target, 0x08, 0x2 | RF, 0x801f80, 0x10].forEach((w, k) => m.mem.write64(phys(m, 0x801f00) + 8 * k, BigInt(w)));
      return m;
    };
    let m = returning();
    run(m, code, { regs: { [RSP]: 0x801f00n }, maxInstructions: 1 });
    expect([m.cpu.rip - CODE, m.cpu.getRflags() & RF]).toEqual([2, RF]);
    m = returning();
    expect([outcome(run(m, code, { regs: { [RSP]: 0x801f00n } })), m.cpu.getRflags() & RF]).toEqual(['halt', 0]);
  });

  it('DR6: B0-B3 set for every matching breakpoint, enabled or not, when a #DB is taken; never cleared; BS with TF', () => {
    // DR0 (disabled) and DR1 (enabled) both watch the write.
    const d7 = dr7(1, RW.write, 4) | (RW.write << 16) | (LEN[4]! << 18);
    let m = machine([[0, DATA_LIN], [1, DATA_LIN], [7, d7]]);
    expect(outcome(run(m, access(4, true), { regs: { [RBX]: BigInt(DATA_LIN) } }))).toBe('#DB');
    expect(DR6(m)).toBe(dr6(3));
    // Only the disabled one matches: no #DB.
    m = machine([[0, DATA_LIN], [1, DATA_LIN + 0x100], [7, d7]]);
    expect(outcome(run(m, access(4, true), { regs: { [RBX]: BigInt(DATA_LIN) } }))).toBe('ok');
    // Single-step with a matching disabled data breakpoint: BS and B0.
    m = machine([[0, DATA_LIN], [7, 0x400 | (RW.write << 16) | (LEN[4]! << 18)]]);
    expect(outcome(run(m, access(4, true), { regs: { [RBX]: BigInt(DATA_LIN) }, rflags: 0x2 | TF }))).toBe('#DB');
    expect(DR6(m)).toBe(dr6(BS | 1));
    // Single-step over an instruction a disabled instruction breakpoint matches: BS and B2.
    m = machine([[2, CODE], [7, 0x400]]);
    expect(outcome(run(m, NOP, { rflags: 0x2 | TF }))).toBe('#DB');
    expect(DR6(m)).toBe(dr6(BS | 4));
    // Status bits already set stay set (the CPU never clears DR6).
    m = machine([[6, dr6(BD | 8)], [0, DATA_LIN], [7, dr7(0, RW.rw, 1)]]);
    expect(outcome(run(m, access(1, false), { regs: { [RBX]: BigInt(DATA_LIN) } }))).toBe('#DB');
    expect(DR6(m)).toBe(dr6(BD | 8 | 1));
  });

  it('DR7.GD: MOV to or from any DR is a #DB fault with DR6.BD (RIP = the MOV, RF = 1 pushed); entering the handler clears GD', () => {
    for (const mov of [movFromDr(0), movToDr(3), movFromDr(7), movToDr(7)]) {
      const m = machine([[7, 0x2400]]);
      const r = run(m, [...NOP, ...mov]);
      expect([outcome(r), m.cpu.rip - CODE, DR6(m)]).toEqual(['#DB', 1, dr6(BD)]);
    }
    const m = machine([[7, 0x2400]]);
    setGate(m, 1);
    expect(outcome(run(m, program([...movImm(RAX, 5), ...movToDr(0)])))).toBe('halt');
    expect(frame(m, 3)).toEqual([BigInt(CODE + 10), 0x08n, BigInt(0x2 | RF)]);
    expect([m.cpu.dr[7], m.cpu.dr[0]]).toEqual([0x400n, 0n]);
    // The handler may then use the debug registers: mov rax, dr6; hlt.
    const h = machine([[7, 0x2400]]);
    setGate(h, 1);
    expect(outcome(run(h, program(movFromDr(0), [...movFromDr(6), ...HLT])))).toBe('halt');
    expect(BigInt.asUintN(64, h.cpu.getReg64(RAX))).toBe(BigInt(dr6(BD)));
    // The CPL check comes first: at CPL 3 a MOV DR is #GP(0) whatever GD says.
    expect(outcome(run(machine([[7, 0x2400]]), movFromDr(0), { cpl: 3 }))).toBe('#GP(0)');
  });

  it('stack pushes, CALL, and every iteration of a string instruction are data accesses; the trap follows the iteration', () => {
    const top = 0x802000 - 0x100;
    // PUSH RAX writes [RSP-8, RSP).
    let m = machine([[0, top - 8], [7, dr7(0, RW.write, 8)]]);
    expect([outcome(run(m, [0x50, ...NOP])), m.cpu.rip - CODE]).toEqual(['#DB', 1]);
    // CALL pushes the return address.
    m = machine([[3, top - 4], [7, dr7(3, RW.write, 4)]]);
    expect([outcome(run(m, [0xe8, 0, 0, 0, 0])), m.cpu.rip - CODE, DR6(m)]).toEqual(['#DB', 5, dr6(8)]);
    // REP MOVSB of 8 bytes with a read breakpoint on the 6th source byte: the trap comes after that iteration,
    // at the REP instruction (RCX = 2 left), with RF = 1.
    m = machine([[0, DATA_LIN + 5], [7, dr7(0, RW.rw, 1)]]);
    const code = [0xf3, 0xa4, ...NOP];
    const r = run(m, code, { regs: { [RSI]: BigInt(DATA_LIN), [RDI]: BigInt(DATA_LIN + 0x800), [RCX]: 8n } });
    expect([outcome(r), m.cpu.rip - CODE, Number(m.cpu.getReg64(RCX)), m.cpu.getRflags() & RF]).toEqual(['#DB', 0, 2, RF]);
    // Resumed: the instruction runs to its end without hitting the breakpoint again.
    expect(outcome(m.resume())).toBe('ok');
    expect(Number(m.cpu.getReg64(RCX))).toBe(0);
  });

  it('MOV SS: a data breakpoint on its operand is held until after the next instruction', () => {
    const m = machine([[0, DATA_LIN], [7, dr7(0, RW.rw, 2)]]);
    // mov ss, [rbx] (8E 13) with a null selector in memory; nop; nop
    const r = run(m, [0x8e, 0x13, ...NOP, ...NOP], { regs: { [RBX]: BigInt(DATA_LIN) } });
    expect([outcome(r), m.cpu.rip - CODE, DR6(m)]).toEqual(['#DB', 3, dr6(1)]);
  });

  it('accesses made by exception delivery are not reported (model: only explicit accesses are watched)', () => {
    const m = machine([[0, 0x802000 - 0x100 - 8], [7, dr7(0, RW.write, 8)]]);
    setGate(m, 6);
    expect(outcome(run(m, program(UD2)))).toBe('halt');
    expect(DR6(m)).toBe(DR6_INIT);
  });

  it('I/O breakpoints (R/W = 10, CR4.DE = 1): a trap after IN/OUT touching the port range; CR4.DE = 0: emulation-failure', () => {
    const out = [0x66, 0xba, 0x80, 0x00, 0xee]; // mov dx, 0x80; out dx, al
    let m = machine([[1, 0x80], [7, dr7(1, RW.io, 1)]]);
    expect([outcome(run(m, [...out, ...NOP], { cr4: 0x620 | 0x8 })), m.cpu.rip - CODE, DR6(m)]).toEqual(['#DB', 5, dr6(2)]);
    m = machine([[1, 0x81], [7, dr7(1, RW.io, 1)]]);
    expect(outcome(run(m, [...out, ...NOP], { cr4: 0x620 | 0x8 }))).toBe('ok');
    m = machine([[1, 0x80], [7, dr7(1, RW.io, 1)]]);
    expect(outcome(run(m, [...out, ...NOP]))).toBe('emulation-failure');
    void RDX; void RDI; void HANDLER;
  });

  it('ICEBP: delivered as an external event, so a fault during its delivery has EXT = 1 in the error code', () => {
    const m = machine();
    setGate(m, 1, { present: false });
    m.cpu.interceptVectors[11] = 1;
    expect(outcome(run(m, [0xf1]))).toBe('#NP(b)'); // vector 1 × 8 + IDT (2) + EXT (1)
  });

  it('an enabled instruction breakpoint with LEN != 00 is undefined: emulation-failure when it covers RIP', () => {
    const m = machine([[0, CODE], [7, dr7(0, RW.exec, 4)]]);
    expect(outcome(run(m, NOP))).toBe('emulation-failure');
  });
});
