// Differential tests: bt/bts/btr/btc (register, immediate, and memory bit-string
// forms with large/negative offsets), bsf/bsr, tzcnt/lzcnt, popcnt.
import type { Rng } from '../support/rng.js';
import { ICOUNT, M, R, diffSuite, reg, sfx, std } from '../support/diff.js';

/**
 * Bit offsets for the bit-string forms with %rsi = data+0x1000: mostly inside the
 * 8 KiB data area (±0x8000 bits), some far away (#PF, or #GP when non-canonical).
 * Far offsets never land in the native code mapping (64 KiB there, 2 pages in the
 * emulator) nor anywhere the native helper process may have mappings.
 */
function bitOffset(w: number, inRange: number) {
  const far64 = [1n << 40n, -(1n << 40n), 1n << 62n, -(1n << 62n), (1n << 63n) - 1n, 1n << 63n, 0x100000000n, -0x100000000n];
  return (rng: Rng): bigint => {
    const r = rng.below(100);
    if (r < 75) return BigInt.asUintN(w, BigInt(rng.int(-inRange, inRange - 1)));
    if (r < 85) return BigInt.asUintN(w, BigInt(rng.int(-64, 64)));
    if (w === 16) return rng.bits(16);
    if (w === 32) {
      for (;;) {
        const v = rng.bits(32);
        const addr = 0x20001000 + Number(BigInt.asIntN(32, v) >> 3n);
        if (addr < 0x0fff0000 || addr > 0x10020000) return v;
      }
    }
    if (r < 93) return BigInt.asUintN(64, rng.pick(far64) + BigInt(rng.int(-0x10000, 0x10000)));
    return BigInt.asUintN(64, rng.pick(far64));
  };
}
function bitOffsetEdges(w: number): bigint[] {
  const vals = [0n, 1n, BigInt(w - 1), BigInt(w), BigInt(w + 1), -1n, -BigInt(w), -BigInt(w) - 1n, 0x7fffn, -0x8000n, 0x7fff_fffn, 0x7fffn * 8n - 1n, -0x8000n * 8n];
  if (w >= 32) vals.push(0x7fffffffn, -0x80000000n, 0x10000n, 0xffffn);
  if (w === 64) vals.push(1n << 40n, -(1n << 40n), (1n << 63n) - 1n, 1n << 63n, 0x100000000n, -(1n << 62n));
  return [...new Set(vals.map((v) => BigInt.asUintN(w, v)))];
}

diffSuite('bits', (s) => {
  for (const op of ['bt', 'bts', 'btr', 'btc']) {
    for (const w of [16, 32, 64]) {
      const x = sfx(w);
      const c = `%${reg('rcx', w)}`;
      s.form(`${op}${x} ${c}, %${reg('rax', w)}`, std({ ops: [R('rax', w), R('rcx', w, { kind: 'count', gen: (rng) => rng.bits(w) })], random: 150 }));
      s.form(`${op}${x} $5, %${reg('rdx', w)}`, std({ ops: [R('rdx', w), ICOUNT(w)], random: 80 }), { name: `${op}${x} $imm8, %${reg('rdx', w)}` });
      s.form(`${op}${x} $5, (%rsi)`, std({ ops: [M(w), ICOUNT(w)], random: 60 }), { name: `${op}${x} $imm8, (%rsi)` });
      s.form(`${op}${x} $5, 6(%rsi)`, std({ ops: [ICOUNT(w)], random: 40 }), { name: `${op}${x} $imm8, 6(%rsi)` });
      // bit-string addressing: the offset register selects any bit around (%rsi)
      s.form(`${op}${x} ${c}, (%rsi)`, std({ ops: [R('rcx', w, { edges: bitOffsetEdges(w), gen: bitOffset(w, 0x8000) })], random: 250 }));
      s.form(`${op}${x} ${c}, 3(%rsi)`, std({ ops: [R('rcx', w, { edges: bitOffsetEdges(w), gen: bitOffset(w, 0x7f00) })], random: 80 }));
      s.form(`${op}${x} %${reg('r9', w)}, -0x20(%rsi,%rdi,1)`, std({ ops: [R('r9', w, { edges: bitOffsetEdges(w), gen: bitOffset(w, 0x7e00) })], fixed: { rdi: 0x20n }, random: 50 }));
    }
  }
  for (const op of ['bsf', 'bsr', 'tzcnt', 'lzcnt', 'popcnt']) {
    for (const w of [16, 32, 64]) {
      const x = sfx(w);
      const zeroish = (rng: Rng) => (rng.bool(0.15) ? 0n : rng.bool(0.5) ? 1n << BigInt(rng.below(w)) : rng.bits(w) >> BigInt(rng.below(w)));
      s.form(`${op}${x} %${reg('rcx', w)}, %${reg('rax', w)}`, std({ ops: [R('rcx', w, { gen: zeroish })], random: 200 }));
      s.form(`${op}${x} %${reg('r12', w)}, %${reg('r12', w)}`, std({ ops: [R('r12', w, { gen: zeroish })], random: 50 }));
      s.form(`${op}${x} (%rsi), %${reg('rdx', w)}`, std({ ops: [M(w, { gen: zeroish })], random: 80 }));
    }
  }
});
