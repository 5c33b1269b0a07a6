// Differential tests: and / or / xor / test / not.
import { I, M, R, RH, WIDTHS, diffSuite, reg, sfx, std } from '../support/diff.js';
import { binaryAluForms } from '../support/forms.js';

diffSuite('logic', (s) => {
  for (const op of ['and', 'or', 'xor']) binaryAluForms(s, op, { coreRandom: 1500 });
  for (const w of WIDTHS) {
    const x = sfx(w);
    const immW = Math.min(w, 32);
    const immText = w === 8 ? '0x12' : w === 16 ? '0x1234' : '0x12345678';
    // test
    s.form(`test${x} %${reg('rcx', w)}, %${reg('rax', w)}`, std({ ops: [R('rax', w), R('rcx', w)], random: 1500 }));
    s.form(`test${x} %${reg('rdx', w)}, %${reg('rdx', w)}`, std({ ops: [R('rdx', w)], random: 300 }));
    s.form(`test${x} %${reg('r10', w)}, (%rsi)`, std({ ops: [M(w), R('r10', w)], random: 400 }));
    s.form(`test${x} $${immText}, %${reg('rbx', w)}`, std({ ops: [R('rbx', w), I(immW)], random: 400 }), { name: `test${x} $imm${immW}, %${reg('rbx', w)}` });
    s.form(`test${x} $${immText}, %${reg('rax', w)}`, std({ ops: [R('rax', w), I(immW)], random: 300 }), { name: `test${x} $imm${immW}, %${reg('rax', w)} (accumulator form)` });
    s.form(`test${x} $${immText}, (%rsi)`, std({ ops: [M(w), I(immW)], random: 400 }), { name: `test${x} $imm${immW}, (%rsi)` });
    // not
    s.form(`not${x} %${reg('rax', w)}`, std({ ops: [R('rax', w)], random: 300 }));
    s.form(`not${x} %${reg('r13', w)}`, std({ ops: [R('r13', w)], random: 300 }));
    s.form(`not${x} (%rsi)`, std({ ops: [M(w)], random: 300 }));
  }
  s.form('testb %ah, %ch', std({ ops: [RH('rcx'), RH('rax')], random: 300 }));
  s.form('testb $0x12, %bh', std({ ops: [RH('rbx'), I(8)], random: 300 }), { name: 'testb $imm8, %bh' });
  s.form('notb %dh', std({ ops: [RH('rdx')], random: 300 }));
  // F6 /1 and F7 /1 are undocumented aliases of TEST imm
  s.form('.byte 0xf6, 0xc8, 0x5a', std({ ops: [R('rax', 8)], random: 300 }), { name: 'f6 /1 ib (test alias) %al' });
  s.form('.byte 0x48, 0xf7, 0xc9, 0x78, 0x56, 0x34, 0x12', std({ ops: [R('rcx', 64), I(32)], random: 300 }), { name: 'f7 /1 id (test alias) %rcx' });
});
