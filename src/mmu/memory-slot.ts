// A memory slot: host memory mapped at a guest-physical base, the unit the
// host adds, moves, deletes and marks read-only at run time (KVM's
// kvm_userspace_memory_region). Each slot carries, per 4 KiB page, whether the
// CPU holds decoded code from it (self-modifying code) and, while dirty
// logging is on, whether the guest wrote it (KVM_GET_DIRTY_LOG).
export const PAGE = 4096;
/** A slot's bytes are addressed with 32-bit signed offsets in the TLB: at most 2 GiB per slot. */
export const MAX_SLOT_SIZE = 2 ** 31;
/** Guest-physical addresses stay below 2^48 (the MAXPHYADDR CPUID reports, paging.ts). */
export const PHYS_LIMIT = 2 ** 48;

export interface SlotOptions {
  /** Guest-physical base (page-aligned). */
  base: number;
  /** Size in bytes (a positive multiple of 4 KiB, at most 2 GiB). */
  size: number;
  /** Writes exit to the host as MMIO instead of changing memory (KVM_MEM_READONLY). */
  readonly?: boolean;
  /** Record the pages the guest writes (KVM_MEM_LOG_DIRTY_PAGES). */
  logDirty?: boolean;
  /** The host memory to map (its length must equal `size`); zeroed fresh memory otherwise. */
  bytes?: Uint8Array;
}

export class MemorySlot {
  base: number;
  end: number;
  readonly size: number;
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly: boolean;
  /** One byte per page: 1 when the CPU holds decoded instructions from it. */
  readonly code: Uint8Array;
  /** One byte per page while dirty logging is on: 1 when written since the last clear. */
  dirty: Uint8Array | null;

  constructor(readonly id: number, o: SlotOptions) {
    checkRange(o.base, o.size);
    if (o.bytes && o.bytes.length !== o.size) throw new RangeError(`slot ${id}: ${o.bytes.length} bytes given for a ${o.size}-byte slot`);
    this.base = o.base;
    this.size = o.size;
    this.end = o.base + o.size;
    // An ArrayBuffer, not a SharedArrayBuffer (whose memory V8 does not count): V8 counts it as the
    // heap's external memory and collects once that grows, so that the RAM of VMs gone is freed while
    // more are made (a SharedArrayBuffer saved ~2 ms of a CLI start, and 12 VMs in a row peaked at 155
    // MB RSS instead of 91). A host that makes one VM may hand SharedArrayBuffer bytes (VmOptions.sharedMemory).
    this.bytes = o.bytes ?? new Uint8Array(o.size);
    this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    this.readonly = o.readonly ?? false;
    this.code = new Uint8Array(o.size / PAGE);
    this.dirty = o.logDirty ? new Uint8Array(o.size / PAGE) : null;
  }

  contains(pa: number, len: number): boolean {
    return pa >= this.base && pa + len <= this.end;
  }

  /** The dirty log as KVM returns it: bit i of byte i/8 set when page i was written. */
  dirtyBitmap(): Uint8Array {
    const d = this.dirty;
    if (!d) throw new Error(`slot ${this.id} does not log dirty pages`);
    const out = new Uint8Array(Math.ceil(d.length / 8));
    for (let p = 0; p < d.length; p++) if (d[p]) out[p >> 3]! |= 1 << (p & 7);
    return out;
  }
}

export function checkRange(base: number, size: number): void {
  if (!Number.isSafeInteger(base) || base < 0 || base % PAGE !== 0) throw new RangeError(`slot base 0x${base.toString(16)} is not a page-aligned guest-physical address`);
  if (!Number.isSafeInteger(size) || size <= 0 || size % PAGE !== 0 || size > MAX_SLOT_SIZE) {
    throw new RangeError(`slot size ${size} must be a positive multiple of 4 KiB, at most 2 GiB`);
  }
  if (base + size > PHYS_LIMIT) throw new RangeError(`slot 0x${base.toString(16)}+0x${size.toString(16)} reaches beyond MAXPHYADDR (2^48)`);
}
