// TLB maintenance the guest can rely on (SDM Vol. 3A §4.10.4): after a paging
// entry changes, INVLPG, MOV to CR3 and MOV to CR4 (PGE) make the next access
// use the new entry: for 4 KiB, 2 MiB and 1 GiB pages, global or not. The guest edits
// its own page tables through a window mapped onto the page-table frame.
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import { Machine, RAX, RBX, RCX, entryAddress, movFromCr, movImm, movToCr, outcome, pteWindow } from './helpers/system.js';
import { FrameAllocator, PageTableBuilder } from '../src/mmu/page-table-builder.js';

const CR4 = 0x620, CR4_PGE = 0x80;
const PAGE = 0x700000, OTHER = 0x701000, LARGE = 0x40000000, WINDOW = 0x720000, WINDOW2 = 0x721000;
const sup = (global = false) => ({ writable: true, user: false, executable: false, global });
const abs32 = (a: number) => [a & 0xff, (a >>> 8) & 0xff, (a >>> 16) & 0xff, (a >>> 24) & 0xff];
/** mov eax, [a] */
const load = (a: number) => [0x8b, 0x04, 0x25, ...abs32(a)];
/** mov byte [a], 0: clears P (and the other low flags) of the entry at a */
const clearEntry = (a: number) => [0xc6, 0x04, 0x25, ...abs32(a), 0];
/** invlpg [a] */
const invlpg = (a: number) => [0x0f, 0x01, 0x3c, 0x25, ...abs32(a)];
const reloadCr3 = [...movFromCr(3), ...movToCr(3)];

describe.each(EXECUTION_PATHS)('TLB maintenance (%s path)', (path) => {
  it('INVLPG drops the translation of a 4 KiB page, global or not (SDM INVLPG)', () => {
    for (const global of [false, true]) {
      const m = new Machine();
      m.pt.map(PAGE, 0x3f0000, 4096, sup(global));
      const pte = pteWindow(m, PAGE, WINDOW);
      const r = m.run([...load(PAGE), ...clearEntry(pte), ...invlpg(PAGE), ...load(PAGE)], { path, cr4: CR4 | CR4_PGE });
      expect(`global ${global}: ${outcome(r)}`).toBe(`global ${global}: #PF(0)`);
      expect(m.cpu.cr2).toBe(PAGE);
    }
  });

  it('INVLPG drops a translation whose TLB slot another page took since (the loads keep copies of entries)', () => {
    // The same load runs twice; between, a page 64 MiB away (the same slot of the direct-mapped TLB) is
    // read, then PAGE's entry is cleared and INVLPG'd: the second load must fault.
    const m = new Machine();
    const alias = PAGE + 0x4000000;
    m.pt.map(PAGE, 0x3f0000, 4096, sup());
    m.pt.map(alias, 0x3f1000, 4096, sup());
    const pte = pteWindow(m, PAGE, WINDOW);
    const code = [
      0xb9, 2, 0, 0, 0, // mov ecx, 2
      ...load(PAGE), // 5: the load
      0xff, 0xc9, 0x74, 25, // dec ecx; jz 41
      0x8b, 0x1c, 0x25, ...abs32(alias), // mov ebx, [alias]
      ...clearEntry(pte), ...invlpg(PAGE),
      0xeb, 0xdc, // 39: jmp 5
    ];
    expect(outcome(m.run(code, { path }))).toBe('#PF(0)');
    expect(m.cpu.cr2).toBe(PAGE);
    expect(m.cpu.rip).toBe(0x400005);
  });

  it('INVLPG drops the translation the same PUSH or POP used before (they keep copies of entries)', () => {
    for (const [name, op, error, at] of [['push', 0x50, 2, 0x7f0], ['pop', 0x5a, 0, 0x808]] as const) {
      const m = new Machine();
      m.pt.map(PAGE, 0x3f0000, 4096, sup());
      const pte = pteWindow(m, PAGE, WINDOW);
      const code = [
        0xb9, 2, 0, 0, 0, // mov ecx, 2
        op, // 5: push rax / pop rdx
        0xff, 0xc9, 0x74, 18, // dec ecx; jz 28
        ...clearEntry(pte), ...invlpg(PAGE),
        0xeb, 0xe9, // 26: jmp 5
      ];
      const r = m.run(code, { path, regs: { 4: BigInt(PAGE + 0x800) } });
      expect(`${name}: ${outcome(r)} at ${(m.cpu.cr2 - PAGE).toString(16)}`).toBe(`${name}: #PF(${error}) at ${at.toString(16)}`);
    }
  });

  // The compiled tier keeps the pages a block reached through the TLB in locals (its stack page, a page
  // per base register): an INVLPG between two accesses in one block must drop them (its template does).
  it('INVLPG drops the page a block touched before it, through RSP or a base register, for the accesses after it in the block', () => {
    const push = [0x50]; // push rax: the first one caches the stack page
    const loadRbx = [0x48, 0x8b, 0x03]; // mov rax, [rbx]: the second one caches RBX's page (page-caches.ts)
    for (const [name, before, after, error, at] of [
      ['push', push, push, 2, 0x7f0],
      ['mov rax, [rbx]', [...loadRbx, ...loadRbx], loadRbx, 0, 0x100],
    ] as const) {
      const m = new Machine();
      m.pt.map(PAGE, 0x3f0000, 4096, sup());
      const pte = pteWindow(m, PAGE, WINDOW);
      const code = [...before, ...clearEntry(pte), ...invlpg(PAGE), ...after, 0xf4];
      const r = m.run(code, { path, regs: { 4: BigInt(PAGE + 0x800), [RBX]: BigInt(PAGE + 0x100) } });
      expect(`${name}: ${outcome(r)} at ${(m.cpu.cr2 - PAGE).toString(16)}`).toBe(`${name}: #PF(${error}) at ${at.toString(16)}`);
      expect(m.cpu.rip).toBe(0x400000 + before.length + 16); // the access after clearEntry and INVLPG (8 bytes each)
    }
  });

  it('INVLPG of any address in a 2 MiB page drops the whole page’s translation', () => {
    const m = new Machine();
    m.pt.map(LARGE, 0x200000, 0x200000, sup());
    const pde = pteWindow(m, LARGE, WINDOW);
    const code = [...load(LARGE), ...load(LARGE + 0x5000), ...load(LARGE + 0x1ff000), ...clearEntry(pde), ...invlpg(LARGE + 0x123), ...load(LARGE + 0x5000)];
    expect(outcome(m.run(code, { path }))).toBe('#PF(0)');
    expect(m.cpu.cr2).toBe(LARGE + 0x5000);
  });

  it('INVLPG of any address in a 1 GiB page drops the whole page’s translation', () => {
    const m = new Machine();
    const pdpt = m.mem.read32(m.pt.pml4) & ~0xfff;
    m.mem.write32(pdpt + 8, 0x83); // PDPT[1]: P | RW | PS, frame 0: LARGE..LARGE+1 GiB → 0..1 GiB
    const pdpte = pteWindow(m, LARGE, WINDOW);
    const code = [...load(LARGE), ...load(LARGE + 0x5000), ...load(LARGE + 0x200000), ...clearEntry(pdpte), ...invlpg(LARGE + 0x123), ...load(LARGE + 0x200000)];
    expect(outcome(m.run(code, { path }))).toBe('#PF(0)');
    expect(m.cpu.cr2).toBe(LARGE + 0x200000);
  });

  it('a 2 MiB page translates every 4 KiB part to the matching part of the frame', () => {
    const m = new Machine();
    m.pt.map(LARGE, 0x200000, 0x200000, sup());
    m.mem.write32(0x200000 + 0x5004, 0x5005);
    m.mem.write32(0x200000 + 0x1ff008, 0x1ff009);
    expect(outcome(m.run([...load(LARGE + 0x5004), 0x89, 0xc3, ...load(LARGE + 0x1ff008)], { path }))).toBe('ok');
    expect([m.cpu.getReg64(3), m.cpu.getReg64(RAX)]).toEqual([0x5005n, 0x1ff009n]);
  });

  it('MOV CR3 with CR4.PGE = 1 drops a non-global page even right after a global one was used', () => {
    const m = new Machine();
    m.pt.map(OTHER, 0x3f1000, 4096, sup(true));
    m.pt.map(PAGE, 0x3f0000, 4096, sup(false));
    const pte = pteWindow(m, PAGE, WINDOW);
    const code = [...load(OTHER), ...load(PAGE), ...clearEntry(pte), ...reloadCr3, ...load(OTHER), ...load(PAGE)];
    expect(outcome(m.run(code, { path, cr4: CR4 | CR4_PGE }))).toBe('#PF(0)');
    expect(m.cpu.cr2).toBe(PAGE);
  });

  it('MOV CR3 with CR4.PGE = 0 drops global pages too; clearing CR4.PGE drops them as well (SDM §4.10.4.1)', () => {
    let m = new Machine();
    m.pt.map(PAGE, 0x3f0000, 4096, sup(true));
    let pte = pteWindow(m, PAGE, WINDOW);
    expect(outcome(m.run([...load(PAGE), ...clearEntry(pte), ...reloadCr3, ...load(PAGE)], { path, cr4: CR4 }))).toBe('#PF(0)');
    m = new Machine();
    m.pt.map(PAGE, 0x3f0000, 4096, sup(true));
    pte = pteWindow(m, PAGE, WINDOW2);
    const code = [...load(PAGE), ...clearEntry(pte), ...movImm(RAX, CR4), ...movToCr(4), ...load(PAGE)];
    expect(outcome(m.run(code, { path, cr4: CR4 | CR4_PGE }))).toBe('#PF(0)');
  });

  it('MOV CR3 switches to the new tables: the same address translates through the new PML4 (SDM §4.5)', () => {
    for (const cr4 of [CR4, CR4 | CR4_PGE]) {
      const m = new Machine();
      const HIGH = 0x8000000000;                       // PML4 slot 1: the only slot the two tables do not share
      m.pt.map(HIGH, 0x3e0000, 4096, sup());
      m.mem.write32(0x3e0000, 0xaaaa);
      const second = new PageTableBuilder(m.mem, new FrameAllocator(0x380000, 0x3a0000));
      for (let k = 0; k < 512; k++) if (k !== 1) m.mem.write64(second.pml4 + k * 8, m.mem.read64(m.pt.pml4 + k * 8));
      second.map(HIGH, 0x3e1000, 4096, sup());
      m.mem.write32(0x3e1000, 0xbbbb);
      const loadRcx = [0x8b, 0x01];                    // mov eax, [rcx]
      const code = [...movImm(RCX, HIGH), ...loadRcx, 0x89, 0xc3, ...movImm(RAX, second.pml4), ...movToCr(3), ...loadRcx];
      expect(outcome(m.run(code, { path, cr4 }))).toBe('ok');
      expect([m.cpu.getReg64(RBX), m.cpu.getReg64(RAX), BigInt(m.cpu.cr3)]).toEqual([0xaaaan, 0xbbbbn, BigInt(second.pml4)]);
    }
  });

  it('INVLPG of a non-canonical address does nothing, not even fault (SDM INVLPG)', () => {
    const m = new Machine();
    expect(outcome(m.run([...movImm(RAX, 0x800000000000), 0x0f, 0x01, 0x38], { path }))).toBe('ok');
  });

  // SDM INVLPG: the TLB entries of the page holding the address, a large page whole. The page the code
  // runs from is no exception: the instruction after INVLPG is fetched through the new entry, even when it
  // was decoded before from the old frame (a first pass stores the old entry, the second the new one).
  it('INVLPG of the page the code runs from, or of another 4 KiB part of its 2 MiB page: the next instruction comes through the new entry', () => {
    /** mov [entry], ecx; invlpg [target]; mov eax, v; test ebx, ebx; jnz end; inc ebx; mov ecx, newEntry; jmp top; end: hlt */
    const loop = (entry: number, target: number, v: number, newEntry: number) => [
      0x89, 0x0c, 0x25, ...abs32(entry), ...invlpg(target), 0xb8, ...abs32(v), 0x85, 0xdb, 0x75, 9, 0xff, 0xc3,
      0xb9, ...abs32(newEntry), 0xeb, -33 & 0xff, 0xf4];
    // A 4 KiB code page (the Machine's CODE) remapped to NEWF.
    let m = new Machine();
    const NEWF = 0x3f0000;
    const pte = pteWindow(m, 0x400000, WINDOW);
    const old4k = m.mem.read32(entryAddress(m, 0x400000)), new4k = (old4k & 0xfff) | NEWF;
    m.mem.u8.set(loop(pte, 0x400000, 2, new4k), NEWF);
    expect(outcome(m.run(loop(pte, 0x400000, 1, new4k), { path, regs: { [RCX]: BigInt(old4k) } }))).toBe('halt');
    expect(m.cpu.getReg64(RAX)).toBe(2n);
    // Code in a 2 MiB page: INVLPG names another 4 KiB part of it, the PDE then maps frame 0 (free below 1 MiB).
    m = new Machine();
    const CODE2M = LARGE + 0x200000, WIN2M = LARGE + 0x400000;
    m.pt.map(CODE2M, 0x200000, 0x200000, { writable: false, user: false, executable: true });
    m.pt.map(WIN2M, 0, 0x200000, sup()); // every page table lies in the first 2 MiB
    const pde = WIN2M + entryAddress(m, CODE2M);
    const old2m = m.mem.read32(entryAddress(m, CODE2M)), new2m = old2m & 0xfff;
    m.mem.u8.set(loop(pde, CODE2M + 0x1000, 1, new2m), 0x200000 + 0x100);
    m.mem.u8.set(loop(pde, CODE2M + 0x1000, 2, new2m), 0x100);
    expect(outcome(m.run([...movImm(RAX, CODE2M + 0x100), 0xff, 0xe0], { path, regs: { [RCX]: BigInt(old2m) } }))).toBe('halt');
    expect(m.cpu.getReg64(RAX)).toBe(2n);
  });

  it('INVLPG in a 2 MiB page when only 2 MiB pages were used since the last flush (code, data and the table window)', () => {
    const m = new Machine();
    const CODE2M = LARGE + 0x200000, WIN2M = LARGE + 0x400000;
    m.pt.map(LARGE, 0x200000, 0x200000, sup());
    m.pt.map(CODE2M, 0x200000, 0x200000, { writable: false, user: false, executable: true });
    m.pt.map(WIN2M, 0, 0x200000, sup());                        // every page table lies in the first 2 MiB
    const pde = WIN2M + entryAddress(m, LARGE);
    // In the 2 MiB code page: invlpg [CODE] (a flush that may forget the 4 KiB code page), load, clear the PDE, invlpg, load.
    const inLarge = [...invlpg(0x400000), ...load(LARGE + 0x5000), ...clearEntry(pde), ...invlpg(LARGE + 0x123), ...load(LARGE + 0x5000), 0xf4];
    m.mem.u8.set(inLarge, 0x200000 + 0x100);
    const code = [...movImm(RAX, CODE2M + 0x100), 0xff, 0xe0]; // jmp rax
    expect(outcome(m.run(code, { path }))).toBe('#PF(0)');
    expect(m.cpu.cr2).toBe(LARGE + 0x5000);
  });
});
