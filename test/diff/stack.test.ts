// Differential tests: push/pop (registers, immediates, memory, 16-bit), pushf/popf, enter/leave.
import type { Rng } from '../support/rng.js';
import { FLAG, I, M, R, RSP_DEFAULT, STACK_ADDR, custom, diffSuite, leBytes, std } from '../support/diff.js';
import type { RegName } from '../support/types.js';

const STACK_TOP_OFF = Number(RSP_DEFAULT - STACK_ADDR);

/**
 * Random RFLAGS images for popf: never TF (single-step) nor AC (alignment
 * checks), nor NT: the native harness's timer signal (SIGALRM every 20 ms)
 * may land inside the snippet, and Linux's sigreturn on x86-64 does not
 * restore NT (it is outside FIX_EFLAGS), so the host would lose it at random
 * (the intermittent popfw mismatch under load). POPF of NT is checked in the
 * emulator's own tests (test/system-*).
 */
function flagsImage(rng: Rng, w: number): bigint {
  const r = rng.below(4);
  let v = r === 0 ? rng.bits(w) : r === 1 ? rng.bits(12) : r === 2 ? BigInt.asUintN(w, -1n) : rng.bits(22);
  v &= ~(FLAG.TF | FLAG.AC | FLAG.NT);
  return BigInt.asUintN(w, v);
}

diffSuite(
  'stack',
  (s) => {
    const regs64: RegName[] = ['rax', 'rbx', 'rsp', 'rbp', 'rsi', 'r8', 'r15'];
    for (const r of regs64) {
      s.form(`pushq %${r}`, std({ ops: r === 'rsp' || r === 'rsi' ? [] : [R(r, 64)], random: 300 }));
      s.form(`popq %${r}`, std({ ops: [], random: 300 }));
    }
    for (const r of ['ax', 'r9w', 'sp']) {
      s.form(`pushw %${r}`, std({ ops: [], random: 300 }));
      s.form(`popw %${r}`, std({ ops: [], random: 300 }));
    }
    s.form('pushq $0x12', std({ ops: [I(8)], random: 300 }), { name: 'pushq $simm8' });
    s.form('pushq $0x12345678', std({ ops: [I(32)], random: 300 }), { name: 'pushq $simm32' });
    s.form('pushw $0x1234', std({ ops: [I(16)], random: 300 }), { name: 'pushw $imm16' });
    s.form('pushw $0x12', std({ ops: [I(8)], random: 300 }), { name: 'pushw $simm8' });
    s.form('pushq (%rsi)', std({ ops: [M(64)], random: 300 }));
    s.form('pushw (%rsi)', std({ ops: [M(16)], random: 300 }));
    s.form('popq (%rsi)', std({ ops: [], random: 300 }));
    s.form('popw 2(%rsi)', std({ ops: [], random: 300 }));
    s.form('pushq 8(%rsp)', std({ ops: [], random: 50 }), { name: 'pushq 8(%rsp) (address uses the old rsp)' });
    s.form('popq 8(%rsp)', std({ ops: [], random: 50 }), { name: 'popq 8(%rsp) (address uses the incremented rsp)' });
    s.form('popq (%rsp)', std({ ops: [], random: 50 }));
    s.form('pushq %rax; pushq %rbx; popq %rcx; popq %rdx', std({ ops: [R('rax', 64), R('rbx', 64)], random: 300 }));
    // stack faults
    s.form('pushq %rax', std({ ops: [], fixed: { rsp: STACK_ADDR }, random: 5 }), { name: 'pushq %rax at the bottom of the stack (#PF)' });
    s.form('popq %rax', std({ ops: [], fixed: { rsp: STACK_ADDR + 0x2000n - 4n }, random: 5 }), { name: 'popq %rax straddling the top of the stack (#PF)' });
    s.form('pushq %rax', std({ ops: [], fixed: { rsp: STACK_ADDR + 0x1003n }, random: 20 }), { name: 'pushq %rax with misaligned rsp' });
    s.form('pushq %rax', std({ ops: [], fixed: { rsp: 0x8000000000000000n }, random: 5 }), { name: 'pushq %rax with non-canonical rsp (#SS)' });
    // pushf / popf
    s.form('pushfq', std({ ops: [], random: 300 }));
    s.form('pushfw', std({ ops: [], random: 300 }));
    for (const [t, w] of [['popfq', 64], ['popfw', 16], ['popfq; pushfq', 64], ['popfw; pushfw', 16]] as const) {
      s.form(
        t,
        custom((g) => {
          for (let i = 0; i < 300; i++) g.add({ stack: [{ off: STACK_TOP_OFF, bytes: leBytes(flagsImage(g.rng, w), w / 8) }] });
        }),
      );
    }
    // enter / leave
    const rbpFrame = (regs: bigint[], rng: Rng) => {
      regs[5] = STACK_ADDR + 0x1800n + BigInt(rng.int(-32, 32) * 8);
    };
    const levels = [0n, 1n, 2n, 3n, 7n, 31n, 32n, 33n, 255n];
    const sizes = [0n, 8n, 16n, 0x18n, 0x100n, 0xfffn, 0x1000n, 0xfff0n, 0xffffn];
    s.form('enter $0x1234, $0', std({ ops: [I(16, { immEnd: 1, edges: sizes, gen: (rng) => BigInt(rng.below(0x1800)) })], tweak: rbpFrame, random: 300 }), { name: 'enter $imm16, $0' });
    s.form('enter $0x10, $1', std({ ops: [I(8, { edges: levels, gen: (rng) => BigInt(rng.below(40)) })], tweak: rbpFrame, random: 300 }), { name: 'enter $0x10, $imm8' });
    s.form('enter $0x1234, $3', std({ ops: [I(16, { immEnd: 1, edges: sizes }), I(8, { edges: levels, gen: (rng) => BigInt(rng.below(40)) })], tweak: rbpFrame, random: 300 }), { name: 'enter $imm16, $imm8' });
    s.form('.byte 0x66, 0xc8, 0x10, 0x00, 0x00', std({ ops: [], tweak: rbpFrame, random: 50 }), { name: 'enterw $0x10, $0' });
    s.form('.byte 0x66, 0xc8, 0x10, 0x00, 0x02', std({ ops: [], tweak: rbpFrame, random: 50 }), { name: 'enterw $0x10, $2' });
    s.form('leave', std({ ops: [], tweak: rbpFrame, random: 300 }));
    s.form('.byte 0x66, 0xc9', std({ ops: [], tweak: rbpFrame, random: 300 }), { name: 'leavew' });
    s.form('leave', std({ ops: [], fixed: { rbp: 0x40000000n }, random: 5 }), { name: 'leave with unmapped rbp (#PF)' });
    s.form('enter $0x20, $0; leave', std({ ops: [], tweak: rbpFrame, random: 50 }));
  },
);
