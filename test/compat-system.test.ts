// System instructions in 32-bit code (compatibility mode): SGDT/SIDT/LGDT/LIDT
// with their 6-byte operand (a 32-bit base; 24 bits for LGDT with a 16-bit
// operand size), INVLPG through the segment base (never faulting), CLFLUSH and
// INVPCID with segment checks, MOV CR/DR moving 32 bits (a write clears the
// upper half), SLDT/STR/SMSW/LAR in 32-bit code, and SYSRET/SYSENTER/SYSEXIT
// per vendor (SDM Vol. 2 entries, "Compatibility Mode"; APM Vol. 3 SYSRET,
// SYSENTER). Expected values worked out by hand from the SDM/APM text.
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import { CODE32_START, DATA32, PROLOGUE_LEN, runCompat } from './helpers/compat.js';
import { CODE, DATA_LIN, HANDLER, IDT, RAX, RBX, RCX, RDX, R11, SEG_CS, SEG_SS, descriptor, le32, outcome, phys, pteWindow } from './helpers/system.js';
import { cachesTranslations } from './helpers/paths.js';

const RW = descriptor(DATA32, 0xff, 0x4093), RO = descriptor(DATA32, 0xff, 0x4091);
const STAR = 0xc0000081, SYSENTER_CS = 0x174, SYSENTER_ESP = 0x175, SYSENTER_EIP = 0x176;
const bytesAt = (m: ReturnType<typeof runCompat>['m'], off: number, n: number) => [...m.mem.u8.subarray(phys(m, DATA32 + off), phys(m, DATA32 + off) + n)];

describe.each(EXECUTION_PATHS)('system instructions in 32-bit code (%s path)', (path) => {
  const run = (code: number[], o: Omit<Parameters<typeof runCompat>[1], 'path'> = {}, pre?: [number, number[]]) =>
    runCompat(code, { path, ds: 0x38, gdt: { 0x38: RW }, ...o, setup: (m) => {
      if (pre) m.mem.u8.set(pre[1], phys(m, DATA32 + pre[0]));
      o.setup?.(m);
    } });

  describe('SGDT/SIDT/LGDT/LIDT: 6 bytes', () => {
    it('0F 01 08 SIDT (%eax): the limit and the low 32 bits of the base (IDT = GDT + 0x4000 lies above 4 GiB)', () => {
      const { m, r } = run([0x0f, 0x01, 0x08], { regs: { [RAX]: 0x80n } }, [0x80, [0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee]]);
      expect(outcome(r)).toBe('ok');
      expect(bytesAt(m, 0x80, 8)).toEqual([0xff, 0x0f, ...le32(Number(BigInt.asUintN(32, BigInt(IDT)))), 0xee, 0xee]);
    });
    it('SIDT at 0xfa: the 6 bytes end at the limit; at 0xfb → #GP(0), nothing written', () => {
      expect(outcome(run([0x0f, 0x01, 0x08], { regs: { [RAX]: 0xfan } }).r)).toBe('ok');
      const { m, r } = run([0x0f, 0x01, 0x08], { regs: { [RAX]: 0xfbn } }, [0xfb, [0xee, 0xee, 0xee, 0xee, 0xee]]);
      expect(outcome(r)).toBe('#GP(0)');
      expect(bytesAt(m, 0xfb, 5)).toEqual([0xee, 0xee, 0xee, 0xee, 0xee]);
    });
    it('SGDT to a read-only DS → #GP(0)', () => {
      expect(outcome(run([0x0f, 0x01, 0x00], { regs: { [RAX]: 0n }, gdt: { 0x38: RO } }).r)).toBe('#GP(0)');
    });
    it('SGDT with CR4.UMIP at CPL 3 → #GP(0)', () => {
      expect(outcome(runCompat([0x0f, 0x01, 0x00], { path, cpl: 3, regs: { [RAX]: BigInt(DATA32) }, cr4: 0x620 | 0x800 }).r)).toBe('#GP(0)');
      expect(outcome(runCompat([0x0f, 0x01, 0x00], { path, cpl: 3, regs: { [RAX]: BigInt(DATA32) } }).r)).toBe('ok');
    });
    it('0F 01 18 LIDT (%eax): limit 0x1ff, base 0x12345678 (bits 63:32 cleared)', () => {
      const { m, r } = run([0x0f, 0x01, 0x18, 0xf4], { regs: { [RAX]: 0x80n } }, [0x80, [0xff, 0x01, 0x78, 0x56, 0x34, 0x12, 0x9a, 0xbc]]);
      expect(outcome(r)).toBe('halt');
      expect([m.cpu.idtrLimit, m.cpu.idtrBase]).toEqual([0x1ff, 0x12345678]);
    });
    it('66 0F 01 10 LGDT with a 16-bit operand size loads 24 bits of base', () => {
      const { m, r } = run([0x66, 0x0f, 0x01, 0x10, 0xf4], { regs: { [RAX]: 0x80n } }, [0x80, [0x3f, 0x00, 0x78, 0x56, 0x34, 0x12]]);
      expect(outcome(r)).toBe('halt');
      expect([m.cpu.gdtrLimit, m.cpu.gdtrBase]).toEqual([0x3f, 0x345678]);
    });
    it('LGDT at 0xfb passes the limit → #GP(0), GDTR unchanged', () => {
      const { m, r } = run([0x0f, 0x01, 0x10], { regs: { [RAX]: 0xfbn } });
      expect(outcome(r)).toBe('#GP(0)');
      expect(m.cpu.gdtrLimit).toBe(0x3f);
    });
    it('LGDT at CPL 3 → #GP(0)', () => {
      expect(outcome(runCompat([0x0f, 0x01, 0x10], { path, cpl: 3, regs: { [RAX]: BigInt(DATA32) } }).r)).toBe('#GP(0)');
    });
  });

  describe('INVLPG, CLFLUSH, INVPCID', () => {
    it('0F 01 38 INVLPG (%eax) invalidates DS.base + EAX: the next read of the page, now not present, → #PF', () => {
      // mov (%eax),%ecx (fills the TLB); movb $0,%ss:window (P = 0, through the flat SS); invlpg (%eax); mov (%eax),%ecx
      let window = 0;
      const code = (w: number) => [0x8b, 0x08, 0x36, 0xc6, 0x05, ...le32(w), 0x00, 0x0f, 0x01, 0x38, 0x8b, 0x08];
      const { m, r } = run(code(0x700000), { regs: { [RAX]: 0x10n }, setup: (mm) => { window = pteWindow(mm, DATA32, 0x700000); } });
      expect(window >>> 12).toBe(0x700);
      expect(outcome(r)).toBe('#PF(0)');
      expect([r.cr2, m.cpu.rip]).toEqual([DATA32 + 0x10, CODE32_START + 13]);
      // Without the INVLPG the stale entry still translates (a tier's TLB; the reference path walks every time).
      if (!cachesTranslations(path)) return;
      const stale = run([0x8b, 0x08, 0x36, 0xc6, 0x05, ...le32(0x700000 + (window & 0xfff)), 0x00, 0x90, 0x90, 0x90, 0x8b, 0x08],
        { regs: { [RAX]: 0x10n }, setup: (mm) => { pteWindow(mm, DATA32, 0x700000); } });
      expect(outcome(stale.r)).toBe('ok');
    });
    it('INVLPG never faults on its operand: a null DS, an offset beyond the limit', () => {
      expect(outcome(run([0x0f, 0x01, 0x38], { ds: 0, regs: { [RAX]: 0n } }).r)).toBe('ok');
      expect(outcome(run([0x0f, 0x01, 0x38], { regs: { [RAX]: 0x1000n } }).r)).toBe('ok');
    });
    it('0F AE 38 CLFLUSH (%eax): a byte load: 0xff is in the limit, 0x100 → #GP(0), a null DS → #GP(0), an execute-only CS override → #GP(0)', () => {
      expect(outcome(run([0x0f, 0xae, 0x38], { regs: { [RAX]: 0xffn } }).r)).toBe('ok');
      expect(outcome(run([0x0f, 0xae, 0x38], { regs: { [RAX]: 0x100n } }).r)).toBe('#GP(0)');
      expect(outcome(run([0x0f, 0xae, 0x38], { ds: 0, regs: { [RAX]: 0n } }).r)).toBe('#GP(0)');
      expect(outcome(run([0x2e, 0x0f, 0xae, 0x38], { cs: descriptor(0, 0xfffff, 0xc099), regs: { [RAX]: 0n } }).r)).toBe('#GP(0)');
    });
    it('66 0F 38 82 01 INVPCID (%ecx),%eax: the type is EAX (32 bits); the 16-byte descriptor is limit-checked', () => {
      const invpcid = [0x66, 0x0f, 0x38, 0x82, 0x01];
      expect(outcome(run(invpcid, { regs: { [RAX]: 0xffffffff_00000002n, [RCX]: 0x80n } }).r)).toBe('ok'); // type 2: bits 63:32 unseen
      expect(outcome(run(invpcid, { regs: { [RAX]: 4n, [RCX]: 0x80n } }).r)).toBe('#GP(0)');
      expect(outcome(run(invpcid, { regs: { [RAX]: 2n, [RCX]: 0xf0n } }).r)).toBe('ok');   // ends at 0xff
      expect(outcome(run(invpcid, { regs: { [RAX]: 2n, [RCX]: 0xf1n } }).r)).toBe('#GP(0)');
      expect(outcome(run(invpcid, { regs: { [RAX]: 2n, [RCX]: 0x80n } }, [0x80, [0, 0x10]]).r)).toBe('#GP(0)'); // descriptor bits 63:12
    });
  });

  describe('MOV CR/DR move 32 bits', () => {
    it('0F 20 D8 MOV %cr3,%eax gives CR3[31:0]; 0F 22 D8 writes it back (CR3 bits 63:32 cleared)', () => {
      const { m, r } = run([0x0f, 0x20, 0xd8, 0x89, 0xc3, 0x0f, 0x22, 0xd8], { regs: { [RAX]: -1n, [RBX]: -1n } });
      expect(outcome(r)).toBe('ok');
      expect(m.cpu.getReg64(RBX)).toBe(BigInt(m.cpu.cr3));
      expect(m.cpu.cr3).toBeLessThan(2 ** 32);
    });
    it('MOV to CR0 keeping PG: ok; clearing PG would leave IA-32e mode: emulation-failure', () => {
      expect(outcome(run([0x0f, 0x20, 0xc0, 0x0f, 0x22, 0xc0]).r)).toBe('ok');
      const { m, r } = run([0x0f, 0x20, 0xc0, 0x25, ...le32(0x7fffffff), 0x0f, 0x22, 0xc0]);
      expect(r.outcome).toBe('emulation-failure');
      expect(r.message).toMatch(/leaving IA-32e mode/);
      expect(m.cpu.cr0 >>> 31).toBe(1);
    });
    it('MOV to CR4 clearing PAE → #GP(0)', () => {
      expect(outcome(run([0x0f, 0x20, 0xe0, 0x83, 0xe0, 0xdf, 0x0f, 0x22, 0xe0]).r)).toBe('#GP(0)');
    });
    it('0F 23 C0 MOV %eax,%dr0 clears DR0[63:32]; 0F 21 C3 MOV %dr0,%ebx reads 32 bits', () => {
      const { m, r } = run([0x0f, 0x23, 0xc0, 0x0f, 0x21, 0xc3], { regs: { [RAX]: 0x12345678n, [RBX]: -1n }, setup: (mm) => { mm.cpu.dr[0] = 0xffff8000_00001000n; } });
      expect(outcome(r)).toBe('ok');
      expect([m.cpu.dr[0], m.cpu.getReg64(RBX)]).toEqual([0x12345678n, 0x12345678n]);
    });
    it('MOV CR at CPL 3 → #GP(0)', () => {
      expect(outcome(runCompat([0x0f, 0x20, 0xc0], { path, cpl: 3 }).r)).toBe('#GP(0)');
    });
  });

  describe('selectors and the MSW', () => {
    it('0F 00 00 SLDT, 0F 00 08 STR, 0F 01 20 SMSW to memory write a word; at 0xff → #GP(0)', () => {
      const { m, r } = run([0x0f, 0x00, 0x08, 0x0f, 0x01, 0x21], { regs: { [RAX]: 0x80n, [RCX]: 0x90n } }, [0x80, [0xee, 0xee, 0xee]]);
      expect(outcome(r)).toBe('ok');
      expect(bytesAt(m, 0x80, 3)).toEqual([m.cpu.trSel & 0xff, m.cpu.trSel >> 8, 0xee]);
      expect(bytesAt(m, 0x90, 2)).toEqual([m.cpu.cr0 & 0xff, (m.cpu.cr0 >> 8) & 0xff]);
      expect(outcome(run([0x0f, 0x00, 0x00], { regs: { [RAX]: 0xffn } }).r)).toBe('#GP(0)');
    });
    it('0F 02 C1 LAR %cx,%eax of the 32-bit code selector 0x30: attributes 0x00cf9b00, ZF = 1', () => {
      const { m, r } = run([0x0f, 0x02, 0xc1], { regs: { [RCX]: 0x30n, [RAX]: -1n } });
      expect(outcome(r)).toBe('ok');
      expect([m.cpu.getReg64(RAX), m.cpu.getRflags() & 0x40]).toEqual([0x00cf9b00n, 0x40]);
    });
  });

  describe('fast system calls from compatibility mode', () => {
    const star = (m: ReturnType<typeof runCompat>['m']) => { m.cpu.msrs.set(STAR, 0x0020000800000000n); };
    it('amd: SYSRET (no REX.W) from 32-bit code at CPL 0 returns to CS 0x23 (32-bit), EIP = ECX', () => {
      const { m, r } = runCompat([0x0f, 0x07], { path, vendor: 'amd', setup: star, regs: { [RCX]: BigInt(CODE + 0x1000), [R11]: 0x202n } });
      expect([r.outcome, r.vector]).toEqual(['exception', 3]); // the INT3 filler at EIP
      expect([m.cpu.cpl, m.cpu.segSel[SEG_CS], m.cpu.segSel[SEG_SS], m.cpu.rip]).toEqual([3, 0x23, 0x2b, CODE + 0x1001]);
    });
    it('intel: SYSRET outside 64-bit mode → #UD, at CPL 0 and at CPL 3 (before the CPL check)', () => {
      expect(outcome(runCompat([0x0f, 0x07], { path, vendor: 'intel', setup: star }).r)).toBe('#UD');
      expect(outcome(runCompat([0x0f, 0x07], { path, vendor: 'intel', cpl: 3, setup: star }).r)).toBe('#UD');
    });
    it('amd: SYSRET at CPL 3 in 32-bit code → #GP(0); with EFER.SCE = 0 → #UD', () => {
      expect(outcome(runCompat([0x0f, 0x07], { path, vendor: 'amd', cpl: 3, setup: star }).r)).toBe('#GP(0)');
      expect(outcome(runCompat([0x0f, 0x07], { path, vendor: 'amd', cpl: 3, setup: star, efer: 0xd00 }).r)).toBe('#UD');
    });
    it('intel: SYSENTER from 32-bit code at CPL 3 enters 64-bit CS = SYSENTER_CS, RIP = SYSENTER_EIP; amd: #UD', () => {
      const setup = (m: ReturnType<typeof runCompat>['m']) => {
        m.cpu.msrs.set(SYSENTER_CS, 0x08n); m.cpu.msrs.set(SYSENTER_ESP, 0x801800n); m.cpu.msrs.set(SYSENTER_EIP, BigInt(HANDLER));
      };
      const { m, r } = runCompat([0x0f, 0x34], { path, vendor: 'intel', cpl: 3, setup });
      expect([r.outcome, r.vector]).toEqual(['exception', 3]); // the INT3 filler at the handler
      expect([m.cpu.cpl, m.cpu.segSel[SEG_CS], m.cpu.segSel[SEG_SS], m.cpu.rip, m.cpu.getReg64(4)]).toEqual([0, 0x08, 0x10, HANDLER + 1, 0x801800n]);
      expect(outcome(runCompat([0x0f, 0x34], { path, vendor: 'amd', cpl: 3, setup }).r)).toBe('#UD');
    });
    it('intel: SYSEXIT (no REX.W) from 32-bit code at CPL 0: CS = SYSENTER_CS + 16 | 3, EIP = EDX, ESP = ECX', () => {
      const { m, r } = runCompat([0x0f, 0x35], { path, vendor: 'intel', setup: (mm) => { mm.cpu.msrs.set(SYSENTER_CS, 0x08n); },
        regs: { [RDX]: BigInt(CODE + 0x1000), [RCX]: 0x801700n } });
      expect([r.outcome, r.vector]).toEqual(['exception', 3]);
      expect([m.cpu.cpl, m.cpu.segSel[SEG_CS], m.cpu.segSel[SEG_SS], m.cpu.rip, m.cpu.getReg64(4)]).toEqual([3, 0x1b, 0x23, CODE + 0x1001, 0x801700n]);
    });
  });

  describe('instruction breakpoints in 32-bit code', () => {
    // A 32-bit CS based at CODE: EIP = offset in it; DR0 holds the linear address CS.base + EIP (SDM §17.2.4).
    const CS_AT_CODE = descriptor(CODE, 0xffff, 0x409b);
    const arm = (dr0: number) => [0xb8, ...le32(dr0), 0x0f, 0x23, 0xc0, 0xb8, 1, 0, 0, 0, 0x0f, 0x23, 0xf8, 0x90, 0x90, 0xf4]; // mov dr0; mov $1,dr7; nop; nop; hlt
    const target = PROLOGUE_LEN + 17;                                                                                     // the second NOP's EIP
    const runAt = (dr0: number) => runCompat(arm(dr0), { path, cs: CS_AT_CODE, setup: (m) => { m.mem.write32(phys(m, DATA_LIN), PROLOGUE_LEN); } });
    it('DR0 = CS.base + EIP fires (#DB fault at that EIP, DR6.B0); DR0 = the EIP alone does not', () => {
      const { m, r } = runAt(CODE + target);
      expect([outcome(r), m.cpu.rip, Number(m.cpu.dr[6]! & 1n)]).toEqual(['#DB', target, 1]);
      expect(outcome(runAt(target).r)).toBe('halt');
    });
  });
});
