// Differential tests: movs/stos/lods/cmps/scas, each width, with rep/repe/repne,
// DF=0 and DF=1, rcx = 0, 1, several, termination on (mis)match, 32-bit address size,
// overlap, and faults in the middle of a repeated string instruction.
import type { Rng } from '../support/rng.js';
import { DATA_ADDR, FLAG, type GenCtx, custom, diffSuite, leBytes, mask, randomValue, sfx } from '../support/diff.js';
import { type Patch, at } from '../support/types.js';

type StrOp = 'movs' | 'stos' | 'lods' | 'cmps' | 'scas';
type Rep = '' | 'rep' | 'repe' | 'repne';

const COUNTS = [0, 1, 2, 3, 4, 7, 8, 16, 33];

interface StrOpts {
  a32?: boolean;
  cases?: number;
}

function elementsPatch(base: number, vals: bigint[], sz: number, down: boolean): Patch {
  // element i lives at base + i*sz (or base - i*sz when DF=1)
  const n = vals.length;
  const lo = down ? base - (n - 1) * sz : base;
  const bytes = new Uint8Array(n * sz);
  vals.forEach((v, i) => {
    const at = (down ? base - i * sz : base + i * sz) - lo;
    bytes.set(leBytes(v, sz), at);
  });
  return { off: lo, bytes };
}

function genString(op: StrOp, rep: Rep, w: number, o: StrOpts = {}) {
  const sz = w / 8;
  return custom((g: GenCtx) => {
    const n = o.cases ?? 300;
    for (let k = 0; k < n; k++) {
      const rng: Rng = g.rng;
      const down = k % 2 === 1;
      const count = rep ? (k < COUNTS.length * 2 ? at(COUNTS, k >> 1) : rng.int(0, 40)) : rng.int(0, 40);
      const srcOff = 0x0900 + rng.int(0, 7) * (rng.bool(0.7) ? sz : 1);
      const dstOff = 0x1500 + rng.int(0, 7) * (rng.bool(0.7) ? sz : 1);
      const len = Math.max(count, 1) + 3;
      const src: bigint[] = [];
      const dst: bigint[] = [];
      for (let i = 0; i < len; i++) {
        src.push(randomValue(rng, w));
        dst.push(randomValue(rng, w));
      }
      let acc = rng.u64();
      // termination patterns for the compare instructions
      if (op === 'cmps' || op === 'scas') {
        const stopAt = rng.int(0, len - 1);
        const target = (i: number) => (op === 'cmps' ? at(src, i) : acc & mask(w));
        const pattern = rep === 'repne' ? 'ne' : rep === 'repe' ? 'e' : rng.pick(['e', 'ne']);
        for (let i = 0; i < len; i++) {
          const equal = pattern === 'e' ? i < stopAt : i === stopAt;
          const cur = at(dst, i);
          if (equal) dst[i] = target(i);
          else if (cur === target(i)) dst[i] = (cur + 1n) & mask(w);
        }
        if (rng.bool(0.1)) for (let i = 0; i < len; i++) dst[i] = target(i); // all equal
      }
      const data: Patch[] = [elementsPatch(srcOff, src, sz, down), elementsPatch(dstOff, dst, sz, down)];
      let rsi = DATA_ADDR + BigInt(srcOff);
      let rdi = DATA_ADDR + BigInt(dstOff);
      let rcx = rep ? BigInt(count) : rng.u64();
      if (o.a32) {
        rsi |= BigInt(rng.u32()) << 32n;
        rdi |= BigInt(rng.u32()) << 32n;
        rcx |= BigInt(rng.u32()) << 32n;
      }
      let rflags = g.flags();
      if (down) rflags |= FLAG.DF;
      g.add({ regs: { rsi, rdi, rcx, rax: acc }, rflags, data });
    }
  });
}

diffSuite(
  'strings',
  (s) => {
    const reps: Record<StrOp, Rep[]> = {
      movs: ['', 'rep'],
      stos: ['', 'rep'],
      lods: ['', 'rep'],
      cmps: ['', 'repe', 'repne'],
      scas: ['', 'repe', 'repne'],
    };
    for (const op of Object.keys(reps) as StrOp[]) {
      for (const rep of reps[op]) {
        for (const w of [8, 16, 32, 64]) {
          const t = `${rep ? rep + ' ' : ''}${op}${sfx(w)}`;
          s.form(t, genString(op, rep, w), { maxInstructions: 1000 });
        }
      }
    }
    // 32-bit address size: esi/edi/ecx only
    for (const [op, rep, w] of [
      ['movs', 'rep', 8], ['stos', 'rep', 32], ['lods', '', 64], ['cmps', 'repe', 8], ['scas', 'repne', 16], ['movs', '', 64],
    ] as const) {
      const t = `addr32 ${rep ? rep + ' ' : ''}${op}${sfx(w)}`;
      s.form(t, genString(op, rep, w, { a32: true }), { maxInstructions: 1000 });
    }
    // F2 on movs/stos behaves like rep; segment override on movs is ignored
    s.form('.byte 0xf2, 0xa4', genString('movs', 'rep', 8, { cases: 60 }), { name: 'repne movsb (f2 a4)' });
    s.form('.byte 0xf2, 0x48, 0xab', genString('stos', 'rep', 64, { cases: 60 }), { name: 'repne stosq (f2 48 ab)' });
    s.form('.byte 0x26, 0xf3, 0xa4', genString('movs', 'rep', 8, { cases: 60 }), { name: 'es: rep movsb (26 f3 a4)' });
    // overlapping rep movsb: forward copy replicates the pattern
    s.form(
      'rep movsb',
      custom((g) => {
        for (let i = 0; i < 60; i++) {
          const d = g.rng.int(1, 9);
          g.add({ regs: { rsi: DATA_ADDR + 0x1000n, rdi: DATA_ADDR + 0x1000n + BigInt(d), rcx: BigInt(g.rng.int(0, 40)) }, rflags: g.flags() | (i % 2 ? FLAG.DF : 0n), note: `overlap by ${d}` });
        }
      }),
      { name: 'rep movsb with overlapping buffers', maxInstructions: 1000 },
    );
    // faults in the middle: state at the fault must show the partial progress
    s.form(
      'rep stosq',
      custom((g) => {
        for (let i = 0; i < 20; i++)
          g.add({ regs: { rdi: DATA_ADDR + 0x2000n - BigInt(8 * g.rng.int(0, 5)) - BigInt(g.rng.int(0, 7)), rcx: BigInt(g.rng.int(1, 20)) }, rflags: g.flags() });
      }),
      { name: 'rep stosq running off the end of the data area (#PF)', maxInstructions: 1000 },
    );
    s.form(
      'rep movsl',
      custom((g) => {
        for (let i = 0; i < 20; i++)
          g.add({ regs: { rsi: DATA_ADDR + 4n * BigInt(g.rng.int(0, 5)), rdi: DATA_ADDR + 0x1000n, rcx: BigInt(g.rng.int(1, 20)) }, rflags: g.flags() | FLAG.DF });
      }),
      { name: 'rep movsl with DF=1 reading below the data area (#PF)', maxInstructions: 1000 },
    );
    s.form(
      'repe cmpsb',
      custom((g) => {
        for (let i = 0; i < 20; i++) {
          const n = g.rng.int(1, 12);
          const same = new Uint8Array(n).fill(0x5a);
          g.add({
            regs: { rsi: DATA_ADDR + 0x2000n - BigInt(n), rdi: DATA_ADDR + 0x1000n, rcx: BigInt(n + g.rng.int(0, 4)) },
            data: [{ off: 0x2000 - n, bytes: same }, { off: 0x1000, bytes: same }],
            rflags: g.flags(),
          });
        }
      }),
      { name: 'repe cmpsb running off the end (#PF)', maxInstructions: 1000 },
    );
  },
);
