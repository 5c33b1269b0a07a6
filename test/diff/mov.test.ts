// Differential tests: mov (all forms, addressing modes, moffs), movzx/movsx/movsxd,
// lea, xchg, bswap, cmpxchg/cmpxchg8b/cmpxchg16b, xadd.
import type { Rng } from '../support/rng.js';
import {
  DATA_ADDR,
  I,
  M,
  MEM_OFF,
  R,
  RH,
  WIDTHS,
  diffSuite,
  reg,
  ripRelative,
  sfx,
  std,
  withCode,
} from '../support/diff.js';
import { REG_INDEX, type RegName, at } from '../support/types.js';

const idx = (lo: number, hi: number) => (rng: Rng) => BigInt.asUintN(64, BigInt(rng.int(lo, hi)));
const idxEdges = (vals: number[]) => vals.map((v) => BigInt.asUintN(64, BigInt(v)));

diffSuite('mov', (s) => {
  for (const w of WIDTHS) {
    const x = sfx(w);
    const r = (n: RegName) => `%${reg(n, w)}`;
    const imm = w === 8 ? '0x12' : w === 16 ? '0x1234' : '0x12345678';
    const immW = Math.min(w, 32);
    s.form(`mov${x} ${r('rcx')}, ${r('rax')}`, std({ ops: [R('rcx', w)], random: 300 }));
    s.form(`{load} mov${x} ${r('rcx')}, ${r('rax')}`, std({ ops: [R('rcx', w)], random: 300 }), { name: `mov${x} ${r('rcx')}, ${r('rax')} (8a/8b encoding)` });
    s.form(`mov${x} ${r('r9')}, ${r('r12')}`, std({ ops: [R('r9', w)], random: 300 }));
    s.form(`mov${x} ${r('rcx')}, (%rsi)`, std({ ops: [R('rcx', w)], random: 300 }));
    s.form(`mov${x} (%rsi), ${r('rax')}`, std({ ops: [M(w)], random: 300 }));
    s.form(`mov${x} $${imm}, ${r('rbx')}`, std({ ops: [I(immW)], random: 300 }), { name: `mov${x} $imm${immW}, ${r('rbx')}` });
    s.form(`mov${x} $${imm}, 4(%rsi)`, std({ ops: [I(immW)], random: 300 }), { name: `mov${x} $imm${immW}, 4(%rsi)` });
    // addressing modes
    s.form(`mov${x} 8(%rsi,%rcx,${w / 8}), ${r('rax')}`, std({ ops: [R('rcx', 64, { gen: idx(-300, 300), edges: idxEdges([0, 1, -1, -2, 100, -100]) })], random: 300 }));
    s.form(`mov${x} ${r('rdx')}, -0x81(%rdi,%rcx,1)`, std({ ops: [R('rdx', w), R('rcx', 64, { gen: idx(-1500, 1500), edges: idxEdges([0, 0x81, -0x7ff]) })], random: 300 }));
    s.form(`mov${x} 0x20001000(,%rcx,8), ${r('rax')}`, std({ ops: [R('rcx', 64, { gen: idx(-500, 500), edges: idxEdges([0, 1, -1, 0x1ff, -0x200]) })], random: 300 }));
    s.form(
      `mov${x} 0x12345678(%rip), ${r('rbx')}`,
      withCode((c) => ripRelative(c, DATA_ADDR + BigInt(MEM_OFF) + 0x40n), std({ ops: [M(w, { off: MEM_OFF + 0x40 })], random: 50 })),
      { name: `mov${x} data(%rip), ${r('rbx')}` },
    );
    s.form(
      `mov${x} $${imm}, 0x12345678(%rip)`,
      withCode((c) => ripRelative(c, DATA_ADDR + 0x20n, immW / 8), std({ ops: [], random: 20 })),
      { name: `mov${x} $imm, data(%rip)` },
    );
    // moffs (A0-A3) with a 64-bit absolute address
    const ax = r('rax');
    s.form(`movabs${x} 0x20001000, ${ax}`, std({ ops: [M(w)], random: 300 }));
    s.form(`movabs${x} ${ax}, 0x20001010`, std({ ops: [R('rax', w)], random: 300 }));
    s.form(`movabs${x} 0x20002000, ${ax}`, std({ ops: [], random: 10 }), { name: `movabs${x} 0x20002000, ${ax} (unmapped: #PF)` });
    s.form(`movabs${x} 0x8000000000001000, ${ax}`, std({ ops: [], random: 10 }), { name: `movabs${x} 0x8000000000001000, ${ax} (non-canonical: #GP)` });
    // cmpxchg: equal in about half of the cases
    const eq = (a: number, b: number) => (v: bigint[], rng: Rng) => {
      if (rng.bool()) v[b] = at(v, a);
    };
    s.form(`cmpxchg${x} ${r('rcx')}, ${r('rbx')}`, std({ ops: [R('rax', w), R('rbx', w), R('rcx', w)], fix: eq(0, 1), random: 800 }));
    s.form(`cmpxchg${x} ${r('rcx')}, (%rsi)`, std({ ops: [R('rax', w), M(w), R('rcx', w)], fix: eq(0, 1), random: 800 }));
    s.form(`cmpxchg${x} ${r('rcx')}, ${r('rax')}`, std({ ops: [R('rax', w), R('rcx', w)], random: 300 }));
    s.form(`cmpxchg${x} ${r('rax')}, ${r('rdx')}`, std({ ops: [R('rax', w), R('rdx', w)], fix: eq(0, 1), random: 300 }));
    // xadd
    s.form(`xadd${x} ${r('rcx')}, ${r('rax')}`, std({ ops: [R('rax', w), R('rcx', w)], random: 800 }));
    s.form(`xadd${x} ${r('rcx')}, (%rsi)`, std({ ops: [M(w), R('rcx', w)], random: 500 }));
    s.form(`xadd${x} ${r('rdx')}, ${r('rdx')}`, std({ ops: [R('rdx', w)], random: 300 }));
    // xchg
    s.form(`xchg${x} ${r('rcx')}, ${r('rdx')}`, std({ ops: [R('rcx', w), R('rdx', w)], random: 300 }));
    s.form(`xchg${x} ${r('r10')}, (%rsi)`, std({ ops: [R('r10', w), M(w)], random: 300 }));
    if (w > 8) s.form(`xchg${x} ${r('rcx')}, ${r('rax')}`, std({ ops: [R('rcx', w), R('rax', w)], random: 300 }), { name: `xchg${x} ${r('rcx')}, ${r('rax')} (90+r form)` });
    if (w > 8) s.form(`xchg${x} ${r('r8')}, ${r('rax')}`, std({ ops: [R('r8', w), R('rax', w)], random: 300 }), { name: `xchg${x} ${r('r8')}, ${r('rax')} (REX.B 90+r form)` });
  }
  s.form('movabsq $0x123456789abcdef0, %rbx', std({ ops: [I(64)], random: 300 }), { name: 'movabsq $imm64, %rbx' });
  s.form('movabsq $0x123456789abcdef0, %r11', std({ ops: [I(64)], random: 50 }), { name: 'movabsq $imm64, %r11' });
  s.form('.byte 0x48, 0xc7, 0xc3, 0x78, 0x56, 0x34, 0x12', std({ ops: [I(32)], random: 300 }), { name: 'movq $simm32, %rbx (c7 /0)' });
  s.form('movb %ah, %cl', std({ ops: [RH('rax')], random: 300 }));
  s.form('movb %cl, %ah', std({ ops: [R('rcx', 8)], random: 300 }));
  s.form('movb %bh, (%rsi)', std({ ops: [RH('rbx')], random: 300 }));
  s.form('movb (%rsi), %dh', std({ ops: [M(8)], random: 300 }));
  s.form('movb $0x12, %ch', std({ ops: [I(8)], random: 300 }), { name: 'movb $imm8, %ch' });
  // ignored segment overrides in 64-bit mode
  for (const seg of ['ds', 'es', 'cs', 'ss']) s.form(`movq %${seg}:8(%rsi), %rax`, std({ ops: [], random: 20 }));
  // 32-bit address size: addresses are truncated to 32 bits
  const hi32 = (rr: RegName[]) => (regs: bigint[], rng: Rng) => {
    for (const n of rr) {
      const i = REG_INDEX[n];
      regs[i] = (BigInt(rng.u32()) << 32n) | (at(regs, i) & 0xffffffffn);
    }
  };
  s.form('movl (%esi), %eax', std({ ops: [], tweak: hi32(['rsi']), random: 50 }), { name: 'addr32 movl (%esi), %eax' });
  s.form('movq %rdx, 8(%esi,%ecx,4)', std({ ops: [R('rcx', 32, { gen: (rng) => BigInt(rng.int(0, 200)), edges: [0n, 1n] })], tweak: hi32(['rsi']), random: 50 }), {
    name: 'addr32 movq %rdx, 8(%esi,%ecx,4)',
  });
  s.form('movl -0x10(%esi), %eax', std({ ops: [R('rsi', 32, { gen: (rng) => BigInt(rng.int(0, 15)), edges: [0n, 8n, 0x10n] })], random: 20 }), {
    name: 'addr32 movl -0x10(%esi), %eax (32-bit wrap-around → #PF)',
  });
  s.form('.byte 0x67, 0xa1, 0x00, 0x10, 0x00, 0x20', std({ ops: [M(32)], random: 50 }), { name: 'addr32 movl moffs32 0x20001000, %eax (67 a1)' });
  s.form('.byte 0x67, 0xa2, 0x10, 0x10, 0x00, 0x20', std({ ops: [R('rax', 8)], random: 50 }), { name: 'addr32 movb %al, moffs32 0x20001010 (67 a2)' });
  // movzx / movsx / movsxd
  for (const [op, sw, dw] of [
    ['movzbw', 8, 16], ['movzbl', 8, 32], ['movzbq', 8, 64], ['movzwl', 16, 32], ['movzwq', 16, 64],
    ['movsbw', 8, 16], ['movsbl', 8, 32], ['movsbq', 8, 64], ['movswl', 16, 32], ['movswq', 16, 64], ['movslq', 32, 64],
  ] as const) {
    s.form(`${op} %${reg('rcx', sw)}, %${reg('rax', dw)}`, std({ ops: [R('rcx', sw)], random: 300 }));
    s.form(`${op} (%rsi), %${reg('r9', dw)}`, std({ ops: [M(sw)], random: 300 }));
    s.form(`${op} %${reg('rax', sw)}, %${reg('rax', dw)}`, std({ ops: [R('rax', sw)], random: 300 }));
  }
  s.form('movzbl %ah, %ecx', std({ ops: [RH('rax')], random: 300 }));
  s.form('movsbl %bh, %edx', std({ ops: [RH('rbx')], random: 300 }));
  s.form('.byte 0x63, 0xc1', std({ ops: [R('rcx', 64)], random: 300 }), { name: 'movsxd %ecx, %eax (63 /r without REX.W)' });
  s.form('.byte 0x66, 0x63, 0xc1', std({ ops: [R('rcx', 64)], random: 300 }), { name: 'movsxd %cx, %ax (66 63 /r)' });
  // lea (no memory access: all registers random)
  for (const t of [
    'leaq 0x12(%rax,%rcx,4), %rdx', 'leal 0x12(%rax,%rcx,4), %edx', 'leaw 0x12(%rax,%rcx,4), %dx',
    'leaq (%rax), %rdx', 'leaq -0x80(%rbp,%r12,8), %r13', 'leaq (,%rcx,8), %rdx', 'leaq 0x7fffffff(%r13), %rax',
    'leaq (%r12,%r13,2), %rax', 'leaq -0x80000000(%rax,%rbx,8), %rcx', 'leaq (%rsp), %r8', 'leaq 8(%r12), %r9',
    'leal (%eax,%ecx,2), %edx', 'leaq (%eax,%ecx,2), %rdx', 'leaw (%eax,%ecx,2), %dx', 'leaq 0x10(%rip), %rax', 'leal -5(%rip), %eax',
    'leaq 0(%rbp), %rcx', 'leaq (%rbx,%rbx,8), %rbx',
  ]) {
    s.form(t, std({ ops: [R('rax', 64), R('rcx', 64), R('rbx', 64)], edges: false, random: 300 }));
  }
  // xchg specials
  s.form('xchgb %ah, %cl', std({ ops: [RH('rax'), R('rcx', 8)], random: 50 }));
  s.form('.byte 0x87, 0xc0', std({ ops: [R('rax', 64)], random: 50 }), { name: 'xchgl %eax, %eax (87 c0: zero-extends)' });
  s.form('.byte 0x41, 0x90', std({ ops: [R('rax', 64), R('r8', 64)], random: 50 }), { name: 'xchgl %r8d, %eax (41 90: not a nop)' });
  s.form('.byte 0x48, 0x90', std({ ops: [R('rax', 64)], random: 20 }), { name: 'xchgq %rax, %rax (48 90)' });
  // bswap
  for (const t of ['bswapl %eax', 'bswapq %rax', 'bswapl %r10d', 'bswapq %r15']) s.form(t, std({ ops: [R('rax', 64), R('r10', 64), R('r15', 64)], edges: false, random: 300 }));
  s.form('.byte 0x66, 0x0f, 0xc8', std({ ops: [R('rax', 64)], random: 300 }), { name: 'bswapw %ax (66 0f c8, undefined per SDM)' });
  // cmpxchg8b / cmpxchg16b
  s.form('cmpxchg8b (%rsi)', std({
    ops: [R('rax', 32), R('rdx', 32), M(32), M(32, { off: MEM_OFF + 4 }), R('rbx', 32), R('rcx', 32)],
    fix: (v, rng) => { if (rng.bool(0.5)) { v[2] = at(v, 0); v[3] = at(v, 1); } },
    edges: false, random: 600,
  }));
  s.form('cmpxchg16b (%rsi)', std({
    ops: [R('rax', 64), R('rdx', 64), M(64), M(64, { off: MEM_OFF + 8 }), R('rbx', 64), R('rcx', 64)],
    fix: (v, rng) => { if (rng.bool(0.5)) { v[2] = at(v, 0); v[3] = at(v, 1); } },
    edges: false, random: 600,
  }));
  s.form('cmpxchg16b 8(%rsi)', std({ ops: [R('rax', 64)], edges: false, random: 10 }), { name: 'cmpxchg16b 8(%rsi) (misaligned: #GP)' });
  s.form('cmpxchg8b 4(%rsi)', std({ ops: [R('rax', 32), R('rdx', 32)], edges: false, random: 20 }), { name: 'cmpxchg8b 4(%rsi) (misaligned is fine)' });
});
