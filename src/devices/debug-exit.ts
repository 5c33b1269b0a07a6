// isa-debug-exit at port 0xf4 (as QEMU's): writing v stops the guest with exit
// code (v << 1) | 1. The ABI runner (vm.ts) sees the write as an `io` exit.
export const DEBUG_EXIT_PORT = 0xf4;

/** The exit code of an OUT of `size` bytes of `value` to the port. */
export function debugExitCode(size: number, value: number): number {
  const v = size === 1 ? value & 0xff : size === 2 ? value & 0xffff : value >>> 0;
  return v * 2 + 1;
}
