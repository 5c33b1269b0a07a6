// Exhaustive paging-permission tables: every access kind × CPL × AC × page
// attributes (leaf and one upper level) × CR0.WP × CR4.SMEP/SMAP/PKE × EFER.NXE
// × PKRU, checked against the SDM model in helpers/paging-model.ts (SDM Vol. 3A
// §4.6-§4.8, AMD APM Vol. 2 §5.6), never against the implementation itself.
import { describe, it, expect } from 'vitest';
import { PhysicalMemory } from '../src/mmu/physical-memory.js';
import { Mmu, ACC_READ_SUP, ACC_WRITE_SUP } from '../src/mmu/mmu.js';
import {
  ACCESSES, model, expectedAD, fmtErr, fmtAccess, fmtControls, levelOf, Mismatches,
  type Access, type Controls, type Entry, type Outcome, type Translation,
} from './helpers/paging-model.js';

// ---- the world: the ONE place that knows the Mmu API -----------------------

type Result = { fault: false; phys: number } | { fault: true; err: number; cr2: number };

function makeWorld(ramBytes = 8 * 1024 * 1024) {
  const mem = new PhysicalMemory(ramBytes);
  // The fault sink throws one preallocated sentinel (as the CPU does): a million faults stay cheap.
  const FAULT = new Error('#PF');
  let cr2 = 0, code = 0;
  const mmu = new Mmu(mem, (lin, err) => { cr2 = lin; code = err; throw FAULT; });
  let next = 0x1000;
  const alloc = (): number => {
    if (next + 4096 > ramBytes) throw new RangeError('test world: out of page-table frames');
    return (next += 4096) - 4096;
  };
  const root = alloc();
  mmu.ctl.cr3 = root;
  return {
    mem, root, alloc,
    /** Loads the paging controls and flushes the TLB, as MOV CR0/CR4, WRMSR EFER and WRPKRU do. */
    setControls(c: Controls): void {
      mmu.ctl.nxe = c.nxe; mmu.ctl.pke = c.pke; mmu.ctl.vendor = c.vendor;
      mmu.wp = c.wp; mmu.smep = c.smep; mmu.smap = c.smap; mmu.pkru = c.pkru;
      mmu.flush();
    },
    invalidate(lin: number): void { mmu.invalidatePage(lin); },
    /** Explicit accesses use the masks setMode derives from CPL/AC; implicit ones the kind the CPU passes for GDT/IDT/TSS. */
    access(lin: number, a: Access): Result {
      mmu.setMode(a.cpl, a.ac);
      const acc = a.implicit ? (a.kind === 'write' ? ACC_WRITE_SUP : ACC_READ_SUP)
        : a.kind === 'read' ? mmu.readMask : a.kind === 'write' ? mmu.writeMask : mmu.execMask;
      try {
        return { fault: false, phys: mmu.translate(lin, acc) };
      } catch (e) {
        if (e === FAULT) return { fault: true, err: code, cr2 };
        throw e;
      }
    },
  };
}
type World = ReturnType<typeof makeWorld>;

// ---- page tables written raw from a Translation (SDM §4.5 Figure 4-11) -----

const TWO32 = 2 ** 32;
const OFFSET = [0, 0x5a8, 0x1ab5a8, 0x2345a8];          // accessed offset within the page, by leaf level

function encode(e: Entry, level: number, leaf: boolean, addr: number, pkey: number): [number, number] {
  let lo = (addr % TWO32) | (e.present ? 1 : 0) | (e.rw ? 2 : 0) | (e.us ? 4 : 0) | (leaf && level > 1 ? 0x80 : 0);
  let hi = Math.floor(addr / TWO32) | (e.nx ? 1 << 31 : 0) | (leaf ? pkey << 27 : 0);
  for (const b of e.extra) { if (b < 32) lo |= 1 << b; else hi |= 1 << (b - 32); }
  return [lo | 0, hi | 0];
}

interface Mapped { t: Translation; lin: number; phys: number; entryAddrs: number[]; label: string }

/** Maps `t` through PML4 slot `slot` (a private path of tables); the leaf points at `frame`. */
function mapTranslation(w: World, slot: number, t: Translation, frame: number, label: string): Mapped {
  const n = t.entries.length, leafLevel = levelOf(n - 1);
  const lin = (slot < 256 ? slot : slot - 512) * 2 ** 39 + OFFSET[leafLevel]!;
  const entryAddrs: number[] = [];
  let table = w.root, index = slot;
  for (let k = 0; k < n; k++) {
    const leaf = k === n - 1, addr = table + index * 8;
    const target = leaf ? frame : w.alloc();
    const [lo, hi] = encode(t.entries[k]!, levelOf(k), leaf, target, t.pkey);
    w.mem.write32(addr, lo); w.mem.write32(addr + 4, hi);
    entryAddrs.push(addr);
    table = target; index = 0;
  }
  return { t, lin, phys: frame + OFFSET[leafLevel]!, entryAddrs, label };
}

const adBits = (w: World, m: Mapped): number[] => m.entryAddrs.map((a) => w.mem.read32(a) & 0x60);
const clearAD = (w: World, m: Mapped): void => { for (const a of m.entryAddrs) w.mem.write32(a, w.mem.read32(a) & ~0x60); };

// ---- the tables -------------------------------------------------------------

const KEY = 6;
/** Controls from 7 bits: WP SMEP SMAP NXE PKE and PKRU AD/WD for KEY (other keys get the opposite bits). */
function controlsOf(g: number, vendor: Controls['vendor'] = 'amd'): Controls {
  const bit = (k: number) => ((g >> k) & 1) === 1;
  const ad = bit(5) ? 1 : 0, wd = bit(6) ? 1 : 0;
  let pkru = 0;
  for (let k = 0; k < 16; k++) pkru |= (k === KEY ? ad | (wd << 1) : (1 - ad) | ((1 - wd) << 1)) << (2 * k);
  return { wp: bit(0), smep: bit(1), smap: bit(2), nxe: bit(3), pke: bit(4), pkru: pkru >>> 0, vendor };
}
const CONTROL_SETTINGS = 128;

const LEVEL_NAME = ['', 'PTE', 'PDE', 'PDPTE', 'PML4E'];
const SIZE_NAME = ['', '4K', '2M', '1G'];
const permissive = (): Entry => ({ present: true, rw: true, us: true, nx: false, extra: [] });
const flags = (e: Entry) => `${e.us ? 'U' : 'S'}${e.rw ? 'W' : 'R'}${e.nx ? 'X' : '-'}`;

/** Leaf 4K/2M/1G × upper level × U/S, R/W, NX of the leaf and of the upper level: 384 page shapes. */
function permissionShapes(): { t: Translation; label: string; leafLevel: number }[] {
  const out: { t: Translation; label: string; leafLevel: number }[] = [];
  for (const leafLevel of [1, 2, 3]) {
    for (let upper = 4; upper > leafLevel; upper--) {
      for (let bits = 0; bits < 64; bits++) {
        const b = (k: number) => ((bits >> k) & 1) === 1;
        const entries = Array.from({ length: 5 - leafLevel }, permissive);
        entries[4 - upper] = { present: true, us: b(0), rw: b(1), nx: b(2), extra: [] };
        entries[entries.length - 1] = { present: true, us: b(3), rw: b(4), nx: b(5), extra: [] };
        const t = { entries, pkey: KEY };
        out.push({ t, leafLevel, label: `${SIZE_NAME[leafLevel]} leaf ${flags(entries.at(-1)!)} ${LEVEL_NAME[upper]} ${flags(entries[4 - upper]!)}` });
      }
    }
  }
  return out;
}

/** Builds a world holding every shape, each in its own PML4 slot with its own frame. */
function buildWorld(shapes: { t: Translation; label: string; leafLevel: number }[]): { w: World; pages: Mapped[] } {
  const w = makeWorld();
  const dataFrames = w.alloc; // 4 KiB leaves get distinct frames; large leaves cycle through aligned frames
  const pages = shapes.map((s, slot) => {
    const frame = s.leafLevel === 1 ? dataFrames() : s.leafLevel === 2 ? (slot % 4) * 0x200000 : 0;
    return mapTranslation(w, slot, s.t, frame, s.label);
  });
  return { w, pages };
}

/** Compares one access with the model; `ad` also checks the A/D flags left by it. */
function check(w: World, m: Mapped, c: Controls, a: Access, r: Result, out: Mismatches, ad: 'exact' | 'invariant' | 'none'): void {
  out.checked++;
  const o = model(m.t, c, a);
  const got: Outcome = r.fault ? { ok: false, err: r.err } : { ok: true };
  const row = (): string => `${fmtControls(c)} | ${m.label} | ${fmtAccess(a)} | model ${fmtErr(o)}`;
  const same = o.ok === got.ok && (o.ok || got.ok || o.err === got.err);
  if (!same) {
    out.add(`${row()}  mmu ${fmtErr(got)}`);
    return;
  }
  if (r.fault && r.cr2 !== m.lin) out.add(`${row()}  CR2 ${r.cr2} instead of ${m.lin}`);
  if (!r.fault && r.phys !== m.phys) out.add(`${row()}  physical 0x${r.phys.toString(16)} instead of 0x${m.phys.toString(16)}`);
  if (ad === 'none') return;
  const bits = adBits(w, m), want = expectedAD(m.t, o.ok, a);
  const okAD = ad === 'exact' ? bits.every((b, k) => b === want[k]) : bits.every((b, k) => (b & want[k]!) === want[k]);
  if (!okAD) out.add(`${row()}  A/D ${bits.map((b) => b.toString(16)).join(',')} instead of ${ad === 'exact' ? '' : '⊇'}${want.map((b) => b.toString(16)).join(',')}`);
}

interface TableResults { walks: Mismatches; tlb: Mismatches; flips: Mismatches }
let memo: TableResults | undefined;

/** Runs the permission table three ways; computed once and shared by the tests below. */
function permissionTables(): TableResults {
  if (memo) return memo;
  const res: TableResults = { walks: new Mismatches(), tlb: new Mismatches(), flips: new Mismatches() };
  const shapes = permissionShapes();
  // 1-2: a fresh world per control setting: every access walks (A/D exact), then the same table from the TLB.
  for (let g = 0; g < CONTROL_SETTINGS; g++) {
    const c = controlsOf(g);
    const { w, pages } = buildWorld(shapes);
    w.setControls(c);
    for (const m of pages) {
      for (const a of ACCESSES) {
        clearAD(w, m);
        w.invalidate(m.lin);
        check(w, m, c, a, w.access(m.lin, a), res.walks, 'exact');
      }
    }
    for (const m of pages) for (const a of ACCESSES) check(w, m, c, a, w.access(m.lin, a), res.tlb, 'invariant');
  }
  // 3: one world through all settings in Gray-code order: each step flips one control bit, then flushes as the CPU does.
  const { w, pages } = buildWorld(shapes);
  for (let i = 0; i < CONTROL_SETTINGS; i++) {
    const c = controlsOf(i ^ (i >> 1));
    w.setControls(c);
    for (const m of pages) for (const a of ACCESSES) check(w, m, c, a, w.access(m.lin, a), res.flips, 'invariant');
  }
  memo = res;
  return res;
}

/**
 * Non-present and reserved bits at each level (SDM §4.5 Tables 4-15..4-20, §4.7: RSVD only with P=1),
 * plus ignored bits that must not fault; each alone and with a leaf that would also deny the access
 * (U/S=0, R/W=0, NX=1), so P=0 and RSVD are shown to win over the access rights.
 */
function faultShapes(vendor: Controls['vendor']): { t: Translation; label: string; leafLevel: number }[] {
  const out: { t: Translation; label: string; leafLevel: number }[] = [];
  for (const leafLevel of [1, 2, 3]) {
    const n = 5 - leafLevel;
    for (let k = 0; k < n; k++) {
      const level = levelOf(k), leaf = k === n - 1;
      // PML4E bit 8: MBZ on AMD (APM Vol. 2 Figure 5-18), ignored on Intel (SDM Table 4-15).
      const pml4Bit8 = level === 4 ? [8] : [];
      const rsvd = [48, 51, ...(level === 4 ? [7] : []), ...(vendor === 'amd' ? pml4Bit8 : []),
        ...(leaf && level === 3 ? [13, 21, 29] : []), ...(leaf && level === 2 ? [13, 20] : [])];
      // Bit 8 of a non-leaf PDPTE/PDE is ignored on both (APM Figures 5-19, 5-20; SDM Tables 4-17, 4-19).
      const ignored = [9, 10, 11, 52, 58, ...(leaf ? [8, level === 1 ? 7 : 12] : [62, ...(level < 4 ? [8] : [])]),
        ...(vendor === 'intel' ? pml4Bit8 : [])];
      const variants: [string, (e: Entry) => void][] = [
        ['P=0 (other bits junk)', (e) => { e.present = false; e.nx = true; e.extra = [7, 13, 51]; }],
        ['bit 63', (e) => { e.nx = true; }],
        ...rsvd.map((b): [string, (e: Entry) => void] => [`bit ${b}`, (e) => { e.extra = [b]; }]),
        ...ignored.map((b): [string, (e: Entry) => void] => [`ignored bit ${b}`, (e) => { e.extra = [b]; }]),
      ];
      for (const [name, apply] of variants) {
        for (const denied of [false, true]) {
          const entries = Array.from({ length: n }, permissive);
          if (denied) entries[n - 1] = { present: true, us: false, rw: false, nx: true, extra: [] };
          apply(entries[k]!);
          out.push({ t: { entries, pkey: KEY }, leafLevel, label: `${SIZE_NAME[leafLevel]} path, ${LEVEL_NAME[level]} ${name}${denied ? ', leaf S R X' : ''}` });
        }
      }
    }
  }
  return out;
}

describe('paging permissions against the SDM model (SDM Vol. 3A §4.6, §4.7; APM Vol. 2 §5.6)', () => {
  it('every combination, each access walking the tables, with exact A/D flags (§4.8)', () => {
    const { walks } = permissionTables();
    console.log(`mmu-permissions: walks table, ${walks.checked} combinations checked`);
    expect(walks.rows.length, walks.report('walks')).toBe(0);
  });
  it('the same table a second time, from the TLB', () => {
    const { tlb } = permissionTables();
    console.log(`mmu-permissions: TLB table, ${tlb.checked} combinations checked`);
    expect(tlb.rows.length, tlb.report('TLB')).toBe(0);
  });
  it('one MMU through every control setting, one bit flipped (and the TLB flushed) at a time', () => {
    const { flips } = permissionTables();
    console.log(`mmu-permissions: flip table, ${flips.checked} combinations checked`);
    expect(flips.rows.length, flips.report('flips')).toBe(0);
  });
  it.each(['amd', 'intel'] as const)('non-present and reserved-bit entries at every level, and ignored bits (§4.5, §4.7; %s)', (vendor) => {
    const out = new Mismatches();
    const { w, pages } = buildWorld(faultShapes(vendor));
    for (let i = 0; i < 32; i++) {
      const c = controlsOf((i ^ (i >> 1)) | 0x60, vendor); // WP SMEP SMAP NXE PKE in Gray order; AD=WD=1 for the key
      w.setControls(c);
      for (const m of pages) {
        for (const a of ACCESSES) {
          clearAD(w, m);
          w.invalidate(m.lin);
          check(w, m, c, a, w.access(m.lin, a), out, 'exact');
        }
      }
    }
    console.log(`mmu-permissions: fault table, ${pages.length} entry shapes, ${out.checked} combinations checked`);
    expect(out.rows.length, out.report('faults')).toBe(0);
  });
});
