// RDMSR/WRMSR and hypercalls that the host answers (KVM's userspace MSR
// exits and KVM_EXIT_HYPERCALL; the exits themselves: src/host/host-calls.ts).
//
// MSRs (KVM_CAP_X86_USER_SPACE_MSR, KVM_X86_SET_MSR_FILTER; Linux
// Documentation/virt/kvm/api.rst): a guest RDMSR/WRMSR first meets the filter
// (kvm_msr_allowed: the first range covering the index and the direction
// decides by its bitmap, else the default; x2APIC MSRs 0x800-0x8ff are never
// filtered). A denied access exits ('filter') when the host asked for it, else
// #GP(0). An allowed access of an MSR the model lacks exits as 'unknown', a
// write the model would #GP for exits as 'invalid' (reads of a known MSR never
// fail in this model), each only when asked for; otherwise #GP(0) as before.
// The instruction is unwound like a fault and runs again with the host's
// answer (host-exits.ts): RDMSR takes EDX:EAX = data, WRMSR writes nothing;
// an answer with `error` raises #GP(0).
//
// Hypercalls: VMCALL (Intel) and VMMCALL (AMD) are KVM's PV hypercall
// (kvm_emulate_hypercall): RAX = number, RBX RCX RDX RSI = arguments, the
// result in RAX; outside 64-bit mode all of them are 32-bit. CPL > 0 gets
// -KVM_EPERM without an exit. The other vendor's instruction is patched to the
// native one when the fix-hypercall quirk is on (KVM rewrites the 3 bytes at
// RIP and re-executes), else #UD. With no host (a bare Machine) there is no
// hypervisor: VMCALL outside VMX operation and VMMCALL with EFER.SVME = 0 are
// #UD (SDM VMCALL, APM VMMCALL).
import { Vector } from '../arch/vectors.js';
import { RAX, RBX, RCX, RDX, RSI, SEG_CS } from '../arch/registers.js';
import type { ExecContext, Handler } from './context.js';
import type { HostAccess } from './host-exits.js';
import { readMsr, writeMsr } from './msr.js';

import { MsrPolicy, type MsrExitWhy } from './msr-policy.js';

export { MsrPolicy, type MsrExitWhy };
export type { MsrFilterRangeBits } from './msr-policy.js';

/** KVM_EPERM and KVM_ENOSYS (include/uapi/linux/kvm_para.h): hypercall results are their negatives. */
export const KVM_EPERM = 1n;
export const KVM_ENOSYS = 1000n;

/** RDMSR under a policy: the value, or undefined for #GP(0); may exit to the host. */
export function policyReadMsr(c: ExecContext, p: MsrPolicy, index: number): bigint | undefined {
  let why: MsrExitWhy;
  if (!p.allowed(index, false)) {
    if (!p.exitFilter) return undefined;
    why = 'filter';
  } else {
    const v = readMsr(c, index);
    if (v !== undefined || !p.exitUnknown) return v;
    why = 'unknown';
  }
  const answer = c.hostExits.exchange({ kind: 'msr', write: false, address: index, size: 8, value: 0n, why });
  return answer.error ? undefined : BigInt.asUintN(64, answer.value);
}

/** WRMSR under a policy: false for #GP(0); may exit to the host (which then writes nothing to the CPU). */
export function policyWriteMsr(c: ExecContext, p: MsrPolicy, index: number, value: bigint): boolean {
  let why: MsrExitWhy;
  if (!p.allowed(index, true)) {
    if (!p.exitFilter) return false;
    why = 'filter';
  } else if (readMsr(c, index) === undefined) {
    if (!p.exitUnknown) return false;
    why = 'unknown';
  } else if (writeMsr(c, index, value)) {
    return true;
  } else {
    // writeMsr changed nothing: it refused the value.
    if (!p.exitInvalid) return false;
    why = 'invalid';
  }
  const answer = c.hostExits.exchange({ kind: 'msr', write: true, address: index, size: 8, value, why });
  return !answer.error;
}

/** The machine code of the native hypercall of each vendor model (KVM's patch_hypercall). */
const VMCALL = [0x0f, 0x01, 0xc1] as const;
const VMMCALL = [0x0f, 0x01, 0xd9] as const;

/** VMCALL (param 0) and VMMCALL (param 1). */
export const hypercall: Handler = (c, i) => {
  if (!c.hypercallExits) return c.raise(Vector.UD);
  const native = (i.param === 0) === (c.vendor === 'intel');
  if (!native) {
    // KVM's emulator_fix_hypercall: #UD without the quirk; with it, the 3 bytes at RIP become the
    // native instruction (an emulated data write at the current CPL: it may #PF), which runs next.
    if (!c.fixHypercall) return c.raise(Vector.UD);
    const start = c.insnStart;
    const lin = i.compat ? (c.segBase[SEG_CS]! + start) >>> 0 : start;
    const bytes = c.vendor === 'intel' ? VMCALL : VMMCALL;
    for (let k = 0; k < 3; k++) c.mmu.write8(i.compat ? (lin + k) >>> 0 : lin + k, bytes[k]!);
    c.rip = start;
    return;
  }
  const long = !i.compat;
  const reg = (r: number) => (long ? c.getReg64(r) : BigInt(c.regLo[r]! >>> 0));
  let result: bigint;
  if (c.cpl > 0) {
    result = -KVM_EPERM;
  } else {
    const access: HostAccess = {
      kind: 'hypercall', write: false, address: 0, size: 8, value: -KVM_ENOSYS,
      args: [reg(RAX), reg(RBX), reg(RCX), reg(RDX), reg(RSI)], cpl: c.cpl, longMode: long,
    };
    result = c.hostExits.exchange(access).value;
  }
  if (long) c.setReg64(RAX, BigInt.asUintN(64, result));
  else c.setReg(4, RAX, Number(BigInt.asUintN(32, result)) | 0, 0);
};
