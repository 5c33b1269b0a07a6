// The values of the current instruction's operands (the operand stage of
// operands.ts): slot k holds operand k as an int32 pair. The load stage fills
// them, the executor computes and leaves its result in slot 0 (slot 1 as well
// for XCHG/XADD), and the write-back stage stores them. `ea` is the linear
// address of the instruction's memory operand once the load stage resolved
// it, so a read-modify-write does not compute it twice. SSE operands do not
// use these slots: XMM registers are slots of the vector register file and a
// memory source is read into its scratch slots (sse-operands.ts); the x87 rows
// will add 80-bit values (the decoder resolves LOC_MMX and LOC_ST already).
export class OperandValues {
  readonly lo = new Int32Array(4);
  readonly hi = new Int32Array(4);
  ea = 0;
}
