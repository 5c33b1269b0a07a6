// The MSRs that are plain storage (ArchState.msrs): a Map from index to value,
// which the host and tests may read and write directly. The ones the fast
// system calls read (exec/fast-calls.ts: SYSCALL/SYSRET, SYSENTER/SYSEXIT) are also
// mirrored as numbers when written, so those paths do no Map lookup (a
// HeapNumber key: MSR indexes are above 2^30) and no BigInt arithmetic.
import { MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SFMASK, MSR_SYSENTER_CS, MSR_SYSENTER_ESP, MSR_SYSENTER_EIP } from '../arch/msr-index.js';

/** A 64-bit MSR value as an address number: bits 63..0 sign-extended (exact for canonical addresses). */
const asAddress = (v: bigint) => Number(BigInt.asIntN(64, v));

/** The MSRs with a numeric mirror. */
const MIRRORED = [MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SFMASK, MSR_SYSENTER_CS, MSR_SYSENTER_ESP, MSR_SYSENTER_EIP];

export class MsrFile extends Map<number, bigint> {
  /** STAR[47:32]: the SYSCALL CS selector. */
  syscallCs = 0;
  /** STAR[63:48]: the SYSRET CS selector base. */
  sysretCs = 0;
  /** LSTAR and CSTAR as address numbers. */
  lstar = 0;
  cstar = 0;
  /** SFMASK[31:0] (its upper half is reserved). */
  sfmask = 0;
  /** IA32_SYSENTER_CS[15:0], IA32_SYSENTER_ESP as int32 halves, IA32_SYSENTER_EIP as an address number. */
  sysenterCs = 0;
  sysenterEspLo = 0;
  sysenterEspHi = 0;
  sysenterEip = 0;

  override set(index: number, value: bigint): this {
    super.set(index, value);
    this.mirror(index, value);
    return this;
  }
  override delete(index: number): boolean {
    this.mirror(index, 0n);
    return super.delete(index);
  }
  override clear(): void {
    super.clear();
    for (const index of MIRRORED) this.mirror(index, 0n);
  }

  private mirror(index: number, v: bigint): void {
    switch (index) {
      case MSR_STAR: this.syscallCs = Number((v >> 32n) & 0xffffn); this.sysretCs = Number((v >> 48n) & 0xffffn); break;
      case MSR_LSTAR: this.lstar = asAddress(v); break;
      case MSR_CSTAR: this.cstar = asAddress(v); break;
      case MSR_SFMASK: this.sfmask = Number(v & 0xffffffffn) | 0; break;
      case MSR_SYSENTER_CS: this.sysenterCs = Number(v & 0xffffn); break;
      case MSR_SYSENTER_ESP: this.sysenterEspLo = Number(v & 0xffffffffn) | 0; this.sysenterEspHi = Number((v >> 32n) & 0xffffffffn) | 0; break;
      case MSR_SYSENTER_EIP: this.sysenterEip = asAddress(v); break;
    }
  }
}
