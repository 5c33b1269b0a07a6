// The interpreter tier's binding of every executor the table names
// (isa/executors.ts) to its code, and of a decoded instruction to the handler
// it runs: legality first (Insn.invalid, pending rows, features, the
// state-dependent checks of legality.ts), then the executor's binder.
import type { ExecutorName } from '../../isa/executors.js';
import type { FeatureName } from '../../isa/features.js';
import type { Insn } from '../../isa/insn.js';
import { rowById } from '../../isa/opcodes.js';
import type { OpcodeRow } from '../../isa/table.js';
import type { Handler } from '../context.js';
import { checkExceptionClass, withLegality } from '../legality.js';
import { always, type Binder, type RowBinder } from './binding.js';
import { bindAlu, bindIncDec, neg, not } from './alu.js';
import { mul, imul1, bindImul, div, idiv } from './muldiv.js';
import { bindShift, shld, shrd } from './shift.js';
import { bt, bsf, bsr, tzcnt, lzcnt, popcnt } from './bits.js';
import { adcx, adox } from './adx.js';
import { movdir64b } from './direct-stores.js';
import { bindMov, bindMovzx, bindMovsx, bindLea, xchg, bswap, movbe, cmpxchg, cmpxchg8b, xadd, cmov, setcc, movToSeg, movFromSeg } from './move.js';
import { clc, stc, cmc, cld, std, lahf, sahf, cbw, cwd, xlat } from './flags-and-accumulator.js';
import { bindPush, bindPop, pushSeg, popSeg, pushf, popf, enter, leave } from './stack-ops.js';
import { bindJcc, bindJmp, bindCall, bindRet, loop, jrcxz, int, int3, int1, iret } from './control.js';
import { jmpFar, callFar, retFar, loadFarPointer } from './far.js';
import { movs, cmps, stos, lods, scas, ins, outs } from './string.js';
import * as sys from './system.js';
import * as fast from './fast-calls.js';
import { lar, lsl, verify } from './segment-query.js';
import { sgdt, sidt, lgdt, lidt, sldt, str, lldt, ltr } from './descriptor-tables.js';
import { rdSegBase, wrSegBase, rdpid, invpcid } from './processor-state.js';
import { monitor } from './monitor.js';
import { compatHandler } from './compat.js';
import { hypercall } from '../host-calls.js';
import * as sseMove from './sse-move.js';
import * as sse4 from './sse4-move.js';
import { bindVecInt, bindVecShiftImm } from './sse-int.js';
import { x87Arith, x87Compare, x87Unary } from './x87-arith.js';
import { x87Load, x87Store, x87Const, x87Stack, fcmov } from './x87-move.js';
import { x87Trans } from './x87-trans.js';
import { x87Control, x87Env, fwait } from './x87-control.js';
import { fxsave, fxrstor } from './fxsave.js';
import { xsave, xsaveopt, xsavec, xsaves, xgetbv, xsetbv } from './xsave.js';
import { xrstor, xrstors } from './xrstor.js';
import { bindMmxInt, bindMmxShiftImm, mmxMov, emms } from './mmx.js';
import * as mmxMore from './mmx-more.js';
import { bindMmxPair, bindMmxUnpackHigh } from './mmx-more.js';
import { bindComis, bindDp, bindVecApprox, bindVecFp, bindVecFpCmp, bindVecRound } from './sse-fp.js';
import { bindVecCvt } from './sse-cvt.js';
import { crc32 } from './crc32.js';
import { bindPcmpstr } from './sse42-string.js';

/** Every executor name bound: the type makes a missing one a compile error. */
const EXECUTORS: { readonly [K in ExecutorName]: RowBinder } = {
  alu: bindAlu, incdec: bindIncDec, neg: always(neg), not: always(not),
  mul: always(mul), imul1: always(imul1), imul: bindImul, div: always(div), idiv: always(idiv),
  shift: bindShift, shld: always(shld), shrd: always(shrd),
  bt: always(bt), bsf: always(bsf), bsr: always(bsr), tzcnt: always(tzcnt), lzcnt: always(lzcnt), popcnt: always(popcnt), adcx: always(adcx), adox: always(adox), movdir64b: always(movdir64b),
  bswap: always(bswap),
  mov: bindMov, movzx: bindMovzx, movsx: bindMovsx, lea: bindLea, movbe: always(movbe),
  xchg: always(xchg), cmpxchg: always(cmpxchg), cmpxchg8b: always(cmpxchg8b), xadd: always(xadd),
  cmov: always(cmov), setcc: always(setcc), cbw: always(cbw), cwd: always(cwd), xlat: always(xlat),
  lahf: always(lahf), sahf: always(sahf), clc: always(clc), stc: always(stc), cmc: always(cmc), cld: always(cld), std: always(std),
  movToSeg: always(movToSeg), movFromSeg: always(movFromSeg),
  push: bindPush, pop: bindPop, pushSeg: always(pushSeg), popSeg: always(popSeg), pushf: always(pushf), popf: always(popf),
  enter: always(enter), leave: always(leave),
  jcc: bindJcc, jmp: bindJmp, call: bindCall, ret: bindRet, loop: always(loop), jrcxz: always(jrcxz),
  jmpFar: always(jmpFar), callFar: always(callFar), retFar: always(retFar), loadFarPointer: always(loadFarPointer),
  int: always(int), int3: always(int3), int1: always(int1), iret: always(iret),
  movs: always(movs), cmps: always(cmps), stos: always(stos), lods: always(lods), scas: always(scas), ins: always(ins), outs: always(outs),
  in: always(sys.inPort), out: always(sys.outPort),
  hlt: always(sys.hlt), cli: always(sys.cli), sti: always(sys.sti),
  lar: always(lar), lsl: always(lsl), verify: always(verify),
  sldt: always(sldt), str: always(str), lldt: always(lldt), ltr: always(ltr),
  sgdt: always(sgdt), sidt: always(sidt), lgdt: always(lgdt), lidt: always(lidt),
  smsw: always(sys.smsw), lmsw: always(sys.lmsw), clts: always(sys.clts),
  movFromCr: always(sys.movFromCr), movToCr: always(sys.movToCr), movFromDr: always(sys.movFromDr), movToDr: always(sys.movToDr),
  invlpg: always(sys.invlpg), wbinvd: always(sys.nop), clflush: always(sys.clflush),
  clac: always(sys.clac), stac: always(sys.stac), rdpkru: always(sys.rdpkru), wrpkru: always(sys.wrpkru), swapgs: always(sys.swapgs),
  syscall: always(fast.syscall), sysret: always(fast.sysret), sysenter: always(fast.sysenter), sysexit: always(fast.sysexit),
  hypercall: always(hypercall), rdmsr: always(sys.rdmsr), wrmsr: always(sys.wrmsr), rdtsc: always(sys.rdtsc), rdtscp: always(sys.rdtscp), rdpmc: always(sys.rdpmc),
  rdSegBase: always(rdSegBase), wrSegBase: always(wrSegBase), rdpid: always(rdpid), invpcid: always(invpcid), monitor: always(monitor),
  cpuid: always(sys.cpuid), ud2: always(sys.ud2),
  nop: always(sys.nop), ud: always(sys.ud), tooLong: always(sys.tooLong), pending: always(sys.pending),
  movVec: sseMove.bindMovVec, movScalar: always(sseMove.movScalar), movHalf: always(sseMove.movHalf),
  movGprXmm: always(sseMove.movGprXmm), movqXmm: always(sseMove.movqXmm), movmsk: always(sseMove.movmsk),
  pinsrw: always(sseMove.pinsrw), pextrw: always(sseMove.pextrw), vecInt: bindVecInt, vecShiftImm: bindVecShiftImm,
  ldmxcsr: always(sseMove.ldmxcsr), stmxcsr: always(sseMove.stmxcsr),
  vecApprox: bindVecApprox, crc32: always(crc32), pcmpstr: bindPcmpstr, vecFp: bindVecFp, vecFpCmp: bindVecFpCmp, comis: bindComis, vecRound: bindVecRound, dp: bindDp, vecCvt: bindVecCvt,
  maskmovdqu: always(sseMove.maskmovdqu), pextr: always(sse4.pextr), pinsr: always(sse4.pinsr), insertps: always(sse4.insertps), ptest: always(sse4.ptest),
  x87Arith: always(x87Arith), x87Compare: always(x87Compare), x87Load: always(x87Load), x87Store: always(x87Store),
  x87Unary: always(x87Unary), x87Const: always(x87Const), x87Trans: always(x87Trans), x87Stack: always(x87Stack), x87Control: always(x87Control),
  x87Env: always(x87Env), fcmov: always(fcmov), fwait: always(fwait), fxsave: always(fxsave), fxrstor: always(fxrstor),
  xsave: always(xsave), xrstor: always(xrstor), xsaveopt: always(xsaveopt), xsavec: always(xsavec),
  xsaves: always(xsaves), xrstors: always(xrstors), xgetbv: always(xgetbv), xsetbv: always(xsetbv),
  mmxInt: bindMmxInt, mmxShiftImm: bindMmxShiftImm, mmxMov: always(mmxMov), emms: always(emms),
  mmxPair: bindMmxPair, mmxUnpackHigh: bindMmxUnpackHigh, pshufbMmx: always(mmxMore.pshufbMmx), palignrMmx: always(mmxMore.palignrMmx),
  pinsrwMmx: always(mmxMore.pinsrwMmx), mmxToGpr: always(mmxMore.mmxToGpr), movntq: always(mmxMore.movntq),
  maskmovq: always(mmxMore.maskmovq), mmxSse: always(mmxMore.mmxSse),
};

/** Per row: its binder, with the legality checks wrapped around each handler it picks (built once per row). */
const rowBinders = new WeakMap<OpcodeRow, Binder>();

function binderFor(row: OpcodeRow): Binder {
  let b = rowBinders.get(row);
  if (!b) {
    const inner = EXECUTORS[row.executor](row);
    const wrapped = new Map<Handler, Handler>();
    b = (i, specialise) => {
      const h = inner(i, specialise);
      let w = wrapped.get(h);
      if (!w) wrapped.set(h, (w = withLegality(row, h)));
      return w;
    };
    rowBinders.set(row, b);
  }
  return b;
}

/** A pending row runs its exception-class checks, then ends in emulation-failure. */
const pendingRow = (row: OpcodeRow): Handler => (c, i) => {
  checkExceptionClass(c, row.exceptionClass);
  sys.pending(c, i);
};
const pendingHandlers = new WeakMap<OpcodeRow, Handler>();

/**
 * The handler of a decoded instruction on a vCPU with `features`. `specialise`
 * is false on the reference path (generic handlers only).
 */
export function bindInstruction(i: Insn, features: ReadonlySet<FeatureName>, specialise: boolean): Handler {
  if (i.invalid) return sys.ud;
  let row = i.row;
  if (i.compat && !row.pending && (row.feature === undefined || features.has(row.feature))) {
    // 32-bit code (compatibility mode): its own handlers, or emulation-failure (exec/compat.ts).
    const own = compatHandler(i);
    if (own) return withLegality(row, own);
  }
  if (row.pending) {
    let h = pendingHandlers.get(row);
    if (!h) pendingHandlers.set(row, (h = pendingRow(row)));
    return h;
  }
  if (row.feature !== undefined && !features.has(row.feature)) {
    if (row.absent === undefined) return sys.ud;
    row = rowById(row.absent);
  }
  return binderFor(row)(i, specialise);
}

