// x87 control instructions (SDM Vol. 2 FINIT/FNINIT, FCLEX/FNCLEX, FLDCW, FSTCW/FNSTCW,
// FSTSW/FNSTSW, FSTENV/FNSTENV, FLDENV, FSAVE/FNSAVE, FRSTOR, WAIT/FWAIT). They do not change
// FIP/FDP/FOP. The FN forms do not wait for a pending exception; FLDCW, FLDENV, FRSTOR and FWAIT do.
//
// Environment image in 64-bit mode (the protected-mode formats, SDM Vol. 1 Figures 8-9 and 8-10;
// measured on the host: the reserved upper halves of the 32-bit format are stored as FFFFh):
//   32-bit (28 bytes): FCW, FSW, FTW, FIP[31:0], FCS | FOP << 16, FDP[31:0], FDS — each in a dword;
//   16-bit (66 prefix, 14 bytes): FCW, FSW, FTW, FIP[15:0], FCS, FDP[15:0], FDS — each in a word.
// FNSAVE/FRSTOR add ST(0) … ST(7), 10 bytes each (108 or 94 bytes in all).
import { Vector } from '../../arch/vectors.js';
import { RAX } from '../../arch/registers.js';
import {
  FCW_FIXED1, FCW_MASKS, FCW_WRITABLE, FSW_B, FSW_ES, FSW_EXCEPTIONS, FSW_SF, FSW_TOP, FSW_TOP_SHIFT,
} from '../../arch/x87.js';
import { PFX_OPSIZE, type Insn } from '../../isa/insn.js';
import { C_INIT, C_CLEX, C_LDCW, C_STCW, C_STSW, C_STSW_AX, E_STENV, E_LDENV, E_SAVE, E_RSTOR } from '../../isa/x87-ops.js';
import type { ExecContext, Handler } from '../context.js';
import { isCanonicalAccess, isStackReference } from '../operands.js';
import { readM80, writeM80, x87Address, x87Wait } from './x87-core.js';

/** FWAIT: #MF for a pending unmasked exception (#NM with CR0.MP and CR0.TS came first: class `wait`). */
export const fwait: Handler = (c) => x87Wait(c);

/** ES and B summarise the unmasked exceptions FSW holds (after FLDCW, FLDENV, FRSTOR change a side). */
function summarise(c: ExecContext): void {
  const x = c.x87;
  if (x.sw & FSW_EXCEPTIONS & ~x.cw) x.sw |= FSW_ES | FSW_B;
  else x.sw &= ~(FSW_ES | FSW_B);
}

/** FNINIT, FNCLEX, FLDCW, FNSTCW, FNSTSW m16/AX, and the 8087/287 leftovers FNENI, FNDISI, FNSETPM (no-ops). */
export const x87Control: Handler = (c, i) => {
  const x = c.x87;
  switch (i.param) {
    case C_INIT: x.init(); return;
    // FNCLEX also ends the "register written" part of XINUSE[0] (x87-state.ts; host-checked)
    case C_CLEX: x.sw &= ~(FSW_EXCEPTIONS | FSW_SF | FSW_ES | FSW_B); x.written = false; return;
    case C_LDCW: {
      x87Wait(c);
      const v = c.mmu.read16(x87Address(c, i));
      x.cw = (v & FCW_WRITABLE) | FCW_FIXED1;
      summarise(c);
      return;
    }
    case C_STCW: c.mmu.write16(x87Address(c, i), x.cw); return;
    case C_STSW: c.mmu.write16(x87Address(c, i), x.status()); return;
    case C_STSW_AX: c.setReg(2, RAX, x.status(), 0); return;
    default: return;
  }
};

/** The environment's size: 28 bytes, or 14 with a 16-bit operand size. */
function envSize(i: Insn): number {
  return (i.prefixes & PFX_OPSIZE) !== 0 ? 14 : 28;
}

/** The address of an environment or save area of `len` bytes, its whole range canonical and accessible. */
function areaAddress(c: ExecContext, i: Insn, len: number, write: boolean): number {
  const a = x87Address(c, i);
  if (!isCanonicalAccess(a, len)) c.raise(isStackReference(i) ? Vector.SS : Vector.GP, 0);
  if (write) c.mmu.probeWrite(a, len);
  else c.mmu.probeRead(a, len);
  return a;
}

function storeEnv(c: ExecContext, a: number, short: boolean): void {
  const x = c.x87, m = c.mmu;
  const fields = [x.cw, x.status(), x.tagWord(), x.fip, x.fcs, x.fdp, x.fds];
  if (short) {
    fields.forEach((v, k) => m.write16(a + 2 * k, v & 0xffff));
    return;
  }
  m.write32(a, x.cw | 0xffff0000);
  m.write32(a + 4, x.status() | 0xffff0000);
  m.write32(a + 8, x.tagWord() | 0xffff0000);
  m.write32(a + 12, x.fip | 0);
  m.write32(a + 16, (x.fcs & 0xffff) | ((x.fop & 0x7ff) << 16));
  m.write32(a + 20, x.fdp | 0);
  m.write32(a + 24, (x.fds & 0xffff) | 0xffff0000);
}

function loadEnv(c: ExecContext, a: number, short: boolean): void {
  const x = c.x87, m = c.mmu, w = short ? 2 : 4;
  const cw = m.read16(a), sw = m.read16(a + w), tw = m.read16(a + 2 * w);
  const fip = short ? m.read16(a + 3 * w) : m.read32(a + 3 * w);
  const csop = short ? m.read16(a + 4 * w) : m.read32(a + 4 * w);
  const fdp = short ? m.read16(a + 5 * w) : m.read32(a + 5 * w);
  const fds = m.read16(a + 6 * w);
  x.cw = (cw & FCW_WRITABLE) | FCW_FIXED1;
  x.sw = sw & ~FSW_TOP;
  x.top = (sw & FSW_TOP) >> FSW_TOP_SHIFT;
  x.loadTagWord(tw);
  x.fip = fip >>> 0;
  x.fipHi = 0;
  x.fcs = csop & 0xffff;
  if (!short) x.fop = (csop >>> 16) & 0x7ff;
  x.fdp = fdp >>> 0;
  x.fdpHi = 0;
  x.fds = fds & 0xffff;
  summarise(c);
}

/** FNSTENV, FLDENV, FNSAVE, FRSTOR (param E_*). */
export const x87Env: Handler = (c, i) => {
  const x = c.x87, short = envSize(i) === 14, env = envSize(i);
  switch (i.param) {
    case E_STENV: {
      const a = areaAddress(c, i, env, true);
      storeEnv(c, a, short);
      x.cw |= FCW_MASKS; // FNSTENV masks every exception after storing (SDM Vol. 2A FSTENV)
      summarise(c); // so nothing is pending any more: ES and B clear (host-checked)
      return;
    }
    case E_SAVE: {
      const a = areaAddress(c, i, env + 80, true);
      storeEnv(c, a, short);
      for (let k = 0; k < 8; k++) {
        const p = x.phys(k);
        writeM80(c, a + env + 10 * k, x.lo[p]!, x.hi[p]!, x.se[p]!);
      }
      x.init();
      return;
    }
    case E_LDENV: case E_RSTOR: {
      x87Wait(c);
      const len = i.param === E_RSTOR ? env + 80 : env;
      const a = areaAddress(c, i, len, false);
      const r = x.res;
      const regs: number[] = [];
      if (i.param === E_RSTOR) {
        for (let k = 0; k < 8; k++) { readM80(c, a + env + 10 * k, r); regs.push(r.lo, r.hi, r.se); }
      }
      loadEnv(c, a, short);
      for (let k = 0; k < regs.length / 3; k++) {
        const p = x.phys(k);
        x.lo[p] = regs[3 * k]!; x.hi[p] = regs[3 * k + 1]!; x.se[p] = regs[3 * k + 2]!;
      }
      x.written = false; // XINUSE[0] (x87-state.ts; host-checked)
      return;
    }
    default: c.emulationFailure(`x87Env: unknown operation ${i.param}`);
  }
};
