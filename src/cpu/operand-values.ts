// The values of the current instruction's operands (the operand stage of
// operands.ts): slot k holds operand k as an int32 pair. The load stage fills
// them, the executor computes and leaves its result in slot 0 (slot 1 as well
// for XCHG/XADD), and the write-back stage stores them. `ea` is the linear
// address of the instruction's memory operand once the load stage resolved
// it, so a read-modify-write does not compute it twice. The SIMD and x87 rows
// will add slots of 16 and 32 bytes (and 80-bit values) beside these: the
// decoder already resolves their locations (LOC_XMM, LOC_MMX, LOC_ST) and
// memory operand sizes (dq = 16, qq = 32 bytes).
export class OperandValues {
  readonly lo = new Int32Array(4);
  readonly hi = new Int32Array(4);
  ea = 0;
}
