// The library entry point: what an embedding test or tool imports.
export { Vm, ImageError } from './vm.js';
export type { VmOptions, RunResult, Outcome, GuestEvent, UcallEvent, ConsoleEvent, Registers } from './vm.js';
export { Cpu, StopReason } from './cpu/cpu.js';
export { EXECUTION_PATHS, type ExecutionPath } from './cpu/execution-path.js';
export { CPU_VENDORS, type CpuVendor } from './arch/vendor.js';
export { decode } from './isa/decoder.js';
export { disassemble } from './isa/disasm.js';
export { opcodeRows } from './isa/opcodes.js';
export type { OpcodeRow } from './isa/table.js';
export type { Insn } from './isa/insn.js';
export { parseElf } from './guest/elf.js';
export type { GuestImage, GuestSymbol } from './guest/elf.js';
export { runSnippet } from './testing/snippet.js';
// The KVM-shaped host API (docs/host-api.md).
export { VirtualMachine } from './host/vm.js';
export type { VirtualMachineOptions, MemoryRegion } from './host/vm.js';
export { Vcpu } from './host/vcpu.js';
export type {
  VcpuExit, ExitReason, IoExit, MmioExit, UcallExit, HltExit, ShutdownExit, LimitExit, EmulationFailureExit, ExceptionExit, InternalErrorExit,
  DebugExit, Watchpoint,
} from './host/exits.js';
export type { MemoryAccess } from './host/debug.js';
export type { Regs, Sregs, Segment, DescriptorTable } from './host/registers.js';
export type { DebugRegs } from './host/debug-registers.js';
export type { Translation } from './host/guest-memory.js';
export type { CpuidEntry } from './cpu/host-cpuid.js';
export type { MsrExit, HypercallExit } from './host/exits.js';
export type { MsrExitOptions, MsrFilter, MsrFilterRange } from './host/host-calls.js';
export { Vector } from './arch/vectors.js';
// Named architectural bits for host code (CR0/CR4/EFER/DR bits: setSregs, getSregs).
export * from './arch/control-registers.js';
