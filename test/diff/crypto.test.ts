// Differential tests: PCLMULQDQ, AES-NI, SHA and GFNI against the host CPU
// (register, REX-register and memory forms; random imm8 with its edges, so
// every PCLMULQDQ quadword selection and SHA1RNDS4 function; a misaligned
// m128 is #GP(0) but for SHA, which takes any; SHA256RNDS2 with its implicit
// XMM0), every XMM register compared.
import { diffSuite } from '../support/diff.js';
import { sseGen, vwForms } from '../support/sse-forms.js';

diffSuite('crypto', (s) => {
  for (const op of ['aesenc', 'aesenclast', 'aesdec', 'aesdeclast', 'aesimc', 'gf2p8mulb']) vwForms(s, op, { aligned: true });
  for (const op of ['sha1nexte', 'sha1msg1', 'sha1msg2', 'sha256msg1', 'sha256msg2']) {
    vwForms(s, op);
    s.form(`${op} 0x8(%rsi), %xmm2`, sseGen({ random: 20 }), { name: `${op} misaligned m128` });
  }
  for (const op of ['pclmulqdq', 'aeskeygenassist', 'gf2p8affineqb', 'gf2p8affineinvqb']) vwForms(s, op, { aligned: true, imm: true });
  vwForms(s, 'sha1rnds4', { imm: true });
  s.form('sha1rnds4 $0x2, 0x8(%rsi), %xmm2', sseGen({ random: 20, imm: true }), { name: 'sha1rnds4 misaligned m128' });
  s.form('sha256rnds2 %xmm0, %xmm1, %xmm2', sseGen({ random: 300 }));
  s.form('sha256rnds2 %xmm0, %xmm9, %xmm0', sseGen({ random: 60 }));
  s.form('sha256rnds2 %xmm0, (%rsi), %xmm11', sseGen({ random: 150 }));
  s.form('sha256rnds2 %xmm0, 0x8(%rsi), %xmm11', sseGen({ random: 20 }), { name: 'sha256rnds2 misaligned m128' });
});
