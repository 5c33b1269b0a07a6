// The shape of src/ as a contract: no import cycle (type-only imports
// included), the layers import downwards only (the table and its readers load
// no interpreter; executors see the CPU through ExecContext, never the Cpu
// class), and files stay small.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const files = sources(SRC);
const rel = (p: string) => relative(SRC, p);

/** Every relative import or re-export of a file (`import type` included), as paths relative to src/. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gms)) {
    out.push(rel(resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts'))));
  }
  return out;
}

const graph = new Map(files.map((f) => [rel(f), importsOf(f)]));

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
function cycles(): string[][] {
  let index = 0;
  const idx = new Map<string, number>(), low = new Map<string, number>(), stack: string[] = [], on = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index); low.set(v, index); index++;
    stack.push(v); on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do { w = stack.pop()!; on.delete(w); comp.push(w); } while (w !== v);
      if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(comp.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return found;
}

/** Files under `from` that import anything under one of `forbidden`. */
function reaching(from: string, forbidden: string[]): string[] {
  const bad: string[] = [];
  for (const [f, deps] of graph) {
    if (!f.startsWith(from)) continue;
    for (const d of deps) if (forbidden.some((x) => d.startsWith(x))) bad.push(`${f} → ${d}`);
  }
  return bad;
}

describe('architecture of src/', () => {
  it('all import paths resolve to files', () => {
    const missing = [...graph].flatMap(([f, deps]) => deps.filter((d) => !graph.has(d)).map((d) => `${f} → ${d}`));
    expect(missing).toEqual([]);
  });
  it('has no import cycle, type-only imports included', () => {
    expect(cycles()).toEqual([]);
  });
  it('arch/ imports nothing; isa/ (table, decoder, disassembler) loads no CPU, MMU or device code', () => {
    expect(reaching('arch/', [''])).toEqual([]);
    expect(reaching('isa/', ['cpu/', 'mmu/', 'devices/', 'guest/', 'cli/', 'testing/', 'vm.ts'])).toEqual([]);
  });
  it('fpu/ (the floating-point core) is a pure library: it imports nothing but arch/', () => {
    expect(reaching('fpu/', ['cpu/', 'isa/', 'mmu/', 'devices/', 'guest/', 'cli/', 'testing/', 'vm.ts', 'index.ts'])).toEqual([]);
    const outside = [...graph].flatMap(([f, deps]) =>
      f.startsWith('fpu/') ? deps.filter((d) => !d.startsWith('fpu/') && !d.startsWith('arch/')).map((d) => `${f} → ${d}`) : [],
    );
    expect(outside).toEqual([]);
  });
  it('the MMU and the devices know nothing of the CPU', () => {
    expect(reaching('mmu/', ['cpu/', 'isa/', 'guest/', 'cli/', 'vm.ts'])).toEqual([]);
    expect(reaching('devices/', ['cpu/', 'isa/', 'mmu/', 'guest/', 'cli/', 'vm.ts'])).toEqual([]);
  });
  it('executors and system modules see the CPU through ExecContext only', () => {
    expect(reaching('cpu/', ['cpu/cpu.ts']).filter((e) => !e.startsWith('cpu/cpu.ts'))).toEqual([]);
    expect(reaching('cpu/', ['guest/', 'cli/', 'testing/', 'vm.ts'])).toEqual([]);
  });
  it('files stay small (about 400 lines; 450 at most)', () => {
    const big = files.map((f) => [rel(f), readFileSync(f, 'utf8').split('\n').length] as const).filter(([, n]) => n > 450);
    expect(big).toEqual([]);
  });
});
