// LSS, LFS, LGS r, m16:xx (SDM Vol. 2A LDS/LES/LFS/LGS/LSS; APM Vol. 3): the
// offset goes to the register at the pointer's size, the selector is loaded
// with MOV Sreg's checks; AMD ignores REX.W (m16:32, measured on an AMD host
// with `48 0f b5`), Intel reads m16:64; only MOV SS and POP SS hold traps for
// one instruction (SDM §6.8.3), so LSS does not.
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import { CPU_VENDORS } from '../src/arch/vendor.js';
import {
  Machine, CODE, DATA_LIN, RAX, RCX, SEG_FS, SEG_GS, SEG_SS, descriptor, outcome, phys, setDescriptor,
} from './helpers/system.js';

const LSS = [0x0f, 0xb2, 0x08], LFS = [0x0f, 0xb4, 0x08], LGS = [0x0f, 0xb5, 0x08]; // lXs (%rax),%ecx
const W = 0x48, O16 = 0x66;
const DATA = (base: number, dpl = 0) => descriptor(base, 0xfffff, 0xc093 | (dpl << 5));
const TF = 0x100;

/** Writes bytes at DATA_LIN. */
function bytes(m: Machine, b: number[]): void {
  m.mem.u8.set(b, phys(m, DATA_LIN));
}
const le = (v: number, n: number) => Array.from({ length: n }, (_, k) => Math.floor(v / 2 ** (8 * k)) & 0xff);

describe.each(EXECUTION_PATHS)('LSS, LFS, LGS (%s path)', (path) => {
  const run = (m: Machine, code: number[], rflags = 0x2) =>
    outcome(m.run(code, { path, rflags, regs: { [RAX]: BigInt(DATA_LIN), [RCX]: 0xdeadbeefdeadbeefn } }));

  it('m16:32: ECX = offset (zero-extended), FS/GS = selector with the descriptor base; 66: m16:16, CX only', () => {
    for (const [code, seg] of [[LFS, SEG_FS], [LGS, SEG_GS]] as const) {
      let m = new Machine();
      setDescriptor(m, 0x30, DATA(0x12345000));
      bytes(m, [...le(0x87654321, 4), ...le(0x30, 2)]);
      expect(run(m, code)).toBe('ok');
      expect([m.cpu.getReg64(RCX), m.cpu.segSel[seg], m.cpu.segBase[seg]]).toEqual([0x87654321n, 0x30, 0x12345000]);
      m = new Machine();
      setDescriptor(m, 0x30, DATA(0));
      bytes(m, [...le(0x4321, 2), ...le(0x30, 2)]);
      expect(run(m, [O16, ...code])).toBe('ok');
      expect([m.cpu.getReg64(RCX), m.cpu.segSel[seg]]).toEqual([0xdeadbeefdead4321n, 0x30]);
    }
  });

  it('REX.W: AMD reads m16:32 (the selector at +4, ECX zero-extended), Intel m16:64 (the selector at +8)', () => {
    for (const vendor of CPU_VENDORS) {
      const m = new Machine(undefined, vendor);
      setDescriptor(m, 0x30, DATA(0));
      bytes(m, [...le(0x55667788, 4), ...le(0x30, 2), 0x11, 0x22, ...le(0x10, 2)]); // +4: 0x30; +8: 0x10
      expect(run(m, [W, ...LGS])).toBe('ok');
      const want = vendor === 'amd' ? [0x55667788n, 0x30] : [0x2211003055667788n, 0x10];
      expect([vendor, m.cpu.getReg64(RCX), m.cpu.segSel[SEG_GS]]).toEqual([vendor, ...want]);
    }
  });

  it('the selector checks are MOV Sreg’s: the register is unchanged when they fault; the register form is #UD', () => {
    const cases: [string, number[], number, bigint | undefined, string][] = [
      ['LSS kernel data', LSS, 0x10, undefined, 'ok'],
      ['LSS null selector at CPL 0 (64-bit mode)', LSS, 0x00, undefined, 'ok'],
      ['LSS code segment', LSS, 0x08, undefined, '#GP(8)'],
      ['LSS DPL 3 data at CPL 0', LSS, 0x30, DATA(0, 3), '#GP(30)'],
      ['LSS not present', LSS, 0x30, descriptor(0, 0xfffff, 0xc013), '#SS(30)'],
      ['LGS not present', LGS, 0x30, descriptor(0, 0xfffff, 0xc013), '#NP(30)'],
      ['LFS beyond the GDT limit', LFS, 0x40, undefined, '#GP(40)'],
      ['LFS null selector', LFS, 0x00, undefined, 'ok'],
    ];
    for (const [name, code, sel, slot, want] of cases) {
      const m = new Machine();
      if (slot !== undefined) setDescriptor(m, 0x30, slot);
      bytes(m, [...le(0x1234, 4), ...le(sel, 2)]);
      expect(`${name}: ${run(m, code)}`).toBe(`${name}: ${want}`);
      expect(`${name}: ${m.cpu.getReg64(RCX).toString(16)}`).toBe(`${name}: ${want === 'ok' ? '1234' : 'deadbeefdeadbeef'}`);
      if (code === LSS && want === 'ok') expect(m.cpu.segSel[SEG_SS]).toBe(sel);
    }
    expect(run(new Machine(), [0x0f, 0xb2, 0xc8])).toBe('#UD');
  });

  it('LSS holds no single-step trap for the next instruction (only MOV SS and POP SS do)', () => {
    const m = new Machine();
    bytes(m, [...le(0x1234, 4), ...le(0x10, 2)]);
    expect(run(m, [...LSS, 0x90, 0x90], 0x2 | TF)).toBe('#DB');
    expect(m.cpu.rip).toBe(CODE + LSS.length);
  });
});
