// Rows: SSSE3 and the SSE4.1 integer instructions, SSE4.2 PCMPGTQ (66 0F 38 and
// 66 0F 3A; SDM Vol. 2 entries). The unprefixed SSSE3 forms (MM registers) stay
// placeholders (undefined.ts). Packed forms with an m128 operand need it
// aligned (`a16`); PMOVSX/PMOVZX read 2, 4 or 8 bytes, unaligned.
import { row, type OpcodeRow } from '../table.js';
import type { FeatureName } from '../features.js';
import { vecOp, type VecOp } from '../vector-ops.js';
import { cap, hex } from './row-text.js';

export function sse4Rows(): OpcodeRow[] {
  const rows: OpcodeRow[] = [];
  const add = (r: OpcodeRow) => { rows.push(r); };
  const vec = (map: '38' | '3A', op: number, m: VecOp, feature: FeatureName, src = 'Wdq', xmm0 = false) => {
    const imm = map === '3A';
    add(row(`${cap(m)}_Vdq_${src}${imm ? '_Ib' : ''}`, `p=66 0F ${map} ${hex(op)}`, m, `+Vdq,${src}${imm ? ',Ib' : ''}`, 'vecInt',
      { feature, exc: 'sse', attrs: src === 'Wdq' ? 'a16' : '', param: vecOp(m), att: xmm0 ? { xmm0: true } : undefined }));
  };
  const ssse3: [number, VecOp][] = [[0x00, 'pshufb'], [0x01, 'phaddw'], [0x02, 'phaddd'], [0x03, 'phaddsw'], [0x04, 'pmaddubsw'],
    [0x05, 'phsubw'], [0x06, 'phsubd'], [0x07, 'phsubsw'], [0x08, 'psignb'], [0x09, 'psignw'], [0x0a, 'psignd'], [0x0b, 'pmulhrsw'],
    [0x1c, 'pabsb'], [0x1d, 'pabsw'], [0x1e, 'pabsd']];
  for (const [op, m] of ssse3) vec('38', op, m, 'ssse3');
  vec('3A', 0x0f, 'palignr', 'ssse3');

  for (const [op, m] of [[0x10, 'pblendvb'], [0x14, 'blendvps'], [0x15, 'blendvpd']] as const) vec('38', op, m, 'sse41', 'Wdq', true);
  const widen: [number, string, string][] = [[0x20, 'bw', 'q'], [0x21, 'bd', 'd'], [0x22, 'bq', 'w'], [0x23, 'wd', 'q'], [0x24, 'wq', 'd'], [0x25, 'dq', 'q']];
  for (const [op, lanes, size] of widen) {
    vec('38', op, `pmovsx${lanes}` as VecOp, 'sse41', `W${size}`);
    vec('38', op + 0x10, `pmovzx${lanes}` as VecOp, 'sse41', `W${size}`);
  }
  const sse41: [number, VecOp][] = [[0x28, 'pmuldq'], [0x29, 'pcmpeqq'], [0x2b, 'packusdw'], [0x38, 'pminsb'], [0x39, 'pminsd'],
    [0x3a, 'pminuw'], [0x3b, 'pminud'], [0x3c, 'pmaxsb'], [0x3d, 'pmaxsd'], [0x3e, 'pmaxuw'], [0x3f, 'pmaxud'], [0x40, 'pmulld'],
    [0x41, 'phminposuw']];
  for (const [op, m] of sse41) vec('38', op, m, 'sse41');
  vec('38', 0x37, 'pcmpgtq', 'sse42');
  add(row('Ptest_Vdq_Wdq', 'p=66 0F 38 17', 'ptest', 'Vdq,Wdq', 'ptest', { feature: 'sse41', exc: 'sse', attrs: 'a16', set: 'oszapc' }));
  add(row('Movntdqa_Vdq_Mdq', 'p=66 0F 38 2A mod=mem', 'movntdqa', '=Vdq,Wdq', 'movVec', { feature: 'sse41', exc: 'sse', attrs: 'a16' }));
  add(row('Ud_66_0F382A_reg', 'p=66 0F 38 2A mod=reg', '(bad)', 'Ev', 'ud'));

  for (const [op, m] of [[0x0c, 'blendps'], [0x0d, 'blendpd'], [0x0e, 'pblendw'], [0x42, 'mpsadbw']] as const) vec('3A', op, m, 'sse41');
  const o41 = { feature: 'sse41', exc: 'sse' } as const;
  for (const [op, m, size, msize] of [[0x14, 'pextrb', 1, 'b'], [0x15, 'pextrw', 2, 'w'], [0x17, 'extractps', 4, 'd']] as const) {
    add(row(`${cap(m)}_Ed_Vdq_Ib`, `p=66 0F 3A ${hex(op)} mod=reg`, m, '=Ed,Vdq,Ib', 'pextr', { ...o41, param: size }));
    add(row(`${cap(m)}_M${msize}_Vdq_Ib`, `p=66 0F 3A ${hex(op)} mod=mem`, m, `=M${msize},Vdq,Ib`, 'pextr', { ...o41, param: size }));
  }
  add(row('Pextrd_Ey_Vdq_Ib', 'p=66 0F 3A 16', 'pextrd', '=Ey,Vdq,Ib', 'pextr', { ...o41, att: { name: 'pextrd|pextrd|pextrq' } }));
  add(row('Pinsrb_Vdq_Ed_Ib', 'p=66 0F 3A 20 mod=reg', 'pinsrb', '+Vdq,Ed,Ib', 'pinsr', { ...o41, param: 1 }));
  add(row('Pinsrb_Vdq_Mb_Ib', 'p=66 0F 3A 20 mod=mem', 'pinsrb', '+Vdq,Mb,Ib', 'pinsr', { ...o41, param: 1 }));
  add(row('Pinsrd_Vdq_Ey_Ib', 'p=66 0F 3A 22', 'pinsrd', '+Vdq,Ey,Ib', 'pinsr', { ...o41, att: { name: 'pinsrd|pinsrd|pinsrq' } }));
  add(row('Insertps_Vdq_Udq_Ib', 'p=66 0F 3A 21 mod=reg', 'insertps', '+Vdq,Udq,Ib', 'insertps', o41));
  add(row('Insertps_Vdq_Md_Ib', 'p=66 0F 3A 21 mod=mem', 'insertps', '+Vdq,Md,Ib', 'insertps', o41));
  return rows;
}
