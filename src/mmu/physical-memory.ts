// The guest-physical address space: memory slots (memory-slot.ts) the host
// adds, moves and deletes at run time, anywhere below 2^48, and between them
// the MMIO bus (devices/mmio-bus.ts): ranges claimed by devices; what nobody
// claims is the open bus here (reads all ones, writes dropped). The CPU's data
// accesses (mmu.ts) send unclaimed addresses and read-only slot writes to the
// host instead (an `mmio` exit).
//
// The accessors below are the physical accesses of the page walk and of the
// host (loaders, tests): they never exit.
import { MmioBus, type MmioDevice } from '../devices/mmio-bus.js';
import { MemorySlot, PAGE, checkRange, type SlotOptions } from './memory-slot.js';

export { MemorySlot, PAGE, MAX_SLOT_SIZE, PHYS_LIMIT, type SlotOptions } from './memory-slot.js';

/** A CPU's caches that follow decoded code (every vCPU sharing the memory registers one). */
export interface CodeListener {
  /** The frame at `pa` now holds decoded code: stop writing it on the fast path. */
  codeProtected(pa: number): void;
  /** A write hit decoded code of `frame` (physical address / 4096): drop the decoded instructions. */
  codeWritten(frame: number): void;
}

export class PhysicalMemory {
  readonly mmio = new MmioBus();
  /** The slots, sorted by base, never overlapping. */
  readonly slots: MemorySlot[] = [];
  /** The host memory of the slot the constructor creates at guest-physical 0 (empty without one). */
  readonly u8: Uint8Array;
  readonly view: DataView;
  /** Its size in bytes. */
  readonly size: number;
  /**
   * Told after the layout changed, so each vCPU drops what it cached: its TLB
   * always, its decoded code too (`codeToo`) when a slot moved or went away.
   */
  private readonly layoutListeners: ((codeToo: boolean) => void)[] = [];
  private last: MemorySlot | undefined;
  /**
   * The slot at guest-physical 0, for the page walk's int32 path (paging.ts): its view, and
   * the offsets below which an 8-byte entry lies in it and below 2 GiB (0 without one).
   */
  lowView: DataView = new DataView(new ArrayBuffer(0));
  lowLimit = 0;
  private readonly codeListeners: CodeListener[] = [];
  private nextId = 0;

  /**
   * `size` > 0 creates slot 0 of that size at guest-physical 0 (the classic flat RAM), in a
   * SharedArrayBuffer with `shared` (memory-slot.ts: V8 does not count it, so a one-VM process
   * such as the command line's run of one image saves the collections its allocation starts).
   */
  constructor(size = 0, shared = false) {
    if (size > 0) {
      const s = this.addSlot({ base: 0, size, ...(shared ? { bytes: new Uint8Array(new SharedArrayBuffer(size)) } : {}) });
      this.u8 = s.bytes;
      this.view = s.view;
    } else {
      this.u8 = new Uint8Array(0);
      this.view = new DataView(this.u8.buffer);
    }
    this.size = size;
  }

  /** Registers a vCPU's cache-drop callback (see layoutListeners). */
  onLayoutChange(listener: (codeToo: boolean) => void): void {
    this.layoutListeners.push(listener);
  }

  // ---- the layout ----

  /** Maps a new slot; it may not overlap another slot or a device. Returns it (its `id` names it). */
  addSlot(o: SlotOptions & { id?: number }): MemorySlot {
    const id = o.id ?? this.nextId;
    if (this.slots.some((s) => s.id === id)) throw new RangeError(`slot ${id} exists`);
    const slot = new MemorySlot(id, o);
    this.checkFree(slot.base, slot.size, slot);
    this.nextId = Math.max(this.nextId, id + 1);
    this.slots.push(slot);
    this.relayout(false);
    return slot;
  }

  slot(id: number): MemorySlot {
    const s = this.slots.find((x) => x.id === id);
    if (!s) throw new RangeError(`no slot ${id}`);
    return s;
  }

  /** Moves a slot to another guest-physical base (its contents go with it, KVM_MR_MOVE). */
  moveSlot(id: number, base: number): void {
    const s = this.slot(id);
    checkRange(base, s.size);
    this.checkFree(base, s.size, s);
    s.base = base;
    s.end = base + s.size;
    this.relayout(true);
  }

  deleteSlot(id: number): void {
    const s = this.slot(id);
    this.slots.splice(this.slots.indexOf(s), 1);
    this.relayout(true);
  }

  setReadonly(id: number, readonly: boolean): void {
    this.slot(id).readonly = readonly;
    this.relayout(false);
  }

  /** Turns dirty logging on (every page clean) or off. */
  setDirtyLogging(id: number, on: boolean): void {
    const s = this.slot(id);
    s.dirty = on ? new Uint8Array(s.size / PAGE) : null;
    this.relayout(false);
  }

  /** Marks pages [first, first + count) of a slot clean again (KVM_CLEAR_DIRTY_LOG): their next write is logged. */
  clearDirty(id: number, first = 0, count?: number): void {
    const d = this.slot(id).dirty;
    if (!d) throw new Error(`slot ${id} does not log dirty pages`);
    d.fill(0, first, count === undefined ? d.length : first + count);
    this.relayout(false); // write permissions cached in the TLB must be taken back
  }

  /** Claims [base, base + length) for an MMIO device; it may not overlap a slot or another device. */
  attach(base: number, length: number, device: MmioDevice): void {
    if (this.slots.some((s) => base < s.end && s.base < base + length)) throw new RangeError(`MMIO range 0x${base.toString(16)} overlaps RAM`);
    this.mmio.claim(base, length, device);
  }

  private checkFree(base: number, size: number, self: MemorySlot): void {
    for (const s of this.slots) {
      if (s !== self && base < s.end && s.base < base + size) throw new RangeError(`slot 0x${base.toString(16)}+0x${size.toString(16)} overlaps slot ${s.id}`);
    }
    if (this.mmio.claims(base, size)) throw new RangeError(`slot 0x${base.toString(16)}+0x${size.toString(16)} overlaps an MMIO device`);
  }

  private relayout(codeToo: boolean): void {
    this.slots.sort((a, b) => a.base - b.base);
    this.last = undefined;
    const low = this.slots[0]?.base === 0 ? this.slots[0] : undefined;
    this.lowView = low?.view ?? new DataView(new ArrayBuffer(0));
    this.lowLimit = low === undefined ? 0 : Math.min(low.end, 2 ** 31) - 7;
    for (const l of this.layoutListeners) l(codeToo);
  }

  /** The slot holding [pa, pa + len), if one slot holds all of it. */
  slotAt(pa: number, len = 1): MemorySlot | undefined {
    const l = this.last;
    if (l !== undefined && pa >= l.base && pa + len <= l.end) return l;
    for (const s of this.slots) {
      if (pa >= s.base && pa + len <= s.end) { this.last = s; return s; }
    }
    return undefined;
  }

  isRam(addr: number, len: number): boolean {
    return this.slotAt(addr, len) !== undefined;
  }

  addCodeListener(l: CodeListener): void {
    this.codeListeners.push(l);
  }

  /** Marks page `p` of `slot` as holding decoded code; every CPU takes write permission back. */
  markCode(slot: MemorySlot, p: number): void {
    slot.code[p] = 1;
    const pa = slot.base + p * PAGE;
    for (const l of this.codeListeners) l.codeProtected(pa);
  }

  /** A write (guest or host) hit page `p` of `slot`, which holds decoded code: every CPU drops that code. */
  codeWritten(slot: MemorySlot, p: number): void {
    slot.code[p] = 0;
    const frame = slot.base / PAGE + p;
    for (const l of this.codeListeners) l.codeWritten(frame);
  }

  /** Drops every page's decoded-code mark (the CPU cleared its code caches). */
  clearCodeMarks(): void {
    for (const s of this.slots) s.code.fill(0);
  }

  // ---- one physical access of 1, 2, 4 or 8 bytes (a slot, else the MMIO bus; no exits) ----
  read8(addr: number): number {
    const s = this.slotAt(addr, 1);
    return s ? s.bytes[addr - s.base]! : Number(this.mmio.read(addr, 1));
  }
  read16(addr: number): number {
    const s = this.slotAt(addr, 2);
    return s ? s.view.getUint16(addr - s.base, true) : Number(this.mmio.read(addr, 2));
  }
  read32(addr: number): number {
    const s = this.slotAt(addr, 4);
    return s ? s.view.getInt32(addr - s.base, true) : Number(this.mmio.read(addr, 4)) | 0;
  }
  read64(addr: number): bigint {
    const s = this.slotAt(addr, 8);
    return s ? s.view.getBigUint64(addr - s.base, true) : this.mmio.read(addr, 8);
  }
  /** Host writes reach read-only slots too (the host owns the memory); they are not dirty-logged (KVM does not log userspace writes). */
  write8(addr: number, v: number): void {
    const s = this.slotAt(addr, 1);
    if (s) s.bytes[addr - s.base] = v;
    else this.mmio.write(addr, 1, BigInt(v & 0xff));
  }
  write16(addr: number, v: number): void {
    const s = this.slotAt(addr, 2);
    if (s) s.view.setUint16(addr - s.base, v, true);
    else this.mmio.write(addr, 2, BigInt(v & 0xffff));
  }
  write32(addr: number, v: number): void {
    const s = this.slotAt(addr, 4);
    if (s) s.view.setInt32(addr - s.base, v, true);
    else this.mmio.write(addr, 4, BigInt(v >>> 0));
  }
  write64(addr: number, v: bigint): void {
    const s = this.slotAt(addr, 8);
    if (s) s.view.setBigUint64(addr - s.base, BigInt.asUintN(64, v), true);
    else this.mmio.write(addr, 8, v);
  }

  // ---- host access to ranges (the loader, the host API) ----

  /** Writes bytes into slots (a range may span adjacent slots); throws when a byte is not in a slot. */
  writeBytes(addr: number, bytes: Uint8Array): void {
    let k = 0;
    while (k < bytes.length) {
      const s = this.slotAt(addr + k, 1);
      if (!s) throw new RangeError(`physical range 0x${addr.toString(16)}+${bytes.length} is outside guest memory`);
      const n = Math.min(bytes.length - k, s.end - (addr + k));
      s.bytes.set(bytes.subarray(k, k + n), addr + k - s.base);
      k += n;
    }
  }

  /** Slot bytes; bytes outside every slot read as 0xff (no device is accessed). */
  readBytes(addr: number, len: number): Uint8Array {
    const out = new Uint8Array(len).fill(0xff);
    let k = 0;
    while (k < len) {
      const s = this.slotAt(addr + k, 1);
      if (!s) { k++; continue; }
      const n = Math.min(len - k, s.end - (addr + k));
      out.set(s.bytes.subarray(addr + k - s.base, addr + k - s.base + n), k);
      k += n;
    }
    return out;
  }

  /** Zeroes [addr, addr + len) of slot memory. */
  fill(addr: number, len: number, value = 0): void {
    const s = this.slotAt(addr, len);
    if (!s) throw new RangeError(`physical range 0x${addr.toString(16)}+${len} is not in one slot`);
    s.bytes.fill(value, addr - s.base, addr - s.base + len);
  }
}
