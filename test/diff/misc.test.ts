// Differential tests: sign extensions (cbw..cqo), lahf/sahf, flag instructions,
// xlat, nop forms, prefixes, lock (legal and #UD forms), ud2 / invalid opcodes,
// #DE, #PF (error code + CR2), #GP / #SS, privileged instructions at CPL 3.
import {
  CODE_ADDR,
  DATA_ADDR,
  M,
  R,
  RH,
  STACK_ADDR,
  diffSuite,
  std,
} from '../support/diff.js';

const bytes = (...b: number[]) => `.byte ${b.map((x) => '0x' + x.toString(16)).join(', ')}`;

diffSuite(
  'misc',
  (s) => {
    // sign extension of the accumulator
    for (const [t, w] of [['cbtw', 8], ['cwtl', 16], ['cltq', 32], ['cwtd', 16], ['cltd', 32], ['cqto', 64]] as const) {
      s.form(t, std({ ops: [R('rax', w)], random: 300 }));
    }
    // flags
    s.form('lahf', std({ ops: [], random: 300 }));
    s.form('sahf', std({ ops: [RH('rax')], random: 300 }));
    s.form('sahf; lahf', std({ ops: [RH('rax')], random: 300 }));
    for (const t of ['clc', 'stc', 'cmc', 'cld', 'std', 'std; cld', 'stc; cmc']) s.form(t, std({ ops: [], df: true, random: 300 }));
    // xlat
    s.form('xlatb', std({ ops: [R('rax', 8)], fixed: { rbx: DATA_ADDR + 0x1000n }, random: 300 }));
    s.form(bytes(0x67, 0xd7), std({ ops: [R('rax', 8)], tweak: (r, rng) => { r[3] = (BigInt(rng.u32()) << 32n) | 0x20001100n; }, random: 300 }), { name: 'addr32 xlatb (67 d7)' });
    // nops (no memory access even with wild addresses)
    for (const [name, code] of [
      ['nop', bytes(0x90)],
      ['66 90', bytes(0x66, 0x90)],
      ['pause', bytes(0xf3, 0x90)],
      ['nopl 0(%rax)', bytes(0x0f, 0x1f, 0x40, 0x00)],
      ['nopw 0(%rax,%rax,1)', bytes(0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00)],
      ['nopl 0L(%rax,%rax,1)', bytes(0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0)],
      ['nopw %cs:0L(%rax,%rax,1)', bytes(0x66, 0x2e, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0)],
      ['nopl %eax (0f 1f c0)', bytes(0x0f, 0x1f, 0xc0)],
      ['hint nop 0f 19 /r', bytes(0x0f, 0x19, 0x04, 0x24)],
      ['hint nop 0f 1c /r', bytes(0x0f, 0x1c, 0xc8)],
      ['endbr64', bytes(0xf3, 0x0f, 0x1e, 0xfa)],
    ] as const) {
      s.form(code, std({ ops: [R('rax', 64)], edges: false, random: 30 }), { name: `${name}` });
    }
    // prefixes
    s.form(bytes(0x66, 0x66, 0x01, 0xc8), std({ ops: [R('rax', 16), R('rcx', 16)], random: 300 }), { name: 'redundant 66 66: addw %cx, %ax' });
    s.form(bytes(0x48, 0x66, 0x01, 0xc8), std({ ops: [R('rax', 16), R('rcx', 16)], random: 300 }), { name: 'REX.W before 66 is ignored: addw %cx, %ax' });
    s.form(bytes(0x41, 0x48, 0x01, 0xc8), std({ ops: [R('rax', 64), R('rcx', 64)], random: 300 }), { name: 'two REX prefixes: only the last counts (addq %rcx,%rax)' });
    s.form(bytes(0x66, 0x48, 0x01, 0xc8), std({ ops: [R('rax', 64), R('rcx', 64)], random: 300 }), { name: '66 REX.W: REX.W wins (addq %rcx,%rax)' });
    s.form(bytes(0xf3, 0x48, 0x01, 0xc8), std({ ops: [R('rax', 64), R('rcx', 64)], random: 50 }), { name: 'rep prefix on add is ignored' });
    s.form(bytes(0x2e, 0x3e, 0x26, 0x36, 0x48, 0x01, 0xc8), std({ ops: [R('rax', 64), R('rcx', 64)], random: 50 }), { name: 'segment prefixes on a register op' });
    s.form(bytes(...new Array(14).fill(0x66), 0x90), std({ ops: [], random: 5 }), { name: '15-byte instruction (14 x 66 + nop)' });
    s.form(bytes(...new Array(15).fill(0x66), 0x90), std({ ops: [], random: 5 }), { name: '16-byte instruction (#GP)' });
    s.form(bytes(0xf0, 0xf0, 0x48, 0x01, 0x06), std({ ops: [M(64), R('rax', 64)], random: 50 }), { name: 'lock lock addq %rax, (%rsi)' });
    // lock: legal forms on memory
    for (const t of [
      'lock addq %rax, (%rsi)', 'lock adcl %eax, (%rsi)', 'lock andw %ax, (%rsi)', 'lock orb %al, (%rsi)', 'lock sbbq %rax, (%rsi)',
      'lock subl $0x12345678, (%rsi)', 'lock xorq $0x12, (%rsi)', 'lock incq (%rsi)', 'lock decl (%rsi)', 'lock negw (%rsi)', 'lock notb (%rsi)',
      'lock xaddq %rax, (%rsi)', 'lock cmpxchgl %ecx, (%rsi)', 'lock xchgq %rax, (%rsi)', 'lock cmpxchg8b (%rsi)', 'lock cmpxchg16b (%rsi)',
    ]) {
      s.form(t, std({ ops: [M(64), R('rax', 64)], random: 300 }));
    }
    for (const t of ['lock btsq %rcx, (%rsi)', 'lock btrl %ecx, (%rsi)', 'lock btcw %cx, (%rsi)', 'lock btsl $17, (%rsi)']) {
      s.form(t, std({ ops: [M(64), R('rcx', 64, { gen: (rng) => BigInt(rng.int(-2000, 2000)) & 0xffffffffffffffffn, edges: [0n, 1n, 63n, 64n] })], random: 300 }));
    }
    s.form('xchgq %rax, (%rsi)', std({ ops: [M(64), R('rax', 64)], random: 50 }), { name: 'xchg with memory (implicitly locked)' });
    // lock: illegal forms -> #UD
    for (const [name, code] of [
      ['lock addq %rax, %rcx', bytes(0xf0, 0x48, 0x01, 0xc1)],
      ['lock movq %rax, (%rsi)', bytes(0xf0, 0x48, 0x89, 0x06)],
      ['lock nop', bytes(0xf0, 0x90)],
      ['lock cmpq %rax, (%rsi)', bytes(0xf0, 0x48, 0x39, 0x06)],
      ['lock btq %rcx, (%rsi)', bytes(0xf0, 0x48, 0x0f, 0xa3, 0x0e)],
      ['lock incq %rax', bytes(0xf0, 0x48, 0xff, 0xc0)],
      ['lock testq %rax, (%rsi)', bytes(0xf0, 0x48, 0x85, 0x06)],
      ['lock leaq (%rsi), %rax', bytes(0xf0, 0x48, 0x8d, 0x06)],
      ['lock xchgq %rax, %rcx', bytes(0xf0, 0x48, 0x87, 0xc1)],
      ['lock cmpxchgq %rcx, %rdx', bytes(0xf0, 0x48, 0x0f, 0xb1, 0xca)],
    ] as const) {
      s.form(code, std({ ops: [R('rax', 64)], edges: false, random: 5 }), { name: `${name} (#UD)` });
    }
    // invalid opcodes -> #UD
    for (const [name, code] of [
      ['ud2', bytes(0x0f, 0x0b)],
      ['ud1 %eax, %eax', bytes(0x0f, 0xb9, 0xc0)],
      ['ud0', bytes(0x0f, 0xff, 0xc0)],
      ['aaa (invalid in 64-bit mode)', bytes(0x37)],
      ['push %es (invalid in 64-bit mode)', bytes(0x06)],
      ['push %cs (invalid in 64-bit mode)', bytes(0x0e)],
      ['into (invalid in 64-bit mode)', bytes(0xce)],
      ['salc (invalid in 64-bit mode)', bytes(0xd6)],
      ['pusha (invalid in 64-bit mode)', bytes(0x60)],
      ['lea with register operand', bytes(0x48, 0x8d, 0xc1)],
      ['cmpxchg8b with register operand', bytes(0x0f, 0xc7, 0xc8)],
      ['ff /7', bytes(0xff, 0xf8)],
      ['fe /2 (no 8-bit call)', bytes(0xfe, 0xd0)],
    ] as const) {
      s.form(code, std({ ops: [R('rax', 64)], edges: false, random: 5 }), { name: `${name} (#UD)` });
    }
    // #DE
    s.form('divl %ecx', std({ ops: [R('rax', 32), R('rdx', 32)], fixed: { rcx: 0xffffffff00000000n }, random: 20 }), { name: 'divl %ecx with ecx = 0 (#DE)' });
    s.form('idivq %rcx', std({ ops: [], fixed: { rax: 0x8000000000000000n, rdx: 0xffffffffffffffffn, rcx: 0xffffffffffffffffn }, random: 5 }), { name: 'idivq INT64_MIN / -1 (#DE)' });
    s.form('idivb %cl', std({ ops: [], fixed: { rax: 0xff80n, rcx: 0xffn }, random: 5 }), { name: 'idivb -128 / -1 (#DE)' });
    s.form('divb %cl', std({ ops: [], fixed: { rax: 0x1000n, rcx: 0x10n }, random: 5 }), { name: 'divb 0x1000 / 0x10 (quotient overflow, #DE)' });
    s.form('divq (%rsi)', std({ ops: [M(64, { edges: [0n], gen: () => 0n })], edges: false, random: 5 }), { name: 'divq (%rsi) with zero divisor in memory (#DE)' });
    // #PF with error codes and CR2
    s.form('movq 0x2000(%rsi), %rax', std({ ops: [], random: 5 }), { name: 'read from unmapped memory (#PF err 4)' });
    s.form('movq %rax, -0x1001(%rsi)', std({ ops: [], random: 5 }), { name: 'write to unmapped memory (#PF err 6)' });
    s.form('movq (%rsi), %rax', std({ ops: [], fixed: { rsi: DATA_ADDR + 0x2000n - 3n }, random: 5 }), { name: 'read straddling the end of the data area (#PF)' });
    s.form('movl %eax, (%rsi)', std({ ops: [], fixed: { rsi: DATA_ADDR - 2n }, random: 5 }), { name: 'write straddling the start of the data area (#PF)' });
    s.form('movb %al, (%rcx)', std({ ops: [], fixed: { rcx: CODE_ADDR + 0x10n }, random: 5 }), { name: 'write to the read-only code page (#PF err 7)' });
    s.form('jmp *%rcx', std({ ops: [], fixed: { rcx: DATA_ADDR + 0x40n }, random: 5 }), { name: 'execute from NX data (#PF err 0x15)' });
    s.form('jmp *%rcx', std({ ops: [], fixed: { rcx: STACK_ADDR + 0x1000n }, random: 5 }), { name: 'execute from NX stack (#PF err 0x15)' });
    s.form('jmp *%rcx', std({ ops: [], fixed: { rcx: 0x50000000n }, random: 5 }), { name: 'execute from unmapped memory (#PF err 0x14)' });
    s.form('addq $1, (%rcx)', std({ ops: [], fixed: { rcx: 0x40000ffcn }, random: 5 }), { name: 'read-modify-write to unmapped memory (#PF)' });
    s.form('movq (%rcx), %rax', std({ ops: [], fixed: { rcx: 0xffffffff80000000n }, random: 5 }), { name: 'read a kernel-half address (#PF; Linux forces P=1 there, so bit 0 is not compared)' });
    // locked / read-modify-write instructions on read-only or unmapped memory: the fault is a write fault
    for (const t of ['lock addq %rax, (%rcx)', 'xchgq %rax, (%rcx)', 'lock btsq $3, (%rcx)', 'cmpxchgq %rdx, (%rcx)', 'lock cmpxchg16b (%rcx)', 'incl (%rcx)', 'notb (%rcx)', 'xaddw %ax, (%rcx)']) {
      s.form(t, std({ ops: [], fixed: { rcx: CODE_ADDR + 0x20n }, random: 5 }), { name: `${t} on the read-only code page (#PF)` });
      s.form(t, std({ ops: [], fixed: { rcx: 0x40001000n }, random: 5 }), { name: `${t} on unmapped memory (#PF)` });
    }
    s.form('cmpxchgq %rdx, (%rcx)', std({ ops: [], fixed: { rcx: CODE_ADDR, rax: 0n }, random: 5 }), { name: 'cmpxchg with a failing compare still writes (#PF on the code page)' });
    // #GP / #SS
    s.form('movq (%rcx), %rax', std({ ops: [], fixed: { rcx: 0x0000800000000000n }, random: 5 }), { name: 'non-canonical read (#GP(0))' });
    s.form('movq %rax, (%rcx)', std({ ops: [], fixed: { rcx: 0xfff0000000000000n }, random: 5 }), { name: 'non-canonical write (#GP(0))' });
    s.form('movq 8(%rsp), %rax', std({ ops: [], fixed: { rsp: 0x8000000000000000n }, random: 5 }), { name: 'non-canonical stack access (#SS(0))' });
    s.form('movq 8(%rbp), %rax', std({ ops: [], fixed: { rbp: 0x8000000000000000n }, random: 5 }), { name: 'non-canonical rbp-based access (#SS(0))' });
    // SGDT/SIDT with alignment checking (RFLAGS.AC set by the snippet; Linux runs with CR0.AM = 1): which
    // offsets raise #AC. The stored bytes (the host's descriptor-table bases) are zeroed after AC is cleared.
    for (const insn of ['sgdt', 'sidt']) for (let off = 0n; off < 16n; off++) {
      s.form(`pushfq; orl $0x40000, (%rsp); popfq; ${insn} (%rsi); pushfq; andl $~0x40000, (%rsp); popfq; movq $0, (%rsi); movw $0, 8(%rsi)`,
        std({ ops: [], fixed: { rsi: DATA_ADDR + 0x1000n + off }, random: 1 }), { name: `${insn} at offset ${off} mod 16 with RFLAGS.AC (the limit and the base are checked as two stores)` });
    }
    // SGDT/SIDT straddling the end of the data area: which bytes are stored before the #PF.
    for (const insn of ['sgdt', 'sidt']) for (let k = 1n; k < 10n; k++) {
      s.form(`${insn} (%rsi)`, std({ ops: [], fixed: { rsi: DATA_ADDR + 0x2000n - k }, random: 1 }), { name: `${insn} with ${k} byte(s) before the unmapped page (#PF)` });
    }
    // privileged / IOPL-sensitive at CPL 3 -> #GP(0)
    for (const t of ['hlt', 'cli', 'sti', 'inb $0x80, %al', 'outb %al, $0x80', 'inw %dx, %ax', 'outl %eax, %dx', 'rdmsr', 'wrmsr', 'movq %cr0, %rax', 'movq %rax, %cr3', 'movq %dr7, %rax', 'lgdt (%rsi)', 'lidt (%rsi)', 'invlpg (%rsi)', 'wbinvd', 'invd', 'clts', 'swapgs', 'ltr %ax', 'lldt %ax', 'insb (%dx), %es:(%rdi)', 'outsb %ds:(%rsi), (%dx)']) {
      s.form(t, std({ ops: [], random: 3 }), { name: `${t} at CPL 3 (#GP)` });
    }
  },
);
