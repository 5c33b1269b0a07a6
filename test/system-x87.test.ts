// The x87 unit at the system level: a pending unmasked exception is #MF at the next waiting
// instruction (FWAIT, a non-control x87 instruction, FLDCW) with CR0.NE = 1 and the emulation-failure
// outcome with CR0.NE = 0 (FERR#, not modelled); the no-wait forms run; #NM (CR0.TS with MP for
// FWAIT) comes first; memory faults leave the FPU as it was (TOP, tags, FCW); the 16-bit
// environment layout. Table-driven, every execution path, exact vector, error code, CR2, RIP and state.
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import { CR0_EM, CR0_ET, CR0_MP, CR0_NE, CR0_PE, CR0_PG, CR0_TS, CR0_WP } from '../src/arch/control-registers.js';
import { Machine, CODE, DATA_LIN, RAX, RBX, entryAddress, outcome, phys } from './helpers/system.js';

const PAGE2 = DATA_LIN + 0x1000;
const PTE_P = 1, PTE_RW = 2;
const CR0 = CR0_PE | CR0_ET | CR0_PG | CR0_WP;
const FLD1 = [0xd9, 0xe8], FLDZ = [0xd9, 0xee], FDIVP = [0xde, 0xf9], FWAIT = [0x9b];
/** 1 / 0 with ZE unmasked (FCW 037BH): ZE, ES, B set; nothing written, TOP stays 6 */
const DIV0 = [...FLD1, ...FLDZ, ...FDIVP];
const SW_DIV0 = 0x8000 | 0x80 | 0x04 | (6 << 11);

interface Case {
  name: string;
  code: number[];
  cr0?: number;
  /** FCW before the run (default 037BH: ZE unmasked) */
  cw?: number;
  /** FSW before the run (default 0) */
  sw?: number;
  at?: number;
  page2?: 'rw' | 'ro' | 'np';
  want: string;
  rip: number;
  cr2?: number;
  /** FSW (with TOP) and the valid-register mask after the run */
  fsw?: number;
  valid?: number;
  ax?: number;
  fcw?: number;
}

const cases: Case[] = [
  { name: 'FWAIT after an unmasked divide by zero: #MF at the FWAIT', code: [...DIV0, ...FWAIT], want: '#MF', rip: CODE + 6, fsw: SW_DIV0, valid: 0xc0 },
  { name: 'a non-control x87 instruction after it: #MF there', code: [...DIV0, ...FLD1], want: '#MF', rip: CODE + 6, fsw: SW_DIV0, valid: 0xc0 },
  { name: 'FNSTSW AX does not wait', code: [...DIV0, 0xdf, 0xe0], want: 'ok', rip: CODE + 8, fsw: SW_DIV0, ax: SW_DIV0 },
  { name: 'FNCLEX clears it: FWAIT runs', code: [...DIV0, 0xdb, 0xe2, ...FWAIT], want: 'ok', rip: CODE + 9, fsw: 6 << 11 },
  { name: 'FLDCW waits: #MF at the FLDCW', code: [...DIV0, 0xd9, 0x2b, ...FWAIT], at: 0, want: '#MF', rip: CODE + 6, fsw: SW_DIV0, fcw: 0x37b },
  { name: 'FNCLEX; FLDCW masking ZE; FWAIT runs', code: [...DIV0, 0xdb, 0xe2, 0xd9, 0x2b, ...FWAIT], at: 0, want: 'ok', rip: CODE + 11, fsw: 6 << 11, fcw: 0x37f },
  { name: 'CR0.NE = 0: the FERR# path is not modelled (emulation failure)', code: [...DIV0, ...FWAIT], cr0: CR0, want: 'emulation-failure', rip: CODE + 6 },
  { name: 'CR0.TS and MP: FWAIT raises #NM before #MF', code: FWAIT, sw: 0x8084, cr0: CR0 | CR0_NE | CR0_TS | CR0_MP, want: '#NM', rip: CODE, fsw: 0x8084 },
  { name: 'CR0.TS without MP: FWAIT raises #MF', code: FWAIT, sw: 0x8084, cr0: CR0 | CR0_NE | CR0_TS, want: '#MF', rip: CODE, fsw: 0x8084 },
  { name: 'CR0.EM: FNINIT raises #NM', code: [0xdb, 0xe3], cr0: CR0 | CR0_NE | CR0_EM, want: '#NM', rip: CODE },
  { name: 'FLD m80 straddling into a non-present page: #PF, nothing pushed', code: [0xdb, 0x2b], at: 0xffa, page2: 'np', want: '#PF(0)', cr2: PAGE2, rip: CODE, fsw: 0, valid: 0 },
  { name: 'FLD1; FSTP m80 straddling into a read-only page: #PF(3), no pop', code: [...FLD1, 0xdb, 0x3b], at: 0xffa, page2: 'ro', want: '#PF(3)', cr2: PAGE2, rip: CODE + 2, fsw: 7 << 11, valid: 0x80 },
  { name: 'FLD1; FNSAVE straddling into a read-only page: #PF(3), the FPU not reinitialised', code: [...FLD1, 0xdd, 0x33], at: 0xfa0, page2: 'ro', want: '#PF(3)', cr2: PAGE2, rip: CODE + 2, fsw: 7 << 11, valid: 0x80, fcw: 0x37b },
  { name: 'FLD1; FNSAVE ending at the page boundary', code: [...FLD1, 0xdd, 0x33], at: 0x1000 - 108, page2: 'np', want: 'ok', rip: CODE + 4, fsw: 0, valid: 0, fcw: 0x37f },
];

describe.each(EXECUTION_PATHS)('x87 at the system level (%s path)', (path) => {
  it.each(cases)('$name', (k) => {
    const m = new Machine();
    const pte = entryAddress(m, PAGE2);
    const lo = m.mem.read32(pte);
    const p2 = k.page2 ?? 'rw';
    m.mem.write32(pte, p2 === 'rw' ? lo : p2 === 'ro' ? lo & ~PTE_RW : lo & ~PTE_P);
    m.mem.write16(phys(m, DATA_LIN), 0x37f); // FLDCW's operand
    m.cpu.x87.cw = k.cw ?? 0x37b;
    m.cpu.x87.sw = k.sw ?? 0;
    const r = m.run(k.code, { path, cr0: k.cr0 ?? CR0 | CR0_NE, regs: { [RBX]: BigInt(DATA_LIN + (k.at ?? 0)) } });
    expect(outcome(r)).toBe(k.want);
    if (k.cr2 !== undefined) expect(r.cr2).toBe(k.cr2);
    expect(m.cpu.rip).toBe(k.rip);
    if (k.fsw !== undefined) expect(m.cpu.x87.status().toString(16)).toBe(k.fsw.toString(16));
    if (k.valid !== undefined) expect(m.cpu.x87.valid).toBe(k.valid);
    if (k.ax !== undefined) expect(m.cpu.getReg(2, RAX)).toBe(k.ax);
    if (k.fcw !== undefined) expect(m.cpu.x87.cw.toString(16)).toBe(k.fcw.toString(16));
  });

  it('FNSTENV with a 16-bit operand size: the 14-byte layout, then every exception masked', () => {
    const m = new Machine();
    // fld1; fldz; 66 fnstenv (%rbx)
    const code = [...FLD1, ...FLDZ, 0x66, 0xd9, 0x33];
    m.cpu.x87.cw = 0x0372;
    const r = m.run(code, { path, cr0: CR0 | CR0_NE, regs: { [RBX]: BigInt(DATA_LIN) } });
    expect(outcome(r)).toBe('ok');
    const words = Array.from({ length: 7 }, (_, k) => m.mem.read16(phys(m, DATA_LIN + 2 * k)));
    // FCW, FSW (TOP 6), FTW (R6 zero 01, R7 valid 00, the rest empty 11), FIP[15:0] (the FLDZ), FCS, FDP[15:0], FDS
    expect(words).toEqual([0x0372, 6 << 11, 0x0fff | (0b0001 << 12), (CODE + 2) & 0xffff, 0x08, 0, 0]);
    expect(m.cpu.x87.cw).toBe(0x037f);
  });
});
