// Form builders shared by several differential suites.
import {
  DATA_ADDR,
  I,
  M,
  MEM_OFF,
  R,
  RH,
  type SuiteBuilder,
  WIDTHS,
  reg,
  ripRelative,
  sfx,
  std,
  withCode,
} from './diff.js';
import type { RegName } from './types.js';

/** Every operand form of a two-operand ALU instruction (add/or/adc/sbb/and/sub/xor/cmp). */
export function binaryAluForms(s: SuiteBuilder, op: string, opts: { carry?: boolean; coreRandom?: number; random?: number } = {}): void {
  const carry = opts.carry ?? false;
  const core = opts.coreRandom ?? 2500;
  const rnd = opts.random ?? 300;
  for (const w of WIDTHS) {
    const x = sfx(w);
    const r = (n: RegName) => `%${reg(n, w)}`;
    const immW = Math.min(w, 32);
    const immText = w === 8 ? '0x12' : w === 16 ? '0x1234' : '0x12345678';
    // register, register (both encodings)
    s.form(`${op}${x} ${r('rcx')}, ${r('rax')}`, std({ ops: [R('rax', w), R('rcx', w)], carry, random: core }));
    s.form(`{load} ${op}${x} ${r('rcx')}, ${r('rax')}`, std({ ops: [R('rax', w), R('rcx', w)], carry, edges: 'each', random: rnd }), {
      name: `${op}${x} ${r('rcx')}, ${r('rax')} (reverse encoding)`,
    });
    s.form(`${op}${x} ${r('r9')}, ${r('r14')}`, std({ ops: [R('r14', w), R('r9', w)], carry, edges: 'each', random: rnd }));
    s.form(`${op}${x} ${r('rdx')}, ${r('rdx')}`, std({ ops: [R('rdx', w)], carry, random: rnd }));
    if (w === 8) {
      s.form(`${op}b %ch, %ah`, std({ ops: [RH('rax'), RH('rcx')], carry, edges: 'each', random: rnd }));
      s.form(`${op}b %bh, %dl`, std({ ops: [R('rdx', 8), RH('rbx')], carry, edges: 'each', random: rnd }));
      s.form(`${op}b %dh, (%rsi)`, std({ ops: [M(8), RH('rdx')], carry, edges: 'each', random: rnd }));
      s.form(`${op}b %sil, %dil`, std({ ops: [R('rdi', 8), R('rsi', 8)], carry, edges: 'each', random: rnd }));
    }
    // memory operands
    s.form(`${op}${x} ${r('rcx')}, (%rsi)`, std({ ops: [M(w), R('rcx', w)], carry, random: rnd * 2 }));
    s.form(`${op}${x} (%rsi), ${r('rax')}`, std({ ops: [R('rax', w), M(w)], carry, random: rnd * 2 }));
    s.form(
      `${op}${x} ${r('rbx')}, 0x12345678(%rip)`,
      withCode((c) => ripRelative(c, DATA_ADDR + BigInt(MEM_OFF)), std({ ops: [M(w), R('rbx', w)], carry, edges: 'each', random: rnd })),
      { name: `${op}${x} ${r('rbx')}, data(%rip)` },
    );
    s.form(`${op}${x} ${r('r11')}, -0x10(%rsi,%rdi,4)`, std({ ops: [M(w, { off: MEM_OFF + 0x30 }), R('r11', w)], carry, edges: 'each', random: rnd, fixed: { rdi: 0x10n } }));
    // immediates (the immediate is patched per case)
    s.form(`${op}${x} $0x12, ${r('rbx')}`, std({ ops: [R('rbx', w), I(8)], carry, random: rnd * 2 }), {
      name: w === 8 ? `${op}b $imm8, %bl` : `${op}${x} $simm8, ${r('rbx')}`,
    });
    if (w > 8)
      s.form(`${op}${x} $${immText}, ${r('rbx')}`, std({ ops: [R('rbx', w), I(immW)], carry, random: rnd * 2 }), {
        name: `${op}${x} $imm${immW}, ${r('rbx')}`,
      });
    s.form(`${op}${x} $${immText}, ${r('rax')}`, std({ ops: [R('rax', w), I(immW)], carry, edges: 'each', random: rnd }), {
      name: `${op}${x} $imm${immW}, ${r('rax')} (accumulator form)`,
    });
    s.form(`${op}${x} $0x12, (%rsi)`, std({ ops: [M(w), I(8)], carry, edges: 'each', random: rnd }), {
      name: w === 8 ? `${op}b $imm8, (%rsi)` : `${op}${x} $simm8, (%rsi)`,
    });
    if (w > 8)
      s.form(`${op}${x} $${immText}, 8(%rsi)`, std({ ops: [M(w, { off: MEM_OFF + 8 }), I(immW)], carry, edges: 'each', random: rnd }), {
        name: `${op}${x} $imm${immW}, 8(%rsi)`,
      });
    if (w === 8) s.form(`${op}b $0x12, %ah`, std({ ops: [RH('rax'), I(8)], carry, edges: 'each', random: rnd }), { name: `${op}b $imm8, %ah` });
  }
}

/** Condition code suffixes in encoding order (0x0..0xf). */
export const CONDITIONS = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'] as const;
