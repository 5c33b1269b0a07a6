// Segment and gate descriptors (SDM Vol. 3A §3.4.5, §5.8, §6.14.1, §7.2.3).
// The CPU keeps a descriptor's attributes as the 16 bits of its second dword
// 23:8: type 3:0, S 4, DPL 6:5, P 7, AVL 12, L 13, D/B 14, G 15.
export const ATTR_TYPE = 0xf, ATTR_S = 0x10, ATTR_DPL_SHIFT = 5, ATTR_P = 0x80, ATTR_L = 0x2000, ATTR_DB = 0x4000, ATTR_G = 0x8000;
/** Code/data type bits (S = 1): accessed, writable (data) / readable (code), expand-down / conforming, code. */
export const TYPE_ACCESSED = 1, TYPE_RW = 2, TYPE_EC = 4, TYPE_CODE = 8;
/** System descriptor types in IA-32e mode (S = 0). */
export const SYS_LDT = 0x2, SYS_TSS64_AVAIL = 0x9, SYS_TSS64_BUSY = 0xb, SYS_CALL_GATE = 0xc, SYS_INT_GATE = 0xe, SYS_TRAP_GATE = 0xf;

export const dplOf = (attr: number): number => (attr >> ATTR_DPL_SHIFT) & 3;
export const isCodeSegment = (attr: number): boolean => (attr & (ATTR_S | TYPE_CODE)) === (ATTR_S | TYPE_CODE);
export const isDataSegment = (attr: number): boolean => (attr & (ATTR_S | TYPE_CODE)) === ATTR_S;

/** Flat 64-bit code and data attributes that SYSCALL/SYSRET load without reading the GDT. */
export const ATTR_CODE64 = 0x209b, ATTR_DATA = 0xc093;
