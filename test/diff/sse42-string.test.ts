// Differential tests: the SSE4.2 string compares PCMPESTRI/PCMPESTRM/
// PCMPISTRI/PCMPISTRM against the host CPU: every imm8, operands from a small
// alphabet with zeros (so that matches, ranges and terminators occur),
// explicit lengths in RAX/RDX around and beyond the limits (negative, 64-bit
// with REX.W), register and memory forms; ECX, XMM0, RFLAGS compared.
import { type Gen, MEM_OFF, diffSuite } from '../support/diff.js';
import type { Rng } from '../support/rng.js';

const ALPHABET = [0, 0x61, 0x62, 0x63, 0x41, 0x7f, 0x80, 0xff, 0x30, 0x39];

function text(rng: Rng): Uint8Array {
  const out = new Uint8Array(16);
  const words = rng.bool(0.3);
  for (let k = 0; k < 16; k++) out[k] = rng.bool(0.8) ? rng.pick(ALPHABET) : rng.below(256);
  if (words) for (let k = 1; k < 16; k += 2) out[k] = rng.bool(0.7) ? 0 : rng.pick(ALPHABET);
  if (rng.bool(0.3)) out.fill(0, rng.below(16));
  return out;
}

const LENGTHS = [0n, 1n, 3n, 7n, 8n, 9n, 15n, 16n, 17n, 100n, -1n, -5n, -16n, -17n, 0x80000000n, 0xffffffffn, 0x100000005n, 0xfffffffffffffff0n];

function strGen(random: number): Gen {
  return (g) => {
    for (let k = 0; k < random; k++) {
      const rng = g.rng;
      const xmm = new Uint8Array(256);
      for (let r = 0; r < 16; r++) xmm.set(text(rng), r * 16);
      const mem = new Uint8Array(32);
      mem.set(text(rng), 0);
      const code = new Uint8Array(g.code);
      code[code.length - 1] = rng.below(256);
      const len = () => (rng.bool(0.7) ? rng.pick(LENGTHS) : BigInt(rng.int(-20, 20)));
      g.add({ code, xmm, data: [{ off: MEM_OFF, bytes: mem }], regs: { rax: len(), rdx: len() }, showXmm: [0, 1, 2],
        note: `imm8=0x${code[code.length - 1]!.toString(16)}` });
    }
  };
}

diffSuite('sse42-string', (s) => {
  for (const op of ['pcmpestri', 'pcmpestrm', 'pcmpistri', 'pcmpistrm']) {
    s.form(`${op} $0, %xmm1, %xmm2`, strGen(1200));
    s.form(`${op} $0, (%rsi), %xmm2`, strGen(200));
  }
  s.form('pcmpestriq $0, %xmm1, %xmm2', strGen(400));
  s.form('pcmpestrmq $0, %xmm9, %xmm10', strGen(200));
});
