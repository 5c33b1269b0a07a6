// The host's access to guest memory by guest-virtual address, through the
// vCPU's current page tables: a walk with no side effects (no A/D updates, no
// TLB fill, SMAP and protection keys ignored), and byte reads and writes that
// go to slot memory only (never to a device, never an exit).
import type { Cpu } from '../cpu/cpu.js';
import { walk, WalkResult, WALK_NOT_PRESENT } from '../mmu/paging.js';

export const PAGE = 4096;

/** What the page walk for one address found (a report for tests and debugging). */
export interface Translation {
  /** The guest-physical address, when the walk succeeded. */
  physical?: number;
  /** Why it did not: not canonical, an entry not present, or reserved bits set. */
  fault?: 'non-canonical' | 'not-present' | 'reserved';
  /** The entries read, PML4E first: the physical address of each and its 64-bit value. */
  entries: { address: number; value: bigint }[];
  /** The leaf's page size in bytes (4 KiB, 2 MiB or 1 GiB) and its permissions (all levels combined). */
  pageSize?: number;
  writable?: boolean;
  user?: boolean;
  executable?: boolean;
  global?: boolean;
  dirty?: boolean;
  protectionKey?: number;
}

const out = new WalkResult();
const addrs = new Float64Array(4);

/** A 64-bit guest-virtual address as the signed canonical number the MMU uses, or undefined. */
function canonical(virt: bigint): number | undefined {
  const s = BigInt.asIntN(64, virt);
  return s >= 1n << 47n || s < -(1n << 47n) ? undefined : Number(s);
}

export function translate(cpu: Cpu, virt: bigint): Translation {
  const lin = canonical(virt);
  if (lin === undefined) return { fault: 'non-canonical', entries: [] };
  const ok = walk(cpu.mem, cpu.mmu.ctl, lin, out, addrs);
  const entries = [];
  for (let k = 0; k < out.depth; k++) entries.push({ address: addrs[k]!, value: cpu.mem.read64(addrs[k]!) });
  if (!ok) return { fault: out.fault === WALK_NOT_PRESENT ? 'not-present' : 'reserved', entries };
  const off = ((lin % PAGE) + PAGE) % PAGE;
  return {
    physical: out.physPage + off, entries,
    pageSize: out.depth === 4 ? PAGE : out.depth === 3 ? 2 ** 21 : 2 ** 30,
    writable: out.writeAll, user: out.userAll, executable: !out.nxAny, global: out.global, dirty: out.dirty,
    protectionKey: out.pkey,
  };
}

/** The guest-physical address of a guest-virtual one, or undefined when unmapped. */
export function physicalOf(cpu: Cpu, virt: bigint): number | undefined {
  const lin = canonical(virt);
  if (lin === undefined) return undefined;
  const pa = cpu.mmu.hostTranslate(lin);
  return pa < 0 ? undefined : pa;
}

/** Reads guest-virtual memory; undefined when any byte is unmapped or not in a memory slot. */
export function readVirtual(cpu: Cpu, virt: bigint, len: number): Uint8Array | undefined {
  const bytes = new Uint8Array(len);
  let k = 0;
  while (k < len) {
    const pa = physicalOf(cpu, virt + BigInt(k));
    if (pa === undefined) return undefined;
    const n = Math.min(len - k, PAGE - (pa % PAGE));
    if (!cpu.mem.isRam(pa, n)) return undefined;
    bytes.set(cpu.mem.readBytes(pa, n), k);
    k += n;
  }
  return bytes;
}

/**
 * Writes guest-virtual memory (pages need not be writable for the guest: the
 * host writes). Throws when a byte is unmapped or not in a memory slot; nothing
 * is written then. Decoded code of the pages written is dropped.
 */
export function writeVirtual(cpu: Cpu, virt: bigint, bytes: Uint8Array, writePhysical: (pa: number, part: Uint8Array) => void): void {
  const parts: [number, number, number][] = [];
  let k = 0;
  while (k < bytes.length) {
    const pa = physicalOf(cpu, virt + BigInt(k));
    const n = Math.min(bytes.length - k, pa === undefined ? 1 : PAGE - (pa % PAGE));
    if (pa === undefined || !cpu.mem.isRam(pa, n)) throw new RangeError(`guest-virtual 0x${(virt + BigInt(k)).toString(16)} is not mapped to guest memory`);
    parts.push([pa, k, n]);
    k += n;
  }
  for (const [pa, at, n] of parts) writePhysical(pa, bytes.subarray(at, at + n));
}

/** Reads a NUL-terminated string (at most `max` bytes); undefined when its first byte is unreadable. */
export function readString(cpu: Cpu, virt: bigint, max = 4096): string | undefined {
  let s = '';
  for (let k = 0; k < max; k++) {
    const b = readVirtual(cpu, virt + BigInt(k), 1);
    if (!b) return k ? s : undefined;
    if (b[0] === 0) return s;
    s += String.fromCharCode(b[0]!);
  }
  return s;
}
