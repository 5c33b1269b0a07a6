// Differential tests: RCPPS/RCPSS/RSQRTPS/RSQRTSS against the host CPU. The
// model's values come from tables measured on an AMD host
// (scripts/gen-approx-tables.mjs): every table entry is run here (every top-12
// significand pattern, random low bits, both exponent parities), plus random
// exponents across the whole range, zeros, denormals, infinities, NaNs and
// negative inputs, under random MXCSR (no flag may change).
import { describe, it } from 'vitest';
import { type Gen, MEM_OFF, diffSuite, hostIsAmd } from '../support/diff.js';
import { fpVec, MXCSR_VALUES } from '../support/sse-fp-forms.js';

/** Lanes k*4 … k*4+3 of the table walk in xmm1 (and memory), the rest random FP values. */
function tableWalk(entries: number, exponents: number[]): Gen {
  return (g) => {
    const rng = g.rng;
    for (let c = 0; c * 4 < entries * exponents.length; c++) {
      const xmm = new Uint8Array(256);
      for (let r = 0; r < 16; r++) xmm.set(fpVec(rng, 4), r * 16);
      const lanes = new DataView(xmm.buffer, 16, 16);
      for (let l = 0; l < 4; l++) {
        const n = c * 4 + l, e = exponents[Math.floor(n / entries) % exponents.length]!, k = n % entries;
        lanes.setUint32(l * 4, ((e << 23) | (k << 11) | rng.below(1 << 11)) >>> 0, true);
      }
      const mem = new Uint8Array(32);
      mem.set(xmm.subarray(16, 32), 0);
      g.add({ xmm, data: [{ off: MEM_OFF, bytes: mem }], mxcsr: rng.pick(MXCSR_VALUES), showXmm: [0, 1] });
    }
  };
}

function randomLanes(n: number): Gen {
  return (g) => {
    const rng = g.rng;
    for (let c = 0; c < n; c++) {
      const xmm = new Uint8Array(256);
      for (let r = 0; r < 16; r++) xmm.set(fpVec(rng, 4), r * 16);
      const lanes = new DataView(xmm.buffer, 16, 16);
      for (let l = 0; l < 4; l++) if (rng.bool(0.5)) lanes.setUint32(l * 4, ((rng.below(2) << 31) | (rng.below(256) << 23) | rng.below(1 << 23)) >>> 0, true);
      const mem = new Uint8Array(32);
      mem.set(xmm.subarray(16, 32), 0);
      g.add({ xmm, data: [{ off: MEM_OFF, bytes: mem }], mxcsr: rng.pick(MXCSR_VALUES), showXmm: [0, 1] });
    }
  };
}

if (!hostIsAmd()) {
  // The tables are an AMD host's (the Intel model ends in emulation-failure): another vendor's host cannot check them.
  describe('diff sse-approx', () => { it.skip('SKIPPED: RCP/RSQRT tables are AMD measurements and this host is not AMD', () => {}); });
} else diffSuite('sse-approx', (s) => {
  s.form('rcpps %xmm1, %xmm0', tableWalk(4096, [127]), { name: 'rcpps: every table entry' });
  s.form('rsqrtps %xmm1, %xmm0', tableWalk(4096, [127, 128]), { name: 'rsqrtps: every table entry, both exponent parities' });
  for (const op of ['rcpps', 'rsqrtps', 'rcpss', 'rsqrtss']) {
    s.form(`${op} %xmm1, %xmm0`, randomLanes(600));
    s.form(`${op} (%rsi), %xmm2`, randomLanes(100));
  }
});
