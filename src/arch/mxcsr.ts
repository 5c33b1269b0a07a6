// MXCSR, the SSE control and status register (SDM Vol. 1 §10.2.3, APM Vol. 1 §4.2.2).
export const MXCSR_IE = 1 << 0, MXCSR_DE = 1 << 1, MXCSR_ZE = 1 << 2, MXCSR_OE = 1 << 3, MXCSR_UE = 1 << 4, MXCSR_PE = 1 << 5;
export const MXCSR_DAZ = 1 << 6;
/** Exception masks IM..PM (bits 7-12). */
export const MXCSR_MASKS = 0x1f80;
/** Rounding control (bits 13-14) and flush to zero (bit 15). */
export const MXCSR_RC_SHIFT = 13, MXCSR_RC = 3 << 13, MXCSR_FTZ = 1 << 15;
/** The power-up and INIT value: every exception masked, round to nearest. */
export const MXCSR_RESET = 0x1f80;
/**
 * MXCSR_MASK of the CPU model (the FXSAVE field, SDM Vol. 1 §11.6.6): bits 0-15, DAZ included,
 * for both vendor models. AMD's MM bit (17, misaligned-SSE mode) is not modelled: CPUID
 * 8000_0001h ECX.MisAlignSse is not reported, so bit 17 is reserved like bits 16 and 18-31.
 * LDMXCSR (and FXRSTOR) with a reserved bit set raise #GP(0).
 */
export const MXCSR_MASK = 0xffff;
