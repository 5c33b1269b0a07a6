// Rows: SSE/SSE2/SSE3/SSE4.1 floating-point arithmetic, compares and
// conversions on XMM registers (SDM Vol. 2 entries; mandatory prefixes select
// PS none, PD 66, SS F3, SD F2). Packed forms with a 16-byte memory operand
// need it aligned (`a16`); scalar forms read 4 or 8 bytes. The MMX forms
// (CVTPI2PS, CVTPS2PI, CVTTPS2PI, CVTPI2PD, CVTPD2PI, CVTTPD2PI) stay
// placeholders (undefined.ts).
import { row, type OpcodeRow } from '../table.js';
import { cvtParam, fpParam, type CvtKind, type FpOp } from '../fp-ops.js';
import type { FeatureName } from '../features.js';
import { cap, hex } from './row-text.js';

/** The four forms of an opcode: [suffix, prefix, lane size, scalar, feature, W operand]. */
const FORMS = [
  ['ps', 'none', 4, false, 'sse', 'Wdq'], ['pd', '66', 8, false, 'sse2', 'Wdq'],
  ['ss', 'F3', 4, true, 'sse', 'Wd'], ['sd', 'F2', 8, true, 'sse2', 'Wq'],
] as const;

export function sseFpRows(): OpcodeRow[] {
  const rows: OpcodeRow[] = [];
  const add = (r: OpcodeRow) => { rows.push(r); };

  // ---- arithmetic: V = op(V, W); SQRT: V = sqrt(W) (the scalar forms keep the rest of V)
  for (const [opc, op] of [[0x51, 'sqrt'], [0x58, 'add'], [0x59, 'mul'], [0x5c, 'sub'], [0x5d, 'min'], [0x5e, 'div'], [0x5f, 'max']] as const) {
    for (const [sfx, p, lane, scalar, feature, w] of FORMS) {
      const m = `${op}${sfx}`;
      const dst = op === 'sqrt' && !scalar ? '=Vdq' : '+Vdq';
      add(row(`${cap(m)}_Vdq_${w}`, `p=${p} 0F ${hex(opc)}`, m, `${dst},${w}`, 'vecFp',
        { feature, exc: 'sse', attrs: scalar ? '' : 'a16', param: fpParam(op, lane, scalar) }));
    }
  }
  // ---- RSQRTPS/SS (0F 52), RCPPS/SS (0F 53): the vendor's approximations; param: fpParam << 1 | 1 for RSQRT
  for (const [opc, op, rs] of [[0x52, 'rsqrt', 1], [0x53, 'rcp', 0]] as const) {
    for (const [sfx, p, scalar, w] of [['ps', 'none', false, 'Wdq'], ['ss', 'F3', true, 'Wd']] as const) {
      add(row(`${cap(op)}${sfx}_Vdq_${w}`, `p=${p} 0F ${hex(opc)}`, `${op}${sfx}`, `${scalar ? '+' : '='}Vdq,${w}`, 'vecApprox',
        { feature: 'sse', exc: 'sse', attrs: scalar ? '' : 'a16', param: (fpParam('add', 4, scalar) << 1) | rs }));
    }
  }
  // ---- SSE3: ADDSUBPS/PD, HADDPS/PD, HSUBPS/PD
  for (const [opc, op] of [[0xd0, 'addsub'], [0x7c, 'hadd'], [0x7d, 'hsub']] as const) {
    for (const [sfx, p, lane] of [['ps', 'F2', 4], ['pd', '66', 8]] as const) {
      const m = `${op}${sfx}`;
      add(row(`${cap(m)}_Vdq_Wdq`, `p=${p} 0F ${hex(opc)}`, m, '+Vdq,Wdq', 'vecFp',
        { feature: 'sse3', exc: 'sse', attrs: 'a16', param: fpParam(op as FpOp, lane, false) }));
    }
  }
  // ---- CMPccPS/PD/SS/SD: the predicate is imm8[2:0] (objdump prints cmpltps …, see disasm.ts)
  for (const [sfx, p, lane, scalar, feature, w] of FORMS) {
    add(row(`Cmp${sfx}_Vdq_${w}_Ib`, `p=${p} 0F C2`, `cmp${sfx}`, `+Vdq,${w},Ib`, 'vecFpCmp',
      { feature, exc: 'sse', attrs: scalar ? '' : 'a16', param: fpParam('add', lane, scalar), att: { cmpPredicate: true } }));
  }
  // ---- (U)COMISS/SD: EFLAGS from an unordered (UCOMIS) or signalling (COMIS) compare; param bit 0 = COMIS
  for (const [opc, m, signal] of [[0x2e, 'ucomis', 0], [0x2f, 'comis', 1]] as const) {
    for (const [sfx, p, lane, feature, w] of [['s', 'none', 4, 'sse', 'Wd'], ['d', '66', 8, 'sse2', 'Wq']] as const) {
      add(row(`${cap(m)}${sfx}_Vdq_${w}`, `p=${p} 0F ${hex(opc)}`, `${m}${sfx}`, `Vdq,${w}`, 'comis',
        { feature, exc: 'sse', set: 'oszapc', param: (fpParam('add', lane, true) << 1) | signal }));
    }
  }
  // ---- SSE4.1 ROUNDPS/PD/SS/SD (66 0F 3A 08-0B), DPPS/DPPD (66 0F 3A 40/41)
  for (const [opc, sfx, lane, scalar, w] of [[0x08, 'ps', 4, false, 'Wdq'], [0x09, 'pd', 8, false, 'Wdq'], [0x0a, 'ss', 4, true, 'Wd'], [0x0b, 'sd', 8, true, 'Wq']] as const) {
    add(row(`Round${sfx}_Vdq_${w}_Ib`, `p=66 0F 3A ${hex(opc)}`, `round${sfx}`, `${scalar ? '+' : '='}Vdq,${w},Ib`, 'vecRound',
      { feature: 'sse41', exc: 'sse', attrs: scalar ? '' : 'a16', param: fpParam('add', lane, scalar) }));
  }
  for (const [opc, sfx, lane] of [[0x40, 'ps', 4], [0x41, 'pd', 8]] as const) {
    add(row(`Dp${sfx}_Vdq_Wdq_Ib`, `p=66 0F 3A ${hex(opc)}`, `dp${sfx}`, '+Vdq,Wdq,Ib', 'dp',
      { feature: 'sse41', exc: 'sse', attrs: 'a16', param: fpParam('add', lane, false) }));
  }

  // ---- conversions
  const cvt = (id: string, enc: string, m: string, ops: string, kind: CvtKind, feature: FeatureName, a16 = false) =>
    add(row(id, enc, m, ops, 'vecCvt', { feature, exc: 'sse', attrs: a16 ? 'a16' : '', param: cvtParam(kind), att: ops.endsWith('Ey') ? { suffix: 'memE' } : undefined }));
  cvt('Cvtsi2ss_Vdq_Ey', 'p=F3 0F 2A', 'cvtsi2ss', '+Vdq,Ey', 'si2ss', 'sse');
  cvt('Cvtsi2sd_Vdq_Ey', 'p=F2 0F 2A', 'cvtsi2sd', '+Vdq,Ey', 'si2sd', 'sse2');
  cvt('Cvttss2si_Gy_Wd', 'p=F3 0F 2C', 'cvttss2si', '=Gy,Wd', 'tss2si', 'sse');
  cvt('Cvttsd2si_Gy_Wq', 'p=F2 0F 2C', 'cvttsd2si', '=Gy,Wq', 'tsd2si', 'sse2');
  cvt('Cvtss2si_Gy_Wd', 'p=F3 0F 2D', 'cvtss2si', '=Gy,Wd', 'ss2si', 'sse');
  cvt('Cvtsd2si_Gy_Wq', 'p=F2 0F 2D', 'cvtsd2si', '=Gy,Wq', 'sd2si', 'sse2');
  cvt('Cvtps2pd_Vdq_Wq', 'p=none 0F 5A', 'cvtps2pd', '=Vdq,Wq', 'ps2pd', 'sse2');
  cvt('Cvtpd2ps_Vdq_Wdq', 'p=66 0F 5A', 'cvtpd2ps', '=Vdq,Wdq', 'pd2ps', 'sse2', true);
  cvt('Cvtss2sd_Vdq_Wd', 'p=F3 0F 5A', 'cvtss2sd', '+Vdq,Wd', 'ss2sd', 'sse2');
  cvt('Cvtsd2ss_Vdq_Wq', 'p=F2 0F 5A', 'cvtsd2ss', '+Vdq,Wq', 'sd2ss', 'sse2');
  cvt('Cvtdq2ps_Vdq_Wdq', 'p=none 0F 5B', 'cvtdq2ps', '=Vdq,Wdq', 'dq2ps', 'sse2', true);
  cvt('Cvtps2dq_Vdq_Wdq', 'p=66 0F 5B', 'cvtps2dq', '=Vdq,Wdq', 'ps2dq', 'sse2', true);
  cvt('Cvttps2dq_Vdq_Wdq', 'p=F3 0F 5B', 'cvttps2dq', '=Vdq,Wdq', 'tps2dq', 'sse2', true);
  cvt('Cvtdq2pd_Vdq_Wq', 'p=F3 0F E6', 'cvtdq2pd', '=Vdq,Wq', 'dq2pd', 'sse2');
  cvt('Cvtpd2dq_Vdq_Wdq', 'p=F2 0F E6', 'cvtpd2dq', '=Vdq,Wdq', 'pd2dq', 'sse2', true);
  cvt('Cvttpd2dq_Vdq_Wdq', 'p=66 0F E6', 'cvttpd2dq', '=Vdq,Wdq', 'tpd2dq', 'sse2', true);
  // ---- SSE4.2 string compares (66 0F 3A 60-63); param: bit 0 explicit lengths, bit 1 mask output
  for (const [opc, m, param] of [[0x60, 'pcmpestrm', 3], [0x61, 'pcmpestri', 1], [0x62, 'pcmpistrm', 2], [0x63, 'pcmpistri', 0]] as const) {
    add(row(`${cap(m)}_Vdq_Wdq_Ib`, `p=66 0F 3A ${hex(opc)}`, m, 'Vdq,Wdq,Ib', 'pcmpstr',
      { feature: 'sse42', exc: 'sse', set: 'oszapc', param, att: param & 1 ? { name: `${m}|${m}|${m}q` } : undefined }));
  }
  // ---- SSE4.2 CRC32 (a general-register instruction: no XMM state, exception class none)
  add(row('Crc32_Gy_Eb', 'p=F2 0F 38 F0', 'crc32', '+Gy,Eb', 'crc32', { feature: 'sse42', att: { suffix: 'memE' } }));
  add(row('Crc32_Gy_Ev', 'p=F2 0F 38 F1', 'crc32', '+Gy,Ev', 'crc32', { feature: 'sse42', att: { suffix: 'memE' } }));
  return rows;
}
