// Paging permission rules with exact #PF error codes (SDM Vol. 3A §4.6, §4.7),
// A/D updates, large pages and TLB maintenance, on hand-built page tables.
import { describe, it, expect } from 'vitest';
import { PhysicalMemory } from '../src/mmu/physical-memory.js';
import { FrameAllocator, PageTableBuilder, type MapFlags } from '../src/mmu/page-table-builder.js';
import {
  Mmu, ACC_READ_SUP, ACC_READ_SUP_AC, ACC_WRITE_SUP, ACC_WRITE_SUP_AC, ACC_EXEC_SUP, ACC_READ_USER, ACC_WRITE_USER, ACC_EXEC_USER,
} from '../src/mmu/mmu.js';
import { walk, WalkResult } from '../src/mmu/paging.js';
import { TLB_SIZE } from '../src/mmu/tlb.js';

class Fault { constructor(readonly lin: number, readonly err: number) {} }

interface World { mem: PhysicalMemory; pt: PageTableBuilder; mmu: Mmu }

function world(opts: { wp?: boolean; smep?: boolean; smap?: boolean; pke?: boolean; nxe?: boolean } = {}): World {
  const mem = new PhysicalMemory(8 * 1024 * 1024);
  const pt = new PageTableBuilder(mem, new FrameAllocator(0x100000, mem.size));
  const mmu = new Mmu(mem, (lin, err) => { throw new Fault(lin, err); });
  mmu.ctl.cr3 = pt.pml4;
  mmu.ctl.nxe = opts.nxe ?? true;
  mmu.ctl.pke = opts.pke ?? false;
  mmu.wp = opts.wp ?? true;
  mmu.smep = opts.smep ?? false;
  mmu.smap = opts.smap ?? false;
  return { mem, pt, mmu };
}

const USER_RW: MapFlags = { user: true, writable: true, executable: false };
const USER_RO: MapFlags = { user: true, writable: false, executable: false };
const USER_RX: MapFlags = { user: true, writable: false, executable: true };
const SUP_RW: MapFlags = { user: false, writable: true, executable: false };
const SUP_RO: MapFlags = { user: false, writable: false, executable: false };
const SUP_RX: MapFlags = { user: false, writable: false, executable: true };

/** The #PF error code of an access, or 'ok'. */
function access(w: World, lin: number, acc: number): number | 'ok' {
  try { w.mmu.translate(lin, acc); return 'ok'; } catch (e) {
    if (e instanceof Fault) { expect(e.lin).toBe(lin); return e.err; }
    throw e;
  }
}

const PAGE_A = 0x400000, PAGE_B = 0x401000, PAGE_C = 0x402000;

describe('not-present pages: P=0 with W/U/I', () => {
  const w = world();
  it.each([
    ['supervisor read', ACC_READ_SUP, 0x0], ['supervisor write', ACC_WRITE_SUP, 0x2], ['user read', ACC_READ_USER, 0x4],
    ['user write', ACC_WRITE_USER, 0x6], ['supervisor fetch', ACC_EXEC_SUP, 0x10], ['user fetch', ACC_EXEC_USER, 0x14],
  ])('%s', (_n, acc, err) => expect(access(w, 0x123456000, acc)).toBe(err));
  it('I is clear on a fetch when neither NXE nor SMEP is on', () => {
    expect(access(world({ nxe: false }), PAGE_A, ACC_EXEC_SUP)).toBe(0x0);
  });
});

describe('U/S, R/W, WP, NX', () => {
  const w = world();
  w.pt.map(PAGE_A, 0x200000, 4096, USER_RO);
  w.pt.map(PAGE_B, 0x201000, 4096, SUP_RW);
  w.pt.map(PAGE_C, 0x202000, 4096, SUP_RX);
  it('user read of a supervisor page: P|U', () => expect(access(w, PAGE_B, ACC_READ_USER)).toBe(0x5));
  it('user write of a read-only user page: P|W|U', () => expect(access(w, PAGE_A, ACC_WRITE_USER)).toBe(0x7));
  it('supervisor write of a read-only page with WP=1: P|W', () => expect(access(w, PAGE_C, ACC_WRITE_SUP)).toBe(0x3));
  it('supervisor write of a read-only page with WP=0 is allowed', () => {
    const w2 = world({ wp: false });
    w2.pt.map(PAGE_C, 0x202000, 4096, SUP_RO);
    expect(access(w2, PAGE_C, ACC_WRITE_SUP)).toBe('ok');
  });
  it('fetch from an NX page: P|I (supervisor), P|U|I (user)', () => {
    expect(access(w, PAGE_B, ACC_EXEC_SUP)).toBe(0x11);
    const w2 = world();
    w2.pt.map(PAGE_A, 0x200000, 4096, USER_RW);
    expect(access(w2, PAGE_A, ACC_EXEC_USER)).toBe(0x15);
  });
  it('allowed accesses translate to the frame', () => {
    expect(access(w, PAGE_A + 0x123, ACC_READ_USER)).toBe('ok');
    expect(w.mmu.translate(PAGE_A + 0x123, ACC_READ_USER)).toBe(0x200123);
    expect(w.mmu.translate(PAGE_C + 8, ACC_EXEC_SUP)).toBe(0x202008);
  });
  it('a non-writable upper level makes the page read-only (R/W ANDed over levels)', () => {
    const w2 = world();
    w2.pt.map(PAGE_A, 0x200000, 4096, USER_RW);
    // Clear R/W in the PML4 entry.
    const e = w2.pt.pml4;
    w2.mem.write32(e, w2.mem.read32(e) & ~2);
    expect(access(w2, PAGE_A, ACC_WRITE_USER)).toBe(0x7);
    expect(access(w2, PAGE_A, ACC_READ_USER)).toBe('ok');
  });
});

describe('SMEP and SMAP', () => {
  it('SMEP: a supervisor fetch from a user page is P|I', () => {
    const w = world({ smep: true });
    w.pt.map(PAGE_A, 0x200000, 4096, USER_RX);
    expect(access(w, PAGE_A, ACC_EXEC_SUP)).toBe(0x11);
    expect(access(w, PAGE_A, ACC_EXEC_USER)).toBe('ok');
  });
  it('SMEP off: the same fetch is allowed', () => {
    const w = world();
    w.pt.map(PAGE_A, 0x200000, 4096, USER_RX);
    expect(access(w, PAGE_A, ACC_EXEC_SUP)).toBe('ok');
  });
  it('SMAP: supervisor data access to a user page faults unless AC=1 on an explicit access', () => {
    const w = world({ smap: true });
    w.pt.map(PAGE_A, 0x200000, 4096, USER_RW);
    expect(access(w, PAGE_A, ACC_READ_SUP)).toBe(0x1);
    expect(access(w, PAGE_A, ACC_WRITE_SUP)).toBe(0x3);
    expect(access(w, PAGE_A, ACC_READ_SUP_AC)).toBe('ok');
    expect(access(w, PAGE_A, ACC_WRITE_SUP_AC)).toBe('ok');
    expect(access(w, PAGE_A, ACC_READ_USER)).toBe('ok');
  });
  it('setMode picks the AC-aware masks', () => {
    const w = world({ smap: true });
    w.pt.map(PAGE_A, 0x200000, 4096, USER_RW);
    w.mmu.setMode(0, false);
    expect(() => w.mmu.read8(PAGE_A)).toThrow(Fault);
    w.mmu.setMode(0, true);
    expect(w.mmu.read8(PAGE_A)).toBe(0);
    w.mmu.setMode(3, false);
    expect(w.mmu.read8(PAGE_A)).toBe(0);
  });
});

describe('protection keys (SDM §4.6.2)', () => {
  function keyed(pkru: number, wp = true) {
    const w = world({ pke: true, wp });
    w.pt.map(PAGE_A, 0x200000, 4096, USER_RW);
    // Put the leaf in protection key 1 (bits 62:59).
    const wr = new WalkResult();
    walk(w.mem, w.mmu.ctl, PAGE_A, wr, new Float64Array(4));
    w.mem.write32(wr.leafAddr + 4, w.mem.read32(wr.leafAddr + 4) | (1 << 27));
    w.mmu.pkru = pkru;
    return w;
  }
  it('AD for the key: user and supervisor data accesses fault with PK', () => {
    const w = keyed(0b0100);
    expect(access(w, PAGE_A, ACC_READ_USER)).toBe(0x25);
    expect(access(w, PAGE_A, ACC_WRITE_USER)).toBe(0x27);
    expect(access(w, PAGE_A, ACC_READ_SUP)).toBe(0x21);
  });
  it('WD for the key: writes fault (supervisor only with WP=1), reads pass', () => {
    const w = keyed(0b1000);
    expect(access(w, PAGE_A, ACC_READ_USER)).toBe('ok');
    expect(access(w, PAGE_A, ACC_WRITE_USER)).toBe(0x27);
    expect(access(w, PAGE_A, ACC_WRITE_SUP)).toBe(0x23);
    expect(access(keyed(0b1000, false), PAGE_A, ACC_WRITE_SUP)).toBe('ok');
  });
  it('keys do not apply to instruction fetches or to other keys', () => {
    const w = keyed(0b0011); // key 0 denied, page is key 1
    expect(access(w, PAGE_A, ACC_READ_USER)).toBe('ok');
  });
});

describe('reserved bits, large pages, A/D, TLB', () => {
  it('a reserved address bit in a PTE: P|RSVD (with U/W as for any fault)', () => {
    const w = world();
    w.pt.map(PAGE_A, 0x200000, 4096, USER_RW);
    const wr = new WalkResult();
    walk(w.mem, w.mmu.ctl, PAGE_A, wr, new Float64Array(4));
    w.mem.write32(wr.leafAddr + 4, w.mem.read32(wr.leafAddr + 4) | (1 << 19)); // bit 51
    expect(access(w, PAGE_A, ACC_READ_SUP)).toBe(0x9);
    expect(access(w, PAGE_A, ACC_WRITE_USER)).toBe(0xf);
  });
  it('NX set while EFER.NXE=0 is a reserved-bit fault', () => {
    const w = world({ nxe: false });
    w.pt.map(PAGE_A, 0x200000, 4096, SUP_RW); // builder sets NX for non-executable
    expect(access(w, PAGE_A, ACC_READ_SUP)).toBe(0x9);
  });
  it('2 MiB pages translate and report large', () => {
    const w = world();
    w.pt.map(0x40000000, 0x400000, 0x200000, SUP_RW);
    expect(w.mmu.translate(0x40000000 + 0x123456, ACC_READ_SUP)).toBe(0x400000 + 0x123456);
  });
  it('1 GiB pages translate (PDPTE with PS)', () => {
    const w = world();
    w.pt.map(0x80000000, 0x200000, 4096, SUP_RW); // creates the PDPT
    const wr = new WalkResult();
    walk(w.mem, w.mmu.ctl, 0x80000000, wr, new Float64Array(4));
    // Turn PDPT entry 3 (0xC0000000) into a 1 GiB page at physical 0.
    const pdpt = (w.mem.read32(w.pt.pml4) & ~0xfff) >>> 0;
    w.mem.write32(pdpt + 3 * 8, 0x83); // P|RW|PS, frame 0
    w.mem.write32(pdpt + 3 * 8 + 4, 0);
    expect(w.mmu.translate(0xc0000000 + 0x345678, ACC_READ_SUP)).toBe(0x345678);
  });
  it('A is set on every level on access, D on the leaf only on write', () => {
    const w = world();
    w.pt.map(PAGE_A, 0x200000, 4096, SUP_RW);
    const entries = new Float64Array(4);
    const wr = new WalkResult();
    walk(w.mem, w.mmu.ctl, PAGE_A, wr, entries);
    const bits = () => Array.from(entries, (a) => w.mem.read32(a) & 0x60);
    expect(bits()).toEqual([0, 0, 0, 0]);
    w.mmu.read8(PAGE_A);
    expect(bits()).toEqual([0x20, 0x20, 0x20, 0x20]);
    w.mmu.write8(PAGE_A, 1);
    expect(bits()).toEqual([0x20, 0x20, 0x20, 0x60]);
  });
  it('a faulting access sets no A flag', () => {
    const w = world();
    w.pt.map(PAGE_A, 0x200000, 4096, SUP_RO);
    expect(access(w, PAGE_A, ACC_WRITE_SUP)).toBe(0x3);
    const wr = new WalkResult(); const entries = new Float64Array(4);
    walk(w.mem, w.mmu.ctl, PAGE_A, wr, entries);
    expect(Array.from(entries, (a) => w.mem.read32(a) & 0x20)).toEqual([0, 0, 0, 0]);
  });
  it('the TLB keeps a stale translation until invalidated (like hardware)', () => {
    const w = world();
    w.pt.map(PAGE_A, 0x200000, 4096, SUP_RW);
    w.mem.u8[0x200000] = 0x11;
    expect(w.mmu.read8(PAGE_A)).toBe(0x11);
    const wr = new WalkResult();
    walk(w.mem, w.mmu.ctl, PAGE_A, wr, new Float64Array(4));
    w.mem.write32(wr.leafAddr, 0); // unmap
    expect(w.mmu.read8(PAGE_A)).toBe(0x11); // still cached
    w.mmu.invalidatePage(PAGE_A);
    expect(access(w, PAGE_A, ACC_READ_SUP)).toBe(0x0);
  });
  it('the reference path (bypassTlb) walks every time', () => {
    const w = world();
    w.pt.map(PAGE_A, 0x200000, 4096, SUP_RW);
    w.mmu.read8(PAGE_A);
    const wr = new WalkResult();
    walk(w.mem, w.mmu.ctl, PAGE_A, wr, new Float64Array(4));
    w.mem.write32(wr.leafAddr, 0);
    w.mmu.setReference(true);
    expect(access(w, PAGE_A, ACC_READ_SUP)).toBe(0x0);
  });
  it('a page-crossing access faults on the second page without writing the first', () => {
    const w = world();
    w.pt.map(PAGE_A, 0x200000, 4096, SUP_RW);
    expect(() => w.mmu.write32(PAGE_A + 4094, 0x11223344)).toThrow(Fault);
    expect(w.mem.u8[0x200000 + 4094]).toBe(0);
    try { w.mmu.write32(PAGE_A + 4094, 1); } catch (e) { expect((e as Fault).lin).toBe(PAGE_B); expect((e as Fault).err).toBe(0x2); }
  });
});

// Kernel-half addresses (negative numbers) and frames above 4 GiB: the walk's integer arithmetic on the
// address halves (paging.ts) and the TLB's large-page bases for negative page numbers (tlb.ts).
describe('kernel-half addresses, frames above 4 GiB (SDM §4.5 Figures 4-8 to 4-10)', () => {
  const KERNEL = -0x777fc0000000; // 0xffff888040000000: PML4 index 273, PDPT index 1, PD index 0
  const physOf = (w: World, lin: number) => {
    const wr = new WalkResult();
    expect(walk(w.mem, w.mmu.ctl, lin, wr, new Float64Array(4))).toBe(true);
    return wr.physPage;
  };
  it('a 4 KiB, a 2 MiB and a 1 GiB leaf give the frame plus the address bits below the page size', () => {
    const w = world();
    w.pt.map(KERNEL, 0x1234567000, 4096, SUP_RW);
    expect(physOf(w, KERNEL + 0xabc)).toBe(0x1234567000);
    w.pt.map(KERNEL + 0x200000, 0xabcde00000, 0x200000, SUP_RW);
    expect(physOf(w, KERNEL + 0x200000 + 0x1f5123)).toBe(0xabcde00000 + 0x1f5000);
    // PDPT entry 2 of the same PDPT (KERNEL + 1 GiB): a 1 GiB page at 0xfedc0000000 (bits 47:30).
    const wr = new WalkResult(), entries = new Float64Array(4);
    walk(w.mem, w.mmu.ctl, KERNEL, wr, entries);
    w.mem.write32(entries[1]! + 8, (0xc0000000 | 0x83) | 0); // P | RW | PS, frame bits 31:30
    w.mem.write32(entries[1]! + 12, 0xfed);                   // frame bits 47:32
    expect(physOf(w, KERNEL + 0x40000000 + 0x3fedc123)).toBe(0xfedc0000000 + 0x3fedc000);
  });
  // The walk reads tables in the RAM at guest-physical 0 below 2 GiB at int32 offsets, and every
  // other table through its slot: tables with address bit 31 set, above 4 GiB, in a slot that
  // does not start at 0, and in a slot added at 0 after the memory was made (the fast path
  // follows the layout).
  it('tables at 3 GiB, at 4 GiB + 16 MiB, at 16 MiB and in a slot added at 0: the same frame, each entry read where it is', () => {
    for (const base of [0xc0000000, 2 ** 32 + 16 * 2 ** 20, 16 * 2 ** 20, 0]) {
      const mem = new PhysicalMemory(base === 0xc0000000 || base > 2 ** 32 ? 32 * 2 ** 20 : 0); // RAM at 0 holding the low dword of the 4 GiB + 16 MiB tables too
      const tables = mem.addSlot({ base, size: 2 ** 20 });
      const pt = new PageTableBuilder(mem, new FrameAllocator(tables.base, tables.end));
      pt.map(KERNEL, 0x1234567000, 4096, SUP_RW);
      const wr = new WalkResult(), entries = new Float64Array(4);
      expect(walk(mem, { cr3: pt.pml4, nxe: true, pke: false, vendor: 'amd', gbPages: true }, KERNEL + 0xabc, wr, entries), `tables at ${base}`).toBe(true);
      expect(wr.physPage).toBe(0x1234567000);
      expect(entries[0]).toBe(pt.pml4 + 273 * 8);
      expect([...entries].every((a) => a >= tables.base && a < tables.end)).toBe(true);
    }
  });
  it('INVLPG anywhere in a kernel-half 2 MiB page drops every cached slice of it, and only it', () => {
    const w = world();
    const big = KERNEL + 0x200000;
    w.pt.map(big, 0x400000, 0x200000, SUP_RW);
    w.pt.map(KERNEL + 0x400000, 0x600000, 0x200000, SUP_RW);
    for (const off of [0, 0x5000, 0x1ff000]) expect(w.mmu.translate(big + off, ACC_READ_SUP)).toBe(0x400000 + off);
    expect(w.mmu.translate(KERNEL + 0x400000, ACC_READ_SUP)).toBe(0x600000);
    const wr = new WalkResult();
    walk(w.mem, w.mmu.ctl, big, wr, new Float64Array(4));
    w.mem.write32(wr.leafAddr, 0); // unmap the first 2 MiB page
    walk(w.mem, w.mmu.ctl, KERNEL + 0x400000, wr, new Float64Array(4));
    w.mem.write32(wr.leafAddr, 0); // and the second: still cached, as INVLPG does not name it
    w.mmu.invalidatePage(big + 0x123456);
    for (const off of [0, 0x5000, 0x1ff000]) expect(access(w, big + off, ACC_READ_SUP)).toBe(0x0);
    expect(w.mmu.translate(KERNEL + 0x400000, ACC_READ_SUP)).toBe(0x600000);
  });
  it('INVLPG of a 2 MiB page once more 2 MiB pages were cached than the TLB tracks by base (32): still dropped', () => {
    const w = world();
    const at = (k: number) => KERNEL + k * 0x200000;
    for (let k = 0; k < 40; k++) w.pt.map(at(k), 0x400000, 0x200000, SUP_RW);
    for (let k = 0; k < 40; k++) expect(w.mmu.translate(at(k) + 0x3000, ACC_READ_SUP)).toBe(0x403000);
    const wr = new WalkResult();
    for (const k of [0, 39]) {
      walk(w.mem, w.mmu.ctl, at(k), wr, new Float64Array(4));
      w.mem.write32(wr.leafAddr, 0);
      w.mmu.invalidatePage(at(k) + 0x1ff000);
      expect(access(w, at(k) + 0x3000, ACC_READ_SUP)).toBe(0x0);
    }
    expect(w.mmu.translate(at(20) + 0x3000, ACC_READ_SUP)).toBe(0x403000);
  });
  it('a flush after more fills of empty slots than the TLB has slots (its list of filled slots overflowed) still drops every entry', () => {
    const w = world();
    const at = (k: number) => KERNEL + k * 0x200000;
    for (let k = 0; k < 48; k++) w.pt.map(at(k), 0x400000, 0x200000, SUP_RW);
    // 100 slots filled, emptied and filled again until the list has more entries than the TLB slots.
    for (let round = 0; round * 100 <= TLB_SIZE; round++) {
      w.mmu.invalidatePage(KERNEL); // every cached slice of the first 2 MiB page
      for (let p = 0; p < 100; p++) expect(w.mmu.translate(KERNEL + p * 0x1000, ACC_READ_SUP)).toBe(0x400000 + p * 0x1000);
    }
    expect(w.mmu.translate(at(47) + 0x1ff000, ACC_READ_SUP)).toBe(0x5ff000); // a slot filled after that
    const wr = new WalkResult();
    walk(w.mem, w.mmu.ctl, at(47), wr, new Float64Array(4));
    w.mem.write32(wr.leafAddr, 0);
    expect(w.mmu.translate(at(47) + 0x1ff000, ACC_READ_SUP)).toBe(0x5ff000); // still cached
    w.mmu.flush();
    expect(access(w, at(47) + 0x1ff000, ACC_READ_SUP)).toBe(0x0);
    expect(w.mmu.translate(at(20) + 0x3000, ACC_READ_SUP)).toBe(0x403000);
  });
});

// A slot at a non-zero guest-physical base: the TLB keeps the frame's offset in the slot (for the fast
// paths) and its physical address (for translate); implicit accesses (readWith, writeWith) hit the TLB too.
describe('a memory slot at a non-zero base', () => {
  const BASE = 0x10000000, LIN = 0x600000;
  function slotWorld() {
    const w = world();
    const slot = w.mem.addSlot({ base: BASE, size: 0x10000 });
    w.pt.map(LIN, BASE + 0x2000, 4096, SUP_RW);
    w.pt.map(LIN + 0x1000, BASE + 0x3000, 4096, SUP_RO);
    return { w, slot };
  }
  it('translate gives the physical address on a miss and on a TLB hit', () => {
    const { w } = slotWorld();
    expect(w.mmu.translate(LIN + 0x10, ACC_READ_SUP)).toBe(BASE + 0x2010);
    expect(w.mmu.translate(LIN + 0x10, ACC_READ_SUP)).toBe(BASE + 0x2010);
    expect(w.mmu.translate(LIN + 0xff8, ACC_WRITE_SUP)).toBe(BASE + 0x2ff8);
  });
  it('implicit reads and writes reach the slot’s bytes, filled or hit, and a read fill grants no write to a read-only page', () => {
    const { w, slot } = slotWorld();
    slot.view.setUint32(0x2008, 0x11223344, true);
    slot.view.setUint32(0x200c, 0x55667788, true);
    expect(w.mmu.readWith(LIN + 8, 4, ACC_READ_SUP) >>> 0).toBe(0x11223344); // fills the TLB
    expect(w.mmu.readWith(LIN + 9, 2, ACC_READ_SUP)).toBe(0x2233);            // hits it
    expect(w.mmu.readWith(LIN + 12, 1, ACC_READ_SUP)).toBe(0x88);
    expect(w.mmu.read64With(LIN + 8, ACC_READ_SUP) >>> 0).toBe(0x11223344);
    expect(w.mmu.hi >>> 0).toBe(0x55667788);
    w.mmu.writeWith(LIN + 0x20, 8, 0x0a0b0c0d, 0x01020304, ACC_WRITE_SUP);
    w.mmu.writeWith(LIN + 0x28, 2, 0xbeef, 0, ACC_WRITE_SUP);
    w.mmu.writeWith(LIN + 0x2a, 1, 0x7f, 0, ACC_WRITE_SUP);
    expect([slot.view.getUint32(0x2020, true), slot.view.getUint32(0x2024, true), slot.view.getUint16(0x2028, true), slot.bytes[0x202a]])
      .toEqual([0x0a0b0c0d, 0x01020304, 0xbeef, 0x7f]);
    expect(w.mmu.readWith(LIN + 0x1000, 4, ACC_READ_SUP)).toBe(0); // the read-only page, now in the TLB
    let err = -1;
    try { w.mmu.writeWith(LIN + 0x1000, 4, 1, 0, ACC_WRITE_SUP); } catch (e) { err = (e as Fault).err; }
    expect(err).toBe(0x3); // P | W: CR0.WP makes the supervisor write fault
  });
  it('an implicit write to a clean page of a dirty-logging slot is logged even when a read filled the TLB', () => {
    const { w, slot } = slotWorld();
    w.mem.setDirtyLogging(slot.id, true);
    expect(w.mmu.readWith(LIN, 4, ACC_READ_SUP)).toBe(0);
    w.mmu.writeWith(LIN + 4, 4, 5, 0, ACC_WRITE_SUP);
    expect(Array.from(slot.dirtyBitmap())).toEqual([0x04, 0]);
  });
});
