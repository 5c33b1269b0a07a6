// Differential tests: MOVDIRI and MOVDIR64B (direct stores) against the host
// CPU: 32- and 64-bit MOVDIRI at aligned and misaligned addresses; MOVDIR64B's
// 64 random bytes to a 64-byte-aligned destination, a misaligned one (#GP(0)),
// a source that straddles the end of the data area (#PF), and the 32-bit
// address size (67: both addresses truncated, the data area above 4 GiB or not).
import { M, R, RDI_DEFAULT, diffSuite, std, type Gen } from '../support/diff.js';

/** Random bytes at the source (MEM_OFF) and at the destination, RDI at `dst` (an offset from RDI_DEFAULT). */
const line = (n: number, dst = 0n, srcOff = 0x1000): Gen => (g) => {
  for (let k = 0; k < n; k++) {
    const bytes = (m: number) => Uint8Array.from({ length: m }, () => g.rng.below(256));
    g.add({ regs: { rdi: RDI_DEFAULT + dst }, data: [{ off: srcOff, bytes: bytes(64) }, { off: 0x1800, bytes: bytes(128) }] });
  }
};

diffSuite('direct-stores', (s) => {
  s.form('movdiri %eax, (%rsi)', std({ ops: [R('rax', 32), M(32)], random: 100 }));
  s.form('movdiri %rax, (%rsi)', std({ ops: [R('rax', 64), M(64)], random: 100 }));
  s.form('movdiri %r9, 0x3(%rsi)', std({ ops: [R('r9', 64)], random: 50 }));
  s.form('movdir64b (%rsi), %rdi', line(100));
  s.form('movdir64b 0x7(%rsi), %rdi', line(50), { name: 'movdir64b from a misaligned source' });
  s.form('movdir64b (%rsi), %rdi', line(20, 0x20n), { name: 'movdir64b to a misaligned destination: #GP(0)' });
  s.form('movdir64b 0xfe0(%rsi), %rdi', line(10), { name: 'movdir64b from a source straddling the end of the data area: #PF' });
  s.form('movdir64b (%esi), %edi', line(10), { name: 'movdir64b with a 32-bit address size' });
});
