// Rows: the MMX forms (no mandatory prefix; P = ModRM.reg MM register, Q = an
// MM register or m64, N = an MM register) that are not the low half of an XMM
// operation — packs, high unpacks, the SSSE3 horizontal operations, PSHUFB,
// PALIGNR, PINSRW/PEXTRW/PMOVMSKB, MOVNTQ, MASKMOVQ — and the SSE/SSE2
// instructions with an MMX operand (SDM Vol. 2 entries). Executors: exec/mmx-more.ts.
import { row, type OpcodeRow, type RowOptions } from '../table.js';
import { vecOp, type VecOp } from '../vector-ops.js';
import type { FeatureName } from '../features.js';
import { cap, hex } from './row-text.js';

export function mmxMoreRows(): OpcodeRow[] {
  const rows: OpcodeRow[] = [];
  const add = (r: OpcodeRow) => { rows.push(r); };
  const o = (feature: FeatureName, extra: RowOptions = {}): RowOptions => ({ feature, exc: 'mmx', ...extra });
  for (const [k, m] of [[0x63, 'packsswb'], [0x6b, 'packssdw'], [0x67, 'packuswb']] as const) {
    add(row(`${cap(m)}_Pq_Qq`, `p=none 0F ${hex(k)}`, m, '+Pq,Qq', 'mmxPair', o('mmx', { param: vecOp(m) })));
  }
  for (const [k, m, low] of [[0x68, 'punpckhbw', 'punpcklbw'], [0x69, 'punpckhwd', 'punpcklwd'], [0x6a, 'punpckhdq', 'punpckldq']] as const) {
    add(row(`${cap(m)}_Pq_Qq`, `p=none 0F ${hex(k)}`, m, '+Pq,Qq', 'mmxUnpackHigh', o('mmx', { param: vecOp(low as VecOp) })));
  }
  for (const [k, m] of [[0x01, 'phaddw'], [0x02, 'phaddd'], [0x03, 'phaddsw'], [0x05, 'phsubw'], [0x06, 'phsubd'], [0x07, 'phsubsw']] as const) {
    add(row(`${cap(m)}_Pq_Qq`, `p=none 0F 38 ${hex(k)}`, m, '+Pq,Qq', 'mmxPair', o('ssse3', { param: vecOp(m) })));
  }
  add(row('Pshufb_Pq_Qq', 'p=none 0F 38 00', 'pshufb', '+Pq,Qq', 'pshufbMmx', o('ssse3')));
  add(row('Palignr_Pq_Qq_Ib', 'p=none 0F 3A 0F', 'palignr', '+Pq,Qq,Ib', 'palignrMmx', o('ssse3')));
  add(row('Pinsrw_Pq_Ed_Ib', 'p=none 0F C4 mod=reg', 'pinsrw', '+Pq,Ed,Ib', 'pinsrwMmx', o('sse')));
  add(row('Pinsrw_Pq_Mw_Ib', 'p=none 0F C4 mod=mem', 'pinsrw', '+Pq,Mw,Ib', 'pinsrwMmx', o('sse')));
  add(row('Pextrw_Gd_Nq_Ib', 'p=none 0F C5 mod=reg', 'pextrw', '=Gd,Nq,Ib', 'mmxToGpr', o('sse', { param: 0 })));
  add(row('Ud_0FC5_mem', 'p=none 0F C5 mod=mem', '(bad)', 'Ev,Ib', 'ud'));
  add(row('Pmovmskb_Gy_Nq', 'p=none 0F D7 mod=reg', 'pmovmskb', '=Gy,Nq', 'mmxToGpr', o('sse', { param: 1 })));
  add(row('Ud_0FD7_mem', 'p=none 0F D7 mod=mem', '(bad)', 'Ev', 'ud'));
  add(row('Movntq_Mq_Pq', 'p=none 0F E7 mod=mem', 'movntq', '=Mq,Pq', 'movntq', o('sse')));
  add(row('Ud_0FE7_reg', 'p=none 0F E7 mod=reg', '(bad)', 'Ev', 'ud'));
  add(row('Maskmovq_Pq_Nq', 'p=none 0F F7 mod=reg', 'maskmovq', 'Pq,Nq', 'maskmovq', o('sse')));
  add(row('Ud_0FF7_mem', 'p=none 0F F7 mod=mem', '(bad)', 'Ev', 'ud'));
  // SSE/SSE2 with an MMX operand (exception class sse: #UD without CR4.OSFXSR; #MF for a pending x87 exception)
  const sse = (f: FeatureName, param: number, a16 = false): RowOptions => ({ feature: f, exc: 'sse', param, attrs: a16 ? 'a16' : '' });
  add(row('Cvtpi2ps_Vdq_Qq', 'p=none 0F 2A', 'cvtpi2ps', '+Vdq,Qq', 'mmxSse', sse('sse', 0)));
  add(row('Cvtps2pi_Pq_Wq', 'p=none 0F 2D', 'cvtps2pi', '=Pq,Wq', 'mmxSse', sse('sse', 1)));
  add(row('Cvttps2pi_Pq_Wq', 'p=none 0F 2C', 'cvttps2pi', '=Pq,Wq', 'mmxSse', sse('sse', 2)));
  add(row('Cvtpi2pd_Vdq_Qq', 'p=66 0F 2A', 'cvtpi2pd', '=Vdq,Qq', 'mmxSse', sse('sse2', 3)));
  add(row('Cvtpd2pi_Pq_Wdq', 'p=66 0F 2D', 'cvtpd2pi', '=Pq,Wdq', 'mmxSse', sse('sse2', 4, true)));
  add(row('Cvttpd2pi_Pq_Wdq', 'p=66 0F 2C', 'cvttpd2pi', '=Pq,Wdq', 'mmxSse', sse('sse2', 5, true)));
  add(row('Movq2dq_Vdq_Nq', 'p=F3 0F D6 mod=reg', 'movq2dq', '=Vdq,Nq', 'mmxSse', { ...sse('sse2', 6), att: { xmmWith66: true } }));
  add(row('Movdq2q_Pq_Udq', 'p=F2 0F D6 mod=reg', 'movdq2q', '=Pq,Udq', 'mmxSse', { ...sse('sse2', 7), att: { xmmWith66: true } }));
  for (const p of ['F3', 'F2']) add(row(`Ud_${p}_0FD6_mem`, `p=${p} 0F D6 mod=mem`, '(bad)', 'Ev', 'ud'));
  return rows;
}
