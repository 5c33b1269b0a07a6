// ADCX and ADOX (ADX, SDM Vol. 2 ADCX, ADOX; APM Vol. 3 same names): additions
// with carry along two independent chains, CF and OF, for multi-precision
// arithmetic that interleaves both.
import { CF, OF } from '../../arch/rflags.js';
import type { Handler } from '../context.js';
import { loadOperand, storeOperand } from '../operands.js';

/**
 * ADCX / ADOX: G = G + E + the carry flag, which is CF for ADCX and OF for
 * ADOX, and which alone is set, to the carry out; the other flags keep their
 * values (two independent carry chains, SDM Vol. 2 ADCX, ADOX). A 32-bit
 * destination's upper half is cleared by the operand stage's store.
 */
function addWithCarryFlag(flag: number): Handler {
  return (c, i) => {
    loadOperand(c, i, 0);
    loadOperand(c, i, 1);
    const o = c.ops;
    const lo = (o.lo[0]! >>> 0) + (o.lo[1]! >>> 0) + ((c.fAux & flag) !== 0 ? 1 : 0);
    let carry = lo > 0xffffffff;
    o.lo[0] = lo | 0;
    if (i.size0 === 8) {
      const hi = (o.hi[0]! >>> 0) + (o.hi[1]! >>> 0) + (carry ? 1 : 0);
      carry = hi > 0xffffffff;
      o.hi[0] = hi | 0;
    }
    storeOperand(c, i, 0);
    c.fAux = carry ? c.fAux | flag : c.fAux & ~flag;
  };
}
export const adcx = addWithCarryFlag(CF);
export const adox = addWithCarryFlag(OF);
