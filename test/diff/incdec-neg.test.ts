// Differential tests: inc / dec / neg.
import { M, R, RH, WIDTHS, diffSuite, reg, sfx, std } from '../support/diff.js';

diffSuite('incdec-neg', (s) => {
  for (const op of ['inc', 'dec', 'neg']) {
    for (const w of WIDTHS) {
      const x = sfx(w);
      s.form(`${op}${x} %${reg('rax', w)}`, std({ ops: [R('rax', w)], random: 1000 }));
      s.form(`${op}${x} %${reg('r12', w)}`, std({ ops: [R('r12', w)], random: 150 }));
      s.form(`${op}${x} (%rsi)`, std({ ops: [M(w)], random: 300 }));
      s.form(`${op}${x} 0x10(%rsi)`, std({ ops: [M(w, { off: 0x1010 })], random: 150 }));
    }
    s.form(`${op}b %ah`, std({ ops: [RH('rax')], random: 150 }));
    s.form(`${op}b %sil`, std({ ops: [R('rsi', 8)], random: 150 }));
  }
});
