// The MSRs that are plain storage (ArchState.msrs): a Map from index to value,
// which the host and tests may read and write directly. The ones the fast
// system-call paths read at every SYSCALL/SYSRET (exec/fast-calls.ts) are also
// mirrored as numbers when written, so those paths do no Map lookup (a
// HeapNumber key: MSR indexes are above 2^30) and no BigInt arithmetic.
import { MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SFMASK } from '../arch/msr-index.js';

/** A 64-bit MSR value as an address number: bits 63..0 sign-extended (exact for canonical addresses). */
const asAddress = (v: bigint) => Number(BigInt.asIntN(64, v));

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
    for (const index of [MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SFMASK]) this.mirror(index, 0n);
  }

  private mirror(index: number, v: bigint): void {
    switch (index) {
      case MSR_STAR: this.syscallCs = Number((v >> 32n) & 0xffffn); this.sysretCs = Number((v >> 48n) & 0xffffn); break;
      case MSR_LSTAR: this.lstar = asAddress(v); break;
      case MSR_CSTAR: this.cstar = asAddress(v); break;
      case MSR_SFMASK: this.sfmask = Number(v & 0xffffffffn) | 0; break;
    }
  }
}
