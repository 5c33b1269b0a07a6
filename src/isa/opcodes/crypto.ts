// Rows: the cryptographic extensions (SDM Vol. 2 entries): PCLMULQDQ, AES-NI,
// SHA (unprefixed 0F 38 / 0F 3A), GFNI. SSE-class instructions of the form
// V ← op(V, W[, imm8]) run by the vecInt executor; an m128 operand must be
// 16-byte aligned (#GP(0)), except SHA's (measured on the AMD host: any
// alignment, test/diff/crypto).
import { row, type AttSyntax, type OpcodeRow } from '../table.js';
import type { FeatureName } from '../features.js';
import { vecOp, type VecOp } from '../vector-ops.js';
import { cap, hex } from './row-text.js';

export function cryptoRows(): OpcodeRow[] {
  const rows: OpcodeRow[] = [];
  const vec = (prefix: '66' | 'none', map: '38' | '3A', op: number, m: VecOp, feature: FeatureName, att?: AttSyntax) => {
    const imm = map === '3A';
    rows.push(row(`${cap(m)}_Vdq_Wdq${imm ? '_Ib' : ''}`, `p=${prefix} 0F ${map} ${hex(op)}`, m, `+Vdq,Wdq${imm ? ',Ib' : ''}`, 'vecInt',
      { feature, exc: 'sse', attrs: feature === 'sha' ? '' : 'a16', param: vecOp(m), att }));
  };
  vec('66', '3A', 0x44, 'pclmulqdq', 'pclmulqdq', { clmulPredicate: true });
  for (const [op, m] of [[0xdb, 'aesimc'], [0xdc, 'aesenc'], [0xdd, 'aesenclast'], [0xde, 'aesdec'], [0xdf, 'aesdeclast']] as const) vec('66', '38', op, m, 'aes');
  vec('66', '3A', 0xdf, 'aeskeygenassist', 'aes');
  for (const [op, m] of [[0xc8, 'sha1nexte'], [0xc9, 'sha1msg1'], [0xca, 'sha1msg2'], [0xcc, 'sha256msg1'], [0xcd, 'sha256msg2']] as const) vec('none', '38', op, m, 'sha');
  vec('none', '38', 0xcb, 'sha256rnds2', 'sha', { xmm0: true });
  vec('none', '3A', 0xcc, 'sha1rnds4', 'sha');
  vec('66', '38', 0xcf, 'gf2p8mulb', 'gfni');
  vec('66', '3A', 0xce, 'gf2p8affineqb', 'gfni');
  vec('66', '3A', 0xcf, 'gf2p8affineinvqb', 'gfni');
  return rows;
}
