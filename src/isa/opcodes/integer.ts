// Rows: integer arithmetic, logic, multiply/divide, shifts and rotates, bit
// operations (SDM Vol. 2; operand letters per Appendix A, flags per each entry).
import { row, type OpcodeRow } from '../table.js';
import { ALU_NAMES, ALU_CMP, ALU_TEST, ALU_AND, ALU_OR, ALU_XOR, ALU_ADC, ALU_SBB, SHIFT_NAMES } from '../executors.js';
import { cap, hex } from './row-text.js';

export function integerRows(): OpcodeRow[] {
  const rows: OpcodeRow[] = [];
  const add = (r: OpcodeRow) => { rows.push(r); };

  // ---- ALU: 00-3D, 80-83 (ModRM.reg of 80-83 is the operation) ----
  for (let op = 0; op < 8; op++) {
    const m = ALU_NAMES[op]!, M = cap(m);
    const logic = op === ALU_AND || op === ALU_OR || op === ALU_XOR;
    const f = { param: op, test: op === ALU_ADC || op === ALU_SBB ? 'c' : '', set: 'oszapc', undef: logic ? 'a' : '' };
    const w = op === ALU_CMP ? '' : '+';   // CMP only reads its destination
    const lock = op === ALU_CMP ? '' : 'lock';
    const b = op * 8;
    add(row(`${M}_Eb_Gb`, hex(b), m, `${w}Eb,Gb`, 'alu', { ...f, attrs: lock }));
    add(row(`${M}_Ev_Gv`, hex(b + 1), m, `${w}Ev,Gv`, 'alu', { ...f, attrs: lock }));
    add(row(`${M}_Gb_Eb`, hex(b + 2), m, `${w}Gb,Eb`, 'alu', f));
    add(row(`${M}_Gv_Ev`, hex(b + 3), m, `${w}Gv,Ev`, 'alu', f));
    add(row(`${M}_AL_Ib`, hex(b + 4), m, `${w}AL,Ib`, 'alu', f));
    add(row(`${M}_rAX_Iz`, hex(b + 5), m, `${w}rAX,Iz`, 'alu', f));
    add(row(`${M}_Eb_Ib`, `80 /${op}`, m, `${w}Eb,Ib`, 'alu', { ...f, attrs: lock }));
    add(row(`${M}_Ev_Iz`, `81 /${op}`, m, `${w}Ev,Iz`, 'alu', { ...f, attrs: lock }));
    add(row(`${M}_Ev_Ibs`, `83 /${op}`, m, `${w}Ev,Ibs`, 'alu', { ...f, attrs: lock }));
  }
  const test = { param: ALU_TEST, set: 'oszapc', undef: 'a' };
  add(row('Test_Eb_Gb', '84', 'test', 'Eb,Gb', 'alu', test));
  add(row('Test_Ev_Gv', '85', 'test', 'Ev,Gv', 'alu', test));
  add(row('Test_AL_Ib', 'A8', 'test', 'AL,Ib', 'alu', test));
  add(row('Test_rAX_Iz', 'A9', 'test', 'rAX,Iz', 'alu', test));
  add(row('Test_Eb_Ib', 'F6 /0', 'test', 'Eb,Ib', 'alu', test));
  add(row('Test_Eb_Ib_alias', 'F6 /1', 'test', 'Eb,Ib', 'alu', test));
  add(row('Test_Ev_Iz', 'F7 /0', 'test', 'Ev,Iz', 'alu', test));
  add(row('Test_Ev_Iz_alias', 'F7 /1', 'test', 'Ev,Iz', 'alu', test));

  // ---- INC DEC NEG NOT ----
  add(row('Inc_Eb', 'FE /0', 'inc', '+Eb', 'incdec', { param: 0, set: 'oszap', attrs: 'lock' }));
  add(row('Dec_Eb', 'FE /1', 'dec', '+Eb', 'incdec', { param: 1, set: 'oszap', attrs: 'lock' }));
  add(row('Inc_Ev', 'FF /0', 'inc', '+Ev', 'incdec', { param: 0, set: 'oszap', attrs: 'lock' }));
  add(row('Dec_Ev', 'FF /1', 'dec', '+Ev', 'incdec', { param: 1, set: 'oszap', attrs: 'lock' }));
  add(row('Not_Eb', 'F6 /2', 'not', '+Eb', 'not', { attrs: 'lock' }));
  add(row('Neg_Eb', 'F6 /3', 'neg', '+Eb', 'neg', { set: 'oszapc', attrs: 'lock' }));
  add(row('Not_Ev', 'F7 /2', 'not', '+Ev', 'not', { attrs: 'lock' }));
  add(row('Neg_Ev', 'F7 /3', 'neg', '+Ev', 'neg', { set: 'oszapc', attrs: 'lock' }));

  // ---- MUL IMUL DIV IDIV ----
  const mulFlags = { set: 'oszapc', undef: 'szap' }, divFlags = { set: 'oszapc', undef: 'oszapc' };
  for (const [w, E] of [['b', 'Eb'], ['v', 'Ev']] as const) {
    const op = w === 'b' ? 'F6' : 'F7';
    add(row(`Mul_${E}`, `${op} /4`, 'mul', E, 'mul', mulFlags));
    add(row(`Imul_${E}`, `${op} /5`, 'imul', E, 'imul1', mulFlags));
    add(row(`Div_${E}`, `${op} /6`, 'div', E, 'div', divFlags));
    add(row(`Idiv_${E}`, `${op} /7`, 'idiv', E, 'idiv', divFlags));
  }
  add(row('Imul_Gv_Ev', '0F AF', 'imul', '+Gv,Ev', 'imul', mulFlags));
  add(row('Imul_Gv_Ev_Iz', '69', 'imul', '=Gv,Ev,Iz', 'imul', mulFlags));
  add(row('Imul_Gv_Ev_Ibs', '6B', 'imul', '=Gv,Ev,Ibs', 'imul', mulFlags));

  // ---- shifts and rotates (group 2: ModRM.reg is the operation) ----
  for (const [enc, ops] of [['C0', 'Eb,Ib'], ['C1', 'Ev,Ib'], ['D0', 'Eb,1'], ['D1', 'Ev,1'], ['D2', 'Eb,CL'], ['D3', 'Ev,CL']] as const) {
    for (let n = 0; n < 8; n++) {
      const rotate = n < 4;
      const flags = rotate ? { test: n >= 2 ? 'c' : '', set: 'oc', undef: 'o' } : { set: 'oszapc', undef: 'oa' };
      const name = SHIFT_NAMES[n]!;
      add(row(`${cap(name)}_${ops.replace(',', '_')}`, `${enc} /${n}`, name, `+${ops}`, 'shift',
        { ...flags, param: n, att: name === 'sal' ? { name: 'shl' } : {} }));
    }
  }
  add(row('Shld_Ev_Gv_Ib', '0F A4', 'shld', '+Ev,Gv,Ib', 'shld', { set: 'oszapc', undef: 'oa' }));
  add(row('Shld_Ev_Gv_CL', '0F A5', 'shld', '+Ev,Gv,CL', 'shld', { set: 'oszapc', undef: 'oa' }));
  add(row('Shrd_Ev_Gv_Ib', '0F AC', 'shrd', '+Ev,Gv,Ib', 'shrd', { set: 'oszapc', undef: 'oa' }));
  add(row('Shrd_Ev_Gv_CL', '0F AD', 'shrd', '+Ev,Gv,CL', 'shrd', { set: 'oszapc', undef: 'oa' }));

  // ---- bit operations ----
  for (const [n, m, enc] of [[0, 'bt', 'A3'], [1, 'bts', 'AB'], [2, 'btr', 'B3'], [3, 'btc', 'BB']] as const) {
    const w = n ? '+' : '';
    const f = { param: n, set: 'cosap', undef: 'osap', attrs: n ? 'lock' : '' };
    add(row(`${cap(m)}_Ev_Gv`, `0F ${enc}`, m, `${w}Ev,Gv`, 'bt', f));
    add(row(`${cap(m)}_Ev_Ib`, `0F BA /${n + 4}`, m, `${w}Ev,Ib`, 'bt', f));
  }
  add(row('Bsf_Gv_Ev', '0F BC', 'bsf', '+Gv,Ev', 'bsf', { set: 'oszapc', undef: 'osapc', att: { prefix66: true } }));
  add(row('Bsr_Gv_Ev', '0F BD', 'bsr', '+Gv,Ev', 'bsr', { set: 'oszapc', undef: 'osapc', att: { prefix66: true } }));
  add(row('Tzcnt_Gv_Ev', 'p=F3 0F BC', 'tzcnt', '=Gv,Ev', 'tzcnt', { set: 'oszapc', undef: 'osap', feature: 'bmi1', absent: 'Bsf_Gv_Ev' }));
  add(row('Lzcnt_Gv_Ev', 'p=F3 0F BD', 'lzcnt', '=Gv,Ev', 'lzcnt', { set: 'oszapc', undef: 'osap', feature: 'abm', absent: 'Bsr_Gv_Ev' }));
  add(row('Popcnt_Gv_Ev', 'p=F3 0F B8', 'popcnt', '=Gv,Ev', 'popcnt', { set: 'oszapc', feature: 'popcnt' }));
  // ADX: two carry chains that do not disturb each other (SDM Vol. 2 ADCX, ADOX); the 66/F3 is mandatory, not a size.
  add(row('Adcx_Gy_Ey', 'p=66 0F 38 F6', 'adcx', '+Gy,Ey', 'adcx', { test: 'c', set: 'c', feature: 'adx' }));
  add(row('Adox_Gy_Ey', 'p=F3 0F 38 F6', 'adox', '+Gy,Ey', 'adox', { test: 'o', set: 'o', feature: 'adx' }));
  // Direct stores: memory forms only. MOVDIR64B's register holds the destination address (its size the address size).
  add(row('Movdiri_My_Gy', 'p=none 0F 38 F9 mod=mem', 'movdiri', '=My,Gy', 'mov', { feature: 'movdiri' }));
  add(row('Ud_0F38F9_reg', 'p=none 0F 38 F9 mod=reg', '(bad)', 'Ev', 'ud'));
  add(row('Movdir64b_Ga_M', 'p=66 0F 38 F8 mod=mem', 'movdir64b', 'Ga,M', 'movdir64b', { feature: 'movdir64b' }));
  add(row('Ud_66_0F38F8_reg', 'p=66 0F 38 F8 mod=reg', '(bad)', 'Ev', 'ud'));
  add(row('Bswap_Zv', '0F C8 +r', 'bswap', '+Zv', 'bswap'));
  return rows;
}
