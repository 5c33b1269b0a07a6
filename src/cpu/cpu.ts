// The vCPU: architectural state, operand access, the run loop with its
// decoded-instruction cache, and exception delivery through the 64-bit IDT.
//
// Values: a 64-bit register is two int32 halves (regLo/regHi); 64-bit
// arithmetic is done on the halves, never with BigInt on the common path.
// Linear addresses (RIP, effective addresses) are JavaScript numbers holding the
// signed canonical value, exact because canonical addresses have 48 bits.
import { Mmu, ACC_READ_SUP, ACC_READ_SUP_AC, ACC_WRITE_SUP } from '../mmu/mmu.js';
import type { PhysicalMemory } from '../mmu/physical-memory.js';
import { PortBus } from '../devices/port-bus.js';
import { decode } from './decoder.js';
import { Insn, BASE_RIP, SEG_FS, SEG_GS, SEG_SS, SEG_CS } from './insn.js';
import {
  CF, PF, AF, ZF, SF, OF, TF, IF, DF, NT, RF, VM, AC, IOPL, ARITH_FLAGS, RFLAGS_IMPLEMENTED, RFLAGS_FIXED1, PF_TABLE,
} from './flags.js';
import {
  CPU_EXCEPTION, EMULATION_FAILURE, PendingException, FaultClass, faultClass, Vector,
} from './exceptions.js';
import { MsrFile } from './msr.js';
import { StopReason } from './stop-reason.js';
import type { ExecutionPath } from './execution-path.js';

const TWO32 = 4294967296;
const CANON_LIMIT = 0x800000000000; // 2^47
const PAGE = 4096;

export { StopReason };

export interface CpuOptions {
  /** Honour the forced-emulation prefix `ud2; 'kvm'` (guest-abi §7). */
  forcedEmulation?: boolean;
}

export class Cpu {
  // ---- general-purpose state ----
  readonly regLo = new Int32Array(16);
  readonly regHi = new Int32Array(16);
  rip = 0;
  /** RIP of the instruction being executed (faults restore it). */
  insnStart = 0;
  /** High dword returned by 64-bit reads (register or memory). */
  hi = 0;
  /** Effective address of the last memory operand read by readE (for read-modify-write). */
  lastEa = 0;

  // ---- RFLAGS: lazy arithmetic flags (see flags.ts) plus the other bits ----
  fZ = 1;
  fS = 0;
  fP = 1;
  fAux = 0;
  flagsRest = RFLAGS_FIXED1;

  // ---- system state ----
  cpl = 0;
  readonly segSel = new Uint16Array(6);
  readonly segBase = new Float64Array(6);
  readonly segLimit = new Float64Array(6);
  /** Descriptor attributes: type 0-3, S 4, DPL 5-6, P 7, AVL 12, L 13, D/B 14, G 15. */
  readonly segAttr = new Uint16Array(6);
  cr0 = 0x60000010;
  cr2 = 0;
  cr3 = 0;
  cr4 = 0;
  cr8 = 0;
  efer = 0;
  gdtrBase = 0; gdtrLimit = 0xffff;
  idtrBase = 0; idtrLimit = 0xffff;
  ldtrSel = 0; ldtrBase = 0; ldtrLimit = 0; ldtrAttr = 0;
  trSel = 0; trBase = 0; trLimit = 0; trAttr = 0;
  readonly dr = new Float64Array(8);
  readonly msr: MsrFile;
  /** x87 and SSE control state: held for the ABI's initial state until those units exist. */
  fpuControlWord = 0x37f;
  mxcsr = 0x1f80;
  /** TSC = instructions retired + tscOffset: guest time advances with work, never wall clock. */
  tscOffset = 0;

  // ---- execution ----
  readonly mem: PhysicalMemory;
  readonly mmu: Mmu;
  readonly io: PortBus;
  readonly exc = new PendingException();
  instructions = 0;
  forcedEmulation: boolean;
  /** Stop at the first exception instead of delivering it (test snippets, host debugging). */
  interceptExceptions = false;
  /** How guest code runs (see execution-path.ts); 'reference' runs every instruction on the reference path. */
  executionPath: ExecutionPath = 'cached';
  stopReason = StopReason.None;
  stopMessage = '';
  /** For EmulationFailure: address and bytes of the instruction. */
  stopRip = 0;
  stopBytes: Uint8Array = new Uint8Array(0);
  /** Interrupt shadow after STI / MOV SS (SDM §6.8.3); cleared after one instruction. */
  interruptShadow = false;

  // ---- decoded-instruction cache: per physical frame, an array indexed by page offset ----
  private readonly codeCache = new Map<number, (Insn | undefined)[]>();
  private fetchBase = NaN;
  private fetchPage: (Insn | undefined)[] = [];
  private readonly fetchBuf = new Uint8Array(16);
  /** While > 0, the instruction runs on the reference path (forced emulation). */
  private referenceDepth = 0;

  constructor(mem: PhysicalMemory, io: PortBus = new PortBus(), options: CpuOptions = {}) {
    this.mem = mem;
    this.io = io;
    this.forcedEmulation = options.forcedEmulation ?? false;
    this.mmu = new Mmu(mem, (lin, err) => this.pageFault(lin, err));
    this.mmu.onCodeWrite = (frame) => this.dropCode(frame);
    this.msr = new MsrFile(this);
  }

  // =====================================================================
  // Registers
  // =====================================================================

  /** Reads a register of `size` bytes; for 8 bytes returns the low dword and leaves the high one in `hi`. */
  getReg(size: number, r: number): number {
    switch (size) {
      case 1: return r < 16 ? this.regLo[r]! & 0xff : (this.regLo[r - 16]! >> 8) & 0xff;
      case 2: return this.regLo[r]! & 0xffff;
      case 4: return this.regLo[r]!;
      default: this.hi = this.regHi[r]!; return this.regLo[r]!;
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

  getReg64(r: number): bigint {
    return (BigInt(this.regHi[r]! >>> 0) << 32n) | BigInt(this.regLo[r]! >>> 0);
  }
  setReg64(r: number, v: bigint): void {
    this.regLo[r] = Number(v & 0xffffffffn) | 0;
    this.regHi[r] = Number((v >> 32n) & 0xffffffffn) | 0;
  }

  // =====================================================================
  // Effective addresses and operands
  // =====================================================================

  /** Linear address of the memory operand (SDM §3.7.5), with the canonical check (#GP(0)/#SS(0)). */
  ea(i: Insn): number {
    let lin = i.disp;
    const b = i.base, x = i.index;
    if (b >= 0) {
      if (b === BASE_RIP) lin += this.rip;
      else {
        const h = this.regHi[b]!;
        if (h > 0x7fff || h < -0x8000) return this.eaExact(i);
        lin += h * TWO32 + (this.regLo[b]! >>> 0);
      }
    }
    if (x >= 0) {
      const h = this.regHi[x]!;
      if (h > 0x7fff || h < -0x8000) return this.eaExact(i);
      lin += (h * TWO32 + (this.regLo[x]! >>> 0)) * (1 << i.scale);
    }
    if (i.addrSize === 4) lin = lin >>> 0;
    if (i.seg >= SEG_FS) lin += this.segBase[i.seg]!;
    if (lin >= CANON_LIMIT || lin < -CANON_LIMIT) return this.eaExact(i);
    return lin;
  }

  /**
   * The offset of the memory operand (base + index << scale + disp, no segment)
   * with exact 64-bit wrap-around, as an int32 pair: returns the low dword and
   * leaves the high dword in `hi`. For 32-bit addressing the high dword is 0.
   */
  eaOffset(i: Insn): number {
    let lo = i.disp, hi = i.disp >> 31;
    const b = i.base;
    if (b >= 0) {
      let bl: number, bh: number;
      if (b === BASE_RIP) { bh = Math.floor(this.rip / TWO32); bl = (this.rip - bh * TWO32) | 0; }
      else { bl = this.regLo[b]!; bh = this.regHi[b]!; }
      const sum = (lo >>> 0) + (bl >>> 0);
      lo = sum | 0;
      hi = (hi + bh + (sum > 0xffffffff ? 1 : 0)) | 0;
    }
    const x = i.index;
    if (x >= 0) {
      const sc = i.scale;
      let xl = this.regLo[x]!, xh = this.regHi[x]!;
      if (sc) { xh = (xh << sc) | (xl >>> (32 - sc)); xl <<= sc; }
      const sum = (lo >>> 0) + (xl >>> 0);
      lo = sum | 0;
      hi = (hi + xh + (sum > 0xffffffff ? 1 : 0)) | 0;
    }
    this.hi = i.addrSize === 4 ? 0 : hi;
    return lo;
  }

  /** The general path of ea(): exact arithmetic for large register values, then the canonical check. */
  private eaExact(i: Insn): number {
    let lo = this.eaOffset(i), hi = this.hi;
    if (i.seg >= SEG_FS) {
      const base = this.segBase[i.seg]!;
      const bh = Math.floor(base / TWO32), bl = base - bh * TWO32;
      const sum = (lo >>> 0) + bl;
      lo = sum | 0;
      hi = (hi + bh + (sum > 0xffffffff ? 1 : 0)) | 0;
    }
    if ((hi >> 15) !== 0 && (hi >> 15) !== -1) { // bits 63:47 must all be equal
      const ss = i.seg === SEG_SS || (i.seg < 0 && (i.base === 4 || i.base === 5));
      this.raise(ss ? Vector.SS : Vector.GP, 0);
    }
    return hi * TWO32 + (lo >>> 0);
  }

  readMem(size: number, lin: number): number {
    switch (size) {
      case 1: return this.mmu.read8(lin);
      case 2: return this.mmu.read16(lin);
      case 4: return this.mmu.read32(lin);
      default: { const lo = this.mmu.read64(lin); this.hi = this.mmu.hi; return lo; }
    }
  }

  writeMem(size: number, lin: number, lo: number, hi: number): void {
    switch (size) {
      case 1: this.mmu.write8(lin, lo); return;
      case 2: this.mmu.write16(lin, lo); return;
      case 4: this.mmu.write32(lin, lo); return;
      default: this.mmu.write64(lin, lo, hi);
    }
  }

  /** Reads the r/m operand; a memory operand's address is kept in lastEa for writeBackE. */
  readE(i: Insn, size: number): number {
    if (!i.isMem) return this.getReg(size, i.rm);
    const a = this.ea(i);
    this.lastEa = a;
    return this.readMem(size, a);
  }

  /**
   * readE for a read-modify-write operand: a memory operand is checked for
   * writing first, because the hardware reports such a fault as a write
   * (#PF with W=1), whatever the instruction then does.
   */
  readModifyE(i: Insn, size: number): number {
    if (!i.isMem) return this.getReg(size, i.rm);
    const a = this.ea(i);
    this.mmu.probeWrite(a, size);
    this.lastEa = a;
    return this.readMem(size, a);
  }

  /** Writes the r/m operand after readE (read-modify-write). */
  writeBackE(i: Insn, size: number, lo: number, hi: number): void {
    if (!i.isMem) this.setReg(size, i.rm, lo, hi);
    else this.writeMem(size, this.lastEa, lo, hi);
  }

  /** Writes the r/m operand without reading it first. */
  writeE(i: Insn, size: number, lo: number, hi: number): void {
    if (!i.isMem) this.setReg(size, i.rm, lo, hi);
    else this.writeMem(size, this.ea(i), lo, hi);
  }

  // =====================================================================
  // Stack (64-bit mode: SS base 0, RSP wraps at 2^64)
  // =====================================================================

  /** RSP as a linear address, with the canonical check raising #SS(0). */
  private stackAddr(delta: number): number {
    const h = this.regHi[4]!;
    const lin = h * TWO32 + (this.regLo[4]! >>> 0) + delta;
    if (lin >= CANON_LIMIT || lin < -CANON_LIMIT) this.raise(Vector.SS, 0);
    return lin;
  }

  private addRsp(delta: number): void {
    const lo = (this.regLo[4]! >>> 0) + delta;
    if (lo >= TWO32) { this.regLo[4] = lo - TWO32; this.regHi[4] = this.regHi[4]! + 1; }
    else if (lo < 0) { this.regLo[4] = lo + TWO32; this.regHi[4] = this.regHi[4]! - 1; }
    else this.regLo[4] = lo;
  }

  push(size: number, lo: number, hi: number): void {
    const a = this.stackAddr(-size);
    this.writeMem(size, a, lo, hi);
    this.addRsp(-size);
  }

  /** PUSH of a 64-bit value (the common case, without the size switch). */
  push64(lo: number, hi: number): void {
    const a = this.stackAddr(-8);
    this.mmu.write64(a, lo, hi);
    this.addRsp(-8);
  }

  /** POP of a 64-bit value: returns the low dword, high dword in `hi`. */
  pop64(): number {
    const lo = this.mmu.read64(this.stackAddr(0));
    this.hi = this.mmu.hi;
    this.addRsp(8);
    return lo;
  }

  /** Pops `size` bytes: returns the low part, high dword in `hi`. RSP moves only if the read succeeded. */
  pop(size: number): number {
    const v = this.readMem(size, this.stackAddr(0));
    this.addRsp(size);
    return v;
  }

  /** Reads the stack at RSP+offset without moving RSP. */
  peek(size: number, offset: number): number {
    return this.readMem(size, this.stackAddr(offset));
  }
  adjustRsp(delta: number): void { this.addRsp(delta); }

  // =====================================================================
  // Flags
  // =====================================================================

  /** Sets the lazy ZF/SF/PF sources from a result of `size` bytes. */
  setResultFlags(size: number, lo: number, hi: number): void {
    switch (size) {
      case 1: this.fZ = lo & 0xff; this.fS = lo << 24; break;
      case 2: this.fZ = lo & 0xffff; this.fS = lo << 16; break;
      case 4: this.fZ = lo; this.fS = lo; break;
      default: this.fZ = lo | hi; this.fS = hi;
    }
    this.fP = lo;
  }

  getRflags(): number {
    return (this.flagsRest & ~ARITH_FLAGS) | (this.fAux & (CF | AF | OF)) | (this.fZ === 0 ? ZF : 0) | (this.fS < 0 ? SF : 0) | PF_TABLE[this.fP & 0xff]!;
  }

  /** Loads the arithmetic flags from bits. */
  setArithFlags(f: number): void {
    this.fAux = f & (CF | AF | OF);
    this.fZ = f & ZF ? 0 : 1;
    this.fS = f & SF ? -1 : 0;
    this.fP = f & PF ? 0 : 1;
  }

  /** Writes all of RFLAGS (no privilege filtering: callers apply POPF/IRET rules first). */
  setRflags(f: number): void {
    this.setArithFlags(f);
    const oldAc = this.flagsRest & AC;
    this.flagsRest = (f & RFLAGS_IMPLEMENTED & ~ARITH_FLAGS) | RFLAGS_FIXED1;
    if ((this.flagsRest & AC) !== oldAc) this.mmu.setMode(this.cpl, (this.flagsRest & AC) !== 0);
  }

  /** Evaluates condition code `cc` (0..15, SDM Vol. 1 Table B-1). */
  cond(cc: number): boolean {
    let r: boolean;
    switch (cc >> 1) {
      case 0: r = (this.fAux & OF) !== 0; break;
      case 1: r = (this.fAux & CF) !== 0; break;
      case 2: r = this.fZ === 0; break;
      case 3: r = (this.fAux & CF) !== 0 || this.fZ === 0; break;
      case 4: r = this.fS < 0; break;
      case 5: r = PF_TABLE[this.fP & 0xff] !== 0; break;
      case 6: r = (this.fS < 0) !== ((this.fAux & OF) !== 0); break;
      default: r = this.fZ === 0 || (this.fS < 0) !== ((this.fAux & OF) !== 0);
    }
    return (cc & 1) ? !r : r;
  }

  get df(): boolean { return (this.flagsRest & DF) !== 0; }

  // =====================================================================
  // Exceptions
  // =====================================================================

  /** Raises an exception: records it and throws the sentinel. */
  raise(vector: number, errorCode?: number): never {
    const e = this.exc;
    e.vector = vector;
    e.hasError = errorCode !== undefined;
    e.errorCode = errorCode ?? 0;
    throw CPU_EXCEPTION;
  }
  raiseUD(): never { return this.raise(Vector.UD); }
  raiseGP(code = 0): never { return this.raise(Vector.GP, code); }

  private pageFault(lin: number, err: number): never {
    this.exc.cr2 = lin;
    return this.raise(Vector.PF, err);
  }

  /** Stops the run loop with an emulation-failure outcome for the current instruction. */
  emulationFailure(message = 'instruction not implemented'): never {
    this.stopMessage = message;
    throw EMULATION_FAILURE;
  }

  /** Asks the run loop to return after the current instruction (device exits, host requests). */
  requestStop(reason: StopReason): void {
    this.stopReason = reason;
  }

  // =====================================================================
  // Run loop
  // =====================================================================

  /**
   * Runs until a stop reason or until `budget` more instructions have retired.
   * Never throws for anything a guest does.
   */
  run(budget: number): StopReason {
    this.stopReason = StopReason.None;
    const end = this.instructions + budget;
    while (this.stopReason === StopReason.None) {
      if (this.instructions >= end) { this.stopReason = StopReason.Limit; break; }
      try {
        if (this.executionPath === 'reference') this.runReferenceBatch(end);
        else this.runBatch(end);
      } catch (e) {
        this.handleThrow(e);
      }
    }
    return this.stopReason;
  }

  private runBatch(end: number): void {
    while (this.stopReason === StopReason.None && this.instructions < end) {
      const rip = this.rip;
      const off = rip - this.fetchBase;
      this.insnStart = rip; // before the fetch: a fetch fault reports this RIP
      let insn: Insn | undefined;
      if (off >= 0 && off < PAGE) insn = this.fetchPage[off];
      if (insn === undefined) insn = this.fetchSlow(rip);
      this.rip = rip + insn.len;
      insn.exec(this, insn);
      this.instructions++;
    }
  }

  private runReferenceBatch(end: number): void {
    while (this.stopReason === StopReason.None && this.instructions < end) {
      this.executeReference(this.rip);
      this.instructions++;
    }
  }

  private handleThrow(e: unknown): void {
    this.mmu.bypassTlb = false;
    this.referenceDepth = 0;
    if (e === CPU_EXCEPTION) {
      this.rip = this.insnStart;
      this.deliverPending();
    } else if (e === EMULATION_FAILURE) {
      this.rip = this.insnStart;
      this.stopRip = this.insnStart;
      this.stopBytes = this.instructionBytes(this.insnStart);
      this.stopReason = StopReason.EmulationFailure;
    } else {
      this.rip = this.insnStart;
      this.stopRip = this.insnStart;
      this.stopBytes = this.instructionBytes(this.insnStart);
      this.stopMessage = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      this.stopReason = StopReason.InternalError;
    }
  }

  /** The bytes of the instruction at `lin` (decoded length), for reports. */
  instructionBytes(lin: number): Uint8Array {
    const bytes = this.peekCode(lin, 15);
    const insn = decode(bytes, 0, bytes.length);
    return insn ? bytes.slice(0, insn.len) : bytes;
  }

  /** Reads up to `n` code bytes at `lin` for reports (stops at the first unreadable byte, never faults). */
  peekCode(lin: number, n: number): Uint8Array {
    const out: number[] = [];
    const saved = this.exc.vector;
    for (let k = 0; k < n; k++) {
      try {
        out.push(this.mem.read8(this.translateNoFault(lin + k)));
      } catch {
        break;
      }
    }
    this.exc.vector = saved;
    return Uint8Array.from(out);
  }

  private translateNoFault(lin: number): number {
    return this.mmu.translate(lin, ACC_READ_SUP_AC /* a host read: SMAP does not apply */);
  }

  private fetchSlow(rip: number): Insn {
    if (rip >= CANON_LIMIT || rip < -CANON_LIMIT) this.raise(Vector.GP, 0);
    const pa = this.mmu.translate(rip, this.mmu.execMask);
    const off = rip - Math.floor(rip / PAGE) * PAGE;
    const frame = Math.floor(pa / PAGE);
    const inRam = pa + 1 <= this.mem.size;
    if (inRam && this.referenceDepth === 0) {
      let page = this.codeCache.get(frame);
      if (!page) {
        page = new Array(PAGE);
        this.codeCache.set(frame, page);
        this.mmu.protectCodeFrame(frame);
      }
      this.fetchBase = rip - off;
      this.fetchPage = page;
      const insn = decode(this.mem.u8, pa, PAGE - off);
      if (insn) { page[off] = insn; return insn; }
    }
    // Crosses into the next page (or is not cacheable): gather bytes page by page.
    const buf = this.fetchBuf;
    const fast = this.referenceDepth === 0;
    const first = Math.min(PAGE - off, 15);
    for (let k = 0; k < first; k++) buf[k] = this.mmu.readPhys8(pa + k);
    let insn = decode(buf, 0, first, fast);
    if (insn) return insn;
    const pa2 = this.mmu.translate(rip + first, this.mmu.execMask);
    for (let k = first; k < 15; k++) buf[k] = this.mmu.readPhys8(pa2 + k - first);
    insn = decode(buf, 0, 15, fast);
    return insn!;
  }

  /**
   * Forgets everything cached about guest memory and execution (decoded
   * instructions, TLB, counters) so a host can reuse this vCPU for a fresh run
   * after rewriting memory and state (test snippets do).
   */
  resetExecution(): void {
    this.codeCache.clear();
    this.mmu.codeFrames.fill(0);
    this.flushTlb();
    this.instructions = 0;
    this.stopReason = StopReason.None;
    this.stopMessage = '';
    this.interruptShadow = false;
    this.referenceDepth = 0;
    this.mmu.bypassTlb = false;
  }

  /** Self-modifying code: a write hit a frame we hold decoded instructions for. */
  private dropCode(frame: number): void {
    this.codeCache.delete(frame);
    this.fetchBase = NaN;
  }

  /** Forgets the fetch shortcut (TLB flush, CPL change, mode change). */
  invalidateFetch(): void {
    this.fetchBase = NaN;
  }

  /** Flushes the TLB (MOV CR3, CR0/CR4 paging bits) and the fetch shortcut. */
  flushTlb(keepGlobal = false): void {
    this.mmu.flush(keepGlobal);
    this.fetchBase = NaN;
  }

  /**
   * Forced emulation (guest-abi §7): executes the instruction at `lin` on the
   * reference path: decoded fresh, every memory access walking the page tables.
   */
  executeReference(lin: number): void {
    this.insnStart = lin;
    this.rip = lin;
    this.referenceDepth++;
    this.mmu.bypassTlb = true;
    try {
      const insn = this.fetchSlow(lin);
      this.rip = lin + insn.len;
      insn.exec(this, insn);
    } finally {
      this.referenceDepth--;
      this.mmu.bypassTlb = this.referenceDepth > 0;
    }
  }

  // =====================================================================
  // Exception and interrupt delivery (SDM Vol. 3A §6.12, §6.14 for IA-32e)
  // =====================================================================

  private deliverPending(): void {
    let vector = this.exc.vector;
    let err = this.exc.errorCode;
    let hasErr = this.exc.hasError;
    if (vector === Vector.PF) this.cr2 = this.exc.cr2;
    if (this.interceptExceptions) { this.stopReason = StopReason.Exception; return; }
    // Double-fault rules of SDM Table 6-5 while delivering.
    for (;;) {
      try {
        this.deliver(vector, hasErr, err, false, this.rip);
        return;
      } catch (e) {
        if (e !== CPU_EXCEPTION) throw e;
        const first = faultClass(vector);
        const second = faultClass(this.exc.vector);
        if (first === FaultClass.DoubleFault) {
          if (second !== FaultClass.Benign) { this.stopReason = StopReason.Shutdown; return; }
        }
        if (this.exc.vector === Vector.PF) this.cr2 = this.exc.cr2;
        if ((first === FaultClass.Contributory && second === FaultClass.Contributory) ||
            (first === FaultClass.PageFault && second !== FaultClass.Benign)) {
          vector = Vector.DF; err = 0; hasErr = true;
        } else {
          vector = this.exc.vector; err = this.exc.errorCode; hasErr = this.exc.hasError;
        }
      }
    }
  }

  /**
   * Delivers vector `vector` through the IDT. `soft` marks INT n / INT3 / INTO
   * (gate DPL is checked, no EXT bit). `returnRip` is the RIP pushed.
   */
  deliver(vector: number, hasErr: boolean, err: number, soft: boolean, returnRip: number): void {
    const ext = soft ? 0 : 1;
    const idtErr = vector * 8 + 2 + ext;
    if (vector * 16 + 15 > this.idtrLimit) this.raise(Vector.GP, idtErr);
    const gate = this.idtrBase + vector * 16;
    const d0 = this.mmu.readWith(gate, 4, ACC_READ_SUP);
    const d1 = this.mmu.readWith(gate + 4, 4, ACC_READ_SUP);
    const d2 = this.mmu.readWith(gate + 8, 4, ACC_READ_SUP);
    const type = (d1 >> 8) & 0xf;
    const dpl = (d1 >> 13) & 3;
    if (type !== 0xe && type !== 0xf) this.raise(Vector.GP, idtErr);
    if (soft && dpl < this.cpl) this.raise(Vector.GP, idtErr);
    if ((d1 & 0x8000) === 0) this.raise(Vector.NP, idtErr);
    if (soft && this.interceptExceptions) {
      // A software interrupt that passed the gate checks: report it like an
      // intercepted exception, with RIP after the instruction (what the CPU pushes).
      this.exc.vector = vector; this.exc.hasError = false; this.exc.errorCode = 0;
      this.rip = returnRip;
      this.stopReason = StopReason.Exception;
      return;
    }
    const selector = (d0 >>> 16) & 0xffff;
    const target = d2 * TWO32 + (((d1 & 0xffff0000) | (d0 & 0xffff)) >>> 0);
    const ist = d1 & 7;
    // Target code segment (SDM §6.12.1.1): present, 64-bit code, DPL <= CPL.
    const cs = this.readDescriptor(selector, (selector & ~3) + ext);
    const csAttr = cs.attr;
    if ((csAttr & 0x18) !== 0x18 || (csAttr & 0x2000) === 0 || ((csAttr >> 5) & 3) > this.cpl) this.raise(Vector.GP, (selector & ~3) + ext);
    if ((csAttr & 0x80) === 0) this.raise(Vector.NP, (selector & ~3) + ext);
    const newCpl = (csAttr & 4) ? this.cpl : (csAttr >> 5) & 3; // conforming keeps CPL
    if (!this.isCanonical(target)) this.raise(Vector.GP, 0);
    const oldSs = this.segSel[SEG_SS]!, oldRspLo = this.regLo[4]!, oldRspHi = this.regHi[4]!;
    const oldCs = this.segSel[SEG_CS]!;
    const rflags = this.getRflags();
    let rsp: number;
    if (ist) rsp = this.readTss64(0x1c + ist * 8); // IST1 is at TSS offset 0x24
    else if (newCpl < this.cpl) rsp = this.readTss64(4 + newCpl * 8);
    else rsp = this.regHi[4]! * TWO32 + (this.regLo[4]! >>> 0);
    rsp -= ((rsp % 16) + 16) % 16; // align to 16 (SDM §6.14.2)
    if (!this.isCanonical(rsp)) this.raise(Vector.SS, 0);
    const frame: number[] = [oldSs, oldRspLo, oldRspHi, rflags, oldCs];
    // Pushes are supervisor writes at the new privilege level.
    const words = hasErr ? 6 : 5;
    const base = rsp - words * 8;
    const w = (slot: number, lo: number, hi: number) => this.mmu.writeWith(base + slot * 8, 8, lo, hi, ACC_WRITE_SUP);
    let slot = 0;
    if (hasErr) w(slot++, err, 0);
    w(slot++, returnRip % TWO32 | 0, Math.floor(returnRip / TWO32));
    w(slot++, frame[4]!, 0);
    w(slot++, frame[3]!, 0);
    w(slot++, frame[1]!, frame[2]!);
    w(slot++, frame[0]!, 0);
    // Commit.
    this.setReg64(4, BigInt.asUintN(64, BigInt(base)));
    if (newCpl !== this.cpl) this.loadNullSs(newCpl);
    this.loadCodeSegment(selector, cs.base, cs.limit, csAttr, newCpl);
    this.flagsRest &= ~(TF | NT | RF | VM);
    if (type === 0xe) this.flagsRest &= ~IF;
    this.rip = target;
  }

  isCanonical(lin: number): boolean {
    return lin < CANON_LIMIT && lin >= -CANON_LIMIT;
  }

  private readTss64(offset: number): number {
    if (offset + 7 > this.trLimit) this.raise(Vector.TS, this.trSel & ~3);
    const lo = this.mmu.readWith(this.trBase + offset, 4, ACC_READ_SUP);
    const hi = this.mmu.readWith(this.trBase + offset + 4, 4, ACC_READ_SUP);
    return hi * TWO32 + (lo >>> 0);
  }

  private readonly descOut = { base: 0, limit: 0, attr: 0, hiDword: 0 };

  /** Reads a GDT/LDT descriptor; raises #GP(errorCode) when the selector is outside the table. */
  readDescriptor(selector: number, errorCode: number): { base: number; limit: number; attr: number; hiDword: number } {
    const ti = selector & 4;
    const tableBase = ti ? this.ldtrBase : this.gdtrBase;
    const tableLimit = ti ? this.ldtrLimit : this.gdtrLimit;
    const index = selector & ~7;
    if ((selector & ~3) === 0 || index + 7 > tableLimit) this.raise(Vector.GP, errorCode);
    const lo = this.mmu.readWith(tableBase + index, 4, ACC_READ_SUP);
    const hi = this.mmu.readWith(tableBase + index + 4, 4, ACC_READ_SUP);
    const out = this.descOut;
    out.base = ((lo >>> 16) | ((hi & 0xff) << 16) | (hi & 0xff000000)) >>> 0;
    let limit = (lo & 0xffff) | (hi & 0xf0000);
    if (hi & 0x800000) limit = limit * 4096 + 0xfff;
    out.limit = limit;
    out.attr = (hi >>> 8) & 0xf0ff;
    out.hiDword = hi;
    return out;
  }

  loadCodeSegment(selector: number, base: number, limit: number, attr: number, cpl: number): void {
    this.segSel[SEG_CS] = (selector & ~3) | cpl;
    this.segBase[SEG_CS] = base;
    this.segLimit[SEG_CS] = limit;
    this.segAttr[SEG_CS] = attr;
    this.setCpl(cpl);
  }

  private loadNullSs(cpl: number): void {
    this.segSel[SEG_SS] = cpl;
    this.segBase[SEG_SS] = 0;
    this.segLimit[SEG_SS] = 0;
    this.segAttr[SEG_SS] = 0;
  }

  setCpl(cpl: number): void {
    if (cpl !== this.cpl) {
      this.cpl = cpl;
      this.fetchBase = NaN;
    }
    this.mmu.setMode(cpl, (this.flagsRest & AC) !== 0);
  }

  // =====================================================================
  // Control registers (SDM Vol. 3A §2.5) — the paging-relevant side effects
  // =====================================================================

  /** Re-derives the MMU's view of paging controls and flushes it. */
  syncPaging(): void {
    const m = this.mmu;
    m.ctl.cr3 = this.cr3 - (this.cr3 % PAGE);
    m.ctl.nxe = (this.efer & 0x800) !== 0;
    m.ctl.pke = (this.cr4 & 0x400000) !== 0;
    m.wp = (this.cr0 & 0x10000) !== 0;
    m.smep = (this.cr4 & 0x100000) !== 0;
    m.smap = (this.cr4 & 0x200000) !== 0;
    m.setMode(this.cpl, (this.flagsRest & AC) !== 0);
    this.flushTlb();
  }

  // =====================================================================
  // Port I/O (SDM Vol. 1 §19.5: IOPL, then the TSS I/O permission bitmap)
  // =====================================================================

  checkIoPermission(port: number, size: number): void {
    const iopl = (this.flagsRest & IOPL) >> 12;
    if (this.cpl <= iopl) return;
    // 64-bit TSS: bitmap offset at 0x66; bits for every byte of the access must be 0.
    if (this.trLimit < 0x67) this.raise(Vector.GP, 0);
    const mapBase = this.mmu.readWith(this.trBase + 0x66, 2, ACC_READ_SUP);
    const byteOff = mapBase + (port >> 3);
    if (byteOff + 1 > this.trLimit) this.raise(Vector.GP, 0);
    const bits = this.mmu.readWith(this.trBase + byteOff, 2, ACC_READ_SUP);
    const mask = ((1 << size) - 1) << (port & 7);
    if (bits & mask) this.raise(Vector.GP, 0);
  }

  portIn(port: number, size: number): number {
    this.checkIoPermission(port, size);
    return this.io.read(port, size);
  }

  portOut(port: number, size: number, value: number): void {
    this.checkIoPermission(port, size);
    this.io.write(port, size, value);
  }

  /** The current TSC value (deterministic: instructions retired plus offset). */
  readTsc(): bigint {
    return BigInt.asUintN(64, BigInt(this.instructions) + BigInt(this.tscOffset));
  }
}

