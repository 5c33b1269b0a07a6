// The guest runtime behaves as upstream KVM selftests' (test/host-guests/runtime.c,
// one case per run): handler before the KVM_ASM_SAFE fixup, KVM_MAGIC_DE_VECTOR,
// the _safe helpers and ex_str, the unhandled-exception report, ucalls that return
// (ABORT, DONE), printf overflow, %p, a test's own ucall numbers, self-patching
// code behind an opt-in, and what the host cannot read. Expected texts and values
// are written here from upstream's rules and the SDM/APM, not taken from a run.
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import { Vector } from '../src/arch/vectors.js';
import type { VcpuExit, UcallExit } from '../src/host/exits.js';
import { Vm, type VmOptions, type UcallEvent } from '../src/vm.js';
import { eventJson, eventLine } from '../src/cli/format.js';
import { HOST_GUEST_DIR, hostGuestsAvailable, loadHostGuest } from './helpers/host-guests.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** #DE inside a safe block (as upstream processor.h). */
const KVM_MAGIC_DE_VECTOR = 0xffn;
const BUFFER_LEN = 1024;

function start(testCase: number, options: VmOptions) {
  const vm = loadHostGuest('runtime', options);
  vm.writeGlobal('test_case', BigInt(testCase));
  return { vm, vcpu: vm.vcpu };
}

function ucall(exit: VcpuExit): UcallExit {
  if (exit.reason !== 'ucall') throw new Error(`expected a ucall, got ${exit.reason}`);
  return exit;
}
/** A SYNC's seven argument slots. */
function sync(exit: VcpuExit): bigint[] {
  const u = ucall(exit);
  expect(u.cmd).toBe('SYNC');
  return u.args;
}
const padded = (...v: (number | bigint)[]) => [...v.map(BigInt), ...Array(7 - v.length).fill(0n)];

/** The image with PF_W added to its supervisor executable PT_LOAD (an R+W+X segment, as guest-abi §1 allows). */
function withWritableText(image: Uint8Array): Uint8Array {
  const b = Uint8Array.from(image);
  const dv = new DataView(b.buffer);
  const phoff = Number(dv.getBigUint64(32, true)), phentsize = dv.getUint16(54, true), phnum = dv.getUint16(56, true);
  let patched = 0;
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * phentsize;
    const flags = dv.getUint32(o + 4, true), vaddr = dv.getBigUint64(o + 16, true);
    if (dv.getUint32(o, true) === 1 && (flags & 1) && vaddr >= 0xffff800000000000n) { dv.setUint32(o + 4, flags | 2, true); patched++; }
  }
  expect(patched).toBe(1);
  return b;
}

for (const executionPath of EXECUTION_PATHS) for (const forcedEmulation of [false, true]) {
  const opts: VmOptions = { executionPath, forcedEmulation };
  describe.skipIf(!hostGuestsAvailable.ok)(`guest runtime as upstream, ${executionPath} path${forcedEmulation ? ', forced emulation' : ''}`, () => {
    it('1: an installed handler runs before the KVM_ASM_SAFE fixup', () => {
      const { vcpu } = start(1, opts);
      // GUEST_SYNC_ARGS: "hello", stage 1, ud_seen, the vector with the handler (it skipped the ud2: no fault), without it.
      expect(sync(vcpu.run()).slice(1)).toEqual(padded(1, 1, 0, Vector.UD).slice(0, 6));
      expect(ucall(vcpu.run()).cmd).toBe('DONE');
    });

    it('2: #DE in a safe block is KVM_MAGIC_DE_VECTOR; ex_str; rdmsr/wrmsr/rdpmc/xgetbv/xsetbv _safe (and _fep)', () => {
      const { vcpu } = start(2, opts);
      expect(ucall(vcpu.run()).text).toBe('#DE|no exception|#GP|#NMI|#SX|#??');
      // #DE (error code 0); no MSR 0xdeadbeef: #GP for both; RDPMC: the model has no counters (#GP).
      expect(sync(vcpu.run())).toEqual(padded(KVM_MAGIC_DE_VECTOR, 0, Vector.GP, Vector.GP, Vector.GP, 0));
      // XGETBV with CR4.OSXSAVE = 0 is #UD; then XCR0 = 1 (x87, its reset value); XSETBV XCR0 = 0 is #GP (SDM Vol. 2C XSETBV).
      expect(sync(vcpu.run())).toEqual(padded(Vector.UD, 0, 1, Vector.GP, 0));
      if (forcedEmulation) {
        // XGETBV ECX = 2 (no such XCR) is #GP; a KVM_FEP'd ud2 is #UD.
        expect(sync(vcpu.run())).toEqual(padded(KVM_MAGIC_DE_VECTOR, Vector.GP, Vector.GP, Vector.GP, Vector.GP, Vector.UD));
      }
      expect(ucall(vcpu.run()).cmd).toBe('DONE');
    });

    it('3: an unhandled exception is upstream\'s GUEST_FAIL; resumed, the instruction faults again', () => {
      const { vm, vcpu } = start(3, opts);
      const rip = vm.symbol('unhandled_insn')!;
      const want = {
        cmd: 'ABORT', expr: 'Unconditional guest failure', file: 'guests/lib/processor.c',
        text: `Unhandled exception '0x6' at guest RIP '0x${rip.toString(16)}'`,
      };
      expect(ucall(vcpu.run())).toMatchObject(want);
      expect(ucall(vcpu.run())).toMatchObject(want);
    });

    it('4: ABORT and DONE return when the host resumes the guest', () => {
      const { vcpu } = start(4, opts);
      expect(ucall(vcpu.run())).toMatchObject({
        cmd: 'ABORT', expr: 'test_case == 5', file: 'test/host-guests/runtime.c', text: '0x4 != 0x5 (test_case != 5)',
      });
      expect(sync(vcpu.run())[1]).toBe(41n);
      expect(ucall(vcpu.run()).cmd).toBe('DONE');
      expect(sync(vcpu.run())[1]).toBe(42n);
      expect(ucall(vcpu.run()).cmd).toBe('DONE'); // main returned: _start's DONE
      expect(vcpu.run().reason).toBe('hlt');
    });

    it('5: text that does not fit the buffer asserts (GUEST_PRINTF, guest_snprintf); C99 snprintf cuts', () => {
      const { vcpu } = start(5, opts);
      const fits = 'a'.repeat(BUFFER_LEN - 1);
      expect(ucall(vcpu.run())).toMatchObject({ cmd: 'PRINTF', text: fits });
      const overflow = { cmd: 'ABORT', expr: 'str < end', file: 'guests/lib/printf.c', text: 'str < end' };
      const abort = ucall(vcpu.run());
      expect(abort).toMatchObject(overflow);
      // Resumed: the PRINTF goes out cut, from a struct of its own.
      const cut = ucall(vcpu.run());
      expect(cut).toMatchObject({ cmd: 'PRINTF', text: fits });
      expect(cut.address).not.toBe(abort.address);
      expect(sync(vcpu.run())).toEqual(padded(7, 8));
      expect(ucall(vcpu.run())).toMatchObject(overflow);
      expect(sync(vcpu.run())).toEqual(padded(0x37, 0)); // '7', then the NUL
      expect(ucall(vcpu.run()).cmd).toBe('DONE');
    });

    it('6: %p as upstream\'s guest printf', () => {
      const { vcpu } = start(6, opts);
      expect(ucall(vcpu.run()).text).toBe([
        '0x00000000000000', '0x00000000001234', '0xffffffff80001000', `${' '.repeat(17)}ABC`,
        `0x12${' '.repeat(12)}`, `ABC${' '.repeat(17)}`, '123456',
      ].join('|'));
      expect(ucall(vcpu.run()).text).toBe('0x00000000001234'); // snprintf: the same %p
      expect(ucall(vcpu.run()).cmd).toBe('DONE');
    });

    it('7: a test\'s own ucall numbers reach the host as CUSTOM with the number; GUEST_UCALL_NONE; GUEST_SYNC1..4', () => {
      const { vcpu } = start(7, opts);
      expect(ucall(vcpu.run())).toMatchObject({ cmd: 'CUSTOM', number: 0x1234n, args: padded(7, 8, 9) });
      expect(ucall(vcpu.run())).toMatchObject({ cmd: 'NONE', number: 0n, address: 0n });
      expect(ucall(vcpu.run())).toMatchObject({ cmd: 'CUSTOM', number: 6n, args: padded() });
      expect(sync(vcpu.run())).toEqual(padded(1));
      expect(sync(vcpu.run())).toEqual(padded(1, 2, 3));
      expect(sync(vcpu.run())).toEqual(padded(1, 2, 3, 4));
      expect(ucall(vcpu.run()).cmd).toBe('DONE');
    });

    it('7, ABI runner: a CUSTOM event carries the number and the run goes on', () => {
      const vm = loadHostGuest('runtime', opts);
      vm.writeGlobal('test_case', 7n);
      const r = vm.run();
      expect(r.outcome).toBe('done');
      const custom = r.events.filter((e) => e.type === 'ucall' && e.cmd === 'CUSTOM');
      expect(custom).toEqual([
        { type: 'ucall', cmd: 'CUSTOM', number: 0x1234n, args: padded(7, 8, 9) },
        { type: 'ucall', cmd: 'CUSTOM', number: 6n, args: padded() },
      ]);
      // The CLI's lines for it (README: --json adds "number").
      expect(JSON.parse(eventJson(custom[0]!))).toEqual({ type: 'ucall', cmd: 'CUSTOM', number: '0x1234', args: ['0x7', '0x8', '0x9', '0x0', '0x0', '0x0', '0x0'] });
      expect(eventLine(custom[0]!, vm, () => '')).toBe('CUSTOM 0x1234 0x7 0x8 0x9 0x0 0x0 0x0 0x0');
    });

    it('8: code that patches itself: a #PF by default; runs with writableCode or an R+W+X segment', () => {
      const plain = start(8, opts).vcpu;
      const abort = ucall(plain.run());
      expect(abort.cmd).toBe('ABORT');
      expect(abort.text).toMatch(/^Unhandled exception '0xe' at guest RIP '0xffffffff8[0-9a-f]+'$/);

      const { vm, vcpu } = start(8, { ...opts, writableCode: true });
      expect(sync(vcpu.run()).slice(1)).toEqual(padded(8, 1, 2).slice(0, 6));
      expect(ucall(vcpu.run()).cmd).toBe('DONE');
      // Only code became writable: .rodata still is not (PTE bit 1, R/W).
      const leaf = (sym: string) => vcpu.translate(vm.symbol(sym)!).entries.at(-1)!.value;
      expect(leaf('patch_site') & 2n).toBe(2n);
      expect(leaf('idt_handlers') & 2n).toBe(0n);

      const rwx = Vm.fromElf(withWritableText(readFileSync(join(HOST_GUEST_DIR, 'runtime.elf'))), opts);
      rwx.writeGlobal('test_case', 8n);
      expect(sync(rwx.vcpu.run()).slice(1)).toEqual(padded(8, 1, 2).slice(0, 6));
    });

    it('9: an ABORT string the host cannot read is named, GUEST_UCALL_FAILED is an error', () => {
      const { vcpu } = start(9, opts);
      expect(ucall(vcpu.run())).toMatchObject({
        cmd: 'ABORT', expr: '<unmapped string at 0x1000>', file: 'test/host-guests/runtime.c', text: 'expression not mapped',
      });
      const failed = ucall(vcpu.run());
      expect(failed.address).toBe(0xffffffffffffffffn);
      expect(failed.error).toMatch(/GUEST_UCALL_FAILED/);
    });

    it('10: ucall_unhandled() from a handler is the ABI\'s UNHANDLED outcome (vector, error code, RIP)', () => {
      const vm = loadHostGuest('runtime', opts);
      vm.writeGlobal('test_case', 10n);
      const r = vm.run();
      const rip = vm.symbol('unhandled_insn')!;
      expect(r.outcome).toBe('unhandled');
      expect(r.last).toMatchObject({ cmd: 'UNHANDLED', args: padded(Vector.UD, 0, rip) });
      expect(eventLine(r.last as UcallEvent, vm, (a) => `insn at ${a.toString(16)}`)).toBe(`UNHANDLED #UD(0x0) at rip 0x${rip.toString(16)}: insn at ${rip.toString(16)}`);
    });
  });
}
