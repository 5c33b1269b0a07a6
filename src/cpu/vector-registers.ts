// The vector register file: XMM0-15 in one ArrayBuffer with typed views, so
// executors work on lanes of any width without allocating. Each register has
// a 32-byte slot (the low 16 bytes are the XMM register; the upper half is
// room for YMM/AVX). Slots 16 and 17 are scratch: the SSE operand stage
// (sse-operands.ts) reads a memory source operand into them, so an executor
// sees every source as a slot number. Lane k of slot s: bytes at s*32 + k,
// words at s*16 + k, dwords at s*8 + k, qwords (as dword pairs) at s*8 + 2k.

/** Bytes per register slot (XMM: the low 16; YMM later: all 32). */
export const VEC_SLOT_BYTES = 32;
/** Scratch slots for memory source operands (never architectural). */
export const XMM_TMP = 16, XMM_TMP2 = 17;
const SLOTS = 18;

export class VectorRegisters {
  readonly buf = new ArrayBuffer(SLOTS * VEC_SLOT_BYTES);
  readonly u8 = new Uint8Array(this.buf);
  readonly i8 = new Int8Array(this.buf);
  readonly u16 = new Uint16Array(this.buf);
  readonly i16 = new Int16Array(this.buf);
  readonly i32 = new Int32Array(this.buf);
  readonly u32 = new Uint32Array(this.buf);
  readonly f32 = new Float32Array(this.buf);
  readonly f64 = new Float64Array(this.buf);

  /** XMMr as 16 little-endian bytes (a copy). */
  getXmm(r: number): Uint8Array {
    return this.u8.slice(r * VEC_SLOT_BYTES, r * VEC_SLOT_BYTES + 16);
  }
  /** Sets XMMr from 16 little-endian bytes. */
  setXmm(r: number, bytes: ArrayLike<number>): void {
    for (let k = 0; k < 16; k++) this.u8[r * VEC_SLOT_BYTES + k] = bytes[k] ?? 0;
  }
  /** XMMr as an unsigned 128-bit number. */
  getXmm128(r: number): bigint {
    let v = 0n;
    for (let k = 3; k >= 0; k--) v = (v << 32n) | BigInt(this.u32[r * 8 + k]!);
    return v;
  }
  setXmm128(r: number, v: bigint): void {
    for (let k = 0; k < 4; k++) this.u32[r * 8 + k] = Number((v >> BigInt(32 * k)) & 0xffffffffn);
  }
}
