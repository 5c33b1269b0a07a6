// The prefix slots of the 0F, 0F 38 and 0F 3A opcodes that the table marks undefined (#UD) rather
// than not implemented (src/isa/opcodes/undefined.ts placeholder()): every encoding of every such
// row — both ModRM forms, every ModRM.reg — runs on the host CPU and must raise #UD there too, and
// the emulator must raise #UD for it on both execution paths. Skipped (loudly) without the native
// harness (gcc, an x86-64 host).
import { describe, expect, it } from 'vitest';
import { opcodeRows } from '../src/isa/opcodes.js';
import { decode } from '../src/isa/decoder.js';
import { EXECUTION_PATHS, runSnippet } from '../src/testing/snippet.js';
import { requireNative } from './support/gate.js';
import { runNative } from './support/native.js';

const SLOT = /^Ud_0F(38|3A)?[0-9A-F]{2}_(NP|66|F3|F2)$/;

function encodings(): { name: string; code: Uint8Array }[] {
  const out: { name: string; code: Uint8Array }[] = [];
  for (const r of opcodeRows().filter((x) => SLOT.test(x.id))) {
    const pfx = r.prefix === '66' ? [0x66] : r.prefix === 'F3' ? [0xf3] : r.prefix === 'F2' ? [0xf2] : [];
    const op = r.map === 1 ? [0x0f, r.opcode] : r.map === 2 ? [0x0f, 0x38, r.opcode] : [0x0f, 0x3a, r.opcode];
    for (const mod of ['reg', 'mem'] as const) {
      if (r.mod !== 'any' && r.mod !== mod) continue;
      for (const ext of r.ext >= 0 ? [r.ext] : [0, 1, 2, 3, 4, 5, 6, 7]) {
        const modrm = mod === 'reg' ? 0xc0 | (ext << 3) | 2 : (ext << 3) | 6;
        const code = Uint8Array.from([...pfx, ...op, modrm, 0x01]);
        // Only the encodings that decode to this row (more specific rows take some ModRM.reg values).
        if (decode(code, 0, code.length)?.row === r) out.push({ name: `${r.id} ${mod} /${ext}`, code });
      }
    }
  }
  return out;
}

describe('undefined prefix slots of the 0F, 0F 38, 0F 3A maps', () => {
  const gate = requireNative('undefined-slots');
  const cases = encodings();
  const base = () => {
    const regs = Array.from({ length: 16 }, () => 0n);
    regs[4] = 0x30001000n; regs[6] = 0x20001000n; regs[7] = 0x20001800n;
    return { regs, rflags: 2n, data: new Uint8Array(0x2000), stack: new Uint8Array(0x2000) };
  };

  it.skipIf(!gate.ok)(`${cases.length} encodings raise #UD on the host CPU`, () => {
    const out = runNative(cases.map((c) => ({ code: c.code, ...base() })));
    const wrong = out.map((o, k) => (o.outcome === 'exception' && o.exception?.vector === 6 ? '' : `${cases[k]!.name}: ${o.outcome} ${o.exception?.vector ?? ''}`)).filter(Boolean);
    expect(wrong.slice(0, 20)).toEqual([]);
    expect(cases.length).toBeGreaterThan(1000);
  });

  it.each(EXECUTION_PATHS)('and on the %s path', (path) => {
    const wrong: string[] = [];
    for (const c of cases) {
      const o = runSnippet({ code: c.code, ...base(), path });
      if (!(o.outcome === 'exception' && o.exception?.vector === 6)) wrong.push(`${c.name}: ${o.outcome}`);
    }
    expect(wrong.slice(0, 20)).toEqual([]);
  });
});
