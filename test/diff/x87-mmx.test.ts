// Differential tests: the MMX forms implemented (packed integer on MM registers, shifts by an
// immediate, MOVD/MOVQ, EMMS) against the host: MM0-7 as the x87 significands, the tag word,
// TOP, the exponent fields an MMX write sets to FFFFh, GPRs and memory; a pending x87 exception
// (#MF) before an MMX instruction.
import { diffSuite } from '../support/diff.js';
import { mmxRowForms, x87Gen } from '../support/x87-forms.js';

diffSuite('x87-mmx', (s) => {
  mmxRowForms(s, 150);
  s.form('paddb %mm1, %mm0; emms', x87Gen({ random: 100, mmx: true }), { name: 'paddb; emms' });
  s.form('fld1; fld1; paddw %mm3, %mm4', x87Gen({ random: 100, mmx: true }), { name: 'x87 then MMX' });
});
