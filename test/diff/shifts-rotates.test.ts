// Differential tests: shl/sal/shr/sar/rol/ror/rcl/rcr (by 1, by %cl, by imm8) and shld/shrd.
import { CL, ICOUNT, M, R, RH, WIDTHS, diffSuite, reg, sfx, std } from '../support/diff.js';

const OPS = ['shl', 'shr', 'sar', 'rol', 'ror', 'rcl', 'rcr'] as const;

diffSuite('shifts-rotates', (s) => {
  for (const op of OPS) {
    const carry = op === 'rcl' || op === 'rcr';
    for (const w of WIDTHS) {
      const x = sfx(w);
      const a = `%${reg('rax', w)}`;
      // by 1 (D0/D1)
      s.form(`${op}${x} ${a}`, std({ ops: [R('rax', w)], carry, random: 500 }), { name: `${op}${x} $1, ${a}` });
      s.form(`${op}${x} (%rsi)`, std({ ops: [M(w)], carry, random: 200 }), { name: `${op}${x} $1, (%rsi)` });
      // by %cl (D2/D3)
      s.form(`${op}${x} %cl, ${a}`, std({ ops: [R('rax', w), CL(w)], carry, random: 2500 }));
      s.form(`${op}${x} %cl, %${reg('r11', w)}`, std({ ops: [R('r11', w), CL(w)], carry, edges: 'each', random: 150 }));
      s.form(`${op}${x} %cl, (%rsi)`, std({ ops: [M(w), CL(w)], carry, random: 500 }));
      // by imm8 (C0/C1)
      s.form(`${op}${x} $5, ${a}`, std({ ops: [R('rax', w), ICOUNT(w)], carry, random: 600 }), { name: `${op}${x} $imm8, ${a}` });
      s.form(`${op}${x} $5, (%rsi)`, std({ ops: [M(w), ICOUNT(w)], carry, edges: 'each', random: 250 }), { name: `${op}${x} $imm8, (%rsi)` });
    }
    s.form(`${op}b %cl, %ah`, std({ ops: [RH('rax'), CL(8)], carry, edges: 'each', random: 300 }));
    s.form(`${op}b %cl, %cl`, std({ ops: [CL(8)], carry, random: 200 }));
  }
  // SAL encoded as /6 (undocumented alias of SHL)
  s.form('.byte 0xd1, 0xf0', std({ ops: [R('rax', 32)], random: 300 }), { name: 'd1 /6 (sal alias) $1, %eax' });
  s.form('.byte 0x48, 0xd3, 0xf0', std({ ops: [R('rax', 64), CL(64)], random: 500 }), { name: 'd3 /6 (sal alias) %cl, %rax' });
  s.form('.byte 0xc0, 0xf0, 0x05', std({ ops: [R('rax', 8), ICOUNT(8)], random: 300 }), { name: 'c0 /6 (sal alias) $imm8, %al' });
  // double-precision shifts
  for (const op of ['shld', 'shrd']) {
    for (const w of [16, 32, 64]) {
      const x = sfx(w);
      const d = `%${reg('rdx', w)}`;
      s.form(`${op}${x} %cl, ${d}, %${reg('rax', w)}`, std({ ops: [R('rax', w), R('rdx', w), CL(w)], random: 2500 }));
      s.form(`${op}${x} %cl, %${reg('r8', w)}, %${reg('r13', w)}`, std({ ops: [R('r13', w), R('r8', w), CL(w)], edges: 'each', random: 150 }));
      s.form(`${op}${x} $5, ${d}, %${reg('rax', w)}`, std({ ops: [R('rax', w), R('rdx', w), ICOUNT(w)], random: 1000 }), { name: `${op}${x} $imm8, ${d}, %${reg('rax', w)}` });
      s.form(`${op}${x} %cl, ${d}, (%rsi)`, std({ ops: [M(w), R('rdx', w), CL(w)], edges: 'each', random: 500 }));
      s.form(`${op}${x} $5, ${d}, 8(%rsi)`, std({ ops: [M(w, { off: 0x1008 }), R('rdx', w), ICOUNT(w)], edges: 'each', random: 250 }), { name: `${op}${x} $imm8, ${d}, 8(%rsi)` });
      s.form(`${op}${x} %cl, %${reg('rax', w)}, %${reg('rax', w)}`, std({ ops: [R('rax', w), CL(w)], random: 300 }));
    }
  }
});
