// Differential tests: add / adc / sub / sbb / cmp in every operand form and size.
// Every form runs all its edge values (products, crossed with CF for adc/sbb)
// plus 1200 random cases for the register-register core forms and 100 (or 200)
// for the others.
import { R, diffSuite, std } from '../support/diff.js';
import { binaryAluForms } from '../support/forms.js';

diffSuite('alu', (s) => {
  for (const op of ['add', 'adc', 'sub', 'sbb', 'cmp']) binaryAluForms(s, op, { carry: op === 'adc' || op === 'sbb', coreRandom: 1200, random: 100 });
  // opcode 0x82 (an alias of 0x80 in legacy modes) is invalid in 64-bit mode
  s.form('.byte 0x82, 0xc0, 0x01', std({ ops: [R('rax', 8)], edges: false, random: 5 }), { name: '82 /0 ib (#UD in 64-bit mode)' });
  s.form('.byte 0x82, 0x06, 0x01', std({ ops: [R('rax', 8)], edges: false, random: 5 }), { name: '82 /0 ib, (%rsi) (#UD in 64-bit mode)' });
});
