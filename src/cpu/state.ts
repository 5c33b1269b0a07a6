// The architectural state of one vCPU: general registers, RIP, RFLAGS (the
// arithmetic flags lazily, lazy-flags.ts), segment registers with their hidden
// parts, control, debug and descriptor-table registers, and the MSR values
// that are plain storage. Nothing here has side effects; the CPU (cpu.ts)
// adds the machinery around it.
//
// Values: a 64-bit register is two int32 halves (regLo/regHi); 64-bit
// arithmetic is done on the halves, never with BigInt on the common path.
// Linear addresses are JavaScript numbers holding the signed canonical value,
// exact because canonical addresses have 48 bits.
import { MsrFile } from './msr-file.js';
import { ARITH_FLAGS, RFLAGS_FIXED1 } from '../arch/rflags.js';
import { CR0_ET, CR0_NW, CR0_CD } from '../arch/control-registers.js';
import { MXCSR_RESET } from '../arch/mxcsr.js';
import { XCR0_X87 } from '../arch/xsave.js';
import { arithFlags, type LazyFlags } from './lazy-flags.js';
import { VectorRegisters } from './vector-registers.js';
import { X87State } from './x87-state.js';

/** Magnitude from which a RIP held as a number is not exact (see ArchState.ripExactLo). */
export const RIP_EXACT = 2 ** 53;

/** What set the interrupt shadow: STI blocks interrupts only; MOV SS / POP SS also hold debug traps (SDM §6.8.3). */
export const enum Shadow { None = 0, Sti = 1, MovSs = 2 }

export class ArchState implements LazyFlags {
  // ---- general-purpose registers and RIP ----
  readonly regLo = new Int32Array(16);
  readonly regHi = new Int32Array(16);
  rip = 0;
  /** RIP of the instruction being executed (faults restore it). */
  insnStart = 0;
  /** Set with a #DB trap raised after its instruction retired (debug.ts): no instruction started at insnStart. */
  trapAfterRetire = false;
  /**
   * The exact RIP while |rip| ≥ 2^53, where a number is not exact: only an
   * AMD SYSRET to a non-canonical RCX puts RIP there (the fetch then raises
   * #GP(0), whose frame pushes these halves; ripBig() reads them).
   */
  ripExactLo = 0;
  ripExactHi = 0;

  // ---- RFLAGS: the lazy arithmetic flags plus the other bits ----
  fZ = 1;
  fS = 0;
  fP = 1;
  fAux = 0;
  /** RFLAGS without the arithmetic flags. */
  flagsRest = RFLAGS_FIXED1;

  // ---- segments (index SEG_ES..SEG_GS) and privilege ----
  cpl = 0;
  readonly segSel = new Uint16Array(6);
  readonly segBase = new Float64Array(6);
  readonly segLimit = new Float64Array(6);
  /** Descriptor attributes (arch/descriptors.ts). */
  readonly segAttr = new Uint16Array(6);

  // ---- control, debug and descriptor-table registers ----
  cr0 = CR0_ET | CR0_NW | CR0_CD; // the reset value 0x60000010
  cr2 = 0;
  cr3 = 0;
  cr4 = 0;
  cr8 = 0;
  efer = 0;
  gdtrBase = 0; gdtrLimit = 0xffff;
  idtrBase = 0; idtrLimit = 0xffff;
  ldtrSel = 0; ldtrBase = 0; ldtrLimit = 0; ldtrAttr = 0;
  trSel = 0; trBase = 0; trLimit = 0; trAttr = 0;
  /** DR0-DR7 (DR4/DR5 alias DR6/DR7): 64-bit values, exact. */
  readonly dr = new BigUint64Array(8);
  /** Protection-key rights for user pages (RDPKRU/WRPKRU). */
  pkru = 0;
  /** MSRs that are plain storage (msr.ts gives the others their meaning). */
  readonly msrs = new MsrFile();
  /** XMM0-15 (vector-registers.ts). */
  readonly xmm = new VectorRegisters();
  /** SSE control and status (LDMXCSR/STMXCSR; the FP core will use its fields). */
  mxcsr = MXCSR_RESET;
  /** XCR0 (XSETBV/XGETBV; arch/xsave.ts): x87 only at reset (SDM Vol. 1 §13.3). */
  xcr0 = XCR0_X87;
  /** The x87 FPU (x87-state.ts). */
  readonly x87 = new X87State();
  /** The x87 control word (FCW). */
  get fpuControlWord(): number { return this.x87.cw; }
  set fpuControlWord(v: number) { this.x87.cw = v; }

  // ---- time and events ----
  /** Instructions retired. */
  instructions = 0;
  /** TSC = instructions retired + tscOffset: guest time advances with work, never wall clock. */
  tscOffset = 0;
  /** Interrupt shadow after STI / MOV SS / POP SS (SDM §6.8.3): a Shadow kind, for the next instruction boundary. */
  interruptShadow: Shadow = Shadow.None;

  // ---- debug exceptions in flight (SDM Vol. 3 §17.3; cpu/debug.ts) ----
  /** A single-step trap is due after the current instruction (TF at its start; INT n and SYSCALL's mask change it). */
  stepTrap = false;
  /** DR6 B0-B3 bits of breakpoints the current instruction matched (reported with a #DB trap once it completes). */
  dbHits = 0;
  /** DR6 bits of debug traps held past a MOV SS / POP SS boundary, delivered after the next instruction. */
  dbDeferred = 0;
  /** REP string instructions do one iteration per execution (single-step and data breakpoints trap per iteration). */
  repSingle = false;
  /** DR0-DR3 as linear ranges [bpStart, bpEnd), masked to their length (debug.ts keeps them in sync with DR7). */
  readonly bpStart = new Float64Array(4);
  readonly bpEnd = new Float64Array(4);
  /** DR7's low dword as a number (L/G enables, R/W and LEN fields). */
  dr7 = 0x400;
  /**
   * What the debug loop checks before each instruction, derived with bpStart/bpEnd (debug.ts
   * syncBreakpoints): the linear range [execBpLow, execBpHigh) that holds every instruction
   * breakpoint (R/W = 00, enabled or not: a match sets DR6.Bn either way), and whether a data
   * breakpoint is enabled.
   */
  execBpLow = 0;
  execBpHigh = 1;
  dataBpEnabled = false;

  /** Reads a register of `size` bytes: the value for 1, 2 and 4; the low dword for 8. */
  getReg(size: number, r: number): number {
    switch (size) {
      case 1: return r < 16 ? this.regLo[r]! & 0xff : (this.regLo[r - 16]! >> 8) & 0xff;
      case 2: return this.regLo[r]! & 0xffff;
      default: return this.regLo[r]!;
    }
  }

  /** Writes a register: 8/16-bit writes merge, 32-bit writes zero the upper half (SDM §3.4.1.1). */
  setReg(size: number, r: number, lo: number, hi: number): void {
    switch (size) {
      case 1:
        if (r < 16) this.regLo[r] = (this.regLo[r]! & ~0xff) | (lo & 0xff);
        else this.regLo[r - 16] = (this.regLo[r - 16]! & ~0xff00) | ((lo & 0xff) << 8);
        return;
      case 2: this.regLo[r] = (this.regLo[r]! & ~0xffff) | (lo & 0xffff); return;
      case 4: this.regLo[r] = lo; this.regHi[r] = 0; return;
      default: this.regLo[r] = lo; this.regHi[r] = hi;
    }
  }

  /** A register as a signed number: exact while it holds a canonical address (|v| < 2^53). */
  regNumber(r: number): number {
    return this.regHi[r]! * 4294967296 + (this.regLo[r]! >>> 0);
  }

  getReg64(r: number): bigint {
    return (BigInt(this.regHi[r]! >>> 0) << 32n) | BigInt(this.regLo[r]! >>> 0);
  }
  setReg64(r: number, v: bigint): void {
    this.regLo[r] = Number(v & 0xffffffffn) | 0;
    this.regHi[r] = Number((v >> 32n) & 0xffffffffn) | 0;
  }

  /** RIP as an unsigned 64-bit value, exact also beyond 2^53 (ripExactLo/Hi). */
  ripBig(): bigint {
    if (Math.abs(this.rip) < RIP_EXACT) return BigInt.asUintN(64, BigInt(this.rip));
    return (BigInt(this.ripExactHi >>> 0) << 32n) | BigInt(this.ripExactLo >>> 0);
  }

  getRflags(): number {
    return (this.flagsRest & ~ARITH_FLAGS) | arithFlags(this);
  }

  /** The current TSC value (deterministic: instructions retired plus offset). */
  readTsc(): bigint {
    return BigInt.asUintN(64, BigInt(this.instructions) + BigInt(this.tscOffset));
  }
}
