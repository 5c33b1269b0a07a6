// Assemble AT&T-syntax snippets with GNU as (one invocation for many snippets),
// recovering each snippet's bytes from its own section in the ELF object.
// Results are cached on disk by content hash.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheDir, writeFileAtomic } from './native.js';
import { at } from './types.js';

const memo = new Map<string, Uint8Array>();
const CACHE_VERSION = 'v1';

/** Normalise a snippet: lines may be separated by newlines or ';'. */
function unitText(unit: string | readonly string[]): string {
  return (typeof unit === 'string' ? [unit] : unit).join('\n');
}

export function assemblerAvailable(): { ok: boolean; reason?: string } {
  const r = spawnSync('as', ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return { ok: false, reason: `GNU as not runnable: ${r.error?.message ?? r.stderr}` };
  if (!/GNU assembler/.test(r.stdout)) return { ok: false, reason: 'as is not GNU as' };
  return { ok: true };
}

/**
 * Assemble each unit (one instruction, or several separated by ';' or newlines,
 * possibly with local numeric labels) as 64-bit AT&T code and return its bytes.
 * Units must be position independent (no relocations).
 */
export function assemble(units: readonly (string | readonly string[])[]): Uint8Array[] {
  const texts = units.map(unitText);
  const todo = [...new Set(texts.filter((t) => !memo.has(t)))];
  if (todo.length > 0) {
    const key = createHash('sha256').update(CACHE_VERSION).update(JSON.stringify(todo)).digest('hex').slice(0, 24);
    const cacheFile = join(cacheDir('ringzero-asm'), `${key}.json`);
    let results: string[] | undefined;
    if (existsSync(cacheFile)) {
      try {
        const parsed: unknown = JSON.parse(readFileSync(cacheFile, 'utf8'));
        if (Array.isArray(parsed) && parsed.length === todo.length && parsed.every((x): x is string => typeof x === 'string'))
          results = parsed;
      } catch {
        results = undefined;
      }
    }
    if (!results) {
      results = runAs(todo).map((b) => Buffer.from(b).toString('hex'));
      writeFileAtomic(cacheFile, JSON.stringify(results));
    }
    const hexes = results;
    todo.forEach((t, i) => memo.set(t, new Uint8Array(Buffer.from(at(hexes, i), 'hex'))));
  }
  return texts.map((t) => {
    const code = memo.get(t);
    if (!code) throw new Error(`assemble: no bytes for ${JSON.stringify(t)}`);
    return code;
  });
}

/** Convenience: assemble one unit. */
export function asm1(unit: string | readonly string[]): Uint8Array {
  return at(assemble([unit]), 0);
}

function runAs(texts: readonly string[]): Uint8Array[] {
  const dir = mkdtempSync(join(tmpdir(), 'rz-as-'));
  try {
    const lines: string[] = [];
    const unitOfLine: number[] = [];
    texts.forEach((t, i) => {
      lines.push(`.section .rz.${i},"ax",@progbits`);
      unitOfLine.push(i);
      for (const l of t.split('\n')) {
        lines.push(l);
        unitOfLine.push(i);
      }
    });
    const src = join(dir, 'in.s');
    const obj = join(dir, 'out.o');
    writeFileSync(src, lines.join('\n') + '\n');
    const r = spawnSync('as', ['--64', '-o', obj, src], { encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.error) throw new Error(`cannot run GNU as: ${r.error.message}`);
    if (r.status !== 0 || /Error:/.test(r.stderr)) {
      const msgs = r.stderr
        .split('\n')
        .filter((l) => l.trim())
        .slice(0, 40)
        .map((l) => {
          const m = /:(\d+): (.*)$/.exec(l);
          if (!m) return l;
          const u = unitOfLine[Number(m[1]) - 1];
          return `${m[2]}  <- in ${u === undefined ? '?' : JSON.stringify(texts[u] ?? '?')}`;
        });
      throw new Error(`GNU as failed:\n${msgs.join('\n')}`);
    }
    return readSections(readFileSync(obj), texts.length);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function readSections(elf: Buffer, n: number): Uint8Array[] {
  if (elf.readUInt32BE(0) !== 0x7f454c46 || elf[4] !== 2 || elf[5] !== 1) throw new Error('not an ELF64 LE object');
  const shoff = Number(elf.readBigUInt64LE(0x28));
  const shentsize = elf.readUInt16LE(0x3a);
  const shnum = elf.readUInt16LE(0x3c);
  const shstrndx = elf.readUInt16LE(0x3e);
  const sh = (i: number) => {
    const o = shoff + i * shentsize;
    return {
      name: elf.readUInt32LE(o),
      type: elf.readUInt32LE(o + 4),
      offset: Number(elf.readBigUInt64LE(o + 24)),
      size: Number(elf.readBigUInt64LE(o + 32)),
      info: elf.readUInt32LE(o + 44),
    };
  };
  const strtab = sh(shstrndx);
  const nameOf = (off: number) => {
    const start = strtab.offset + off;
    let end = start;
    while (elf[end] !== 0) end++;
    return elf.toString('latin1', start, end);
  };
  const out: (Uint8Array | undefined)[] = new Array(n);
  const unitOfSection = new Map<number, number>();
  for (let i = 0; i < shnum; i++) {
    const s = sh(i);
    const m = /^\.rz\.(\d+)$/.exec(nameOf(s.name));
    if (!m) continue;
    const u = Number(m[1]);
    unitOfSection.set(i, u);
    out[u] = s.type === 8 /* NOBITS */ ? new Uint8Array(s.size) : new Uint8Array(elf.subarray(s.offset, s.offset + s.size));
  }
  for (let i = 0; i < shnum; i++) {
    const s = sh(i);
    if ((s.type === 4 /* RELA */ || s.type === 9 /* REL */) && s.size > 0 && unitOfSection.has(s.info)) {
      throw new Error(`snippet #${unitOfSection.get(s.info)} needs relocations (not position independent)`);
    }
  }
  return out.map((b) => b ?? new Uint8Array(0));
}
