// Differential tests: ADCX and ADOX (ADX) with 32- and 64-bit operands,
// register and memory sources, random flags in (each chain's carry from CF or
// OF, the other flags untouched), against the host CPU.
import { M, R, diffSuite, std } from '../support/diff.js';

diffSuite('adx', (s) => {
  for (const m of ['adcx', 'adox']) {
    s.form(`${m} %ecx, %eax`, std({ ops: [R('rax', 64), R('rcx', 32)], random: 300 }));
    s.form(`${m} %rcx, %rax`, std({ ops: [R('rax', 64), R('rcx', 64)], random: 300 }));
    s.form(`${m} %r11, %r9`, std({ ops: [R('r9', 64), R('r11', 64)], random: 150 }));
    s.form(`${m} (%rsi), %r9d`, std({ ops: [R('r9', 64), M(32)], random: 200 }));
    s.form(`${m} (%rsi), %rax`, std({ ops: [R('rax', 64), M(64)], random: 200 }));
  }
});
