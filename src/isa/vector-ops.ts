// The operations of the `vecInt` executor (packed integer, logical and
// shuffle operations of the form V ← op(V, W[, imm8])), as data: a row's
// `param` is an index into VEC_OPS (vecOp('paddb')); the executor side
// (cpu/exec/sse-*.ts) maps every name to its code, so a missing one is a
// compile error. Names are the mnemonics (objdump spelling).
export const VEC_OPS = [
  // logical (SDM: PAND … XORPD); the PS/PD forms are the same bit operations
  'pand', 'pandn', 'por', 'pxor',
  // add, subtract (wrapping, signed and unsigned saturation)
  'paddb', 'paddw', 'paddd', 'paddq', 'psubb', 'psubw', 'psubd', 'psubq',
  'paddsb', 'paddsw', 'paddusb', 'paddusw', 'psubsb', 'psubsw', 'psubusb', 'psubusw',
  // multiply, average, sum of absolute differences
  'pmullw', 'pmulhw', 'pmulhuw', 'pmuludq', 'pmaddwd', 'psadbw', 'pavgb', 'pavgw',
  // minimum, maximum, compare
  'pminub', 'pmaxub', 'pminsw', 'pmaxsw', 'pcmpeqb', 'pcmpeqw', 'pcmpeqd', 'pcmpgtb', 'pcmpgtw', 'pcmpgtd',
  // interleave and pack
  'punpcklbw', 'punpcklwd', 'punpckldq', 'punpcklqdq', 'punpckhbw', 'punpckhwd', 'punpckhdq', 'punpckhqdq',
  'packsswb', 'packssdw', 'packuswb',
  // shuffles with an immediate
  'pshufd', 'pshufhw', 'pshuflw', 'shufps', 'shufpd',
  // shifts by the count in an XMM register or m128
  'psllw', 'pslld', 'psllq', 'psrlw', 'psrld', 'psrlq', 'psraw', 'psrad',
  // shifts by an immediate (66 0F 71-73; the destination is ModRM.rm)
  'psllwi', 'pslldi', 'psllqi', 'psrlwi', 'psrldi', 'psrlqi', 'psrawi', 'psradi', 'pslldqi', 'psrldqi',
  // SSSE3
  'pshufb', 'phaddw', 'phaddd', 'phaddsw', 'pmaddubsw', 'phsubw', 'phsubd', 'phsubsw', 'psignb', 'psignw', 'psignd',
  'pmulhrsw', 'pabsb', 'pabsw', 'pabsd', 'palignr',
  // SSE4.1 integer (and SSE4.2 PCMPGTQ); the blends with a variable mask read XMM0
  'pblendvb', 'blendvps', 'blendvpd', 'blendps', 'blendpd', 'pblendw',
  'pmovsxbw', 'pmovsxbd', 'pmovsxbq', 'pmovsxwd', 'pmovsxwq', 'pmovsxdq', 'pmovzxbw', 'pmovzxbd', 'pmovzxbq', 'pmovzxwd', 'pmovzxwq', 'pmovzxdq',
  'pmuldq', 'pmulld', 'pcmpeqq', 'pcmpgtq', 'packusdw', 'pminsb', 'pminsd', 'pminuw', 'pminud', 'pmaxsb', 'pmaxsd', 'pmaxuw', 'pmaxud',
  'phminposuw', 'mpsadbw',
  // SSE3 data movement (V = a duplicate of lanes of W)
  'movsldup', 'movshdup', 'movddup',
  // PCLMULQDQ, AES, SHA (SHA256RNDS2 reads XMM0), GFNI
  'pclmulqdq', 'aesenc', 'aesenclast', 'aesdec', 'aesdeclast', 'aesimc', 'aeskeygenassist',
  'sha1rnds4', 'sha1nexte', 'sha1msg1', 'sha1msg2', 'sha256rnds2', 'sha256msg1', 'sha256msg2',
  'gf2p8mulb', 'gf2p8affineqb', 'gf2p8affineinvqb',
] as const;

export type VecOp = (typeof VEC_OPS)[number];

/** The `param` of a vecInt row. */
export function vecOp(name: VecOp): number {
  return VEC_OPS.indexOf(name);
}
