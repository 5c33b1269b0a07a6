// 32-bit code in compatibility mode (CS.L = 0, CS.D = 1; SDM Vol. 3A §5.2.1,
// APM Vol. 2 §1.2.2): which executors run it unchanged, the handlers that
// differ from their 64-bit form (the stack is ESP in SS, near branches go to
// EIP and check the CS limit, LEA's 16/32-bit offsets), and the rows not
// implemented for it, which end in emulation-failure. Chosen when the
// instruction is decoded (Insn.compat), so 64-bit code pays nothing.
import { Vector } from '../../arch/vectors.js';
import { RAX, RBP, RBX, RCX, RSP, SEG_CS, SEG_DS, SEG_ES, SEG_SS } from '../../arch/registers.js';
import { RF, VM } from '../../arch/rflags.js';
import { popFlags } from './stack-ops.js';
import type { ExecutorName } from '../../isa/executors.js';
import type { Insn } from '../../isa/insn.js';
import { Attr } from '../../isa/table.js';
import type { ExecContext, Handler } from '../context.js';
import { condition } from '../lazy-flags.js';
import { deliverEvent } from '../delivery.js';
import { loadOperand, storeOperand } from '../operands.js';
import { loadSegmentRegister } from '../segmentation.js';
import { ATTR_DB } from '../../arch/descriptors.js';
import {
  compatAdjustStack, compatOffset, compatPeek, compatPush, segmentLinear, stackPointer, setStackPointer,
} from '../compat-segments.js';
import { compatArpl, compatBtMem, compatEnter, compatLoadFarPointer, compatMovFromSegMem, compatPopSeg, compatPushSeg } from './compat-misc.js';
import { compatCallFar, compatCallPtr, compatJmpFar, compatJmpPtr, compatRetFar } from './compat-far.js';
import { compatIret } from './compat-iret.js';
import { aaa, aad, aam, aas, daa, das, salc } from './compat-bcd.js';
import {
  compatFxrstor, compatFxsave, compatX87Env, compatXrstor, compatXrstors, compatXsave, compatXsavec, compatXsaveopt, compatXsaves,
} from './compat-x87.js';
import {
  compatClflush, compatInvlpg, compatInvpcid, compatLgdt, compatLidt, compatMovFromCr, compatMovFromDr, compatMovToCr,
  compatMovToDr, compatSgdt, compatSidt,
} from './compat-system.js';
import { compatCmps, compatIns, compatLods, compatMovs, compatOuts, compatScas, compatStos } from './compat-string.js';

/**
 * Executors whose 64-bit handlers are exact for 32-bit code: they use only
 * registers, the operand stage and effectiveAddress (which applies the
 * segments to Insn.compat instructions), or nothing of memory at all.
 */
const UNCHANGED: ReadonlySet<ExecutorName> = new Set<ExecutorName>([
  'alu', 'incdec', 'neg', 'not', 'mul', 'imul1', 'imul', 'div', 'idiv', 'shift', 'shld', 'shrd',
  'bsf', 'bsr', 'tzcnt', 'lzcnt', 'popcnt', 'bswap', 'mov', 'movzx', 'movsx', 'movbe', 'xchg', 'cmpxchg',
  'xadd', 'cmov', 'setcc', 'cbw', 'cwd', 'lahf', 'sahf', 'clc', 'stc', 'cmc', 'cld', 'std',
  'int', 'int3', 'int1', 'in', 'out', 'hlt', 'cli', 'sti', 'syscall', 'rdmsr', 'wrmsr', 'hypercall', 'rdtsc', 'rdtscp',
  'cpuid', 'ud2', 'nop', 'ud', 'tooLong', 'pending', 'clac', 'stac', 'clts', 'wbinvd', 'rdpkru', 'wrpkru', 'rdpmc',
  'swapgs', 'rdSegBase', 'wrSegBase', 'cmpxchg8b',
  // Selector and MSW operands are 16-bit Ew through the operand stage; LLDT/LTR read 16-byte system
  // descriptors in all of IA-32e mode, LAR/LSL/VERR/VERW know the same types (SDM Vol. 3A §5.2.1).
  'sldt', 'str', 'lldt', 'ltr', 'smsw', 'lmsw', 'lar', 'lsl', 'verify',
  // RDPID r32 zero-extends as RDPID r64 does; SYSRET (AMD; Intel #UD in legality.ts) to compatibility
  // mode without REX.W; SYSENTER/SYSEXIT (Intel; AMD #UD in long mode) as from 64-bit mode.
  'rdpid', 'sysret', 'sysenter', 'sysexit',
  // MONITOR applies the segment itself in 32-bit code (exec/monitor.ts).
  'monitor',
  // SSE: XMM operands and memory through effectiveAddress (the segmented path checks Insn.memSize bytes)
  'movVec', 'movScalar', 'movHalf', 'movGprXmm', 'movqXmm', 'movmsk', 'pinsrw', 'pextrw', 'vecInt', 'vecShiftImm',
  'ldmxcsr', 'stmxcsr', 'pextr', 'pinsr', 'insertps', 'ptest',
  'vecFp', 'vecFpCmp', 'comis', 'vecRound', 'dp', 'vecCvt', 'crc32', 'pcmpstr', 'vecApprox',
  // x87 and MMX with sized operands (memory through the segmented effective address; FIP = EIP and
  // FCS, FDP = the offset and its segment's selector, x87-core.ts); the environment and state-save
  // instructions have their own (compat-x87.ts: the whole area checked first).
  'x87Arith', 'x87Compare', 'x87Load', 'x87Store', 'x87Unary', 'x87Trans', 'x87Const', 'x87Stack', 'x87Control', 'fcmov', 'fwait',
  'mmxInt', 'mmxShiftImm', 'mmxMov', 'emms', 'mmxPair', 'mmxUnpackHigh', 'pshufbMmx', 'palignrMmx', 'pinsrwMmx', 'mmxToGpr',
  'movntq', 'mmxSse',
  // XGETBV, XSETBV: registers only (the XSAVE family's memory forms are in compat-x87.ts)
  'xgetbv', 'xsetbv',
]);

/** The new EIP of a near branch: wrapped to the operand size, then checked against the CS limit (#GP(0); SDM JMP, Jcc, CALL, RET). */
function checkedEip(c: ExecContext, i: Insn, target: number): number {
  const eip = i.opSize === 2 ? target & 0xffff : target >>> 0;
  if (eip > c.segLimit[SEG_CS]!) c.raise(Vector.GP, 0);
  return eip;
}

function nearTarget(c: ExecContext, i: Insn): number {
  if (i.row.operands[0]!.kind === 'J') return c.rip + i.imm;
  loadOperand(c, i, 0);
  return c.ops.lo[0]!;
}

const jcc: Handler = (c, i) => { if (condition(c, i.param)) c.rip = checkedEip(c, i, c.rip + i.imm); };
const jmp: Handler = (c, i) => { c.rip = checkedEip(c, i, nearTarget(c, i)); };

/** CALL: the target is checked before the return address is pushed. */
const call: Handler = (c, i) => {
  const target = checkedEip(c, i, nearTarget(c, i));
  compatPush(c, i.opSize, c.rip);
  c.rip = target;
};

/** RET / RET imm16: the return EIP is checked before the stack pointer moves. */
const ret: Handler = (c, i) => {
  const s = i.opSize;
  const target = checkedEip(c, i, compatPeek(c, s, 0));
  compatAdjustStack(c, s + (i.row.operands.length ? i.imm & 0xffff : 0));
  c.rip = target;
};

const push: Handler = (c, i) => {
  loadOperand(c, i, 0);
  compatPush(c, i.opSize, c.ops.lo[0]!);
};

/** POP: the stack pointer moves before the destination's address is computed (SDM POP), and back if the store faults. */
const pop: Handler = (c, i) => {
  const v = compatPeek(c, i.opSize, 0);
  const lo = c.regLo[RSP]!, hi = c.regHi[RSP]!;
  compatAdjustStack(c, i.opSize);
  c.ops.lo[0] = v; c.ops.hi[0] = 0;
  if (!i.isMem) { storeOperand(c, i, 0); return; }
  try { storeOperand(c, i, 0); } catch (e) { c.regLo[RSP] = lo; c.regHi[RSP] = hi; throw e; }
};

/** LEA: the 16- or 32-bit offset, truncated or zero-extended to the operand size. */
const lea: Handler = (c, i) => c.setReg(i.opSize, i.reg, compatOffset(c, i), 0);

/** MOV Sreg: outside 64-bit mode a null SS is #GP(0) at any CPL (SDM MOV); the rest is the common load. */
const movToSeg: Handler = (c, i) => {
  loadOperand(c, i, 1);
  const sel = c.ops.lo[1]! & 0xffff;
  if ((i.reg & 7) === SEG_SS && (sel & ~3) === 0) c.raise(Vector.GP, 0);
  loadSegmentRegister(c, i.reg & 7, sel);
};

/** PUSH ES/CS/SS/DS (06 0E 16 1E): the selector zero-extended to the operand size, as PUSH FS/GS (stack-ops.ts). */
const pushSreg = (seg: number): Handler => (c, i) => compatPush(c, i.opSize, c.segSel[seg]!);

/** POP ES/SS/DS (07 17 1F): the segment load's checks (a null SS: #GP(0)) before the stack pointer moves. */
const popSreg = (seg: number): Handler => (c, i) => {
  const sel = compatPeek(c, i.opSize, 0) & 0xffff;
  if (seg === SEG_SS && (sel & ~3) === 0) c.raise(Vector.GP, 0);
  loadSegmentRegister(c, seg, sel);
  compatAdjustStack(c, i.opSize);
};

/** PUSHA/PUSHAD (60): EAX ECX EDX EBX, the original ESP, EBP ESI EDI; every slot checked before anything is written. */
const pusha: Handler = (c, i) => {
  const s = i.opSize, sp = stackPointer(c);
  const wrap = (v: number) => (c.segAttr[SEG_SS]! & ATTR_DB) ? v >>> 0 : v & 0xffff;
  const at: number[] = [];
  for (let k = 1; k <= 8; k++) at.push(segmentLinear(c, SEG_SS, wrap(sp - k * s), s, true));
  for (const a of at) c.mmu.probeWrite(a, s);
  for (let r = 0; r < 8; r++) c.mmu.write(s, at[r]!, r === RSP ? sp : c.regLo[r]!, 0);
  setStackPointer(c, wrap(sp - 8 * s));
};

/** POPA/POPAD (61): EDI ESI EBP (ESP skipped) EBX EDX ECX EAX; every slot read before a register changes. */
const popa: Handler = (c, i) => {
  const s = i.opSize;
  const v: number[] = [];
  for (let k = 0; k < 8; k++) v.push(compatPeek(c, s, k * s));
  for (let r = 0; r < 8; r++) if (r !== RSP) c.setReg(s, r, v[7 - r]!, 0);
  compatAdjustStack(c, 8 * s);
};

/** INTO (CE): with OF = 1, #OF as a software interrupt (the gate's DPL is checked, as for INT n; SDM INTO). */
const into: Handler = (c) => { if (condition(c, 0)) deliverEvent(c, Vector.OF, false, 0, true, c.rip); };

/**
 * BOUND Gv, Ma (62): the signed index against the lower and upper bounds at
 * the memory operand (two words or dwords); outside them #BR, a fault (SDM
 * BOUND). The register form is #UD (62 with mod = 3 is EVEX elsewhere).
 */
const bound: Handler = (c, i) => {
  if (!i.isMem) c.raise(Vector.UD);
  const s = i.opSize, seg = i.seg >= 0 ? i.seg : (i.base === RSP || i.base === 5 ? SEG_SS : SEG_DS);
  const a = segmentLinear(c, seg, compatOffset(c, i), 2 * s, false);
  const sx = (v: number) => (s === 2 ? (v << 16) >> 16 : v | 0);
  const lower = sx(c.mmu.read(s, a)), upper = sx(c.mmu.read(s, (a + s) >>> 0));
  const index = sx(c.regLo[i.reg]!);
  if (index < lower || index > upper) c.raise(Vector.BR);
};

/** PUSHF/PUSHFD: RF and VM pushed as 0 (SDM PUSHF). */
const pushf: Handler = (c, i) => compatPush(c, i.opSize, c.getRflags() & ~(RF | VM));
/** POPF/POPFD: the privilege rules of stack-ops.ts popFlags. */
const popf: Handler = (c, i) => {
  const v = compatPeek(c, i.opSize, 0);
  compatAdjustStack(c, i.opSize);
  popFlags(c, v, i.opSize);
};

/** LEAVE: ESP = EBP (SP = BP with SS.B = 0), then POP EBP; a fault leaves ESP as it was. */
const leave: Handler = (c, i) => {
  const lo = c.regLo[RSP]!, hi = c.regHi[RSP]!;
  setStackPointer(c, c.regLo[RBP]!);
  try {
    const v = compatPeek(c, i.opSize, 0);
    compatAdjustStack(c, i.opSize);
    c.setReg(i.opSize, RBP, v, 0);
  } catch (e) { c.regLo[RSP] = lo; c.regHi[RSP] = hi; throw e; }
};

/** LOOPcc: ECX (CX with 67) decremented, then the branch (checked against the CS limit); param 0 LOOPNE, 1 LOOPE, 2 LOOP. */
const loop: Handler = (c, i) => {
  let n: number;
  if (i.addrSize === 2) { n = (c.regLo[RCX]! - 1) & 0xffff; c.setReg(2, RCX, n, 0); }
  else { n = (c.regLo[RCX]! - 1) | 0; c.setReg(4, RCX, n, 0); }
  const zf = c.fZ === 0;
  if (n !== 0 && (i.param === 2 || (i.param === 1 ? zf : !zf))) c.rip = checkedEip(c, i, c.rip + i.imm);
};

/** XLAT: AL = [DS:EBX + AL] (BX + AL with 67, wrapped at 2^16), the segment overridable (SDM XLAT). */
const xlat: Handler = (c, i) => {
  const off = i.addrSize === 2 ? (c.regLo[RBX]! + (c.regLo[RAX]! & 0xff)) & 0xffff : (c.regLo[RBX]! + (c.regLo[RAX]! & 0xff)) >>> 0;
  c.setReg(1, RAX, c.mmu.read8(segmentLinear(c, i.seg >= 0 ? i.seg : SEG_DS, off, 1, false)), 0);
};

/** JECXZ (JCXZ with 67). */
const jecxz: Handler = (c, i) => {
  if ((i.addrSize === 2 ? c.regLo[RCX]! & 0xffff : c.regLo[RCX]!) === 0) c.rip = checkedEip(c, i, c.rip + i.imm);
};

const I64_OWN: Record<string, Handler> = {
  Invalid_CE: into, Invalid_62: bound,
  Invalid_06: pushSreg(SEG_ES), Invalid_0E: pushSreg(SEG_CS), Invalid_16: pushSreg(SEG_SS), Invalid_1E: pushSreg(SEG_DS),
  Invalid_07: popSreg(SEG_ES), Invalid_17: popSreg(SEG_SS), Invalid_1F: popSreg(SEG_DS),
  Invalid_60: pusha, Invalid_61: popa,
  Invalid_27: daa, Invalid_2F: das, Invalid_37: aaa, Invalid_3F: aas, Invalid_D4: aam, Invalid_D5: aad, Invalid_D6: salc,
};

const OWN: Partial<Record<ExecutorName, Handler>> = {
  jcc, jmp, call, ret, push, pop, lea, movToSeg, pushf, popf, leave, loop, jrcxz: jecxz, xlat,
  iret: compatIret, jmpFar: compatJmpFar, callFar: compatCallFar, retFar: compatRetFar,
  pushSeg: compatPushSeg, popSeg: compatPopSeg, enter: compatEnter, loadFarPointer: compatLoadFarPointer,
  movs: compatMovs, stos: compatStos, lods: compatLods, cmps: compatCmps, scas: compatScas, ins: compatIns, outs: compatOuts,
  x87Env: compatX87Env, fxsave: compatFxsave, fxrstor: compatFxrstor,
  xsave: compatXsave, xsaveopt: compatXsaveopt, xsavec: compatXsavec, xsaves: compatXsaves, xrstor: compatXrstor, xrstors: compatXrstors,
  sgdt: compatSgdt, sidt: compatSidt, lgdt: compatLgdt, lidt: compatLidt, invlpg: compatInvlpg, clflush: compatClflush,
  invpcid: compatInvpcid, movFromCr: compatMovFromCr, movToCr: compatMovToCr, movFromDr: compatMovFromDr, movToDr: compatMovToDr,
};

const failures = new Map<string, Handler>();
function notImplemented(i: Insn, what: string): Handler {
  const message = `${i.row.mnemonic} (${i.row.id}) ${what} in 32-bit code (compatibility mode) is not implemented`;
  let h = failures.get(message);
  if (!h) failures.set(message, (h = (c) => c.emulationFailure(message)));
  return h;
}

/**
 * The handler of a valid instruction decoded as 32-bit code: its own (OWN),
 * `undefined` for the common binding (UNCHANGED executors), or emulation-failure.
 */
export function compatHandler(i: Insn): Handler | undefined {
  const row = i.row;
  const i64 = I64_OWN[row.id];
  if (i64) return i64;
  if (row.id === 'Invalid_EA') return compatJmpPtr;
  if (row.id === 'Invalid_9A') return compatCallPtr;
  if (row.id === 'Movsxd_Gv_Ed') return compatArpl; // 63 is ARPL Ew, Gw outside 64-bit mode
  // Rows that exist only outside 64-bit mode (SDM Vol. 2 Appendix A "i64").
  if (row.attrs & Attr.I64) {
    return notImplemented(i, 'as an instruction valid only outside 64-bit mode');
  }
  const own = OWN[row.executor];
  if (own) return own;
  if ((row.executor === 'bt' || row.executor === 'movFromSeg') && !i.isMem) return undefined;
  if (row.executor === 'movFromSeg') return compatMovFromSegMem;
  if (row.executor === 'bt') return compatBtMem;
  if (UNCHANGED.has(row.executor)) return undefined;
  return notImplemented(i, '');
}
