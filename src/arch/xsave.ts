// XSAVE-managed state (SDM Vol. 1 Chapter 13; APM Vol. 2 §11.5): XCR0 bits and the standard-format
// XSAVE area. The model manages x87 (bit 0) and SSE (bit 1) only: no AVX, no supervisor states.
export const XCR0_X87 = 1 << 0, XCR0_SSE = 1 << 1, XCR0_AVX = 1 << 2;
/** The XCR0 bits the model supports (CPUID.(EAX=0DH,ECX=0):EDX:EAX). */
export const XCR0_SUPPORTED = XCR0_X87 | XCR0_SSE;
/** The legacy region (the FXSAVE layout, bytes 0-511) and the 64-byte XSAVE header that follows it (SDM §13.4). */
export const XSAVE_LEGACY_SIZE = 512, XSAVE_HEADER_SIZE = 64;
/** Size of the area for x87 | SSE, standard and compacted alike (both components live in the legacy region). */
export const XSAVE_AREA_SIZE = XSAVE_LEGACY_SIZE + XSAVE_HEADER_SIZE;
/** XSAVE, XRSTOR: the area must be 64-byte aligned (#GP(0) otherwise). */
export const XSAVE_ALIGN = 64;
/** XCOMP_BV bit 63 (bit 31 of its high half): the area is in compacted format (XSAVEC/XSAVES wrote it). */
export const XCOMP_BV_COMPACTED_HI = 0x80000000 | 0;
/** Byte offsets of the header fields XSTATE_BV and XCOMP_BV (SDM §13.4.2). */
export const XSTATE_BV_OFFSET = XSAVE_LEGACY_SIZE, XCOMP_BV_OFFSET = XSAVE_LEGACY_SIZE + 8;
/**
 * The IA32_XSS bits (supervisor state components, XSAVES/XRSTORS) the model supports: none, so
 * WRMSR of any set bit is #GP(0) (SDM Vol. 1 §13.3).
 */
export const XSS_SUPPORTED = 0;
