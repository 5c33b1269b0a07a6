// Differential tests: x87 control instructions and the environment (FNINIT FNCLEX FLDCW FNSTCW
// FNSTSW, FNSTENV FLDENV FNSAVE FRSTOR), FXSAVE/FXRSTOR (both layouts), pending exceptions (#MF before the next waiting
// instruction, FWAIT) against the host FPU.
import { diffSuite } from '../support/diff.js';
import { x87Gen, x87RowForms } from '../support/x87-forms.js';

diffSuite('x87-control', (s) => {
  x87RowForms(s, (r) => r.executor === 'x87Control' || r.executor === 'x87Env', 150);
  // FXSAVE/FXRSTOR: MXCSR_MASK (bytes 28-31) is the model's (0xffff; the host may report AMD's MM bit), so it is cleared after the store
  s.form('fxsave64 (%rsi); movl $0, 0x1c(%rsi)', x87Gen({ random: 300, sse: true }), { name: 'fxsave64 (MXCSR_MASK cleared after)' });
  s.form('fxsave (%rsi); movl $0, 0x1c(%rsi)', x87Gen({ random: 300, sse: true }), { name: 'fxsave (MXCSR_MASK cleared after)' });
  s.form('fxsave64 0x8(%rsi)', x87Gen({ random: 20, sse: true }), { name: 'fxsave64 misaligned: #GP(0)' });
  s.form('fxrstor64 (%rsi); fnstenv 0x200(%rsi)', x87Gen({ random: 300, sse: true, mem: 'fx' }), { name: 'fxrstor64; fnstenv' });
  s.form('fxrstor (%rsi); fnstenv 0x200(%rsi)', x87Gen({ random: 300, sse: true, mem: 'fx' }), { name: 'fxrstor; fnstenv' });
  s.form('fxrstor64 0x8(%rsi)', x87Gen({ random: 20, sse: true, mem: 'fx' }), { name: 'fxrstor64 misaligned: #GP(0)' });
  // XSAVE/XRSTOR with RFBM = x87|SSE (the host's XCR0 has more: EDX:EAX = 3 selects these two); MXCSR_MASK cleared as above
  s.form('mov $3, %eax; xor %edx, %edx; xsave64 (%rsi); movl $0, 0x1c(%rsi)', x87Gen({ random: 200, sse: true }), { name: 'xsave64 RFBM=3' });
  s.form('mov $3, %eax; xor %edx, %edx; xsave (%rsi); movl $0, 0x1c(%rsi)', x87Gen({ random: 100, sse: true }), { name: 'xsave RFBM=3' });
  s.form('mov $1, %eax; xor %edx, %edx; xsave64 (%rsi)', x87Gen({ random: 100, sse: true }), { name: 'xsave64 RFBM=1 (x87 only)' });
  s.form('mov $2, %eax; xor %edx, %edx; xsave64 (%rsi); movl $0, 0x1c(%rsi)', x87Gen({ random: 100, sse: true }), { name: 'xsave64 RFBM=2 (SSE only)' });
  s.form('mov $3, %eax; xor %edx, %edx; xsave64 0x20(%rsi)', x87Gen({ random: 20, sse: true }), { name: 'xsave64 misaligned: #GP(0)' });
  s.form('mov $3, %eax; xor %edx, %edx; movq $3, 0x200(%rsi); movq $0, 0x208(%rsi); movq $0, 0x210(%rsi); xrstor64 (%rsi); fnstenv 0x240(%rsi)',
    x87Gen({ random: 200, sse: true, mem: 'fx' }), { name: 'xrstor64 XSTATE_BV=3; fnstenv' });
  s.form('mov $3, %eax; xor %edx, %edx; movq $0, 0x200(%rsi); movq $0, 0x208(%rsi); movq $0, 0x210(%rsi); xrstor64 (%rsi); fnstenv 0x240(%rsi)',
    x87Gen({ random: 100, sse: true, mem: 'fx' }), { name: 'xrstor64 XSTATE_BV=0 (init); fnstenv' });
  s.form('fwait', x87Gen({ random: 150, unmasked: 0.6 }));
  s.form('fld1; fld1; fdivp; fldz; fdivrp; fwait', x87Gen({ random: 150, unmasked: 0.6 }), { name: 'divide by zero, then FWAIT' });
  s.form('fld1; fsqrt', x87Gen({ random: 100, unmasked: 0.6 }), { name: 'a pending exception before a waiting instruction' });
  s.form('fldz; fld1; fdiv %st(1), %st; fnstsw %ax; mov %eax, %edx; fnclex; fnstsw %ax', x87Gen({ random: 100, unmasked: 0.6 }), { name: 'FNSTSW and FNCLEX after a divide by zero' });
});
