// Shared by the XSAVE-family system tests (system-xsave, system-xsave-opt, system-xsaves):
// the control-register setup, the instruction encodings they share and the area accessors.
import type { FeatureName } from '../../src/isa/features.js';
import { MODEL_FEATURES } from '../../src/cpu/cpuid.js';
import type { ExecutionPath } from '../../src/cpu/execution-path.js';
import type { RunOptions } from './machine.js';
import { Machine, DATA_LIN, RAX, RBX, RDX, outcome, phys } from './system.js';

export const CR4 = 0x620, OSXSAVE = 1 << 18, CR4_X = CR4 | OSXSAVE, CR0 = 0x80010033, CR0_TS = 1 << 3;
export const XGETBV = [0x0f, 0x01, 0xd0], XSETBV = [0x0f, 0x01, 0xd1], CPUID = [0x0f, 0xa2];
export const FLD1 = [0xd9, 0xe8], FNINIT = [0xdb, 0xe3];
/** The save area: 64-byte aligned, 0x2000 bytes mapped. */
export const AREA = DATA_LIN;

/** Runs code with CR4.OSXSAVE on a machine with `features`, and reads or fills guest memory by linear address. */
export function xsaveBench(path: ExecutionPath, features: ReadonlySet<FeatureName> = MODEL_FEATURES) {
  return {
    run: (code: number[], o: RunOptions = {}, m = new Machine(features)) => ({ m, r: outcome(m.run(code, { path, cr4: CR4_X, ...o })) }),
    reg: (m: Machine, r: number) => BigInt.asUintN(64, m.cpu.getReg64(r)),
    bytes: (m: Machine, lin: number, n: number) => Array.from({ length: n }, (_, k) => m.mem.u8[phys(m, lin + k)]!),
    fill: (m: Machine, lin: number, n: number, b: number) => { for (let k = 0; k < n; k++) m.mem.u8[phys(m, lin + k)] = b; },
    put64: (m: Machine, lin: number, v: bigint) => m.mem.write64(phys(m, lin), BigInt.asUintN(64, v)),
    get64: (m: Machine, lin: number) => m.mem.read64(phys(m, lin)),
    /** EDX:EAX = the requested-feature bitmap, RBX = the area. */
    regs: (rax: number) => ({ [RAX]: BigInt(rax), [RDX]: 0n, [RBX]: BigInt(AREA) }),
  };
}
