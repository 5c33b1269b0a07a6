// Rows: the x87 FPU, opcodes D8-DF (SDM Vol. 2 instruction pages, Vol. 2 Appendix A.4 "Escape
// opcode" tables A-7 … A-22; APM Vol. 5). Every row has the exception class x87 (#NM on CR0.EM
// or CR0.TS, SDM Vol. 3A Table 2-2; the no-wait control forms too). Names follow objdump (AT&T):
// memory forms carry the size suffix (fadds/faddl/fiadds/fiaddl, fldt, fildll), and in the
// register forms with ST(i) as the destination (DC, DE) objdump prints fsub for the SDM's FSUBR
// and the other way round (the historical AT&T/UnixWare reversal; also fdiv/fdivr), so those rows
// carry the objdump name in `att`. The reserved aliases (objdump: (bad)) (D9 D8+i, DC D0+i, DC D8+i, DD C8+i,
// DE D0+i, DF C8+i, DF D0+i, DF D8+i) run as the instruction they alias (AMD APM Vol. 5 "x87
// instruction reference" note on reserved encodings; checked on the host by the diff suite).
import { row, type OpcodeRow, type RowOptions } from '../table.js';
import {
  X87_ADD, X87_MUL, X87_SUB, X87_SUBR, X87_DIV, X87_DIVR, X87_DST_STI, X87_POP,
  CMP_UNORDERED, CMP_POP1, CMP_POP2, CMP_EFLAGS, CMP_ZERO, CMP_INT,
  X87_FLOAT, X87_INT, X87_BCD, X87_REG, X87_TRUNC, STORE_POP, STORE_RAW,
  U_CHS, U_ABS, U_XAM, U_SQRT, U_RNDINT, U_SCALE, U_XTRACT, U_PREM, U_PREM1,
  S_FXCH, S_INCSTP, S_DECSTP, S_FREE, S_FREEP, S_NOP,
  C_INIT, C_CLEX, C_LDCW, C_STCW, C_STSW, C_STSW_AX, C_NOP,
  E_STENV, E_LDENV, E_SAVE, E_RSTOR,
  T_SIN, T_COS, T_SINCOS, T_PTAN, T_PATAN, T_2XM1, T_YL2X, T_YL2XP1,
} from '../x87-ops.js';
import { cap, hex } from './row-text.js';

// No CPUID feature gates these rows: CPUID.FPU (leaf 1 EDX bit 0) is reported (features.ts), and
// an x87 instruction runs (or raises #NM with CR0.EM/TS), never #UD.
const x87 = (o: RowOptions = {}): RowOptions => ({ exc: 'x87', ...o });

export function x87Rows(): OpcodeRow[] {
  const rows: OpcodeRow[] = [];
  const add = (r: OpcodeRow) => { rows.push(r); };
  const reg = (op: number, n: number) => `${hex(op)} /${n} mod=reg`;
  const one = (op: number, n: number, rm: number) => `${hex(op)} /${n} mod=reg rm=${rm}`;
  const mem = (op: number, n: number) => `${hex(op)} /${n} mod=mem`;

  // ---- arithmetic: D8 (m32fp, ST(0) op ST(i)), DC (m64fp, ST(i) op ST(0)), DE (P forms), DA/DE memory (m32int/m16int)
  const ARITH = [['add', X87_ADD], ['mul', X87_MUL], ['sub', X87_SUB], ['subr', X87_SUBR], ['div', X87_DIV], ['divr', X87_DIVR]] as const;
  const swapped: Record<string, string> = { sub: 'subr', subr: 'sub', div: 'divr', divr: 'div', add: 'add', mul: 'mul' };
  for (const [m, op] of ARITH) {
    const f = `f${m}`;
    add(row(`${cap(f)}_ST_Md`, mem(0xd8, op), f, '+ST,Md', 'x87Arith', x87({ param: op | (X87_FLOAT << 8), att: { name: `${f}s` } })));
    add(row(`${cap(f)}_ST_STi`, reg(0xd8, op), f, '+ST,STi', 'x87Arith', x87({ param: op | (X87_REG << 8) })));
    add(row(`${cap(f)}_ST_Mq`, mem(0xdc, op), f, '+ST,Mq', 'x87Arith', x87({ param: op | (X87_FLOAT << 8), att: { name: `${f}l` } })));
    // DC/DE register forms: ModRM.reg 4 is the SDM's FSUBR ST(i), ST(0) (ST(i) ← ST(0) − ST(i)), printed fsub
    const sdm = `f${swapped[m]}`, sdmOp = ARITH.find(([n]) => n === swapped[m])![1];
    add(row(`${cap(sdm)}_STi_ST`, reg(0xdc, op), sdm, '+STi,ST', 'x87Arith',
      x87({ param: sdmOp | X87_DST_STI | (X87_REG << 8), att: { name: f } })));
    add(row(`${cap(sdm)}p_STi_ST`, reg(0xde, op), `${sdm}p`, '+STi,ST', 'x87Arith',
      x87({ param: sdmOp | X87_DST_STI | X87_POP | (X87_REG << 8), att: { name: `${f}p` } })));
    add(row(`Fi${m}_ST_Md`, mem(0xda, op), `fi${m}`, '+ST,Md', 'x87Arith', x87({ param: op | (X87_INT << 8), att: { name: `fi${m}l` } })));
    add(row(`Fi${m}_ST_Mw`, mem(0xde, op), `fi${m}`, '+ST,Mw', 'x87Arith', x87({ param: op | (X87_INT << 8), att: { name: `fi${m}s` } })));
  }

  // ---- compares (C3 C2 C0, or ZF PF CF for FCOMI)
  const cmp = (id: string, enc: string, m: string, ops: string, param: number, name?: string, o: RowOptions = {}) =>
    add(row(id, enc, m, ops, 'x87Compare', x87({ param, ...o, att: name ? { name } : {} })));
  cmp('Fcom_ST_Md', mem(0xd8, 2), 'fcom', 'ST,Md', 0, 'fcoms');
  cmp('Fcomp_ST_Md', mem(0xd8, 3), 'fcomp', 'ST,Md', CMP_POP1, 'fcomps');
  cmp('Fcom_ST_Mq', mem(0xdc, 2), 'fcom', 'ST,Mq', 0, 'fcoml');
  cmp('Fcomp_ST_Mq', mem(0xdc, 3), 'fcomp', 'ST,Mq', CMP_POP1, 'fcompl');
  cmp('Ficom_ST_Md', mem(0xda, 2), 'ficom', 'ST,Md', CMP_INT, 'ficoml');
  cmp('Ficomp_ST_Md', mem(0xda, 3), 'ficomp', 'ST,Md', CMP_INT | CMP_POP1, 'ficompl');
  cmp('Ficom_ST_Mw', mem(0xde, 2), 'ficom', 'ST,Mw', CMP_INT, 'ficoms');
  cmp('Ficomp_ST_Mw', mem(0xde, 3), 'ficomp', 'ST,Mw', CMP_INT | CMP_POP1, 'ficomps');
  cmp('Fcom_STi', reg(0xd8, 2), 'fcom', 'STi', 0);
  cmp('Fcomp_STi', reg(0xd8, 3), 'fcomp', 'STi', CMP_POP1);
  cmp('Fcom2_STi', reg(0xdc, 2), 'fcom2', 'STi', 0, '(bad)');
  cmp('Fcomp3_STi', reg(0xdc, 3), 'fcomp3', 'STi', CMP_POP1, '(bad)');
  cmp('Fcomp5_STi', reg(0xde, 2), 'fcomp5', 'STi', CMP_POP1, '(bad)');
  cmp('Fcompp', one(0xde, 3, 1), 'fcompp', '', CMP_POP2);
  cmp('Fucom_STi', reg(0xdd, 4), 'fucom', 'STi', CMP_UNORDERED);
  cmp('Fucomp_STi', reg(0xdd, 5), 'fucomp', 'STi', CMP_UNORDERED | CMP_POP1);
  cmp('Fucompp', one(0xda, 5, 1), 'fucompp', '', CMP_UNORDERED | CMP_POP2);
  const eflags = { set: 'oszapc' };
  cmp('Fucomi_ST_STi', reg(0xdb, 5), 'fucomi', 'ST,STi', CMP_UNORDERED | CMP_EFLAGS, undefined, eflags);
  cmp('Fcomi_ST_STi', reg(0xdb, 6), 'fcomi', 'ST,STi', CMP_EFLAGS, undefined, eflags);
  cmp('Fucomip_ST_STi', reg(0xdf, 5), 'fucomip', 'ST,STi', CMP_UNORDERED | CMP_EFLAGS | CMP_POP1, undefined, eflags);
  cmp('Fcomip_ST_STi', reg(0xdf, 6), 'fcomip', 'ST,STi', CMP_EFLAGS | CMP_POP1, undefined, eflags);
  cmp('Ftst', one(0xd9, 4, 4), 'ftst', '', CMP_ZERO);

  // ---- loads and stores
  const ld = (id: string, enc: string, m: string, ops: string, param: number, name?: string) =>
    add(row(id, enc, m, ops, 'x87Load', x87({ param, att: name ? { name } : {} })));
  const st = (id: string, enc: string, m: string, ops: string, param: number, name?: string) =>
    add(row(id, enc, m, ops, 'x87Store', x87({ param, att: name ? { name } : {} })));
  ld('Fld_Md', mem(0xd9, 0), 'fld', 'Md', X87_FLOAT, 'flds');
  ld('Fld_Mq', mem(0xdd, 0), 'fld', 'Mq', X87_FLOAT, 'fldl');
  ld('Fld_Mt', mem(0xdb, 5), 'fld', 'Mt', X87_FLOAT, 'fldt');
  ld('Fld_STi', reg(0xd9, 0), 'fld', 'STi', X87_REG);
  ld('Fild_Mw', mem(0xdf, 0), 'fild', 'Mw', X87_INT, 'filds');
  ld('Fild_Md', mem(0xdb, 0), 'fild', 'Md', X87_INT, 'fildl');
  ld('Fild_Mq', mem(0xdf, 5), 'fild', 'Mq', X87_INT, 'fildll');
  ld('Fbld_Mt', mem(0xdf, 4), 'fbld', 'Mt', X87_BCD);
  st('Fst_Md', mem(0xd9, 2), 'fst', '=Md', X87_FLOAT, 'fsts');
  st('Fstp_Md', mem(0xd9, 3), 'fstp', '=Md', X87_FLOAT | STORE_POP, 'fstps');
  st('Fst_Mq', mem(0xdd, 2), 'fst', '=Mq', X87_FLOAT, 'fstl');
  st('Fstp_Mq', mem(0xdd, 3), 'fstp', '=Mq', X87_FLOAT | STORE_POP, 'fstpl');
  st('Fstp_Mt', mem(0xdb, 7), 'fstp', '=Mt', X87_FLOAT | STORE_POP, 'fstpt');
  st('Fst_STi', reg(0xdd, 2), 'fst', 'STi', X87_REG);
  st('Fstp_STi', reg(0xdd, 3), 'fstp', 'STi', X87_REG | STORE_POP);
  st('Fstp1_STi', reg(0xd9, 3), 'fstp1', 'STi', X87_REG | STORE_POP | STORE_RAW, '(bad)');
  st('Fstp8_STi', reg(0xdf, 2), 'fstp8', 'STi', X87_REG | STORE_POP, '(bad)');
  st('Fstp9_STi', reg(0xdf, 3), 'fstp9', 'STi', X87_REG | STORE_POP, '(bad)');
  st('Fist_Mw', mem(0xdf, 2), 'fist', '=Mw', X87_INT, 'fists');
  st('Fistp_Mw', mem(0xdf, 3), 'fistp', '=Mw', X87_INT | STORE_POP, 'fistps');
  st('Fist_Md', mem(0xdb, 2), 'fist', '=Md', X87_INT, 'fistl');
  st('Fistp_Md', mem(0xdb, 3), 'fistp', '=Md', X87_INT | STORE_POP, 'fistpl');
  st('Fistp_Mq', mem(0xdf, 7), 'fistp', '=Mq', X87_INT | STORE_POP, 'fistpll');
  st('Fisttp_Mw', mem(0xdf, 1), 'fisttp', '=Mw', X87_TRUNC | STORE_POP, 'fisttps');
  st('Fisttp_Md', mem(0xdb, 1), 'fisttp', '=Md', X87_TRUNC | STORE_POP, 'fisttpl');
  st('Fisttp_Mq', mem(0xdd, 1), 'fisttp', '=Mq', X87_TRUNC | STORE_POP, 'fisttpll');
  st('Fbstp_Mt', mem(0xdf, 6), 'fbstp', '=Mt', X87_BCD | STORE_POP);

  // ---- FCMOVcc ST(0), ST(i) (DA: B E BE U; DB: the negations); flags tested as Jcc
  const fcmov = [['b', 2, 'c'], ['e', 4, 'z'], ['be', 6, 'cz'], ['u', 10, 'p']] as const;
  fcmov.forEach(([cc, code, test], k) => {
    add(row(`Fcmov${cc}_ST_STi`, reg(0xda, k), `fcmov${cc}`, '+ST,STi', 'fcmov', x87({ param: code, test })));
    add(row(`Fcmovn${cc}_ST_STi`, reg(0xdb, k), `fcmovn${cc}`, '+ST,STi', 'fcmov', x87({ param: code ^ 1, test })));
  });

  // ---- one-operand and stack operations
  const un = (id: string, enc: string, m: string, param: number) => add(row(id, enc, m, '', 'x87Unary', x87({ param })));
  un('Fchs', one(0xd9, 4, 0), 'fchs', U_CHS);
  un('Fabs', one(0xd9, 4, 1), 'fabs', U_ABS);
  un('Fxam', one(0xd9, 4, 5), 'fxam', U_XAM);
  un('Fxtract', one(0xd9, 6, 4), 'fxtract', U_XTRACT);
  un('Fprem1', one(0xd9, 6, 5), 'fprem1', U_PREM1);
  un('Fprem', one(0xd9, 7, 0), 'fprem', U_PREM);
  un('Fsqrt', one(0xd9, 7, 2), 'fsqrt', U_SQRT);
  un('Frndint', one(0xd9, 7, 4), 'frndint', U_RNDINT);
  un('Fscale', one(0xd9, 7, 5), 'fscale', U_SCALE);
  ['fld1', 'fldl2t', 'fldl2e', 'fldpi', 'fldlg2', 'fldln2', 'fldz'].forEach((m, k) =>
    add(row(cap(m), one(0xd9, 5, k), m, '', 'x87Const', x87({ param: k }))));
  const stk = (id: string, enc: string, m: string, ops: string, param: number, name?: string) =>
    add(row(id, enc, m, ops, 'x87Stack', x87({ param, att: name ? { name } : {} })));
  stk('Fxch_STi', reg(0xd9, 1), 'fxch', 'STi', S_FXCH);
  stk('Fxch4_STi', reg(0xdd, 1), 'fxch4', 'STi', S_FXCH, '(bad)');
  stk('Fxch7_STi', reg(0xdf, 1), 'fxch7', 'STi', S_FXCH, '(bad)');
  stk('Fincstp', one(0xd9, 6, 7), 'fincstp', '', S_INCSTP);
  stk('Fdecstp', one(0xd9, 6, 6), 'fdecstp', '', S_DECSTP);
  stk('Ffree_STi', reg(0xdd, 0), 'ffree', 'STi', S_FREE);
  stk('Ffreep_STi', reg(0xdf, 0), 'ffreep', 'STi', S_FREEP);
  stk('Fnop', one(0xd9, 2, 0), 'fnop', '', S_NOP);

  // ---- control (FN forms do not wait for a pending exception; FLDCW does)
  const ctl = (id: string, enc: string, m: string, ops: string, param: number, name?: string) =>
    add(row(id, enc, m, ops, 'x87Control', x87({ param, att: name ? { name } : {} })));
  ctl('Fninit', one(0xdb, 4, 3), 'fninit', '', C_INIT);
  ctl('Fnclex', one(0xdb, 4, 2), 'fnclex', '', C_CLEX);
  ctl('Fneni', one(0xdb, 4, 0), 'fneni(8087 only)', '', C_NOP);
  ctl('Fndisi', one(0xdb, 4, 1), 'fndisi(8087 only)', '', C_NOP);
  ctl('Fnsetpm', one(0xdb, 4, 4), 'fnsetpm(287 only)', '', C_NOP);
  ctl('Fldcw_Mw', mem(0xd9, 5), 'fldcw', 'Mw', C_LDCW);
  ctl('Fnstcw_Mw', mem(0xd9, 7), 'fnstcw', '=Mw', C_STCW);
  ctl('Fnstsw_Mw', mem(0xdd, 7), 'fnstsw', '=Mw', C_STSW);
  ctl('Fnstsw_AX', one(0xdf, 4, 0), 'fnstsw', '=AX', C_STSW_AX);
  // 66 selects the 16-bit layout: objdump prints fnstenvs, fldenvs, fnsaves, frstors
  const env = (id: string, enc: string, m: string, ops: string, param: number) =>
    add(row(id, enc, m, ops, 'x87Env', x87({ param, att: { name16: `${m}s` } })));
  env('Fnstenv_M', mem(0xd9, 6), 'fnstenv', '=M', E_STENV);
  env('Fldenv_M', mem(0xd9, 4), 'fldenv', 'M', E_LDENV);
  env('Fnsave_M', mem(0xdd, 6), 'fnsave', '=M', E_SAVE);
  env('Frstor_M', mem(0xdd, 4), 'frstor', 'M', E_RSTOR);

  // ---- FXSAVE / FXRSTOR (0F AE /0, /1; REX.W: the 64-bit layout)
  const fx = { feature: 'fxsr', exc: 'fxsr' } as const;
  add(row('Fxsave_M', '0F AE /0 mod=mem', 'fxsave', '=M', 'fxsave', { ...fx, att: { name: 'fxsave|fxsave|fxsave64' } }));
  add(row('Fxrstor_M', '0F AE /1 mod=mem', 'fxrstor', 'M', 'fxrstor', { ...fx, att: { name: 'fxrstor|fxrstor|fxrstor64' } }));

  // ---- XSAVE / XRSTOR (0F AE /4, /5; REX.W: the 64-bit legacy layout), XGETBV / XSETBV (0F 01 D0, D1)
  const xs = { feature: 'xsave', exc: 'xsave' } as const;
  add(row('Xsave_M', '0F AE /4 mod=mem', 'xsave', '=M', 'xsave', { ...xs, att: { name: 'xsave|xsave|xsave64' } }));
  add(row('Xrstor_M', '0F AE /5 mod=mem', 'xrstor', 'M', 'xrstor', { ...xs, att: { name: 'xrstor|xrstor|xrstor64' } }));
  // XSAVEOPT (0F AE /6; 66 0F AE /6 is CLWB, not in the model, and F2/F3 are #UD: undefined.ts),
  // XSAVEC (0F C7 /4), XSAVES and XRSTORS (0F C7 /5, /3; CPL 0); 66/F2/F3 on 0F C7 /3-/5 are #UD (undefined.ts)
  add(row('Xsaveopt_M', '0F AE /6 mod=mem', 'xsaveopt', '=M', 'xsaveopt', { feature: 'xsaveopt', exc: 'xsave', att: { name: 'xsaveopt|xsaveopt|xsaveopt64' } }));
  add(row('Xsavec_M', '0F C7 /4 mod=mem', 'xsavec', '=M', 'xsavec', { feature: 'xsavec', exc: 'xsave', att: { name: 'xsavec|xsavec|xsavec64' } }));
  add(row('Xsaves_M', '0F C7 /5 mod=mem', 'xsaves', '=M', 'xsaves', { attrs: 'priv', feature: 'xsaves', exc: 'xsave', att: { name: 'xsaves|xsaves|xsaves64' } }));
  add(row('Xrstors_M', '0F C7 /3 mod=mem', 'xrstors', 'M', 'xrstors', { attrs: 'priv', feature: 'xsaves', exc: 'xsave', att: { name: 'xrstors|xrstors|xrstors64' } }));
  add(row('Xgetbv', '0F 01 /2 mod=reg rm=0', 'xgetbv', '', 'xgetbv', { feature: 'xsave', exc: 'osxsave' }));
  add(row('Xsetbv', '0F 01 /2 mod=reg rm=1', 'xsetbv', '', 'xsetbv', { attrs: 'priv', feature: 'xsave', exc: 'osxsave' }));

  // ---- transcendentals (values: src/fpu/transcendental.ts)
  const tr = (id: string, enc: string, m: string, param: number) => add(row(id, enc, m, '', 'x87Trans', x87({ param })));
  tr('F2xm1', one(0xd9, 6, 0), 'f2xm1', T_2XM1);
  tr('Fyl2x', one(0xd9, 6, 1), 'fyl2x', T_YL2X);
  tr('Fptan', one(0xd9, 6, 2), 'fptan', T_PTAN);
  tr('Fpatan', one(0xd9, 6, 3), 'fpatan', T_PATAN);
  tr('Fyl2xp1', one(0xd9, 7, 1), 'fyl2xp1', T_YL2XP1);
  tr('Fsincos', one(0xd9, 7, 3), 'fsincos', T_SINCOS);
  tr('Fsin', one(0xd9, 7, 6), 'fsin', T_SIN);
  tr('Fcos', one(0xd9, 7, 7), 'fcos', T_COS);
  return rows;
}
