// x87 arithmetic, compares and the one-operand operations (SDM Vol. 2 FADD/FSUB/FSUBR/FMUL/FDIV/
// FDIVR and their P/I forms, FCOM/FUCOM/FICOM/FCOMI/FUCOMI/FTST, FCHS, FABS, FXAM, FSQRT,
// FRNDINT, FSCALE, FXTRACT, FPREM, FPREM1). The values are computed by src/fpu; the rules of
// the stack, flags and masks are x87-core.ts's.
import { CF, PF, ZF } from '../../arch/rflags.js';
import { FSW_C0, FSW_C1, FSW_C2, FSW_C3, FSW_CC, FSW_DE, FSW_IE, FSW_ZE } from '../../arch/x87.js';

const FCW_PRE = FSW_IE | FSW_DE | FSW_ZE;
import {
  f80Add, f80Sub, f80Mul, f80Div, f80FromF32, f80FromF64, f80FromInt, f80Compare, f80Examine, f80Sqrt, f80RoundInt,
  f80Scale, f80Extract, f80Rem, type FpResult,
} from '../../fpu/index.js';
import type { Insn } from '../../isa/insn.js';
import {
  X87_SUBR, X87_DIVR, X87_DST_STI, X87_POP, X87_REG, X87_INT,
  CMP_UNORDERED, CMP_POP1, CMP_POP2, CMP_EFLAGS, CMP_ZERO, CMP_INT,
  U_CHS, U_ABS, U_XAM, U_SQRT, U_RNDINT, U_SCALE, U_XTRACT, U_PREM, U_PREM1,
} from '../../isa/x87-ops.js';
import type { ExecContext, Handler } from '../context.js';
import { setArithFlags } from '../lazy-flags.js';
import type { X87State } from '../x87-state.js';
import {
  applyFlags, fpEnv, readOperand, recordData, recordInstruction, setIndefinite, stackFault, x87Address, x87Wait,
  INDEF_HI, INDEF_LO, INDEF_SE,
} from './x87-core.js';

/**
 * Reads the memory source of an arithmetic or compare form (m32fp/m64fp or m16int/m32int) and
 * converts it to extended in `src`; returns the conversion's flags (DE for a denormal: SDM Vol. 1
 * §8.5.2). An SNaN source stays an SNaN (its payload widened, not quieted) so that the operation's
 * NaN rules see it as one: a QNaN in ST(0) is then the result (host-checked), and IE comes from
 * the operation.
 */
function memorySource(c: ExecContext, i: Insn, integer: boolean, src: FpResult): number {
  const a = x87Address(c, i);
  readOperand(c, a, i.memSize, integer, src);
  recordInstruction(c, i);
  recordData(c, i, a);
  const x = c.x87, env = fpEnv(x);
  if (integer) f80FromInt(src.lo, src.hi, env, src);
  else if (i.memSize === 4) f80FromF32(src.lo, env, src);
  else f80FromF64(src.lo, src.hi, env, src);
  if (env.last & FSW_IE) src.hi = (src.hi & ~0x40000000) >>> 0; // back to an SNaN
  return env.last & FSW_DE;
}

/** Whether an extended value is a NaN or an unsupported encoding (pseudo-NaN/infinity, unnormal). */
function nanOrUnsupported(lo: number, hi: number, se: number): boolean {
  const e = se & 0x7fff;
  if (e === 0x7fff) return hi !== 0x80000000 || lo !== 0;
  return e !== 0 && (hi & 0x80000000) === 0;
}

/**
 * The flags of an operation with a memory source's conversion flags `conv` (DE): no DE next to a
 * NaN or unsupported ST operand, nor when the operation is invalid or divides by zero (§4.9.2);
 * with an unmasked IE, DE or ZE the operation does not complete, so only those flags remain
 * (host-checked: no OE/UE/PE then).
 */
function operationFlags(x: X87State, last: number, conv: number, st: FpResult): number {
  let flags = last;
  if (conv && !nanOrUnsupported(st.lo, st.hi, st.se) && !(last & (FSW_IE | FSW_ZE))) flags |= conv;
  if (flags & ~x.cw & (FSW_IE | FSW_DE | FSW_ZE)) flags &= FSW_IE | FSW_DE | FSW_ZE;
  return flags;
}

/** Copies ST(i) to `out`. */
function readSt(x: X87State, i: number, out: FpResult): void {
  const p = x.phys(i);
  out.lo = x.lo[p]!; out.hi = x.hi[p]!; out.se = x.se[p]!;
}

const OPS = [f80Add, f80Mul, undefined, undefined, f80Sub, f80Sub, f80Div, f80Div] as const;

/** FADD … FDIVR: param = operation | X87_DST_STI | X87_POP | source kind << 8. */
export const x87Arith: Handler = (c, i) => {
  x87Wait(c);
  const x = c.x87, p = i.param, op = p & 7, kind = (p >> 8) & 0xff;
  const sti = i.modrm & 7, dst = p & X87_DST_STI ? sti : 0, pop = (p & X87_POP) !== 0;
  const src = x.res2;
  let conv = 0;
  if (kind !== X87_REG) conv = memorySource(c, i, kind === X87_INT, src);
  else recordInstruction(c, i);
  if (x.empty(0) || (kind === X87_REG && x.empty(sti))) {
    if (stackFault(x, false)) { setIndefinite(x, dst); if (pop) x.pop(); }
    return;
  }
  // d = the destination's value, s = the other operand (ST(0) when the destination is ST(i))
  const d = x.res;
  readSt(x, dst, d);
  if (kind === X87_REG) readSt(x, dst === 0 ? sti : 0, src);
  const dl = d.lo, dh = d.hi, ds = d.se;
  const st = x.res3; // the stack operand (ST(0) of the memory forms) for the DE rule
  st.lo = dl; st.hi = dh; st.se = ds;
  const env = fpEnv(x);
  const fn = OPS[op]!;
  // SUB/DIV: d op s; SUBR/DIVR: s op d (SDM FSUBR: DEST ← SRC − DEST)
  if (op === X87_SUBR || op === X87_DIVR) fn(src.lo, src.hi, src.se, dl, dh, ds, env, d);
  else fn(dl, dh, ds, src.lo, src.hi, src.se, env, d);
  const flags = operationFlags(x, env.last, conv, x.res3);
  if (!applyFlags(x, flags, flags & ~x.cw & FCW_PRE ? 0 : env.c1)) return;
  x.setResult(dst, d);
  if (pop) x.pop();
};

/** Sets C3 C2 C0 (C1 = 0), or ZF PF CF with OF SF AF cleared (FCOMI; SDM Vol. 2A FCOMI; FSW unchanged). */
function setCompare(c: ExecContext, cond: number, eflags: boolean): void {
  const x = c.x87;
  if (eflags) setArithFlags(c, (cond & FSW_C3 ? ZF : 0) | (cond & FSW_C2 ? PF : 0) | (cond & FSW_C0 ? CF : 0)); // C1 unchanged (host-checked)
  else x.sw = (x.sw & ~FSW_CC) | cond;
}

/** FCOM … FTST: param = CMP_* bits; the second operand is ST(i) (ModRM.rm), memory, or +0 (FTST). */
export const x87Compare: Handler = (c, i) => {
  x87Wait(c);
  const x = c.x87, p = i.param, sti = i.modrm & 7;
  const src = x.res2;
  let conv = 0;
  const fromStack = !i.isMem && !(p & CMP_ZERO);
  if (i.isMem) conv = memorySource(c, i, (p & CMP_INT) !== 0, src);
  else recordInstruction(c, i);
  const pops = p & CMP_POP2 ? 2 : p & CMP_POP1 ? 1 : 0;
  const eflags = (p & CMP_EFLAGS) !== 0;
  if (x.empty(0) || (fromStack && x.empty(sti))) {
    // unordered, also with IE unmasked (host-checked); the pops only when masked
    const masked = stackFault(x, false);
    setCompare(c, FSW_C3 | FSW_C2 | FSW_C0, eflags);
    if (masked) for (let k = 0; k < pops; k++) x.pop();
    return;
  }
  if (p & CMP_ZERO) { src.lo = 0; src.hi = 0; src.se = 0; }
  else if (fromStack) readSt(x, sti, src);
  const a = x.res;
  readSt(x, 0, a);
  const env = fpEnv(x);
  const cond = f80Compare(a.lo, a.hi, a.se, src.lo, src.hi, src.se, (p & CMP_UNORDERED) !== 0, env);
  // the condition codes are set even when an unmasked exception is signalled (host-checked)
  const ok = applyFlags(x, operationFlags(x, env.last, conv, a), eflags ? (x.sw & FSW_C1 ? 1 : 0) : 0);
  setCompare(c, cond, eflags);
  if (!ok) return;
  for (let k = 0; k < pops; k++) x.pop();
};

const nanResult = (r: FpResult) => (r.se & 0x7fff) === 0x7fff && (r.hi !== 0x80000000 || r.lo !== 0);

/** FCHS … FPREM1 (param U_*): ST(0), with ST(1) for FSCALE and FPREM/FPREM1, pushing for FXTRACT. */
export const x87Unary: Handler = (c, i) => {
  x87Wait(c);
  recordInstruction(c, i);
  const x = c.x87, op = i.param;
  if (op === U_XAM) {
    const p = x.phys(0);
    x.sw = (x.sw & ~FSW_CC) | f80Examine(x.lo[p]!, x.hi[p]!, x.se[p]!, x.empty(0));
    return;
  }
  const two = op === U_SCALE || op === U_PREM || op === U_PREM1;
  if (x.empty(0) || (two && x.empty(1))) {
    if (op === U_PREM || op === U_PREM1) x.sw &= ~FSW_C2; // C2 cleared, C0 and C3 kept (host-checked)
    if (stackFault(x, false)) {
      setIndefinite(x, 0);
      if (op === U_XTRACT) { x.push(); x.set(0, INDEF_LO, INDEF_HI, INDEF_SE); }
    }
    return;
  }
  if (op === U_XTRACT && !x.empty(7)) {
    if (stackFault(x, true)) { setIndefinite(x, 0); x.push(); x.set(0, INDEF_LO, INDEF_HI, INDEF_SE); }
    return;
  }
  const a = x.res, b = x.res2;
  readSt(x, 0, a);
  if (op === U_CHS || op === U_ABS) {
    x.sw &= ~FSW_C1;
    x.set(0, a.lo, a.hi, op === U_CHS ? a.se ^ 0x8000 : a.se & 0x7fff);
    return;
  }
  const env = fpEnv(x);
  if (two) readSt(x, 1, b);
  let cond = -1;
  switch (op) {
    case U_SQRT: f80Sqrt(a.lo, a.hi, a.se, env, a); break;
    case U_RNDINT: f80RoundInt(a.lo, a.hi, a.se, env, a); break;
    case U_SCALE: f80Scale(a.lo, a.hi, a.se, b.lo, b.hi, b.se, env, a); break;
    case U_PREM: case U_PREM1: cond = f80Rem(a.lo, a.hi, a.se, b.lo, b.hi, b.se, op === U_PREM1, env, a); break;
    case U_XTRACT: {
      f80Extract(a.lo, a.hi, a.se, env, a, b);
      if (!applyFlags(x, env.last, 0)) return;
      x.setResult(0, b); // the exponent replaces ST(0), then the significand is pushed
      x.push();
      x.setResult(0, a);
      return;
    }
    default: c.emulationFailure(`x87 operation ${op} has no executor`);
  }
  if (cond >= 0) {
    const flags = operationFlags(x, env.last, 0, a);
    if (!applyFlags(x, flags, cond & FSW_C1 ? 1 : 0)) { x.sw &= ~FSW_C2; return; }
    // a NaN result (invalid or NaN operands) clears C1 and C2 and leaves C0, C3 (host-checked)
    if (nanResult(a)) x.sw &= ~FSW_C2;
    else x.sw = (x.sw & ~(FSW_C0 | FSW_C2 | FSW_C3)) | (cond & (FSW_C0 | FSW_C2 | FSW_C3));
  } else {
    const flags = operationFlags(x, env.last, 0, a);
    if (!applyFlags(x, flags, flags & ~x.cw & FCW_PRE ? 0 : env.c1)) return;
  }
  x.setResult(0, a);
};
