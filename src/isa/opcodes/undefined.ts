// Rows: encodings that are invalid in 64-bit mode, undefined mandatory-prefix
// slots (#UD, measured on the host), and the instructions of extensions the
// model lacks (SSE4a: recognised, not implemented: emulation-failure,
// never a silent #UD, and their CPUID bits are not reported). Pending rows
// carry their operands, so the length, the reported bytes and the disassembly
// are right, and their exception class, so CR0.EM/TS and CR4.OSFXSR faults
// come first as on hardware.
import { row, type ExceptionClass, type OpcodeRow } from '../table.js';
import type { FeatureName } from '../features.js';
import { hex } from './row-text.js';

/**
 * Encodings of the 0F map's prefix slots that belong to an extension the model does not implement
 * (SSE4a; 0F 78 has explicit rows below): [opcode, mandatory prefix, mnemonic, operands (the
 * disassembly prints them as objdump does), the one ModRM form (the other is #UD, objdump's (bad))];
 * all of them of the SSE exception class.
 */
const OTHER_EXTENSIONS: readonly (readonly [number, string, string, string, 'mem' | 'reg'])[] = [
  [0x2b, 'F3', 'movntss', 'Md,Vdq', 'mem'], [0x2b, 'F2', 'movntsd', 'Mq,Vdq', 'mem'],
  [0x79, '66', 'extrq', 'Vdq,Udq', 'reg'], [0x79, 'F2', 'insertq', 'Vdq,Udq', 'reg'],
];

/** Whether `rows` with mandatory prefix `p` leave no ModRM form of map:opcode to a placeholder. */
function prefixCovered(rows: readonly OpcodeRow[], map: number, opcode: number, p: string): boolean {
  const mine = rows.filter((r) => r.map === map && r.opcode === opcode && r.prefix === p);
  if (mine.length === 0) return false;
  for (let reg = 0; reg < 8; reg++) {
    for (let isReg = 0; isReg < 2; isReg++) {
      for (let rm = 0; rm < 8; rm++) {
        if (!mine.some((r) => (r.ext < 0 || r.ext === reg) && (r.mod === 'any' || (r.mod === 'reg') === (isReg === 1)) &&
          (r.rm < 0 || (isReg === 1 && r.rm === rm)))) return false;
      }
    }
  }
  return true;
}

/**
 * The not-implemented and undefined rows; `implemented` are the rows of the
 * other files: an SSE placeholder steps back from the mandatory-prefix slots
 * they fill (one row per prefix slot left, or one for the whole opcode when
 * none is filled).
 */
export function undefinedRows(implemented: readonly OpcodeRow[] = []): OpcodeRow[] {
  const rows: OpcodeRow[] = [];
  const add = (r: OpcodeRow) => { rows.push(r); };

  // Invalid in 64-bit mode (SDM Vol. 2 Appendix A.2.5 "i64").
  // The flags are those of the instruction in 32-bit code (exec/compat-bcd.ts).
  const decimal = { set: 'oszapc', attrs: 'i64' } as const;
  for (const [op, m, sreg] of [[0x06, 'push', 'es'], [0x07, 'pop', 'es'], [0x0e, 'push', 'cs'], [0x16, 'push', 'ss'], [0x17, 'pop', 'ss'],
    [0x1e, 'push', 'ds'], [0x1f, 'pop', 'ds']] as const) {
    add(row(`Invalid_${hex(op)}`, hex(op), m, '', 'ud', { attrs: 'i64', att: { ops: `%${sreg}`, suffix: 'w' } }));
  }
  for (const [op, m] of [[0x60, 'pusha'], [0x61, 'popa'], [0xce, 'into']] as const) add(row(`Invalid_${hex(op)}`, hex(op), m, '', 'ud', { attrs: 'i64' }));
  for (const [op, m] of [[0x27, 'daa'], [0x2f, 'das']] as const) add(row(`Invalid_${hex(op)}`, hex(op), m, '', 'ud', { ...decimal, test: 'ac', undef: 'o' }));
  for (const [op, m] of [[0x37, 'aaa'], [0x3f, 'aas']] as const) add(row(`Invalid_${hex(op)}`, hex(op), m, '', 'ud', { ...decimal, test: 'a', undef: 'oszp' }));
  add(row('Invalid_D6', 'D6', 'salc', '', 'ud', { attrs: 'i64', test: 'c' }));
  add(row('Invalid_62', '62', 'bound', 'Gv,M', 'ud', { attrs: 'i64', att: { intelOrder: true } }));
  add(row('Invalid_82', '82', '(bad)', '', 'ud', { attrs: 'i64' }));
  add(row('Invalid_9A', '9A', 'lcall', '', 'ud', { attrs: 'i64' }));
  add(row('Invalid_EA', 'EA', 'ljmp', '', 'ud', { attrs: 'i64' }));
  add(row('Invalid_D4', 'D4', 'aam', 'Ib', 'ud', { ...decimal, undef: 'oac' }));
  add(row('Invalid_D5', 'D5', 'aad', 'Ib', 'ud', { ...decimal, undef: 'oac' }));
  // C4/C5 are VEX prefixes in 64-bit mode; the model has no AVX, so they are #UD.
  add(row('Vex3_C4', 'C4', '(bad)', '', 'ud'));
  add(row('Vex2_C5', 'C5', '(bad)', '', 'ud'));

  // Mandatory-prefix slots that are undefined (#UD on AMD Zen hardware; objdump prints
  // (bad) or an instruction of an extension the model lacks): 66/F2/F3 on LFENCE/MFENCE/
  // SFENCE and on FXSAVE…XSAVEOPT (66 0F AE /6 is CLWB, which the model lacks: #UD as on a CPU
  // without it), on XRSTORS, XSAVEC, XSAVES (0F C7 /3-/5), F2/F3 on CLFLUSH, any of them on RDPKRU/WRPKRU (SDM:
  // NP), F3 on MOVBE. Without a row the decoder falls back to the unprefixed one.
  // 66/F2 0F 78 EXTRQ/INSERTQ (SSE4a, two immediates): an extension the model lacks (pending rows below).
  for (const p of ['66', 'F2', 'F3']) {
    for (const n of [5, 6, 7]) add(row(`Ud_${p}_0FAE_${n}_reg`, `p=${p} 0F AE /${n} mod=reg`, '(bad)', '', 'ud'));
    for (const n of [3, 4, 5]) add(row(`Ud_${p}_0FC7_${n}_mem`, `p=${p} 0F C7 /${n} mod=mem`, '(bad)', '', 'ud'));
    for (const n of [0, 1, 2, 3, 4, 5, 6]) add(row(`Ud_${p}_0FAE_${n}_mem`, `p=${p} 0F AE /${n} mod=mem`, '(bad)', '', 'ud'));
    for (const rm of [6, 7]) add(row(`Ud_${p}_0F01_5_${rm}`, `p=${p} 0F 01 /5 mod=reg rm=${rm}`, '(bad)', '', 'ud'));
    if (p !== '66') add(row(`Ud_${p}_0FAE_7_mem`, `p=${p} 0F AE /7 mod=mem`, '(bad)', '', 'ud'));
  }
  add(row('Ud_F3_0F38F0', 'p=F3 0F 38 F0', '(bad)', 'Gv,M', 'ud'));
  add(row('Ud_F3_0F38F1', 'p=F3 0F 38 F1', '(bad)', 'M,Gv', 'ud'));
  const pending = (id: string, enc: string, m: string, ops: string, feature: FeatureName | undefined, exc: ExceptionClass) =>
    add(row(id, enc, m, ops, 'pending', { pending: true, feature, exc }));
  // The prefix slots (none/66/F3/F2) of the 0F, 0F 38 and 0F 3A opcodes that no implemented row fills.
  // Measured on the AMD host (test/undefined-slots.test.ts runs each one natively): every such slot
  // raises #UD, except the instructions of extensions the model does not implement (OTHER_EXTENSIONS:
  // emulation-failure). A slot never falls back to the unprefixed row: F3 0F 12 is MOVSLDUP, not MOVLPS.
  const placeholder = (id: string, enc: string, ops: string) => {
    const bytes = enc.split(' ').map((b) => parseInt(b, 16));
    const map = bytes[1] === 0x38 ? 2 : bytes[1] === 0x3a ? 3 : 1;
    const opcode = bytes[bytes.length - 1]!;
    for (const p of ['none', '66', 'F3', 'F2'] as const) {
      if (prefixCovered(implemented, map, opcode, p)) continue;
      const slotId = `${id}_${p === 'none' ? 'NP' : p}`, slotEnc = `p=${p} ${enc}`;
      const other = map === 1 ? OTHER_EXTENSIONS.find((e) => e[0] === opcode && e[1] === p) : undefined;
      if (other !== undefined) {
        const [, , mnemonic, operands, mod] = other, lacks = mod === 'mem' ? 'reg' : 'mem';
        pending(slotId, `${slotEnc} mod=${mod}`, mnemonic, operands, undefined, 'sse');
        add(row(`Ud_${slotId.slice(4)}_${lacks}`, `${slotEnc} mod=${lacks}`, '(bad)', 'Ev', 'ud'));
      } else add(row(slotId.replace(/^Sse_/, 'Ud_'), slotEnc, '(bad)', ops, 'ud'));
    }
  };
  pending('Extrq_66_0F78', 'p=66 0F 78 /0 mod=reg', 'extrq', 'Udq,Ib,Ib', 'sse4a', 'sse');
  add(row('Ud_66_0F78', 'p=66 0F 78', '(bad)', 'Gv,Ev', 'ud'));
  pending('Insertq_F2_0F78', 'p=F2 0F 78 mod=reg', 'insertq', 'Vdq,Udq,Ib,Ib', 'sse4a', 'sse');
  add(row('Ud_F2_0F78', 'p=F2 0F 78 mod=mem', '(bad)', 'Gv,Ev', 'ud'));

  // SSE/SSE2/SSSE3/SSE4 (0F 10-17, 28-2F, 50-7F, C2-C6, D0-FF, 0F 38, 0F 3A).
  for (const op of [0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f]) {
    placeholder(`Sse_0F${hex(op)}`, `0F ${hex(op)}`, 'Gv,Ev');
  }
  for (let op = 0x50; op <= 0x7f; op++) {
    if (op === 0x77 || op === 0x78) continue; // EMMS: mmx.ts; 0F 78: the EXTRQ/INSERTQ rows above
    placeholder(`Sse_0F${hex(op)}`, `0F ${hex(op)}`, op >= 0x70 && op <= 0x73 ? 'Gv,Ev,Ib' : 'Gv,Ev');
  }
  for (const op of [0xc2, 0xc4, 0xc5, 0xc6]) placeholder(`Sse_0F${hex(op)}`, `0F ${hex(op)}`, 'Gv,Ev,Ib');
  for (let op = 0xd0; op <= 0xfe; op++) placeholder(`Sse_0F${hex(op)}`, `0F ${hex(op)}`, 'Gv,Ev');
  for (let op = 0; op < 256; op++) {
    if (op === 0xf0 || op === 0xf1) continue; // MOVBE lives in movement.ts
    placeholder(`Sse_0F38${hex(op)}`, `0F 38 ${hex(op)}`, 'Gv,Ev');
    placeholder(`Sse_0F3A${hex(op)}`, `0F 3A ${hex(op)}`, 'Gv,Ev,Ib');
  }
  return rows;
}
