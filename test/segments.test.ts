// Segment loads through descriptors: IRET reads the CS and SS descriptors into
// distinct values (it once gave CS the base and limit of SS).
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import { SEG_CS, SEG_SS } from '../src/arch/registers.js';
import { Machine, CODE } from './helpers/machine.js';

describe.each(EXECUTION_PATHS)('segment loads (%s path)', (path) => {
  it('IRETQ to CPL 3 loads CS and SS hidden parts each from its own descriptor', () => {
    const m = new Machine();
    // User data (0x20) with a byte-granular limit of 0xffff, unlike the flat user code (0x28).
    m.mem.write64(m.gdtPhys + 0x20, 0x0000f3000000ffffn);
    // push $0x23; push $0x7ff000; push $2; push $0x2b; push $target; iretq — to the end of the code.
    const code = [0x6a, 0x23, 0x68, 0x00, 0xf0, 0x7f, 0x00, 0x6a, 0x02, 0x6a, 0x2b, 0x68, 0x12, 0x00, 0x40, 0x00, 0x48, 0xcf];
    expect(CODE + code.length).toBe(0x400012);
    expect(m.run(code, { path }).outcome).toBe('ok');
    expect(m.cpu.cpl).toBe(3);
    expect(m.cpu.segLimit[SEG_CS]).toBe(0xffffffff);
    expect(m.cpu.segLimit[SEG_SS]).toBe(0xffff);
    expect(m.cpu.segAttr[SEG_SS]! & 0x8000).toBe(0);
  });
});
