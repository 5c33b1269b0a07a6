// Differential tests: x87 loads, stores, constants, stack operations and FCMOVcc (FLD FILD FBLD,
// FST FSTP FIST FISTP FISTTP FBSTP, FLD1 … FLDZ, FXCH, FINCSTP, FDECSTP, FFREE, FFREEP, FNOP,
// FCMOVcc) against the host FPU: every x87 register, FCW, FSW, the tag, FOP/FIP/FDP, memory.
// FSTP1 also with an empty ST(0).
import { diffSuite } from '../support/diff.js';
import { x87Gen, x87RowForms } from '../support/x87-forms.js';

diffSuite('x87-move', (s) => {
  x87RowForms(s, (r) => ['x87Load', 'x87Store', 'x87Const', 'x87Stack', 'fcmov'].includes(r.executor), 150);
  // FSTP1 (D9 D8+i) with an empty ST(0): no underflow, ST(i) unchanged, a pop
  for (const i of [0, 1, 3, 7]) {
    s.form(`.byte 0xd9, 0x${(0xd8 + i).toString(16)}`, x87Gen({ random: 150, need: i + 1, emptySt0: true, full: true }),
      { name: `Fstp1_STi st(${i}), ST(0) empty` });
  }
});
