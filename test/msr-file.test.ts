// The MSR file's numeric mirrors of STAR, LSTAR, CSTAR, SFMASK and the SYSENTER MSRs (src/cpu/msr-file.ts),
// which SYSCALL/SYSRET and SYSENTER/SYSEXIT read instead of the Map: they must follow every way the Map changes
// (set, delete, clear), or a SYSCALL after a reset or a host delete would use stale values.
import { describe, expect, it } from 'vitest';
import { MsrFile } from '../src/cpu/msr-file.js';
import { MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SFMASK, MSR_SYSENTER_CS, MSR_SYSENTER_ESP, MSR_SYSENTER_EIP } from '../src/arch/msr-index.js';

const mirrors = (m: MsrFile) => ({
  syscallCs: m.syscallCs, sysretCs: m.sysretCs, lstar: m.lstar, cstar: m.cstar, sfmask: m.sfmask,
  sysenterCs: m.sysenterCs, sysenterEspLo: m.sysenterEspLo, sysenterEspHi: m.sysenterEspHi, sysenterEip: m.sysenterEip,
});
const ZERO = { syscallCs: 0, sysretCs: 0, lstar: 0, cstar: 0, sfmask: 0, sysenterCs: 0, sysenterEspLo: 0, sysenterEspHi: 0, sysenterEip: 0 };
const INDEXES = [MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SFMASK, MSR_SYSENTER_CS, MSR_SYSENTER_ESP, MSR_SYSENTER_EIP];

function filled(): MsrFile {
  const m = new MsrFile();
  m.set(MSR_STAR, 0x0023_0010_0000_0000n);
  m.set(MSR_LSTAR, 0xffff_ffff_8000_1234n);
  m.set(MSR_CSTAR, 0x0000_7fff_0000_0010n);
  m.set(MSR_SFMASK, 0xffff_ffff_0004_0700n);
  m.set(MSR_SYSENTER_CS, 0x1_0010n);
  m.set(MSR_SYSENTER_ESP, 0xffff_ffff_8765_4320n);
  m.set(MSR_SYSENTER_EIP, 0xffff_ffff_8000_2000n);
  return m;
}

describe('MsrFile mirrors', () => {
  it('set: the selectors, the addresses sign-extended, the low half of SFMASK', () => {
    expect(mirrors(filled())).toEqual({
      syscallCs: 0x10, sysretCs: 0x23, lstar: -0x7fff_edcc, cstar: 0x7fff_0000_0010, sfmask: 0x40700,
      sysenterCs: 0x10, sysenterEspLo: 0x8765_4320 | 0, sysenterEspHi: -1, sysenterEip: -0x7fff_e000,
    });
  });
  it('delete: an absent MSR reads 0', () => {
    const m = filled();
    for (const index of INDEXES) expect(m.delete(index)).toBe(true);
    expect(mirrors(m)).toEqual(ZERO);
    expect(m.size).toBe(0);
  });
  it('clear: every mirror back to 0', () => {
    const m = filled();
    m.set(0x277, 7n);
    m.clear();
    expect(mirrors(m)).toEqual(ZERO);
    expect(m.size).toBe(0);
  });
  it('other MSRs leave the mirrors alone', () => {
    const m = filled();
    m.set(0x277, 0x0007_0406_0007_0406n);
    m.delete(0x277);
    expect(mirrors(m)).toEqual(mirrors(filled()));
  });
});
