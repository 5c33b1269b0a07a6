// Differential tests: SSE floating-point arithmetic, compares and conversions
// (the software core behind them is checked on its own in test/fpu-*) against
// the host CPU: register and memory forms, lanes from the hard cases of each
// format, MXCSR with every rounding mode, DAZ, FTZ and unmasked exceptions
// (#XM with the destination unchanged and the flags in MXCSR), every XMM
// register, MXCSR and RFLAGS compared.
import { diffSuite } from '../support/diff.js';
import { fpGen } from '../support/sse-fp-forms.js';

diffSuite('sse-fp', (s) => {
  const forms = (op: string, lane: 4 | 8, o: { imm?: boolean; mem?: boolean; n?: number } = {}) => {
    const imm = o.imm ? '$0x1b, ' : '';
    const g = (n: number) => fpGen({ lane, random: n, imm: o.imm });
    s.form(`${op} ${imm}%xmm1, %xmm0`, g(o.n ?? 400));
    s.form(`${op} ${imm}%xmm11, %xmm9`, g(60));
    if (o.mem !== false) s.form(`${op} ${imm}(%rsi), %xmm2`, g(120));
  };
  for (const op of ['add', 'sub', 'mul', 'div', 'min', 'max', 'sqrt']) {
    forms(`${op}ps`, 4); forms(`${op}ss`, 4); forms(`${op}pd`, 8); forms(`${op}sd`, 8);
  }
  for (const op of ['addsub', 'hadd', 'hsub']) { forms(`${op}ps`, 4); forms(`${op}pd`, 8); }
  for (const t of ['ps', 'ss']) forms(`cmp${t}`, 4, { imm: true, n: 600 });
  for (const t of ['pd', 'sd']) forms(`cmp${t}`, 8, { imm: true, n: 600 });
  forms('comiss', 4); forms('ucomiss', 4); forms('comisd', 8); forms('ucomisd', 8);
  for (const t of ['ps', 'ss']) forms(`round${t}`, 4, { imm: true });
  for (const t of ['pd', 'sd']) forms(`round${t}`, 8, { imm: true });
  forms('dpps', 4, { imm: true }); forms('dppd', 8, { imm: true });
  // conversions between formats and to packed dwords
  for (const op of ['cvtps2pd', 'cvtss2sd', 'cvtps2dq', 'cvttps2dq']) forms(op, 4);
  for (const op of ['cvtpd2ps', 'cvtsd2ss', 'cvtpd2dq', 'cvttpd2dq']) forms(op, 8);
  for (const op of ['cvtdq2ps', 'cvtdq2pd']) forms(op, 4);
  // to and from general registers
  for (const [op, lane] of [['cvtss2si', 4], ['cvttss2si', 4], ['cvtsd2si', 8], ['cvttsd2si', 8]] as const) {
    for (const r of ['%eax', '%rax']) {
      s.form(`${op} %xmm1, ${r}`, fpGen({ lane, random: 300 }));
      s.form(`${op} (%rsi), ${r}`, fpGen({ lane, random: 60 }));
    }
  }
  for (const op of ['cvtsi2ss', 'cvtsi2sd']) {
    for (const r of ['%eax', '%rax']) s.form(`${op} ${r}, %xmm0`, fpGen({ lane: 4, random: 300, gpr: true }));
    s.form(`${op}l (%rsi), %xmm0`, fpGen({ lane: 4, random: 60 }));
    s.form(`${op}q (%rsi), %xmm0`, fpGen({ lane: 8, random: 60 }));
  }
  // alignment of the packed forms
  s.form('addps 0x8(%rsi), %xmm2', fpGen({ lane: 4, random: 5 }), { name: 'addps misaligned m128: #GP(0)' });
  s.form('addss 0x1(%rsi), %xmm2', fpGen({ lane: 4, random: 5 }), { name: 'addss m32 needs no alignment' });
});
