// MMX (SDM Vol. 1 chapter 9, §9.5 and Vol. 2 entries): MM0-7 are the 64-bit significands of the
// physical x87 registers R0-R7. Every MMX instruction first delivers a pending x87 exception
// (#MF, or emulation-failure with CR0.NE = 0: x87-core.ts), then sets TOP to 0 and every tag
// valid; a write to MMi sets the sign/exponent of Ri to FFFFh (§9.5.1). EMMS empties every
// register (AMD also sets TOP to 0: host-checked; Intel's EMMS leaves TOP, SDM EMMS). The packed
// operations run the SSE kernels (sse-int.ts) on the scratch XMM slots XMM_TMP3 (destination) and
// XMM_TMP (source; the kernels use XMM_TMP2 themselves), whose low qword is the MMX result for
// the lane-wise operations the rows name.
import type { Insn } from '../../isa/insn.js';
import type { ExecContext, Handler } from '../context.js';
import { effectiveAddress, loadOperand, storeOperand } from '../operands.js';
import { XMM_TMP, XMM_TMP3 } from '../vector-registers.js';
import type { RowBinder } from './binding.js';
import { kernel } from './sse-int.js';
import { x87Wait } from './x87-core.js';

/** MMX mode: TOP = 0 and all tags valid (after the pending-exception check and the memory access). */
export function enter(c: ExecContext): void {
  c.x87.top = 0;
  c.x87.valid = 0xff;
}

/** MMr into the low qword of scratch slot `slot` (the high qword zero). */
export function mmToSlot(c: ExecContext, r: number, slot: number): void {
  const v = c.xmm.i32, d = slot * 8, x = c.x87;
  v[d] = x.lo[r]! | 0; v[d + 1] = x.hi[r]! | 0; v[d + 2] = 0; v[d + 3] = 0;
}

export function slotToMm(c: ExecContext, slot: number, r: number): void {
  const v = c.xmm.i32, d = slot * 8, x = c.x87;
  x.lo[r] = v[d]! >>> 0; x.hi[r] = v[d + 1]! >>> 0; x.se[r] = 0xffff;
}

/** The Q operand (ModRM.rm MM register or m64) into slot XMM_TMP; memory is read before any state changes. */
export function sourceQ(c: ExecContext, i: Insn, slot: number): void {
  if (!i.isMem) { mmToSlot(c, i.modrm & 7, slot); return; }
  const v = c.xmm.i32, d = slot * 8;
  v[d] = c.mmu.read64(effectiveAddress(c, i)); v[d + 1] = c.mmu.hi; v[d + 2] = 0; v[d + 3] = 0;
}

/** P = op(P, Q[, imm8]). */
export const bindMmxInt: RowBinder = (row) => {
  const f = kernel(row.param);
  const h: Handler = (c, i) => {
    x87Wait(c);
    sourceQ(c, i, XMM_TMP);
    enter(c);
    const p = (i.modrm >> 3) & 7;
    mmToSlot(c, p, XMM_TMP3);
    f(c.xmm, XMM_TMP3, XMM_TMP, i.imm);
    slotToMm(c, XMM_TMP3, p);
  };
  return () => h;
};

/** N = op(N, imm8). */
export const bindMmxShiftImm: RowBinder = (row) => {
  const f = kernel(row.param);
  const h: Handler = (c, i) => {
    x87Wait(c);
    enter(c);
    const n = i.modrm & 7;
    mmToSlot(c, n, XMM_TMP3);
    f(c.xmm, XMM_TMP3, XMM_TMP3, i.imm);
    slotToMm(c, XMM_TMP3, n);
  };
  return () => h;
};

/** MOVD/MOVQ: 0 P ← Ey (zero-extended), 1 Ey ← P, 2 P ← Q, 3 Q ← P. */
export const mmxMov: Handler = (c, i) => {
  const x = c.x87, p = (i.modrm >> 3) & 7, v = c.ops;
  x87Wait(c);
  switch (i.param) {
    case 0: {
      loadOperand(c, i, 1);
      enter(c);
      x.lo[p] = v.lo[1]! >>> 0; x.hi[p] = i.opSize === 8 ? v.hi[1]! >>> 0 : 0; x.se[p] = 0xffff;
      return;
    }
    case 1: {
      if (i.isMem) c.mmu.probeWrite(effectiveAddress(c, i), i.opSize === 8 ? 8 : 4);
      v.lo[0] = x.lo[p]! | 0; v.hi[0] = i.opSize === 8 ? x.hi[p]! | 0 : 0;
      storeOperand(c, i, 0);
      enter(c);
      return;
    }
    case 2: {
      sourceQ(c, i, XMM_TMP);
      enter(c);
      slotToMm(c, XMM_TMP, p);
      return;
    }
    default: {
      if (i.isMem) {
        const a = effectiveAddress(c, i);
        c.mmu.write64(a, x.lo[p]! | 0, x.hi[p]! | 0);
        enter(c);
        return;
      }
      enter(c);
      const r = i.modrm & 7;
      x.lo[r] = x.lo[p]!; x.hi[r] = x.hi[p]!; x.se[r] = 0xffff;
    }
  }
};

/** EMMS: the tag word FFFFh (every register empty); on AMD TOP = 0 as well (host-checked). */
export const emms: Handler = (c) => {
  x87Wait(c);
  c.x87.valid = 0;
  if (c.vendor === 'amd') c.x87.top = 0;
};
