// Builds the machine a guest image starts in, exactly as guest ABI v1 §2-§5
// fixes it: page tables, direct map, GDT, TSS with the I/O bitmap, stacks,
// the ELF segments, and the initial vCPU state.
import type { Cpu } from '../cpu/cpu.js';
import { loadCodeSegment, setSegment } from '../cpu/segmentation.js';
import { RFLAGS_FIXED1 } from '../arch/rflags.js';
import { SEG_ES, SEG_SS, SEG_DS, SEG_FS, SEG_GS } from '../arch/registers.js';
import { FrameAllocator, PageTableBuilder } from '../mmu/page-table-builder.js';
import { MSR_STAR } from '../arch/msr-index.js';
import {
  CR0_PE, CR0_MP, CR0_ET, CR0_NE, CR0_WP, CR0_PG, CR4_PAE, CR4_OSFXSR, CR4_OSXMMEXCPT, CR4_SMEP, CR4_SMAP,
  EFER_SCE, EFER_LME, EFER_LMA, EFER_NXE, DR6_FIXED1, DR7_FIXED1,
} from '../arch/control-registers.js';
import { ImageError, PF_W, PF_X, type GuestImage } from './elf.js';

export const RAM_DEFAULT = 128 * 1024 * 1024;
export const ENV_ALLOC_START = 0x100000;
export const DIRECT_MAP_BASE = -0x778000000000; // 0xffff888000000000
export const GDT_BASE = -0x20000000000;         // 0xfffffe0000000000
export const TSS_BASE = GDT_BASE + 0x1000;
export const TSS_LIMIT = 0x2068;
export const KERNEL_STACK_TOP = GDT_BASE + 0x20000;
export const KERNEL_STACK_SIZE = 0x10000;
export const IST1_TOP = GDT_BASE + 0x34000;
export const IST1_SIZE = 0x4000;
export const USER_STACK_TOP = 0x7ffffffff000;
export const USER_STACK_SIZE = 0x10000;
export const UCALL_PORT = 0x1000;

/** GDT entries of guest-abi §4 (raw 64-bit values; the TSS descriptor is built separately). */
export const GDT_ENTRIES: readonly bigint[] = [
  0n,
  0x00af9b000000ffffn, // 0x08 kernel code, 64-bit
  0x00cf93000000ffffn, // 0x10 kernel data
  0x00cffb000000ffffn, // 0x18 user code, 32-bit
  0x00cff3000000ffffn, // 0x20 user data
  0x00affb000000ffffn, // 0x28 user code, 64-bit
];

/** Fixed virtual areas a segment may not overlap (start inclusive, end exclusive). */
function fixedAreas(ramSize: number): [number, number, string][] {
  return [
    [USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_TOP, 'the user stack'],
    [DIRECT_MAP_BASE, DIRECT_MAP_BASE + ramSize, 'the direct map'],
    [GDT_BASE, GDT_BASE + 0x4000, 'the GDT/TSS area'],
    [KERNEL_STACK_TOP - KERNEL_STACK_SIZE, KERNEL_STACK_TOP, 'the kernel stack'],
    [IST1_TOP - IST1_SIZE, IST1_TOP, 'the IST1 stack'],
  ];
}

function attrOf(desc: bigint): number {
  return Number((desc >> 40n) & 0xf0ffn);
}

export interface EnvironmentOptions {
  /**
   * Map the image's supervisor executable segments writable too, as KVM
   * selftests map all guest memory (upstream fix_hypercall patches its own
   * .text). Off by default: page bits come from p_flags (guest-abi §1).
   */
  writableCode?: boolean;
}

/**
 * Lays out memory and state for `image`; throws ImageError when it cannot fit the contract.
 * Returns the page tables' builder (the host's virt_pg_map: Vm.mapPage).
 */
export function buildEnvironment(image: GuestImage, ramSize: number, cpu: Cpu, options: EnvironmentOptions = {}): PageTableBuilder {
  const mem = cpu.mem;
  const hexs = (v: number) => '0x' + BigInt.asUintN(64, BigInt(v)).toString(16);
  for (const seg of image.segments) {
    for (const [start, end, what] of fixedAreas(ramSize)) {
      if (seg.vaddr < end && start < seg.vaddr + seg.memsz) throw new ImageError(`segment at ${hexs(seg.vaddr)} overlaps ${what}`);
    }
  }
  const needed = image.segments.reduce((n, s) => n + Math.ceil(((s.vaddr % 4096 + 4096) % 4096 + s.memsz) / 4096) * 4096, 0);
  if (needed + ENV_ALLOC_START + 0x100000 > ramSize) {
    throw new ImageError(`segments need ${needed} bytes but RAM is ${ramSize} bytes (use --memory)`);
  }
  // A new VM's RAM: zero until the environment is built (frames the host maps later are zeroed).
  const frames = new FrameAllocator(ENV_ALLOC_START, ramSize, true);
  const pt = new PageTableBuilder(mem, frames);
  const sup = { writable: true, user: false, executable: false };

  // Direct map: all of RAM in 2 MiB pages (U=0, RW, NX).
  for (let gpa = 0; gpa < ramSize; gpa += 0x200000) pt.map(DIRECT_MAP_BASE + gpa, gpa, 0x200000, sup);

  // GDT.
  const gdt = pt.mapFresh(GDT_BASE, 0x1000, sup);
  GDT_ENTRIES.forEach((d, k) => mem.write64(gdt + k * 8, d));
  // 64-bit TSS descriptor (busy, type 0xB) at 0x30 (SDM §7.2.3).
  const tssBase = BigInt.asUintN(64, BigInt(TSS_BASE));
  const lim = BigInt(TSS_LIMIT);
  const tssLo = (lim & 0xffffn) | ((tssBase & 0xffffffn) << 16n) | (0x8bn << 40n) | (((lim >> 16n) & 0xfn) << 48n) | (((tssBase >> 24n) & 0xffn) << 56n);
  mem.write64(gdt + 0x30, tssLo);
  mem.write64(gdt + 0x38, tssBase >> 32n);

  // TSS: RSP0, IST1, I/O map base, and the bitmap that allows only the ucall port.
  const tss = pt.mapFresh(TSS_BASE, 0x3000, sup);
  mem.write64(tss + 4, BigInt.asUintN(64, BigInt(KERNEL_STACK_TOP)));
  mem.write64(tss + 0x24, BigInt.asUintN(64, BigInt(IST1_TOP)));
  mem.write16(tss + 0x66, 0x68);
  mem.fill(tss + 0x68, 8192 + 1, 0xff);
  mem.write8(tss + 0x68 + (UCALL_PORT >> 3), mem.read8(tss + 0x68 + (UCALL_PORT >> 3)) & ~(1 << (UCALL_PORT & 7)));

  // Stacks.
  pt.mapFresh(KERNEL_STACK_TOP - KERNEL_STACK_SIZE, KERNEL_STACK_SIZE, sup);
  pt.mapFresh(IST1_TOP - IST1_SIZE, IST1_SIZE, sup);
  pt.mapFresh(USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_SIZE, { writable: true, user: true, executable: false });

  // ELF segments: page bits from p_flags (an R+W+X segment is mapped so), U from the address.
  for (const seg of image.segments) {
    const first = Math.floor(seg.vaddr / 4096) * 4096;
    const len = seg.vaddr + seg.memsz - first;
    const executable = (seg.flags & PF_X) !== 0;
    const writable = (seg.flags & PF_W) !== 0 || (options.writableCode === true && executable && !seg.user);
    const phys = pt.mapFresh(first, len, { writable, user: seg.user, executable });
    mem.writeBytes(phys + (seg.vaddr - first), seg.data);
  }

  // Initial state (guest-abi §5).
  for (let r = 0; r < 16; r++) cpu.setReg(8, r, 0, 0);
  cpu.rip = image.entry;
  cpu.setReg64(4, BigInt.asUintN(64, BigInt(KERNEL_STACK_TOP)));
  cpu.setReg64(7, 0n);
  cpu.setReg64(6, BigInt(ramSize));
  cpu.setRflags(RFLAGS_FIXED1);
  cpu.cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;      // 0x80010033
  cpu.cr2 = 0;
  cpu.cr3 = pt.pml4;
  cpu.cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_SMEP | CR4_SMAP; // 0x300620
  cpu.cr8 = 0;
  cpu.efer = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE;                 // 0xd01
  cpu.msrs.set(MSR_STAR, 0x0018000800000000n);
  cpu.gdtrBase = GDT_BASE; cpu.gdtrLimit = 0x3f;
  cpu.idtrBase = 0; cpu.idtrLimit = 0;
  loadCodeSegment(cpu, 0x08, 0, 0xffffffff, attrOf(GDT_ENTRIES[1]!), 0);
  for (const s of [SEG_ES, SEG_SS, SEG_DS, SEG_FS, SEG_GS]) setSegment(cpu, s, 0x10, 0, 0xffffffff, attrOf(GDT_ENTRIES[2]!));
  cpu.trSel = 0x30; cpu.trBase = TSS_BASE; cpu.trLimit = TSS_LIMIT; cpu.trAttr = 0x8b;
  cpu.ldtrSel = 0;
  cpu.dr[6] = BigInt(DR6_FIXED1 >>> 0); cpu.dr[7] = BigInt(DR7_FIXED1);
  cpu.fpuControlWord = 0x37f;
  cpu.mxcsr = 0x1f80;
  cpu.syncPaging();
  frames.markUsed();
  return pt;
}
