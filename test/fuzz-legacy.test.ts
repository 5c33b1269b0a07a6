// Robustness fuzzing of 32- and 16-bit code in compatibility mode: seeded
// random byte sequences (prefix-heavy ones included) run as 32-bit code (CS.D
// = 1) and as 16-bit code (CS.D = 0) at CPL 0 and CPL 3 must end in a defined
// outcome, never an internal error (a JavaScript exception escaping the CPU),
// and end the same way on every execution path (EXECUTION_PATHS: outcome, vector,
// error code, RIP, every register, RFLAGS).
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import { runCompat } from './helpers/compat.js';
import { Machine, descriptor } from './helpers/system.js';
import { Rng } from './support/rng.js';

const COUNT = Number(process.env.RINGZERO_FUZZ_LEGACY_COUNT ?? '600');
const PREFIXES = [0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x2e, 0x3e, 0x26, 0x36, 0x64, 0x65];
const OUTCOMES = new Set(['ok', 'exception', 'halt', 'limit', 'emulation-failure']);
const CS16 = descriptor(0, 0xfffff, 0x809b), CS32 = descriptor(0, 0xfffff, 0xc09b);

function randomCode(rng: Rng): number[] {
  const out: number[] = [];
  for (let k = rng.int(1, 5); k > 0; k--) {
    if (rng.bool(0.4)) out.push(rng.pick(PREFIXES));
    if (rng.bool(0.2)) out.push(0x0f);
    for (let n = rng.int(1, 6); n > 0; n--) out.push(rng.below(256));
  }
  return out;
}

describe.each([['32-bit', CS32], ['16-bit', CS16]] as const)('%s code: random bytes', (_name, cs) => {
  it(`${COUNT} seeded sequences end in a defined outcome, the same on every path (${EXECUTION_PATHS.join(', ')})`, () => {
    const rng = new Rng(cs === CS16 ? 0x16 : 0x32);
    const failures: string[] = [];
    for (let n = 0; n < COUNT; n++) {
      const code = randomCode(rng);
      const cpl = rng.bool(0.3) ? 3 : 0;
      const regs: Record<number, bigint> = {};
      for (let r = 0; r < 8; r++) if (r !== 4) regs[r] = rng.bool(0.5) ? BigInt(rng.below(0x10000)) : BigInt(0x600000 + rng.below(0x1000));
      const ends = EXECUTION_PATHS.map((path) => {
        const { m, r } = runCompat(code, { path, cpl: cpl as 0 | 3, ...(cpl === 0 ? { cs } : {}), regs, maxInstructions: 16 }, new Machine());
        return { r, state: [r.outcome, r.vector, r.errorCode, r.cr2, m.cpu.rip, m.cpu.getRflags(), ...Array.from({ length: 16 }, (_, k) => m.cpu.getReg64(k))] };
      });
      const [a, ...others] = ends as [typeof ends[0], ...typeof ends];
      const hex = Buffer.from(code).toString('hex');
      if (!OUTCOMES.has(a.r.outcome)) failures.push(`${hex} cpl ${cpl}: ${a.r.outcome} ${a.r.message ?? ''}`);
      const sa = a.state.map(String).join();
      others.forEach((b, k) => {
        const sb = b.state.map(String).join();
        if (sa !== sb) failures.push(`${hex} cpl ${cpl}: ${EXECUTION_PATHS[0]} ${sa} / ${EXECUTION_PATHS[k + 1]} ${sb}`);
      });
      if (failures.length >= 10) break;
    }
    expect(failures).toEqual([]);
  });
});
