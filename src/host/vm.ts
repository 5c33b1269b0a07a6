// A bare virtual machine, the KVM way (vm_create): guest-physical memory in
// slots the host adds, moves, deletes, makes read-only and logs dirty pages of
// at run time; in-VM devices on the port and MMIO buses; and vCPUs the host
// drives through exits (vcpu.ts). No guest ABI: the host builds memory and
// state itself, or uses a loader (guest/abi-loader.ts loads guest ABI v1 images).
//
// @example
//   const vm = new VirtualMachine();
//   const slot = vm.addMemory({ base: 0, size: 0x200000 });
//   vm.writePhysical(0x1000, code);
//   const vcpu = vm.createVcpu();
//   vcpu.setSregs({ ... });  vcpu.setRegs({ rip: 0x1000n });
//   for (let exit = vcpu.run(); exit.reason !== 'hlt'; exit = vcpu.run()) { ... }
import { PhysicalMemory, PAGE, type SlotOptions } from '../mmu/physical-memory.js';
import { PortBus, type PortDevice } from '../devices/port-bus.js';
import type { MmioDevice } from '../devices/mmio-bus.js';
import { isCpuVendor, CPU_VENDORS, type CpuVendor } from '../arch/vendor.js';
import { Vcpu } from './vcpu.js';
import { MsrPolicy, compileMsrFilter, type MsrExitOptions, type MsrFilter } from './host-calls.js';

export interface VirtualMachineOptions {
  /** The CPU vendor model: 'amd' (default) or 'intel' (docs/cpu-model.md lists where they differ). */
  vendor?: CpuVendor;
  /** Honour the forced-emulation prefix `ud2; 'kvm'` (guest-abi §7). */
  forcedEmulation?: boolean;
  /**
   * KVM_X86_QUIRK_FIX_HYPERCALL_INSN (default true): the other vendor's hypercall instruction
   * (VMCALL on 'amd', VMMCALL on 'intel') is patched to the native one and runs; false: #UD.
   */
  fixHypercall?: boolean;
}

/** A memory slot as the host describes it (KVM's kvm_userspace_memory_region). */
export interface MemoryRegion {
  /** Guest-physical base, page-aligned, below 2^48. */
  base: number;
  /** Bytes: a positive multiple of 4 KiB, at most 2 GiB (use several slots for more). */
  size: number;
  /** Guest writes exit as `mmio` and leave memory unchanged (KVM_MEM_READONLY). */
  readonly?: boolean;
  /** Log the pages the guest writes (KVM_MEM_LOG_DIRTY_PAGES). */
  logDirty?: boolean;
  /** Host memory to map (length `size`); fresh zeroed memory otherwise. */
  bytes?: Uint8Array;
}

export class VirtualMachine {
  readonly mem: PhysicalMemory;
  /** The I/O port bus: in-VM devices claim ports here; other ports exit to the host. */
  readonly ports = new PortBus();
  readonly vendor: CpuVendor;
  readonly forcedEmulation: boolean;
  readonly vcpus: Vcpu[] = [];
  readonly fixHypercall: boolean;
  /** Userspace MSR handling of every vCPU (msrExits, setMsrFilter). */
  readonly msrPolicy = new MsrPolicy();

  constructor(options: VirtualMachineOptions = {}, mem = new PhysicalMemory()) {
    const vendor = options.vendor ?? 'amd';
    if (!isCpuVendor(vendor)) throw new RangeError(`vendor must be one of ${CPU_VENDORS.join(', ')}, got '${String(vendor)}'`);
    this.vendor = vendor;
    this.forcedEmulation = options.forcedEmulation ?? false;
    this.fixHypercall = options.fixHypercall ?? true;
    this.mem = mem;
  }

  /** Creates a vCPU in its reset state (CR0 = 0x60000010, RIP = 0: the host sets what it needs). */
  createVcpu(): Vcpu {
    const v = new Vcpu(this, this.vcpus.length);
    this.vcpus.push(v);
    return v;
  }

  // ---- userspace MSR handling (host-calls.ts; per VM, as KVM) ----

  /**
   * Which guest RDMSR/WRMSR exit as `msr` (KVM_CAP_X86_USER_SPACE_MSR); the ones not given are off.
   * @example vm.msrExits({ unknown: true, filter: true })
   */
  msrExits(options: MsrExitOptions): void {
    const p = this.msrPolicy;
    p.exitUnknown = options.unknown ?? false;
    p.exitInvalid = options.invalid ?? false;
    p.exitFilter = options.filter ?? false;
  }

  /**
   * Sets the MSR filter (KVM_X86_SET_MSR_FILTER), or clears it with null; denied accesses exit
   * when msrExits({ filter: true }), else raise #GP(0).
   * @example vm.setMsrFilter({ defaultAllow: true, ranges: [{ base: 0xc0000100, count: 1, read: true, write: true }] })
   */
  setMsrFilter(filter: MsrFilter | null): void {
    this.msrPolicy.filter = filter === null ? null : compileMsrFilter(filter);
  }

  // ---- memory slots ----

  /** Maps a slot; returns its id. @example vm.addMemory({ base: 0x1_0000_0000, size: 0x10000 }) */
  addMemory(region: MemoryRegion): number {
    return this.mem.addSlot(region as SlotOptions).id;
  }
  /** Moves a slot to another guest-physical base, its contents with it (KVM_MR_MOVE). */
  moveMemory(slot: number, base: number): void { this.mem.moveSlot(slot, base); }
  /** Unmaps a slot: guest accesses there then exit as `mmio`. */
  deleteMemory(slot: number): void { this.mem.deleteSlot(slot); }
  setMemoryReadonly(slot: number, readonly: boolean): void { this.mem.setReadonly(slot, readonly); }
  /** The host memory behind a slot (writes through it are the host's: decoded code is not dropped — use writePhysical). */
  memoryOf(slot: number): Uint8Array { return this.mem.slot(slot).bytes; }

  /** Turns dirty-page logging of a slot on (all pages clean) or off. */
  setDirtyLogging(slot: number, on: boolean): void { this.mem.setDirtyLogging(slot, on); }
  /** The slot's dirty bitmap, bit i = page i written since it was last cleared (KVM_GET_DIRTY_LOG; it does not clear). */
  getDirtyLog(slot: number): Uint8Array { return this.mem.slot(slot).dirtyBitmap(); }
  /** Marks pages clean again, all or [firstPage, firstPage + pages) (KVM_CLEAR_DIRTY_LOG). */
  clearDirtyLog(slot: number, firstPage = 0, pages?: number): void { this.mem.clearDirty(slot, firstPage, pages); }

  /** Reads guest-physical memory (bytes outside every slot read as 0xff; devices are not accessed). */
  readPhysical(address: number, length: number): Uint8Array { return this.mem.readBytes(address, length); }

  /** Writes guest-physical slot memory (throws outside slots); decoded code of the pages written is dropped. */
  writePhysical(address: number, bytes: Uint8Array): void {
    this.mem.writeBytes(address, bytes);
    for (let f = Math.floor(address / PAGE); f * PAGE < address + bytes.length; f++) {
      const slot = this.mem.slotAt(f * PAGE, 1);
      const p = slot ? (f * PAGE - slot.base) / PAGE : -1;
      if (slot && slot.code[p]) this.mem.codeWritten(slot, p);
    }
  }

  // ---- in-VM devices (they answer without an exit) ----

  attachPortDevice(port: number, count: number, device: PortDevice): void { this.ports.register(port, count, device); }
  attachMmioDevice(base: number, length: number, device: MmioDevice): void { this.mem.attach(base, length, device); }
}
