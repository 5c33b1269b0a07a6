// THE opcode table: one row per instruction form, read by the decoder, the
// disassembler, the interpreter and the test generators. Operand letters follow
// SDM Vol. 2 Appendix A (destination first); flag letters are o s z a p c d.
import { row, type AttSyntax, type OpcodeRow } from './table.js';
import { CONDITION_NAMES } from './flags.js';
import { SEG_FS, SEG_GS } from './insn.js';
import { ADD, OR, ADC, SBB, AND, SUB, XOR, CMP, TEST, ALU_NAMES, aluEG, aluGE, aluEI, incDec, neg, not } from './handlers/alu.js';
import * as mv from './handlers/move.js';
import { fastAlu, fastMovEG, fastMovGE, fastMovImm, fastPush, fastPop, fastJcc, fastJmp, fastCall, fastRet } from './handlers/fast.js';
import * as st from './handlers/stack.js';
import * as ctl from './handlers/control.js';
import * as sys from './handlers/system.js';
import * as seg from './handlers/segments.js';
import * as md from './handlers/muldiv.js';
import * as sh from './handlers/shift.js';
import * as bits from './handlers/bits.js';
import * as str from './handlers/string.js';

const rows: OpcodeRow[] = [];
const add = (r: OpcodeRow) => { rows.push(r); };
const hex = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');
const CC = CONDITION_NAMES;
const CC_TEST = ['o', 'o', 'c', 'c', 'z', 'z', 'cz', 'cz', 's', 's', 'p', 'p', 'so', 'so', 'zso', 'zso'];

// ---- ALU: 00-3D, 80-83 ----------------------------------------------------
for (const op of [ADD, OR, ADC, SBB, AND, SUB, XOR, CMP]) {
  const m = ALU_NAMES[op]!;
  const M = m[0]!.toUpperCase() + m.slice(1);
  const logic = op === AND || op === OR || op === XOR;
  const f = { test: op === ADC || op === SBB ? 'c' : '', set: 'oszapc', undef: logic ? 'a' : '' };
  const lock = op === CMP ? '' : 'lock';
  const b = op * 8;
  add(row(`${M}_Eb_Gb`, hex(b), m, 'Eb,Gb', aluEG(op, true), { ...f, attrs: lock }));
  add(row(`${M}_Ev_Gv`, hex(b + 1), m, 'Ev,Gv', aluEG(op, false), { ...f, attrs: lock, fast: fastAlu(op, 'EG') }));
  add(row(`${M}_Gb_Eb`, hex(b + 2), m, 'Gb,Eb', aluGE(op, true), f));
  add(row(`${M}_Gv_Ev`, hex(b + 3), m, 'Gv,Ev', aluGE(op, false), { ...f, fast: fastAlu(op, 'GE') }));
  add(row(`${M}_AL_Ib`, hex(b + 4), m, 'AL,Ib', aluEI(op, true), f));
  add(row(`${M}_rAX_Iz`, hex(b + 5), m, 'rAX,Iz', aluEI(op, false), { ...f, fast: fastAlu(op, 'EI') }));
  add(row(`${M}_Eb_Ib`, `80 /${op}`, m, 'Eb,Ib', aluEI(op, true), { ...f, attrs: lock }));
  add(row(`${M}_Ev_Iz`, `81 /${op}`, m, 'Ev,Iz', aluEI(op, false), { ...f, attrs: lock, fast: fastAlu(op, 'EI') }));
  add(row(`${M}_Ev_Ibs`, `83 /${op}`, m, 'Ev,Ibs', aluEI(op, false), { ...f, attrs: lock, fast: fastAlu(op, 'EI') }));
}
add(row('Test_Eb_Gb', '84', 'test', 'Eb,Gb', aluEG(TEST, true), { set: 'oszapc', undef: 'a' }));
add(row('Test_Ev_Gv', '85', 'test', 'Ev,Gv', aluEG(TEST, false), { set: 'oszapc', undef: 'a', fast: fastAlu(TEST, 'EG') }));
add(row('Test_AL_Ib', 'A8', 'test', 'AL,Ib', aluEI(TEST, true), { set: 'oszapc', undef: 'a' }));
add(row('Test_rAX_Iz', 'A9', 'test', 'rAX,Iz', aluEI(TEST, false), { set: 'oszapc', undef: 'a' }));

// Invalid in 64-bit mode (SDM Vol. 2 Appendix A.2.5 "i64").
for (const [op, m] of [[0x06, 'push'], [0x07, 'pop'], [0x0e, 'push'], [0x16, 'push'], [0x17, 'pop'], [0x1e, 'push'], [0x1f, 'pop'],
  [0x27, 'daa'], [0x2f, 'das'], [0x37, 'aaa'], [0x3f, 'aas'], [0x60, 'pusha'], [0x61, 'popa'], [0xce, 'into'], [0xd6, 'salc']] as const) {
  add(row(`Invalid_${hex(op)}`, hex(op), m, '', sys.ud, { attrs: 'i64' }));
}
add(row('Invalid_62', '62', 'bound', 'Gv,M', sys.ud, { attrs: 'i64' }));
add(row('Invalid_82', '82', '(bad)', '', sys.ud, { attrs: 'i64' }));
add(row('Invalid_9A', '9A', 'lcall', '', sys.ud, { attrs: 'i64' }));
add(row('Invalid_EA', 'EA', 'ljmp', '', sys.ud, { attrs: 'i64' }));
add(row('Invalid_D4', 'D4', 'aam', 'Ib', sys.ud, { attrs: 'i64' }));
add(row('Invalid_D5', 'D5', 'aad', 'Ib', sys.ud, { attrs: 'i64' }));
// C4/C5 are VEX prefixes in 64-bit mode; the model has no AVX, so they are #UD.
add(row('Vex3_C4', 'C4', '(bad)', '', sys.ud, {}));
add(row('Vex2_C5', 'C5', '(bad)', '', sys.ud, {}));

// ---- INC/DEC/NEG/NOT --------------------------------------------------------
add(row('Inc_Eb', 'FE /0', 'inc', 'Eb', incDec(false, true), { set: 'oszap', attrs: 'lock' }));
add(row('Dec_Eb', 'FE /1', 'dec', 'Eb', incDec(true, true), { set: 'oszap', attrs: 'lock' }));
add(row('Inc_Ev', 'FF /0', 'inc', 'Ev', incDec(false, false), { set: 'oszap', attrs: 'lock' }));
add(row('Dec_Ev', 'FF /1', 'dec', 'Ev', incDec(true, false), { set: 'oszap', attrs: 'lock' }));
add(row('Test_Eb_Ib', 'F6 /0', 'test', 'Eb,Ib', aluEI(TEST, true), { set: 'oszapc', undef: 'a' }));
add(row('Test_Eb_Ib_alias', 'F6 /1', 'test', 'Eb,Ib', aluEI(TEST, true), { set: 'oszapc', undef: 'a' }));
add(row('Not_Eb', 'F6 /2', 'not', 'Eb', not(true), { attrs: 'lock' }));
add(row('Neg_Eb', 'F6 /3', 'neg', 'Eb', neg(true), { set: 'oszapc', attrs: 'lock' }));
add(row('Test_Ev_Iz', 'F7 /0', 'test', 'Ev,Iz', aluEI(TEST, false), { set: 'oszapc', undef: 'a' }));
add(row('Test_Ev_Iz_alias', 'F7 /1', 'test', 'Ev,Iz', aluEI(TEST, false), { set: 'oszapc', undef: 'a' }));
add(row('Not_Ev', 'F7 /2', 'not', 'Ev', not(false), { attrs: 'lock' }));
add(row('Neg_Ev', 'F7 /3', 'neg', 'Ev', neg(false), { set: 'oszapc', attrs: 'lock' }));

// ---- MUL/IMUL/DIV/IDIV ---------------------------------------------------------
add(row('Mul_Eb', 'F6 /4', 'mul', 'Eb', md.mulE(true), { set: 'oszapc', undef: 'szap' }));
add(row('Imul_Eb', 'F6 /5', 'imul', 'Eb', md.imulE(true), { set: 'oszapc', undef: 'szap' }));
add(row('Div_Eb', 'F6 /6', 'div', 'Eb', md.divE(true), { set: 'oszapc', undef: 'oszapc' }));
add(row('Idiv_Eb', 'F6 /7', 'idiv', 'Eb', md.idivE(true), { set: 'oszapc', undef: 'oszapc' }));
add(row('Mul_Ev', 'F7 /4', 'mul', 'Ev', md.mulE(false), { set: 'oszapc', undef: 'szap' }));
add(row('Imul_Ev', 'F7 /5', 'imul', 'Ev', md.imulE(false), { set: 'oszapc', undef: 'szap' }));
add(row('Div_Ev', 'F7 /6', 'div', 'Ev', md.divE(false), { set: 'oszapc', undef: 'oszapc' }));
add(row('Idiv_Ev', 'F7 /7', 'idiv', 'Ev', md.idivE(false), { set: 'oszapc', undef: 'oszapc' }));
add(row('Imul_Gv_Ev', '0F AF', 'imul', 'Gv,Ev', md.imulGE, { set: 'oszapc', undef: 'szap' }));
add(row('Imul_Gv_Ev_Iz', '69', 'imul', 'Gv,Ev,Iz', md.imulGEI, { set: 'oszapc', undef: 'szap' }));
add(row('Imul_Gv_Ev_Ibs', '6B', 'imul', 'Gv,Ev,Ibs', md.imulGEI, { set: 'oszapc', undef: 'szap' }));

// ---- shifts and rotates ----------------------------------------------------------
for (const [enc, count, ops] of [['C0', 'imm', 'Eb,Ib'], ['C1', 'imm', 'Ev,Ib'], ['D0', 'one', 'Eb,1'], ['D1', 'one', 'Ev,1'], ['D2', 'cl', 'Eb,CL'], ['D3', 'cl', 'Ev,CL']] as const) {
  const byte = ops.startsWith('Eb');
  const names = ['rol', 'ror', 'rcl', 'rcr', 'shl', 'shr', 'sal', 'sar'];
  for (let n = 0; n < 8; n++) {
    const rot = n < 4;
    const flags = rot ? { test: n >= 2 ? 'c' : '', set: 'oc', undef: 'o' } : { set: 'oszapc', undef: 'oa' };
    add(row(`${names[n]}_${enc}`, `${enc} /${n}`, names[n]!, ops, sh.shiftGroup(byte, count), { ...flags, att: n === 6 ? { name: 'shl' } : {} }));
  }
}
add(row('Shld_Ev_Gv_Ib', '0F A4', 'shld', 'Ev,Gv,Ib', sh.shld(false), { set: 'oszapc', undef: 'oa' }));
add(row('Shld_Ev_Gv_CL', '0F A5', 'shld', 'Ev,Gv,CL', sh.shld(true), { set: 'oszapc', undef: 'oa' }));
add(row('Shrd_Ev_Gv_Ib', '0F AC', 'shrd', 'Ev,Gv,Ib', sh.shrd(false), { set: 'oszapc', undef: 'oa' }));
add(row('Shrd_Ev_Gv_CL', '0F AD', 'shrd', 'Ev,Gv,CL', sh.shrd(true), { set: 'oszapc', undef: 'oa' }));

// ---- bit operations -------------------------------------------------------------------
for (const [n, m, enc] of [[0, 'bt', 'A3'], [1, 'bts', 'AB'], [2, 'btr', 'B3'], [3, 'btc', 'BB']] as const) {
  add(row(`${m}_Ev_Gv`, `0F ${enc}`, m, 'Ev,Gv', bits.btG(n), { set: 'c', undef: 'osap', attrs: n ? 'lock' : '' }));
  add(row(`${m}_Ev_Ib`, `0F BA /${n + 4}`, m, 'Ev,Ib', bits.btI(n), { set: 'c', undef: 'osap', attrs: n ? 'lock' : '' }));
}
add(row('Bsf', '0F BC', 'bsf', 'Gv,Ev', bits.bsf, { set: 'oszapc', undef: 'osapc', att: { prefix66: true } }));
add(row('Bsr', '0F BD', 'bsr', 'Gv,Ev', bits.bsr, { set: 'oszapc', undef: 'osapc', att: { prefix66: true } }));
add(row('Tzcnt', 'p=F3 0F BC', 'tzcnt', 'Gv,Ev', bits.tzcnt, { set: 'oszapc', undef: 'osap' }));
add(row('Lzcnt', 'p=F3 0F BD', 'lzcnt', 'Gv,Ev', bits.lzcnt, { set: 'oszapc', undef: 'osap' }));
add(row('Popcnt', 'p=F3 0F B8', 'popcnt', 'Gv,Ev', bits.popcnt, { set: 'oszapc' }));
add(row('Bswap', '0F C8 +r', 'bswap', 'Zv', mv.bswap, {}));

// ---- data movement ------------------------------------------------------------------
add(row('Mov_Eb_Gb', '88', 'mov', 'Eb,Gb', mv.movEG(true), { att: { hle: 'release' } }));
add(row('Mov_Ev_Gv', '89', 'mov', 'Ev,Gv', mv.movEG(false), { fast: fastMovEG, att: { hle: 'release' } }));
add(row('Mov_Gb_Eb', '8A', 'mov', 'Gb,Eb', mv.movGE(true)));
add(row('Mov_Gv_Ev', '8B', 'mov', 'Gv,Ev', mv.movGE(false), { fast: fastMovGE }));
add(row('Mov_Ev_Sw', '8C', 'mov', 'Ev,Sw', seg.movESeg));
add(row('Lea', '8D', 'lea', 'Gv,M', mv.lea));
add(row('Mov_Sw_Ew', '8E', 'mov', 'Sw,Ew', seg.movSegE, { att: { regV: true } }));
add(row('Mov_AL_Ob', 'A0', 'mov', 'AL,Ob', mv.movALMoffs(true)));
add(row('Mov_rAX_Ov', 'A1', 'mov', 'rAX,Ov', mv.movALMoffs(false)));
add(row('Mov_Ob_AL', 'A2', 'mov', 'Ob,AL', mv.movMoffsAL(true)));
add(row('Mov_Ov_rAX', 'A3', 'mov', 'Ov,rAX', mv.movMoffsAL(false)));
add(row('Mov_Zb_Ib', 'B0 +r', 'mov', 'Zb,Ib', mv.movEI(true)));
add(row('Mov_Zv_Iv', 'B8 +r', 'mov', 'Zv,Iv', mv.movEI(false), { fast: fastMovImm }));
add(row('Mov_Eb_Ib', 'C6 /0', 'mov', 'Eb,Ib', mv.movEI(true), { att: { hle: 'release' } }));
add(row('Mov_Ev_Iz', 'C7 /0', 'mov', 'Ev,Iz', mv.movEI(false), { fast: fastMovImm, att: { hle: 'release' } }));
add(row('Movzx_Gv_Eb', '0F B6', 'movzb', 'Gv,Eb', mv.movzx(1), { att: { name: 'movzb*' } }));
add(row('Movzx_Gv_Ew', '0F B7', 'movzw', 'Gv,Ew', mv.movzx(2), { att: { name: 'movzw*' } }));
add(row('Movsx_Gv_Eb', '0F BE', 'movsb', 'Gv,Eb', mv.movsx(1), { att: { name: 'movsb*' } }));
add(row('Movsx_Gv_Ew', '0F BF', 'movsw', 'Gv,Ew', mv.movsx(2), { att: { name: 'movsw*' } }));
add(row('Movsxd_Gv_Ed', '63', 'movsl', 'Gv,Ed', mv.movsx(4), { att: { prefix66: 'reg', name: 'movsxd|movsxd|movslq' } }));
add(row('Xchg_Eb_Gb', '86', 'xchg', 'Eb,Gb', mv.xchg(true), { attrs: 'lock', att: { hle: 'always' } }));
add(row('Xchg_Ev_Gv', '87', 'xchg', 'Ev,Gv', mv.xchg(false), { attrs: 'lock', att: { hle: 'always' } }));
add(row('Nop_90', '90', 'nop', '', sys.nop));
add(row('Pause', 'p=F3 90', 'pause', '', sys.nop));
add(row('Xchg_Zv_rAX', '91 +r', 'xchg', 'Zv,rAX', mv.xchg(false)));
add(row('Cmpxchg_Eb_Gb', '0F B0', 'cmpxchg', 'Eb,Gb', mv.cmpxchg(true), { set: 'oszapc', attrs: 'lock' }));
add(row('Cmpxchg_Ev_Gv', '0F B1', 'cmpxchg', 'Ev,Gv', mv.cmpxchg(false), { set: 'oszapc', attrs: 'lock' }));
add(row('Cmpxchg8b_16b', '0F C7 /1', 'cmpxchg8b', 'Mq', mv.cmpxchg8b16b, { set: 'z', attrs: 'lock', att: { name: 'cmpxchg8b|cmpxchg8b|cmpxchg16b', hle: 'lockNoW' } }));
add(row('Xadd_Eb_Gb', '0F C0', 'xadd', 'Eb,Gb', mv.xadd(true), { set: 'oszapc', attrs: 'lock' }));
add(row('Xadd_Ev_Gv', '0F C1', 'xadd', 'Ev,Gv', mv.xadd(false), { set: 'oszapc', attrs: 'lock' }));
add(row('Movbe_Gv_Mv', '0F 38 F0', 'movbe', 'Gv,M', mv.movbe(false), { att: { prefix66: true } }));
add(row('Movbe_Mv_Gv', '0F 38 F1', 'movbe', 'M,Gv', mv.movbe(true), { att: { prefix66: true } }));
for (let cc = 0; cc < 16; cc++) {
  add(row(`Cmov${CC[cc]}`, `0F ${hex(0x40 + cc)}`, `cmov${CC[cc]}`, 'Gv,Ev', mv.cmov(cc), { test: CC_TEST[cc] }));
  add(row(`Set${CC[cc]}`, `0F ${hex(0x90 + cc)}`, `set${CC[cc]}`, 'Eb', mv.setcc(cc), { test: CC_TEST[cc], att: { suffix: 'none' } }));
}
add(row('Cbw', '98', 'cbw', '', mv.cbwFamily, { att: { name: 'cbtw|cwtl|cltq' } }));
add(row('Cwd', '99', 'cwd', '', mv.cwdFamily, { att: { name: 'cwtd|cltd|cqto' } }));
add(row('Xlat', 'D7', 'xlat', '', mv.xlat, { att: { ops: 'DS:rBX', suffix: 'none' } }));
add(row('Lahf', '9F', 'lahf', '', mv.lahf, { test: 'szapc' }));
add(row('Sahf', '9E', 'sahf', '', mv.sahf, { set: 'szapc' }));
add(row('Clc', 'F8', 'clc', '', mv.clc, { set: 'c' }));
add(row('Stc', 'F9', 'stc', '', mv.stc, { set: 'c' }));
add(row('Cmc', 'F5', 'cmc', '', mv.cmc, { test: 'c', set: 'c' }));
add(row('Cld', 'FC', 'cld', '', mv.cld, { set: 'd' }));
add(row('Std', 'FD', 'std', '', mv.std, { set: 'd' }));

// ---- stack -----------------------------------------------------------------------------
add(row('Push_Zv', '50 +r', 'push', 'Zv', st.pushZ, { attrs: 'd64', fast: fastPush, att: { suffix: 'w' } }));
add(row('Pop_Zv', '58 +r', 'pop', 'Zv', st.popZ, { attrs: 'd64', fast: fastPop, att: { suffix: 'w' } }));
add(row('Push_Iz', '68', 'push', 'Iz', st.pushI, { attrs: 'd64', att: { suffix: 'w' } }));
add(row('Push_Ibs', '6A', 'push', 'Ibs', st.pushI, { attrs: 'd64', att: { suffix: 'w' } }));
add(row('Pop_Ev', '8F /0', 'pop', 'Ev', st.popE, { attrs: 'd64', att: { suffix: 'w' } }));
add(row('Push_Ev', 'FF /6', 'push', 'Ev', st.pushE, { attrs: 'd64', att: { suffix: 'w' } }));
add(row('Pushf', '9C', 'pushf', '', st.pushf, { test: 'oszapcd', attrs: 'd64', att: { suffix: 'w' } }));
add(row('Popf', '9D', 'popf', '', st.popf, { set: 'oszapcd', attrs: 'd64', att: { suffix: 'w' } }));
add(row('Push_FS', '0F A0', 'push', '', st.pushSeg(SEG_FS), { attrs: 'd64', att: { ops: '%fs', suffix: 'w' } }));
add(row('Pop_FS', '0F A1', 'pop', '', st.popFs, { attrs: 'd64', att: { ops: '%fs', suffix: 'w' } }));
add(row('Push_GS', '0F A8', 'push', '', st.pushSeg(SEG_GS), { attrs: 'd64', att: { ops: '%gs', suffix: 'w' } }));
add(row('Pop_GS', '0F A9', 'pop', '', st.popGs, { attrs: 'd64', att: { ops: '%gs', suffix: 'w' } }));
add(row('Enter', 'C8', 'enter', 'Iw,Ib', st.enter, { attrs: 'd64', att: { suffix: 'w', intelOrder: true } }));
add(row('Leave', 'C9', 'leave', '', st.leave, { attrs: 'd64', att: { suffix: 'w' } }));

// ---- control transfer ------------------------------------------------------------------
for (let cc = 0; cc < 16; cc++) {
  add(row(`J${CC[cc]}_Jb`, hex(0x70 + cc), `j${CC[cc]}`, 'Jb', ctl.jcc(cc), { test: CC_TEST[cc], attrs: 'd64 branch', fast: fastJcc(cc), att: { bnd: true, hint: true } }));
  add(row(`J${CC[cc]}_Jz`, `0F ${hex(0x80 + cc)}`, `j${CC[cc]}`, 'Jz', ctl.jcc(cc), { test: CC_TEST[cc], attrs: 'd64 branch', fast: fastJcc(cc), att: { bnd: true, hint: true } }));
}
add(row('Jmp_Jb', 'EB', 'jmp', 'Jb', ctl.jmpRel, { attrs: 'd64 branch', fast: fastJmp, att: { bnd: true } }));
add(row('Jmp_Jz', 'E9', 'jmp', 'Jz', ctl.jmpRel, { attrs: 'd64 branch', fast: fastJmp, att: { suffix: 'w', bnd: true } }));
add(row('Call_Jz', 'E8', 'call', 'Jz', ctl.callRel, { attrs: 'd64 branch', fast: fastCall, att: { suffix: 'w', bnd: true } }));
add(row('Call_Ev', 'FF /2', 'call', 'Ev', ctl.callE, { attrs: 'd64 branch', att: { suffix: 'w', bnd: true, notrack: true } }));
add(row('Jmp_Ev', 'FF /4', 'jmp', 'Ev', ctl.jmpE, { attrs: 'd64 branch', att: { suffix: 'w', bnd: true, notrack: true } }));
add(row('Call_far_Mp', 'FF /3', 'lcall', 'Mp', sys.notImplemented, { attrs: 'branch notimpl', att: { suffix: 'w' } }));
add(row('Jmp_far_Mp', 'FF /5', 'ljmp', 'Mp', sys.notImplemented, { attrs: 'branch notimpl', att: { suffix: 'w' } }));
add(row('Ret_Iw', 'C2', 'ret', 'Iw', ctl.ret(true), { attrs: 'd64 branch', att: { suffix: 'w', bnd: true } }));
add(row('Ret', 'C3', 'ret', '', ctl.ret(false), { attrs: 'd64 branch', fast: fastRet, att: { suffix: 'w', bnd: true } }));
add(row('Retf_Iw', 'CA', 'lret', 'Iw', sys.notImplemented, { attrs: 'branch notimpl', att: { name: 'lretw|lret|lretq' } }));
add(row('Retf', 'CB', 'lret', '', sys.notImplemented, { attrs: 'branch notimpl', att: { name: 'lretw|lret|lretq' } }));
add(row('Loopne', 'E0', 'loopne', 'Jb', ctl.loop('loopne'), { test: 'z', attrs: 'd64 branch', att: { hint: true, name32: 'loopnel' } }));
add(row('Loope', 'E1', 'loope', 'Jb', ctl.loop('loope'), { test: 'z', attrs: 'd64 branch', att: { hint: true, name32: 'loopel' } }));
add(row('Loop', 'E2', 'loop', 'Jb', ctl.loop('loop'), { attrs: 'd64 branch', att: { hint: true, name32: 'loopl' } }));
add(row('Jrcxz', 'E3', 'jrcxz', 'Jb', ctl.jrcxz, { attrs: 'd64 branch', att: { hint: true, name32: 'jecxz' } }));
add(row('Int3', 'CC', 'int3', '', ctl.int3, { attrs: 'branch' }));
add(row('Int_Ib', 'CD', 'int', 'Ib', ctl.intN, { attrs: 'branch' }));
add(row('Int1', 'F1', 'int1', '', ctl.int1, { attrs: 'branch' }));
add(row('Iret', 'CF', 'iret', '', ctl.iret, { set: 'oszapcd', attrs: 'branch', att: { name: 'iretw|iret|iretq' } }));

// ---- string instructions ---------------------------------------------------------------
for (const [enc, m, h, ops, flags] of [
  ['A4', 'movs', str.movs, 'Yb,Xb', {}], ['A5', 'movs', str.movs, 'Yv,Xv', {}],
  ['A6', 'cmps', str.cmps, 'Xb,Yb', { set: 'oszapc' }], ['A7', 'cmps', str.cmps, 'Xv,Yv', { set: 'oszapc' }],
  ['AA', 'stos', str.stos, 'Yb,AL', {}], ['AB', 'stos', str.stos, 'Yv,rAX', {}],
  ['AC', 'lods', str.lods, 'AL,Xb', {}], ['AD', 'lods', str.lods, 'rAX,Xv', {}],
  ['AE', 'scas', str.scas, 'AL,Yb', { set: 'oszapc' }], ['AF', 'scas', str.scas, 'rAX,Yv', { set: 'oszapc' }],
  ['6C', 'ins', str.ins, 'Yb,DX', {}], ['6D', 'ins', str.ins, 'Yz,DX', {}],
  ['6E', 'outs', str.outs, 'DX,Xb', {}], ['6F', 'outs', str.outs, 'DX,Xz', {}],
] as const) {
  const byte = ops.includes('b');
  const cc = m === 'cmps' || m === 'scas';
  add(row(`${m}_${enc}`, enc, m, ops, h(byte), { test: 'd', ...flags, attrs: cc ? 'repcc' : 'rep' }));
}

// ---- port I/O -------------------------------------------------------------------------
add(row('In_AL_Ib', 'E4', 'in', 'AL,Ib', sys.inPort(true, false)));
add(row('In_eAX_Ib', 'E5', 'in', 'eAX,Ib', sys.inPort(false, false)));
add(row('Out_Ib_AL', 'E6', 'out', 'Ib,AL', sys.outPort(true, false)));
add(row('Out_Ib_eAX', 'E7', 'out', 'Ib,eAX', sys.outPort(false, false)));
add(row('In_AL_DX', 'EC', 'in', 'AL,DX', sys.inPort(true, true)));
add(row('In_eAX_DX', 'ED', 'in', 'eAX,DX', sys.inPort(false, true)));
add(row('Out_DX_AL', 'EE', 'out', 'DX,AL', sys.outPort(true, true)));
add(row('Out_DX_eAX', 'EF', 'out', 'DX,eAX', sys.outPort(false, true)));

// ---- system --------------------------------------------------------------------------
add(row('Hlt', 'F4', 'hlt', '', sys.hlt, { attrs: 'priv' }));
add(row('Cli', 'FA', 'cli', '', sys.cli, { set: 'i' }));
add(row('Sti', 'FB', 'sti', '', sys.sti, { set: 'i' }));
add(row('Fwait', '9B', 'fwait', '', sys.nop));
add(row('Sldt', '0F 00 /0', 'sldt', 'Ew', sys.sldt, { att: { regV: true } }));
add(row('Str', '0F 00 /1', 'str', 'Ew', sys.str, { att: { regV: true } }));
add(row('Lldt', '0F 00 /2', 'lldt', 'Ew', sys.lldt, { attrs: 'priv' }));
add(row('Ltr', '0F 00 /3', 'ltr', 'Ew', sys.ltr, { attrs: 'priv' }));
add(row('Verr', '0F 00 /4', 'verr', 'Ew', sys.notImplemented, { set: 'z', attrs: 'notimpl' }));
add(row('Verw', '0F 00 /5', 'verw', 'Ew', sys.notImplemented, { set: 'z', attrs: 'notimpl' }));
add(row('Sgdt', '0F 01 /0 mod=mem', 'sgdt', 'M', sys.sgdtSidt(false)));
add(row('Sidt', '0F 01 /1 mod=mem', 'sidt', 'M', sys.sgdtSidt(true)));
add(row('Lgdt', '0F 01 /2 mod=mem', 'lgdt', 'M', sys.lgdtLidt(false), { attrs: 'priv' }));
add(row('Lidt', '0F 01 /3 mod=mem', 'lidt', 'M', sys.lgdtLidt(true), { attrs: 'priv' }));
add(row('Smsw', '0F 01 /4', 'smsw', 'Ew', sys.smsw, { att: { regV: true } }));
add(row('Lmsw', '0F 01 /6', 'lmsw', 'Ew', sys.lmsw, { attrs: 'priv' }));
add(row('Invlpg', '0F 01 /7 mod=mem', 'invlpg', 'M', sys.invlpg, { attrs: 'priv' }));
add(row('Clac', '0F 01 /1 mod=reg rm=2', 'clac', '', sys.clacStac(false), { set: 'A' }));
add(row('Stac', '0F 01 /1 mod=reg rm=3', 'stac', '', sys.clacStac(true), { set: 'A' }));
add(row('Rdpkru', '0F 01 /5 mod=reg rm=6', 'rdpkru', '', sys.rdpkru));
add(row('Wrpkru', '0F 01 /5 mod=reg rm=7', 'wrpkru', '', sys.wrpkru));
add(row('Swapgs', '0F 01 /7 mod=reg rm=0', 'swapgs', '', sys.swapgs, { attrs: 'priv' }));
add(row('Rdtscp', '0F 01 /7 mod=reg rm=1', 'rdtscp', '', sys.rdtscp));
add(row('Lar', '0F 02', 'lar', 'Gv,Ew', sys.notImplemented, { set: 'z', attrs: 'notimpl', att: { regV: true } }));
add(row('Lsl', '0F 03', 'lsl', 'Gv,Ew', sys.notImplemented, { set: 'z', attrs: 'notimpl', att: { regV: true } }));
add(row('Syscall', '0F 05', 'syscall', '', sys.syscall, { attrs: 'branch' }));
add(row('Clts', '0F 06', 'clts', '', sys.clts, { attrs: 'priv' }));
add(row('Sysret', '0F 07', 'sysret', '', sys.sysret, { attrs: 'branch priv', att: { name: 'sysretl|sysretl|sysretq' } }));
add(row('Invd', '0F 08', 'invd', '', sys.privNop, { attrs: 'priv' }));
add(row('Wbinvd', '0F 09', 'wbinvd', '', sys.privNop, { attrs: 'priv' }));
add(row('Ud2', '0F 0B', 'ud2', '', sys.ud2));
add(row('Prefetch_0F0D', '0F 0D', 'prefetch', 'M', sys.nop, { att: { name: 'prefetch/prefetchw/prefetchwt1/prefetch/prefetch/prefetch/prefetch/prefetch' } }));
add(row('Prefetch_0F18', '0F 18', 'prefetch', 'M', sys.nop, { att: { name: 'prefetchnta/prefetcht0/prefetcht1/prefetcht2/nop*/nop*/nop*/nop*' } }));
add(row('Nop_0F18_reg', '0F 18 mod=reg', 'nop', 'Ev', sys.nop)); // register forms are hint NOPs (AMD Zen executes them)
for (let op = 0x19; op <= 0x1f; op++) add(row(`Nop_Ev_0F${hex(op)}`, `0F ${hex(op)}`, 'nop', 'Ev', sys.nop, { att: { prefix66: op === 0x1c || op === 0x1e } }));
add(row('Mov_Rq_Cq', '0F 20', 'mov', 'Rq,Cq', sys.movFromCr, { attrs: 'modignored priv' }));
add(row('Mov_Rq_Dq', '0F 21', 'mov', 'Rq,Dq', sys.movFromDr, { attrs: 'modignored priv' }));
add(row('Mov_Cq_Rq', '0F 22', 'mov', 'Cq,Rq', sys.movToCr, { attrs: 'modignored priv' }));
add(row('Mov_Dq_Rq', '0F 23', 'mov', 'Dq,Rq', sys.movToDr, { attrs: 'modignored priv' }));
add(row('Wrmsr', '0F 30', 'wrmsr', '', sys.wrmsr, { attrs: 'priv' }));
add(row('Rdtsc', '0F 31', 'rdtsc', '', sys.rdtsc));
add(row('Rdmsr', '0F 32', 'rdmsr', '', sys.rdmsr, { attrs: 'priv' }));
add(row('Rdpmc', '0F 33', 'rdpmc', '', sys.rdpmc));
add(row('Cpuid', '0F A2', 'cpuid', '', sys.cpuidInsn));
add(row('Lfence', '0F AE /5 mod=reg', 'lfence', '', sys.nop));
add(row('Mfence', '0F AE /6 mod=reg', 'mfence', '', sys.nop));
add(row('Sfence', '0F AE /7 mod=reg', 'sfence', '', sys.nop));
add(row('Clflush', '0F AE /7 mod=mem', 'clflush', 'M', sys.clflush));
add(row('Ud1', '0F B9', 'ud1', 'Gv,Ev', sys.ud));
add(row('Ud0', '0F FF', 'ud0', 'Gv,Ev', sys.ud));

// Mandatory-prefix slots that are undefined (#UD on AMD Zen hardware; objdump prints
// (bad) or an instruction of an extension the model lacks): 66/F2/F3 on LFENCE/MFENCE/
// SFENCE and on FXSAVE…XRSTOR, F2/F3 on CLFLUSH, any of them on RDPKRU/WRPKRU (SDM:
// NP), F3 on MOVBE. Without a row the decoder falls back to the unprefixed one.
// F2 0F 38 F0/F1 is CRC32 (SSE4.2) and 66/F2 0F 78 EXTRQ/INSERTQ (SSE4a, two
// immediates): not in the model.
for (const p of ['66', 'F2', 'F3']) {
  for (const n of [5, 6, 7]) add(row(`Ud_${p}_0FAE_${n}_reg`, `p=${p} 0F AE /${n} mod=reg`, '(bad)', '', sys.ud));
  for (const n of [0, 1, 2, 3, 4, 5]) add(row(`Ud_${p}_0FAE_${n}_mem`, `p=${p} 0F AE /${n} mod=mem`, '(bad)', '', sys.ud));
  for (const rm of [6, 7]) add(row(`Ud_${p}_0F01_5_${rm}`, `p=${p} 0F 01 /5 mod=reg rm=${rm}`, '(bad)', '', sys.ud));
  if (p !== '66') add(row(`Ud_${p}_0FAE_7_mem`, `p=${p} 0F AE /7 mod=mem`, '(bad)', '', sys.ud));
}
add(row('Ud_F3_0F38F0', 'p=F3 0F 38 F0', '(bad)', 'Gv,M', sys.ud));
add(row('Ud_F3_0F38F1', 'p=F3 0F 38 F1', '(bad)', 'M,Gv', sys.ud));
add(row('Crc32_Gy_Eb', 'p=F2 0F 38 F0', 'crc32', 'Gy,Eb', sys.notImplemented, { attrs: 'notimpl', att: { suffix: 'memE' } }));
add(row('Crc32_Gy_Ev', 'p=F2 0F 38 F1', 'crc32', 'Gy,Ev', sys.notImplemented, { attrs: 'notimpl', att: { suffix: 'memE' } }));
add(row('Sse_66_0F78', 'p=66 0F 78 /0 mod=reg', 'sse', 'Gv,Ev,Ib,Ib', sys.notImplemented, { attrs: 'notimpl' }));
add(row('Ud_66_0F78', 'p=66 0F 78', '(bad)', 'Gv,Ev', sys.ud));
add(row('Sse_F2_0F78', 'p=F2 0F 78 mod=reg', 'sse', 'Gv,Ev,Ib,Ib', sys.notImplemented, { attrs: 'notimpl' }));
add(row('Ud_F2_0F78', 'p=F2 0F 78 mod=mem', '(bad)', 'Gv,Ev', sys.ud));

// ---- recognised, not implemented yet: emulation-failure, never a silent #UD -------------
// x87 (D8-DF), SSE/SSE2/SSSE3/SSE4 (0F 10-17, 28-2F, 50-7F, C2-C6, D0-FF, 0F 38, 0F 3A),
// FXSAVE/FXRSTOR/LDMXCSR/STMXCSR/XSAVE* (0F AE /0-/5 memory forms). Rows carry their
// ModRM and immediate shape so the length (and the reported bytes) are right.
const pending = (id: string, enc: string, m: string, ops: string, att?: AttSyntax) => add(row(id, enc, m, ops, sys.notImplemented, { attrs: 'notimpl', att }));
for (let op = 0xd8; op <= 0xdf; op++) pending(`X87_${hex(op)}`, hex(op), 'x87', 'Ev');
for (const op of [0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f]) pending(`Sse_0F${hex(op)}`, `0F ${hex(op)}`, 'sse', 'Gv,Ev');
for (let op = 0x50; op <= 0x7f; op++) {
  if (op === 0x77) { pending('Emms', '0F 77', 'emms', ''); continue; }
  pending(`Sse_0F${hex(op)}`, `0F ${hex(op)}`, 'sse', op >= 0x70 && op <= 0x73 ? 'Gv,Ev,Ib' : 'Gv,Ev');
}
for (const op of [0xc2, 0xc4, 0xc5, 0xc6]) pending(`Sse_0F${hex(op)}`, `0F ${hex(op)}`, 'sse', 'Gv,Ev,Ib');
for (const op of [0xc3]) pending(`Movnti`, `0F ${hex(op)}`, 'movnti', 'M,Gv');
for (let op = 0xd0; op <= 0xfe; op++) pending(`Sse_0F${hex(op)}`, `0F ${hex(op)}`, 'sse', 'Gv,Ev');
for (let op = 0; op < 256; op++) {
  if (op === 0xf0 || op === 0xf1) continue; // MOVBE lives above
  pending(`Sse_0F38${hex(op)}`, `0F 38 ${hex(op)}`, 'sse', 'Gv,Ev');
  pending(`Sse_0F3A${hex(op)}`, `0F 3A ${hex(op)}`, 'sse', 'Gv,Ev,Ib');
}
for (const [n, m] of [[0, 'fxsave'], [1, 'fxrstor'], [2, 'ldmxcsr'], [3, 'stmxcsr'], [4, 'xsave'], [5, 'xrstor']] as const) {
  pending(`Fp_0FAE_${n}`, `0F AE /${n} mod=mem`, m, 'M', n === 2 || n === 3 ? undefined : { name: `${m}|${m}|${m}64` });
}

export const OPCODE_ROWS: readonly OpcodeRow[] = rows;

/** Decodes of bytes that name no instruction raise #UD. */
export const ROW_UD: OpcodeRow = row('Undefined', 'FF', '(bad)', '', sys.ud);
/** An instruction longer than 15 bytes raises #GP(0) (SDM §2.3.11). */
export const ROW_TOO_LONG: OpcodeRow = row('TooLong', 'FF', '(bad)', '', sys.tooLong);

