// End to end: the privilege guests (guests/user-*.c) on every execution
// path, with and without forced emulation. Each guest checks the exact
// vector, error code, CR2, RIP and pushed frame of every case itself and
// reports how many cases it ran; these tests check that number (computed
// here from the guest's table size, not read back from the emulator), the
// exact event sequence, and the loader's is_forced_emulation_enabled.
import { describe, it, expect } from 'vitest';
import { Vm, ImageError, FEP_SYMBOL, type UcallEvent, type GuestEvent } from '../src/vm.js';
import { guestImage, imagesAvailable } from './helpers/images.js';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import { CPU_VENDORS } from '../src/arch/vendor.js';

const ucalls = (events: GuestEvent[]) => events.filter((e): e is UcallEvent => e.type === 'ucall');
const cmds = (events: GuestEvent[]) => ucalls(events).map((e) => e.cmd);

// Cases per pass of each table guest (rows of its table; a pass is doubled
// with forced emulation, which runs every row again behind KVM_FEP).
const PASS_CASES = {
  'user-paging': 38,   // 38 rows (the reserved-bit rows need MAXPHYADDR < 52: 48 here)
  'user-syscall': 6,   // 4 round trips + SCE=0 #UD + SYSRET #GP
  'user-sysinsn': 51,  // 35 rows, 16 of them also at CPL 0
  'user-io': 22,       // 22 rows
} as const;

for (const executionPath of EXECUTION_PATHS) for (const vendor of CPU_VENDORS) for (const fep of [false, true]) {
  const passes = fep ? 2 : 1;
  const run = (name: string) => {
    const vm = Vm.fromElf(guestImage(name), { executionPath, vendor, forcedEmulation: fep });
    return { vm, result: vm.run() };
  };
  describe.skipIf(!imagesAvailable.ok)(`privilege guests, ${executionPath} path, ${vendor}${fep ? ', forced emulation' : ''}`, () => {
    it('user-mode: ucalls from CPL 3, a value back from run_in_user_mode, exception frames on RSP0 and IST2, DONE from CPL 3', () => {
      const { vm, result } = run('user-mode');
      expect(result.outcome).toBe('done');
      const u = ucalls(result.events);
      expect(u.map((e) => e.cmd)).toEqual(['SYNC', 'PRINTF', 'SYNC', 'SYNC', 'DONE']);
      expect(vm.readString(u[0]!.args[0]!)).toBe('hello');
      expect(u[0]!.args[0]! < 0x800000000000n).toBe(true); // the user-half copy of "hello"
      expect(u[0]!.args.slice(1)).toEqual([0x1234n, 0n, 0n, 0n, 0n, 0n]);
      expect(u[1]!.text).toBe('hello from CPL 3, arg 0x1234\n');
      expect(u.slice(2, 4).map((e) => e.args[1])).toEqual([1n, 2n]);
    });

    it('user-assert: an ABORT from CPL 3 carries expression, file, line and message', () => {
      const { result } = run('user-assert');
      expect(result.outcome).toBe('abort');
      expect(cmds(result.events)).toEqual(['PRINTF', 'ABORT']);
      expect(ucalls(result.events)[0]!.text).toBe('cpl 3: x = 41\n');
      expect(result.last).toMatchObject({ expr: 'x == 42', file: 'guests/user-assert.c', line: 23, text: '0x29 != 0x2a (x != 42)' });
    });

    it('sys-regs: every CR4 bit against CPUID (60 checks), CR0 and CR8 rules, descriptor accessed bits, LTR busy, FSGSBASE, RDPID', () => {
      const { result } = run('sys-regs');
      expect(result.last).toBeUndefined();
      expect(result.outcome).toBe('done');
      const u = ucalls(result.events);
      expect(u.map((e) => `${e.cmd} ${e.args[1] ?? ''}`)).toEqual(['SYNC 1', 'SYNC 2', 'SYNC 3', 'SYNC 4', 'DONE 0']);
      expect(u[0]!.args[2]).toBe(60n); // 64 CR4 bits but PAE, OSFXSR, OSXMMEXCPT, CET
    });

    it('far-calls: a 64-bit call gate from CPL 3 and LRETQ back (frame, SS null, RSP0), the gate at DPL 0 (#GP), LRETQ setting an accessed bit, LAR/LSL/VERR/VERW', () => {
      const { result } = run('far-calls');
      expect(result.last).toBeUndefined();
      expect(result.outcome).toBe('done');
      expect(ucalls(result.events).map((e) => `${e.cmd} ${e.args[1] ?? ''}`)).toEqual(['SYNC 1', 'SYNC 2', 'SYNC 3', 'SYNC 4', 'DONE 0']);
    });

    it('user-debug: #AC from CPL 3 (AM x AC x 6 probes x 8 offsets), single-step, an execute and a write breakpoint', () => {
      const { result } = run('user-debug');
      expect(result.last).toBeUndefined();
      expect(result.outcome).toBe('done');
      expect(ucalls(result.events).map((e) => `${e.cmd} ${e.args[1] ?? ''}`)).toEqual(['SYNC 1', 'SYNC 2', 'SYNC 3', 'SYNC 4', 'DONE 0']);
    });

    for (const name of ['user-paging', 'user-syscall', 'user-sysinsn'] as const) {
      it(`${name}: every case passes (SYNC = ${PASS_CASES[name]} x ${passes})`, () => {
        const { result } = run(name);
        expect(result.last).toBeUndefined(); // no ABORT message hidden behind the outcome
        expect(result.outcome).toBe('done');
        const u = ucalls(result.events);
        expect(u.map((e) => e.cmd)).toEqual(['SYNC', 'DONE']);
        expect(u[0]!.args[1]).toBe(BigInt(PASS_CASES[name] * passes));
      });
    }

    it(`user-io: allowed accesses to port 0x1000 are NONE ucalls, every case passes (SYNC = ${PASS_CASES['user-io']} x ${passes})`, () => {
      const { result } = run('user-io');
      expect(result.last).toBeUndefined();
      expect(result.outcome).toBe('done');
      // Per pass: inb 0x1000, outb 0x1000 (bitmap), inl 0x1000 at IOPL 3.
      expect(cmds(result.events)).toEqual([...Array(3 * passes).fill('NONE'), 'SYNC', 'DONE']);
      expect(ucalls(result.events).at(-2)!.args[1]).toBe(BigInt(PASS_CASES['user-io'] * passes));
    });
  });
}

describe.skipIf(!imagesAvailable.ok)('the loader sets is_forced_emulation_enabled', () => {
  const flag = (vm: Vm) => vm.readVirtual(vm.symbol(FEP_SYMBOL)!, 1)![0];

  it.each([false, true])('to %s before the first instruction', (forcedEmulation) => {
    const vm = Vm.fromElf(guestImage('hello'), { forcedEmulation });
    expect(vm.symbol(FEP_SYMBOL)).toBeDefined();
    expect(flag(vm)).toBe(forcedEmulation ? 1 : 0);
  });

  // Patch the symbol's st_size / st_value in a copy of a real image.
  function patchSymbol(field: 'size' | 'value', v: bigint): Uint8Array {
    const b = Uint8Array.from(guestImage('hello'));
    const dv = new DataView(b.buffer);
    const shoff = Number(dv.getBigUint64(40, true)), shnum = dv.getUint16(60, true);
    for (let i = 0; i < shnum; i++) {
      const sh = shoff + i * 64;
      if (dv.getUint32(sh + 4, true) !== 2 /* SHT_SYMTAB */) continue;
      const off = Number(dv.getBigUint64(sh + 24, true)), size = Number(dv.getBigUint64(sh + 32, true));
      const strtab = shoff + dv.getUint32(sh + 40, true) * 64;
      const strOff = Number(dv.getBigUint64(strtab + 24, true));
      for (let s = off; s < off + size; s += 24) {
        const n = strOff + dv.getUint32(s, true);
        const name = new TextDecoder().decode(b.subarray(n, b.indexOf(0, n)));
        if (name === FEP_SYMBOL) { dv.setBigUint64(s + (field === 'size' ? 16 : 8), v, true); return b; }
      }
    }
    throw new Error('symbol not found');
  }

  it('refuses a symbol that is not a 1-byte bool', () => {
    expect(() => Vm.fromElf(patchSymbol('size', 4n))).toThrow(ImageError);
    expect(() => Vm.fromElf(patchSymbol('size', 4n))).toThrow(/must be a 1-byte bool/);
  });

  it('refuses a symbol outside the loaded segments', () => {
    expect(() => Vm.fromElf(patchSymbol('value', 0x1000n))).toThrow(/not in a loaded segment/);
  });
});
