// The host's view of the x87/MMX and SSE state (KVM_GET_FPU / KVM_SET_FPU):
// a 512-byte FXSAVE image in the 64-bit layout, bytes 416-511 zero.
import type { Cpu } from '../cpu/cpu.js';
import { fillFxImage, fxImage, loadFxX87, loadFxXmm } from '../cpu/exec/fxsave.js';
import { MXCSR_MASK } from '../arch/mxcsr.js';

export const FXSAVE_SIZE = 512;
const USED = 416;

export function getFpu(cpu: Cpu): Uint8Array {
  const out = new Uint8Array(FXSAVE_SIZE);
  out.set(fillFxImage(cpu, true).subarray(0, USED));
  return out;
}

export function setFpu(cpu: Cpu, image: Uint8Array): void {
  if (image.length < USED) throw new RangeError(`an FXSAVE image has ${FXSAVE_SIZE} bytes, got ${image.length}`);
  const mxcsr = new DataView(image.buffer, image.byteOffset, image.byteLength).getUint32(24, true);
  if (mxcsr & ~MXCSR_MASK) throw new RangeError(`MXCSR 0x${mxcsr.toString(16)} sets reserved bits`);
  fxImage.set(image.subarray(0, USED));
  loadFxX87(cpu, true);
  cpu.mxcsr = mxcsr;
  loadFxXmm(cpu);
}
