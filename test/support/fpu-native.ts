// Native side of the floating-point differential tests: compiles test/native/fpu.c with gcc
// (cached by source hash, like native.ts) and runs batches of records on the host FPU.
// Records are 12 uint32 words in and 12 out (layout in fpu.c).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT, compileCached } from './native.js';

const SOURCE = join(REPO_ROOT, 'test/native/fpu.c');
const CFLAGS = ['-O2', '-std=gnu11', '-Wall', '-Wextra', '-Werror'];
export const REC_WORDS = 12;

/** Operation codes, as in fpu.c. */
export const NOp = {
  ADDSS: 1, SUBSS: 2, MULSS: 3, DIVSS: 4, SQRTSS: 5, MINSS: 6, MAXSS: 7, CMPSS: 8, COMISS: 9, UCOMISS: 10,
  ADDSD: 11, SUBSD: 12, MULSD: 13, DIVSD: 14, SQRTSD: 15, MINSD: 16, MAXSD: 17, CMPSD: 18, COMISD: 19, UCOMISD: 20,
  CVTSS2SD: 21, CVTSD2SS: 22, CVTSI2SS32: 23, CVTSI2SS64: 24, CVTSI2SD32: 25, CVTSI2SD64: 26,
  CVTSS2SI32: 27, CVTTSS2SI32: 28, CVTSS2SI64: 29, CVTTSS2SI64: 30, CVTSD2SI32: 31, CVTTSD2SI32: 32,
  CVTSD2SI64: 33, CVTTSD2SI64: 34, ROUNDSS: 35, ROUNDSD: 36, VCMPSS: 37, VCMPSD: 38,
  FADD: 100, FSUB: 101, FMUL: 102, FDIV: 103, FSQRT: 104, FCOM: 105, FUCOM: 106, FXAM: 107, FRNDINT: 108,
  FSCALE: 109, FXTRACT: 110, FPREM: 111, FPREM1: 112, FLD32: 113, FLD64: 114, FILD16: 115, FILD32: 116,
  FILD64: 117, FST32: 118, FST64: 119, FIST16: 120, FIST32: 121, FIST64: 122, FISTT16: 123, FISTT32: 124,
  FISTT64: 125, FBLD: 126, FBSTP: 127, FLDCONST: 128,
} as const;

let binaryPath: string | undefined;
let availability: { ok: boolean; reason?: string } | undefined;

function fpuBinary(): string {
  binaryPath ??= compileCached(SOURCE, CFLAGS, 'fpu');
  return binaryPath;
}

/** Run records (REC_WORDS words each) on the host; one output record per input. */
export function runFpuNative(records: Uint32Array): Uint32Array {
  const n = records.length / REC_WORDS;
  const r = spawnSync(fpuBinary(), [], {
    input: Buffer.from(records.buffer, records.byteOffset, records.byteLength),
    maxBuffer: 1 << 30,
    timeout: 120_000,
  });
  if (r.error) throw new Error(`native fpu oracle failed to run: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`native fpu oracle exited with ${r.status ?? r.signal}: ${r.stderr.toString()}`);
  const out = r.stdout as Buffer;
  if (out.length !== n * REC_WORDS * 4) throw new Error(`native fpu oracle: ${out.length} bytes for ${n} records`);
  const res = new Uint32Array(n * REC_WORDS);
  for (let i = 0; i < res.length; i++) res[i] = out.readUInt32LE(i * 4);
  return res;
}

/** Whether the native oracle can run here (x86-64 Linux with gcc), with the reason if not. */
export function fpuNativeAvailable(): { ok: boolean; reason?: string } {
  if (availability) return availability;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    availability = { ok: false, reason: `host is ${process.platform}/${process.arch}, the FPU oracle needs linux/x64` };
  } else if (process.env.RINGZERO_NO_NATIVE) {
    availability = { ok: false, reason: 'RINGZERO_NO_NATIVE is set' };
  } else {
    try {
      // smoke test: 1.0f + 2.0f = 3.0f, no flags
      const rec = new Uint32Array(REC_WORDS);
      rec.set([NOp.ADDSS, 0x1f80, 0, 0, 0x3f800000, 0, 0, 0, 0x40000000]);
      const out = runFpuNative(rec);
      if (out[0] !== 0x40400000 || out[8] !== 0x1f80) throw new Error(`smoke test failed: ${Array.from(out.slice(0, 10), (x) => x.toString(16))}`);
      availability = { ok: true };
    } catch (e) {
      availability = { ok: false, reason: (e as Error).message };
    }
  }
  return availability;
}
