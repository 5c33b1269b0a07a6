// Instruction text for traces and reports: decode the bytes at a guest address
// (host read through the page tables) and disassemble them.
import type { Vm } from '../vm.js';
import { decode } from '../isa/decoder.js';
import { disassemble } from '../isa/disasm.js';
import { hex, hexBytes } from './format.js';

function bytesAt(vm: Vm, rip: bigint): Uint8Array {
  for (let n = 15; n > 0; n--) {
    const b = vm.readVirtual(rip, n);
    if (b) return b;
  }
  return new Uint8Array();
}

export function describeAt(vm: Vm, rip: bigint): string {
  const bytes = bytesAt(vm, rip);
  const insn = bytes.length ? decode(bytes, 0, bytes.length, vm.cpu.codeMode()) : null;
  return insn ? disassemble(insn, rip, bytes.subarray(0, insn.len)) : '(unreadable)';
}

export function traceLine(vm: Vm): string {
  const rip = BigInt.asUintN(64, BigInt(vm.cpu.rip));
  const bytes = bytesAt(vm, rip);
  const insn = bytes.length ? decode(bytes, 0, bytes.length, vm.cpu.codeMode()) : null;
  const text = insn ? disassemble(insn, rip, bytes.subarray(0, insn.len)) : '(unreadable)';
  return `${hex(rip).padStart(18)}  ${hexBytes(bytes.subarray(0, insn?.len ?? bytes.length)).padEnd(30)}  ${text}`;
}
