// Differential tests: mul / imul (1, 2 and 3 operands) / div / idiv, including #DE.
import type { Rng } from '../support/rng.js';
import { I, M, type Op, R, RH, WIDTHS, diffSuite, mask, randomValue, reg, sfx, std } from '../support/diff.js';
import { at } from '../support/types.js';

/** Make most unsigned divisions valid: high half of the dividend below the divisor. */
function fixDiv(w: number) {
  return (v: bigint[], rng: Rng) => {
    if (!rng.bool(0.85)) return;
    if (w === 8) {
      const d = at(v, 1) & 0xffn;
      if (d === 0n) return;
      const ax = at(v, 0);
      const ah = ((ax >> 8n) & 0xffn) % d;
      v[0] = (ax & 0xffn) | (ah << 8n);
    } else {
      const d = at(v, 2) & mask(w);
      if (d !== 0n) v[1] = (at(v, 1) & mask(w)) % d;
    }
  };
}

/** Make most signed divisions valid: dividend = q*d + r with |r| < |d|. */
function fixIdiv(w: number) {
  const W = BigInt(w);
  return (v: bigint[], rng: Rng) => {
    if (!rng.bool(0.85)) return;
    const dIdx = w === 8 ? 1 : 2;
    const d = BigInt.asIntN(w, at(v, dIdx));
    if (d === 0n) return;
    let dividend: bigint;
    if (rng.bool(0.5)) {
      dividend = BigInt.asIntN(w, at(v, 0)); // sign-extended low half
      if (dividend === -(1n << (W - 1n)) && d === -1n) return;
    } else {
      const q = BigInt.asIntN(w, randomValue(rng, w));
      const ad = d < 0n ? -d : d;
      let r = BigInt.asUintN(64, rng.u64()) % ad;
      const prod = q * d;
      if (prod < 0n || (prod === 0n && rng.bool())) r = -r;
      dividend = prod + r;
    }
    const u = BigInt.asUintN(2 * w, dividend);
    if (w === 8) v[0] = u;
    else {
      v[0] = u & mask(w);
      v[1] = u >> W;
    }
  };
}

diffSuite('muldiv', (s) => {
  for (const w of WIDTHS) {
    const x = sfx(w);
    const r = (n: Parameters<typeof reg>[0]) => `%${reg(n, w)}`;
    const immW = Math.min(w, 32);
    const immText = w === 16 ? '0x1234' : '0x12345678';
    // one-operand multiply: (e/r)dx:(e/r)ax = ax * src
    for (const op of ['mul', 'imul']) {
      s.form(`${op}${x} ${r('rcx')}`, std({ ops: [R('rax', w), R('rcx', w)], random: 1500 }));
      s.form(`${op}${x} ${r('r10')}`, std({ ops: [R('rax', w), R('r10', w)], random: 300 }));
      s.form(`${op}${x} (%rsi)`, std({ ops: [R('rax', w), M(w)], random: 400 }));
    }
    if (w > 8) {
      // two- and three-operand imul
      s.form(`imul${x} ${r('rcx')}, ${r('rax')}`, std({ ops: [R('rax', w), R('rcx', w)], random: 1500 }));
      s.form(`imul${x} ${r('r8')}, ${r('r15')}`, std({ ops: [R('r15', w), R('r8', w)], random: 300 }));
      s.form(`imul${x} (%rsi), ${r('rdx')}`, std({ ops: [R('rdx', w), M(w)], random: 400 }));
      s.form(`imul${x} $0x12, ${r('rcx')}, ${r('rax')}`, std({ ops: [R('rcx', w), I(8)], random: 800 }), { name: `imul${x} $simm8, ${r('rcx')}, ${r('rax')}` });
      s.form(`imul${x} $${immText}, ${r('rcx')}, ${r('rax')}`, std({ ops: [R('rcx', w), I(immW)], random: 800 }), { name: `imul${x} $imm${immW}, ${r('rcx')}, ${r('rax')}` });
      s.form(`imul${x} $0x12, (%rsi), ${r('rbx')}`, std({ ops: [M(w), I(8)], random: 300 }), { name: `imul${x} $simm8, (%rsi), ${r('rbx')}` });
      s.form(`imul${x} $${immText}, (%rsi), ${r('rbx')}`, std({ ops: [M(w), I(immW)], random: 300 }), { name: `imul${x} $imm${immW}, (%rsi), ${r('rbx')}` });
      s.form(`imul${x} $0x12, ${r('rax')}, ${r('rax')}`, std({ ops: [R('rax', w), I(8)], random: 300 }), { name: `imul${x} $simm8, ${r('rax')}, ${r('rax')}` });
    }
    // division
    for (const op of ['div', 'idiv']) {
      const fix = op === 'div' ? fixDiv(w) : fixIdiv(w);
      const lo: Op[] = w === 8 ? [R('rax', 16)] : [R('rax', w), R('rdx', w)];
      s.form(`${op}${x} ${r('rcx')}`, std({ ops: [...lo, R('rcx', w)], fix, random: 2000 }));
      s.form(`${op}${x} ${r('r9')}`, std({ ops: [...lo, R('r9', w)], fix, random: 300 }));
      s.form(`${op}${x} (%rsi)`, std({ ops: [...lo, M(w)], fix, random: 500 }));
    }
  }
  s.form('mulb %ah', std({ ops: [R('rax', 16)], random: 300 }));
  s.form('imulb %ch', std({ ops: [R('rax', 8), RH('rcx')], random: 300 }));
  s.form('divb %bh', std({ ops: [R('rax', 16), RH('rbx')], fix: fixDiv(8), random: 300 }));
  s.form('idivb %dh', std({ ops: [R('rax', 16), RH('rdx')], fix: fixIdiv(8), random: 300 }));
  // RAX and RDX written just before: the compiled tier's template must hand the new values to the core
  s.form('mov %rbx, %rax; cqto; idivq %rcx', std({ ops: [R('rbx', 64), R('rcx', 64)], random: 500 }));
  s.form('mov %rbx, %rax; cqto; idivq (%rsi)', std({ ops: [R('rbx', 64), M(64)], random: 300 }));
  s.form('mov %ebx, %eax; xor %edx, %edx; divl %ecx', std({ ops: [R('rbx', 32), R('rcx', 32)], random: 300 }));
  s.form('mov %rbx, %rax; mov %rbx, %rdx; mulq %rcx; add %rdx, %rax', std({ ops: [R('rbx', 64), R('rcx', 64)], random: 300 }));
  s.form('mov %rbx, %rax; imulq %rcx; imulq %rbx, %rdx', std({ ops: [R('rbx', 64), R('rcx', 64)], random: 300 }));
});
