// The CPU model's CPUID: a "ringzero virtual CPU" with AMD's vendor string
// (undefined flags follow AMD, see docs/cpu-model.md). It reports exactly what
// is implemented: no x87/SSE/AVX bits until those units exist.
import type { Cpu } from './cpu.js';

const VENDOR = 'AuthenticAMD';
const BRAND = 'ringzero virtual x86-64 CPU';

function str4(s: string, off: number): number {
  let v = 0;
  for (let k = 0; k < 4; k++) v |= (s.charCodeAt(off + k) || 0) << (8 * k);
  return v;
}

// Feature bits (CPUID leaf 1 EDX/ECX, leaf 7 EBX/ECX, 0x80000001 EDX/ECX).
const L1_EDX = (1 << 2) /* DE */ | (1 << 3) /* PSE */ | (1 << 4) /* TSC */ | (1 << 5) /* MSR */ | (1 << 6) /* PAE */ |
  (1 << 8) /* CX8 */ | (1 << 13) /* PGE */ | (1 << 15) /* CMOV */ | (1 << 16) /* PAT */ | (1 << 19) /* CLFSH */;
const L1_ECX = (1 << 13) /* CX16 */ | (1 << 22) /* MOVBE */ | (1 << 23) /* POPCNT */ | (1 << 31) /* hypervisor */;
const L7_EBX = (1 << 7) /* SMEP */ | (1 << 9) /* ERMS */ | (1 << 20) /* SMAP */;
const L7_ECX = (1 << 2) /* UMIP */ | (1 << 3) /* PKU */;
const E1_ECX = (1 << 0) /* LAHF/SAHF */ | (1 << 5) /* ABM: LZCNT */;
const E1_EDX = (1 << 11) /* SYSCALL */ | (1 << 20) /* NX */ | (1 << 26) /* 1 GiB pages */ | (1 << 27) /* RDTSCP */ | (1 << 29) /* LM */;

/** Writes EAX, EBX, ECX, EDX for leaf EAX / subleaf ECX. */
export function cpuid(cpu: Cpu, leaf: number, subleaf: number): [number, number, number, number] {
  switch (leaf >>> 0) {
    case 0: return [7, str4(VENDOR, 0), str4(VENDOR, 8), str4(VENDOR, 4)];
    case 1: {
      const osxsave = 0;
      return [0x00a00f11, 0x00010800, L1_ECX | osxsave, L1_EDX];
    }
    case 7:
      if (subleaf !== 0) return [0, 0, 0, 0];
      return [0, L7_EBX, L7_ECX | ((cpu.cr4 & 0x400000) ? 1 << 4 /* OSPKE */ : 0), 0];
    case 0x80000000: return [0x80000008, str4(VENDOR, 0), str4(VENDOR, 8), str4(VENDOR, 4)];
    case 0x80000001: return [0x00a00f11, 0, E1_ECX, E1_EDX];
    case 0x80000002: case 0x80000003: case 0x80000004: {
      const base = (leaf - 0x80000002) * 16;
      return [str4(BRAND, base), str4(BRAND, base + 4), str4(BRAND, base + 8), str4(BRAND, base + 12)];
    }
    case 0x80000007: return [0, 0, 0, 1 << 8 /* invariant TSC */];
    case 0x80000008: return [0x3030 /* 48-bit physical and virtual */, 0, 0, 0];
    default: return [0, 0, 0, 0];
  }
}
