#!/usr/bin/env node
// Builds every guest under guests/ (one image per guests/<name>.c or .S,
// linked with the runtime in guests/lib/) into build/guests/<name>.elf with
// the machine's gcc/as/ld.  See guests/README.md.
//
// - Incremental: an image is rebuilt only when its stamp (a hash of its
//   source, every file in guests/lib/, the flags and the gcc version)
//   changed.  Objects and stamps live in build/guests-obj/, so build/guests/
//   holds nothing but the images (`ringzero run build/guests` runs them all).
// - Every new image is checked against the Guest ABI before it is kept:
//   PT_LOAD layout and flags, entry point, the .ringzero.expect and
//   .ringzero.needs sections, and no AVX or endbr instruction (objdump, the
//   forced-emulation prefix `ud2; 'kvm'` skipped).
// - Paths are relative to the repo root, so __FILE__ is e.g. "guests/assert.c".
//
// Plain Node ESM, no dependencies.  Exits non-zero on any failure.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

const CC = process.env.CC || 'gcc';
const OBJDUMP = process.env.OBJDUMP || 'objdump';
const OBJCOPY = process.env.OBJCOPY || 'objcopy';
// `--src DIR --out DIR` builds another set of images with the same runtime
// (npm run bench builds bench/guests into build/bench this way); `--define
// NAME` adds -DNAME (npm run bench -- --full: the benchmark guests at full size).
const argOf = (flag, dflt) => { const k = process.argv.indexOf(flag); return k > 0 ? process.argv[k + 1] : dflt; };
const GUEST_DIR = argOf('--src', 'guests');
const LIB_DIR = 'guests/lib';
const OUT_DIR = argOf('--out', 'build/guests');
const OBJ_DIR = argOf('--obj', `build/${path.basename(OUT_DIR)}-obj`);
const DEFINE = argOf('--define', undefined);
if (DEFINE !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(DEFINE)) {
  console.error(`build-guests: bad --define '${DEFINE}' (a C macro name)`);
  process.exit(2);
}

const CFLAGS = [
  '-O2', '-g',
  '-ffreestanding', '-fno-builtin', '-nostdlib', '-static',
  '-fno-pic', '-fno-pie', '-no-pie',
  '-mcmodel=kernel',            // image lives in the top 2 GiB (guest.ld)
  '-mno-red-zone',              // exceptions push onto the same stack at CPL 0
  '-fno-stack-protector', '-fno-asynchronous-unwind-tables',
  '-fcf-protection=none',       // no endbr64, no .note.gnu.property
  '-fno-jump-tables',
  // Without this gcc -O2 turns the loop in memset() into a call to memset().
  '-fno-tree-loop-distribute-patterns',
  '-Wall', '-Werror',
  `-I${LIB_DIR}`,
  ...(DEFINE === undefined ? [] : [`-D${DEFINE}`]),
];
const LDFLAGS = [
  `-T${LIB_DIR}/guest.ld`,
  '-Wl,--build-id=none',
  '-Wl,-z,max-page-size=4096',
  '-Wl,-z,separate-code',       // code never shares a segment with data
  '-Wl,-z,noexecstack',
];

function fail(msg) {
  console.error(`build-guests: ${msg}`);
  process.exit(1);
}

// ---- toolchain
const probe = spawnSync(CC, ['--version'], { encoding: 'utf8' });
if (probe.error || probe.status !== 0) {
  console.error(`*** build-guests: cannot run '${CC}' (${probe.error?.code ?? `exit ${probe.status}`}): ` +
    'install gcc and binutils (apt-get install gcc) to build the guest images ***');
  // `npm test` passes --optional: the tests that need images then skip loudly themselves.
  process.exit(process.argv.includes('--optional') ? 0 : 1);
}
const toolchain = probe.stdout.split('\n')[0];

// ---- sources
const isSrc = (f) => /\.(c|S)$/.test(f);
// Every file under guests/lib counts for the stamp, the upstream-named headers
// in its subdirectories too (<asm/msr-index.h>, <linux/bits.h>: -Iguests/lib);
// the runtime's sources are the top-level .c/.S files.
const libFiles = fs.readdirSync(LIB_DIR, { recursive: true, withFileTypes: true })
  .filter((d) => d.isFile())
  .map((d) => path.posix.join(path.relative(LIB_DIR, d.parentPath ?? d.path).split(path.sep).join('/'), d.name))
  .sort();
const libSrcs = libFiles.filter((f) => isSrc(f) && !f.includes('/')).map((f) => path.posix.join(LIB_DIR, f));
// The CPL 3 copies of the runtime (guests/lib/ucall.h, usermode.h): compiled
// again with -DRINGZERO_USER, every symbol prefixed __user_ (objcopy), and
// named *.user.o so guest.ld puts all their sections in the user half.
const USER_LIB = ['ucall.c', 'printf.c', 'string.c'].map((f) => path.posix.join(LIB_DIR, f));
const guestSrcs = fs.readdirSync(GUEST_DIR, { withFileTypes: true })
  .filter((d) => d.isFile() && isSrc(d.name)).map((d) => d.name).sort();
// Headers next to the guests count for every guest, like the runtime does.
const sharedHeaders = fs.readdirSync(GUEST_DIR).filter((f) => f.endsWith('.h')).sort()
  .map((f) => path.posix.join(GUEST_DIR, f));

const guests = new Map();
for (const f of guestSrcs) {
  const name = f.replace(/\.(c|S)$/, '');
  if (guests.has(name)) fail(`two sources for guest '${name}'`);
  guests.set(name, path.posix.join(GUEST_DIR, f));
}

const hashFiles = (h, files) => {
  for (const f of files) h.update(`\0${f}\0`).update(fs.readFileSync(f));
  return h;
};
const commonHash = hashFiles(
  createHash('sha256').update(JSON.stringify({ toolchain, CFLAGS, LDFLAGS })),
  [...libFiles.map((f) => path.posix.join(LIB_DIR, f)), ...sharedHeaders],
).digest('hex');

fs.mkdirSync(OUT_DIR, { recursive: true });
fs.mkdirSync(path.join(OBJ_DIR, 'lib'), { recursive: true });

const stampOf = (name) => path.join(OBJ_DIR, `${name}.stamp`);
const readStamp = (file) => { try { return fs.readFileSync(file, 'utf8'); } catch { return ''; } };

// Remove images whose source is gone, so `ringzero run build/guests` does not
// keep running them.
for (const f of fs.readdirSync(OUT_DIR)) {
  if (f.endsWith('.elf') && !guests.has(f.slice(0, -4))) {
    fs.rmSync(path.join(OUT_DIR, f));
    fs.rmSync(stampOf(f.slice(0, -4)), { force: true });
    console.log(`guests: removed stale ${OUT_DIR}/${f}`);
  }
}
for (const f of fs.readdirSync(OBJ_DIR)) {
  const m = /^(.*)\.(o|stamp)$/.exec(f);
  if (m && m[1] !== 'lib' && !guests.has(m[1])) fs.rmSync(path.join(OBJ_DIR, f));
}

const todo = [];
for (const [name, src] of guests) {
  const hash = hashFiles(createHash('sha256').update(commonHash), [src]).digest('hex');
  const elf = path.posix.join(OUT_DIR, `${name}.elf`);
  if (fs.existsSync(elf) && readStamp(stampOf(name)) === hash) continue;
  todo.push({ name, src, elf, hash });
}
if (todo.length === 0) {
  console.log(`guests: ${guests.size} up to date in ${OUT_DIR}/`);
  process.exit(0);
}

// ---- running the tools, a few at a time
function run(cmd, args) {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    p.on('error', (e) => resolve({ ok: false, out, err: `${err}${e.message}\n` }));
    p.on('close', (code) => resolve({ ok: code === 0, out, err }));
  });
}
async function pool(items, fn) {
  let next = 0;
  const width = Math.max(1, Math.min(items.length, os.availableParallelism?.() ?? os.cpus().length));
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}
async function compile(src, obj, extra = []) {
  const r = await run(CC, [...CFLAGS, ...extra, '-c', src, '-o', obj]);
  if (!r.ok) { process.stderr.write(r.err); throw new Error(`compiling ${src} failed`); }
  if (r.err) process.stderr.write(r.err);
}
async function compileUser(src, obj) {
  const tmp = `${obj}.tmp`;
  await compile(src, tmp, ['-DRINGZERO_USER']);
  const r = await run(OBJCOPY, ['--prefix-symbols=__user_', tmp, obj]);
  fs.rmSync(tmp, { force: true });
  if (!r.ok) { process.stderr.write(r.err); throw new Error(`objcopy of ${src} failed`); }
}

// ---- static checks of a linked image against the Guest ABI
const PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3;
const PF_X = 1, PF_W = 2, PF_R = 4;
const SHF_ALLOC = 2n;
const USER_TOP = 0x0000800000000000n;
const KERNEL_BASE = 0xffff800000000000n;
const OUTCOME = /^(done|abort|unhandled|shutdown|halt|debug-exit:\d+)$/;
const NEEDS = new Set(['fep']);

/** The PT_LOAD headers of an ELF64 image (a dynamic or interpreted image is noted in `problems`). */
function programHeaders(b, problems = []) {
  const phoff = Number(b.readBigUInt64LE(32)), phentsize = b.readUInt16LE(54), phnum = b.readUInt16LE(56);
  const loads = [];
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * phentsize;
    const type = b.readUInt32LE(o);
    if (type === PT_DYNAMIC || type === PT_INTERP) problems.push('not statically linked');
    if (type !== PT_LOAD) continue;
    loads.push({
      flags: b.readUInt32LE(o + 4), offset: b.readBigUInt64LE(o + 8), vaddr: b.readBigUInt64LE(o + 16),
      filesz: b.readBigUInt64LE(o + 32), memsz: b.readBigUInt64LE(o + 40),
    });
  }
  return loads;
}

function checkElf(file) {
  const b = fs.readFileSync(file);
  const problems = [];
  if (b.readUInt32BE(0) !== 0x7f454c46 || b[4] !== 2 || b[5] !== 1) return ['not an ELF64 little-endian file'];
  if (b.readUInt16LE(16) !== 2) problems.push('e_type is not ET_EXEC');
  if (b.readUInt16LE(18) !== 62) problems.push('e_machine is not EM_X86_64');
  const entry = b.readBigUInt64LE(24);
  const shoff = Number(b.readBigUInt64LE(40));
  const shentsize = b.readUInt16LE(58), shnum = b.readUInt16LE(60), shstrndx = b.readUInt16LE(62);

  const loads = programHeaders(b, problems);
  const hex = (v) => `0x${v.toString(16)}`;
  const flagNames = { [PF_R | PF_X]: 'R+X', [PF_R]: 'R', [PF_R | PF_W]: 'R+W' };
  let prevEnd = -1n;
  for (const s of loads) {
    const where = `PT_LOAD at ${hex(s.vaddr)}`;
    if (!flagNames[s.flags]) problems.push(`${where}: flags ${s.flags} (want R+X, R or R+W)`);
    if (s.vaddr % 4096n !== 0n || s.offset % 4096n !== 0n) problems.push(`${where}: not page aligned`);
    if (s.memsz === 0n || s.filesz > s.memsz) problems.push(`${where}: bad sizes`);
    if (!(s.vaddr + s.memsz <= USER_TOP || s.vaddr >= KERNEL_BASE)) problems.push(`${where}: neither user nor supervisor half`);
    if (s.vaddr < prevEnd) problems.push(`${where}: overlaps or is out of order`);
    prevEnd = (s.vaddr + s.memsz + 4095n) & ~4095n;
  }
  const home = loads.find((s) => entry >= s.vaddr && entry < s.vaddr + s.memsz);
  if (!home || home.vaddr < KERNEL_BASE || !(home.flags & PF_X)) problems.push(`entry ${hex(entry)} is not in a supervisor executable segment`);

  let expect = 'done';
  const needs = [];
  const strtab = Number(b.readBigUInt64LE(shoff + shstrndx * shentsize + 24));
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * shentsize;
    const nameOff = strtab + b.readUInt32LE(o);
    const name = b.toString('latin1', nameOff, b.indexOf(0, nameOff));
    if (name !== '.ringzero.expect' && name !== '.ringzero.needs') continue;
    const flags = b.readBigUInt64LE(o + 8), off = Number(b.readBigUInt64LE(o + 24)), size = Number(b.readBigUInt64LE(o + 32));
    if (flags & SHF_ALLOC) problems.push(`${name} is SHF_ALLOC`);
    const strings = b.toString('latin1', off, off + size).split('\0').slice(0, -1);
    if (name === '.ringzero.needs') {
      // GUEST_NEEDS_FEP (guests/README.md): what the runner must provide.
      for (const n of strings) if (!NEEDS.has(n)) problems.push(`.ringzero.needs holds ${JSON.stringify(n)} (known: ${[...NEEDS].join(', ')})`);
      needs.push(...strings);
    } else if (strings.length !== 1 || !OUTCOME.test(strings[0])) problems.push(`.ringzero.expect holds ${JSON.stringify(strings)} (want one GUEST_EXPECT)`);
    else expect = strings[0];
  }
  return problems.length ? problems : { expect, needs: [...new Set(needs)], segments: loads.length };
}

// The forced-emulation prefix (guest-abi §7): `ud2` followed by the bytes 'k' 'v' 'm'.
// objdump decodes those three bytes as an instruction (imul $imm8, 0x6d(%rsi), %esi)
// that swallows the first byte of the instruction they prefix, and decodes the rest
// out of step. The check skips them instead: it disassembles a copy of the image in
// which each signature after a ud2 objdump reports is a 3-byte NOP (0f 1f 00), again
// until no new one appears (an out-of-step decode can hide a ud2).
const FEP_SIGNATURE = Buffer.from('kvm', 'latin1');
const NOP3 = Buffer.from([0x0f, 0x1f, 0x00]);

/** File offset of a virtual address in an executable PT_LOAD (undefined outside them). */
function fileOffsetOf(loads, vaddr) {
  const s = loads.find((l) => (l.flags & PF_X) && vaddr >= l.vaddr && vaddr < l.vaddr + l.filesz);
  return s === undefined ? undefined : Number(s.offset + (vaddr - s.vaddr));
}

async function disassembleSkippingFep(file) {
  const bytes = fs.readFileSync(file);
  const loads = programHeaders(bytes);
  const copy = `${file}.fep`;
  const skipped = new Set();
  try {
    for (;;) {
      const target = skipped.size ? copy : file;
      const r = await run(OBJDUMP, ['-d', '--no-show-raw-insn', target]);
      if (!r.ok) return { err: r.err.trim() };
      let fresh = 0;
      for (const line of r.out.split('\n')) {
        const m = /^\s*([0-9a-f]+):\s+ud2\s*$/.exec(line);
        if (!m) continue;
        const at = fileOffsetOf(loads, BigInt(`0x${m[1]}`) + 2n);
        if (at === undefined || skipped.has(at) || !bytes.subarray(at, at + 3).equals(FEP_SIGNATURE)) continue;
        NOP3.copy(bytes, at);
        skipped.add(at);
        fresh++;
      }
      if (!fresh) return { out: r.out, skipped: skipped.size };
      fs.writeFileSync(copy, bytes);
    }
  } finally {
    fs.rmSync(copy, { force: true });
  }
}

// No AVX (the model has none) and no CET endbr; SSE…SSE4.2, MMX and x87 are fine.
async function checkInsns(file) {
  const r = await disassembleSkippingFep(file);
  if (r.err !== undefined) return [`objdump failed: ${r.err}`];
  const bad = [];
  for (const line of r.out.split('\n')) {
    const m = /^\s*([0-9a-f]+):\s+(\S+)\s*(.*)$/.exec(line);
    if (!m) continue;
    const [, addr, mnem, ops] = m;
    if (/^endbr/.test(mnem) || /%(y|z)mm/.test(ops)) bad.push(`${addr}: ${mnem} ${ops}`.trim());
  }
  return bad.length ? [`non-integer instructions:\n      ${bad.slice(0, 10).join('\n      ')}`] : [];
}

// ---- build
try {
  const kernelJobs = libSrcs.map((src) => [src, path.posix.join(OBJ_DIR, 'lib', `${path.basename(src)}.o`), compile]);
  const userJobs = USER_LIB.map((src) => [src, path.posix.join(OBJ_DIR, 'lib', `${path.basename(src)}.user.o`), compileUser]);
  const libObjs = [...kernelJobs, ...userJobs].map(([, obj]) => obj);
  const libStamp = path.join(OBJ_DIR, 'lib.stamp');
  if (readStamp(libStamp) !== commonHash || libObjs.some((o) => !fs.existsSync(o))) {
    fs.rmSync(libStamp, { force: true });
    await pool([...kernelJobs, ...userJobs], ([src, obj, how]) => how(src, obj));
    fs.writeFileSync(libStamp, commonHash);
  }

  let failed = 0;
  await pool(todo, async (g) => {
    fs.rmSync(stampOf(g.name), { force: true });
    fs.rmSync(g.elf, { force: true });
    const obj = path.posix.join(OBJ_DIR, `${g.name}.o`);
    try {
      await compile(g.src, obj);
    } catch (e) {
      console.error(`guests: ${e.message}`);
      failed++;
      return;
    }
    const tmp = `${g.elf}.tmp`;
    const r = await run(CC, [...CFLAGS, ...LDFLAGS, '-o', tmp, ...libObjs, obj]);
    if (!r.ok) {
      process.stderr.write(r.err);
      console.error(`guests: linking ${g.elf} failed`);
      failed++;
      return;
    }
    const res = checkElf(tmp);
    const problems = Array.isArray(res) ? res : await checkInsns(tmp);
    if (problems.length) {
      fs.rmSync(tmp, { force: true });
      console.error(`guests: ${g.elf} breaks the Guest ABI:\n    ${problems.join('\n    ')}`);
      failed++;
      return;
    }
    fs.renameSync(tmp, g.elf);
    fs.writeFileSync(stampOf(g.name), g.hash);
    const needs = res.needs.length ? `, needs ${res.needs.join(', ')}` : '';
    console.log(`guests: built ${g.elf} (${res.segments} segments, expect ${res.expect}${needs})`);
  });
  if (failed) fail(`${failed} of ${todo.length} image(s) failed`);
} catch (e) {
  fail(e.message);
}
