// The host side of userspace MSR handling and hypercalls (the CPU side and the
// rules: src/cpu/host-calls.ts): the VM's MSR policy as the host describes it
// (KVM_CAP_X86_USER_SPACE_MSR, KVM_X86_SET_MSR_FILTER), and the `msr` and
// `hypercall` exits of a vCPU with the answer the host writes into them.
import { MsrPolicy, KVM_ENOSYS, type MsrFilterRangeBits } from '../cpu/host-calls.js';
import type { HostAccess, HostExits } from '../cpu/host-exits.js';
import type { MsrExit, HypercallExit } from './exits.js';

export { MsrPolicy, KVM_ENOSYS };
export { KVM_EPERM } from '../cpu/host-calls.js';

/** Which guest RDMSR/WRMSR exit to the host (KVM_MSR_EXIT_REASON_UNKNOWN / INVAL / FILTER). */
export interface MsrExitOptions {
  /** MSRs the model does not have. */
  unknown?: boolean;
  /** Accesses of a known MSR that the CPU would #GP for (a reserved-bit or non-canonical write). */
  invalid?: boolean;
  /** Accesses the MSR filter denies (without it they raise #GP(0)). */
  filter?: boolean;
}

/** One range of an MSR filter (struct kvm_msr_filter_range). */
export interface MsrFilterRange {
  /** The first MSR index. */
  base: number;
  /** How many MSRs from `base` (default: 8 × the bitmap's length). */
  count?: number;
  /** The allow bitmap of the directions given as `true`: bit i set = MSR base + i allowed. Default: all clear (denied). */
  bitmap?: Uint8Array;
  /** The range filters reads: true (with `bitmap`) or its own bitmap. Absent or false: reads are left to later ranges and the default. */
  read?: boolean | Uint8Array;
  /** As `read`, for writes. */
  write?: boolean | Uint8Array;
}

/** An MSR filter (struct kvm_msr_filter): the first range covering an index and the direction decides, else the default. */
export interface MsrFilter {
  /** KVM_MSR_FILTER_DEFAULT_ALLOW (true) or DENY (false). */
  defaultAllow: boolean;
  ranges: readonly MsrFilterRange[];
}

/** KVM_MSR_FILTER_MAX_RANGES, and the MSRs one range may cover (KVM_MSR_FILTER_MAX_BITMAP_SIZE = 0x600 bytes). */
export const MSR_FILTER_MAX_RANGES = 16;
export const MSR_FILTER_MAX_COUNT = 0x600 * 8;

/** Checks and compiles a filter as KVM_X86_SET_MSR_FILTER does (RangeError where KVM says -EINVAL). */
export function compileMsrFilter(f: MsrFilter): { defaultAllow: boolean; ranges: MsrFilterRangeBits[] } {
  if (f.ranges.length > MSR_FILTER_MAX_RANGES) throw new RangeError(`an MSR filter has at most ${MSR_FILTER_MAX_RANGES} ranges`);
  const ranges: MsrFilterRangeBits[] = [];
  for (const [k, r] of f.ranges.entries()) {
    const own = (d: boolean | Uint8Array | undefined) => (d instanceof Uint8Array ? d : undefined);
    const count = r.count ?? 8 * Math.max(r.bitmap?.length ?? 0, own(r.read)?.length ?? 0, own(r.write)?.length ?? 0);
    if (!Number.isInteger(r.base) || r.base < 0 || r.base > 0xffffffff) throw new RangeError(`range ${k}: base must be a 32-bit MSR index`);
    if (!Number.isInteger(count) || count < 0 || count > MSR_FILTER_MAX_COUNT) throw new RangeError(`range ${k}: count must be 0-${MSR_FILTER_MAX_COUNT}`);
    if (count === 0) continue; // an empty range is ignored, as by KVM
    if (r.base + count > 0x100000000) throw new RangeError(`range ${k} goes past MSR 0xffffffff`);
    const bits = (d: boolean | Uint8Array | undefined): Uint8Array | null => {
      if (d === undefined || d === false) return null;
      const b = d === true ? (r.bitmap ?? new Uint8Array(Math.ceil(count / 8))) : d;
      if (b.length * 8 < count) throw new RangeError(`range ${k}: the bitmap covers ${b.length * 8} MSRs, not ${count}`);
      return Uint8Array.from(b);
    };
    const read = bits(r.read), write = bits(r.write);
    if (read === null && write === null) throw new RangeError(`range ${k} filters neither reads nor writes`);
    ranges.push({ base: r.base, count, read, write });
  }
  // kvm_vm_ioctl_set_msr_filter: a default-deny filter with no MSRs in any range is -EINVAL.
  if (ranges.length === 0 && !f.defaultAllow) throw new RangeError('a default-deny MSR filter needs a non-empty range');
  return { defaultAllow: f.defaultAllow, ranges };
}

/** A vCPU's msr or hypercall exit waiting for the host's answer. */
export class PendingHostCall {
  private pending: { exit: MsrExit | HypercallExit; access: HostAccess } | null = null;

  /** The exit record for a queued msr or hypercall access; its answer goes back on the next run(). */
  exitFor(a: HostAccess): MsrExit | HypercallExit {
    let exit: MsrExit | HypercallExit;
    if (a.kind === 'msr') {
      exit = { reason: 'msr', direction: a.write ? 'write' : 'read', index: a.address, data: a.write ? a.value : 0n, why: a.why!, error: false };
    } else {
      const [nr, ...args] = a.args!;
      exit = { reason: 'hypercall', nr: nr!, args, cpl: a.cpl!, longMode: a.longMode! };
    }
    this.pending = { exit, access: a };
    return exit;
  }

  /** Hands the host's answer to the instruction that runs again. */
  complete(hostExits: HostExits): void {
    const p = this.pending;
    if (p === null) return;
    this.pending = null;
    const { exit, access } = p;
    if (exit.reason === 'msr') {
      access.error = exit.error;
      if (!access.write) access.value = BigInt.asUintN(64, BigInt(exit.data));
    } else {
      access.value = exit.result === undefined ? -KVM_ENOSYS : BigInt(exit.result);
    }
    hostExits.complete(access);
  }

  /** Forgets the answer (the host changed the vCPU's state: the instruction is fetched anew). */
  cancel(): void { this.pending = null; }
}
