// System instructions in 32-bit code (compatibility mode) whose operands
// differ from 64-bit mode: SGDT/SIDT/LGDT/LIDT take 6 bytes (a 32-bit base),
// INVLPG/CLFLUSH/INVPCID address through the segments, MOV CR/DR move 32 bits
// (SDM Vol. 2 entries, "Compatibility Mode" and the non-64-bit operand forms).
import { Vector } from '../../arch/vectors.js';
import { CR0_PG } from '../../arch/control-registers.js';
import type { Handler } from '../context.js';
import { compatOffset, compatOperandAt, defaultSegment } from '../compat-segments.js';
import { readControlRegister, writeControlRegister, debugRegisterIndex, writeDebugRegister } from '../control-registers.js';
import { checkGeneralDetect } from '../debug.js';
import { setTableRegister, storeTableRegister } from './descriptor-tables.js';
import { invalidateByDescriptor } from './processor-state.js';

/**
 * SGDT/SIDT m16&32: the limit and the full 32-bit base (the low half of a
 * base above 4 GiB), whatever the operand size (SDM SGDT: "Full 32-bit base
 * address stored"); the 6 bytes are limit-checked against the segment first,
 * then stored as in 64-bit mode (descriptor-tables.ts storeTableRegister).
 */
const storeTable = (idt: boolean): Handler => (c, i) => {
  const a = compatOperandAt(c, i, 0, 6, true);
  storeTableRegister(c, a, (a + 2) >>> 0, idt ? c.idtrLimit : c.gdtrLimit, (idt ? c.idtrBase : c.gdtrBase) | 0, 0, 4);
};
export const compatSgdt = storeTable(false);
export const compatSidt = storeTable(true);

/** LGDT/LIDT m16&32: a 32-bit base, or 24 bits with a 16-bit operand size (SDM LGDT); bits 63:32 cleared. */
const loadTable = (idt: boolean): Handler => (c, i) => {
  const a = compatOperandAt(c, i, 0, 6, false);
  const limit = c.mmu.read16(a);
  const base = c.mmu.read32((a + 2) >>> 0) >>> 0;
  setTableRegister(c, idt, i.opSize === 2 ? base & 0xffffff : base, limit);
};
export const compatLgdt = loadTable(false);
export const compatLidt = loadTable(true);

/** INVLPG m: the linear address is segment base + offset; it never faults on the operand (SDM INVLPG). */
export const compatInvlpg: Handler = (c, i) => {
  c.invalidatePage((c.segBase[defaultSegment(i)]! + compatOffset(c, i)) >>> 0);
};

/** CLFLUSH m8: the permission checks and faults of a byte load (SDM CLFLUSH), segment checks included. */
export const compatClflush: Handler = (c, i) => { c.mmu.probeRead(compatOperandAt(c, i, 0, 1, false), 1); };

/** INVPCID r32, m128: the type is a 32-bit register outside 64-bit mode. */
export const compatInvpcid: Handler = (c, i) => {
  const type = c.regLo[i.reg]! >>> 0;
  if (type > 3) c.raise(Vector.GP, 0);
  invalidateByDescriptor(c, type, compatOperandAt(c, i, 0, 16, false));
};

/**
 * MOV CR/DR outside 64-bit mode move 32 bits, and a write zeroes the
 * register's upper half (SDM MOV CR, MOV DR). Clearing CR0.PG here leaves
 * IA-32e mode for legacy protected mode, which the model does not have.
 */
export const compatMovFromCr: Handler = (c, i) => {
  readControlRegister(c, i.reg);
  c.setReg(4, i.rm, c.ops.lo[0]!, 0);
};
export const compatMovToCr: Handler = (c, i) => {
  const v = c.regLo[i.rm]!;
  if (i.reg === 0 && !(v & CR0_PG)) c.emulationFailure('MOV to CR0 clearing PG in compatibility mode (leaving IA-32e mode) is not implemented');
  writeControlRegister(c, i.reg, v, 0);
  c.invalidateFetch();
};
export const compatMovFromDr: Handler = (c, i) => {
  checkGeneralDetect(c);
  c.setReg(4, i.rm, Number(c.dr[debugRegisterIndex(c, i.reg)]! & 0xffffffffn) | 0, 0);
};
export const compatMovToDr: Handler = (c, i) => {
  checkGeneralDetect(c);
  writeDebugRegister(c, debugRegisterIndex(c, i.reg), c.regLo[i.rm]!, 0);
};
