// Differential tests: x87 arithmetic, compares and the one-operand operations (FADD … FDIVR and
// their P/I forms, FCOM/FUCOM/FICOM/FCOMI/FUCOMI/FTST, FCHS FABS FXAM FSQRT FRNDINT FSCALE FXTRACT
// FPREM FPREM1) against the host FPU: every x87 register, FCW, FSW, the tag, FOP/FIP/FDP, RFLAGS.
import { diffSuite } from '../support/diff.js';
import { x87RowForms } from '../support/x87-forms.js';

diffSuite('x87-arith', (s) => {
  x87RowForms(s, (r) => r.executor === 'x87Arith' || r.executor === 'x87Compare' || r.executor === 'x87Unary', 150);
});
