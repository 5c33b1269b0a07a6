// Differential tests: jcc (all 16 conditions, short/near, forward/backward), setcc,
// cmovcc (incl. the 32-bit form that zero-extends even when not taken, and the
// memory form that faults even when not taken), loop/loope/loopne/jrcxz/jecxz,
// jmp/call/ret (direct, indirect, ret imm16) as short sequences inside the snippet.
import { DATA_ADDR, FLAG, M, R, STACK_ADDR, custom, diffSuite, leBytes, std } from '../support/diff.js';
import { CONDITIONS } from '../support/forms.js';

const FLAG_BITS = [FLAG.CF, FLAG.PF, FLAG.AF, FLAG.ZF, FLAG.SF, FLAG.OF];

/** All 64 combinations of the six arithmetic flags (each twice, once with DF). */
const allFlagCombos = custom((g) => {
  for (let m = 0; m < 128; m++) {
    let f = 0n;
    FLAG_BITS.forEach((b, i) => {
      if (m & (1 << i)) f |= b;
    });
    if (m & 64) f |= FLAG.DF;
    g.add({ rflags: f });
  }
});

diffSuite(
  'control',
  (s) => {
    for (const cc of CONDITIONS) {
      s.form(`j${cc} 1f; movq $1, %rdx; 1:`, allFlagCombos);
      s.form(`{disp32} j${cc} 1f; movq $1, %rdx; 1:`, allFlagCombos, { name: `j${cc} rel32 forward` });
      s.form(`jmp 2f; 1: movq $2, %rdx; jmp 3f; 2: j${cc} 1b; movq $1, %rdx; 3:`, allFlagCombos, { name: `j${cc} rel8 backward` });
      s.form(`set${cc} %al`, allFlagCombos);
      s.form(`set${cc} %r10b`, allFlagCombos);
      s.form(`set${cc} %ah`, allFlagCombos);
      s.form(`set${cc} 3(%rsi)`, allFlagCombos);
      for (const w of [16, 32, 64]) {
        const sx = w === 16 ? 'w' : w === 32 ? 'l' : 'q';
        const a = w === 16 ? '%ax' : w === 32 ? '%eax' : '%rax';
        const c = w === 16 ? '%cx' : w === 32 ? '%ecx' : '%rcx';
        s.form(`cmov${cc}${sx} ${c}, ${a}`, allFlagCombos);
        s.form(`cmov${cc}${sx} (%rsi), ${a}`, allFlagCombos);
      }
      s.form(`cmov${cc}q (%rsi), %rax`, std({ ops: [], fixed: { rsi: DATA_ADDR + 0x2000n }, random: 4 }), { name: `cmov${cc}q (%rsi), %rax with unmapped source (#PF either way)` });
    }
    // loops: count in rcx; the body scans bytes at (%rsi,%rdx)
    const loopGen = (zeroStop: boolean) =>
      custom((g) => {
        for (let i = 0; i < 200; i++) {
          const stop = g.rng.int(0, 12);
          const bytes = new Uint8Array(16);
          for (let k = 0; k < 16; k++) {
            const hit = k === stop;
            // loope continues while the byte is zero, loopne while it is nonzero
            bytes[k] = zeroStop ? (hit ? g.rng.int(1, 255) : 0) : hit ? 0 : g.rng.int(1, 255);
          }
          const rcx = i < 8 ? BigInt(i + 1) : BigInt(g.rng.int(1, 14));
          g.add({ regs: { rcx, rdx: 0n }, data: [{ off: 0x1000, bytes }], rflags: g.flags() });
        }
      });
    s.form('1: addq $1, %rbx; loop 1b', custom((g) => {
      for (let i = 0; i < 100; i++) g.add({ regs: { rcx: BigInt(i < 10 ? i + 1 : g.rng.int(1, 30)) } });
    }));
    s.form('1: cmpb $0, (%rsi,%rdx); leaq 1(%rdx), %rdx; loope 1b', loopGen(true));
    s.form('1: cmpb $0, (%rsi,%rdx); leaq 1(%rdx), %rdx; loopne 1b', loopGen(false));
    s.form('1: addq $1, %rbx; addr32 loop 1b', custom((g) => {
      for (let i = 0; i < 60; i++) g.add({ regs: { rcx: (BigInt(g.rng.u32()) << 32n) | BigInt(g.rng.int(1, 20)) } });
    }), { name: 'addr32 loop (ecx)' });
    const rcxEdges = custom((g) => {
      for (const v of [0n, 1n, 0x100000000n, 0xffffffff00000000n, 0xffffffffn, 0x8000000000000000n]) g.add({ regs: { rcx: v } });
      for (let i = 0; i < 60; i++) g.add({ regs: { rcx: g.rng.bool(0.3) ? 0n : g.rng.u64() } });
    });
    s.form('jrcxz 1f; movq $1, %rdx; 1:', rcxEdges);
    s.form('jecxz 1f; movq $1, %rdx; 1:', rcxEdges);
    // jmp
    s.form('jmp 1f; movq $1, %rdx; 1:', std({ ops: [], random: 20 }));
    s.form('{disp32} jmp 1f; movq $1, %rdx; 1:', std({ ops: [], random: 20 }), { name: 'jmp rel32' });
    s.form('leaq 1f(%rip), %rax; jmp *%rax; movq $1, %rdx; 1:', std({ ops: [], random: 20 }));
    s.form('leaq 1f(%rip), %rax; movq %rax, (%rsi); jmp *(%rsi); movq $1, %rdx; 1:', std({ ops: [], random: 20 }));
    s.form('jmp *%rax', std({ ops: [R('rax', 64, { edges: [0n, 0x40000000n, DATA_ADDR, STACK_ADDR + 0x1000n, 0x8000000000000000n, 0x0000100000000000n, 0xffff800000000000n] })], edges: true, random: 0 }), {
      name: 'jmp *%rax to unmapped / NX / non-canonical targets',
    });
    // call / ret
    s.form('call 1f; movq $1, %rdx; jmp 2f; 1: movq (%rsp), %rbx; ret; 2:', std({ ops: [], random: 20 }));
    for (const n of [0, 8, 16, 0x100, 0xfff8]) s.form(`call 1f; jmp 2f; 1: ret $${n}; 2:`, std({ ops: [], random: 10 }));
    s.form('leaq 1f(%rip), %rax; call *%rax; jmp 2f; 1: ret; 2:', std({ ops: [], random: 20 }));
    s.form('leaq 1f(%rip), %rax; movq %rax, 8(%rsi); call *8(%rsi); jmp 2f; 1: ret; 2:', std({ ops: [], random: 20 }));
    s.form('call 1f; 1: popq %rcx', std({ ops: [], random: 20 }));
    s.form('call 1f; 1:', std({ ops: [], fixed: { rsp: STACK_ADDR + 4n }, random: 5 }), { name: 'call with rsp at the bottom of the stack (#PF)' });
    s.form(
      'ret',
      custom((g) => {
        for (const t of [0x40000000n, 0x8000000000000000n, DATA_ADDR + 0x100n, 0x1234n])
          g.add({ stack: [{ off: 0x1000, bytes: leBytes(t, 8) }], note: `return to ${t.toString(16)}` });
      }),
      { name: 'ret to unmapped / non-canonical / NX targets' },
    );
    s.form('.byte 0x66, 0xc3', std({ ops: [], random: 10 }), { name: 'retw (66 c3)' });
    // operand-size prefix on near branches: AMD truncates the target to 16 bits (Intel ignores 66)
    s.form('.byte 0x66, 0xeb, 0x00', std({ ops: [], random: 5 }), { name: 'jmp rel8 with 66 prefix' });
    s.form('.byte 0x66, 0xe9, 0x00, 0x00', std({ ops: [], random: 5 }), { name: 'jmp rel16 (66 e9)' });
    s.form('.byte 0x66, 0xe8, 0x00, 0x00', std({ ops: [], random: 5 }), { name: 'call rel16 (66 e8)' });
    s.form('.byte 0x66, 0x74, 0x00', allFlagCombos, { name: 'je rel8 with 66 prefix' });
    s.form('.byte 0x66, 0xff, 0xe0', std({ ops: [R('rax', 64)], edges: false, random: 10 }), { name: 'jmp *%ax (66 ff /4)' });
    s.form('.byte 0x66, 0xff, 0xd0', std({ ops: [R('rax', 64)], edges: false, random: 10 }), { name: 'call *%ax (66 ff /2)' });
    s.form('.byte 0x66, 0xe2, 0x00', std({ ops: [R('rcx', 64, { edges: [1n, 2n, 0x10001n] })], random: 10 }), { name: 'loop rel8 with 66 prefix' });
    s.form('.byte 0x66, 0xe3, 0x00', std({ ops: [R('rcx', 64, { edges: [0n, 1n, 0x100000000n] })], random: 10 }), { name: 'jrcxz rel8 with 66 prefix' });
    s.form('call 1f; jmp 2f; 1: .byte 0x66, 0xc2, 0x08, 0x00; 2:', std({ ops: [], random: 10 }), { name: 'retw $8 (66 c2)' });
    s.form('movq (%rsi), %rax; jmp *%rax', std({ ops: [M(64, { edges: [0n], gen: () => 0n })], edges: false, random: 2 }), { name: 'jmp to address 0 (#PF fetch)' });
    // Through memory to a non-canonical target: #GP(0) at the branch, nothing pushed (SDM JMP, CALL: near indirect).
    const nonCanonical = [0x8000000000000000n, 0x0000800000000000n, 0xffff7fffffffffffn];
    s.form('jmp *(%rsi)', std({ ops: [M(64, { edges: nonCanonical, gen: () => nonCanonical[0]! })], edges: true, random: 0 }), { name: 'jmp *(mem) to non-canonical targets' });
    s.form('call *(%rsi)', std({ ops: [M(64, { edges: nonCanonical, gen: () => nonCanonical[0]! })], edges: true, random: 0 }), { name: 'call *(mem) to non-canonical targets' });
  },
);
