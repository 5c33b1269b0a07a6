// Memory operands in the page an instruction's copy of a TLB entry holds
// (src/cpu/held-operand.ts): the interpreter finds the operand on the address
// registers' int32 halves, each low-half sum's carry going to the high half.
// An instruction that ran on a data page runs again with a register moved so
// that its address is 4 GiB up, the low 32 bits the same: it must fault there
// (#PF, CR2 the true address), not read or write the page it holds. With the
// base moving (a negative displacement, whose sign the carry cancels; a
// positive one over a base whose low half is near 2^32) and with a scaled
// index moving (one crossing 2^32 once scaled), for every form that takes the
// path. Then an operand that moves to other pages, which the copy takes from
// the TLB on the same halves: each page's bytes (a qword straddling two
// pages, a read-only page the TLB holds, written), and the faults where the
// TLB holds no entry (an unmapped page; one 2^44 up, whose slot the page just
// read occupies). Outcomes by hand, identical on every path (the compiled
// tier has its own page caches).
import { describe, expect, it } from 'vitest';
import { TierMachine, T_CODE, T_DATA, T_DATA_SIZE, type TierState } from './helpers/tier-machine.js';
import { runEveryPath } from './helpers/every-path.js';

const RAX = 0, RBX = 3, RSI = 6;
const PF_W = 2;
const machine = new TierMachine();
const hex = (v: bigint) => `0x${BigInt.asUintN(64, v).toString(16)}`;
const le = (v: bigint, n: number) => Array.from({ length: n }, (_, k) => Number((BigInt.asUintN(64, v) >> BigInt(8 * k)) & 0xffn));

/** The operand's address on the first run: in the writable data page. */
const FIRST = BigInt(T_DATA + 0x100);
/** The same low 32 bits, 4 GiB up: unmapped. */
const SECOND = FIRST + (1n << 32n);

interface Form { name: string; bytes: number[]; after: number[]; writes: boolean; rax: bigint }
// [rbx + disp32]: the last byte of `bytes` is ModRM (mod = 10, rm = RBX); `after` is what follows
// the displacement (an immediate).
const FORMS: Form[] = [
  { name: 'MOV r64, m64', bytes: [0x48, 0x8b, 0x83], after: [], writes: false, rax: 0x1122334455667788n },
  { name: 'MOV r32, m32', bytes: [0x8b, 0x83], after: [], writes: false, rax: 0x55667788n },
  { name: 'MOV m64, r64', bytes: [0x48, 0x89, 0x83], after: [], writes: true, rax: 0x7n },
  { name: 'MOV m32, r32', bytes: [0x89, 0x83], after: [], writes: true, rax: 0x7n },
  { name: 'MOV m64, imm32', bytes: [0x48, 0xc7, 0x83], after: [0x78, 0x56, 0x34, 0x12], writes: true, rax: 0x7n },
  { name: 'MOV m32, imm32', bytes: [0xc7, 0x83], after: [0x78, 0x56, 0x34, 0x12], writes: true, rax: 0x7n },
  { name: 'ADD r64, m64', bytes: [0x48, 0x03, 0x83], after: [], writes: false, rax: 0x1122334455667788n + 7n },
  { name: 'ADD m64, r64 (read-modify-write)', bytes: [0x48, 0x01, 0x83], after: [], writes: true, rax: 0x7n },
  { name: 'CMP m32, r32 (reads only)', bytes: [0x39, 0x83], after: [], writes: false, rax: 0x7n },
  { name: 'OR m64, imm32 (read-modify-write)', bytes: [0x48, 0x81, 0x8b], after: [0x01, 0, 0, 0], writes: true, rax: 0x7n },
  { name: 'MOVSXD r64, m32', bytes: [0x48, 0x63, 0x83], after: [], writes: false, rax: 0x55667788n },
  { name: 'MOVZX r32, m8', bytes: [0x0f, 0xb6, 0x83], after: [], writes: false, rax: 0x88n },
  { name: 'MOVSX r64, m8', bytes: [0x48, 0x0f, 0xbe, 0x83], after: [], writes: false, rax: -0x78n },
  { name: 'MOVZX r32, m16', bytes: [0x0f, 0xb7, 0x83], after: [], writes: false, rax: 0x7788n },
  { name: 'MOVDQU xmm, m128', bytes: [0xf3, 0x0f, 0x6f, 0x83], after: [], writes: false, rax: 0x7n },
  { name: 'MOVAPS m128, xmm', bytes: [0x0f, 0x29, 0x83], after: [], writes: true, rax: 0x7n },
];

/**
 * How the operand is addressed and which register moves it 4 GiB up between the two runs: the
 * base (RBX) alone, or an index (RSI, scaled by 8) beside a base; `first` and `disp` give the
 * registers' first values (the index's, with `index`; the base then makes the address FIRST).
 */
interface Addressing { what: string; disp: number; index?: bigint }
const ADDRESSINGS: Addressing[] = [
  // The low halves' sum carries into the high half and cancels the displacement's sign: base 0x600108.
  { what: '[base + negative displacement]', disp: -8 },
  // Base 0xffff_ffff_ffff_fff8, then 0x0000_0000_ffff_fff8: the low halves' sum carries both times.
  { what: '[base + positive displacement], the base\'s low half near 2^32', disp: 0x600108 },
  // The index moves (0xc001f, then + 2^29: 4 GiB once scaled); base 0x10.
  { what: '[base + index*8 + negative displacement]', disp: -8, index: 0xc001fn },
  // Index 0x1fff_ffff (scaled: 0xffff_fff8, a carry from the low halves), then 0x3fff_ffff (its high bits reach the high half).
  { what: '[base + index*8 + displacement], the scaled index crossing 2^32', disp: 0x108, index: 0x1fffffffn },
];

/**
 * movabs rbx, base; movabs rsi, index; movabs rdx, the moving register's second value; mov eax, 7;
 * mov ecx, 2; top: the form; mov rbx|rsi, rdx; dec ecx; jnz top; hlt. The form, at FORM_AT, runs
 * twice: the second run faults (a run that wrongly finds its operand in the page goes on to HLT).
 */
const FORM_AT = 0x28;
function program(form: Form, a: Addressing, base: bigint, index: bigint, second: bigint): number[] {
  const modrm = form.bytes[form.bytes.length - 1]!;
  const address = a.index === undefined ? [modrm] : [(modrm & ~7) | 4, 0xf3]; // SIB: scale 8, index RSI, base RBX
  const insn = [...form.bytes.slice(0, -1), ...address, ...le(BigInt(a.disp), 4), ...form.after];
  return [
    0x48, 0xbb, ...le(base, 8),   // 00: movabs rbx, base
    0x48, 0xbe, ...le(index, 8),  // 0a: movabs rsi, index
    0x48, 0xba, ...le(second, 8), // 14: movabs rdx, second
    0xb8, 0x07, 0x00, 0x00, 0x00, // 1e: mov eax, 7
    0xb9, 0x02, 0x00, 0x00, 0x00, // 23: mov ecx, 2
    ...insn,                      // 28: top
    0x48, 0x89, a.index === undefined ? 0xd3 : 0xd6, // mov rbx, rdx | mov rsi, rdx
    0xff, 0xc9,                   //     dec ecx
    0x75, -(insn.length + 7) & 0xff, // jnz top
    0xf4,                         //     hlt
  ];
}

function run(form: Form, a: Addressing): { states: TierState[]; moved: bigint } {
  const index = a.index ?? 0n, scaled = index * 8n;
  const base = BigInt.asUintN(64, FIRST - BigInt(a.disp) - scaled);
  const moved = a.index === undefined ? BigInt.asUintN(64, base + (1n << 32n)) : index + (1n << 29n);
  const data = new Uint8Array(T_DATA_SIZE);
  data.set(le(0x1122334455667788n, 8), Number(FIRST) - T_DATA);
  const regs = new Array<bigint>(16).fill(0n);
  regs[4] = 0x801800n; // RSP in the stack
  const code = Uint8Array.from(program(form, a, base, index, moved));
  return { states: runEveryPath(machine, { code, origin: 0, data, regs, rflags: 0, xmm: new Uint8Array(256), cpl: 0 }, 100_000), moved };
}

describe('operands the instruction\'s page copy holds, found on the registers\' halves', () => {
  for (const form of FORMS) {
    for (const a of ADDRESSINGS) {
      it(`${form.name}, ${a.what}: the run 4 GiB up faults at the true address`, () => {
        const { states, moved } = run(form, a);
        for (const s of states) {
          expect([s.stop, s.vector, s.errorCode, s.cr2, s.rip, s.instructions, s.regs[a.index === undefined ? RBX : RSI]]).toEqual(
            ['exception', 14, form.writes ? PF_W : 0, hex(SECOND), hex(BigInt(T_CODE + FORM_AT)), 5 + 1 + 3, hex(moved)]);
          expect(s.regs[RAX]).toBe(hex(form.rax));
        }
      });
    }
  }
});

describe('an aligned SSE move whose operand the page copy holds', () => {
  it('MOVAPS m128, xmm at an address 8 bytes off 16 in the held page: #GP(0), nothing written', () => {
    // movabs rbx, FIRST; mov ecx, 2; top: movaps [rbx], xmm0; add rbx, 8; dec ecx; jnz top; hlt
    const code = [0x48, 0xbb, ...le(FIRST, 8), 0xb9, 0x02, 0x00, 0x00, 0x00, 0x0f, 0x29, 0x03, 0x48, 0x83, 0xc3, 0x08, 0xff, 0xc9, 0x75, 0xf5, 0xf4];
    const xmm = new Uint8Array(256).fill(0xab, 0, 16);
    const regs = new Array<bigint>(16).fill(0n);
    regs[4] = 0x801800n;
    for (const s of runEveryPath(machine, { code: Uint8Array.from(code), origin: 0, data: new Uint8Array(T_DATA_SIZE), regs, rflags: 0, xmm, cpl: 0 }, 100_000)) {
      expect([s.stop, s.vector, s.errorCode, s.rip, s.instructions, s.regs[RBX]]).toEqual(['exception', 13, 0, hex(BigInt(T_CODE + 0xf)), 2 + 4, hex(FIRST + 8n)]);
      const at = Number(FIRST) - T_DATA;
      expect([...s.data.subarray(at, at + 24)]).toEqual([...new Array<number>(16).fill(0xab), ...new Array<number>(8).fill(0)]);
    }
  });
});

describe('an operand that moves to another page the TLB holds (the copy refilled on the halves)', () => {
  // The pages of the data area (tier-machine.ts): 0, 1 and 4 writable, 2 read-only, 3 unmapped.
  const PAGE_0 = T_DATA, PAGE_1 = T_DATA + 0x1000, PAGE_RO = T_DATA + 0x2000, PAGE_UNMAPPED = T_DATA + 0x3000, PAGE_4 = T_DATA + 0x4000;
  const abs32 = (v: number) => le(BigInt(v), 4);
  /**
   * movabs r8, PAGE_4 (a table of pointers); mov ecx, n; two reads (mov rdx, [abs]) that put page 1
   * and the read-only page in the TLB; top: mov rbx, [r8]; add r8, 8; the held instruction `held`
   * on [rbx]; `after`; dec ecx; jnz top; hlt. The held instruction is at HELD_AT.
   */
  const HELD_AT = 0x26;
  const program = (n: number, held: number[], after: number[]) => [
    0x49, 0xb8, ...le(BigInt(PAGE_4), 8),          // 00: movabs r8, PAGE_4
    0xb9, ...abs32(n),                             // 0a: mov ecx, n
    0x48, 0x8b, 0x14, 0x25, ...abs32(PAGE_1 + 0x800), // 0f: mov rdx, [PAGE_1 + 0x800]
    0x48, 0x8b, 0x14, 0x25, ...abs32(PAGE_RO + 0x800), // 17: mov rdx, [PAGE_RO + 0x800]
    0x49, 0x8b, 0x18,                              // 1f: top: mov rbx, [r8]
    0x49, 0x83, 0xc0, 0x08,                        // 22: add r8, 8
    ...held,                                       // 26: the held instruction (3 bytes)
    ...after,
    0xff, 0xc9,                                    //     dec ecx
    0x75, -(3 + 4 + held.length + after.length + 4) & 0xff, // jnz top
    0xf4,                                          //     hlt
  ];
  const PROLOGUE = 4, PER_ROUND = 6; // instructions before the loop; the loop's, with `after` one instruction
  function dataWith(pointers: number[]): Uint8Array {
    const data = new Uint8Array(T_DATA_SIZE);
    pointers.forEach((p, k) => data.set(le(BigInt(p), 8), PAGE_4 - T_DATA + 8 * k));
    for (let k = 0; k < 0x3000; k++) data[k] = (k * 7 + (k >> 8)) & 0xff; // pages 0-2: bytes that tell every offset apart
    return data;
  }
  const qword = (data: Uint8Array, at: number) => [...data.subarray(at - T_DATA, at - T_DATA + 8)].reduceRight((v, b) => (v << 8n) | BigInt(b), 0n);
  const regs = () => { const r = new Array<bigint>(16).fill(0n); r[4] = 0x801800n; return r; };

  it('MOV r64, m64 reads each page it moves to — one the TLB holds, one it refills, a straddling qword, the read-only page — and faults on the unmapped one', () => {
    const pointers = [PAGE_0 + 0x100, PAGE_1 + 0x200, PAGE_0 + 0xffc, PAGE_4 + 0x10, PAGE_RO + 0x8, PAGE_UNMAPPED + 0x18];
    const data = dataWith(pointers);
    // mov rax, [rbx]; add rsi, rax (rsi: the sum of the first five qwords, mod 2^64)
    const code = Uint8Array.from(program(pointers.length, [0x48, 0x8b, 0x03], [0x48, 0x01, 0xc6]));
    const sum = BigInt.asUintN(64, pointers.slice(0, 5).reduce((s, p) => s + qword(data, p), 0n));
    for (const s of runEveryPath(machine, { code, origin: 0, data, regs: regs(), rflags: 0, xmm: new Uint8Array(256), cpl: 0 }, 100_000)) {
      expect([s.stop, s.vector, s.errorCode, s.cr2, s.rip, s.instructions, s.regs[6], s.regs[RAX]]).toEqual(
        ['exception', 14, 0, hex(BigInt(PAGE_UNMAPPED + 0x18)), hex(BigInt(T_CODE + HELD_AT)), PROLOGUE + 5 * PER_ROUND + 2, hex(sum), hex(qword(data, PAGE_RO + 0x8))]);
    }
  });

  it('MOV r64, m64 moved 2^44 up, to an unmapped page whose TLB slot the page it read holds, faults there', () => {
    const ALIAS = PAGE_0 + 0x100 + 2 ** 44; // slotOf: the same slot as PAGE_0 (tlb.ts), another page
    const data = dataWith([PAGE_0 + 0x100, ALIAS]);
    const code = Uint8Array.from(program(2, [0x48, 0x8b, 0x03], [0x48, 0x01, 0xc6]));
    for (const s of runEveryPath(machine, { code, origin: 0, data, regs: regs(), rflags: 0, xmm: new Uint8Array(256), cpl: 0 }, 100_000)) {
      expect([s.stop, s.vector, s.errorCode, s.cr2, s.rip, s.instructions, s.regs[6]]).toEqual(
        ['exception', 14, 0, hex(BigInt(ALIAS)), hex(BigInt(T_CODE + HELD_AT)), PROLOGUE + PER_ROUND + 2, hex(qword(data, PAGE_0 + 0x100))]);
    }
  });

  it('MOV m64, r64 writes each page it moves to, a straddling qword too, and faults (P, W) on the read-only page the TLB holds', () => {
    const pointers = [PAGE_0 + 0x100, PAGE_1 + 0x200, PAGE_0 + 0xffc, PAGE_4 + 0x100, PAGE_RO + 0x8];
    const data = dataWith(pointers);
    // mov [rbx], rsi; add rsi, 0x11
    const code = Uint8Array.from(program(pointers.length, [0x48, 0x89, 0x33], [0x48, 0x83, 0xc6, 0x11]));
    for (const s of runEveryPath(machine, { code, origin: 0, data, regs: regs(), rflags: 0, xmm: new Uint8Array(256), cpl: 0 }, 100_000)) {
      expect([s.stop, s.vector, s.errorCode, s.cr2, s.rip, s.instructions, s.regs[6]]).toEqual(
        ['exception', 14, PF_W | 1, hex(BigInt(PAGE_RO + 0x8)), hex(BigInt(T_CODE + HELD_AT)), PROLOGUE + 4 * PER_ROUND + 2, hex(0x44n)]);
      pointers.slice(0, 4).forEach((p, k) => expect(hex(qword(s.data, p))).toBe(hex(BigInt(0x11 * k))));
      expect(hex(qword(s.data, PAGE_RO + 0x8))).toBe(hex(qword(data, PAGE_RO + 0x8)));
    }
  });
});
