// x87 FPU register bits (SDM Vol. 1 §8.1.3 status word, §8.1.5 control word, §8.1.7 tag word;
// APM Vol. 1 §6.2). The six exception flags and masks use the same bit order as src/fpu FpFlag.

/** Status word (FSW). TOP is bits 13:11. */
export const FSW_IE = 0x0001, FSW_DE = 0x0002, FSW_ZE = 0x0004, FSW_OE = 0x0008, FSW_UE = 0x0010, FSW_PE = 0x0020;
export const FSW_SF = 0x0040, FSW_ES = 0x0080, FSW_C0 = 0x0100, FSW_C1 = 0x0200, FSW_C2 = 0x0400, FSW_C3 = 0x4000;
export const FSW_B = 0x8000;
export const FSW_TOP_SHIFT = 11, FSW_TOP = 0x3800;
/** The six exception flags (IE … PE). */
export const FSW_EXCEPTIONS = 0x003f;
/** C0 C1 C2 C3. */
export const FSW_CC = FSW_C0 | FSW_C1 | FSW_C2 | FSW_C3;

/** Control word (FCW): the six masks (bits 5:0), PC (9:8), RC (11:10), X (bit 12, infinity control: kept, no effect). */
export const FCW_MASKS = 0x003f, FCW_PC_SHIFT = 8, FCW_RC_SHIFT = 10;
/** The bits FLDCW keeps (bit 6 reads as 1 on hardware; bits 15:13 and 7 read as 0). */
export const FCW_WRITABLE = 0x1f3f, FCW_FIXED1 = 0x0040;
/** FNINIT's control word (SDM Vol. 1 §8.1.5, Vol. 2 FINIT: 037FH). */
export const FCW_INIT = 0x037f;

/** Full tag values (FNSTENV/FNSAVE): valid, zero, special (NaN, infinity, denormal, unsupported), empty. */
export const TAG_VALID = 0, TAG_ZERO = 1, TAG_SPECIAL = 2, TAG_EMPTY = 3;
