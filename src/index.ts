// The library entry point: what an embedding test or tool imports.
export { Vm, ImageError } from './vm.js';
export type { VmOptions, RunResult, Outcome, GuestEvent, UcallEvent, ConsoleEvent, Registers } from './vm.js';
export { Cpu, StopReason } from './cpu/cpu.js';
export { EXECUTION_PATHS, type ExecutionPath } from './cpu/execution-path.js';
export { CPU_VENDORS, type CpuVendor } from './arch/vendor.js';
export { decode } from './isa/decoder.js';
export { disassemble } from './isa/disasm.js';
export { OPCODE_ROWS } from './isa/opcodes.js';
export type { OpcodeRow } from './isa/table.js';
export type { Insn } from './isa/insn.js';
export { parseElf } from './guest/elf.js';
export type { GuestImage, GuestSymbol } from './guest/elf.js';
export { runSnippet } from './testing/snippet.js';
