// MONITOR and MWAIT as KVM presents them to a guest (arch/x86/kvm/x86.c,
// kvm_emulate_monitor_mwait): the hardware's own checks run first — #UD above
// CPL 0 on both vendors (the row's cpl0 class: a privilege fault precedes the
// VM exit, SDM Vol. 3C §26.1.1); on AMD the instruction's faults precede the
// SVM intercept (APM Vol. 2 §15.9; upstream monitor_mwait_test relies on it),
// on Intel the VM exit precedes them — then KVM's rule: a NOP, or #UD while
// not enabled with KVM_X86_QUIRK_MWAIT_NEVER_UD_FAULTS off (msr-quirks.ts).
import { Vector } from '../../arch/vectors.js';
import { RAX, RCX, SEG_DS, SEG_FS } from '../../arch/registers.js';
import type { Handler, ExecContext } from '../context.js';
import type { Insn } from '../../isa/insn.js';
import { isCanonical } from '../operands.js';
import { segmentLinear } from '../compat-segments.js';
import { miscEnableMwait } from '../msr-kvm.js';

/** CPUID.01H:ECX.MONITOR[bit 3]. */
const CPUID_MONITOR = 1 << 3;

/** CPUID.01H:ECX as the guest reads it: with KVM_X86_QUIRK_MISC_ENABLE_NO_MWAIT off, MONITOR follows IA32_MISC_ENABLE.MWAIT. */
export function monitorCpuidBit(c: ExecContext, ecx: number): number {
  if (c.kvm.miscEnableNoMwait) return ecx;
  return miscEnableMwait(c) ? ecx | CPUID_MONITOR : ecx & ~CPUID_MONITOR;
}

/** Whether KVM runs them (as NOPs) rather than injecting #UD. */
function enabled(c: ExecContext): boolean {
  if (c.kvm.mwaitNeverUdFaults) return true;
  if (!c.kvm.miscEnableNoMwait) return miscEnableMwait(c);
  // The guest's CPUID bit (the model's CPUID reports MONITOR).
  return c.cpuidTable === null || c.cpuidTable.has([1, 'ecx', 3]);
}

/** MONITOR's linear address: DS:rAX at the address size, the segment overridable (SDM/APM MONITOR). */
function monitorAddress(c: ExecContext, i: Insn): number {
  const seg = i.seg >= 0 ? i.seg : SEG_DS;
  const lo = c.regLo[RAX]! >>> 0;
  if (i.compat) return segmentLinear(c, seg, i.addrSize === 2 ? lo & 0xffff : lo, 1, false);
  let lin = i.addrSize === 4 ? lo : c.regHi[RAX]! * 4294967296 + lo;
  if (seg >= SEG_FS) lin += c.segBase[seg]!;
  if (!isCanonical(lin)) c.raise(Vector.GP, 0); // the decoder drops CS/DS/ES/SS overrides in 64-bit mode
  return lin;
}

export const monitor: Handler = (c, i) => {
  if (c.vendor === 'amd') {
    const ecx = c.regLo[RCX]! >>> 0;
    if (i.param === 0) {
      // MONITOR: ECX holds extensions, none defined: #GP(0); the address is checked like a byte read.
      if (ecx !== 0) c.raise(Vector.GP, 0);
      c.mmu.probeRead(monitorAddress(c, i), 1);
    } else if (ecx > 1) {
      // MWAIT: ECX[0] (interrupts break, CPUID.05H:ECX[1]) is the one extension; others #GP(0).
      c.raise(Vector.GP, 0);
    }
  }
  if (!enabled(c)) c.raise(Vector.UD);
};
