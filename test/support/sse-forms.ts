// Case generators and form builders for the SSE differential suites: random
// XMM register files with edge lanes, 32 random bytes of memory at the
// operand (rsi = data + MEM_OFF, 16-byte aligned), a random imm8 patched into
// the last code byte, and the forms of a V, W instruction (registers, high
// registers with REX, the same register twice, aligned and misaligned memory,
// a 16-byte access straddling the end of the data area).
import { type Gen, MEM_OFF, type SuiteBuilder } from './diff.js';
import type { Rng } from './rng.js';

/** Lane values that exercise saturation, sign and carry edges (little-endian lanes of 1, 2, 4, 8 bytes). */
const EDGES: Record<number, bigint[]> = {
  1: [0n, 1n, 0x7fn, 0x80n, 0x81n, 0xfen, 0xffn],
  2: [0n, 1n, 0x7fn, 0x80n, 0xffn, 0x100n, 0x7fffn, 0x8000n, 0x8001n, 0xffffn],
  4: [0n, 1n, 0x7fffn, 0x8000n, 0xffffn, 0x10000n, 0x7fffffffn, 0x80000000n, 0xffffffffn],
  8: [0n, 1n, 0xffffffffn, 0x100000000n, 0x7fffffffffffffffn, 0x8000000000000000n, 0xffffffffffffffffn],
};

/** 16 bytes: random, or lanes of one width drawn from the edge values. */
export function vecBytes(rng: Rng): Uint8Array {
  const out = rng.bytes(16);
  if (rng.bool(0.4)) {
    const w = rng.pick([1, 2, 4, 8]);
    for (let k = 0; k < 16; k += w) {
      if (rng.bool(0.3)) continue;
      let v = rng.pick(EDGES[w]!);
      for (let b = 0; b < w; b++) { out[k + b] = Number(v & 0xffn); v >>= 8n; }
    }
  }
  return out;
}

export interface SseGenOptions {
  random?: number;
  /** patch a random imm8 into the last code byte (edges 0, 0xff and a few shuffles first) */
  imm?: boolean;
  /** mxcsr values to draw from */
  mxcsr?: readonly number[];
  /** registers shown in a mismatch report */
  show?: number[];
}

const IMM_EDGES = [0, 1, 0x0f, 0x10, 0x1b, 0x4e, 0x7f, 0x80, 0xe4, 0xff];

/** Random XMM files and memory (and imm8) for any SSE form. */
export function sseGen(o: SseGenOptions = {}): Gen {
  return (g) => {
    const n = o.random ?? 200;
    for (let k = 0; k < n; k++) {
      const rng = g.rng;
      const xmm = new Uint8Array(256);
      for (let r = 0; r < 16; r++) xmm.set(vecBytes(rng), r * 16);
      const mem = new Uint8Array(32);
      mem.set(vecBytes(rng), 0);
      mem.set(vecBytes(rng), 16);
      let code = g.code;
      if (o.imm) {
        code = new Uint8Array(g.code);
        code[code.length - 1] = k < IMM_EDGES.length ? IMM_EDGES[k]! : rng.below(256);
      }
      g.add({
        code, xmm, data: [{ off: MEM_OFF, bytes: mem }],
        ...(o.mxcsr ? { mxcsr: rng.pick(o.mxcsr) } : {}),
        showXmm: o.show ?? [0, 1, 2],
        note: o.imm ? `imm8=0x${code[code.length - 1]!.toString(16)}` : '',
      });
    }
  };
}

export interface VwOptions {
  random?: number;
  imm?: boolean;
  /** the instruction requires 16-byte alignment of its m128 operand (#GP(0) otherwise) */
  aligned?: boolean;
  /** memory operand size in bytes (16, 8, 4; 0: no memory form) */
  mem?: number;
}

/** The forms of `op src, dst` with XMM operands (AT&T order): registers, REX registers, memory. */
export function vwForms(s: SuiteBuilder, op: string, o: VwOptions = {}): void {
  const imm = o.imm ? '$0x1b, ' : '';
  const g = (n: number) => sseGen({ random: n, imm: !!o.imm });
  s.form(`${op} ${imm}%xmm1, %xmm0`, g(o.random ?? 300));
  s.form(`${op} ${imm}%xmm9, %xmm12`, g(60));
  s.form(`${op} ${imm}%xmm3, %xmm3`, g(40));
  const mem = o.mem ?? 16;
  if (mem === 0) return;
  s.form(`${op} ${imm}(%rsi), %xmm2`, g(150));
  s.form(`${op} ${imm}0x10(%rsi), %xmm10`, g(40));
  if (o.aligned) s.form(`${op} ${imm}0x8(%rsi), %xmm2`, g(5), { name: `${op} misaligned m128: #GP(0)` });
  if (mem === 16) s.form(`${op} ${imm}0xff8(%rsi), %xmm2`, g(5), { name: `${op} m128 straddling the end of the data area: #PF` });
}
