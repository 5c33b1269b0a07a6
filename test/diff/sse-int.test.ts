// Differential tests: SSE2 packed integer and logical instructions (register,
// REX-register and memory forms, misaligned m128 → #GP(0), a straddling m128 → #PF)
// against the host CPU, every XMM register compared.
import { diffSuite } from '../support/diff.js';
import { vwForms } from '../support/sse-forms.js';

diffSuite('sse-int', (s) => {
  for (const op of ['pand', 'pandn', 'por', 'pxor', 'andps', 'andnps', 'orps', 'xorps', 'andpd', 'andnpd', 'orpd', 'xorpd',
    'paddb', 'paddw', 'paddd', 'paddq', 'psubb', 'psubw', 'psubd', 'psubq',
    'paddsb', 'paddsw', 'paddusb', 'paddusw', 'psubsb', 'psubsw', 'psubusb', 'psubusw',
    'pmullw', 'pmulhw', 'pmulhuw', 'pmuludq', 'pmaddwd', 'psadbw', 'pavgb', 'pavgw',
    'pminub', 'pmaxub', 'pminsw', 'pmaxsw', 'pcmpeqb', 'pcmpeqw', 'pcmpeqd', 'pcmpgtb', 'pcmpgtw', 'pcmpgtd']) {
    vwForms(s, op, { aligned: true });
  }
});
