// Rows: the MMX forms (no mandatory prefix, MM registers: P = ModRM.reg, Q = ModRM.rm register or
// m64, N = ModRM.rm register) of the packed-integer instructions whose 64-bit result is the low
// half of the XMM operation (lane-wise arithmetic, compares, logic, the low unpacks, shifts,
// PSHUFW), MOVD/MOVQ and EMMS (SDM Vol. 2 entries; exception class mmx: #UD with CR0.EM, #NM
// with CR0.TS). The packs, the high unpacks, PSHUFB, PHADD*/PHSUB*, PALIGNR, PINSRW/PEXTRW,
// PMOVMSKB, MOVNTQ and MASKMOVQ in their MMX forms stay placeholders (emulation-failure).
import { row, type OpcodeRow, type RowOptions } from '../table.js';
import { vecOp, type VecOp } from '../vector-ops.js';
import type { FeatureName } from '../features.js';
import { cap, hex } from './row-text.js';

export function mmxRows(): OpcodeRow[] {
  const rows: OpcodeRow[] = [];
  const add = (r: OpcodeRow) => { rows.push(r); };
  const o = (feature: FeatureName, extra: RowOptions = {}): RowOptions => ({ feature, exc: 'mmx', ...extra });
  const ops: [number, VecOp, FeatureName][] = [
    [0x60, 'punpcklbw', 'mmx'], [0x61, 'punpcklwd', 'mmx'], [0x62, 'punpckldq', 'mmx'],
    [0x64, 'pcmpgtb', 'mmx'], [0x65, 'pcmpgtw', 'mmx'], [0x66, 'pcmpgtd', 'mmx'],
    [0x74, 'pcmpeqb', 'mmx'], [0x75, 'pcmpeqw', 'mmx'], [0x76, 'pcmpeqd', 'mmx'],
    [0xd1, 'psrlw', 'mmx'], [0xd2, 'psrld', 'mmx'], [0xd3, 'psrlq', 'mmx'], [0xd4, 'paddq', 'sse2'], [0xd5, 'pmullw', 'mmx'],
    [0xd8, 'psubusb', 'mmx'], [0xd9, 'psubusw', 'mmx'], [0xda, 'pminub', 'sse'], [0xdb, 'pand', 'mmx'], [0xdc, 'paddusb', 'mmx'],
    [0xdd, 'paddusw', 'mmx'], [0xde, 'pmaxub', 'sse'], [0xdf, 'pandn', 'mmx'],
    [0xe0, 'pavgb', 'sse'], [0xe1, 'psraw', 'mmx'], [0xe2, 'psrad', 'mmx'], [0xe3, 'pavgw', 'sse'], [0xe4, 'pmulhuw', 'sse'],
    [0xe5, 'pmulhw', 'mmx'], [0xe8, 'psubsb', 'mmx'], [0xe9, 'psubsw', 'mmx'], [0xea, 'pminsw', 'sse'], [0xeb, 'por', 'mmx'],
    [0xec, 'paddsb', 'mmx'], [0xed, 'paddsw', 'mmx'], [0xee, 'pmaxsw', 'sse'], [0xef, 'pxor', 'mmx'],
    [0xf1, 'psllw', 'mmx'], [0xf2, 'pslld', 'mmx'], [0xf3, 'psllq', 'mmx'], [0xf4, 'pmuludq', 'sse2'], [0xf5, 'pmaddwd', 'mmx'],
    [0xf6, 'psadbw', 'sse'], [0xf8, 'psubb', 'mmx'], [0xf9, 'psubw', 'mmx'], [0xfa, 'psubd', 'mmx'], [0xfb, 'psubq', 'sse2'],
    [0xfc, 'paddb', 'mmx'], [0xfd, 'paddw', 'mmx'], [0xfe, 'paddd', 'mmx'],
  ];
  for (const [k, m, f] of ops) add(row(`${cap(m)}_Pq_Qq`, `p=none 0F ${hex(k)}`, m, '+Pq,Qq', 'mmxInt', o(f, { param: vecOp(m) })));
  // PSHUFW: the low qword of PSHUFLW
  add(row('Pshufw_Pq_Qq_Ib', 'p=none 0F 70', 'pshufw', '=Pq,Qq,Ib', 'mmxInt', o('sse', { param: vecOp('pshuflw') })));
  // SSSE3 lane-wise forms (0F 38)
  const ssse3: [number, VecOp][] = [[0x04, 'pmaddubsw'], [0x08, 'psignb'], [0x09, 'psignw'], [0x0a, 'psignd'], [0x0b, 'pmulhrsw'],
    [0x1c, 'pabsb'], [0x1d, 'pabsw'], [0x1e, 'pabsd']];
  for (const [k, m] of ssse3) add(row(`${cap(m)}_Pq_Qq`, `p=none 0F 38 ${hex(k)}`, m, '+Pq,Qq', 'mmxInt', o('ssse3', { param: vecOp(m) })));
  // shifts by an immediate: 0F 71 /2 /4 /6, 72 /2 /4 /6, 73 /2 /6 (register forms)
  for (const [opc, list] of [[0x71, [[2, 'psrlw', 'psrlwi'], [4, 'psraw', 'psrawi'], [6, 'psllw', 'psllwi']]],
    [0x72, [[2, 'psrld', 'psrldi'], [4, 'psrad', 'psradi'], [6, 'pslld', 'pslldi']]],
    [0x73, [[2, 'psrlq', 'psrlqi'], [6, 'psllq', 'psllqi']]]] as const) {
    for (const [n, m, op] of list) {
      add(row(`${cap(m)}_Nq_Ib`, `p=none 0F ${hex(opc)} /${n} mod=reg`, m, '+Nq,Ib', 'mmxShiftImm', o('mmx', { param: vecOp(op) })));
    }
  }
  // moves
  add(row('Movd_Pq_Ey', 'p=none 0F 6E', 'movd', '=Pq,Ey', 'mmxMov', o('mmx', { param: 0, att: { name: 'movd|movd|movq' } })));
  add(row('Movd_Ey_Pq', 'p=none 0F 7E', 'movd', '=Ey,Pq', 'mmxMov', o('mmx', { param: 1, att: { name: 'movd|movd|movq' } })));
  add(row('Movq_Pq_Qq', 'p=none 0F 6F', 'movq', '=Pq,Qq', 'mmxMov', o('mmx', { param: 2 })));
  add(row('Movq_Qq_Pq', 'p=none 0F 7F', 'movq', '=Qq,Pq', 'mmxMov', o('mmx', { param: 3 })));
  add(row('Emms', 'p=none 0F 77', 'emms', '', 'emms', o('mmx')));
  for (const p of ['66', 'F3', 'F2']) add(row(`Ud_${p}_0F77`, `p=${p} 0F 77`, '(bad)', '', 'ud')); // host-checked: #UD
  return rows;
}
