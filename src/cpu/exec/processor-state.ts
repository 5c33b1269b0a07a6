// FSGSBASE, RDPID and INVPCID (SDM Vol. 2 RDFSBASE/RDGSBASE, WRFSBASE/WRGSBASE,
// RDPID, INVPCID; §4.10.4.1). CR4.FSGSBASE (#UD), CPL (INVPCID's `priv`) and the
// features are the table's checks (legality.ts); what remains is here.
import { Vector } from '../../arch/vectors.js';
import { CR4_PCIDE, CR4_PGE, CR3_PCID_MASK } from '../../arch/control-registers.js';
import { MSR_TSC_AUX } from '../../arch/msr-index.js';
import type { ExecContext, Handler } from '../context.js';
import { effectiveAddress, isCanonical } from '../operands.js';
import { msrValue } from '../msr.js';

const TWO32 = 4294967296;

/** RDFSBASE/RDGSBASE r32 | r64 (REX.W): the base, truncated to 32 bits for r32. */
export const rdSegBase: Handler = (c, i) => {
  // 66 F3 0F AE /0-/1 is undocumented (objdump prints a 16-bit register): not guessed.
  if (i.opSize === 2) c.emulationFailure(`${i.row.mnemonic} with a 66 prefix is undocumented`);
  const v = c.segBase[i.param]!;
  const hi = Math.floor(v / TWO32);
  c.setReg(i.opSize, i.rm, (v - hi * TWO32) | 0, hi);
};

/** WRFSBASE/WRGSBASE r32 (zero-extended) | r64: #GP(0) for a non-canonical r64. */
export const wrSegBase: Handler = (c, i) => {
  if (i.opSize === 2) c.emulationFailure(`${i.row.mnemonic} with a 66 prefix is undocumented`);
  const v = i.opSize === 8 ? c.regNumber(i.rm) : c.regLo[i.rm]! >>> 0;
  if (!isCanonical(v)) c.raise(Vector.GP, 0);
  c.segBase[i.param] = v;
};

/** RDPID r64: IA32_TSC_AUX, zero-extended (not subject to CR4.TSD). */
export const rdpid: Handler = (c, i) => {
  c.setReg(8, i.rm, Number(msrValue(c, MSR_TSC_AUX) & 0xffffffffn) | 0, 0);
};

/**
 * INVPCID r64, m128. Types: 0 one address of a PCID, 1 a PCID, 2 everything
 * including global entries, 3 everything but global entries. Every type may
 * invalidate more than it must (SDM INVPCID), which the MMU does for type 0.
 * Order as KVM's emulation: the type, then the descriptor read, then its checks.
 */
export const invpcid: Handler = (c, i) => {
  if (c.regHi[i.reg] !== 0 || (c.regLo[i.reg]! >>> 0) > 3) c.raise(Vector.GP, 0);
  invalidateByDescriptor(c, c.regLo[i.reg]!, effectiveAddress(c, i));
};

/** INVPCID's work once the type (0-3) is checked: the 16-byte descriptor at linear `a` (SDM INVPCID). */
export function invalidateByDescriptor(c: ExecContext, type: number, a: number): void {
  const descLo = c.mmu.read64(a), descHi = c.mmu.hi;
  const addrLo = c.mmu.read64(a + 8), addrHi = c.mmu.hi;
  if ((descLo & ~CR3_PCID_MASK) !== 0 || descHi !== 0) c.raise(Vector.GP, 0); // bits 63:12 reserved
  const pcid = descLo & CR3_PCID_MASK;
  if (type <= 1 && pcid !== 0 && !(c.cr4 & CR4_PCIDE)) c.raise(Vector.GP, 0);
  const pge = (c.cr4 & CR4_PGE) !== 0;
  switch (type) {
    case 0: {
      const lin = addrHi * TWO32 + (addrLo >>> 0);
      if (!isCanonical(lin)) c.raise(Vector.GP, 0);
      c.mmu.invalidatePage(lin);
      break;
    }
    case 1: c.mmu.flushPcid(pcid, pge); break;
    case 2: c.mmu.flush(false); break;
    default: c.mmu.flush(pge);
  }
  c.invalidateFetch();
}

