// CRC32 (SSE4.2, SDM Vol. 2 CRC32): accumulates the CRC-32C (Castagnoli,
// polynomial 11EDC6F41H, bit-reflected) of the source bytes, low byte first,
// into the low 32 bits of the destination; a 64-bit destination (REX.W) has
// its upper half cleared. No flags change.
import type { Handler } from '../context.js';
import { loadOperand, storeOperand } from '../operands.js';

/** The byte table of the reflected polynomial 82F63B78H. */
const TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[n] = c;
  }
  return t;
})();

function crcBytes(crc: number, v: number, n: number): number {
  for (let k = 0; k < n; k++, v >>>= 8) crc = TABLE[(crc ^ v) & 0xff]! ^ (crc >>> 8);
  return crc;
}

export const crc32: Handler = (c, i) => {
  loadOperand(c, i, 0);
  loadOperand(c, i, 1);
  const n = i.size1;
  let crc = crcBytes(c.ops.lo[0]!, c.ops.lo[1]!, Math.min(n, 4));
  if (n === 8) crc = crcBytes(crc, c.ops.hi[1]!, 4);
  c.ops.lo[0] = crc; c.ops.hi[0] = 0;
  storeOperand(c, i, 0);
};
