// System instructions: HLT, CLI/STI, port I/O, control and debug registers,
// MSRs, CPUID, time, INVLPG and cache control, SWAPGS,
// CLAC/STAC, RDPKRU/WRPKRU, UD2 and forced emulation (SDM Vol. 2; APM Vol. 3).
// Privilege and enable checks (`priv`, exception classes) are the table's and
// run before these (legality.ts); what remains here is each instruction's own.
import { Vector } from '../../arch/vectors.js';
import { IF, AC } from '../../arch/rflags.js';
import { RAX, RCX, RDX, SEG_GS } from '../../arch/registers.js';
import { CR0_TS } from '../../arch/control-registers.js';
import { MSR_KERNEL_GS_BASE, MSR_TSC_AUX } from '../../arch/msr-index.js';
import type { ExecContext, Handler } from '../context.js';
import { StopReason } from '../stop-reason.js';
import { Shadow } from '../state.js';
import { checkGeneralDetect } from '../debug.js';
import { effectiveAddress, loadOperand, storeOperand } from '../operands.js';
import { portIn, portOut } from '../io.js';
import { readMsr, writeMsr, msrValue } from '../msr.js';
import { cpuidFaulting } from '../msr-kvm.js';
import { monitorCpuidBit } from './monitor.js';
import { policyReadMsr, policyWriteMsr } from '../host-calls.js';
import { cpuid as cpuidLeaf } from '../cpuid.js';
import { readControlRegister, writeControlRegister, debugRegisterIndex, writeDebugRegister } from '../control-registers.js';

export const nop: Handler = () => {};
export const ud: Handler = (c) => c.raise(Vector.UD);
export const tooLong: Handler = (c) => c.raise(Vector.GP, 0);
export const pending: Handler = (c, i) => c.emulationFailure(`${i.row.mnemonic} is not implemented`);

/** UD2, or the forced-emulation prefix `ud2; 'kvm'` when enabled (guest-abi §7). */
export const ud2: Handler = (c) => {
  if (c.forcedEmulation) {
    const at = c.rip;
    let isFep = false;
    try {
      isFep = c.mmu.read8(at) === 0x6b && c.mmu.read8(at + 1) === 0x76 && c.mmu.read8(at + 2) === 0x6d;
    } catch {
      isFep = false; // the bytes after ud2 are unreadable: a plain #UD
    }
    if (isFep) {
      c.fepStart = c.insnStart;
      c.executeReference(at + 3);
      c.fepStart = NaN;
      return;
    }
  }
  c.raise(Vector.UD);
};

/** HLT: with no interrupt source in this machine it can never wake: the `halt` outcome. */
export const hlt: Handler = (c) => c.requestStop(StopReason.Halt);

export const cli: Handler = (c) => { c.flagsRest &= ~IF; };
export const sti: Handler = (c) => {
  if (!(c.flagsRest & IF)) c.interruptShadow = Shadow.Sti;
  c.flagsRest |= IF;
};

/** IN AL/eAX, imm8 | DX: operand 1 is the port. */
export const inPort: Handler = (c, i) => {
  loadOperand(c, i, 1);
  c.ops.lo[0] = portIn(c, c.ops.lo[1]! & 0xffff, i.size0);
  c.ops.hi[0] = 0;
  storeOperand(c, i, 0);
};

/** OUT imm8 | DX, AL/eAX: operand 0 is the port. */
export const outPort: Handler = (c, i) => {
  loadOperand(c, i, 0);
  loadOperand(c, i, 1);
  portOut(c, c.ops.lo[0]! & 0xffff, i.size1, c.ops.lo[1]!);
};

// ---- control and debug registers ----

/** MOV r64, CRn (0F 20); REX.R selects CR8. */
export const movFromCr: Handler = (c, i) => {
  readControlRegister(c, i.reg);
  c.setReg(8, i.rm, c.ops.lo[0]!, c.ops.hi[0]!);
};
export const movToCr: Handler = (c, i) => {
  writeControlRegister(c, i.reg, c.regLo[i.rm]!, c.regHi[i.rm]!);
  c.invalidateFetch();
};
// DR7.GD: a #DB fault before the access, checked after the CPL check (debug.ts).
export const movFromDr: Handler = (c, i) => {
  checkGeneralDetect(c);
  const v = c.dr[debugRegisterIndex(c, i.reg)]!;
  c.setReg(8, i.rm, Number(v & 0xffffffffn) | 0, Number(v >> 32n) | 0);
};
export const movToDr: Handler = (c, i) => {
  checkGeneralDetect(c);
  writeDebugRegister(c, debugRegisterIndex(c, i.reg), c.regLo[i.rm]!, c.regHi[i.rm]!);
};

export const smsw: Handler = (c, i) => {
  if (i.isMem) c.mmu.write16(effectiveAddress(c, i), c.cr0 & 0xffff); else c.setReg(i.opSize, i.rm, c.cr0, 0);
};

/** LMSW: loads PE MP EM TS; cannot clear PE. */
export const lmsw: Handler = (c, i) => {
  loadOperand(c, i, 0);
  c.cr0 = (c.cr0 & ~0xe) | (c.ops.lo[0]! & 0xf) | (c.cr0 & 1);
};

export const clts: Handler = (c) => { c.cr0 &= ~CR0_TS; };

/**
 * INVLPG: a non-canonical address is a no-op (SDM INVLPG). It drops the TLB
 * entries of the page holding the address, a large page whole (mmu/tlb.ts),
 * and the fetch shortcut if it may be that page (ExecContext.invalidatePage).
 */
export const invlpg: Handler = (c, i) => {
  let lin: number;
  try { lin = effectiveAddress(c, i); } catch { return; }
  c.invalidatePage(lin);
};

/** CLFLUSH m8: checked like a byte read (faults), no other effect. */
export const clflush: Handler = (c, i) => { c.mmu.probeRead(effectiveAddress(c, i), 1); };

// ---- MSRs, CPUID, time ----

// With a host's MSR policy (userspace MSR exits and the MSR filter) the access goes through it (host-calls.ts).
export const rdmsr: Handler = (c) => {
  const index = c.regLo[RCX]! >>> 0;
  const v = c.msrPolicy === null ? readMsr(c, index) : policyReadMsr(c, c.msrPolicy, index);
  if (v === undefined) return c.raise(Vector.GP, 0);
  c.setReg(4, RAX, Number(v & 0xffffffffn) | 0, 0);
  c.setReg(4, RDX, Number(v >> 32n) | 0, 0);
};

export const wrmsr: Handler = (c) => {
  const v = (BigInt(c.regLo[RDX]! >>> 0) << 32n) | BigInt(c.regLo[RAX]! >>> 0);
  const index = c.regLo[RCX]! >>> 0;
  if (!(c.msrPolicy === null ? writeMsr(c, index, v) : policyWriteMsr(c, c.msrPolicy, index, v))) c.raise(Vector.GP, 0);
};

export const cpuid: Handler = (c) => {
  if (c.cpl !== 0 && cpuidFaulting(c)) c.raise(Vector.GP, 0); // MSR_MISC_FEATURES_ENABLES (msr-kvm.ts)
  const leaf = c.regLo[RAX]!, subleaf = c.regLo[RCX]!;
  const [a, b, cx0, d] = c.cpuidTable ? c.cpuidTable.lookup(c, leaf, subleaf) : cpuidLeaf(c, leaf, subleaf);
  const cx = leaf === 1 ? monitorCpuidBit(c, cx0) : cx0;
  c.setReg(4, RAX, a, 0); c.setReg(4, 3, b, 0); c.setReg(4, RCX, cx, 0); c.setReg(4, RDX, d, 0);
};

function writeTsc(c: ExecContext): void {
  const t = c.readTsc();
  c.setReg(4, RAX, Number(t & 0xffffffffn) | 0, 0);
  c.setReg(4, RDX, Number(t >> 32n) | 0, 0);
}
export const rdtsc: Handler = (c) => writeTsc(c);
export const rdtscp: Handler = (c) => {
  writeTsc(c);
  c.setReg(4, RCX, Number(msrValue(c, MSR_TSC_AUX) & 0xffffffffn) | 0, 0);
};

/** RDPMC: the model has no performance counters (#GP(0) for every counter). */
export const rdpmc: Handler = (c) => c.raise(Vector.GP, 0);

// ---- SWAPGS (APM Vol. 3, SDM SWAPGS) ----

export const swapgs: Handler = (c) => {
  const k = msrValue(c, MSR_KERNEL_GS_BASE);
  c.msrs.set(MSR_KERNEL_GS_BASE, BigInt.asUintN(64, BigInt(c.segBase[SEG_GS]!)));
  c.segBase[SEG_GS] = Number(BigInt.asIntN(64, k));
};

// SYSCALL/SYSRET and SYSENTER/SYSEXIT: fast-calls.ts.

// ---- SMAP and protection keys ----

export const clac: Handler = (c) => c.setRflags(c.getRflags() & ~AC);
export const stac: Handler = (c) => c.setRflags(c.getRflags() | AC);

export const rdpkru: Handler = (c) => {
  if (c.regLo[RCX] !== 0) c.raise(Vector.GP, 0);
  c.setReg(4, RAX, c.pkru, 0);
  c.setReg(4, RDX, 0, 0);
};

export const wrpkru: Handler = (c) => {
  if (c.regLo[RCX] !== 0 || c.regLo[RDX] !== 0) c.raise(Vector.GP, 0);
  c.pkru = c.regLo[RAX]! >>> 0;
  c.mmu.pkru = c.pkru;
  c.flushTlb(false);
};
