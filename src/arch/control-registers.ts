// Control-register, EFER and debug-register bits (SDM Vol. 3A §2.5, §17.2;
// APM Vol. 2 §3.1).
export const CR0_PE = 1 << 0, CR0_MP = 1 << 1, CR0_EM = 1 << 2, CR0_TS = 1 << 3, CR0_ET = 1 << 4, CR0_NE = 1 << 5;
export const CR0_WP = 1 << 16, CR0_AM = 1 << 18, CR0_NW = 1 << 29, CR0_CD = 1 << 30, CR0_PG = 1 << 31;
/** CR0 bits the model holds; writing any other bit raises #GP(0). */
export const CR0_KNOWN = CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE | CR0_WP | CR0_AM | CR0_NW | CR0_CD | CR0_PG;

export const CR4_VME = 1 << 0, CR4_PVI = 1 << 1, CR4_TSD = 1 << 2, CR4_DE = 1 << 3, CR4_PSE = 1 << 4, CR4_PAE = 1 << 5;
export const CR4_MCE = 1 << 6, CR4_PGE = 1 << 7, CR4_PCE = 1 << 8, CR4_OSFXSR = 1 << 9, CR4_OSXMMEXCPT = 1 << 10;
export const CR4_UMIP = 1 << 11, CR4_LA57 = 1 << 12, CR4_FSGSBASE = 1 << 16, CR4_PCIDE = 1 << 17, CR4_OSXSAVE = 1 << 18;
export const CR4_SMEP = 1 << 20, CR4_SMAP = 1 << 21, CR4_PKE = 1 << 22;
/**
 * CR4 bits every vCPU of the model implements (TSD DE PSE PAE MCE PGE PCE OSFXSR OSXMMEXCPT UMIP
 * PCIDE SMEP); SMAP, PKE, FSGSBASE and OSXSAVE follow the vCPU's features, and any other bit (VME,
 * PVI, LA57, VMXE, SMXE, CET…) is reserved: #GP(0).
 */
export const CR4_BASE = CR4_TSD | CR4_DE | CR4_PSE | CR4_PAE | CR4_MCE | CR4_PGE | CR4_PCE | CR4_OSFXSR | CR4_OSXMMEXCPT |
  CR4_UMIP | CR4_PCIDE | CR4_SMEP;
/** CR4 bits that change how linear addresses translate (a change flushes the TLB, global entries included). */
export const CR4_PAGING = CR4_PSE | CR4_PAE | CR4_PGE | CR4_PCIDE | CR4_SMEP | CR4_SMAP | CR4_PKE;
/** With CR4.PCIDE = 1: CR3[11:0] is the PCID, and bit 63 of a value moved to CR3 keeps the TLB (SDM §4.10.4.1). */
export const CR3_PCID_MASK = 0xfff;
export const CR3_HI_NOFLUSH = 0x80000000 | 0;

export const EFER_SCE = 1 << 0, EFER_LME = 1 << 8, EFER_LMA = 1 << 10, EFER_NXE = 1 << 11;
/** EFER bits software may write (LMA is read-only). */
export const EFER_WRITABLE = EFER_SCE | EFER_LME | EFER_NXE;

/** DR6: bits that read as 1 (SDM §17.2.3), and the RTM bit (bit 16, reads 1 unless RTM is supported). */
export const DR6_FIXED1 = 0xffff0ff0;
/** DR6 status (SDM §17.2.3, APM §13.1.1.3): B0-B3 (breakpoint n matched), BD (debug-register access with GD), BS (single step), BT (task switch). */
export const DR6_B0 = 1 << 0, DR6_BD = 1 << 13, DR6_BS = 1 << 14, DR6_BT = 1 << 15;
/** DR7 bit 10 reads as 1; bits 11, 12, 14, 15 read as 0. */
export const DR7_FIXED1 = 0x400, DR7_FIXED0 = 0xd800;
export const DR7_GD = 1 << 13;
/** DR7 L0/G0..L3/G3 occupy bits 7:0 (two per breakpoint); R/Wn bits 17+4n, LENn bits 19+4n (SDM §17.2.4). */
export const DR7_ENABLES = 0xff;
export const DR7_RW_SHIFT = 16, DR7_LEN_SHIFT = 18;
/** R/Wn: 00 instruction execution, 01 data writes, 10 I/O (CR4.DE = 1), 11 data reads and writes. */
export const DR_RW_EXEC = 0, DR_RW_WRITE = 1, DR_RW_IO = 2, DR_RW_READWRITE = 3;

/** The task-priority register CR8 holds 4 bits. */
export const CR8_MASK = 0xf;
