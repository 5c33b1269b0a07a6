// The ucall port (guest-abi §6, the KVM selftests convention): any IN or OUT
// on port 0x1000 with RDI = guest-virtual address of a struct ucall. Like a
// KVM_EXIT_IO to userspace, the access stops the vCPU; the VM decodes the
// struct after the instruction completes. IN leaves 0 in the destination.
import type { PortDevice } from './port-bus.js';

export const UCALL_PORT = 0x1000;
export const UCALL_CMDS = ['NONE', 'SYNC', 'ABORT', 'PRINTF', 'DONE', 'UNHANDLED'] as const;
export type UcallCmd = (typeof UCALL_CMDS)[number];
/** sizeof(struct ucall): cmd + args[7] + buffer[1024] + hva. */
export const UCALL_SIZE = 8 + 7 * 8 + 1024 + 8;
export const UCALL_BUFFER_OFFSET = 64;
export const UCALL_BUFFER_LEN = 1024;

export class UcallPort implements PortDevice {
  constructor(private readonly onUcall: () => void) {}
  read(): number { this.onUcall(); return 0; }
  write(): void { this.onUcall(); }
}
