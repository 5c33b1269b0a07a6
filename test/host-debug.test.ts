// Host debugging (vcpu.singleStep / addBreakpoint / addWatchpoint /
// onInstruction / onMemoryAccess) on test/host-guests/debug.c: single-step a
// guest function and compare the RIP sequence with its disassembly; a host
// breakpoint the guest cannot see; a write watchpoint next to the guest's own
// DR1 breakpoint; the guest's own TF single-step and INT3 while the host
// debugs. The guest asserts at every stage that DR6, DR7 and its code bytes
// are its own. Every execution path. And the instruction hook on a program whose
// instructions lie 4 KiB apart (the hook's RIP conversions are cached by their low bits).
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS, type ExecutionPath } from '../src/cpu/execution-path.js';
import { decode, MODE64 } from '../src/isa/decoder.js';
import { disassemble } from '../src/isa/disasm.js';
import { Vm } from '../src/vm.js';
import type { Vcpu } from '../src/host/vcpu.js';
import type { VcpuExit } from '../src/host/exits.js';
import type { MemoryAccess } from '../src/host/debug.js';
import { hostGuestsAvailable, loadHostGuest } from './helpers/host-guests.js';
import { codeImage, DATA_OFFSET, KERNEL_BASE, le32 } from './helpers/elf-writer.js';

const show = (e: unknown) => JSON.stringify(e, (_k, v) => typeof v === 'bigint' ? `0x${v.toString(16)}` : v);

/** Runs ucalls through until SYNC `stage`; returns its four values. Any other exit fails. */
function untilSync(vcpu: Vcpu, stage: number): bigint[] {
  for (;;) {
    const e = vcpu.run();
    if (e.reason === 'ucall' && e.cmd === 'SYNC' && e.args[1] === BigInt(stage)) return e.args.slice(2, 6);
    if (e.reason === 'ucall' && e.cmd === 'PRINTF') continue;
    throw new Error(`expected SYNC ${stage}, got ${show(e)}`);
  }
}

function sym(vm: Vm, name: string): bigint {
  const v = vm.symbol(name);
  if (v === undefined) throw new Error(`no symbol ${name}`);
  return v;
}

/** The instructions of a straight-line function up to its RET, decoded from guest memory. */
function disassembly(vm: Vm, fn: bigint): { rip: bigint; text: string }[] {
  const bytes = vm.readVirtual(fn, 64)!;
  const out: { rip: bigint; text: string }[] = [];
  for (let off = 0; ;) {
    const insn = decode(bytes, off, bytes.length - off, MODE64)!;
    out.push({ rip: fn + BigInt(off), text: disassemble(insn, fn + BigInt(off), bytes.subarray(off, off + insn.len)) });
    if (bytes[off] === 0xc3) return out;
    off += insn.len;
  }
}

/** The entry point of the guest's handler for `vector`, from its IDT (64-bit gate: offset 15:0, 31:16, 63:32). */
function handlerEntry(vm: Vm, vector: number): bigint {
  const g = vm.readVirtual(vm.vcpu.getSregs().idt.base + BigInt(16 * vector), 16)!;
  const dv = new DataView(g.buffer, g.byteOffset, 16);
  return BigInt(dv.getUint16(0, true)) | (BigInt(dv.getUint16(6, true)) << 16n) | (BigInt(dv.getUint32(8, true)) << 32n);
}

const load = (executionPath: ExecutionPath) => loadHostGuest('debug', { executionPath });

describe.skipIf(!hostGuestsAvailable.ok)('host debugging', () => {
  for (const executionPath of EXECUTION_PATHS) describe(`${executionPath} path`, () => {
    it('single-steps a guest function: the RIP sequence is its disassembly, then the return address', () => {
      const vm = load(executionPath), { vcpu } = vm;
      const fn = sym(vm, 'stepped');
      const insns = disassembly(vm, fn);
      expect(insns.map((i) => i.text)).toEqual([
        'mov    %rdi,%rax', 'add    $0x5,%rax', 'imul   $0x3,%rax,%rax', 'push   %rax',
        'xorq   $0x10,(%rsp)', 'pop    %rax', 'lea    0x1(%rax),%rax', 'ret',
      ]);
      vcpu.addBreakpoint(fn);
      expect(vcpu.run()).toEqual({ reason: 'debug', cause: 'breakpoint', rip: fn });
      const ret = new DataView(vm.readVirtual(vcpu.getRegs().rsp, 8)!.buffer).getBigUint64(0, true);
      const traced: bigint[] = [];
      vcpu.onInstruction((_v, rip) => traced.push(rip));
      vcpu.singleStep(true);
      const stepped: bigint[] = [];
      const retired: number[] = [];
      for (let k = 0; k < insns.length; k++) {
        const before = vcpu.instructions;
        const e = vcpu.run();
        expect(e).toMatchObject({ reason: 'debug', cause: 'single-step' });
        if (e.reason === 'debug') stepped.push(e.rip);
        retired.push(vcpu.instructions - before);
        if (k === 2) expect(vcpu.getRegs().rax).toBe(36n); // after the IMUL
      }
      expect(stepped).toEqual([...insns.slice(1).map((i) => i.rip), ret]);
      expect(retired).toEqual(insns.map(() => 1)); // exactly one instruction per run()
      expect(traced).toEqual(insns.map((i) => i.rip)); // the instruction hook, before each
      vcpu.singleStep(false);
      vcpu.onInstruction(null);
      expect(untilSync(vcpu, 1)).toEqual([0x35n, 0x48n, 0n, 0n]);
    });

    it('a software breakpoint the guest cannot see: no byte planted, resuming runs the instruction once', () => {
      const vm = load(executionPath), { vcpu } = vm;
      const fn = sym(vm, 'stepped');
      const int3 = sym(vm, 'int3_after') - 1n;
      vcpu.addBreakpoint(fn);
      vcpu.addBreakpoint(int3);
      expect(vcpu.run()).toEqual({ reason: 'debug', cause: 'breakpoint', rip: fn });
      expect(vm.readVirtual(fn, 1)).toEqual(Uint8Array.of(0x48));
      // Resumed: the instruction runs without a second stop; the guest reads its own code byte.
      expect(untilSync(vcpu, 1)).toEqual([0x35n, 0x48n, 0n, 0n]);
      untilSync(vcpu, 2);
      untilSync(vcpu, 3);
      untilSync(vcpu, 4);
      // Before the guest's own INT3: the host's stop, then the guest's #BP handler sees its INT3 once.
      expect(vcpu.run()).toEqual({ reason: 'debug', cause: 'breakpoint', rip: int3 });
      expect(vcpu.removeBreakpoint(int3)).toBe(true);
      expect(vcpu.removeBreakpoint(int3)).toBe(false);
      expect(untilSync(vcpu, 5)).toEqual([1n, int3 + 1n, 0n, 0n]);
      // An instruction that branches to itself (LOOP, RCX = 3) arrives three times: three stops, three hook calls.
      const loop = sym(vm, 'loop_at');
      vcpu.addBreakpoint(loop);
      const hooked: bigint[] = [];
      vcpu.onInstruction((_v, rip) => { if (rip === loop) hooked.push(rip); });
      for (const rcx of [3n, 2n, 1n]) {
        expect(vcpu.run()).toEqual({ reason: 'debug', cause: 'breakpoint', rip: loop });
        expect(vcpu.getRegs().rcx).toBe(rcx);
      }
      // REP STOSB (4 elements): one arrival, one stop; resumed, it completes without stopping again,
      // also while a watchpoint (elsewhere) makes it run one element per step.
      const rep = sym(vm, 'rep_at');
      vcpu.addBreakpoint(rep);
      vcpu.addWatchpoint({ address: sym(vm, 'watched'), length: 8, kind: 'access' });
      expect(vcpu.run()).toEqual({ reason: 'debug', cause: 'breakpoint', rip: rep });
      expect(vcpu.getRegs().rcx).toBe(4n);
      expect(untilSync(vcpu, 6)).toEqual([0n, 0n, 0n, 0n]);
      expect(hooked).toEqual([loop, loop, loop]);
      vcpu.onInstruction(null);
      expect(vcpu.run()).toMatchObject({ reason: 'ucall', cmd: 'DONE' });
    });

    it('the guest single-steps itself (TF) while the host single-steps it: its #DB traps are delivered as without a host', () => {
      const vm = load(executionPath), { vcpu } = vm;
      untilSync(vcpu, 1);
      const db = handlerEntry(vm, 1);
      const [ss2, ss3, ssEnd] = ['ss_2', 'ss_3', 'ss_end'].map((n) => sym(vm, n));
      vcpu.singleStep(true);
      const rips: bigint[] = [];
      const retired: number[] = [];
      let sync: VcpuExit | undefined;
      for (let k = 0; k < 5000 && sync === undefined; k++) {
        const before = vcpu.instructions;
        const e = vcpu.run();
        if (e.reason === 'ucall') { sync = e; break; }
        expect(e).toMatchObject({ reason: 'debug', cause: 'single-step' });
        if (e.reason === 'debug') rips.push(e.rip);
        retired.push(vcpu.instructions - before);
      }
      expect(sync).toMatchObject({ reason: 'ucall', cmd: 'SYNC', args: [expect.anything(), 2n, 3n, 0n, 0n, 0n, 0n] });
      // After the instruction that traps, the host stops at the boundary; the next step delivers the
      // guest's #DB (no instruction retired) and stops at its handler's entry.
      const entries = rips.flatMap((r, k) => (r === db ? [k] : []));
      expect(entries.map((k) => rips[k - 1])).toEqual([ss2, ss3, ssEnd]);
      expect(entries.map((k) => retired[k])).toEqual([0, 0, 0]);
      expect(retired.filter((n) => n !== 1).length).toBe(3);
    });

    it('a write watchpoint stops after the store, next to the guest\'s own DR1 breakpoint; an access watchpoint on a read', () => {
      const vm = load(executionPath), { vcpu } = vm;
      untilSync(vcpu, 1);
      untilSync(vcpu, 2);
      const watched = sym(vm, 'watched'), watched2 = sym(vm, 'watched2');
      const w = vcpu.addWatchpoint({ address: watched, length: 8, kind: 'write' });
      const r = vcpu.addWatchpoint({ address: watched2 + 4n, length: 2, kind: 'access' });
      const accesses: MemoryAccess[] = [];
      vcpu.onMemoryAccess((a) => { if (a.address === watched) accesses.push(a); });
      const e = vcpu.run();
      expect(e).toEqual({ reason: 'debug', cause: 'watchpoint', rip: sym(vm, 'wr_after'), address: watched, size: 8, write: true, watchpoint: w });
      expect(vm.readVirtual(watched, 8)).toEqual(Uint8Array.of(5, 0, 0, 0, 0, 0, 0, 0));
      // The guest's read before it did not stop (kind 'write'); the hook saw both.
      expect(accesses).toEqual([
        { address: watched, size: 8, kind: 'read', value: 0n },
        { address: watched, size: 8, kind: 'write', value: 5n },
      ]);
      vcpu.onMemoryAccess(null);
      // The guest's own DR1 #DB (DR6.B1 only) is delivered on resume: the guest asserts it.
      const [v, wrAt, wrAfter] = untilSync(vcpu, 3);
      expect([v, wrAt, wrAfter]).toEqual([0n, sym(vm, 'wr_at'), sym(vm, 'wr_after')]);
      const rd = sym(vm, 'rd_at');
      const insn = decode(vm.readVirtual(rd, 15)!, 0, 15, MODE64)!;
      expect(vcpu.run()).toEqual({ reason: 'debug', cause: 'watchpoint', rip: rd + BigInt(insn.len), address: watched2, size: 8, write: false, watchpoint: r });
      expect(vcpu.removeWatchpoint(w)).toBe(true);
      expect(vcpu.removeWatchpoint(r)).toBe(true);
      expect(untilSync(vcpu, 4)).toEqual([0x77n, rd, 0n, 0n]);
      untilSync(vcpu, 5);
      untilSync(vcpu, 6);
      expect(vcpu.run()).toMatchObject({ reason: 'ucall', cmd: 'DONE' });
    });
  });
});

// The instruction hook's RIPs are converted through a cache indexed by the address's low 12 bits
// (src/host/debug.ts): instructions 4 KiB apart share a slot, and each must still be reported as itself.
describe('the instruction hook with RIPs 4 KiB apart', () => {
  // 0: mov ecx,3; 5: jmp 0x1000; 0x1000: jmp 0x2000; 0x2000: dec ecx; 0x2002: jnz 5; 0x2008: out 0xf4,eax (debug-exit); hlt
  const code = new Uint8Array(0x200b).fill(0x90);
  code.set([0xb9, 3, 0, 0, 0, 0xe9, 0xf6, 0x0f, 0, 0], 0);
  code.set([0xe9, 0xfb, 0x0f, 0, 0], 0x1000);
  code.set([0xff, 0xc9, 0x0f, 0x85, 0xfd, 0xdf, 0xff, 0xff, 0xe7, 0xf4, 0xf4], 0x2000);
  for (const executionPath of EXECUTION_PATHS) it(`${executionPath} path: each RIP as itself`, () => {
    const vm = Vm.fromElf(codeImage(code), { executionPath });
    const traced: bigint[] = [];
    vm.vcpu.onInstruction((_v, rip) => traced.push(rip - KERNEL_BASE));
    expect(vm.run()).toMatchObject({ outcome: 'debug-exit', instructions: 1 + 3 * 4 + 1 });
    expect(traced).toEqual([0n, ...[0, 1, 2].flatMap(() => [5n, 0x1000n, 0x2000n, 0x2002n]), 0x2008n]);
  });
});

// A REP string instruction moves ~65,536 bytes per execution in bulk, ~1,000 one by one: while no access
// matters to a watch (a host's instruction hook or breakpoint alone, no watchpoint, no access hook, no guest
// data breakpoint), the debug loop moves them in bulk too, so the guest's retired count — what RDTSC reads —
// is the same as without the host.
describe('a long REP MOVSB under host debugging', () => {
  const code = [
    0x48, 0x8d, 0x35, ...le32(DATA_OFFSET - 7), // lea rsi, [rip + data]
    0x48, 0x8d, 0x3d, ...le32(DATA_OFFSET + 0x40000 - 14), // lea rdi, [rip + data + 256 KiB]
    0xb9, ...le32(200_000), // mov ecx, 200000
    0xf3, 0xa4, // rep movsb
    0xe7, 0xf4, // out $0xf4, eax (debug exit)
  ];
  const run = (setUp: (vm: Vm) => void) => {
    const vm = Vm.fromElf(codeImage(code, new Uint8Array(0x80000)));
    setUp(vm);
    return vm.run().instructions;
  };
  it('retires as many times with an instruction hook or a breakpoint as without; per element under an access hook', () => {
    const alone = run(() => {});
    expect(alone).toBeLessThan(10);
    expect(run((vm) => vm.vcpu.onInstruction(() => {}))).toBe(alone);
    expect(run((vm) => vm.vcpu.addBreakpoint(KERNEL_BASE + 0x1000n))).toBe(alone);
    expect(run((vm) => vm.vcpu.onMemoryAccess(() => {}))).toBeGreaterThan(100); // every element reaches the hook
  });
});
