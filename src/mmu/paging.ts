// 4-level page walk (SDM Vol. 3A §4.5, AMD APM Vol. 2 §5.3): one short loop over
// the levels that accumulates U/S, R/W and NX, checks reserved bits, and
// reports a #PF error code instead of throwing so the caller decides.
import type { PhysicalMemory } from './physical-memory.js';
import type { CpuVendor } from '../arch/vendor.js';

export const PTE_P = 1, PTE_RW = 2, PTE_US = 4, PTE_PWT = 8, PTE_PCD = 0x10, PTE_A = 0x20, PTE_D = 0x40, PTE_PS = 0x80, PTE_G = 0x100;
/** NX is bit 63, i.e. bit 31 of the high dword. */
export const PTE_HI_NX = 0x80000000 | 0;

/** #PF error code bits (SDM §4.7). */
export const PF_P = 1, PF_W = 2, PF_U = 4, PF_RSVD = 8, PF_I = 0x10, PF_PK = 0x20;

/** The physical address width this CPU model reports in CPUID 0x80000008. */
export const MAX_PHYS_ADDR_BITS = 48;
/** Reserved address bits 51:MAXPHYADDR in the high dword of an entry. */
const HI_RSVD_ADDR = ((1 << (52 - 32)) - 1) & ~((1 << (MAX_PHYS_ADDR_BITS - 32)) - 1);
const TWO32 = 4294967296;
/** 4 KiB pages in a 2 MiB and a 1 GiB page. */
export const SPAN_2M = 512, SPAN_1G = 262144;

export interface PagingControl {
  cr3: number;       // physical address of the PML4 (bits 51:12)
  nxe: boolean;      // EFER.NXE: bit 63 is NX, otherwise reserved
  pke: boolean;      // CR4.PKE: bits 62:59 of leaves are the protection key
  /** The vendor model: PML4E bit 8 is MBZ on AMD (APM Vol. 2 Figure 5-18), ignored on Intel (SDM Table 4-15). */
  vendor: CpuVendor;
  /** CPUID.80000001H:EDX[26]: without 1 GiB pages, PS in a PDPTE is reserved (SDM §4.5.4, APM §5.3.4). */
  gbPages: boolean;
}

/** Reusable walk output: no allocation per walk. */
export class WalkResult {
  /** 0 when the walk succeeded; otherwise the P/RSVD part of the #PF error code plus 0x100 marker. */
  fault = 0;
  physPage = 0;       // physical address of the 4 KiB frame that holds the address
  userAll = false;    // U/S=1 at every level
  writeAll = false;   // R/W=1 at every level
  nxAny = false;      // NX=1 at some level
  dirty = false;      // leaf D flag
  global = false;
  pageSpan = 1;       // 4 KiB pages the leaf maps: 1, 512 (2 MiB) or 262144 (1 GiB)
  pkey = 0;
  leafAddr = 0;       // physical address of the leaf entry (to set D)
  depth = 0;          // number of entries walked (A flags to set; on a fault, up to the faulting one)
  /** The low dword of each entry walked, as read (entryLo[0] is the PML4E): the caller sets A where it is clear. */
  readonly entryLo = new Int32Array(4);
}

export const WALK_NOT_PRESENT = 0x100;
export const WALK_RESERVED = 0x200;

/** Bits 47:32 of a physical address in an entry's high dword (MAXPHYADDR = 48). */
const HI_ADDR = (1 << (MAX_PHYS_ADDR_BITS - 32)) - 1;

/**
 * Walks the tables for `lin` (signed canonical number), recording each entry's
 * physical address in `entryAddrs` so the caller can set A/D once the access is
 * allowed (as KVM's paging_tmpl.h does: no A/D updates on a faulting access).
 * Integer arithmetic on the address halves (the low dword as uint32, bits
 * 47:32 as a 16-bit index part), and on the table's address: its bits 47:32
 * and its low dword as an int32, so that a table in the RAM at guest-physical
 * 0 below 2 GiB (mem.lowView) is read at an int32 offset — the same walk on
 * float addresses took 2-4x the time (issue 11). Elsewhere an entry is read
 * through its slot, or the MMIO bus.
 */
export function walk(mem: PhysicalMemory, ctl: PagingControl, lin: number, out: WalkResult, entryAddrs: Float64Array): boolean {
  const ul = lin >>> 0; // ToUint32 is modulo 2^32: the low dword of the canonical address
  const uh = ((lin - ul) / TWO32) & 0xffff; // bits 47:32 (an exact integer quotient)
  const low = mem.lowView, lowLimit = mem.lowLimit;
  let tableHi = Math.floor(ctl.cr3 / TWO32), tableLo = ctl.cr3 | 0;
  let userAll = true, writeAll = true, nxAny = false;
  out.fault = 0;
  for (let level = 4; level >= 1; level--) {
    // The table index at this level (SDM §4.5 Figure 4-8): bits 47:39, 38:30, 29:21, 20:12.
    const index = level === 4 ? uh >>> 7 : level === 3 ? ((uh << 2) | (ul >>> 30)) & 511 : level === 2 ? (ul >>> 21) & 511 : (ul >>> 12) & 511;
    const at = tableLo + index * 8;
    let lo: number, hi: number, addr: number;
    if (tableHi === 0 && at >= 0 && at < lowLimit) {
      addr = at;
      lo = low.getInt32(at, true); hi = low.getInt32(at + 4, true);
    } else {
      addr = tableHi * TWO32 + (tableLo >>> 0) + index * 8;
      const slot = mem.slotAt(addr, 8);
      if (slot !== undefined) {
        const off = addr - slot.base;
        lo = slot.view.getInt32(off, true); hi = slot.view.getInt32(off + 4, true);
      } else { lo = mem.read32(addr); hi = mem.read32(addr + 4); }
    }
    entryAddrs[4 - level] = addr;
    out.entryLo[4 - level] = lo;
    if ((lo & PTE_P) === 0) { out.fault = WALK_NOT_PRESENT; out.depth = 5 - level; return false; }
    // Reserved bits (SDM §4.5.4 Table 4-20.. , APM §5.3.x).
    let rsvd = (hi & HI_RSVD_ADDR) !== 0 || (!ctl.nxe && hi < 0);
    const ps = (lo & PTE_PS) !== 0;
    // PML4E: PS (bit 7) is reserved on both vendors (SDM Table 4-15; APM Figure 5-18 "MBZ" at
    // bits 8:7); bit 8 is MBZ on AMD only, Intel ignores it.
    if (level === 4 && (ps || (ctl.vendor === 'amd' && (lo & PTE_G) !== 0))) rsvd = true;
    if (level === 3 && ps && (!ctl.gbPages || (lo & 0x3fffe000) !== 0)) rsvd = true; // 1 GiB page: bits 29:13
    if (level === 2 && ps && (lo & 0x001fe000) !== 0) rsvd = true;   // 2 MiB page: bits 20:13
    if (rsvd) { out.fault = WALK_RESERVED; out.depth = 5 - level; return false; }
    userAll = userAll && (lo & PTE_US) !== 0;
    writeAll = writeAll && (lo & PTE_RW) !== 0;
    nxAny = nxAny || (ctl.nxe && hi < 0);
    if (level === 1 || ((level === 2 || level === 3) && ps)) {
      // The 4 KiB frame holding the address: the leaf's frame plus the address bits below the page size.
      const frameHi = (hi & HI_ADDR) * TWO32;
      if (level === 1) out.physPage = frameHi + ((lo & 0xfffff000) >>> 0);
      else if (level === 2) out.physPage = frameHi + (((lo & 0xffe00000) | (ul & 0x001ff000)) >>> 0);
      else out.physPage = frameHi + (((lo & 0xc0000000) | (ul & 0x3ffff000)) >>> 0);
      out.userAll = userAll; out.writeAll = writeAll; out.nxAny = nxAny;
      out.dirty = (lo & PTE_D) !== 0;
      out.global = (lo & PTE_G) !== 0;
      out.pageSpan = level === 1 ? 1 : level === 2 ? SPAN_2M : SPAN_1G;
      out.pkey = ctl.pke ? (hi >>> 27) & 0xf : 0;
      out.leafAddr = addr;
      out.depth = 5 - level;
      return true;
    }
    tableHi = hi & HI_ADDR;
    tableLo = lo & 0xfffff000;
  }
  return false; // unreachable
}
