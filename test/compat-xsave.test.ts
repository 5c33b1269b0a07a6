// The XSAVE family in 32-bit code (compatibility mode): the 576-byte area is an offset in its segment,
// limit-checked as a whole (#GP(0)) and refused for the save forms in a read-only segment; the legacy
// region uses the 32-bit layout (FIP[31:0], FCS, FDP[31:0], FDS) and XMM8-15 are neither saved
// (bytes 288-415 untouched) nor restored or initialised (SDM Vol. 1 §13.5.2, §13.13). XGETBV/XSETBV
// run as in 64-bit mode. A stack-segment area is checked against SS (#SS(0)); the segment check comes
// before the page walk, whose order and CR2 are the 64-bit mode's (measured on the AMD host in 64-bit
// code: test/diff/x87-control). Expected values worked out by hand from the SDM.
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import type { CpuVendor } from '../src/arch/vendor.js';
import { CODE32_START, DATA32, runCompat } from './helpers/compat.js';
import { RAX, RBX, RCX, RDX, RSP, descriptor, outcome, phys } from './helpers/system.js';
import type { Machine } from './helpers/machine.js';

const CR4 = 0x620 | (1 << 18); // PAE, OSFXSR, OSXMMEXCPT, OSXSAVE
const DS = (limit: number, type = 0x4093) => descriptor(DATA32, limit, type);
const SETBV3 = [0xb8, 3, 0, 0, 0, 0x31, 0xd2, 0x31, 0xc9, 0x0f, 0x01, 0xd1]; // mov $3,%eax; xor %edx,%edx; xor %ecx,%ecx; xsetbv
const FLDL = [0xdd, 0x83, 0x00, 0x03, 0x00, 0x00];                           // fldl 0x300(%ebx)
const XSAVE = [0x0f, 0xae, 0x23], XSAVEOPT = [0x0f, 0xae, 0x33], XSAVEC = [0x0f, 0xc7, 0x23], XSAVES = [0x0f, 0xc7, 0x2b];
const XRSTOR = [0x0f, 0xae, 0x2b], XRSTORS = [0x0f, 0xc7, 0x1b];

describe.each(EXECUTION_PATHS)('the XSAVE family in 32-bit code (%s path)', (path) => {
  const run = (code: number[], o: { limit?: number; type?: number; vendor?: CpuVendor; setup?: (m: Machine) => void; regs?: Record<number, bigint> } = {}) =>
    runCompat(code, {
      path, cr4: CR4, ds: 0x38, vendor: o.vendor, gdt: { 0x38: DS(o.limit ?? 0xfff, o.type) },
      regs: { [RBX]: 0n, ...o.regs },
      setup: (m) => {
        for (let k = 0; k < 0x400; k++) m.mem.u8[phys(m, DATA32 + k)] = 0xaa;
        new DataView(m.mem.u8.buffer, m.mem.u8.byteOffset + phys(m, DATA32 + 0x300), 8).setFloat64(0, 1.5, true);
        for (let k = 0; k < 16 * 32; k++) m.cpu.xmm.u8[k] = (k & 31) < 16 ? 0x40 + (k >> 5) : 0; // XMMr bytes = 0x40 + r
        o.setup?.(m);
      },
    });
  const bytes = (m: Machine, off: number, n: number) => Array.from({ length: n }, (_, k) => m.mem.u8[phys(m, DATA32 + off + k)]!);
  const u32 = (m: Machine, off: number) => m.mem.read32(phys(m, DATA32 + off)) >>> 0;
  const FLDL_EIP = CODE32_START + SETBV3.length;

  it('XSAVE, XSAVEOPT, XSAVEC, XSAVES: the 32-bit layout (FIP = EIP, FCS = 30H, FDP = offset, FDS = 38H on Intel; AMD: zeros without ES), XMM0-7 at 160-287, bytes 288-415 untouched', () => {
    for (const [name, save] of [['XSAVE', XSAVE], ['XSAVEOPT', XSAVEOPT], ['XSAVEC', XSAVEC], ['XSAVES', XSAVES]] as const) {
      for (const vendor of ['intel', 'amd'] as const) {
        const { m, r } = run([...SETBV3, ...FLDL, ...save], { vendor });
        const n = `${name} ${vendor}`;
        expect(`${n}: ${outcome(r)}`).toBe(`${n}: ok`);
        const ptr = vendor === 'intel';
        expect(`${n}: ${[u32(m, 8), u32(m, 12), u32(m, 16), u32(m, 20)].map((v) => v.toString(16))}`)
          .toBe(`${n}: ${(ptr ? [FLDL_EIP, 0x30, 0x300, 0x38] : [0, 0, 0, 0]).map((v) => v.toString(16))}`);
        expect(`${n}: ${bytes(m, 0, 2)} ${u32(m, 24).toString(16)}`).toBe(`${n}: ${[0x7f, 3]} 1f80`); // FCW, MXCSR
        for (let r = 0; r < 8; r++) expect(`${n} XMM${r}: ${bytes(m, 160 + 16 * r, 16)}`).toBe(`${n} XMM${r}: ${Array(16).fill(0x40 + r)}`);
        expect(`${n}: ${bytes(m, 288, 128).every((b) => b === 0xaa)}`).toBe(`${n}: true`);
        expect(`${n}: ${m.mem.read64(phys(m, DATA32 + 512)) & 3n}`).toBe(`${n}: 3`);
      }
    }
  });

  it('XRSTOR, XRSTORS: load XMM0-7 and the 32-bit layout (FCS, FDS), leave XMM8-15 alone, also when SSE is initialised', () => {
    for (const [name, rstor, comp] of [['XRSTOR', XRSTOR, 0n], ['XRSTOR compacted', XRSTOR, (1n << 63n) | 3n], ['XRSTORS', XRSTORS, (1n << 63n) | 3n]] as const) {
      for (const bv of [3n, 1n]) {
        const { m, r } = run([...SETBV3, ...rstor], {
          vendor: 'intel',
          setup: (mm) => {
            for (let k = 0; k < 576; k++) mm.mem.u8[phys(mm, DATA32 + k)] = k >= 160 && k < 416 ? 0x11 : 0;
            mm.mem.write16(phys(mm, DATA32), 0x27f);
            mm.mem.write32(phys(mm, DATA32 + 8), 0x1234); mm.mem.write16(phys(mm, DATA32 + 12), 0x23);
            mm.mem.write32(phys(mm, DATA32 + 16), 0x5678); mm.mem.write16(phys(mm, DATA32 + 20), 0x2b);
            mm.mem.write32(phys(mm, DATA32 + 24), 0x1f80);
            mm.mem.write64(phys(mm, DATA32 + 512), bv); mm.mem.write64(phys(mm, DATA32 + 520), comp);
          },
        });
        const n = `${name} XSTATE_BV=${bv}`;
        expect(`${n}: ${outcome(r)}`).toBe(`${n}: ok`);
        const x = m.cpu.x87;
        expect(`${n}: ${[x.cw, x.fip, x.fcs, x.fdp, x.fds].map((v) => v.toString(16))}`).toBe(`${n}: ${[0x27f, 0x1234, 0x23, 0x5678, 0x2b].map((v) => v.toString(16))}`);
        const xmm = Array.from({ length: 16 }, (_, r) => m.cpu.xmm.u8[32 * r]!);
        const low = bv & 2n ? 0x11 : 0;
        expect(`${n}: ${xmm}`).toBe(`${n}: ${[...Array(8).fill(low), ...Array.from({ length: 8 }, (_, k) => 0x48 + k)]}`);
      }
    }
  });

  it('the area must lie inside its segment (#GP(0) past the limit), be writable for the save forms, and be 64-byte aligned; XGETBV reads XCR0', () => {
    const cases: [string, number[], number, number, bigint, string][] = [
      // name, code, DS limit, DS type, EBX, outcome
      ['XSAVE, limit 0x23f', XSAVE, 0x23f, 0x4093, 0n, 'ok'], ['XSAVE, limit 0x23e', XSAVE, 0x23e, 0x4093, 0n, '#GP(0)'],
      ['XSAVEC, limit 0x23e', XSAVEC, 0x23e, 0x4093, 0n, '#GP(0)'], ['XRSTOR, limit 0x23e', XRSTOR, 0x23e, 0x4093, 0n, '#GP(0)'],
      ['XSAVEOPT, read-only DS', XSAVEOPT, 0xfff, 0x4091, 0n, '#GP(0)'], ['XSAVES, read-only DS', XSAVES, 0xfff, 0x4091, 0n, '#GP(0)'],
      ['XRSTOR, read-only DS', XRSTOR, 0xfff, 0x4091, 0n, 'ok'],
      ['XSAVE +0x20', XSAVE, 0xfff, 0x4093, 0x20n, '#GP(0)'], ['XSAVE +0x40', XSAVE, 0xfff, 0x4093, 0x40n, 'ok'],
    ];
    for (const [name, code, limit, type, ebx, want] of cases) {
      const setup = (m: Machine) => {
        for (let k = 0; k < 0x300; k++) m.mem.u8[phys(m, DATA32 + k)] = 0;
        m.mem.write16(phys(m, DATA32), 0x37f); m.mem.write32(phys(m, DATA32 + 24), 0x1f80);
      };
      const { m, r } = run([...SETBV3, ...code], { limit, type, setup, regs: { [RBX]: ebx } });
      expect(`${name}: ${outcome(r)}`).toBe(`${name}: ${want}`);
      if (want !== 'ok') expect(`${name}: ${m.cpu.rip}`).toBe(`${name}: ${CODE32_START + SETBV3.length}`);
    }
    // fld1; xgetbv; mov %eax,%esi; mov $1,%ecx; xgetbv: XCR0 = 3, then XINUSE & XCR0 = 3 (ST0 valid, XMM not zero)
    const { m, r } = run([...SETBV3, 0xd9, 0xe8, 0x0f, 0x01, 0xd0, 0x89, 0xc6, 0xb9, 1, 0, 0, 0, 0x0f, 0x01, 0xd0]);
    expect(outcome(r)).toBe('ok');
    expect([Number(m.cpu.getReg64(6)), Number(m.cpu.getReg64(RAX)), Number(m.cpu.getReg64(RDX)), Number(m.cpu.getReg64(RCX))]).toEqual([3, 3, 0, 1]);
  });

  it('a stack-segment area past the SS limit is #SS(0); past the limit before the page walk; #PF across a page: CR2 = the last byte (save) or the header (restore)', () => {
    const LOAD_SS = [0xba, 0x38, 0, 0, 0, 0x8e, 0xd2]; // mov $0x38,%edx; mov %edx,%ss
    const ESP = (code: number[]) => [...LOAD_SS, ...code.slice(0, 2), (code[2]! & 0x38) | 4, 0x24]; // the same form on (%esp)
    const PAGE_END = 0x2000 - 0x100 - 64; // DS offset of an area whose last 64 bytes pass the mapped 0x2000 bytes after DATA_LIN
    const cases: [string, number[], number, bigint, bigint, string, number?][] = [
      // name, code, limit of segment 38H (DS, and SS when loaded), EBX, ESP, outcome, CR2 (offset in the segment)
      ['XSAVE (%esp), SS limit 0x23f', ESP(XSAVE), 0x23f, 0n, 0n, 'ok'], ['XSAVE (%esp), SS limit 0x23e', ESP(XSAVE), 0x23e, 0n, 0n, '#SS(0)'],
      ['XRSTOR (%esp), SS limit 0x23e', ESP(XRSTOR), 0x23e, 0n, 0n, '#SS(0)'], ['XSAVEOPT (%esp), SS limit 0x23e', ESP(XSAVEOPT), 0x23e, 0n, 0n, '#SS(0)'],
      ['XSAVEC %ss:(%ebx), SS limit 0x23e', [...LOAD_SS, 0x36, ...XSAVEC], 0x23e, 0n, 0n, '#SS(0)'],
      ['XSAVE across the page', XSAVE, 0xffff, BigInt(PAGE_END), 0n, '#PF(2)', PAGE_END + 575],
      ['XSAVEC across the page', XSAVEC, 0xffff, BigInt(PAGE_END), 0n, '#PF(2)', PAGE_END + 575],
      ['XRSTOR across the page', XRSTOR, 0xffff, BigInt(PAGE_END), 0n, '#PF(0)', PAGE_END + 512],
      ['XSAVE across the page, past the limit', XSAVE, PAGE_END + 574, BigInt(PAGE_END), 0n, '#GP(0)'],
    ];
    for (const [name, code, limit, ebx, esp, want, cr2] of cases) {
      const setup = (m: Machine) => {
        for (let k = 0; k < 0x300; k++) m.mem.u8[phys(m, DATA32 + k)] = 0;
        m.mem.write16(phys(m, DATA32), 0x37f); m.mem.write32(phys(m, DATA32 + 24), 0x1f80);
      };
      const { m, r } = run([...SETBV3, ...code], { limit, setup, regs: { [RBX]: ebx, [RSP]: esp } });
      expect(`${name}: ${outcome(r)}`).toBe(`${name}: ${want}`);
      if (cr2 !== undefined) expect(`${name}: ${r.cr2}`).toBe(`${name}: ${DATA32 + cr2}`);
      const at = CODE32_START + SETBV3.length + (code[0] === LOAD_SS[0] ? LOAD_SS.length : 0);
      if (want !== 'ok') expect(`${name}: ${m.cpu.rip}`).toBe(`${name}: ${at}`);
    }
  });
});
