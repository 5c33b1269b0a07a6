// Instruction fetch around the decoded-code cache: the fetch is checked at the
// current CPL after every privilege change (SDM Vol. 3A §4.6: a user-mode fetch
// from a supervisor page, SMEP), instructions that cross into a page mapped to
// an unrelated frame or into a page that may not be executed (CR2 = the first
// byte of that page, §4.7), self-modifying code in the last page of RAM
// (§11.6), and forced emulation (README: `ud2; 'kvm'` runs the next
// instruction on the reference path, every access walking the page tables).
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import {
  Machine, CODE, RAX, RBX, RCX, R11, movImm, outcome, pteWindow, setGate, setTss,
} from './helpers/system.js';

const SUPCODE = 0x900000, XA = 0xa00000, XB = XA + 0x1000, LAST = 0xb00000, LAST_FRAME = 0x3ff000;
const abs32 = (a: number) => [a & 0xff, (a >>> 8) & 0xff, (a >>> 16) & 0xff, (a >>> 24) & 0xff];
const jmpTo = (a: number) => [...movImm(RAX, a), 0xff, 0xe0];

describe.each(EXECUTION_PATHS)('instruction fetch (%s path)', (path) => {
  it('SYSRET to CPL 3 in the supervisor page it runs from: the next fetch faults (P|U|I)', () => {
    const m = new Machine();
    m.pt.map(SUPCODE, 0x3f0000, 4096, { writable: false, user: false, executable: true });
    m.cpu.msrs.set(0xc0000081, 0x0018000800000000n);
    // at SUPCODE: sysret (REX.W) to SUPCODE + 3 (a NOP)
    m.mem.u8.set([0x48, 0x0f, 0x07, 0x90, 0xf4], 0x3f0000);
    const r = m.run(jmpTo(SUPCODE), { path, regs: { [RCX]: BigInt(SUPCODE + 3), [R11]: 0x2n } });
    expect(outcome(r)).toBe('#PF(15)');
    expect([m.cpu.cpl, m.cpu.cr2]).toEqual([3, SUPCODE + 3]);
  });

  it('a supervisor page fetched at CPL 0, returned to at CPL 3 by SYSRET after the fetch left it: that fetch faults (P|U|I)', () => {
    const m = new Machine();
    m.pt.map(SUPCODE, 0x3f0000, 4096, { writable: false, user: false, executable: true });
    m.cpu.msrs.set(0xc0000081, 0x0018000800000000n);
    m.mem.u8.set([0xc3], 0x3f0000); // at SUPCODE: ret
    // call SUPCODE (it returns here); sysret (REX.W) to SUPCODE at CPL 3
    const code = [...jmpTo(SUPCODE).slice(0, 10), 0xff, 0xd0, ...movImm(RCX, SUPCODE), 0x48, 0x0f, 0x07];
    const r = m.run(code, { path, regs: { [R11]: 0x2n } });
    expect(outcome(r)).toBe('#PF(15)');
    expect([m.cpu.cpl, m.cpu.cr2]).toEqual([3, SUPCODE]);
  });

  it('a code page the fetch left, remapped to another frame and invalidated by INVLPG: coming back runs the new frame', () => {
    const m = new Machine();
    m.pt.map(XA, 0x3f0000, 4096, { writable: false, user: false, executable: true });
    m.mem.u8.set([0xbb, 1, 0, 0, 0, 0xc3], 0x3f0000); // mov ebx, 1; ret
    m.mem.u8.set([0xbb, 2, 0, 0, 0, 0xc3], 0x3e0000); // mov ebx, 2; ret
    const pte = pteWindow(m, XA, 0x720000);
    // call XA; xor dword [pte], 0x10000 (frame 0x3f0000 to 0x3e0000); invlpg [XA]; call XA; hlt
    const code = [...jmpTo(XA).slice(0, 10), 0xff, 0xd0, 0x81, 0x34, 0x25, ...abs32(pte), 0, 0, 1, 0,
      0x0f, 0x01, 0x3c, 0x25, ...abs32(XA), 0xff, 0xd0, 0xf4];
    expect(outcome(m.run(code, { path }))).toBe('halt');
    expect(m.cpu.getReg64(RBX)).toBe(2n);
  });

  it('the code page running remaps itself to another frame and INVLPGs itself: its next branch within the page runs the new frame', () => {
    const m = new Machine();
    m.pt.map(XA, 0x3f0000, 4096, { writable: false, user: false, executable: true });
    const pte = pteWindow(m, XA, 0x720000);
    // at XA in both frames: xor dword [pte], 0x10000 (frame 0x3f0000 to 0x3e0000); invlpg [XA]; jmp XA + 0x100
    const head = [0x81, 0x34, 0x25, ...abs32(pte), 0, 0, 1, 0, 0x0f, 0x01, 0x3c, 0x25, ...abs32(XA), 0xe9, ...abs32(0x100 - 24)]; // 24 bytes
    m.mem.u8.set(head, 0x3f0000); m.mem.u8.set(head, 0x3e0000);
    m.mem.u8.set([0xbb, 1, 0, 0, 0, 0xf4], 0x3f0100); // mov ebx, 1; hlt
    m.mem.u8.set([0xbb, 2, 0, 0, 0, 0xf4], 0x3e0100); // mov ebx, 2; hlt
    expect(outcome(m.run(jmpTo(XA), { path }))).toBe('halt');
    expect(m.cpu.getReg64(RBX)).toBe(2n);
  });

  it('an interrupt from CPL 3 to a handler in the same user page: with SMEP the handler’s fetch faults (P|I)', () => {
    const m = new Machine();
    // The handler is the NOP the user code ran first (already decoded): nop; int 0x80.
    setGate(m, 0x80, { target: CODE, dpl: 3 });
    setTss(m, { rsp: [0x801800] });
    const r = m.run([0x90, 0xcd, 0x80], { path, cpl: 3, cr4: 0x620 | 0x100000 });
    expect(outcome(r)).toBe('#PF(11)');
    expect([m.cpu.cpl, m.cpu.cr2]).toEqual([0, CODE]);
  });

  it('an instruction crossing into a page mapped to an unrelated frame takes its bytes from that frame', () => {
    const m = new Machine();
    const user = { writable: false, user: true, executable: true };
    m.pt.map(XA, 0x3f0000, 4096, user);
    m.pt.map(XB, 0x3e0000, 4096, user);
    // mov rbx, 0x1122334455667788 starting 3 bytes before XB; then hlt
    const insn = movImm(RBX, 0x1122334455667788n);
    m.mem.u8.set(insn.slice(0, 3), 0x3f0000 + 0xffd);
    m.mem.u8.set([...insn.slice(3), 0xf4], 0x3e0000);
    m.mem.u8.set([0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11], 0x3f1000); // the frame after XA's: not the bytes to use
    expect(outcome(m.run(jmpTo(XA + 0xffd), { path }))).toBe('halt');
    expect(m.cpu.getReg64(RBX)).toBe(0x1122334455667788n);
  });

  it('an instruction crossing from the last frame of RAM into another page decodes from both', () => {
    const m = new Machine();
    const sup = { writable: false, user: false, executable: true };
    m.pt.map(XA, LAST_FRAME, 4096, sup);
    m.pt.map(XB, 0x3e0000, 4096, sup);
    const insn = movImm(RBX, 0x0102030405060708n);
    m.mem.u8.set(insn.slice(0, 3), LAST_FRAME + 0xffd);
    m.mem.u8.set([...insn.slice(3), 0xf4], 0x3e0000);
    expect(outcome(m.run(jmpTo(XA + 0xffd), { path }))).toBe('halt');
    expect(m.cpu.getReg64(RBX)).toBe(0x0102030405060708n);
  });

  it('fetching from a physical address nobody claims reads all-ones bytes: FF FF is FF /7, #UD (SDM Vol. 2 Table A-6)', () => {
    const m = new Machine();
    m.pt.map(XA, 0x400000, 4096, { writable: false, user: false, executable: true });   // just past the 4 MiB of RAM
    expect(outcome(m.run(jmpTo(XA), { path }))).toBe('#UD');
  });

  it('running off the end of the lower canonical half: the fetch at 0x800000000000 is #GP(0) (SDM §3.3.7.1)', () => {
    const m = new Machine();
    const top = 0x7ffffffff000;
    m.pt.map(top, 0x3f0000, 4096, { writable: false, user: false, executable: true });
    m.mem.u8.fill(0x90, 0x3f0000 + 0xff0, 0x3f1000);                                   // NOPs up to the boundary
    expect(outcome(m.run(jmpTo(top + 0xff0), { path }))).toBe('#GP(0)');
    expect(m.cpu.rip).toBe(0x800000000000);
  });

  it('SMAP after SYSCALL: the CPL-0 handler’s read of a user page with AC = 0 faults (P, supervisor read)', () => {
    const m = new Machine();
    m.cpu.msrs.set(0xc0000081, 0x0018000800000000n);
    m.cpu.msrs.set(0xc0000082, BigInt(CODE + 0x100));
    const code = new Array<number>(0x100).fill(0x90);
    code.splice(0, 2, 0x0f, 0x05);                                           // syscall
    code.push(0x8b, 0x04, 0x25, 0, 0, 0x60, 0);                              // handler: mov eax, [DATA]
    expect(outcome(m.run(code, { path, cpl: 3, cr4: 0x620 | 0x200000 }))).toBe('#PF(1)');
  });

  it('a run after resetExecution counts instructions from 0: RDTSC first reads the TSC offset (README: RDTSC counts retired instructions)', () => {
    const m = new Machine();
    m.run([0x90, 0x90, 0x90], { path });
    expect(outcome(m.run([0x0f, 0x31], { path }))).toBe('ok');
    expect(m.cpu.getReg64(RAX)).toBe(0n);
  });

  it('an instruction crossing into a non-executable page faults with CR2 = that page (P|I)', () => {
    const m = new Machine();
    m.pt.map(XA, 0x3f0000, 4096, { writable: false, user: false, executable: true });
    m.pt.map(XB, 0x3e0000, 4096, { writable: false, user: false, executable: false });
    m.mem.u8.set(movImm(RBX, 1).slice(0, 3), 0x3f0000 + 0xffd);
    expect(outcome(m.run(jmpTo(XA + 0xffd), { path }))).toBe('#PF(11)');
    expect(m.cpu.cr2).toBe(XB);
  });

  it('self-modifying code in the last page of RAM: REP STOSB patches an instruction that already ran', () => {
    const m = new Machine();
    m.pt.map(LAST, LAST_FRAME, 4096, { writable: true, user: false, executable: true });
    // top: mov eax, imm32 (patched); add ebx, eax; inc edx; mov eax, edx; lea rdi,[top+1]; mov ecx,4; rep stosb; cmp edx,5; jne top; hlt
    const loop = [0xb8, 0, 0, 0, 0, 0x01, 0xc3, 0xff, 0xc2, 0x89, 0xd0, 0x48, 0x8d, 0x3d, 0xef, 0xff, 0xff, 0xff,
      0xb9, 0x04, 0, 0, 0, 0xf3, 0xaa, 0x83, 0xfa, 0x05, 0x75, 0xe2, 0xf4];
    m.mem.u8.set(loop, LAST_FRAME + 0x800);
    expect(outcome(m.run(jmpTo(LAST + 0x800), { path, maxInstructions: 200, regs: { [RBX]: 0n } }))).toBe('halt');
    expect(m.cpu.getReg64(RBX)).toBe(10n * 0x01010101n);
  });
});

// Forced emulation from every tier: the prefixed instruction runs on the reference path whichever path runs the rest.
describe.each(EXECUTION_PATHS)('forced emulation from the %s path (README: the next instruction on the reference path)', (path) => {
  it('an access behind the prefix walks the page tables: it sees an entry cleared without INVLPG', () => {
    const m = new Machine();
    m.cpu.forcedEmulation = true;
    m.pt.map(SUPCODE, 0x3f0000, 4096, { writable: true, user: false, executable: false });
    const pte = pteWindow(m, SUPCODE, 0x720000);
    const load = [0x8b, 0x04, 0x25, ...abs32(SUPCODE)];
    // load (cached in the TLB); clear the entry's P; ud2 'kvm' load → #PF(0)
    const code = [...load, 0xc6, 0x04, 0x25, ...abs32(pte), 0, 0x0f, 0x0b, 0x6b, 0x76, 0x6d, ...load];
    expect(outcome(m.run(code, { path }))).toBe('#PF(0)');
    expect(m.cpu.cr2).toBe(SUPCODE);
  });

  it('the prefix can prefix itself; without forced emulation, or without the signature, ud2 is #UD', () => {
    const m = new Machine();
    m.cpu.forcedEmulation = true;
    const fep = [0x0f, 0x0b, 0x6b, 0x76, 0x6d];
    expect(outcome(m.run([...fep, ...fep, 0xb8, 7, 0, 0, 0, 0x90], { path }))).toBe('ok');
    expect(m.cpu.getReg64(RAX)).toBe(7n);
    expect(outcome(m.run([0x0f, 0x0b, 0x6b, 0x76, 0x6e, 0x90], { path }))).toBe('#UD');
    m.cpu.forcedEmulation = false;
    expect(outcome(m.run([...fep, 0x90], { path }))).toBe('#UD');
  });
});
