// A memory operand of 64-bit addressing — base, index scaled, displacement,
// any of them — found in the page the instruction holds a copy of (its
// AccessCache, mmu/tlb.ts) on the registers' int32 halves: no double
// arithmetic, no canonical check (the page came through the TLB, so every
// address in it is canonical), no TLB lookup. Another page the TLB holds is
// one lookup on the same halves, and the copy takes its entry. stack.ts does
// the same for PUSH and POP on RSP's halves (without the refill). Anything
// else — a TLB miss, a page the entry does not let the access use, a page
// crossing, RIP-relative or FS/GS addressing, a 32-bit address size — takes
// effectiveAddress and the MMU.
import { BASE_RIP, type Insn } from '../isa/insn.js';
import { SEG_FS } from '../arch/registers.js';
import type { ExecContext } from './context.js';
import { offsetInCopy } from '../mmu/tlb.js';

/** Whether `i`'s memory operand is one heldOperandAt serves: 64-bit addressing, not RIP-relative, no segment base. */
export const isHeldAddressable = (i: Insn): boolean =>
  i.isMem && i.addrSize === 8 && i.base !== BASE_RIP && i.seg < SEG_FS;

// The operand's address halves, left by heldOperandAt for the refill (no allocation per access).
let heldLo = 0, heldHi = 0;

/**
 * Where the `size` bytes of `i`'s memory operand (isHeldAddressable) lie in i.cacheView, when the
 * page `i` holds holds all of them (tlb.ts offsetInCopy); else -1. The address is summed on halves:
 * each low-half sum's carry goes to the high half, with the displacement's sign extension and the
 * scaled index's high bits. They stay in heldLo and heldHi.
 */
function heldOperandAt(c: ExecContext, i: Insn, size: number): number {
  const b = i.base, x = i.index, d = i.disp;
  let lo = d, hi = d >> 31;
  if (b >= 0) {
    const bl = c.regLo[b]!, s = (bl + lo) | 0;
    hi = (hi + c.regHi[b]! + ((s >>> 0) < (bl >>> 0) ? 1 : 0)) | 0;
    lo = s;
  }
  if (x >= 0) {
    const k = i.scale, xl = c.regLo[x]!;
    const sl = xl << k, sh = k === 0 ? c.regHi[x]! : (c.regHi[x]! << k) | (xl >>> (32 - k));
    const s = (sl + lo) | 0;
    hi = (hi + sh + ((s >>> 0) < (sl >>> 0) ? 1 : 0)) | 0;
    lo = s;
  }
  heldLo = lo; heldHi = hi;
  return offsetInCopy(i, lo, hi, size);
}

/**
 * heldOperandAt when the copy also lets a read use its page as it is (Mmu.readableCopy), as
 * stack.ts's heldPopSlots; else the copy takes the TLB's entry for the operand's page, when that
 * serves the read (Mmu.readableAtHalves: a pointer chase changes pages at every load); else -1.
 */
export function heldReadableAt(c: ExecContext, i: Insn, size: number): number {
  const at = heldOperandAt(c, i, size);
  return at >= 0 && c.mmu.readableCopy(i) ? at : c.mmu.readableAtHalves(i, heldLo, heldHi, size);
}

/** The same for a write (Mmu.writableCopy, writableAtHalves), as stack.ts's heldPushSlots. */
export function heldWritableAt(c: ExecContext, i: Insn, size: number): number {
  const at = heldOperandAt(c, i, size);
  return at >= 0 && c.mmu.writableCopy(i) ? at : c.mmu.writableAtHalves(i, heldLo, heldHi, size);
}
