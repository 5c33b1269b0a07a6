// Differential tests: CRC32 (SSE4.2) with 8/16/32/64-bit sources, register and
// memory forms, 32- and 64-bit destinations, against the host CPU.
import { M, R, diffSuite, std } from '../support/diff.js';

diffSuite('crc32', (s) => {
  s.form('crc32b %cl, %eax', std({ ops: [R('rax', 64), R('rcx', 8)], random: 300 }));
  s.form('crc32w %cx, %eax', std({ ops: [R('rax', 64), R('rcx', 16)], random: 300 }));
  s.form('crc32l %ecx, %eax', std({ ops: [R('rax', 64), R('rcx', 32)], random: 300 }));
  s.form('crc32q %rcx, %rax', std({ ops: [R('rax', 64), R('rcx', 64)], random: 300 }));
  s.form('crc32b %cl, %rax', std({ ops: [R('rax', 64), R('rcx', 8)], random: 200 }));
  s.form('crc32b %ah, %ecx', std({ ops: [R('rax', 64), R('rcx', 64)], random: 200 }));
  s.form('crc32b (%rsi), %eax', std({ ops: [R('rax', 64), M(8)], random: 200 }));
  s.form('crc32l (%rsi), %r9d', std({ ops: [R('r9', 64), M(32)], random: 200 }));
  s.form('crc32q (%rsi), %r9', std({ ops: [R('r9', 64), M(64)], random: 200 }));
});
