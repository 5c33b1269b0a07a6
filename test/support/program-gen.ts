// A seeded generator of random *valid* 64-bit programs for the tier-vs-tier
// fuzz (test/fuzz-tiers.test.ts): straight-line runs, counted loops, forward
// branches, calls, string operations, SSE2 integer moves, arithmetic, interleaves, packs and shifts, loads
// and stores to a data area that is partly read-only and unmapped (faults
// mid-program), other faults (#GP, #UD, #BP) in some programs, and self-modifying
// stores that patch an immediate, an opcode or a whole instruction a few
// instructions ahead, or REP STOSB over code ahead. The whole program runs in
// an outer counted loop, so patched code runs again (stale code shows).
// Reserved registers: RSP (stack), R13 (outer counter), R14 (data base), R15 (loop counter).
import { Rng } from './rng.js';
import { enc, raw, label, branch, le, nopFill, canInsertAt, merge, type Item, type Rm } from './x86-encode.js';
import { T_DATA, T_DATA_RO, T_DATA_SIZE, T_STACK, T_CODE_SIZE } from '../helpers/tier-machine.js';

const BODY = [0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12];
type Size = 8 | 16 | 32 | 64;

export interface Program {
  items: Item[];
  /** Offset of the program in the code pages: half the programs start late in the first page and cross into the next. */
  origin: number;
  cpl: 0 | 3;
  regs: bigint[];
  rflags: number;
  data: Uint8Array;
  xmm: Uint8Array;
}

class Gen {
  private cur: Item[] = [];
  /** The end of the program: stores to [scratch + n] hit the code page but no instruction. */
  readonly scratch = label();

  constructor(private readonly rng: Rng, private readonly faulty: boolean) {}

  private emit(...items: Item[]): void { this.cur.push(...items); }
  private reg(): number { return this.rng.pick(BODY); }
  private size(): Size { return this.rng.pick([8, 16, 32, 64] as const); }
  private wide(): 16 | 32 | 64 { return this.rng.pick([16, 32, 64] as const); }
  private sz(s: Size) { return { o16: s === 16, w: s === 64, rex: s === 8 && this.rng.bool(0.5) }; }
  private imm(s: Size): number[] { return le(this.rng.u32(), s === 8 ? 1 : s === 16 ? 2 : 4); }

  /** A data-area offset: mostly writable pages; in faulty programs sometimes read-only, unmapped or across a page end. */
  private dataOff(write: boolean, room = 16): number {
    const r = this.rng;
    if (this.faulty && r.bool(0.05)) {
      const edge = r.pick([0x1ff8, 0x2ff8, 0x3ff8, 0x4ff8]);
      return r.pick([edge + r.below(8), T_DATA_RO + r.below(0x1000), 0x3000 + r.below(0x1000)]);
    }
    if (!write && r.bool(0.15)) return T_DATA_RO + r.below(0x1000 - room);
    return r.bool(0.7) ? r.below(0x2000 - room) : 0x4000 + r.below(0x1000 - room);
  }

  /** A data-area memory operand (an index register is first masked to 0-0xff). */
  private mem(write: boolean): Rm {
    if (this.rng.bool(0.25)) {
      const index = this.reg();
      this.emit(enc({ op: [0x81], reg: 4, rm: { reg: index }, imm: le(0xff, 4) })); // and index32, 0xff
      const scale = this.rng.below(4);
      const off = this.dataOff(write, 16 + (0xff << scale));
      return { index, scale, disp: off >= 0x4000 ? off - (0xff << scale) : off };
    }
    return { disp: this.dataOff(write) };
  }

  private rm(write: boolean, pMem = 0.35): Rm {
    return this.rng.bool(pMem) ? this.mem(write) : { reg: this.reg() };
  }

  private lock(rm: Rm): number[] { return !('reg' in rm) && this.rng.bool(0.2) ? [0xf0] : []; }

  // ---- single instructions ----
  private alu(): void {
    const r = this.rng, op = r.below(8), s = this.size(), b0 = s === 8 ? 0 : 1, write = op !== 7;
    const form = r.below(6);
    if (form === 0) this.emit(enc({ op: [op * 8 + b0], reg: this.reg(), rm: { reg: this.reg() }, ...this.sz(s) }));
    else if (form === 1) this.emit(enc({ op: [op * 8 + 2 + b0], reg: this.reg(), rm: this.mem(false), ...this.sz(s) }));
    else if (form === 2) { const m = this.mem(write); this.emit(enc({ op: [op * 8 + b0], reg: this.reg(), rm: m, pre: write ? this.lock(m) : [], ...this.sz(s) })); }
    else if (form === 5) this.emit(raw(...(s === 16 ? [0x66] : s === 64 ? [0x48] : []), op * 8 + 4 + b0, ...this.imm(s))); // AL/AX/EAX/RAX, imm
    else {
      const m: Rm = form === 3 ? { reg: this.reg() } : this.mem(write);
      const short = s !== 8 && r.bool(0.4);
      const it = enc({ op: [s === 8 ? 0x80 : short ? 0x83 : 0x81], reg: op, rm: m, imm: short ? le(r.below(256), 1) : this.imm(s),
        pre: write ? this.lock(m) : [], patchable: 'reg' in m && s >= 32 && !short, ...this.sz(s) });
      const at = it.bytes.length - (short || s === 8 ? 1 : s === 16 ? 2 : 4) - ('reg' in m ? 1 : 0);
      if ('reg' in m) it.alt = { at, values: [0, 1, 2, 3, 4, 5, 6, 7].filter((o) => o !== op).map((o) => (it.bytes[at]! & 0xc7) | (o << 3)) };
      this.emit(it);
    }
  }

  private unary(): void {
    const r = this.rng, s = this.size(), m = this.rm(true);
    const [op, ext] = r.pick([[0xfe, 0], [0xfe, 1], [0xf6, 2], [0xf6, 3]] as const);
    this.emit(enc({ op: [op + (s === 8 ? 0 : 1)], reg: ext, rm: m, pre: this.lock(m), ...this.sz(s) }));
  }

  private test(): void {
    const s = this.size(), b0 = s === 8 ? 0 : 1;
    if (this.rng.bool(0.5)) this.emit(enc({ op: [0x84 + b0], reg: this.reg(), rm: this.rm(false), ...this.sz(s) }));
    else this.emit(enc({ op: [0xf6 + b0], reg: 0, rm: this.rm(false), imm: this.imm(s), ...this.sz(s) }));
  }

  private mov(): void {
    const r = this.rng, s = this.size(), b0 = s === 8 ? 0 : 1;
    switch (r.below(9)) {
      case 0: this.emit(enc({ op: [0x88 + b0], reg: this.reg(), rm: { reg: this.reg() }, ...this.sz(s) })); break;
      case 1: this.emit(enc({ op: [0x88 + b0], reg: this.reg(), rm: this.mem(true), ...this.sz(s) })); break;
      case 2: this.emit(enc({ op: [0x8a + b0], reg: this.reg(), rm: this.mem(false), ...this.sz(s) })); break;
      case 3: this.emit(enc({ op: [0xc6 + b0], reg: 0, rm: this.rm(true), imm: this.imm(s), patchable: s >= 32, ...this.sz(s) })); break;
      case 4: { // B8+r imm32 (patchable) or REX.W B8+r imm64
        const d = this.reg(), w = r.bool(0.3);
        const it = raw(...(w || d >= 8 ? [0x40 | (w ? 8 : 0) | (d >> 3)] : []), 0xb8 + (d & 7), ...le(r.u64(), w ? 8 : 4));
        if (!w) it.imm32At = it.bytes.length - 4;
        this.emit(it);
        break;
      }
      default: { // movzx / movsx / movsxd
        const [op, src] = r.pick([[[0x0f, 0xb6], 8], [[0x0f, 0xb7], 16], [[0x0f, 0xbe], 8], [[0x0f, 0xbf], 16], [[0x63], 32]] as const);
        const d = src === 32 ? 64 : src === 16 ? r.pick([32, 64] as const) : this.wide();
        this.emit(enc({ op: [...op], reg: this.reg(), rm: this.rm(false), o16: d === 16, w: d === 64, rex: r.bool(0.3) }));
      }
    }
  }

  private lea(): void {
    const s = this.wide();
    const rm: Rm = this.rng.bool(0.7) ? { index: this.rng.bool(0.5) ? this.reg() : undefined, scale: this.rng.below(4), disp: this.rng.int(-0x1000, 0x6000) } : { rip: this.scratch, off: 0 };
    this.emit(enc({ op: [0x8d], reg: this.reg(), rm, o16: s === 16, w: s === 64 }));
  }

  private shift(): void {
    const r = this.rng, s = this.size(), b0 = s === 8 ? 0 : 1, ext = r.pick([0, 1, 2, 3, 4, 5, 7]), m = this.rm(true, 0.2);
    const form = r.below(3);
    if (form === 0) this.emit(enc({ op: [0xc0 + b0], reg: ext, rm: m, imm: [r.bool(0.3) ? r.below(256) : r.below(66)], ...this.sz(s) }));
    else this.emit(enc({ op: [(form === 1 ? 0xd0 : 0xd2) + b0], reg: ext, rm: m, ...this.sz(s) }));
  }

  private mulDiv(): void {
    const r = this.rng, k = r.below(6);
    if (k === 0) { const s = this.wide(); this.emit(enc({ op: [0x0f, 0xaf], reg: this.reg(), rm: this.rm(false), o16: s === 16, w: s === 64 })); return; }
    if (k === 1) {
      const s = this.wide(), short = r.bool(0.5), m = this.rm(false);
      this.emit(enc({ op: [short ? 0x6b : 0x69], reg: this.reg(), rm: m, imm: short ? [r.below(256)] : this.imm(s), patchable: !short && s !== 16 && 'reg' in m, o16: s === 16, w: s === 64 }));
      return;
    }
    const s = this.size(), b0 = s === 8 ? 0 : 1;
    if (k === 2) { this.emit(enc({ op: [0xf6 + b0], reg: r.pick([4, 5]), rm: this.rm(false), ...this.sz(s) })); return; }
    // DIV / IDIV: usually a non-zero divisor and a zero- or sign-extended dividend; sometimes neither (#DE).
    const signed = r.bool(0.4), d = r.pick(BODY.filter((x) => x !== 0 && x !== 2));
    if (r.bool(0.9)) this.emit(enc({ op: [s === 8 ? 0x80 : 0x83], reg: 1, rm: { reg: d }, imm: [1], ...this.sz(s) })); // or d, 1
    if (r.bool(0.9)) {
      if (s === 8) this.emit(raw(signed ? 0x66 : 0x0f, ...(signed ? [0x98] : [0xb6, 0xc0]))); // cbw / movzx eax, al
      else if (signed) this.emit(raw(...(s === 16 ? [0x66] : s === 64 ? [0x48] : []), 0x99)); // cwd / cdq / cqo
      else this.emit(raw(0x31, 0xd2)); // xor edx, edx
    }
    this.emit(enc({ op: [0xf6 + b0], reg: signed ? 7 : 6, rm: r.bool(0.2) ? this.mem(false) : { reg: d }, ...this.sz(s) }));
  }

  private stack(): void {
    const r = this.rng, k = r.below(5);
    const push = (x: number) => raw(...(x >= 8 ? [0x41] : []), 0x50 + (x & 7));
    const pop = (x: number) => raw(...(x >= 8 ? [0x41] : []), 0x58 + (x & 7));
    if (k === 0) this.emit(push(this.reg()), pop(this.reg()));
    else if (k === 1) this.emit(r.bool(0.5) ? raw(0x6a, r.below(256)) : raw(0x68, ...le(r.u32(), 4)), pop(this.reg()));
    else if (k === 2) { const a = this.mem(false); this.emit(enc({ op: [0xff], reg: 6, rm: a })); this.emit(enc({ op: [0x8f], reg: 0, rm: this.mem(true) })); }
    else if (k === 3) { this.emit(push(this.reg())); this.alu(); this.emit(pop(this.reg())); }
    else if (r.bool(0.5)) this.emit(raw(0x9c), raw(0x80, 0x34, 0x24, r.below(256) & 0xd5), raw(0x9d)); // pushfq; xor byte [rsp], CF..SF; popfq
    else if (r.bool(0.5)) this.emit(raw(0x9c), raw(0x80, 0x74, 0x24, 0x01, r.below(256) & 0x0c), raw(0x9d)); // DF, OF
    else this.emit(raw(0x9c), pop(this.reg()));
  }

  private misc(): void {
    const r = this.rng, k = r.below(8);
    const cc = r.below(16);
    switch (k) {
      case 0: this.emit(raw(0x0f, 0x31)); break; // rdtsc
      case 1: this.emit(enc({ op: [0x0f, 0x90 + cc], reg: 0, rm: this.rm(true), rex: r.bool(0.5) })); break; // setcc
      case 2: { const s = this.wide(); this.emit(enc({ op: [0x0f, 0x40 + cc], reg: this.reg(), rm: this.rm(false), o16: s === 16, w: s === 64 })); break; } // cmovcc
      case 3: { const s = this.size(), m = this.rm(true); this.emit(enc({ op: [0x86 + (s === 8 ? 0 : 1)], reg: this.reg(), rm: m, ...this.sz(s) })); break; } // xchg
      case 4: { const s = this.size(), m = this.rm(true); this.emit(enc({ op: [0x0f, 0xb0 + (s === 8 ? 0 : 1)], reg: this.reg(), rm: m, pre: this.lock(m), ...this.sz(s) })); break; } // cmpxchg
      case 5: { const s = this.wide(); this.emit(enc({ op: [0x0f, r.pick([0xa3, 0xab, 0xb3, 0xbb])], reg: this.reg(), rm: { reg: this.reg() }, o16: s === 16, w: s === 64 })); break; } // bt* r, r
      case 6: { const s = this.wide(), ext = r.int(4, 7), m = this.rm(ext !== 4); this.emit(enc({ op: [0x0f, 0xba], reg: ext, rm: m, imm: [r.below(256)], pre: ext !== 4 ? this.lock(m) : [], o16: s === 16, w: s === 64 })); break; }
      default: { const x = r.pick(BODY.filter((v) => v !== 0)), s = this.wide(); this.emit(raw(...(s === 16 ? [0x66] : []), ...(s === 64 || x >= 8 ? [0x40 | (s === 64 ? 8 : 0) | (x >> 3)] : []), 0x90 + (x & 7))); } // xchg rax, r
    }
  }

  private string(): void {
    const r = this.rng, op = r.pick([0xa4, 0xa6, 0xaa, 0xac, 0xae]), s = this.size(), n = r.below(48), down = r.bool(0.3);
    const span = n * (s / 8) + 8;
    const at = (write: boolean) => { const o = this.dataOff(write, span); return down ? o + span - 8 : o; };
    this.emit(raw(down ? 0xfd : 0xfc));
    this.emit(enc({ op: [0x8d], reg: 6, rm: { disp: at(false) }, w: true })); // lea rsi
    this.emit(enc({ op: [0x8d], reg: 7, rm: { disp: at(op === 0xa4 || op === 0xaa) }, w: true })); // lea rdi
    this.emit(raw(0xb9, ...le(n, 4))); // mov ecx, n
    const rep = r.below(3) === 0 ? [] : op === 0xa6 || op === 0xae ? [r.pick([0xf3, 0xf2])] : [0xf3];
    this.emit(raw(...rep, ...(s === 16 ? [0x66] : s === 64 ? [0x48] : []), op + (s === 8 ? 0 : 1)));
  }

  /** SSE2 integer moves, arithmetic, interleaves, packs and shifts (MOVDQA and the m128 operands fault when misaligned: #GP(0)). */
  private sse(): void {
    const r = this.rng, x = () => r.below(16);
    switch (r.below(9)) {
      case 0: this.emit(enc({ pre: [0x66], op: [0x0f, 0x6e], reg: x(), rm: this.rm(false), w: r.bool(0.5) })); break; // movd/movq xmm, r/m
      case 1: this.emit(enc({ pre: [0x66], op: [0x0f, 0x7e], reg: x(), rm: this.rm(true), w: r.bool(0.5) })); break; // movd/movq r/m, xmm
      case 2: this.emit(enc({ pre: [r.pick([0xf3, 0x66])], op: [0x0f, 0x6f], reg: x(), rm: r.bool(0.5) ? this.mem(false) : { reg: x() } })); break; // movdqu/movdqa xmm, xmm/m128
      case 3: this.emit(enc({ pre: [0xf3], op: [0x0f, 0x7f], reg: x(), rm: this.mem(true) })); break; // movdqu m128, xmm
      case 4: this.emit(enc({ pre: [0x66], op: [0x0f, 0x70], reg: x(), rm: { reg: x() }, imm: [r.below(256)] })); break; // pshufd
      case 5: this.emit(r.bool(0.5) // movq xmm, xmm/m64 (F3 0F 7E); movq xmm/m64, xmm (66 0F D6)
        ? enc({ pre: [0xf3], op: [0x0f, 0x7e], reg: x(), rm: r.bool(0.5) ? this.mem(false) : { reg: x() } })
        : enc({ pre: [0x66], op: [0x0f, 0xd6], reg: x(), rm: r.bool(0.5) ? this.mem(true) : { reg: x() } })); break;
      case 6: // punpckl/h bw wd dq qdq, packsswb packuswb packssdw
        this.emit(enc({ pre: [0x66], op: [0x0f, r.pick([0x60, 0x61, 0x62, 0x6c, 0x68, 0x69, 0x6a, 0x6d, 0x63, 0x67, 0x6b])], reg: x(), rm: r.bool(0.3) ? this.mem(false) : { reg: x() } }));
        break;
      case 7: { // psrlw psraw psllw, psrlq psllq, psrldq pslldq by imm8 (66 0F 71 /2 /4 /6, 66 0F 73 /2 /6 /3 /7)
        const [op, ext] = r.pick([[0x71, 2], [0x71, 4], [0x71, 6], [0x73, 2], [0x73, 6], [0x73, 3], [0x73, 7]] as const);
        this.emit(enc({ pre: [0x66], op: [0x0f, op], reg: ext, rm: { reg: x() }, imm: [r.bool(0.7) ? r.below(18) : r.below(256)] }));
        break;
      }
      default: this.emit(enc({ pre: [0x66], op: [0x0f, r.pick([0xfe, 0xef, 0xd4, 0xfa, 0xdb, 0x74])], reg: x(), rm: r.bool(0.3) ? this.mem(false) : { reg: x() } })); // paddd pxor paddq psubd pand pcmpeqb
    }
  }

  /** mov [scratch + n], reg: a store into a code page that holds no instruction of the program. */
  private codePageStore(): void {
    this.emit(enc({ op: [0x89], reg: this.reg(), rm: { rip: this.scratch, off: this.rng.below(60) } }));
  }

  /** One random instruction, with the instructions that set up its operands, as one item. */
  private one(): void {
    const saved = this.cur;
    this.cur = [];
    this.oneInstruction();
    const parts = this.cur;
    this.cur = saved;
    this.emit(merge(parts));
  }

  private oneInstruction(): void {
    const k = this.rng.below(100);
    if (this.faulty && this.rng.bool(0.012)) this.fault();
    else if (k < 22) this.alu();
    else if (k < 30) this.unary();
    else if (k < 35) this.test();
    else if (k < 48) this.mov();
    else if (k < 52) this.lea();
    else if (k < 60) this.shift();
    else if (k < 68) this.mulDiv();
    else if (k < 76) this.stack();
    else if (k < 90) this.misc();
    else if (k < 93) this.string();
    else if (k < 95) this.sse();
    else if (k < 97) this.codePageStore();
    else this.emit(raw(0xf8 + this.rng.below(2))); // clc / stc
  }

  /**
   * An instruction that faults or traps other than by a data-area page: a non-canonical store, UD2, INT3, INTO, CLI,
   * MOV r64, CRn (#GP(0) at CPL 3; at CPL 0 a read of CR0, CR2, CR3, CR4 or CR8), INVLPG of a data-area address
   * (#GP(0) at CPL 3; at CPL 0 its page walked again at the next access): the compiled tier templates both.
   */
  private fault(): void {
    const r = this.rng;
    switch (r.below(7)) {
      case 0: this.emit(raw(0x48, 0xb8, ...le(0x8000000000000000n + r.u64() % 0x7fff000000000000n, 8)), raw(0x89, 0x08)); break; // movabs rax, non-canonical; mov [rax], ecx: #GP(0)
      case 1: this.emit(raw(0x0f, 0x0b)); break; // ud2
      case 2: this.emit(raw(0xcc)); break; // int3: a trap (RIP after it)
      case 3: this.emit(raw(0xce)); break; // into: #UD in 64-bit mode
      case 4: {
        const cr = r.pick([0, 2, 3, 4, 8]), dst = this.reg();
        const rex = 0x40 | (cr >= 8 ? 4 : 0) | (dst >= 8 ? 1 : 0);
        this.emit(raw(...(rex !== 0x40 ? [rex] : []), 0x0f, 0x20, 0xc0 | ((cr & 7) << 3) | (dst & 7)));
        break;
      }
      case 5: this.emit(enc({ op: [0x0f, 0x01], reg: 7, rm: this.mem(false) })); break; // invlpg m
      default: this.emit(raw(0xfa)); // cli: #GP(0) at CPL 3 (IOPL 0)
    }
  }

  // ---- self-modifying stores over a straight run ----
  private ripStore(target: Item, off: number, bytes: number[]): Item {
    const n = bytes.length;
    return enc({ op: [n === 1 ? 0xc6 : 0xc7], reg: 0, rm: { rip: target, off }, imm: n === 8 ? bytes.slice(0, 4) : bytes, o16: n === 2 });
  }

  private smc(list: Item[]): void {
    const r = this.rng;
    const free = (i: number) => list[i] !== undefined && list[i]!.plain === true && !list[i]!.patched;
    for (let tries = r.below(3); tries > 0; tries--) {
      const t = r.below(list.length), target = list[t]!;
      if (!free(t)) continue;
      const s = Math.max(0, t - r.int(1, 5));
      if (!canInsertAt(list, s)) continue;
      let insert: Item[] = [];
      const kind = r.below(4);
      if (kind === 0 && target.imm32At !== undefined) {
        // A constant, a register, or the outer loop's counter (the code changes on every pass over it).
        const src = r.bool(0.6) ? 13 : this.reg();
        insert = [r.bool(0.3) ? this.ripStore(target, target.imm32At, le(r.u32(), 4)) : enc({ op: [0x89], reg: src, rm: { rip: target, off: target.imm32At } })];
      } else if (kind === 1 && target.alt) {
        insert = [this.ripStore(target, target.alt.at, [r.pick(target.alt.values)])];
      } else if (kind === 2 && target.bytes.length <= 16) { // the whole instruction (or item) becomes NOPs
        const nop = nopFill(target.bytes.length);
        for (let k = 0; k < nop.length;) {
          const n = nop.length - k >= 4 ? 4 : nop.length - k >= 2 ? 2 : 1;
          insert.push(this.ripStore(target, k, nop.slice(k, k + n)));
          k += n;
        }
      } else if (kind === 3) { // REP STOSB of NOPs (rarely INT3) over this item and the next few
        let e = t;
        while (e + 1 < list.length && e - t < 3 && free(e + 1) && r.bool(0.6)) e++;
        let len = 0;
        for (let i = t; i <= e; i++) { len += list[i]!.bytes.length; list[i]!.patched = true; list[i]!.range = target; }
        insert = [raw(0xfc), enc({ op: [0x8d], reg: 7, rm: { rip: target, off: 0 }, w: true }), raw(0xb9, ...le(len, 4)), raw(0xb0, r.bool(0.95) ? 0x90 : 0xcc), raw(0xf3, 0xaa)];
      } else continue;
      target.patched = true;
      for (const it of insert) it.plain = false;
      list.splice(s, 0, ...insert);
    }
  }

  /** n random instructions (and the self-modifying stores over them), as a new list. */
  straight(n: number): Item[] {
    const saved = this.cur;
    this.cur = [];
    for (let i = 0; i < n; i++) this.one();
    const list = this.cur;
    this.cur = saved;
    if (this.rng.bool(0.4)) this.smc(list);
    return list;
  }

  // ---- control flow ----
  private fwdJcc(body: Item[]): Item[] {
    const r = this.rng, end = label(), len = body.reduce((a, i) => a + i.bytes.length, 0);
    const short = len < 120 && r.bool(0.7);
    if (r.bool(0.2)) { // jmp over bytes never executed
      const junk = raw(...Array.from({ length: r.int(1, 6) }, () => r.below(256)));
      junk.plain = false;
      return [branch([0xeb], [0xe9], end, r.bool(0.5)), junk, end];
    }
    const cc = r.below(16);
    return [branch([0x70 + cc], [0x0f, 0x80 + cc], end, short), ...body, end];
  }

  private loop(): Item[] {
    const r = this.rng, top = label(), body = [...this.straight(r.int(2, 8))];
    if (r.bool(0.3)) body.push(...this.fwdJcc(this.straight(r.int(1, 3))));
    // A store of the loop counter into an immediate of the body: each iteration runs other code.
    const patchable = body.filter((i) => i.imm32At !== undefined && !i.patched);
    if (patchable.length && r.bool(0.4)) {
      const t = r.pick(patchable);
      t.patched = true;
      const at = r.below(body.length + 1);
      if (canInsertAt(body, at)) body.splice(at, 0, enc({ op: [0x89], reg: 15, rm: { rip: t, off: t.imm32At! } }));
    }
    const len = body.reduce((a, i) => a + i.bytes.length, 0);
    return [raw(0x41, 0xbf, ...le(r.int(1, 40), 4)), top, ...body, raw(0x41, 0xff, 0xcf), branch([0x75], [0x0f, 0x85], top, len < 110 && r.bool(0.7))];
  }

  private call(): Item[] {
    const r = this.rng, f = label(), over = label();
    const call = r.bool(0.7) ? [branch(null, [0xe8], f, false)] : [enc({ op: [0x8d], reg: 0, rm: { rip: f, off: 0 }, w: true }), raw(0xff, 0xd0)];
    return [...call, branch([0xeb], [0xe9], over, r.bool(0.5)), f, ...this.straight(r.int(1, 5)), raw(0xc3), over];
  }

  program(): Item[] {
    const r = this.rng, top = label(), blocks: Item[] = [];
    for (let b = r.int(3, 10); b > 0; b--) {
      const k = r.below(10);
      if (k < 4) blocks.push(...this.straight(r.int(2, 12)));
      else if (k < 6) blocks.push(...this.loop());
      else if (k < 8) blocks.push(...this.fwdJcc(this.straight(r.int(1, 4))));
      else blocks.push(...this.call());
    }
    // Some programs pass over their code many times (a tier that compiles hot code compiles it).
    const passes = r.bool(0.25) ? r.int(10, 30) : r.int(1, 6);
    return [raw(0x41, 0xbd, ...le(passes, 4)), top, ...blocks, raw(0x41, 0xff, 0xcd), branch(null, [0x0f, 0x85], top, false), raw(0xf4), this.scratch];
  }
}

export function generateProgram(seed: string): Program {
  const r = new Rng(seed);
  const faulty = r.bool(0.5);
  let items = new Gen(r, faulty).program();
  const origin = r.bool(0.5) ? 0 : r.int(0xd00, 0xff8);
  while (items.reduce((a, i) => a + i.bytes.length, 0) > T_CODE_SIZE - 128 - origin) items = new Gen(r, faulty).program();
  const regs = Array.from({ length: 16 }, () => {
    const k = r.below(10);
    return k < 3 ? BigInt(T_DATA + r.below(T_DATA_SIZE)) : k < 6 ? BigInt(r.below(64)) : r.u64();
  });
  regs[4] = BigInt(T_STACK + 0x1000);
  regs[14] = BigInt(T_DATA);
  return { items, origin, cpl: r.bool(0.5) ? 0 : 3, regs, rflags: r.below(0x1000) & 0xcd5, data: r.bytes(T_DATA_SIZE), xmm: r.bytes(256) };
}
