// The ucall port (guest-abi §6, the KVM selftests convention): any IN or OUT
// on port 0x1000 with RDI = guest-virtual address of a struct ucall. No device
// claims it: the access exits to the host (KVM_EXIT_IO), and the vCPU decodes
// the struct as a `ucall` exit (host/ucall.ts). IN leaves 0 in the destination.

export const UCALL_PORT = 0x1000;
export const UCALL_CMDS = ['NONE', 'SYNC', 'ABORT', 'PRINTF', 'DONE', 'UNHANDLED'] as const;
export type UcallCmd = (typeof UCALL_CMDS)[number];
/** A ucall as the host names it: one of UCALL_CMDS, or CUSTOM for any other number (a test's own command). */
export type UcallKind = UcallCmd | 'CUSTOM';
/** The address a guest ucalls with when it has no struct left (the selftests' GUEST_UCALL_FAILED, -1). */
export const UCALL_FAILED_ADDRESS = 0xffffffffffffffffn;
/** sizeof(struct ucall): cmd + args[7] + buffer[1024] + hva. */
export const UCALL_SIZE = 8 + 7 * 8 + 1024 + 8;
export const UCALL_BUFFER_OFFSET = 64;
export const UCALL_BUFFER_LEN = 1024;
