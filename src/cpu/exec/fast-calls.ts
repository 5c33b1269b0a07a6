// Fast system calls in IA-32e mode: SYSCALL/SYSRET (APM Vol. 2 §6.1.1, APM
// Vol. 3 and SDM Vol. 2B SYSCALL/SYSRET) and SYSENTER/SYSEXIT (SDM Vol. 2B;
// APM Vol. 3: #UD in long mode). Where the vendors differ the rule follows
// c.vendor (docs/cpu-model.md, "Vendor model"). None of them reads the GDT:
// CS and SS get fixed flat attributes.
import { Vector } from '../../arch/vectors.js';
import { RF, VM, IF, TF, RFLAGS_FIXED1 } from '../../arch/rflags.js';
import { RCX, RDX, RSP, R11, SEG_CS, SEG_SS } from '../../arch/registers.js';
import { ATTR_CODE64, ATTR_DATA, ATTR_DPL_SHIFT, ATTR_L } from '../../arch/descriptors.js';
import type { ExecContext, Handler } from '../context.js';
import { isCanonical } from '../operands.js';
import { loadCodeSegment, setSegment } from '../segmentation.js';

const TWO32 = 4294967296;
const DPL3 = 3 << ATTR_DPL_SHIFT;
/** Flat 32-bit code (CS.L = 0, CS.D = 1, G = 1, type 11): SYSRET/SYSEXIT to compatibility mode. */
export const ATTR_CODE32 = 0xc09b;

const inCompatibilityMode = (c: ExecContext) => (c.segAttr[SEG_CS]! & ATTR_L) === 0;

/**
 * SYSCALL: RCX = next RIP, R11 = RFLAGS, RFLAGS &= ~SFMASK, CS/SS from
 * STAR[47:32], RIP = LSTAR (from 64-bit mode). From compatibility mode AMD
 * jumps to CSTAR (APM §6.1.1); Intel raises #UD there (the `sce` class, legality.ts).
 */
export const syscall: Handler = (c) => {
  const compat = inCompatibilityMode(c);
  const msrs = c.msrs;
  const target = compat ? msrs.cstar : msrs.lstar;
  const mask = msrs.sfmask;
  const ret = c.rip;
  const retHi = Math.floor(ret / TWO32);
  c.setReg(8, RCX, (ret - retHi * TWO32) | 0, retHi);
  const flags = c.getRflags();
  c.setReg(8, R11, flags & ~RF, 0);
  c.setRflags(flags & ~mask & ~RF);
  // Single-step follows TF after the mask: SFMASK.TF = 1 means no #DB at the handler (as KVM's em_syscall).
  c.stepTrap = (c.flagsRest & TF) !== 0;
  // CS is STAR[47:32] with RPL 0; SS is STAR[47:32] + 8, unmasked (SDM SYSCALL, APM §6.1.1).
  const sel = msrs.syscallCs;
  loadCodeSegment(c, sel & 0xfffc, 0, 0xffffffff, ATTR_CODE64, 0);
  setSegment(c, SEG_SS, (sel + 8) & 0xffff, 0, 0xffffffff, ATTR_DATA);
  c.rip = target;
};

/**
 * SYSRET (from 64-bit mode, or on AMD also from compatibility mode): to 64-bit mode with REX.W (CS = STAR[63:48] + 16, RIP = RCX) or to
 * compatibility mode without (CS = STAR[63:48], RIP = ECX); SS = STAR[63:48] + 8;
 * RPL 3. A non-canonical RCX: Intel raises #GP(0) at CPL 0 before anything
 * changes (SDM SYSRET); AMD returns to CPL 3 and the #GP(0) is taken there, at
 * the non-canonical RIP, by the fetch (APM Vol. 3 SYSRET).
 */
export const sysret: Handler = (c, i) => {
  const to64 = (i.rex & 8) !== 0;
  const base = c.msrs.sysretCs;
  let target: number;
  if (to64) {
    target = c.regNumber(RCX);
    if (!isCanonical(target)) {
      if (c.vendor === 'intel') c.raise(Vector.GP, 0);
      // The #GP at CPL 3 reports this RIP: beyond 2^53 a number is not exact, the frame takes these halves.
      c.ripExactLo = c.regLo[RCX]!; c.ripExactHi = c.regHi[RCX]!;
    }
  } else target = c.regLo[RCX]! >>> 0;
  c.setRflags((c.regLo[R11]! & ~(RF | VM)) | RFLAGS_FIXED1);
  // Unlike IRET, TF restored by SYSRET traps right after it, before the first user instruction.
  c.stepTrap = (c.flagsRest & TF) !== 0;
  if (to64) loadCodeSegment(c, ((base + 16) & ~3) | 3, 0, 0xffffffff, ATTR_CODE64 | DPL3, 3);
  else loadCodeSegment(c, (base & ~3) | 3, 0, 0xffffffff, ATTR_CODE32 | DPL3, 3);
  setSegment(c, SEG_SS, ((base + 8) & ~3) | 3, 0, 0xffffffff, ATTR_DATA | DPL3);
  c.rip = target;
};

/** The SYSENTER/SYSEXIT checks shared by both: AMD #UD in long mode; IA32_SYSENTER_CS[15:2] = 0 → #GP(0). */
function sysenterCs(c: ExecContext): number {
  if (c.vendor === 'amd') c.raise(Vector.UD); // APM Vol. 3 SYSENTER/SYSEXIT: invalid in long mode
  const cs = c.msrs.sysenterCs;
  if ((cs & 0xfffc) === 0) c.raise(Vector.GP, 0);
  return cs;
}

/**
 * SYSENTER (Intel, IA-32e mode): CPL 0, 64-bit CS = SYSENTER_CS & FFFCH, SS =
 * that + 8, RSP = SYSENTER_ESP, RIP = SYSENTER_EIP; clears VM, IF, RF (SDM SYSENTER).
 */
export const sysenter: Handler = (c) => {
  const cs = sysenterCs(c);
  c.setRflags(c.getRflags() & ~(VM | IF | RF));
  loadCodeSegment(c, cs & 0xfffc, 0, 0xffffffff, ATTR_CODE64, 0);
  setSegment(c, SEG_SS, ((cs & 0xfffc) + 8) & 0xffff, 0, 0xffffffff, ATTR_DATA);
  c.setReg(8, RSP, c.msrs.sysenterEspLo, c.msrs.sysenterEspHi);
  c.rip = c.msrs.sysenterEip;
};

/**
 * SYSEXIT (Intel; CPL 0 only): with REX.W to 64-bit mode (CS = SYSENTER_CS + 32,
 * RIP = RDX, RSP = RCX; #GP(0) if either is non-canonical), else to
 * compatibility mode (CS = SYSENTER_CS + 16, EIP = EDX, ESP = ECX); SS = CS + 8;
 * RPL 3 (SDM SYSEXIT).
 */
export const sysexit: Handler = (c, i) => {
  const cs = sysenterCs(c);
  if (c.cpl !== 0) c.raise(Vector.GP, 0);
  const to64 = (i.rex & 8) !== 0;
  let rip: number;
  if (to64) {
    rip = c.regNumber(RDX);
    if (!isCanonical(rip) || !isCanonical(c.regNumber(RCX))) c.raise(Vector.GP, 0);
    c.setReg(8, RSP, c.regLo[RCX]!, c.regHi[RCX]!);
  } else {
    rip = c.regLo[RDX]! >>> 0;
    c.setReg(4, RSP, c.regLo[RCX]!, 0);
  }
  const sel = ((cs + (to64 ? 32 : 16)) & 0xffff) | 3;
  loadCodeSegment(c, sel, 0, 0xffffffff, (to64 ? ATTR_CODE64 : ATTR_CODE32) | DPL3, 3);
  setSegment(c, SEG_SS, ((sel + 8) & 0xffff) | 3, 0, 0xffffffff, ATTR_DATA | DPL3);
  c.rip = rip;
};
