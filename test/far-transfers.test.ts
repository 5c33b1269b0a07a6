// Far transfers in 64-bit mode (SDM Vol. 2A CALL/JMP, Vol. 2B RET, IA-32e
// paths; SDM Vol. 3A §5.8.3.1, §5.8.5, §5.8.6 call gates; APM Vol. 3 CALL/JMP
// (far), RETF): the far pointer per operand size and vendor (AMD ignores REX.W:
// m16:32, measured on an AMD host; Intel m16:64), the target checks with their
// error codes, the pushed frames, 64-bit call gates with a privilege change
// through TSS.RSPn, and far returns to the same and to an outer level.
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import type { CpuVendor } from '../src/arch/vendor.js';
import type { RunOptions } from './helpers/machine.js';
import {
  Machine, CODE, GDT, HANDLER, DATA_LIN, RAX, RSP, entryAddress, SEG_CS, SEG_DS, SEG_ES, SEG_SS, descriptor, outcome, phys, program, qwords, setDescriptor, setTss,
} from './helpers/system.js';

const STACK = 0x801f00, RSP0 = 0x801808, NEW_RSP = 0x801800;
const LJMP = [0xff, 0x28], LCALL = [0xff, 0x18];   // ljmp/lcall *(%rax)
const W = 0x48, O16 = 0x66;
const CODE32_DPL0 = descriptor(0, 0xfffff, 0x409b);  // L = 0, D = 1, byte-granular limit 0xfffff
const CODE64 = (dpl: number, type = 0xb) => descriptor(0, 0xfffff, 0xa090 | (dpl << 5) | type);

/** A 64-bit call gate (16 bytes) in GDT slot 0x30 (SDM Figure 5-9). */
function setCallGate(m: Machine, g: { sel?: number; rip?: number; dpl?: number; present?: boolean; type?: number; upper?: number }): void {
  const rip = BigInt.asUintN(64, BigInt(g.rip ?? HANDLER));
  const lo = (rip & 0xffffn) | (BigInt(g.sel ?? 0x08) << 16n) |
    (BigInt(((g.present ?? true) ? 0x80 : 0) | ((g.dpl ?? 3) << 5) | (g.type ?? 0xc)) << 40n) | (((rip >> 16n) & 0xffffn) << 48n);
  setDescriptor(m, 0x30, lo);
  m.mem.write64(m.gdtPhys + 0x38, (rip >> 32n) | (BigInt(g.upper ?? 0) << 40n));
}

/** Writes the far pointer {offset (size bytes), selector} at DATA_LIN. */
function pointer(m: Machine, offset: number | bigint, sel: number, size: number): void {
  const pa = phys(m, DATA_LIN);
  m.mem.u8.fill(0, pa, pa + 16);
  const o = BigInt.asUintN(64, BigInt(offset));
  for (let k = 0; k < size; k++) m.mem.u8[pa + k] = Number((o >> BigInt(8 * k)) & 0xffn);
  m.mem.write16(pa + size, sel);
}

const read32 = (m: Machine, lin: number) => m.mem.read32(phys(m, lin)) >>> 0;
/** The accessed bit of GDT entry `sel`. */
const accessed = (m: Machine, sel: number) => m.mem.u8[m.gdtPhys + (sel & ~7) + 5]! & 1;
/** Remaps the GDT page read-only: the implicit supervisor write of an accessed bit faults (CR0.WP = 1). */
const readOnlyGdt = (m: Machine) => { const pte = entryAddress(m, GDT); m.mem.write32(pte, m.mem.read32(pte) & ~2); };

describe.each(EXECUTION_PATHS)('far transfers (%s path)', (path) => {
  const go = (m: Machine, code: number[], o: RunOptions = {}) => {
    const r = m.run(code, { path, ...o, regs: { [RAX]: BigInt(DATA_LIN), ...o.regs } });
    return { r, s: outcome(r) };
  };

  describe('JMP m16:xx to a code segment', () => {
    it('m16:32 to 64-bit code at CPL 0 (CS = selector with RPL = CPL, RIP = offset); 66 → m16:16', () => {
      const m = new Machine();
      pointer(m, CODE + 2, 0x08, 4);
      expect(go(m, LJMP).s).toBe('ok');
      expect([m.cpu.segSel[SEG_CS], m.cpu.rip]).toEqual([0x08, CODE + 2]);
      pointer(m, 0x12345, 0x08, 2);                   // offset 0x2345 (16 bits), selector at +2
      const { s, r } = go(m, [O16, ...LJMP]);
      expect([s, r.cr2]).toEqual(['#PF(10)', 0x2345]);
    });

    it('REX.W: Intel reads m16:64, AMD ignores REX.W (m16:32)', () => {
      for (const [vendor, expected] of [['amd', 'ok'], ['intel', '#GP(28)']] as const) {
        const m = new Machine(undefined, vendor);
        const pa = phys(m, DATA_LIN);
        m.mem.write32(pa, CODE + 3); m.mem.write32(pa + 4, 0x08); m.mem.write16(pa + 8, 0x2b);
        expect(go(m, [W, ...LJMP]).s, vendor).toBe(expected);
        const m2 = new Machine(undefined, vendor);
        const pa2 = phys(m2, DATA_LIN);
        m2.mem.write32(pa2, CODE + 4); m2.mem.write32(pa2 + 4, 0x08); m2.mem.write16(pa2 + 8, 0x2b);
        expect(go(m2, [O16, W, ...LJMP]).s, `${vendor} 66 REX.W`).toBe(expected);
      }
      const m = new Machine(undefined, 'intel');
      pointer(m, 0x800000000000n, 0x08, 8);
      expect(go(m, [W, ...LJMP]).s).toBe('#GP(0)');    // non-canonical offset
      pointer(m, CODE + 3, 0x08, 8);
      expect(go(m, [W, ...LJMP]).s).toBe('ok');
    });

    const errors: [string, number, number, bigint | undefined, string][] = [
      ['null selector', 0x00, 0, undefined, '#GP(0)'],
      ['null selector with RPL 3', 0x03, 0, undefined, '#GP(0)'],
      ['beyond the GDT limit', 0x40, 0, undefined, '#GP(40)'],
      ['LDT selector, null LDTR', 0x0c, 0, undefined, '#GP(c)'],
      ['a data segment', 0x10, 0, undefined, '#GP(10)'],
      ['non-conforming DPL 3 from CPL 0', 0x2b, 0, undefined, '#GP(28)'],
      ['non-conforming DPL 0 with RPL 3 > CPL', 0x0b, 0, undefined, '#GP(8)'],
      ['non-conforming DPL 0 from CPL 3', 0x0b, 3, undefined, '#GP(8)'],
      ['not present', 0x30, 0, descriptor(0, 0xfffff, 0xa01b), '#NP(30)'],
      ['L = 1 and D = 1', 0x30, 0, descriptor(0, 0xfffff, 0xe09b), '#GP(30)'],
      ['conforming DPL 3 from CPL 0', 0x30, 0, CODE64(3, 0xf), '#GP(30)'],
      ['64-bit TSS', 0x30, 0, descriptor(0, 0x67, 0x89), '#GP(30)'],
      ['LDT', 0x30, 0, descriptor(0, 0x67, 0x82), '#GP(30)'],
      ['task gate (type 5)', 0x30, 0, descriptor(0, 0, 0x85), '#GP(30)'],
      ['16-bit call gate (type 4)', 0x30, 0, descriptor(0, 0, 0x84), '#GP(30)'],
      ['interrupt gate (type E)', 0x30, 0, descriptor(0, 0, 0x8e), '#GP(30)'],
    ];
    it.each(errors)('%s → %s', (_what, sel, cpl, slot30, expected) => {
      const m = new Machine();
      if (slot30 !== undefined) setDescriptor(m, 0x30, slot30);
      pointer(m, CODE + 2, sel, 4);
      expect(go(m, LJMP, { cpl }).s).toBe(expected);
      expect([m.cpu.segSel[SEG_CS], m.cpu.rip]).toEqual([cpl === 3 ? 0x2b : 0x08, CODE]);
    });

    it('conforming DPL 0 from CPL 3: the CPL stays 3 (CS.RPL = 3)', () => {
      const m = new Machine();
      setDescriptor(m, 0x30, CODE64(0, 0xf));
      pointer(m, CODE + 2, 0x30, 4);
      expect(go(m, LJMP, { cpl: 3 }).s).toBe('ok');
      expect([m.cpu.cpl, m.cpu.segSel[SEG_CS]]).toEqual([3, 0x33]);
    });

    it('to compatibility mode: the offset must lie within the CS limit (#GP(0)); the code there runs (an unmapped EIP: fetch #PF)', () => {
      const m = new Machine();
      setDescriptor(m, 0x30, CODE32_DPL0);
      pointer(m, 0x100000, 0x30, 4);
      expect(go(m, LJMP).s).toBe('#GP(0)');
      pointer(m, 0xfffff, 0x30, 4);
      const { r, s } = go(m, LJMP);
      expect([s, r.cr2]).toEqual(['#PF(10)', 0xfffff]);
      expect([m.cpu.segSel[SEG_CS], m.cpu.rip, m.cpu.segLimit[SEG_CS]]).toEqual([0x30, 0xfffff, 0xfffff]);
    });

    it('the register form is #UD; a non-canonical pointer address is #GP(0)', () => {
      const m = new Machine();
      expect(go(m, [0xff, 0xe8]).s).toBe('#UD');
      expect(go(m, LJMP, { regs: { [RAX]: 0x800000000000n } }).s).toBe('#GP(0)');
    });
  });

  describe('CALL m16:xx to a code segment', () => {
    // lcall *(%rax); jmp +1; (target:) lret — returns to the JMP, which skips the LRET.
    const roundTrip = (call: number[], ret: number[]) => [...call, 0xeb, ret.length, ...ret];
    const cases: [string, CpuVendor, number[], number[], number][] = [
      ['m16:32: 4-byte CS and EIP', 'amd', LCALL, [0xcb], 4],
      ['REX.W on AMD: m16:32', 'amd', [W, ...LCALL], [0xcb], 4],
      ['REX.W on Intel: m16:64, 8-byte CS and RIP', 'intel', [W, ...LCALL], [W, 0xcb], 8],
    ];
    it.each(cases)('%s', (_what, vendor, call, ret, size) => {
      const m = new Machine(undefined, vendor);
      const code = roundTrip(call, ret);
      const target = CODE + call.length + 2;
      pointer(m, target, 0x08, size);
      // Stop at the target to see the frame (an INT3 there), then run the round trip.
      const probe = [...call, 0xeb, 1, 0xcc];
      const pa = phys(m, STACK - 16);
      m.mem.u8.fill(0xaa, pa, pa + 16);
      expect(go(m, probe).s).toBe('#BP');
      expect(Number(m.cpu.getReg64(RSP))).toBe(STACK - 2 * size);
      const words = Array.from({ length: 2 }, (_, k) => (size === 8 ? qwords(m, STACK - 16 + 8 * k, 1)[0]! : BigInt(size === 4 ? read32(m, STACK - 8 + 4 * k) : m.mem.read16(phys(m, STACK - 4 + 2 * k)))));
      expect(words).toEqual([BigInt(CODE + call.length), 0x08n]);
      if (size === 4) expect(read32(m, STACK - 12)).toBe(0xaaaaaaaa); // nothing below the frame
      expect(go(m, code).s).toBe('ok');
      expect(Number(m.cpu.getReg64(RSP))).toBe(STACK);
    });

    it('m16:16: IP truncated to 16 bits, 2-byte CS and IP pushed', () => {
      const m = new Machine();
      pointer(m, 0x11234, 0x08, 2);
      const { s, r } = go(m, [O16, ...LCALL]);
      expect([s, r.cr2]).toEqual(['#PF(10)', 0x1234]);           // the fetch at 0x1234 (not mapped)
      expect(Number(m.cpu.getReg64(RSP))).toBe(STACK - 4);
      expect([m.mem.read16(phys(m, STACK - 4)), m.mem.read16(phys(m, STACK - 2))]).toEqual([(CODE + 3) & 0xffff, 0x08]);
    });

    it('checks come before the push: a bad target leaves RSP and the stack alone; a non-canonical RSP is #SS(0)', () => {
      const m = new Machine();
      pointer(m, CODE + 2, 0x2b, 4);
      expect(go(m, LCALL).s).toBe('#GP(28)');
      expect(Number(m.cpu.getReg64(RSP))).toBe(STACK);
      pointer(m, CODE + 2, 0x08, 4);
      expect(go(m, LCALL, { regs: { [RSP]: 0x800000000004n } }).s).toBe('#SS(0)');
    });
  });

  describe('64-bit call gates', () => {
    function gated(o: { gate?: Parameters<typeof setCallGate>[1]; cpl?: number; sel?: number; code?: number[]; tssLimit?: number; rsp0?: number; vendor?: CpuVendor; size?: number } = {}) {
      const m = new Machine(undefined, o.vendor ?? 'amd');
      setTss(m, { rsp: [o.rsp0 ?? RSP0], limit: o.tssLimit ?? 0x67 });
      setCallGate(m, o.gate ?? {});
      pointer(m, 0xdeadbeef, o.sel ?? 0x33, 4);            // the offset is ignored
      if (o.size) pointer(m, 0xdeadbeef, o.sel ?? 0x33, o.size);
      const { s, r } = go(m, program(o.code ?? [...LCALL]), { cpl: o.cpl ?? 3 });
      return { m, s, r };
    }

    it('CALL from CPL 3 to DPL 0: RSP0, SS null (RPL 0), frame RIP CS RSP SS as 8-byte words, no alignment, no parameters', () => {
      const { m, s } = gated({ rsp0: RSP0 });
      expect(s).toBe('halt');
      expect([m.cpu.cpl, m.cpu.segSel[SEG_CS], m.cpu.segSel[SEG_SS], m.cpu.segAttr[SEG_SS], m.cpu.rip]).toEqual([0, 0x08, 0, 0, HANDLER + 1]);
      expect(Number(m.cpu.getReg64(RSP))).toBe(RSP0 - 32);
      expect(qwords(m, RSP0 - 32, 4)).toEqual([BigInt(CODE + 2), 0x2bn, BigInt(STACK), 0x23n]);
    });

    it('CALL at the same level (CPL 0, or a conforming target from CPL 3): 8-byte CS and RIP on the current stack', () => {
      let { m, s } = gated({ cpl: 0, sel: 0x30, code: [O16, ...LCALL], size: 2 }); // the gate decides the frame size, not 66
      expect(s).toBe('halt');
      expect(Number(m.cpu.getReg64(RSP))).toBe(STACK - 16);
      expect(qwords(m, STACK - 16, 2)).toEqual([BigInt(CODE + 3), 0x08n]);
      const m2 = new Machine();
      setDescriptor(m2, 0x18, CODE64(0, 0xf));
      setCallGate(m2, { sel: 0x18, rip: CODE + 0x20 });
      pointer(m2, 0, 0x33, 4);
      const code = [...LCALL, ...new Array<number>(30).fill(0x90)];
      ({ s } = go(m2, code, { cpl: 3 }));
      expect(s).toBe('ok');                                          // ran at CPL 3 to the end
      expect([m2.cpu.cpl, m2.cpu.segSel[SEG_CS]]).toEqual([3, 0x1b]);
      expect(qwords(m2, STACK - 16, 2)).toEqual([BigInt(CODE + 2), 0x2bn]);
    });

    it('JMP through a gate: no push, no privilege change (a non-conforming target needs DPL = CPL)', () => {
      let { m, s } = gated({ cpl: 0, sel: 0x30, code: LJMP });
      expect(s).toBe('halt');
      expect(Number(m.cpu.getReg64(RSP))).toBe(STACK);
      ({ s } = gated({ code: LJMP }));
      expect(s).toBe('#GP(8)');
    });

    const errors: [string, Parameters<typeof gated>[0], string][] = [
      ['gate DPL 0 < CPL 3', { gate: { dpl: 0 } }, '#GP(30)'],
      ['gate DPL 2 < RPL 3 (CPL 0)', { gate: { dpl: 2 }, cpl: 0, sel: 0x33 }, '#GP(30)'],
      ['gate not present', { gate: { present: false } }, '#NP(30)'],
      ['upper half type field ≠ 0', { gate: { upper: 0x0c } }, '#GP(30)'],
      ['null code selector', { gate: { sel: 0x03 } }, '#GP(0)'],
      ['code selector beyond the GDT', { gate: { sel: 0x40 } }, '#GP(40)'],
      ['code selector names data', { gate: { sel: 0x10 } }, '#GP(10)'],
      ['code selector names 32-bit code', { gate: { sel: 0x18 } }, '#GP(18)'],
      ['code DPL 3 > CPL 0', { gate: { sel: 0x28 }, cpl: 0, sel: 0x30 }, '#GP(28)'],
      ['non-canonical gate RIP', { gate: { rip: 0x800000000000 } }, '#GP(0)'],
      ['TSS too short for RSP0', { tssLimit: 0x0a }, '#TS(30)'],
      ['non-canonical RSP0', { rsp0: 0x800000000010 }, '#SS(0)'],
    ];
    it.each(errors)('%s → %s', (_what, o, expected) => {
      const { m, s } = gated(o);
      expect(s).toBe(expected);
      expect([m.cpu.cpl, m.cpu.rip, Number(m.cpu.getReg64(RSP))]).toEqual([o!.cpl ?? 3, CODE, STACK]);
    });

    it.each([
      ['not present → #NP(code selector)', descriptor(0, 0xfffff, 0xa01b), '#NP(18)'],
      ['L = D = 1 → #GP(code selector)', descriptor(0, 0xfffff, 0xe09b), '#GP(18)'],
    ] as const)('the gate’s code segment %s', (_what, desc, expected) => {
      const m = new Machine();
      setTss(m, { rsp: [RSP0] });
      setDescriptor(m, 0x18, desc);
      setCallGate(m, { sel: 0x18 });
      pointer(m, 0, 0x33, 4);
      expect(go(m, LCALL, { cpl: 3 }).s).toBe(expected);
    });
  });

  describe('RETF', () => {
    /** Runs `code` with `words` (of `size` bytes) at RSP. */
    function retf(code: number[], words: (number | bigint)[], size: number, o: RunOptions & { slot30?: bigint; vendor?: CpuVendor } = {}) {
      const m = new Machine(undefined, o.vendor ?? 'amd');
      if (o.slot30 !== undefined) setDescriptor(m, 0x30, o.slot30);
      const pa = phys(m, STACK);
      words.forEach((w, k) => {
        const v = BigInt.asUintN(64, BigInt(w));
        for (let b = 0; b < size; b++) m.mem.u8[pa + k * size + b] = Number((v >> BigInt(8 * b)) & 0xffn);
      });
      const { s, r } = go(m, code, o);
      return { m, s, r };
    }

    it('same level: pops RIP and CS at the operand size, then imm16 bytes', () => {
      for (const [code, size] of [[[0x48, 0xcb], 8], [[0xcb], 4]] as const) {
        const { m, s } = retf([...code], [CODE + code.length, 0x08], size);
        expect(s, `size ${size}`).toBe('ok');
        expect(Number(m.cpu.getReg64(RSP))).toBe(STACK + 2 * size);
      }
      let { m, s, r } = retf([0xca, 0x10, 0x00], [CODE + 3, 0x08], 4);
      expect(s).toBe('ok');
      expect(Number(m.cpu.getReg64(RSP))).toBe(STACK + 8 + 0x10);
      ({ m, s, r } = retf([0x66, 0xcb], [0x11234, 0x08], 2));       // lretw: IP is 16 bits
      expect([s, r.cr2, Number(m.cpu.getReg64(RSP))]).toEqual(['#PF(10)', 0x1234, STACK + 4]);
    });

    it('to CPL 3: pops RSP and SS past the imm16 bytes, loads them, nulls DS/ES the new CPL may not use', () => {
      const code = [0x8e, 0xd9, 0x8e, 0xc2, 0x48, 0xca, 0x08, 0x00];   // mov ds, ecx (0x10); mov es, edx (0x23); lretq $8
      const { m, s } = retf(code, [CODE + code.length, 0x2b, 0, NEW_RSP, 0x23], 8, { regs: { 1: 0x10n, 2: 0x23n } });
      expect(s).toBe('ok');
      expect([m.cpu.cpl, m.cpu.segSel[SEG_CS], m.cpu.segSel[SEG_SS], Number(m.cpu.getReg64(RSP))]).toEqual([3, 0x2b, 0x23, NEW_RSP + 8]);
      expect([m.cpu.segSel[SEG_DS], m.cpu.segSel[SEG_ES]]).toEqual([0, 0x23]);
    });

    const errors: [string, (number | bigint)[], number, bigint | undefined, string][] = [
      ['null CS', [CODE + 2, 0x00], 0, undefined, '#GP(0)'],
      ['CS beyond the GDT', [CODE + 2, 0x40], 0, undefined, '#GP(40)'],
      ['CS names data', [CODE + 2, 0x10], 0, undefined, '#GP(10)'],
      ['CS RPL 0 < CPL 3', [CODE + 2, 0x08], 3, undefined, '#GP(8)'],
      ['CS DPL 0 with RPL 3', [CODE + 2, 0x0b, NEW_RSP, 0x23], 0, undefined, '#GP(8)'],
      ['conforming CS DPL 3 > RPL 0', [CODE + 2, 0x30], 0, CODE64(3, 0xf), '#GP(30)'],
      ['CS with L = D = 1', [CODE + 2, 0x30], 0, descriptor(0, 0xfffff, 0xe09b), '#GP(30)'],
      ['CS not present', [CODE + 2, 0x30], 0, descriptor(0, 0xfffff, 0xa01b), '#NP(30)'],
      ['non-canonical RIP', [0x800000000000n, 0x08], 0, undefined, '#GP(0)'],
      ['outer: null SS to CPL 3', [CODE + 2, 0x2b, NEW_RSP, 0x03], 0, undefined, '#GP(0)'],
      ['outer: SS RPL ≠ CS RPL', [CODE + 2, 0x2b, NEW_RSP, 0x20], 0, undefined, '#GP(20)'],
      ['outer: SS DPL 0 ≠ 3', [CODE + 2, 0x2b, NEW_RSP, 0x13], 0, undefined, '#GP(10)'],
      ['outer: SS is code', [CODE + 2, 0x2b, NEW_RSP, 0x2b], 0, undefined, '#GP(28)'],
      ['outer: SS read-only', [CODE + 2, 0x2b, NEW_RSP, 0x33], 0, descriptor(0, 0xfffff, 0xc0f1), '#GP(30)'],
      ['outer: SS not present', [CODE + 2, 0x2b, NEW_RSP, 0x33], 0, descriptor(0, 0xfffff, 0xc073), '#SS(30)'],
      ['outer: non-canonical RIP', [0x800000000000n, 0x2b, NEW_RSP, 0x23], 0, undefined, '#GP(0)'],
    ];
    it.each(errors)('lretq: %s → %s', (_what, words, cpl, slot30, expected) => {
      const { m, s } = retf([0x48, 0xcb], words, 8, { cpl, slot30 });
      expect(s).toBe(expected);
      expect([m.cpu.cpl, m.cpu.rip, Number(m.cpu.getReg64(RSP))]).toEqual([cpl, CODE, STACK]);
    });

    it('to compatibility mode at CPL 3 (CS 0x1b, SS 0x23): RIP within the limit; its code runs (the INT3 filler: #BP)', () => {
      const { m, r } = retf([0xcb], [0x401000, 0x1b, NEW_RSP, 0x23], 4);
      expect([r.outcome, r.vector]).toEqual(['exception', 3]);
      expect([m.cpu.cpl, m.cpu.segSel[SEG_CS], m.cpu.segSel[SEG_SS], m.cpu.rip, Number(m.cpu.getReg64(RSP))]).toEqual([3, 0x1b, 0x23, 0x401001, NEW_RSP]); // past the INT3 (a trap)
      expect(retf([0x66, 0xcb], [0x1000, 0x1b, 0x2000, 0x03], 2).s).toBe('#GP(0)'); // null SS to CPL 3
    });

    it('to CPL 1: a null SS (RPL 1) is allowed to 64-bit code, not to compatibility mode (#GP(0))', () => {
      const to64 = retf([0x48, 0xcb], [CODE + 0x10, 0x31, NEW_RSP, 0x01], 8, { slot30: CODE64(1) });
      expect(to64.s).toBe('#BP');                                       // ran to the INT3 filler at CPL 1
      expect([to64.m.cpu.cpl, to64.m.cpu.segSel[SEG_SS], to64.m.cpu.segSel[SEG_CS]]).toEqual([1, 0x01, 0x31]);
      expect(retf([0x48, 0xcb], [CODE + 0x10, 0x31, NEW_RSP, 0x01], 8, { slot30: descriptor(0, 0xfffff, 0xc0bb) }).s).toBe('#GP(0)');
      expect(retf([0x48, 0xcb], [CODE + 0x10, 0x31, NEW_RSP, 0x02], 8, { slot30: CODE64(1) }).s).toBe('#GP(0)'); // RPL ≠ new CPL
    });

    it('RETF sets the accessed bit of the CS (and, to an outer level, SS) it loads; a read-only GDT faults first', () => {
      let { m, s } = retf([0x48, 0xcb], [CODE + 2, 0x30], 8, { slot30: CODE64(0, 0xa) });
      expect([s, accessed(m, 0x30), m.cpu.segAttr[SEG_CS]! & 1]).toEqual(['ok', 1, 1]);
      ({ m, s } = retf([0x48, 0xcb], [CODE + 2, 0x33, NEW_RSP, 0x23], 8, { slot30: CODE64(3, 0xa) }));
      expect([s, accessed(m, 0x30), m.cpu.segSel[SEG_SS]]).toEqual(['ok', 1, 0x23]);
      const m2 = new Machine();
      setDescriptor(m2, 0x30, CODE64(0, 0xa));
      readOnlyGdt(m2);
      const pa = phys(m2, STACK);
      m2.mem.write32(pa, CODE + 2); m2.mem.write32(pa + 8, 0x30);
      expect([go(m2, [0x48, 0xcb]).s, m2.cpu.cr2, m2.cpu.segSel[SEG_CS], Number(m2.cpu.getReg64(RSP))]).toEqual(['#PF(3)', GDT + 0x35, 0x08, STACK]);
    });
  });

  it('JMP and CALL m16:32 set the accessed bit of the code descriptor they load; a read-only GDT is #PF(3) at its byte 5, nothing changed', () => {
    for (const code of [LJMP, LCALL]) {
      let m = new Machine();
      setDescriptor(m, 0x30, CODE64(0, 0xa));                          // type A: execute/read, not accessed
      pointer(m, CODE + 2, 0x30, 4);
      expect(go(m, code).s).toBe('ok');
      expect([accessed(m, 0x30), m.cpu.segAttr[SEG_CS]! & 1, m.cpu.segSel[SEG_CS]]).toEqual([1, 1, 0x30]);
      m = new Machine();
      setDescriptor(m, 0x30, CODE64(0, 0xa));
      pointer(m, CODE + 2, 0x30, 4);
      readOnlyGdt(m);
      const r = go(m, code);
      expect([r.s, r.r.cr2, accessed(m, 0x30), m.cpu.segSel[SEG_CS], Number(m.cpu.getReg64(RSP))]).toEqual(['#PF(3)', GDT + 0x35, 0, 0x08, STACK]);
    }
  });
});
