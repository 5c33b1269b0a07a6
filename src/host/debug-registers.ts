// The guest's debug registers as the host sees them (KVM_GET/SET_DEBUGREGS):
// DR0-DR3, DR6, DR7. These are the guest's own breakpoints (its #DB handling);
// host debugging that the guest cannot see is a separate facility.
import type { Cpu } from '../cpu/cpu.js';
import { debugRegisterValue } from '../cpu/control-registers.js';

export interface DebugRegs {
  /** DR0-DR3: breakpoint linear addresses. */
  db: [bigint, bigint, bigint, bigint];
  dr6: bigint;
  dr7: bigint;
}

export function getDebugRegs(cpu: Cpu): DebugRegs {
  const d = cpu.dr;
  return { db: [d[0]!, d[1]!, d[2]!, d[3]!], dr6: d[6]!, dr7: d[7]! };
}

/**
 * As KVM_SET_DEBUGREGS: DR6/DR7 with a non-zero upper half are refused (KVM answers
 * EINVAL), their fixed bits are forced as MOV DR does (SDM §17.2.3, §17.2.4); the
 * breakpoints take effect at the next run.
 */
export function setDebugRegs(cpu: Cpu, regs: Partial<DebugRegs>): void {
  for (const [name, v] of [['dr6', regs.dr6], ['dr7', regs.dr7]] as const) {
    if (v !== undefined && (v >> 32n) !== 0n) throw new RangeError(`setDebugRegs: ${name} = 0x${v.toString(16)} has bits above 31 set`);
  }
  regs.db?.forEach((v, n) => { cpu.dr[n] = BigInt.asUintN(64, v); });
  if (regs.dr6 !== undefined) cpu.dr[6] = debugRegisterValue(6, Number(regs.dr6));
  if (regs.dr7 !== undefined) cpu.dr[7] = debugRegisterValue(7, Number(regs.dr7));
}
