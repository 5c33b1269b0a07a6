// Case generators for the SSE floating-point differential suites: XMM files
// whose lanes are drawn from the hard cases of binary32/binary64 (zeros,
// denormals, the smallest and largest normals, infinities, QNaNs and SNaNs
// with payloads, values near 1, halfway significands, integers around the
// conversion limits) and random bits, with MXCSR values covering the four
// rounding modes, DAZ, FTZ and unmasked exceptions (#XM).
import { type Gen, MEM_OFF } from './diff.js';
import type { Rng } from './rng.js';

const F32_EDGES = [
  0x00000000, 0x80000000, 0x00000001, 0x807fffff, 0x00800000, 0x80800000, 0x7f7fffff, 0xff7fffff, 0x7f800000, 0xff800000,
  0x7fc00000, 0xffc00000, 0x7fa00001, 0xff800001, 0x3f800000, 0xbf800000, 0x3f800001, 0x3fffffff, 0x4f000000, 0xcf000000,
  0x5f000000, 0xdf000000, 0x4effffff, 0x3f000000, 0x3fc00000, 0x40400000, 0x34000000, 0x00400000,
];
const F64_EDGES: [number, number][] = [
  [0, 0], [0, 0x80000000], [1, 0], [0xffffffff, 0x800fffff], [0, 0x00100000], [0, 0x80100000], [0xffffffff, 0x7fefffff],
  [0, 0x7ff00000], [0, 0xfff00000], [0, 0x7ff80000], [0, 0xfff80000], [1, 0x7ff00000], [0, 0x7ff40000], [0, 0x3ff00000],
  [0, 0xbff00000], [1, 0x3ff00000], [0xffffffff, 0x3fffffff], [0, 0x41e00000], [0, 0xc1e00000], [0, 0x43e00000], [0, 0xc3e00000],
  [0xffc00000, 0x41dfffff], [0, 0x3fe00000], [0, 0x3ff80000], [0, 0x3ca00000], [0, 0x00080000], [0x20000000, 0x47efffff],
];

/** 16 bytes of lanes: random bits, random normals, or edge values of the lane format. */
export function fpVec(rng: Rng, lane: 4 | 8): Uint8Array {
  const out = new Uint8Array(16), v = new DataView(out.buffer);
  for (let k = 0; k < 16; k += lane) {
    const r = rng.below(10);
    if (lane === 4) {
      const x = r < 4 ? rng.pick(F32_EDGES) : r < 7 ? ((rng.u32() & 0x807fffff) | ((rng.int(100, 154) & 0xff) << 23)) >>> 0 : rng.u32();
      v.setUint32(k, x, true);
    } else {
      const [lo, hi] = r < 4 ? rng.pick(F64_EDGES) : r < 7 ? [rng.u32(), ((rng.u32() & 0x800fffff) | (rng.int(0x3d0, 0x430) << 20)) >>> 0] : [rng.u32(), rng.u32()];
      v.setUint32(k, lo >>> 0, true); v.setUint32(k + 4, hi >>> 0, true);
    }
  }
  return out;
}

/** MXCSR: all masked with each rounding mode, DAZ/FTZ, and some unmasked exceptions. */
export const MXCSR_VALUES = [
  0x1f80, 0x1f80, 0x1f80, 0x3f80, 0x5f80, 0x7f80, 0x1fc0, 0x9f80, 0x9fc0, 0xdfc0,
  0x1f00, 0x1e80, 0x1d80, 0x1b80, 0x1780, 0x0f80, 0x0000, 0x1f80 | 0x3f,
];

export interface FpGenOptions { random?: number; lane: 4 | 8; imm?: boolean; gpr?: boolean }

/** Random FP XMM files (lanes of one format), memory at rsi, MXCSR, and optionally an imm8 or a random rax. */
export function fpGen(o: FpGenOptions): Gen {
  return (g) => {
    for (let k = 0; k < (o.random ?? 200); k++) {
      const rng = g.rng;
      const xmm = new Uint8Array(256);
      for (let r = 0; r < 16; r++) xmm.set(fpVec(rng, o.lane), r * 16);
      const mem = new Uint8Array(32);
      mem.set(fpVec(rng, o.lane), 0);
      mem.set(fpVec(rng, o.lane), 16);
      let code = g.code;
      if (o.imm) {
        code = new Uint8Array(g.code);
        code[code.length - 1] = rng.below(256);
      }
      const edges = [0n, 1n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x7fffffffffffffffn, 0x8000000000000000n, 0xffffffffffffffffn, 0x1000001n, 0x20000000000001n];
      g.add({
        code, xmm, data: [{ off: MEM_OFF, bytes: mem }], mxcsr: rng.pick(MXCSR_VALUES), showXmm: [0, 1, 2],
        ...(o.gpr ? { regs: { rax: rng.bool(0.5) ? rng.pick(edges) : rng.u64() } } : {}),
        note: o.imm ? `imm8=0x${code[code.length - 1]!.toString(16)}` : '',
      });
    }
  };
}
