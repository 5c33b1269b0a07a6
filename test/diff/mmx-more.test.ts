// Differential tests: the MMX forms that are not the low half of an XMM
// operation (packs, high unpacks, SSSE3 horizontal operations, PSHUFB,
// PALIGNR, PINSRW/PEXTRW/PMOVMSKB, MOVNTQ, MASKMOVQ) and the SSE instructions
// with an MMX operand (CVTPI2PS, CVT(T)PS2PI, CVTPI2PD, CVT(T)PD2PI, MOVQ2DQ,
// MOVDQ2Q), against the host: MM0-7 and the x87 tag word/TOP, XMM, MXCSR,
// GPRs and memory; pending x87 exceptions (#MF) included.
import { diffSuite } from '../support/diff.js';
import { x87Gen } from '../support/x87-forms.js';

diffSuite('mmx-more', (s) => {
  const g = (mem: boolean, n = 150) => x87Gen({ random: n, mmx: true, sse: true, mem: mem ? 'm64' : 'none', unmasked: 0.05 });
  for (const op of ['packsswb', 'packssdw', 'packuswb', 'punpckhbw', 'punpckhwd', 'punpckhdq',
    'phaddw', 'phaddd', 'phaddsw', 'phsubw', 'phsubd', 'phsubsw', 'pshufb']) {
    s.form(`${op} %mm5, %mm2`, g(false, 250));
    s.form(`${op} (%rsi), %mm3`, g(true));
  }
  for (const imm of [0, 3, 7, 8, 9, 15, 16, 200]) s.form(`palignr $${imm}, %mm5, %mm2`, g(false, 40));
  s.form('palignr $5, (%rsi), %mm2', g(true));
  for (const imm of [0, 1, 2, 3, 6]) {
    s.form(`pinsrw $${imm}, %eax, %mm2`, g(false, 40));
    s.form(`pextrw $${imm}, %mm5, %ecx`, g(false, 40));
  }
  s.form('pinsrw $1, (%rsi), %mm2', g(true));
  s.form('pextrw $2, %mm5, %rcx', g(false, 40));
  s.form('pmovmskb %mm5, %ecx', g(false, 200));
  s.form('movntq %mm3, (%rsi)', g(false));
  s.form('maskmovq %mm5, %mm2', g(false, 200));
  s.form('cvtpi2ps %mm5, %xmm2', g(false, 300));
  s.form('cvtpi2ps (%rsi), %xmm2', g(true));
  s.form('cvtps2pi %xmm5, %mm2', g(false, 300));
  s.form('cvttps2pi %xmm5, %mm2', g(false, 300));
  s.form('cvtps2pi (%rsi), %mm2', g(true));
  s.form('cvtpi2pd %mm5, %xmm2', g(false, 200));
  s.form('cvtpi2pd (%rsi), %xmm2', g(true));
  s.form('cvtpd2pi %xmm5, %mm2', g(false, 300));
  s.form('cvttpd2pi %xmm5, %mm2', g(false, 300));
  s.form('movq2dq %mm5, %xmm2', g(false));
  s.form('movdq2q %xmm5, %mm2', g(false));
});
