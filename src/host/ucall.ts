// Decodes a guest's struct ucall (guest-abi §6, the KVM selftests layout:
// cmd, args[7], buffer[1024]) at the guest-virtual address the guest passed in RDI.
import type { Cpu } from '../cpu/cpu.js';
import { UCALL_CMDS, UCALL_BUFFER_OFFSET, UCALL_BUFFER_LEN, UCALL_SIZE, type UcallCmd } from '../devices/ucall.js';
import type { UcallExit } from './exits.js';
import { readString, readVirtual } from './guest-memory.js';

export function decodeUcall(cpu: Cpu, address: bigint): UcallExit {
  const empty: UcallExit = { reason: 'ucall', cmd: 'NONE', number: 0n, args: [0n, 0n, 0n, 0n, 0n, 0n, 0n], address };
  if (address === 0n) return empty;
  const raw = readVirtual(cpu, address, UCALL_SIZE);
  if (!raw) return { ...empty, error: `struct ucall at 0x${address.toString(16)} is not mapped to guest memory` };
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const number = dv.getBigUint64(0, true);
  const args: bigint[] = [];
  for (let k = 0; k < 7; k++) args.push(dv.getBigUint64(8 + k * 8, true));
  const cmd: UcallCmd = number < BigInt(UCALL_CMDS.length) ? UCALL_CMDS[Number(number)]! : 'NONE';
  const exit: UcallExit = { reason: 'ucall', cmd, number, args, address };
  const buffer = () => cString(raw.subarray(UCALL_BUFFER_OFFSET, UCALL_BUFFER_OFFSET + UCALL_BUFFER_LEN));
  if (cmd === 'PRINTF') exit.text = buffer();
  if (cmd === 'ABORT') {
    exit.expr = readString(cpu, args[0]!) ?? '';
    exit.file = readString(cpu, args[1]!) ?? '';
    exit.line = Number(args[2]!);
    exit.text = buffer();
  }
  return exit;
}

function cString(b: Uint8Array): string {
  const end = b.indexOf(0);
  return String.fromCharCode(...(end < 0 ? b : b.subarray(0, end)));
}
