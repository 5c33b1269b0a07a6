// Single-step (RFLAGS.TF, SDM Vol. 3 §17.3.1.4; APM Vol. 2 §13.1.4) and the
// RF image of events (SDM §17.3.1.1): the list of RIPs at which the #DB trap
// is taken, DR6.BS, the MOV SS / POP SS shadow (SDM §6.8.3), STI, INT n,
// SYSCALL's SFMASK, SYSRET, IRET and POPF setting TF, REP string iterations,
// HLT, faults that win over the trap, and ICEBP.
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import type { RunOptions, RunResult } from './helpers/machine.js';
import {
  Machine, CODE, HANDLER, DATA_LIN, RCX, RDI, R11, RSP, frame, movImm, outcome, phys, program, setGate, setTss, wrmsr,
} from './helpers/system.js';

const TF = 0x100, RF = 0x10000;
const DR6_INIT = 0xffff0ff0, BS = 0x4000;
const dr6 = (bits: number) => (DR6_INIT | bits) >>> 0;
const NOP = [0x90], HLT = [0xf4], UD2 = [0x0f, 0x0b], STI = [0xfb], INT3 = [0xcc], ICEBP = [0xf1], IRETQ = [0x48, 0xcf];
const MOV_SS_AX = [0x8e, 0xd0], SYSCALL = [0x0f, 0x05], SYSRETQ = [0x48, 0x0f, 0x07];
const PUSH_IMM = (v: number) => [0x68, v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff];
const POPF = [0x9d];
const MSR_STAR = 0xc0000081, MSR_LSTAR = 0xc0000082, MSR_SFMASK = 0xc0000084;
const STACK = 0x801f00;

interface Stop { rip: number; what: string; dr6: number; rf: boolean; rcx?: number }

describe.each(EXECUTION_PATHS)('single-step (%s path)', (path) => {
  /** Runs `code`, resuming after every intercepted #DB; the stops in order, then the final outcome. */
  function steps(code: number[], o: RunOptions = {}, m = new Machine()): { stops: Stop[]; end: string; m: Machine } {
    m.cpu.dr[6] = BigInt(DR6_INIT);
    const stops: Stop[] = [];
    let r: RunResult = m.run(code, { path, ...o });
    while (r.outcome === 'exception' && r.vector === 1 && stops.length < 40) {
      const c = m.cpu;
      stops.push({ rip: c.rip - CODE, what: '#DB', dr6: Number(c.dr[6]), rf: (c.getRflags() & RF) !== 0 });
      c.dr[6] = BigInt(DR6_INIT); // the handler's job: the CPU never clears DR6
      r = m.resume();
    }
    return { stops, end: outcome(r), m };
  }
  const rips = (s: Stop[]) => s.map((x) => x.rip);

  it('TF: a #DB trap after every instruction, RIP = the next instruction, DR6.BS = 1, RF = 0', () => {
    const code = [...NOP, ...NOP, 0xb8, 1, 0, 0, 0, ...NOP];
    const { stops, end } = steps(code, { rflags: 0x2 | TF });
    expect(rips(stops)).toEqual([1, 2, 7, 8]);
    expect(stops.every((s) => s.dr6 === dr6(BS) && !s.rf)).toBe(true);
    expect(end).toBe('ok');
    // Without TF: no trap at all.
    expect(steps(code).stops).toEqual([]);
    // Delivered: the frame holds RIP = the next instruction and RFLAGS with TF = 1, RF = 0; the handler runs with TF = 0.
    const m = new Machine();
    setGate(m, 1);
    expect(outcome(m.run(program(NOP), { path, rflags: 0x2 | TF }))).toBe('halt');
    expect(frame(m, 3)).toEqual([BigInt(CODE + 1), 0x08n, BigInt(0x2 | TF)]);
  });

  it('POPF/IRET setting TF: the first trap is after the instruction that follows; clearing TF: a trap after POPF itself', () => {
    // push 0x102; popf; nop; nop
    expect(rips(steps([...PUSH_IMM(0x102), ...POPF, ...NOP, ...NOP]).stops)).toEqual([7, 8]);
    // TF set, then push 2; popf; nop: traps after PUSH and after POPF (TF was set at its start), none after NOP.
    expect(rips(steps([...PUSH_IMM(0x2), ...POPF, ...NOP, ...NOP], { rflags: 0x2 | TF }).stops)).toEqual([5, 6]);
    // IRETQ to CODE+2 with TF in the image: no trap after IRET, one after each instruction it returns to.
    const m = new Machine();
    [CODE + 2, 0x08, 0x2 | TF, STACK + 0x40, 0x10].forEach((w, k) => m.mem.write64(phys(m, STACK) + 8 * k, BigInt(w)));
    expect(rips(steps([...IRETQ, ...NOP, ...NOP], { regs: { [RSP]: BigInt(STACK) } }, m).stops)).toEqual([3, 4]);
  });

  it('MOV SS holds the single-step trap for one instruction: one #DB after the next, with BS (SDM §6.8.3)', () => {
    // nop; mov ss, ax (null, CPL 0); nop; nop
    const code = [...NOP, ...MOV_SS_AX, ...NOP, ...NOP];
    expect(rips(steps(code, { rflags: 0x2 | TF }).stops)).toEqual([1, 4, 5]);
    // The same with a descriptor load: mov ax, 0x10; mov ss, ax; nop
    expect(rips(steps([0x66, 0xb8, 0x10, 0x00, ...MOV_SS_AX, ...NOP, ...NOP], { rflags: 0x2 | TF }).stops)).toEqual([4, 7, 8]);
    // STI's interrupt shadow does not hold debug traps.
    expect(rips(steps([...STI, ...NOP, ...NOP], { rflags: 0x2 | TF }).stops)).toEqual([1, 2, 3]);
  });

  it('MOV SS then INT3: the held #DB is taken at the first instruction of the #BP handler (CPL 0, TF already clear)', () => {
    const m = new Machine();
    setGate(m, 3, { dpl: 3 });
    const { stops } = steps(program([...MOV_SS_AX, ...INT3], [...NOP, ...HLT]), { rflags: 0x2 | TF }, m);
    expect(stops.map((s) => [s.rip, s.dr6])).toEqual([[HANDLER - CODE, dr6(BS)]]);
    // The host intercepts the INT3: it sees #BP; the held #DB comes at the next boundary when it resumes.
    const h = new Machine();
    h.cpu.dr[6] = BigInt(DR6_INIT);
    expect(outcome(h.run([...MOV_SS_AX, ...INT3, ...NOP], { path, rflags: 0x2 | TF }))).toBe('#BP');
    expect([outcome(h.resume()), h.cpu.rip - CODE, Number(h.cpu.dr[6])]).toEqual(['#DB', 3, dr6(BS)]);
    // MOV SS then a faulting instruction: the held #DB is taken after the fault's delivery, at its handler.
    const f = new Machine();
    setGate(f, 6);
    const r = steps(program([...MOV_SS_AX, ...UD2], [...NOP, ...HLT]), { rflags: 0x2 | TF }, f);
    expect(r.stops.map((s) => [s.rip, s.dr6])).toEqual([[HANDLER - CODE, dr6(BS)]]);
    expect(frame(f, 3)).toEqual([BigInt(CODE + 2), 0x08n, BigInt(0x2 | TF | RF)]); // the #UD frame below
  });

  it('INT n, INT3 clear TF: no trap after them; the frame holds TF = 1 and RF = 0', () => {
    const m = new Machine();
    setGate(m, 0x80);
    const { stops, end } = steps(program([0xcd, 0x80]), { rflags: 0x2 | TF }, m);
    expect([stops, end]).toEqual([[], 'halt']);
    expect(frame(m, 3)).toEqual([BigInt(CODE + 2), 0x08n, BigInt(0x2 | TF)]);
  });

  it('a faulting instruction: the fault wins, no single-step #DB; the fault frame holds RF = 1', () => {
    let { stops, end } = steps(UD2, { rflags: 0x2 | TF });
    expect([stops, end]).toEqual([[], '#UD']);
    // A host that skips the intercepted UD2 and resumes: the next #DB is after the NOP, none is left over from UD2.
    const h = new Machine();
    expect(outcome(h.run([...UD2, ...NOP, ...NOP], { path, rflags: 0x2 | TF }))).toBe('#UD');
    h.cpu.rip = CODE + 2;
    expect([outcome(h.resume()), h.cpu.rip - CODE]).toEqual(['#DB', 3]);
    const m = new Machine();
    setGate(m, 6);
    ({ stops, end } = steps(program(UD2), { rflags: 0x2 | TF }, m));
    expect([stops, end]).toEqual([[], 'halt']);
    expect(frame(m, 3)).toEqual([BigInt(CODE), 0x08n, BigInt(0x2 | TF | RF)]);
    expect(m.cpu.getRflags() & (TF | RF)).toBe(0);
  });

  it('SYSCALL: single-step follows TF after SFMASK; with TF masked no #DB at the entry point', () => {
    const setup = (mask: number) => [...wrmsr(MSR_LSTAR, BigInt(HANDLER)), ...wrmsr(MSR_SFMASK, BigInt(mask)), ...PUSH_IMM(0x102), ...POPF];
    let r = steps(program([...setup(TF), ...SYSCALL]));
    expect([rips(r.stops), r.end]).toEqual([[], 'halt']);
    r = steps(program([...setup(0), ...SYSCALL]));
    // The trap at the entry point; the handler's HLT is stepped too (TF stays set).
    expect([rips(r.stops), r.end]).toEqual([[HANDLER - CODE, HANDLER + 1 - CODE], 'ok']);
    expect(r.m.cpu.getReg64(R11) & BigInt(TF)).toBe(BigInt(TF));
  });

  it('SYSRET restoring TF traps right after SYSRET, before the first user instruction (unlike IRET)', () => {
    const user = CODE + 0x100;
    const code = program([...wrmsr(MSR_STAR, 0x0013000800000000n), ...movImm(RCX, user), ...SYSRETQ]);
    code[0x100] = 0x90;
    const { stops, m } = steps(code, { regs: { [R11]: BigInt(0x2 | TF) } });
    expect(stops.slice(0, 2).map((s) => s.rip)).toEqual([0x100, 0x101]);
    expect(m.cpu.cpl).toBe(3);
  });

  it('REP STOSB: a trap after every iteration, at the instruction itself with RF = 1 until the last', () => {
    const code = [0xb9, 3, 0, 0, 0, ...movImm(RDI, DATA_LIN), 0xf3, 0xaa, ...NOP];
    const m = new Machine();
    const stops: [number, number, boolean][] = [];
    m.cpu.dr[6] = BigInt(DR6_INIT);
    let r = m.run(code, { path, rflags: 0x2 | TF });
    while (r.outcome === 'exception' && r.vector === 1) {
      stops.push([m.cpu.rip - CODE, Number(m.cpu.getReg64(RCX)), (m.cpu.getRflags() & RF) !== 0]);
      r = m.resume();
    }
    expect(stops).toEqual([[5, 3, false], [15, 3, false], [15, 2, true], [15, 1, true], [17, 0, false], [18, 0, false]]);
  });

  it('REP STOSB single-stepped with a handler: RF = 1 in the frame of a non-final iteration', () => {
    const m = new Machine();
    setGate(m, 1);
    // TF set by POPF just before the REP: its first iteration is the first instruction stepped.
    const code = program([0xb9, 2, 0, 0, 0, ...movImm(RDI, DATA_LIN), ...PUSH_IMM(0x102), ...POPF, 0xf3, 0xaa]);
    expect(outcome(m.run(code, { path }))).toBe('halt');
    expect(frame(m, 3)).toEqual([BigInt(CODE + 21), 0x08n, BigInt(0x2 | TF | RF)]);
    expect(Number(m.cpu.getReg64(RCX))).toBe(1);
  });

  it('HLT single-stepped: the trap is taken after HLT (RIP = next) instead of halting', () => {
    const { stops, end } = steps([...HLT, ...NOP], { rflags: 0x2 | TF });
    expect([rips(stops), end]).toEqual([[1, 2], 'ok']);
    expect(steps([...HLT, ...NOP]).end).toBe('halt');
    // Delivered to a handler that returns (IRETQ restores TF): HLT, NOP and then INT3 (#BP) at CODE+2.
    const m = new Machine();
    setGate(m, 1);
    expect(outcome(m.run(program([...HLT, ...NOP], IRETQ), { path, rflags: 0x2 | TF }))).toBe('#BP');
    expect(m.cpu.rip).toBe(CODE + 3); // an intercepted INT3: RIP after it
  });

  it('ICEBP (F1): #DB delivered like a hardware event (no gate DPL check), no DR6.BS, RF = 0 pushed', () => {
    const m = new Machine();
    setGate(m, 1, { dpl: 0 });
    setTss(m, { rsp: [STACK] });
    m.cpu.dr[6] = BigInt(DR6_INIT);
    expect(outcome(m.run(program([...NOP, ...ICEBP]), { path, cpl: 3 }))).toBe('halt');
    expect(frame(m, 3)).toEqual([BigInt(CODE + 2), 0x2bn, 0x2n]);
    expect(Number(m.cpu.dr[6])).toBe(DR6_INIT);
    // INT3 stays #BP (vector 3), intercepted as a software interrupt.
    expect(steps(INT3).end).toBe('#BP');
  });

  it('ICEBP with #DB intercepted by the host: the host sees #DB with RIP after the ICEBP, nothing delivered', () => {
    const m = new Machine();
    m.cpu.dr[6] = BigInt(DR6_INIT);
    expect(outcome(m.run([...NOP, ...ICEBP, ...NOP], { path, cpl: 3 }))).toBe('#DB');
    expect([m.cpu.rip, m.cpu.cpl, Number(m.cpu.dr[6])]).toEqual([CODE + 2, 3, DR6_INIT]);
  });
});

