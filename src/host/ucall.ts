// Decodes a guest's struct ucall (guest-abi §6, the KVM selftests layout:
// cmd, args[7], buffer[1024]) at the guest-virtual address the guest passed in RDI.
import type { Cpu } from '../cpu/cpu.js';
import {
  UCALL_CMDS, UCALL_BUFFER_OFFSET, UCALL_BUFFER_LEN, UCALL_SIZE, UCALL_FAILED_ADDRESS, type UcallKind,
} from '../devices/ucall.js';
import type { UcallExit } from './exits.js';
import { readString, readVirtual } from './guest-memory.js';

const hex = (v: bigint) => `0x${v.toString(16)}`;

export function decodeUcall(cpu: Cpu, address: bigint): UcallExit {
  const empty: UcallExit = { reason: 'ucall', cmd: 'NONE', number: 0n, args: [0n, 0n, 0n, 0n, 0n, 0n, 0n], address };
  if (address === 0n) return empty;
  // The runtime found every struct of its pool in use (ucalls nested too deep), as the selftests' get_ucall() reports it.
  if (address === UCALL_FAILED_ADDRESS) return { ...empty, error: 'the guest had no struct ucall left to fill (GUEST_UCALL_FAILED: ucalls nested deeper than its pool)' };
  const raw = readVirtual(cpu, address, UCALL_SIZE);
  if (!raw) return { ...empty, error: `struct ucall at ${hex(address)} is not mapped to guest memory` };
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const number = dv.getBigUint64(0, true);
  const args: bigint[] = [];
  for (let k = 0; k < 7; k++) args.push(dv.getBigUint64(8 + k * 8, true));
  // Any other number is the test's own command (ucall(MY_CMD, …)): passed through with its number.
  const cmd: UcallKind = number < BigInt(UCALL_CMDS.length) ? UCALL_CMDS[Number(number)]! : 'CUSTOM';
  const exit: UcallExit = { reason: 'ucall', cmd, number, args, address };
  const buffer = () => cString(raw.subarray(UCALL_BUFFER_OFFSET, UCALL_BUFFER_OFFSET + UCALL_BUFFER_LEN));
  if (cmd === 'PRINTF') exit.text = buffer();
  if (cmd === 'ABORT') {
    // A string the page tables do not map is named as such, never shown as an empty one.
    const str = (a: bigint) => readString(cpu, a) ?? `<unmapped string at ${hex(a)}>`;
    exit.expr = str(args[0]!);
    exit.file = str(args[1]!);
    exit.line = Number(args[2]!);
    exit.text = buffer();
  }
  return exit;
}

function cString(b: Uint8Array): string {
  const end = b.indexOf(0);
  return String.fromCharCode(...(end < 0 ? b : b.subarray(0, end)));
}
