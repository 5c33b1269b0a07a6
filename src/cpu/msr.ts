// Model-specific registers of the CPU model (cpuid.ts documents the model).
// RDMSR/WRMSR of an MSR not listed here raises #GP(0) (SDM Vol. 4 intro).
import type { Cpu } from './cpu.js';
import { SEG_FS, SEG_GS } from './insn.js';

export const MSR_TSC = 0x10;
export const MSR_APIC_BASE = 0x1b;
export const MSR_SYSENTER_CS = 0x174, MSR_SYSENTER_ESP = 0x175, MSR_SYSENTER_EIP = 0x176;
export const MSR_PAT = 0x277;
export const MSR_EFER = 0xc0000080;
export const MSR_STAR = 0xc0000081, MSR_LSTAR = 0xc0000082, MSR_CSTAR = 0xc0000083, MSR_SFMASK = 0xc0000084;
export const MSR_FS_BASE = 0xc0000100, MSR_GS_BASE = 0xc0000101, MSR_KERNEL_GS_BASE = 0xc0000102, MSR_TSC_AUX = 0xc0000103;

/** EFER bits we implement: SCE, LME, LMA, NXE (APM Vol. 2 §3.1.7). */
const EFER_WRITABLE = 0x1 | 0x100 | 0x800;
const EFER_LMA = 0x400;

export class MsrFile {
  private readonly plain = new Map<number, bigint>([
    [MSR_SYSENTER_CS, 0n], [MSR_SYSENTER_ESP, 0n], [MSR_SYSENTER_EIP, 0n],
    [MSR_PAT, 0x0007040600070406n],
    [MSR_STAR, 0n], [MSR_LSTAR, 0n], [MSR_CSTAR, 0n], [MSR_SFMASK, 0n],
    [MSR_KERNEL_GS_BASE, 0n], [MSR_TSC_AUX, 0n],
    [MSR_APIC_BASE, 0xfee00900n],
  ]);

  constructor(private readonly cpu: Cpu) {}

  has(index: number): boolean {
    return this.plain.has(index) || index === MSR_TSC || index === MSR_EFER || index === MSR_FS_BASE || index === MSR_GS_BASE;
  }

  /** Returns the value, or undefined for an MSR the model lacks (the caller raises #GP(0)). */
  read(index: number): bigint | undefined {
    const cpu = this.cpu;
    switch (index) {
      case MSR_TSC: return cpu.readTsc();
      case MSR_EFER: return BigInt(cpu.efer);
      case MSR_FS_BASE: return BigInt.asUintN(64, BigInt(cpu.segBase[SEG_FS]!));
      case MSR_GS_BASE: return BigInt.asUintN(64, BigInt(cpu.segBase[SEG_GS]!));
    }
    return this.plain.get(index);
  }

  /** Writes the value; returns false when the write must raise #GP(0). */
  write(index: number, value: bigint): boolean {
    const cpu = this.cpu;
    const signed = Number(BigInt.asIntN(64, value));
    const canonical = BigInt.asIntN(64, value) >= -(1n << 47n) && BigInt.asIntN(64, value) < (1n << 47n);
    switch (index) {
      case MSR_TSC:
        cpu.tscOffset = Number(BigInt.asIntN(64, value - BigInt(cpu.instructions)));
        return true;
      case MSR_EFER: {
        if (value & ~BigInt(EFER_WRITABLE | EFER_LMA)) return false;
        const v = Number(value);
        // LMA is read-only; LME may not change while paging is on (APM §3.1.7).
        if (((v ^ cpu.efer) & 0x100) && (cpu.cr0 & 0x80000000)) return false;
        cpu.efer = (v & EFER_WRITABLE) | (cpu.efer & EFER_LMA);
        cpu.syncPaging();
        return true;
      }
      case MSR_FS_BASE: case MSR_GS_BASE:
        if (!canonical) return false;
        cpu.segBase[index === MSR_FS_BASE ? SEG_FS : SEG_GS] = signed;
        return true;
      case MSR_LSTAR: case MSR_CSTAR: case MSR_KERNEL_GS_BASE: case MSR_SYSENTER_ESP: case MSR_SYSENTER_EIP:
        if (!canonical) return false;
        break;
      case MSR_PAT:
        // Each byte must be a valid memory type: 0, 1, 4, 5, 6 or 7 (SDM §11.12.2).
        for (let b = 0n; b < 64n; b += 8n) { const t = (value >> b) & 0xffn; if (t === 2n || t === 3n || t > 7n) return false; }
        break;
      case MSR_TSC_AUX:
        if (value >> 32n) return false;
        break;
      case MSR_STAR: case MSR_SFMASK:
        if (index === MSR_SFMASK && value >> 32n) return false;
        break;
      default:
        if (!this.plain.has(index)) return false;
    }
    this.plain.set(index, value);
    return true;
  }

  /** Raw value for host-side reads that must not fail. */
  get(index: number): bigint {
    return this.read(index) ?? 0n;
  }
}
