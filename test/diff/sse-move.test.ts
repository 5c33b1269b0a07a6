// Differential tests: SSE/SSE2 data movement (MOVAPS … MOVDQU, MOVNT*, MOVSS/MOVSD,
// the half moves, MOVD/MOVQ, MOVMSK*, PMOVMSKB, PINSRW/PEXTRW, LDMXCSR/STMXCSR, MOVNTI)
// against the host CPU, every XMM register and MXCSR compared.
import { diffSuite } from '../support/diff.js';
import { sseGen, vwForms } from '../support/sse-forms.js';

diffSuite('sse-move', (s) => {
  const g = (n = 150, imm = false) => sseGen({ random: n, imm });
  for (const [op, aligned] of [['movaps', true], ['movapd', true], ['movdqa', true], ['movups', false], ['movupd', false], ['movdqu', false]] as const) {
    vwForms(s, op, { aligned });
    s.form(`${op} %xmm4, (%rsi)`, g(), { name: `${op} %xmm4, m128` });
    s.form(`${op} %xmm11, 0x10(%rsi)`, g(40), { name: `${op} %xmm11, m128+0x10` });
    s.form(`${op} %xmm4, 0x8(%rsi)`, g(5), { name: `${op} %xmm4, m128+8 (misaligned)` });
    s.form(`${op} %xmm4, 0xff8(%rsi)`, g(5), { name: `${op} %xmm4, m128 straddling the end of the data area (nothing written)` });
  }
  for (const op of ['movntps', 'movntpd', 'movntdq']) {
    s.form(`${op} %xmm6, (%rsi)`, g());
    s.form(`${op} %xmm6, 0x8(%rsi)`, g(5), { name: `${op} misaligned: #GP(0)` });
  }
  for (const op of ['movss', 'movsd']) {
    s.form(`${op} %xmm1, %xmm0`, g());
    s.form(`${op} %xmm14, %xmm7`, g(60));
    s.form(`${op} (%rsi), %xmm2`, g());
    s.form(`${op} 0x3(%rsi), %xmm9`, g(40));
    s.form(`${op} %xmm5, (%rsi)`, g());
    s.form(`${op} %xmm5, 0xffc(%rsi)`, g(5), { name: `${op} %xmm5, m at the end of the data area` });
  }
  for (const op of ['movlps', 'movhps', 'movlpd', 'movhpd']) {
    s.form(`${op} (%rsi), %xmm3`, g());
    s.form(`${op} 0x5(%rsi), %xmm12`, g(40));
    s.form(`${op} %xmm3, (%rsi)`, g());
  }
  s.form('movhlps %xmm1, %xmm0', g());
  s.form('movlhps %xmm1, %xmm0', g());
  s.form('movhlps %xmm10, %xmm10', g(40));
  s.form('movd %eax, %xmm0', g());
  s.form('movd %r9d, %xmm13', g(60));
  s.form('movq %rax, %xmm0', g());
  s.form('movd (%rsi), %xmm3', g());
  s.form('movq (%rsi), %xmm3', g(), { name: 'movq m64, %xmm3 (F3 0F 7E)' });
  s.form('.byte 0x66, 0x48, 0x0f, 0x6e, 0x1e', g(), { name: 'movq m64, %xmm3 (66 REX.W 0F 6E)' });
  s.form('movd %xmm2, %eax', g());
  s.form('movq %xmm2, %rax', g());
  s.form('movd %xmm2, (%rsi)', g());
  s.form('.byte 0x66, 0x48, 0x0f, 0x7e, 0x16', g(), { name: 'movq %xmm2, m64 (66 REX.W 0F 7E)' });
  s.form('movq %xmm1, %xmm0', g(), { name: 'movq %xmm1, %xmm0 (F3 0F 7E)' });
  s.form('.byte 0x66, 0x0f, 0xd6, 0xc8', g(), { name: 'movq %xmm1, %xmm0 (66 0F D6)' });
  s.form('movq %xmm6, (%rsi)', g(), { name: 'movq %xmm6, m64 (66 0F D6)' });
  for (const op of ['movmskps', 'movmskpd', 'pmovmskb']) {
    s.form(`${op} %xmm1, %eax`, g());
    s.form(`${op} %xmm9, %r10`, g(60));
  }
  s.form('pinsrw $0x3, %eax, %xmm0', g(200, true));
  s.form('pinsrw $0x3, (%rsi), %xmm10', g(100, true));
  s.form('pextrw $0x3, %xmm1, %eax', g(200, true));
  s.form('pextrw $0x3, %xmm12, %r11', g(60, true));
  s.form('stmxcsr (%rsi)', sseGen({ random: 50, mxcsr: [0x1f80, 0x0000, 0xffff, 0x7f80, 0x9fc0, 0x1f80 | 0x3f] }));
  s.form('ldmxcsr (%rsi); stmxcsr 0x4(%rsi)', (gen) => {
    sseGen({ random: 120 })(gen);
    // MXCSR values: defined bits (0-15) and ones with a reserved bit (#GP(0)); bit 17 (AMD MM) is left out: the model has no MM
    for (const [k, c] of gen.cases.entries()) {
      const v = k % 4 === 3 ? (0x1f80 | (1 << (16 + (gen.rng.below(16) === 1 ? 2 : gen.rng.below(16))))) >>> 0 : gen.rng.below(0x10000);
      const bit17 = (v >>> 17) & 1;
      const val = bit17 ? (v & ~(1 << 17)) | (1 << 18) : v;
      c.data[0]!.bytes.set([val & 0xff, (val >>> 8) & 0xff, (val >>> 16) & 0xff, val >>> 24], 0);
    }
  }, { name: 'ldmxcsr m32 (reserved bits: #GP(0)); stmxcsr' });
  // The store encodings of the register forms (GNU as picks 0F 10 for them).
  s.form('.byte 0xf3, 0x0f, 0x11, 0xc8', g(), { name: 'movss %xmm1, %xmm0 (F3 0F 11)' });
  s.form('.byte 0xf2, 0x45, 0x0f, 0x11, 0xc8', g(), { name: 'movsd %xmm9, %xmm8 (F2 REX.RB 0F 11)' });
  // PEXTRW's SSE4.1 encoding (66 0F 3A 15) to a register.
  s.form('.byte 0x66, 0x0f, 0x3a, 0x15, 0xc8, 0x05', g(100, true), { name: 'pextrw $imm, %xmm1, %eax (66 0F 3A 15)' });
  // Encodings that raise #UD (no register or no memory form, undefined ModRM.reg, a mandatory prefix that does not exist).
  for (const [name, bytes] of [['66 0F 12 reg', [0x66, 0x0f, 0x12, 0xc1]], ['66 0F 13 reg', [0x66, 0x0f, 0x13, 0xc1]],
    ['66 0F 16 reg', [0x66, 0x0f, 0x16, 0xc1]], ['66 0F 17 reg', [0x66, 0x0f, 0x17, 0xc1]], ['0F 13 reg', [0x0f, 0x13, 0xc1]],
    ['0F 17 reg', [0x0f, 0x17, 0xc1]], ['0F 2B reg', [0x0f, 0x2b, 0xc1]], ['66 0F 2B reg', [0x66, 0x0f, 0x2b, 0xc1]],
    ['66 0F E7 reg', [0x66, 0x0f, 0xe7, 0xc1]], ['0F 50 mem', [0x0f, 0x50, 0x06]], ['66 0F 50 mem', [0x66, 0x0f, 0x50, 0x06]],
    ['66 0F D7 mem', [0x66, 0x0f, 0xd7, 0x06]], ['66 0F C5 mem', [0x66, 0x0f, 0xc5, 0x06, 0x01]], ['66 0F 71 /0', [0x66, 0x0f, 0x71, 0xc1, 0x01]],
    ['66 0F 72 /1', [0x66, 0x0f, 0x72, 0xc9, 0x01]], ['66 0F 73 mem', [0x66, 0x0f, 0x73, 0x16, 0x01]], ['0F C3 reg', [0x0f, 0xc3, 0xc1]],
    ['66 0F C3', [0x66, 0x0f, 0xc3, 0x06]], ['F3 0F C3', [0xf3, 0x0f, 0xc3, 0x06]], ['F2 0F C3', [0xf2, 0x0f, 0xc3, 0x06]],
    ['66 0F 38 2A reg', [0x66, 0x0f, 0x38, 0x2a, 0xc1]], ['F2 0F F0 reg', [0xf2, 0x0f, 0xf0, 0xc1]], ['66 0F F7 mem', [0x66, 0x0f, 0xf7, 0x06]]] as const) {
    s.form(`.byte ${bytes.map((b) => `0x${b.toString(16)}`).join(', ')}`, g(3), { name: `${name}: #UD` });
  }
  // MASKMOVDQU to [rdi]: random masks (vecBytes gives all-0x80/0x7f/0xff lanes too); near the end of the data area
  // (the 16 bytes straddle an unmapped page: #PF whatever the mask, nothing written); an unmapped rdi with random masks.
  const rdi = (off: bigint, n: number) => (gen: Parameters<ReturnType<typeof sseGen>>[0]) => {
    sseGen({ random: n })(gen);
    for (const c of gen.cases.slice(-n)) c.regs[7] = 0x20000000n + off;
  };
  s.form('maskmovdqu %xmm1, %xmm0', rdi(0x1000n, 300));
  s.form('maskmovdqu %xmm12, %xmm9', rdi(0x1003n, 100));
  s.form('maskmovdqu %xmm1, %xmm0', rdi(0x1ffan, 30), { name: 'maskmovdqu straddling the end of the data area' });
  s.form('maskmovdqu %xmm1, %xmm0', rdi(0x20000000n, 20), { name: 'maskmovdqu to an unmapped page' });
  s.form('addr32 maskmovdqu %xmm2, %xmm3', rdi(0x1010n, 50));
  s.form('movnti %eax, (%rsi)', g(50));
  s.form('movnti %r8, 0x8(%rsi)', g(50));
});
