// The x87 FPU state (SDM Vol. 1 §8.1; APM Vol. 1 §6.2): eight physical 80-bit data registers
// R0-R7, TOP (ST(i) is R((TOP + i) mod 8)), the control word, the status word (kept here
// without TOP), which registers are empty (the abridged tag; the full 2-bit tags FNSTENV and
// FNSAVE report are computed from the contents, as the hardware does), and the last
// non-control instruction's pointers FIP/FCS, FDP/FDS and opcode FOP (§8.1.8, §8.1.9).
// Register values are raw bits: significand lo/hi (integer bit = bit 31 of hi) and se
// (sign and 15-bit exponent), the representation of src/fpu.
import type { CpuVendor } from '../arch/vendor.js';
import { FCW_INIT, FSW_ES, FSW_TOP_SHIFT, TAG_EMPTY, TAG_SPECIAL, TAG_VALID, TAG_ZERO } from '../arch/x87.js';
import { createFpEnv, createFpResult, type FpEnv, type FpResult } from '../fpu/index.js';

export class X87State {
  /** R0-R7 (physical). */
  readonly lo = new Uint32Array(8);
  readonly hi = new Uint32Array(8);
  readonly se = new Uint16Array(8);
  top = 0;
  /** FCW as FNSTCW stores it. */
  cw = FCW_INIT;
  /** FSW without TOP (bits 13:11 always 0 here; status() adds TOP). */
  sw = 0;
  /** Bit p set: R(p) is not empty (the abridged tag word). */
  valid = 0;
  /** Last non-control instruction: FIP (64 bits as uint32 halves: FXRSTOR64 loads any value), FCS, FOP (11 bits). */
  fip = 0;
  fipHi = 0;
  fcs = 0;
  fop = 0;
  /** Its memory operand's offset (FDP, uint32 halves) and segment selector (FDS); unchanged by register forms. */
  fdp = 0;
  fdpHi = 0;
  fds = 0;
  /**
   * An x87 instruction wrote a data register since FNINIT, FNCLEX, FLDENV, FRSTOR, FXRSTOR or XRSTOR
   * last cleared this: the AMD host then reports x87 in use (XINUSE[0], exec/xsave-area.ts) even when
   * the values are back to the initial configuration (FLDZ; FSTP).
   */
  written = false;
  /** The FP core's environment and results (reused: nothing allocates per instruction). */
  readonly env: FpEnv = createFpEnv();
  readonly res: FpResult = createFpResult();
  readonly res2: FpResult = createFpResult();
  readonly res3: FpResult = createFpResult();

  /** FIP from an offset held as a number (exact below 2^53, as RIP and linear addresses are). */
  setFip(n: number): void {
    const hi = Math.floor(n / 4294967296);
    this.fip = (n - hi * 4294967296) >>> 0;
    this.fipHi = hi >>> 0;
  }
  setFdp(n: number): void {
    const hi = Math.floor(n / 4294967296);
    this.fdp = (n - hi * 4294967296) >>> 0;
    this.fdpHi = hi >>> 0;
  }

  /** The physical register of ST(i). */
  phys(i: number): number {
    return (this.top + i) & 7;
  }
  empty(i: number): boolean {
    return (this.valid & (1 << ((this.top + i) & 7))) === 0;
  }
  /** FSW with TOP. */
  status(): number {
    return this.sw | (this.top << FSW_TOP_SHIFT);
  }
  /** ST(i) ← (lo, hi, se), marking it valid. */
  set(i: number, lo: number, hi: number, se: number): void {
    const p = (this.top + i) & 7;
    this.lo[p] = lo;
    this.hi[p] = hi;
    this.se[p] = se;
    this.valid |= 1 << p;
    this.written = true;
  }
  setResult(i: number, r: FpResult): void {
    this.set(i, r.lo, r.hi, r.se);
  }
  /** Pops the stack: ST(0) becomes empty, TOP + 1. */
  pop(): void {
    this.valid &= ~(1 << this.top);
    this.top = (this.top + 1) & 7;
  }
  /** Pushes (TOP - 1) without writing: the caller writes ST(0). */
  push(): void {
    this.top = (this.top - 1) & 7;
  }

  /** The full 2-bit tag of physical register p (SDM Vol. 1 §8.1.7, Figure 8-7). */
  fullTag(p: number): number {
    if (!(this.valid & (1 << p))) return TAG_EMPTY;
    const e = this.se[p]! & 0x7fff, hi = this.hi[p]!, lo = this.lo[p]!;
    if (e === 0x7fff) return TAG_SPECIAL;
    if (e === 0) return hi === 0 && lo === 0 ? TAG_ZERO : TAG_SPECIAL;
    return hi & 0x80000000 ? TAG_VALID : TAG_SPECIAL; // an unnormal (integer bit 0) is unsupported
  }
  /** The tag word FNSTENV/FNSAVE store (R7 in bits 15:14 … R0 in bits 1:0). */
  tagWord(): number {
    let t = 0;
    for (let p = 7; p >= 0; p--) t = (t << 2) | this.fullTag(p);
    return t;
  }
  /** FLDENV/FRSTOR: a tag of 11 empties the register, any other marks it valid (§8.1.7). */
  loadTagWord(t: number): void {
    this.valid = 0;
    for (let p = 0; p < 8; p++) if (((t >> (2 * p)) & 3) !== TAG_EMPTY) this.valid |= 1 << p;
  }

  /**
   * The x87 part of the 64-bit FXSAVE image (SDM Vol. 2A FXSAVE Table 3-55; bytes 0-23 and 32-159:
   * FCW, FSW, the abridged tag, FOP, FIP, FDP, ST(0)-ST(7) in 16-byte slots); bytes 24-31 (MXCSR)
   * are left to the caller. AMD stores FOP, FIP and FDP only while FSW.ES is set (zeros otherwise;
   * APM Vol. 4 FXSAVE, measured on the host); Intel always stores them.
   */
  writeFxImage(out: Uint8Array, vendor: CpuVendor): void {
    const pointers = vendor === 'intel' || (this.sw & FSW_ES) !== 0;
    const v = new DataView(out.buffer, out.byteOffset, 160);
    v.setUint16(0, this.cw, true);
    v.setUint16(2, this.status(), true);
    out[4] = this.valid;
    out[5] = 0;
    v.setUint16(6, pointers ? this.fop : 0, true);
    v.setUint32(8, pointers ? this.fip : 0, true);
    v.setUint32(12, pointers ? this.fipHi : 0, true);
    v.setUint32(16, pointers ? this.fdp : 0, true);
    v.setUint32(20, pointers ? this.fdpHi : 0, true);
    for (let k = 0; k < 8; k++) {
      const p = this.phys(k), o = 32 + 16 * k;
      v.setUint32(o, this.lo[p]!, true);
      v.setUint32(o + 4, this.hi[p]!, true);
      v.setUint16(o + 8, this.se[p]!, true);
      for (let b = 10; b < 16; b++) out[o + b] = 0;
    }
  }
  /** Loads the x87 state from a 64-bit FXSAVE image (the layout of writeFxImage). */
  readFxImage(img: Uint8Array): void {
    const v = new DataView(img.buffer, img.byteOffset, 160);
    this.cw = v.getUint16(0, true);
    const sw = v.getUint16(2, true);
    this.sw = sw & ~0x3800;
    this.top = (sw >> 11) & 7;
    this.valid = img[4]!;
    this.written = false;
    this.fop = v.getUint16(6, true) & 0x7ff;
    this.fip = v.getUint32(8, true);
    this.fipHi = v.getUint32(12, true);
    this.fdp = v.getUint32(16, true);
    this.fdpHi = v.getUint32(20, true);
    for (let k = 0; k < 8; k++) {
      const p = this.phys(k), o = 32 + 16 * k;
      this.lo[p] = v.getUint32(o, true);
      this.hi[p] = v.getUint32(o + 4, true);
      this.se[p] = v.getUint16(o + 8, true);
    }
  }

  /** FNINIT (SDM Vol. 2 FINIT): FCW 037FH, FSW 0, all empty, pointers and opcode 0; the registers keep their bits. */
  init(): void {
    this.cw = FCW_INIT;
    this.sw = 0;
    this.top = 0;
    this.valid = 0;
    this.written = false;
    this.fip = 0; this.fipHi = 0; this.fcs = 0; this.fop = 0; this.fdp = 0; this.fdpHi = 0; this.fds = 0;
  }
}
