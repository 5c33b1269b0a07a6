// Validates the native executor on its own (no emulator involved): results are
// checked against hand-computed expectations, so that the differential suites
// can trust the native side.
import { describe, expect, it } from 'vitest';
import { asm1 } from '../support/assemble.js';
import { requireNative } from '../support/gate.js';
import { runNative } from '../support/native.js';
import {
  CODE_ADDR,
  DATA_ADDR,
  DATA_SIZE,
  FLAG,
  REG_INDEX,
  type RegName,
  STACK_ADDR,
  STACK_SIZE,
  type SnippetLikeInput,
  at,
} from '../support/types.js';

const avail = requireNative('native-harness');

function mkCase(asm: string, regs: Partial<Record<RegName, bigint>> = {}, rflags = 0n): SnippetLikeInput {
  const code = asm1(asm);
  const r = Array.from({ length: 16 }, (_, i) => BigInt.asUintN(64, 0x1111111111111111n * BigInt(i + 1)));
  r[REG_INDEX.rsp] = STACK_ADDR + 0x1000n;
  r[REG_INDEX.rsi] = DATA_ADDR + 0x1000n;
  for (const [k, v] of Object.entries(regs)) r[REG_INDEX[k as RegName]] = v;
  const data = new Uint8Array(DATA_SIZE);
  for (let i = 0; i < DATA_SIZE; i++) data[i] = (i * 7 + 3) & 0xff;
  return { code, regs: r, rflags, data, stack: new Uint8Array(STACK_SIZE) };
}

const BASE_FLAGS = 0x202n;

describe.skipIf(!avail.ok)('native executor', () => {
  it('passes registers through an empty snippet, forcing IF and bit 1, keeping only arithmetic flags and DF', () => {
    const c = mkCase('');
    c.rflags = 0xffffffffn; // TF, AC, NT, IOPL... must be dropped
    const [o] = runNative([c]);
    expect(o.outcome).toBe('ok');
    expect(o.rip).toBe(CODE_ADDR);
    expect(o.regs).toEqual(c.regs);
    expect(o.rflags).toBe(0xcd5n | BASE_FLAGS);
    expect(Buffer.compare(o.data, c.data)).toBe(0);
  });

  it('carries XMM0-15 and MXCSR in and out: unchanged through an empty snippet, moved by MOVDQA, captured at a fault', () => {
    const xmm = new Uint8Array(256);
    for (let i = 0; i < 256; i++) xmm[i] = (i * 13 + 5) & 0xff;
    const withXmm = (asm: string, mxcsr: number) => ({ ...mkCase(asm), xmm, mxcsr });
    // movdqa %xmm3,%xmm0; ldmxcsr (%rsi) reads the data image's dword at 0x1000 (bytes 7i+3: 0x1e171009 has reserved bits: #GP)
    const [empty, moved, faulted, ld] = runNative([withXmm('', 0x1f80), withXmm('movdqa %xmm3, %xmm0; pxor %xmm15, %xmm15', 0x7f80),
      withXmm('movdqa %xmm2, %xmm1; ud2', 0x3f80), withXmm('movl $0xff00, (%rsi); ldmxcsr (%rsi)', 0x1f80)]);
    expect(Buffer.compare(empty.xmm!, xmm)).toBe(0);
    expect(empty.mxcsr).toBe(0x1f80);
    const want = new Uint8Array(xmm);
    want.copyWithin(0, 48, 64);
    want.fill(0, 240, 256);
    expect(Buffer.compare(moved.xmm!, want)).toBe(0);
    expect(moved.mxcsr).toBe(0x7f80);
    expect(faulted.outcome).toBe('exception');
    expect(faulted.exception?.vector).toBe(6);
    const want2 = new Uint8Array(xmm);
    want2.copyWithin(16, 32, 48);
    expect(Buffer.compare(faulted.xmm!, want2)).toBe(0);
    expect(faulted.mxcsr).toBe(0x3f80);
    expect(ld.outcome).toBe('ok');
    expect(ld.mxcsr).toBe(0xff00);
  });

  it('addq %rcx,%rax computes the sum and flags', () => {
    const cases = [
      mkCase('addq %rcx, %rax', { rax: 5n, rcx: 7n }),
      mkCase('addq %rcx, %rax', { rax: 0xffffffffffffffffn, rcx: 1n }),
      mkCase('addq %rcx, %rax', { rax: 0x7fffffffffffffffn, rcx: 1n }, FLAG.CF),
    ] as const;
    const [a, b, c] = runNative(cases);
    expect(a.outcome).toBe('ok');
    expect(a.regs[REG_INDEX.rax]).toBe(12n);
    expect(a.regs[REG_INDEX.rcx]).toBe(7n);
    expect(a.rflags).toBe(BASE_FLAGS | FLAG.PF); // 12 = 0b1100: even parity
    expect(a.rip).toBe(CODE_ADDR + 3n);
    expect(b.regs[REG_INDEX.rax]).toBe(0n);
    expect(b.rflags).toBe(BASE_FLAGS | FLAG.CF | FLAG.PF | FLAG.AF | FLAG.ZF);
    expect(c.regs[REG_INDEX.rax]).toBe(0x8000000000000000n);
    expect(c.rflags).toBe(BASE_FLAGS | FLAG.PF | FLAG.AF | FLAG.SF | FLAG.OF);
  });

  it('adc honours the carry-in and DF survives to the output', () => {
    const [a, b] = runNative([
      mkCase('adcl %ecx, %eax', { rax: 0xffffffff00000001n, rcx: 2n }, FLAG.CF | FLAG.DF),
      mkCase('std'),
    ]);
    expect(a.regs[REG_INDEX.rax]).toBe(4n); // 32-bit op zero-extends
    expect(a.rflags & FLAG.DF).toBe(FLAG.DF);
    expect(b.rflags & FLAG.DF).toBe(FLAG.DF);
  });

  it('reports memory and stack writes', () => {
    const [a, b] = runNative([
      mkCase('movq %rax, 8(%rsi)', { rax: 0x0102030405060708n }),
      mkCase('pushq %rax; pushq $-2', { rax: 0xaabbccddeeff0011n }),
    ]);
    expect(a.outcome).toBe('ok');
    expect(Buffer.from(a.data.subarray(0x1008, 0x1010)).readBigUInt64LE()).toBe(0x0102030405060708n);
    expect(a.data[0x1007]).toBe((0x1007 * 7 + 3) & 0xff);
    expect(a.data[0x1010]).toBe((0x1010 * 7 + 3) & 0xff);
    expect(b.regs[REG_INDEX.rsp]).toBe(STACK_ADDR + 0x1000n - 16n);
    expect(Buffer.from(b.stack.subarray(0xff8, 0x1000)).readBigUInt64LE()).toBe(0xaabbccddeeff0011n);
    expect(Buffer.from(b.stack.subarray(0xff0, 0xff8)).readBigUInt64LE()).toBe(0xfffffffffffffffen);
  });

  it('reports #DE for division by zero and idiv overflow, at the faulting instruction', () => {
    const [a, b, c] = runNative([
      mkCase('nop; divq %rcx', { rcx: 0n }),
      mkCase('idivq %rcx', { rax: 0n, rdx: 0x8000000000000000n, rcx: 0xffffffffffffffffn }),
      mkCase('idivq %rcx', { rax: 0x8000000000000000n, rdx: 0xffffffffffffffffn, rcx: 0xffffffffffffffffn }),
    ]);
    for (const o of [a, b, c]) {
      expect(o.outcome).toBe('exception');
      expect(o.exception?.vector).toBe(0);
    }
    expect(a.rip).toBe(CODE_ADDR + 1n);
    expect(c.rip).toBe(CODE_ADDR);
  });

  it('reports #PF with error code and CR2 for read, write, fetch and protection faults', () => {
    const out = runNative([
      mkCase('movq (%rsi), %rax', { rsi: DATA_ADDR + BigInt(DATA_SIZE) }), // read, not present
      mkCase('movq %rax, -8(%rsi)', { rsi: DATA_ADDR }), // write, not present
      mkCase('movb %al, 5(%rsi)', { rsi: CODE_ADDR }), // write to R+X code: protection
      mkCase('jmp *%rax', { rax: 0x40000000n }), // fetch, not present
      mkCase('jmp *%rax', { rax: DATA_ADDR + 0x10n }), // fetch from NX data
    ]);
    const exp: [number, bigint, bigint][] = [
      [0x4, DATA_ADDR + BigInt(DATA_SIZE), CODE_ADDR],
      [0x6, DATA_ADDR - 8n, CODE_ADDR],
      [0x7, CODE_ADDR + 5n, CODE_ADDR],
      [0x14, 0x40000000n, 0x40000000n],
      [0x15, DATA_ADDR + 0x10n, DATA_ADDR + 0x10n],
    ];
    expect(out).toHaveLength(exp.length);
    exp.forEach(([errorCode, cr2, rip], i) => {
      const o = at(out, i);
      expect(o.outcome, `case ${i}`).toBe('exception');
      expect(o.exception, `case ${i}`).toEqual({ vector: 14, errorCode, cr2 });
      expect(o.rip, `case ${i}`).toBe(rip);
    });
  });

  it('reports #UD, #GP and #SS', () => {
    const [ud, lock, gp, ss, hlt] = runNative([
      mkCase('ud2'),
      mkCase('.byte 0xf0, 0x48, 0x01, 0xc1'), // lock addq %rax,%rcx
      mkCase('movq (%rax), %rcx', { rax: 0x8000000000000000n }), // non-canonical
      mkCase('movq (%rsp), %rcx', { rsp: 0x8000000000000000n }), // non-canonical stack access
      mkCase('hlt'),
    ]);
    expect(ud.exception).toEqual({ vector: 6 });
    expect(lock.exception).toEqual({ vector: 6 });
    expect(gp.exception).toEqual({ vector: 13, errorCode: 0 });
    expect(ss.exception).toEqual({ vector: 12, errorCode: 0 });
    expect(hlt.exception).toEqual({ vector: 13, errorCode: 0 });
  });

  it('captures the full state at a fault in the middle of rep stosb', () => {
    const [o] = runNative([
      mkCase('rep stosb', { rdi: DATA_ADDR + BigInt(DATA_SIZE) - 3n, rcx: 10n, rax: 0xabn }),
    ]);
    expect(o.exception).toEqual({ vector: 14, errorCode: 6, cr2: DATA_ADDR + BigInt(DATA_SIZE) });
    expect(o.regs[REG_INDEX.rcx]).toBe(7n);
    expect(o.regs[REG_INDEX.rdi]).toBe(DATA_ADDR + BigInt(DATA_SIZE));
    expect([...o.data.subarray(DATA_SIZE - 3)]).toEqual([0xab, 0xab, 0xab]);
  });

  it('stops runaway snippets with outcome limit', () => {
    const [o, next] = runNative([mkCase('1: jmp 1b'), mkCase('incq %rax', { rax: 1n })]);
    expect(o.outcome).toBe('limit');
    expect(next.outcome).toBe('ok');
    expect(next.regs[REG_INDEX.rax]).toBe(2n);
  });

  it('runs thousands of cases per second', () => {
    const cases: SnippetLikeInput[] = [];
    const proto = mkCase('addq %rcx, %rax; movq %rax, (%rsi); pushq %rax');
    const proto2 = mkCase('divq %rcx', { rcx: 0n });
    for (let i = 0; i < 20000; i++) {
      const p = i % 10 === 0 ? proto2 : proto;
      const regs = [...p.regs];
      regs[REG_INDEX.rax] = BigInt(i);
      cases.push({ ...p, regs });
    }
    const t0 = performance.now();
    const out = runNative(cases);
    const ms = performance.now() - t0;
    console.log(`native: ${cases.length} cases in ${ms.toFixed(0)} ms`);
    out.forEach((o, i) => {
      if (i % 10 === 0) expect(o.exception?.vector).toBe(0);
      else expect(o.regs[REG_INDEX.rax]).toBe(BigInt(i) + 0x2222222222222222n);
    });
    expect(ms).toBeLessThan(20000);
  });
});
