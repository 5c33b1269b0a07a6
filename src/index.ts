// The library entry point: what an embedding test or tool imports.
export { Vm, ImageError } from './vm.js';
export type { VmOptions, RunResult, Outcome, GuestEvent, UcallEvent, ConsoleEvent } from './vm.js';
export { Cpu, StopReason } from './cpu/cpu.js';
export { EXECUTION_PATHS, type ExecutionPath } from './cpu/execution-path.js';
export { decode } from './cpu/decoder.js';
export { disassemble } from './cpu/disasm.js';
export { OPCODE_ROWS } from './cpu/opcodes.js';
export { parseElf } from './guest/elf.js';
export type { GuestImage, GuestSymbol } from './guest/elf.js';
export { runSnippet } from './testing/snippet.js';
