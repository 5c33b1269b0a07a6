// Differential tests: SSSE3, SSE4.1 integer and SSE4.2 PCMPGTQ against the host
// CPU (register, REX-register and memory forms; misaligned m128 → #GP(0)),
// every XMM register and RFLAGS (PTEST) compared.
import { diffSuite } from '../support/diff.js';
import { sseGen, vwForms } from '../support/sse-forms.js';

diffSuite('sse4', (s) => {
  for (const op of ['pshufb', 'phaddw', 'phaddd', 'phaddsw', 'pmaddubsw', 'phsubw', 'phsubd', 'phsubsw', 'psignb', 'psignw', 'psignd',
    'pmulhrsw', 'pabsb', 'pabsw', 'pabsd', 'pmuldq', 'pcmpeqq', 'pcmpgtq', 'packusdw', 'pminsb', 'pminsd', 'pminuw', 'pminud',
    'pmaxsb', 'pmaxsd', 'pmaxuw', 'pmaxud', 'pmulld', 'phminposuw', 'ptest']) {
    vwForms(s, op, { aligned: true });
  }
  for (const op of ['palignr', 'blendps', 'blendpd', 'pblendw', 'mpsadbw']) vwForms(s, op, { aligned: true, imm: true });
  for (const op of ['pblendvb', 'blendvps', 'blendvpd']) {
    s.form(`${op} %xmm0, %xmm1, %xmm2`, sseGen({ random: 300 }));
    s.form(`${op} %xmm0, %xmm9, %xmm0`, sseGen({ random: 60 }));
    s.form(`${op} %xmm0, (%rsi), %xmm11`, sseGen({ random: 150 }));
    s.form(`${op} %xmm0, 0x8(%rsi), %xmm11`, sseGen({ random: 5 }), { name: `${op} misaligned: #GP(0)` });
  }
  for (const [lanes, mem] of [['bw', 8], ['bd', 4], ['bq', 2], ['wd', 8], ['wq', 4], ['dq', 8]] as const) {
    for (const x of ['sx', 'zx']) vwForms(s, `pmov${x}${lanes}`, { mem });
  }
  const g = (n = 200) => sseGen({ random: n, imm: true });
  for (const op of ['pextrb', 'pextrw', 'pextrd', 'extractps']) {
    s.form(`${op} $0x7, %xmm1, %eax`, g());
    s.form(`${op} $0x7, %xmm10, %r9d`, g(60));
    s.form(`${op} $0x7, %xmm1, (%rsi)`, g());
  }
  s.form('pextrq $0x1, %xmm1, %rax', g());
  s.form('pextrq $0x1, %xmm1, (%rsi)', g());
  for (const op of ['pinsrb', 'pinsrd']) {
    s.form(`${op} $0x7, %eax, %xmm1`, g());
    s.form(`${op} $0x7, %r12d, %xmm14`, g(60));
    s.form(`${op} $0x7, (%rsi), %xmm1`, g());
  }
  s.form('pinsrq $0x1, %rax, %xmm1', g());
  s.form('pinsrq $0x1, (%rsi), %xmm1', g());
  s.form('insertps $0x7, %xmm2, %xmm1', g(300));
  s.form('insertps $0x7, (%rsi), %xmm1', g(200));
  s.form('movntdqa (%rsi), %xmm5', sseGen({ random: 100 }));
  s.form('movntdqa 0x8(%rsi), %xmm5', sseGen({ random: 5 }), { name: 'movntdqa misaligned: #GP(0)' });
});
