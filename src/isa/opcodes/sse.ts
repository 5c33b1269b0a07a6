// Rows: SSE and SSE2 data movement and the SSE2 packed-integer, logical and
// shuffle instructions on XMM registers (SDM Vol. 2 entries; mandatory
// prefixes select them, table.ts `p=`). Packed forms with a 16-byte memory
// operand need it aligned (`a16`) except the explicitly unaligned moves.
// The MMX forms of the same opcodes (no prefix, MM registers) and the
// floating-point arithmetic stay placeholders (undefined.ts).
import { row, type OpcodeRow, type RowOptions } from '../table.js';
import { vecOp, type VecOp } from '../vector-ops.js';
import { cap } from './row-text.js';

export function sseRows(): OpcodeRow[] {
  const rows: OpcodeRow[] = [];
  const add = (r: OpcodeRow) => { rows.push(r); };
  const sse = (o: RowOptions = {}): RowOptions => ({ feature: 'sse', exc: 'sse', ...o });
  const sse2 = (o: RowOptions = {}): RowOptions => ({ feature: 'sse2', exc: 'sse', ...o });

  // ---- full-register moves (MOVAPS … MOVDQU, MOVNT*)
  for (const [m, p, aligned, f] of [['movups', 'none', false, 'sse'], ['movupd', '66', false, 'sse2'], ['movaps', 'none', true, 'sse'],
    ['movapd', '66', true, 'sse2']] as const) {
    const op = m.startsWith('movu') ? 0x10 : 0x28;
    const o: RowOptions = { feature: f, exc: 'sse', attrs: aligned ? 'a16' : '' };
    add(row(`${cap(m)}_Vdq_Wdq`, `p=${p} 0F ${op.toString(16).toUpperCase()}`, m, '=Vdq,Wdq', 'movVec', o));
    add(row(`${cap(m)}_Wdq_Vdq`, `p=${p} 0F ${(op + 1).toString(16).toUpperCase()}`, m, '=Wdq,Vdq', 'movVec', o));
  }
  add(row('Movdqa_Vdq_Wdq', 'p=66 0F 6F', 'movdqa', '=Vdq,Wdq', 'movVec', sse2({ attrs: 'a16' })));
  add(row('Movdqa_Wdq_Vdq', 'p=66 0F 7F', 'movdqa', '=Wdq,Vdq', 'movVec', sse2({ attrs: 'a16' })));
  add(row('Movdqu_Vdq_Wdq', 'p=F3 0F 6F', 'movdqu', '=Vdq,Wdq', 'movVec', sse2()));
  add(row('Movdqu_Wdq_Vdq', 'p=F3 0F 7F', 'movdqu', '=Wdq,Vdq', 'movVec', sse2()));
  add(row('Movntps_Mdq_Vdq', 'p=none 0F 2B mod=mem', 'movntps', '=Wdq,Vdq', 'movVec', sse({ attrs: 'a16' })));
  add(row('Movntpd_Mdq_Vdq', 'p=66 0F 2B mod=mem', 'movntpd', '=Wdq,Vdq', 'movVec', sse2({ attrs: 'a16' })));
  add(row('Movntdq_Mdq_Vdq', 'p=66 0F E7 mod=mem', 'movntdq', '=Wdq,Vdq', 'movVec', sse2({ attrs: 'a16' })));

  // ---- scalar moves: register to register merges the low element; a load zeroes the rest
  for (const [m, p, size, s, f] of [['movss', 'F3', 4, 'd', 'sse'], ['movsd', 'F2', 8, 'q', 'sse2']] as const) {
    const o: RowOptions = { feature: f, exc: 'sse', param: size };
    add(row(`${cap(m)}_Vdq_U${s}`, `p=${p} 0F 10 mod=reg`, m, `+Vdq,U${s}`, 'movScalar', o));
    add(row(`${cap(m)}_Vdq_M${s}`, `p=${p} 0F 10 mod=mem`, m, `=Vdq,W${s}`, 'movScalar', o));
    add(row(`${cap(m)}_U${s}_Vdq`, `p=${p} 0F 11 mod=reg`, m, `+U${s},Vdq`, 'movScalar', o));
    add(row(`${cap(m)}_M${s}_Vdq`, `p=${p} 0F 11 mod=mem`, m, `=W${s},Vdq`, 'movScalar', o));
  }

  // ---- half moves; param: source qword | destination qword << 1
  for (const [m, p, f] of [['movlps', 'none', 'sse'], ['movlpd', '66', 'sse2']] as const) {
    add(row(`${cap(m)}_Vdq_Mq`, `p=${p} 0F 12 mod=mem`, m, '+Vdq,Wq', 'movHalf', { feature: f, exc: 'sse', param: 0 }));
    add(row(`${cap(m)}_Mq_Vdq`, `p=${p} 0F 13 mod=mem`, m, '=Wq,Vdq', 'movHalf', { feature: f, exc: 'sse', param: 0 }));
  }
  for (const [m, p, f] of [['movhps', 'none', 'sse'], ['movhpd', '66', 'sse2']] as const) {
    add(row(`${cap(m)}_Vdq_Mq`, `p=${p} 0F 16 mod=mem`, m, '+Vdq,Wq', 'movHalf', { feature: f, exc: 'sse', param: 2 }));
    add(row(`${cap(m)}_Mq_Vdq`, `p=${p} 0F 17 mod=mem`, m, '=Wq,Vdq', 'movHalf', { feature: f, exc: 'sse', param: 1 }));
  }
  add(row('Movhlps_Vdq_Udq', 'p=none 0F 12 mod=reg', 'movhlps', '+Vdq,Udq', 'movHalf', sse({ param: 1 })));
  add(row('Movlhps_Vdq_Udq', 'p=none 0F 16 mod=reg', 'movlhps', '+Vdq,Udq', 'movHalf', sse({ param: 2 })));
  for (const op of ['12', '13', '16', '17']) add(row(`Ud_66_0F${op}_reg`, `p=66 0F ${op} mod=reg`, '(bad)', 'Ev', 'ud'));
  for (const op of ['13', '17']) add(row(`Ud_0F${op}_reg`, `p=none 0F ${op} mod=reg`, '(bad)', 'Ev', 'ud'));
  add(row('Ud_0F2B_reg', 'p=none 0F 2B mod=reg', '(bad)', 'Ev', 'ud'));
  add(row('Ud_66_0F2B_reg', 'p=66 0F 2B mod=reg', '(bad)', 'Ev', 'ud'));
  add(row('Ud_66_0FE7_reg', 'p=66 0F E7 mod=reg', '(bad)', 'Ev', 'ud'));

  // ---- between general registers (or memory) and XMM registers
  add(row('Movd_Vdq_Ey', 'p=66 0F 6E', 'movd', '=Vdq,Ey', 'movGprXmm', sse2({ att: { name: 'movd|movd|movq' } })));
  add(row('Movd_Ey_Vdq', 'p=66 0F 7E', 'movd', '=Ey,Vdq', 'movGprXmm', sse2({ att: { name: 'movd|movd|movq' } })));
  add(row('Movq_Vdq_Wq', 'p=F3 0F 7E', 'movq', '=Vdq,Wq', 'movqXmm', sse2()));
  add(row('Movq_Wq_Vdq', 'p=66 0F D6', 'movq', '=Wq,Vdq', 'movqXmm', sse2()));
  add(row('Movmskps_Gy_Udq', 'p=none 0F 50 mod=reg', 'movmskps', '=Gy,Udq', 'movmsk', sse({ param: 4 })));
  add(row('Movmskpd_Gy_Udq', 'p=66 0F 50 mod=reg', 'movmskpd', '=Gy,Udq', 'movmsk', sse2({ param: 8 })));
  add(row('Pmovmskb_Gy_Udq', 'p=66 0F D7 mod=reg', 'pmovmskb', '=Gy,Udq', 'movmsk', sse2({ param: 1 })));
  add(row('Ud_0F50_mem', 'p=none 0F 50 mod=mem', '(bad)', 'Ev', 'ud'));
  add(row('Ud_66_0F50_mem', 'p=66 0F 50 mod=mem', '(bad)', 'Ev', 'ud'));
  add(row('Ud_66_0FD7_mem', 'p=66 0F D7 mod=mem', '(bad)', 'Ev', 'ud'));
  add(row('Maskmovdqu_Vdq_Udq', 'p=66 0F F7 mod=reg', 'maskmovdqu', 'Vdq,Udq', 'maskmovdqu', sse2()));
  add(row('Ud_66_0FF7_mem', 'p=66 0F F7 mod=mem', '(bad)', 'Ev', 'ud'));
  add(row('Pinsrw_Vdq_Ed_Ib', 'p=66 0F C4 mod=reg', 'pinsrw', '+Vdq,Ed,Ib', 'pinsrw', sse2()));
  add(row('Pinsrw_Vdq_Mw_Ib', 'p=66 0F C4 mod=mem', 'pinsrw', '+Vdq,Mw,Ib', 'pinsrw', sse2()));
  add(row('Pextrw_Gy_Udq_Ib', 'p=66 0F C5 mod=reg', 'pextrw', '=Gd,Udq,Ib', 'pextrw', sse2()));
  add(row('Ud_66_0FC5_mem', 'p=66 0F C5 mod=mem', '(bad)', 'Ev,Ib', 'ud'));

  // ---- V ← op(V, W): logical, arithmetic, compare, interleave, pack, shuffle, shift by register
  const vec = (m: string, enc: string, f: 'sse' | 'sse2', op: VecOp, imm = false) =>
    add(row(`${cap(m)}_Vdq_Wdq${imm ? '_Ib' : ''}`, enc, m, imm ? '=Vdq,Wdq,Ib' : '+Vdq,Wdq', 'vecInt', { feature: f, exc: 'sse', attrs: 'a16', param: vecOp(op) }));
  for (const [k, m] of [[0x54, 'and'], [0x55, 'andn'], [0x56, 'or'], [0x57, 'xor']] as const) {
    const op = `p${m}` as VecOp;
    vec(`${m}ps`, `p=none 0F ${k.toString(16).toUpperCase()}`, 'sse', op);
    vec(`${m}pd`, `p=66 0F ${k.toString(16).toUpperCase()}`, 'sse2', op);
  }
  const sse2Ops: [number, VecOp][] = [
    [0x60, 'punpcklbw'], [0x61, 'punpcklwd'], [0x62, 'punpckldq'], [0x63, 'packsswb'], [0x64, 'pcmpgtb'], [0x65, 'pcmpgtw'],
    [0x66, 'pcmpgtd'], [0x67, 'packuswb'], [0x68, 'punpckhbw'], [0x69, 'punpckhwd'], [0x6a, 'punpckhdq'], [0x6b, 'packssdw'],
    [0x6c, 'punpcklqdq'], [0x6d, 'punpckhqdq'], [0x74, 'pcmpeqb'], [0x75, 'pcmpeqw'], [0x76, 'pcmpeqd'],
    [0xd1, 'psrlw'], [0xd2, 'psrld'], [0xd3, 'psrlq'], [0xd4, 'paddq'], [0xd5, 'pmullw'], [0xd8, 'psubusb'], [0xd9, 'psubusw'],
    [0xda, 'pminub'], [0xdb, 'pand'], [0xdc, 'paddusb'], [0xdd, 'paddusw'], [0xde, 'pmaxub'], [0xdf, 'pandn'],
    [0xe0, 'pavgb'], [0xe1, 'psraw'], [0xe2, 'psrad'], [0xe3, 'pavgw'], [0xe4, 'pmulhuw'], [0xe5, 'pmulhw'],
    [0xe8, 'psubsb'], [0xe9, 'psubsw'], [0xea, 'pminsw'], [0xeb, 'por'], [0xec, 'paddsb'], [0xed, 'paddsw'], [0xee, 'pmaxsw'], [0xef, 'pxor'],
    [0xf1, 'psllw'], [0xf2, 'pslld'], [0xf3, 'psllq'], [0xf4, 'pmuludq'], [0xf5, 'pmaddwd'], [0xf6, 'psadbw'],
    [0xf8, 'psubb'], [0xf9, 'psubw'], [0xfa, 'psubd'], [0xfb, 'psubq'], [0xfc, 'paddb'], [0xfd, 'paddw'], [0xfe, 'paddd'],
  ];
  for (const [k, m] of sse2Ops) vec(m, `p=66 0F ${k.toString(16).toUpperCase()}`, 'sse2', m);
  vec('unpcklps', 'p=none 0F 14', 'sse', 'punpckldq');
  vec('unpckhps', 'p=none 0F 15', 'sse', 'punpckhdq');
  vec('unpcklpd', 'p=66 0F 14', 'sse2', 'punpcklqdq');
  vec('unpckhpd', 'p=66 0F 15', 'sse2', 'punpckhqdq');
  vec('pshufd', 'p=66 0F 70', 'sse2', 'pshufd', true);
  vec('pshufhw', 'p=F3 0F 70', 'sse2', 'pshufhw', true);
  vec('pshuflw', 'p=F2 0F 70', 'sse2', 'pshuflw', true);
  add(row('Shufps_Vdq_Wdq_Ib', 'p=none 0F C6', 'shufps', '+Vdq,Wdq,Ib', 'vecInt', sse({ attrs: 'a16', param: vecOp('shufps') })));
  add(row('Shufpd_Vdq_Wdq_Ib', 'p=66 0F C6', 'shufpd', '+Vdq,Wdq,Ib', 'vecInt', sse2({ attrs: 'a16', param: vecOp('shufpd') })));

  // ---- shifts by an immediate: 66 0F 71 /2 /4 /6, 72 /2 /4 /6, 73 /2 /3 /6 /7 (register forms; the rest #UD)
  const groups: [number, [number, string, VecOp][]][] = [
    [0x71, [[2, 'psrlw', 'psrlwi'], [4, 'psraw', 'psrawi'], [6, 'psllw', 'psllwi']]],
    [0x72, [[2, 'psrld', 'psrldi'], [4, 'psrad', 'psradi'], [6, 'pslld', 'pslldi']]],
    [0x73, [[2, 'psrlq', 'psrlqi'], [3, 'psrldq', 'psrldqi'], [6, 'psllq', 'psllqi'], [7, 'pslldq', 'pslldqi']]],
  ];
  for (const [opc, list] of groups) {
    const hex = opc.toString(16).toUpperCase();
    add(row(`Ud_66_0F${hex}`, `p=66 0F ${hex}`, '(bad)', 'Ev,Ib', 'ud'));
    for (const [n, m, op] of list) {
      add(row(`${cap(m)}_Udq_Ib`, `p=66 0F ${hex} /${n} mod=reg`, m, '+Udq,Ib', 'vecShiftImm', sse2({ param: vecOp(op) })));
    }
  }

  // ---- SSE3 data movement: MOVSLDUP, MOVSHDUP, MOVDDUP (m64), LDDQU (an unaligned load)
  const sse3 = { feature: 'sse3', exc: 'sse' } as const;
  add(row('Movsldup_Vdq_Wdq', 'p=F3 0F 12', 'movsldup', '=Vdq,Wdq', 'vecInt', { ...sse3, attrs: 'a16', param: vecOp('movsldup') }));
  add(row('Movshdup_Vdq_Wdq', 'p=F3 0F 16', 'movshdup', '=Vdq,Wdq', 'vecInt', { ...sse3, attrs: 'a16', param: vecOp('movshdup') }));
  add(row('Movddup_Vdq_Wq', 'p=F2 0F 12', 'movddup', '=Vdq,Wq', 'vecInt', { ...sse3, param: vecOp('movddup') }));
  add(row('Lddqu_Vdq_Mdq', 'p=F2 0F F0 mod=mem', 'lddqu', '=Vdq,Wdq', 'movVec', sse3));
  add(row('Ud_F2_0FF0_reg', 'p=F2 0F F0 mod=reg', '(bad)', 'Ev', 'ud'));

  // ---- MXCSR (SDM LDMXCSR/STMXCSR); MOVNTI
  add(row('Ldmxcsr_M', '0F AE /2 mod=mem', 'ldmxcsr', 'Md', 'ldmxcsr', sse()));
  add(row('Stmxcsr_M', '0F AE /3 mod=mem', 'stmxcsr', '=Md', 'stmxcsr', sse()));
  add(row('Movnti_My_Gy', 'p=none 0F C3 mod=mem', 'movnti', '=My,Gy', 'mov', { feature: 'sse2' }));
  add(row('Ud_0FC3_reg', 'p=none 0F C3 mod=reg', '(bad)', 'Ev', 'ud'));
  for (const p of ['66', 'F3', 'F2']) add(row(`Ud_${p}_0FC3`, `p=${p} 0F C3`, '(bad)', 'Ev', 'ud'));
  return rows;
}
