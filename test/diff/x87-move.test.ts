// Differential tests: x87 loads, stores, constants, stack operations and FCMOVcc (FLD FILD FBLD,
// FST FSTP FIST FISTP FISTTP FBSTP, FLD1 … FLDZ, FXCH, FINCSTP, FDECSTP, FFREE, FFREEP, FNOP,
// FCMOVcc) against the host FPU: every x87 register, FCW, FSW, the tag, FOP/FIP/FDP, memory.
import { diffSuite } from '../support/diff.js';
import { x87RowForms } from '../support/x87-forms.js';

diffSuite('x87-move', (s) => {
  x87RowForms(s, (r) => ['x87Load', 'x87Store', 'x87Const', 'x87Stack', 'fcmov'].includes(r.executor), 150);
});
