// Differential tests: SSE/SSE2 interleave, pack, shuffle and shift instructions
// against the host CPU, every XMM register compared.
import { diffSuite } from '../support/diff.js';
import { sseGen, vwForms } from '../support/sse-forms.js';

diffSuite('sse-shuffle', (s) => {
  for (const op of ['punpcklbw', 'punpcklwd', 'punpckldq', 'punpcklqdq', 'punpckhbw', 'punpckhwd', 'punpckhdq', 'punpckhqdq',
    'unpcklps', 'unpckhps', 'unpcklpd', 'unpckhpd', 'packsswb', 'packssdw', 'packuswb']) {
    vwForms(s, op, { aligned: true });
  }
  for (const op of ['pshufd', 'pshufhw', 'pshuflw', 'shufps', 'shufpd']) vwForms(s, op, { aligned: true, imm: true });
  // SSE3 duplicates and LDDQU
  vwForms(s, 'movsldup', { aligned: true });
  vwForms(s, 'movshdup', { aligned: true });
  vwForms(s, 'movddup', { mem: 8 });
  s.form('lddqu (%rsi), %xmm3', sseGen({ random: 100 }));
  s.form('lddqu 0x7(%rsi), %xmm11', sseGen({ random: 50 }));
  s.form('lddqu 0xff8(%rsi), %xmm3', sseGen({ random: 5 }), { name: 'lddqu straddling the end of the data area: #PF' });
  // Shifts by a count in an XMM register or m128: counts drawn from the edges (0, width-1, width, huge) by vecBytes.
  for (const op of ['psllw', 'pslld', 'psllq', 'psrlw', 'psrld', 'psrlq', 'psraw', 'psrad']) {
    vwForms(s, op, { aligned: true });
    // small counts in the low qword of the count register
    s.form(`${op} %xmm1, %xmm0`, (g) => {
      sseGen({ random: 80 })(g);
      for (const c of g.cases.slice(-80)) {
        const n = BigInt(g.rng.below(70));
        for (let b = 0; b < 8; b++) c.xmm![16 + b] = Number((n >> BigInt(8 * b)) & 0xffn);
      }
    }, { name: `${op} %xmm1, %xmm0 (counts 0-69)` });
  }
  for (const op of ['psllw', 'pslld', 'psllq', 'psrlw', 'psrld', 'psrlq', 'psraw', 'psrad', 'pslldq', 'psrldq']) {
    s.form(`${op} $0x7, %xmm5`, sseGen({ random: 300, imm: true, show: [5] }));
    s.form(`${op} $0x7, %xmm13`, sseGen({ random: 50, imm: true, show: [13] }));
  }
});
