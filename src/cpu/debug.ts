// Debug facilities (SDM Vol. 3 ch. 17; APM Vol. 2 ch. 13): single-step (TF),
// the breakpoints of DR0-DR3/DR7, general detect (DR7.GD), DR6 and RF.
//
// Cost model: nothing here runs while debugging is off. The CPU takes the
// interpreter's debug loop (Interpreter.runDebug) only while `debugActive`
// holds (TF or RF set, a breakpoint enabled, a trap held by MOV SS); a change
// that may turn it on (RFLAGS written with TF or RF, a MOV DR) asks the run
// loop to reschedule. Data breakpoints watch the MMU's slow path (Mmu.setWatch
// takes explicit accesses off the fast path while installed); the debug loop
// checks instruction breakpoints before an instruction and delivers the #DB
// trap (single-step, data breakpoints) after it.
import { Vector } from '../arch/vectors.js';
import { TF, RF } from '../arch/rflags.js';
import { SEG_CS } from '../arch/registers.js';
import { ATTR_L } from '../arch/descriptors.js';
import {
  CR4_DE, DR6_B0, DR6_BD, DR6_BS, DR7_ENABLES, DR7_GD, DR7_LEN_SHIFT, DR7_RW_SHIFT,
  DR_RW_EXEC, DR_RW_IO, DR_RW_WRITE,
} from '../arch/control-registers.js';
import type { AccessWatch } from '../mmu/mmu.js';
import { PFX_REP, PFX_REPNE, type Insn } from '../isa/insn.js';
import type { ExecContext, RunContext } from './context.js';
import { Shadow } from './state.js';
import { StopReason } from './stop-reason.js';

/** LENn → bytes: 00 one, 01 two, 10 eight (long mode), 11 four (SDM §17.2.5, APM §13.1.1.5). */
const LEN_BYTES = [1, 2, 8, 4] as const;

const rwOf = (dr7: number, n: number): number => (dr7 >>> (DR7_RW_SHIFT + 4 * n)) & 3;
const lenOf = (dr7: number, n: number): number => LEN_BYTES[(dr7 >>> (DR7_LEN_SHIFT + 4 * n)) & 3]!;
const enabled = (dr7: number, n: number): boolean => ((dr7 >>> (2 * n)) & 3) !== 0;

/** DR6 B0-B3 bits of the breakpoints DR7 enables (Ln or Gn). */
function enabledBits(dr7: number): number {
  let m = 0;
  for (let n = 0; n < 4; n++) if (enabled(dr7, n)) m |= DR6_B0 << n;
  return m;
}

/**
 * Re-derives the breakpoint ranges from DR0-DR3 and DR7 (after MOV DR, or
 * state the host wrote): the address is masked to its length, as the
 * hardware ignores the low bits of an unaligned breakpoint address (SDM §17.2.5).
 */
export function syncBreakpoints(c: ExecContext): void {
  const dr7 = Number(c.dr[7]! & 0xffffffffn);
  c.dr7 = dr7;
  let low = Infinity, high = -Infinity, data = false;
  for (let n = 0; n < 4; n++) {
    const len = lenOf(dr7, n);
    const start = Number(BigInt.asIntN(64, c.dr[n]! & ~BigInt(len - 1)));
    c.bpStart[n] = start;
    c.bpEnd[n] = start + len;
    if (rwOf(dr7, n) === DR_RW_EXEC) { low = Math.min(low, start); high = Math.max(high, start + len); }
    else if (enabled(dr7, n)) data = true;
  }
  c.execBpLow = low;
  c.execBpHigh = high;
  c.dataBpEnabled = data;
}

/**
 * RF with no breakpoint enabled, no single-step and no trap due suppresses
 * nothing: the run loop clears it itself as the next instruction starts (what
 * beginInstruction would do, SDM §17.3.1.1) and stays on the fast loop. An
 * IRETQ from a fault handler returns with RF = 1 (delivery pushed it), so
 * otherwise every retried fault would take the debug loop for one instruction.
 */
export function clearInertResumeFlag(c: ExecContext): void {
  if ((c.flagsRest & (TF | RF)) === RF && (c.dr7 & DR7_ENABLES) === 0 && c.dbDeferred === 0 && !c.stepTrap) c.flagsRest &= ~RF;
}

/** Whether the run loop must take the debug loop. */
export function debugActive(c: ExecContext): boolean {
  return (c.flagsRest & (TF | RF)) !== 0 || (c.dr7 & DR7_ENABLES) !== 0 || c.dbDeferred !== 0 || c.stepTrap;
}

/**
 * I/O breakpoints (R/W = 10 with CR4.DE = 1, SDM §17.2.4): an access to a
 * port in the range matches; reported as a trap after the instruction. With
 * CR4.DE = 0, R/W = 10 is undefined: an enabled one that the access would
 * match ends the run (emulation-failure) rather than guess.
 */
export function ioBreakpoints(c: ExecContext, port: number, size: number): void {
  const dr7 = c.dr7;
  for (let n = 0; n < 4; n++) {
    if (rwOf(dr7, n) !== DR_RW_IO || !(port < c.bpEnd[n]! && c.bpStart[n]! < port + size)) continue;
    if ((c.cr4 & CR4_DE) === 0) {
      if (enabled(dr7, n)) c.emulationFailure(`DR${n}: R/W = 10 with CR4.DE = 0 is undefined`);
      continue;
    }
    c.dbHits |= DR6_B0 << n;
  }
}

/** Data breakpoints (R/W = 01 writes, 11 reads and writes): any byte of the access in the range matches (SDM §17.2.5). */
export class DataBreakpoints implements AccessWatch {
  constructor(private readonly c: ExecContext) {}
  /** A DR set for data (enabled or not: a match sets its DR6 bit either way). */
  get watching(): boolean {
    for (let n = 0; n < 4; n++) {
      const rw = rwOf(this.c.dr7, n);
      if (rw !== DR_RW_EXEC && rw !== DR_RW_IO) return true;
    }
    return false;
  }
  access(lin: number, size: number, write: boolean): void {
    const c = this.c, dr7 = c.dr7, end = lin + size;
    for (let n = 0; n < 4; n++) {
      const rw = rwOf(dr7, n);
      if (rw === DR_RW_EXEC || rw === DR_RW_IO || (rw === DR_RW_WRITE && !write)) continue;
      if (lin < c.bpEnd[n]! && c.bpStart[n]! < end) c.dbHits |= DR6_B0 << n;
    }
  }
}

/** Sets DR6 bits: the processor sets status bits and never clears them (SDM §17.2.3, APM §13.1.1.3). */
function setDr6(c: ExecContext, bits: number): void {
  c.dr[6] = c.dr[6]! | BigInt(bits >>> 0);
}

/** A #DB trap at the current RIP (the instruction boundary after the one that caused it). */
function raiseTrap(c: ExecContext, bits: number): never {
  setDr6(c, bits);
  c.insnStart = c.rip;
  return c.raise(Vector.DB);
}

/**
 * Before an instruction: a trap still due (held by MOV SS past a fault, or
 * left by an instruction of the fast loop), the instruction breakpoints
 * (faults, suppressed by RF and after MOV SS / POP SS, SDM §17.3.1.1), then RF
 * is cleared "at the start of the instruction after the check for code
 * breakpoint" and TF sampled for the single-step trap. Returns whether this
 * instruction is in a MOV SS shadow.
 */
export function beginInstruction(c: ExecContext, rip: number): boolean {
  const shadowed = c.interruptShadow === Shadow.MovSs;
  c.interruptShadow = Shadow.None;
  if (c.stepTrap || (c.dbDeferred !== 0 && !shadowed)) {
    const bits = (c.stepTrap ? DR6_BS : 0) | c.dbDeferred;
    c.stepTrap = false;
    c.dbDeferred = 0;
    raiseTrap(c, bits);
  }
  const dr7 = c.dr7;
  let hits = 0;
  if ((c.flagsRest & RF) === 0 && !shadowed) {
    let fire = false;
    // DR0-DR3 hold linear addresses: CS.base + EIP outside 64-bit mode (SDM §17.2.4).
    const lin = (c.segAttr[SEG_CS]! & ATTR_L) ? rip : (c.segBase[SEG_CS]! + rip) >>> 0;
    // Outside the range of every instruction breakpoint (syncBreakpoints), no DR matches.
    if (lin >= c.execBpLow && lin < c.execBpHigh) for (let n = 0; n < 4; n++) {
      if (rwOf(dr7, n) !== DR_RW_EXEC || lin < c.bpStart[n]! || lin >= c.bpEnd[n]!) continue;
      // LEN must be 00 for an instruction breakpoint; other lengths are undefined (SDM §17.2.5): no guess.
      if (c.bpEnd[n]! - c.bpStart[n]! !== 1 && enabled(dr7, n)) c.emulationFailure(`DR${n}: an instruction breakpoint with LEN != 00 is undefined`);
      hits |= DR6_B0 << n;
      if (enabled(dr7, n)) fire = true;
    }
    // A fault: RIP is the instruction, RF is pushed as it is (0) (SDM §17.3.1.1).
    if (fire) { setDr6(c, hits); c.raise(Vector.DB); }
  }
  c.flagsRest &= ~RF;
  c.stepTrap = (c.flagsRest & TF) !== 0;
  c.dbHits = hits; // matching breakpoints that are not enabled: reported if a #DB happens
  c.repSingle = c.stepTrap || c.dataBpEnabled;
  return shadowed;
}

export const isRepString = (i: Insn): boolean =>
  (i.prefixes & (PFX_REP | PFX_REPNE)) !== 0 && REP_STRING.has(i.row.executor);
const REP_STRING: ReadonlySet<string> = new Set(['movs', 'stos', 'lods', 'cmps', 'scas', 'ins', 'outs']);

/**
 * After an instruction completed: the #DB trap for single-step (DR6.BS) and
 * enabled data breakpoints (Bn, with every other breakpoint that matched),
 * held for one more instruction after MOV SS / POP SS (SDM §6.8.3). A REP
 * string instruction that will run again keeps RF = 1, so its instruction
 * breakpoint is not taken again and a trap pushes RF = 1 (SDM §17.3.1.1).
 */
export function endInstruction(c: RunContext, start: number, insn: Insn, shadowed: boolean): void {
  if (c.rip === start && isRepString(insn)) c.flagsRest |= RF;
  const fire = c.stepTrap || (c.dbHits & enabledBits(c.dr7)) !== 0;
  let bits = fire ? c.dbHits | (c.stepTrap ? DR6_BS : 0) : 0;
  c.stepTrap = false;
  c.dbHits = 0;
  if (bits === 0 && c.dbDeferred === 0) return;
  // Held by MOV SS; or the host took this instruction's event (an intercepted INT n) or stops at this
  // boundary (host debugging, host-debug.ts): taken at the next boundary, before the next instruction.
  if ((c.interruptShadow === Shadow.MovSs && !shadowed) || c.stopReason === StopReason.Exception || c.stopReason === StopReason.HostDebug) { c.dbDeferred |= bits; return; }
  bits |= c.dbDeferred;
  c.dbDeferred = 0;
  // A single-step trap after HLT is an event that ends the halt (the handler's IRET returns after HLT).
  if (c.stopReason === StopReason.Halt) c.stopReason = StopReason.None;
  c.trapAfterRetire = true;
  raiseTrap(c, bits);
}

/**
 * MOV to or from a debug register with DR7.GD = 1: a #DB fault with DR6.BD
 * before the access (SDM §17.2.4); a fault, so the frame holds RF = 1.
 */
export function checkGeneralDetect(c: ExecContext): void {
  if ((c.dr7 & DR7_GD) === 0) return;
  setDr6(c, DR6_BD);
  c.flagsRest |= RF;
  c.raise(Vector.DB);
}

/** On entry to the #DB handler the processor clears DR7.GD, so the handler may use the debug registers (SDM §17.2.4). */
export function enteredDebugHandler(c: ExecContext): void {
  if ((c.dr7 & DR7_GD) === 0) return;
  c.dr[7] = c.dr[7]! & ~BigInt(DR7_GD);
  c.dr7 &= ~DR7_GD;
}
