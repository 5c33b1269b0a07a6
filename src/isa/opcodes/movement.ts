// Rows: data movement, flags, the stack, control transfer, strings and port
// I/O (SDM Vol. 2; operand letters per Appendix A, flags per each entry).
import { row, type OpcodeRow } from '../table.js';
import { CONDITION_NAMES, CONDITION_FLAGS } from '../../arch/conditions.js';
import { SEG_ES, SEG_SS, SEG_DS, SEG_FS, SEG_GS } from '../../arch/registers.js';
import { cap, hex } from './row-text.js';

export function movementRows(): OpcodeRow[] {
  const rows: OpcodeRow[] = [];
  const add = (r: OpcodeRow) => { rows.push(r); };

  // ---- MOV and friends ----
  add(row('Mov_Eb_Gb', '88', 'mov', '=Eb,Gb', 'mov', { att: { hle: 'release' } }));
  add(row('Mov_Ev_Gv', '89', 'mov', '=Ev,Gv', 'mov', { att: { hle: 'release' } }));
  add(row('Mov_Gb_Eb', '8A', 'mov', '=Gb,Eb', 'mov'));
  add(row('Mov_Gv_Ev', '8B', 'mov', '=Gv,Ev', 'mov'));
  add(row('Mov_Ev_Sw', '8C', 'mov', '=Ev,Sw', 'movFromSeg'));
  add(row('Lea_Gv_M', '8D', 'lea', '=Gv,M', 'lea'));
  add(row('Mov_Sw_Ew', '8E', 'mov', '=Sw,Ew', 'movToSeg', { att: { regV: true } }));
  add(row('Mov_AL_Ob', 'A0', 'mov', '=AL,Ob', 'mov'));
  add(row('Mov_rAX_Ov', 'A1', 'mov', '=rAX,Ov', 'mov'));
  add(row('Mov_Ob_AL', 'A2', 'mov', '=Ob,AL', 'mov'));
  add(row('Mov_Ov_rAX', 'A3', 'mov', '=Ov,rAX', 'mov'));
  add(row('Mov_Zb_Ib', 'B0 +r', 'mov', '=Zb,Ib', 'mov'));
  add(row('Mov_Zv_Iv', 'B8 +r', 'mov', '=Zv,Iv', 'mov'));
  add(row('Mov_Eb_Ib', 'C6 /0', 'mov', '=Eb,Ib', 'mov', { att: { hle: 'release' } }));
  add(row('Mov_Ev_Iz', 'C7 /0', 'mov', '=Ev,Iz', 'mov', { att: { hle: 'release' } }));
  add(row('Movzx_Gv_Eb', '0F B6', 'movzb', '=Gv,Eb', 'movzx', { att: { name: 'movzb*' } }));
  add(row('Movzx_Gv_Ew', '0F B7', 'movzw', '=Gv,Ew', 'movzx', { att: { name: 'movzw*' } }));
  add(row('Movsx_Gv_Eb', '0F BE', 'movsb', '=Gv,Eb', 'movsx', { att: { name: 'movsb*' } }));
  add(row('Movsx_Gv_Ew', '0F BF', 'movsw', '=Gv,Ew', 'movsx', { att: { name: 'movsw*' } }));
  add(row('Movsxd_Gv_Ed', '63', 'movsl', '=Gv,Ed', 'movsx', { attrs: 'o64', att: { prefix66: 'reg', name: 'movsxd|movsxd|movslq' } }));
  add(row('Xchg_Eb_Gb', '86', 'xchg', '+Eb,+Gb', 'xchg', { attrs: 'lock', att: { hle: 'always' } }));
  add(row('Xchg_Ev_Gv', '87', 'xchg', '+Ev,+Gv', 'xchg', { attrs: 'lock', att: { hle: 'always' } }));
  add(row('Nop_90', '90', 'nop', '', 'nop'));
  add(row('Pause', 'p=F3 90', 'pause', '', 'nop'));
  add(row('Xchg_Zv_rAX', '90 +r', 'xchg', '+Zv,+rAX', 'xchg'));
  add(row('Cmpxchg_Eb_Gb', '0F B0', 'cmpxchg', '+Eb,Gb', 'cmpxchg', { set: 'oszapc', attrs: 'lock' }));
  add(row('Cmpxchg_Ev_Gv', '0F B1', 'cmpxchg', '+Ev,Gv', 'cmpxchg', { set: 'oszapc', attrs: 'lock' }));
  add(row('Cmpxchg8b_Mq', '0F C7 /1', 'cmpxchg8b', '+Mq', 'cmpxchg8b', {
    set: 'z', attrs: 'lock', feature: 'cx8', att: { name: 'cmpxchg8b|cmpxchg8b|cmpxchg16b', hle: 'lockNoW' },
  }));
  add(row('Xadd_Eb_Gb', '0F C0', 'xadd', '+Eb,+Gb', 'xadd', { set: 'oszapc', attrs: 'lock' }));
  add(row('Xadd_Ev_Gv', '0F C1', 'xadd', '+Ev,+Gv', 'xadd', { set: 'oszapc', attrs: 'lock' }));
  add(row('Movbe_Gv_M', '0F 38 F0', 'movbe', '=Gv,M', 'movbe', { feature: 'movbe', att: { prefix66: true } }));
  add(row('Movbe_M_Gv', '0F 38 F1', 'movbe', '=M,Gv', 'movbe', { feature: 'movbe', att: { prefix66: true } }));
  for (let cc = 0; cc < 16; cc++) {
    const n = CONDITION_NAMES[cc]!, t = CONDITION_FLAGS[cc]!;
    add(row(`Cmov${n}_Gv_Ev`, `0F ${hex(0x40 + cc)}`, `cmov${n}`, '+Gv,Ev', 'cmov', { param: cc, test: t, feature: 'cmov' }));
    add(row(`Set${n}_Eb`, `0F ${hex(0x90 + cc)}`, `set${n}`, '=Eb', 'setcc', { param: cc, test: t, att: { suffix: 'none' } }));
  }
  add(row('Cbw', '98', 'cbw', '', 'cbw', { att: { name: 'cbtw|cwtl|cltq' } }));
  add(row('Cwd', '99', 'cwd', '', 'cwd', { att: { name: 'cwtd|cltd|cqto' } }));
  add(row('Xlat', 'D7', 'xlat', '', 'xlat', { att: { ops: 'DS:rBX', suffix: 'none' } }));
  add(row('Lahf', '9F', 'lahf', '', 'lahf', { test: 'szapc', feature: 'lahfLm' }));
  add(row('Sahf', '9E', 'sahf', '', 'sahf', { set: 'szapc', feature: 'lahfLm' }));
  add(row('Clc', 'F8', 'clc', '', 'clc', { set: 'c' }));
  add(row('Stc', 'F9', 'stc', '', 'stc', { set: 'c' }));
  add(row('Cmc', 'F5', 'cmc', '', 'cmc', { test: 'c', set: 'c' }));
  add(row('Cld', 'FC', 'cld', '', 'cld', { set: 'd' }));
  add(row('Std', 'FD', 'std', '', 'std', { set: 'd' }));

  // ---- the stack ----
  const st = { attrs: 'd64', att: { suffix: 'w' } } as const;
  add(row('Push_Zv', '50 +r', 'push', 'Zv', 'push', st));
  add(row('Pop_Zv', '58 +r', 'pop', '=Zv', 'pop', st));
  add(row('Push_Iz', '68', 'push', 'Iz', 'push', st));
  add(row('Push_Ibs', '6A', 'push', 'Ibs', 'push', st));
  add(row('Pop_Ev', '8F /0', 'pop', '=Ev', 'pop', st));
  add(row('Push_Ev', 'FF /6', 'push', 'Ev', 'push', st));
  add(row('Pushf', '9C', 'pushf', '', 'pushf', { ...st, test: 'oszapcd' }));
  add(row('Popf', '9D', 'popf', '', 'popf', { ...st, set: 'oszapcd' }));
  add(row('Push_FS', '0F A0', 'push', '', 'pushSeg', { param: SEG_FS, attrs: 'd64', att: { ops: '%fs', suffix: 'w' } }));
  add(row('Pop_FS', '0F A1', 'pop', '', 'popSeg', { param: SEG_FS, attrs: 'd64', att: { ops: '%fs', suffix: 'w' } }));
  add(row('Push_GS', '0F A8', 'push', '', 'pushSeg', { param: SEG_GS, attrs: 'd64', att: { ops: '%gs', suffix: 'w' } }));
  add(row('Pop_GS', '0F A9', 'pop', '', 'popSeg', { param: SEG_GS, attrs: 'd64', att: { ops: '%gs', suffix: 'w' } }));
  add(row('Enter_Iw_Ib', 'C8', 'enter', 'Iw,Ib', 'enter', { attrs: 'd64', att: { suffix: 'w', intelOrder: true } }));
  add(row('Leave', 'C9', 'leave', '', 'leave', st));

  // ---- control transfer ----
  const near = { attrs: 'd64 branch' } as const;
  for (let cc = 0; cc < 16; cc++) {
    const n = CONDITION_NAMES[cc]!, t = CONDITION_FLAGS[cc]!;
    const f = { ...near, param: cc, test: t, att: { bnd: true, hint: true } };
    add(row(`J${n}_Jb`, hex(0x70 + cc), `j${n}`, 'Jb', 'jcc', f));
    add(row(`J${n}_Jz`, `0F ${hex(0x80 + cc)}`, `j${n}`, 'Jz', 'jcc', f));
  }
  add(row('Jmp_Jb', 'EB', 'jmp', 'Jb', 'jmp', { ...near, att: { bnd: true } }));
  add(row('Jmp_Jz', 'E9', 'jmp', 'Jz', 'jmp', { ...near, att: { suffix: 'w', bnd: true } }));
  add(row('Call_Jz', 'E8', 'call', 'Jz', 'call', { ...near, att: { suffix: 'w', bnd: true } }));
  add(row('Call_Ev', 'FF /2', 'call', 'Ev', 'call', { ...near, att: { suffix: 'w', bnd: true, notrack: true } }));
  add(row('Jmp_Ev', 'FF /4', 'jmp', 'Ev', 'jmp', { ...near, att: { suffix: 'w', bnd: true, notrack: true } }));
  add(row('Lss_Gv_Mp', '0F B2 mod=mem', 'lss', '=Gv,Mp', 'loadFarPointer', { param: SEG_SS }));
  add(row('Lfs_Gv_Mp', '0F B4 mod=mem', 'lfs', '=Gv,Mp', 'loadFarPointer', { param: SEG_FS }));
  add(row('Lgs_Gv_Mp', '0F B5 mod=mem', 'lgs', '=Gv,Mp', 'loadFarPointer', { param: SEG_GS }));
  // C4/C5 with a memory operand are LES/LDS in 32-bit code; with mod = 3 they are VEX (the model has no AVX: #UD).
  add(row('Les_Gv_Mp', 'C4 mod=mem mode=legacy', 'les', '=Gv,Mp', 'loadFarPointer', { param: SEG_ES }));
  add(row('Lds_Gv_Mp', 'C5 mod=mem mode=legacy', 'lds', '=Gv,Mp', 'loadFarPointer', { param: SEG_DS }));
  add(row('Vex3_C4_reg', 'C4 mod=reg mode=legacy', '(bad)', 'Gv,Ev', 'ud'));
  add(row('Vex2_C5_reg', 'C5 mod=reg mode=legacy', '(bad)', 'Gv,Ev', 'ud'));
  add(row('Call_far_Mp', 'FF /3', 'lcall', 'Mp', 'callFar', { attrs: 'branch', att: { suffix: 'w' } }));
  add(row('Jmp_far_Mp', 'FF /5', 'ljmp', 'Mp', 'jmpFar', { attrs: 'branch', att: { suffix: 'w' } }));
  add(row('Ret_Iw', 'C2', 'ret', 'Iw', 'ret', { ...near, att: { suffix: 'w', bnd: true } }));
  add(row('Ret', 'C3', 'ret', '', 'ret', { ...near, att: { suffix: 'w', bnd: true } }));
  add(row('Retf_Iw', 'CA', 'lret', 'Iw', 'retFar', { attrs: 'branch', att: { name: 'lretw|lret|lretq' } }));
  add(row('Retf', 'CB', 'lret', '', 'retFar', { attrs: 'branch', att: { name: 'lretw|lret|lretq' } }));
  add(row('Loopne_Jb', 'E0', 'loopne', 'Jb', 'loop', { ...near, param: 0, test: 'z', att: { hint: true, name32: 'loopnel' } }));
  add(row('Loope_Jb', 'E1', 'loope', 'Jb', 'loop', { ...near, param: 1, test: 'z', att: { hint: true, name32: 'loopel' } }));
  add(row('Loop_Jb', 'E2', 'loop', 'Jb', 'loop', { ...near, param: 2, att: { hint: true, name32: 'loopl' } }));
  add(row('Jrcxz_Jb', 'E3', 'jrcxz', 'Jb', 'jrcxz', { ...near, att: { hint: true, name32: 'jecxz' } }));
  add(row('Int3', 'CC', 'int3', '', 'int3', { attrs: 'branch' }));
  add(row('Int_Ib', 'CD', 'int', 'Ib', 'int', { attrs: 'branch' }));
  add(row('Int1', 'F1', 'int1', '', 'int1', { attrs: 'branch' }));
  add(row('Iret', 'CF', 'iret', '', 'iret', { set: 'oszapcd', attrs: 'branch', att: { name: 'iretw|iret|iretq' } }));

  // ---- strings ----
  for (const [enc, m, ops, flags] of [
    ['A4', 'movs', '=Yb,Xb', {}], ['A5', 'movs', '=Yv,Xv', {}],
    ['A6', 'cmps', 'Xb,Yb', { set: 'oszapc' }], ['A7', 'cmps', 'Xv,Yv', { set: 'oszapc' }],
    ['AA', 'stos', '=Yb,AL', {}], ['AB', 'stos', '=Yv,rAX', {}],
    ['AC', 'lods', '=AL,Xb', {}], ['AD', 'lods', '=rAX,Xv', {}],
    ['AE', 'scas', 'AL,Yb', { set: 'oszapc' }], ['AF', 'scas', 'rAX,Yv', { set: 'oszapc' }],
    ['6C', 'ins', '=Yb,DX', {}], ['6D', 'ins', '=Yz,DX', {}],
    ['6E', 'outs', 'DX,Xb', {}], ['6F', 'outs', 'DX,Xz', {}],
  ] as const) {
    const compares = m === 'cmps' || m === 'scas';
    const id = `${cap(m)}_${ops.replace(/[=+]/g, '').replace(',', '_')}`;
    add(row(id, enc, m, ops, m, { test: 'd', ...flags, attrs: compares ? 'repcc' : 'rep' }));
  }

  // ---- port I/O ----
  add(row('In_AL_Ib', 'E4', 'in', '=AL,Ib', 'in'));
  add(row('In_eAX_Ib', 'E5', 'in', '=eAX,Ib', 'in'));
  add(row('Out_Ib_AL', 'E6', 'out', 'Ib,AL', 'out'));
  add(row('Out_Ib_eAX', 'E7', 'out', 'Ib,eAX', 'out'));
  add(row('In_AL_DX', 'EC', 'in', '=AL,DX', 'in'));
  add(row('In_eAX_DX', 'ED', 'in', '=eAX,DX', 'in'));
  add(row('Out_DX_AL', 'EE', 'out', 'DX,AL', 'out'));
  add(row('Out_DX_eAX', 'EF', 'out', 'DX,eAX', 'out'));
  return rows;
}
