// The I/O permission rules as an exhaustive table (SDM Vol. 1 §19.5, Vol. 3A
// §8.7; APM Vol. 2 §13.3), against a model written from the manuals: above
// IOPL, the bits of every byte of the access in the TSS I/O bitmap must be 0;
// the CPU reads the two bitmap bytes that hold the first port's bit, and any of
// them beyond the TSS limit is #GP(0) (hence the extra all-ones byte at the
// end of a bitmap), as is a TSS too short to hold the map base.
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import { Machine, DATA, describeResult } from './helpers/machine.js';

const RDX = 2, RSI = 6, RDI = 7;
const MAP_BASE = 0x68;
const FULL_LIMIT = MAP_BASE + 8192; // the bitmap and the extra byte

interface Layout { name: string; limit: number; mapBase: number }

/** The model: #GP(0) or allowed. */
function allowed(cpl: number, iopl: number, port: number, size: number, layout: Layout, bitmap: Uint8Array): boolean {
  if (cpl <= iopl) return true;
  if (layout.limit < 0x67) return false;                  // the map base itself is beyond the limit
  const first = layout.mapBase + (port >> 3);
  if (first + 1 > layout.limit) return false;              // both bytes read must lie within the limit
  for (let b = port; b < port + size; b++) {
    const byte = b >> 3; // b may pass 65535: the extra byte
    if ((bitmap[byte] ?? 0xff) >> (b & 7) & 1) return false;
  }
  return true;
}

const PORTS = [0, 1, 6, 7, 8, 0xf, 0x10, 0x80, 0xfe, 0x3f8, 0x3ff, 0x400, 0x7ff8, 0xfff8, 0xfffc, 0xfffd, 0xfffe, 0xffff];
const SIZES = [1, 2, 4];

/** Bitmaps around `port`: clear, all set, one bit at each interesting place. */
function bitmaps(port: number, size: number): [string, Uint8Array][] {
  const make = (bits: number[]) => {
    const m = new Uint8Array(8192 + 1);
    m[8192] = 0xff; // the extra byte
    for (const b of bits) if (b >= 0 && b < 65536) m[b >> 3]! |= 1 << (b & 7);
    return m;
  };
  const ones = new Uint8Array(8193).fill(0xff);
  return [
    ['clear', make([])], ['all set', ones],
    ['first port', make([port])], ['last port', make([port + size - 1])],
    ['port before', make([port - 1])], ['port after', make([port + size])],
  ];
}

function layouts(port: number): Layout[] {
  const first = MAP_BASE + (port >> 3);
  return [
    { name: 'full', limit: FULL_LIMIT, mapBase: MAP_BASE },
    { name: 'second byte beyond the limit', limit: first, mapBase: MAP_BASE },
    { name: 'both bytes within the limit, just', limit: first + 1, mapBase: MAP_BASE },
    { name: 'limit below the map base field', limit: 0x66, mapBase: MAP_BASE },
    { name: 'map base beyond the limit', limit: 0x100, mapBase: 0x2000 },
  ];
}

/** IN/OUT through DX, and the string forms (INS to DATA, OUTS from DATA). */
const FORMS: { name: string; code: (size: number) => number[] }[] = [
  { name: 'in', code: (s) => [...(s === 2 ? [0x66] : []), s === 1 ? 0xec : 0xed] },
  { name: 'out', code: (s) => [...(s === 2 ? [0x66] : []), s === 1 ? 0xee : 0xef] },
  { name: 'ins', code: (s) => [...(s === 2 ? [0x66] : []), s === 1 ? 0x6c : 0x6d] },
  { name: 'outs', code: (s) => [...(s === 2 ? [0x66] : []), s === 1 ? 0x6e : 0x6f] },
];

describe('I/O permission: port × size × IOPL × CPL × bitmap × TSS limit (SDM Vol. 1 §19.5)', () => {
  for (const path of EXECUTION_PATHS) {
    it(`every combination agrees with the model (${path} path)`, () => {
      const m = new Machine();
      const bad: string[] = [];
      let checked = 0;
      for (const port of PORTS) {
        for (const size of SIZES) {
          for (const [bmName, bm] of bitmaps(port, size)) {
            for (const layout of layouts(port)) {
              m.setIoBitmap(layout.limit, layout.mapBase, bm);
              for (let cpl = 0; cpl < 4; cpl++) {
                for (let iopl = 0; iopl < 4; iopl++) {
                  for (const f of FORMS) {
                    if ((f.name === 'ins' || f.name === 'outs') && (iopl !== 0 || (cpl !== 0 && cpl !== 3))) continue;
                    checked++;
                    const want = allowed(cpl, iopl, port, size, layout, bm) ? 'ok' : '#GP(0)';
                    const r = m.run(f.code(size), {
                      cpl, rflags: 0x2 | (iopl << 12), path,
                      regs: { [RDX]: BigInt(port), [RSI]: BigInt(DATA), [RDI]: BigInt(DATA + 0x100) },
                    });
                    const got = describeResult(r);
                    if (got !== want) bad.push(`${f.name} size ${size} port 0x${port.toString(16)} CPL ${cpl} IOPL ${iopl} bitmap ${bmName}, ${layout.name}: model ${want}, cpu ${got}`);
                  }
                }
              }
            }
          }
        }
      }
      console.log(`io-permission (${path}): ${checked} combinations checked`);
      expect(bad.length, `${bad.length} of ${checked} combinations disagree with the model:\n${bad.slice(0, 40).join('\n')}`).toBe(0);
    });
  }

  it.each(EXECUTION_PATHS)('the imm8 forms (E4-E7) check the same bits (%s path)', (path) => {
    const m = new Machine();
    const bad: string[] = [];
    for (const port of [0, 7, 8, 0x80, 0xfe, 0xff]) {
      for (const size of SIZES) {
        for (const [bmName, bm] of bitmaps(port, size)) {
          m.setIoBitmap(FULL_LIMIT, MAP_BASE, bm);
          for (const out of [false, true]) {
            const code = [...(size === 2 ? [0x66] : []), (out ? 0xe6 : 0xe4) + (size === 1 ? 0 : 1), port];
            const want = allowed(3, 0, port, size, { name: 'full', limit: FULL_LIMIT, mapBase: MAP_BASE }, bm) ? 'ok' : '#GP(0)';
            const got = describeResult(m.run(code, { cpl: 3, path }));
            if (got !== want) bad.push(`${out ? 'out' : 'in'} imm8 0x${port.toString(16)} size ${size} bitmap ${bmName}: model ${want}, cpu ${got}`);
          }
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it.each(EXECUTION_PATHS)('IN from a port nobody claims reads all ones; the permission check comes before any access (%s path)', (path) => {
    const m = new Machine();
    m.setIoBitmap(FULL_LIMIT, MAP_BASE, new Uint8Array(8193));
    expect(describeResult(m.run([0xed], { cpl: 3, path, regs: { [RDX]: 0x1234n, 0: 0x5555555555555555n } }))).toBe('ok');
    expect(m.cpu.getReg64(0)).toBe(0xffffffffn); // a 32-bit IN zero-extends into RAX
  });
});
