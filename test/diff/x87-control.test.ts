// Differential tests: x87 control instructions and the environment (FNINIT FNCLEX FLDCW FNSTCW
// FNSTSW, FNSTENV FLDENV FNSAVE FRSTOR), FXSAVE/FXRSTOR (both layouts), XSAVE/XSAVEOPT/XSAVEC/XRSTOR (standard and
// compacted), XGETBV with ECX = 1 (XINUSE), pending exceptions (#MF before the next waiting
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
  // XSAVEOPT and XSAVEC (MXCSR_MASK cleared after, as above): random states are in use (XSTATE_BV = RFBM); the
  // snippets below start from the initial configuration (XRSTOR64 of XSTATE_BV = 0 with MXCSR 1F80H), change one thing,
  // and save elsewhere (0x240: never the XRSTOR's area, so the host cannot apply XSAVEOPT's modified optimization)
  for (const rfbm of [3, 2, 1]) {
    s.form(`mov $${rfbm}, %eax; xor %edx, %edx; xsaveopt64 (%rsi); movl $0, 0x1c(%rsi)`, x87Gen({ random: 100, sse: true }), { name: `xsaveopt64 RFBM=${rfbm}` });
    s.form(`mov $${rfbm}, %eax; xor %edx, %edx; xsavec64 (%rsi); movl $0, 0x1c(%rsi)`, x87Gen({ random: 100, sse: true }), { name: `xsavec64 RFBM=${rfbm}` });
  }
  s.form('mov $3, %eax; xor %edx, %edx; xsaveopt (%rsi); movl $0, 0x1c(%rsi)', x87Gen({ random: 100, sse: true }), { name: 'xsaveopt RFBM=3' });
  s.form('mov $3, %eax; xor %edx, %edx; xsavec (%rsi); movl $0, 0x1c(%rsi)', x87Gen({ random: 100, sse: true }), { name: 'xsavec RFBM=3' });
  s.form('xor %eax, %eax; xor %edx, %edx; xsavec64 (%rsi)', x87Gen({ random: 20, sse: true }), { name: 'xsavec64 RFBM=0' });
  s.form('mov $3, %eax; xor %edx, %edx; xsavec64 0x10(%rsi)', x87Gen({ random: 20, sse: true }), { name: 'xsavec64 misaligned: #GP(0)' });
  s.form('mov $3, %eax; xor %edx, %edx; xsaveopt64 0x20(%rsi)', x87Gen({ random: 20, sse: true }), { name: 'xsaveopt64 misaligned: #GP(0)' });
  s.form('mov $1, %ecx; xgetbv; and $3, %eax', x87Gen({ random: 50, sse: true }), { name: 'xgetbv ECX=1 (XINUSE; the host has more components)' });
  const init = 'movq $0, 0x200(%rsi); movq $0, 0x208(%rsi); movq $0, 0x210(%rsi); movl $0x1f80, 0x18(%rsi); mov $3, %eax; xor %edx, %edx; xrstor64 (%rsi)';
  const changes: [string, string][] = [
    ['nothing', ''], ['fninit', 'fninit'], ['fld1', 'fld1'], ['fld1; fstp', 'fld1; fstp %st(0)'], ['fld1; fstp; fninit', 'fld1; fstp %st(0); fninit'],
    ['fldz; fstp', 'fldz; fstp %st(0)'], ['fldz; fstp; fnclex', 'fldz; fstp %st(0); fnclex'], ['fldz; fstp; fninit', 'fldz; fstp %st(0); fninit'],
    ['fldz; fstp; fldcw 037FH', 'fldz; fstp %st(0); movw $0x37f, 0x300(%rsi); fldcw 0x300(%rsi)'], ['fldz; fstp; fnstenv; fldenv', 'fldz; fstp %st(0); fnstenv 0x300(%rsi); fldenv 0x300(%rsi)'],
    ['fldz; fstp; fnsave; fldz; fstp; frstor', 'fldz; fstp %st(0); fnsave 0x300(%rsi); fldz; fstp %st(0); frstor 0x300(%rsi)'],
    ['fnop', 'fnop'], ['fdecstp; fincstp', 'fdecstp; fincstp'], ['ffree', 'ffree %st(3)'], ['fxam', 'fxam'],
    ['movq mm0, mm1; emms', 'movq %mm0, %mm1; emms'], ['fldz; fchs; fstp', 'fldz; fchs; fstp %st(0)'], ['fldcw from the image', 'fldcw 0x20(%rsi)'],
    ['ldmxcsr from the image', 'ldmxcsr 0x24(%rsi)'], ['ldmxcsr 1F80H', 'ldmxcsr 0x18(%rsi)'], ['pxor', 'pxor %xmm0, %xmm0'],
    ['pcmpeqb', 'pcmpeqb %xmm1, %xmm1'], ['pcmpeqb; pxor', 'pcmpeqb %xmm1, %xmm1; pxor %xmm1, %xmm1'], ['fld1; pcmpeqb', 'fld1; pcmpeqb %xmm5, %xmm5'],
  ];
  for (const [name, change] of changes) {
    const then = change ? `${change}; ` : '';
    s.form(`${init}; ${then}mov $1, %ecx; xgetbv; and $3, %eax`, x87Gen({ random: 8, sse: true, mem: 'fx' }), { name: `from init, ${name}: xgetbv ECX=1` });
    s.form(`${init}; ${then}mov $3, %eax; xsavec64 0x240(%rsi); movl $0, 0x25c(%rsi)`, x87Gen({ random: 8, sse: true, mem: 'fx' }), { name: `from init, ${name}: xsavec64` });
    s.form(`${init}; ${then}mov $3, %eax; xsaveopt64 0x240(%rsi); movl $0, 0x25c(%rsi)`, x87Gen({ random: 8, sse: true, mem: 'fx' }), { name: `from init, ${name}: xsaveopt64` });
    s.form(`${init}; ${then}mov $3, %eax; xsave64 0x240(%rsi); movl $0, 0x25c(%rsi)`, x87Gen({ random: 8, sse: true, mem: 'fx' }), { name: `from init, ${name}: xsave64` });
  }
  // XRSTOR of a compacted area (XCOMP_BV = 2^63 | 3; the image's MXCSR may hold a reserved bit: #GP(0) only when SSE loads)
  const compacted = (bv: number, rfbm: number, extra = '', comp = 3) =>
    `movl $${bv}, 0x200(%rsi); movl $0, 0x204(%rsi); movl $${comp}, 0x208(%rsi); movl $0x80000000, 0x20c(%rsi); ` +
    'movq $0, 0x210(%rsi); movq $0, 0x218(%rsi); movq $0, 0x220(%rsi); movq $0, 0x228(%rsi); movq $0, 0x230(%rsi); movq $0, 0x238(%rsi); ' +
    `${extra}mov $${rfbm}, %eax; xor %edx, %edx; xrstor64 (%rsi); fnstenv 0x240(%rsi)`;
  for (const [bv, rfbm] of [[3, 3], [0, 3], [1, 3], [2, 3], [2, 1], [1, 2], [3, 0]] as const) {
    s.form(compacted(bv, rfbm), x87Gen({ random: 60, sse: true, mem: 'fx' }), { name: `xrstor64 compacted XSTATE_BV=${bv} RFBM=${rfbm}; fnstenv` });
  }
  s.form(compacted(3, 3).replace('xrstor64', 'xrstor'), x87Gen({ random: 60, sse: true, mem: 'fx' }), { name: 'xrstor compacted XSTATE_BV=3; fnstenv' });
  s.form(compacted(2, 3, '', 1), x87Gen({ random: 10, sse: true, mem: 'fx' }), { name: 'xrstor64 compacted, XSTATE_BV outside XCOMP_BV: #GP(0)' });
  s.form(compacted(3, 3, 'movb $1, 0x23f(%rsi); '), x87Gen({ random: 10, sse: true, mem: 'fx' }), { name: 'xrstor64 compacted, header byte 63: #GP(0)' });
  s.form(compacted(0, 3, 'movb $1, 0x210(%rsi); '), x87Gen({ random: 10, sse: true, mem: 'fx' }), { name: 'xrstor64 compacted, header byte 16: #GP(0)' });
  // XSAVES/XRSTORS need CPL 0: #GP(0) in the user-mode snippets; a mandatory prefix on 0F C7 /3-/5 or 0F AE /6 is #UD
  s.form('mov $3, %eax; xor %edx, %edx; xsaves64 (%rsi)', x87Gen({ random: 10, sse: true }), { name: 'xsaves64 at CPL 3: #GP(0)' });
  s.form('mov $3, %eax; xor %edx, %edx; xrstors64 (%rsi)', x87Gen({ random: 10, sse: true }), { name: 'xrstors64 at CPL 3: #GP(0)' });
  for (const [p, insn] of [['0x66', 'xsavec'], ['0xf3', 'xsavec'], ['0xf2', 'xsavec'], ['0x66', 'xsaves'], ['0xf3', 'xsaves'], ['0xf2', 'xrstors'],
    ['0xf3', 'xsaveopt'], ['0xf2', 'xsaveopt']] as const) {
    s.form(`mov $3, %eax; xor %edx, %edx; .byte ${p}; ${insn} (%rsi)`, x87Gen({ random: 5, sse: true }), { name: `${p} ${insn}: #UD` });
  }
  // #PF order and CR2 with the area across the end of the data area (unmapped after it): save forms first byte then
  // last (CR2 = base + 575), XRSTOR the header first (CR2 = base + 512)
  for (const off of ['0xfc0', '0xe00']) {
    for (const insn of ['xsave64', 'xsaveopt64', 'xsavec64', 'xrstor64']) {
      s.form(`mov $3, %eax; xor %edx, %edx; ${insn} ${off}(%rsi)`, x87Gen({ random: 4, sse: true }), { name: `${insn} ${off}(%rsi): #PF across the page` });
    }
  }
  s.form('xor %eax, %eax; xor %edx, %edx; xsavec64 0xfc0(%rsi)', x87Gen({ random: 4, sse: true }), { name: 'xsavec64 RFBM=0 across the page: #PF all the same' });
  // XSAVEC then XRSTOR of what it wrote
  s.form('mov $3, %eax; xor %edx, %edx; xsavec64 0x240(%rsi); movq $0, 0x250(%rsi); movq $0, 0x258(%rsi); movq $0, 0x260(%rsi); ' +
    'movq $0, 0x268(%rsi); movq $0, 0x270(%rsi); movq $0, 0x278(%rsi); fninit; pxor %xmm0, %xmm0; xrstor64 0x240(%rsi); movl $0, 0x25c(%rsi)',
    x87Gen({ random: 60, sse: true }), { name: 'xsavec64; xrstor64 (round trip)' });
  s.form('fwait', x87Gen({ random: 150, unmasked: 0.6 }));
  s.form('fld1; fld1; fdivp; fldz; fdivrp; fwait', x87Gen({ random: 150, unmasked: 0.6 }), { name: 'divide by zero, then FWAIT' });
  s.form('fld1; fsqrt', x87Gen({ random: 100, unmasked: 0.6 }), { name: 'a pending exception before a waiting instruction' });
  s.form('fldz; fld1; fdiv %st(1), %st; fnstsw %ax; mov %eax, %edx; fnclex; fnstsw %ax', x87Gen({ random: 100, unmasked: 0.6 }), { name: 'FNSTSW and FNCLEX after a divide by zero' });
});
