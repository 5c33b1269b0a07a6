// Mutation testing without a dependency: single-line mutants of the given
// source files, each run against a test command, to find what the tests do
// not pin down. Plain Node ESM; esbuild (a dev dependency) rejects mutants
// that do not parse, and TypeScript's language service (also a dev
// dependency) rejects mutants that do not type-check: both count as invalid.
//
//   node scripts/mutate.mjs [options] FILE[:FROM-TO[,FROM-TO...]]...
//     --max N          mutants per file, chosen by a seeded shuffle (default 30; 0 = all)
//     --seed S         the shuffle seed (default 1): same seed, same source → same mutants
//     --timeout SEC    per test run (default 90): past it the mutant counts as 'timeout'
//     --test "CMD"     the test command (default: the focused system suites, --bail=1)
//     --no-typecheck   skip the TypeScript check (syntax is still checked)
//     --only IDS       run just these mutant ids (comma-separated; ids as printed in [brackets])
//     --list           print the chosen mutants and run nothing
//     --json FILE      write every result as JSON (default build/mutate/<time>.json)
//
// The source file is restored after every mutant, on an exception, and on
// SIGINT/SIGTERM; a copy of the original is kept in build/mutate/ meanwhile.
// The default suites include test/guests.test.ts, which skips without the
// guest images: run `npm run build:guests` first.
//
// Operators (one change to one line): comparison < <= > >= and === !==
// flipped, && <-> ||, | <-> & (binary, spaced), true <-> false, an `if`
// condition negated, a numeric constant c -> c+1 and -> 0, and a statement
// (a raise, a return, an assignment or increment, a call) replaced by `{}`.
import { readFileSync, writeFileSync, mkdirSync, existsSync, unlinkSync } from 'node:fs';
import { spawn, execFileSync } from 'node:child_process';
import { basename, resolve } from 'node:path';

const FOCUSED = [
  'test/mmu-permissions.test.ts', 'test/mmu.test.ts', 'test/io-permission.test.ts', 'test/legality.test.ts',
  'test/mmio.test.ts', 'test/smc-loop.test.ts', 'test/smc.test.ts', 'test/segments.test.ts',
  'test/exceptions.test.ts', 'test/abi.test.ts', 'test/guests.test.ts',
  'test/system-', // vitest filters by substring: every test/system-*.test.ts
];
const DEFAULT_TEST = `node node_modules/vitest/vitest.mjs run --bail=1 ${FOCUSED.join(' ')}`;

// ---- options -----------------------------------------------------------------

function parseArgs(argv) {
  const o = { max: 30, seed: 1, timeout: 90, test: DEFAULT_TEST, typecheck: true, list: false, json: '', only: undefined, files: [] };
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    const next = () => { if (k + 1 >= argv.length) throw new Error(`${a} needs a value`); return argv[++k]; };
    if (a === '--max') o.max = Number(next());
    else if (a === '--seed') o.seed = Number(next());
    else if (a === '--timeout') o.timeout = Number(next());
    else if (a === '--test') o.test = next();
    else if (a === '--no-typecheck') o.typecheck = false;
    else if (a === '--list') o.list = true;
    else if (a === '--only') o.only = new Set(next().split(',').map(Number));
    else if (a === '--json') o.json = next();
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else {
      const [path, ranges] = a.split(':');
      const lines = ranges ? ranges.split(',').map((r) => { const [f, t] = r.split('-').map(Number); return [f, t ?? f]; }) : undefined;
      o.files.push({ path, lines });
    }
  }
  if (o.files.length === 0) throw new Error('no source files given');
  return o;
}

// ---- finding mutants -----------------------------------------------------------

/** The code part of a line with string/template contents and a trailing // comment blanked (same length). */
function codeOf(line) {
  let out = '', quote = '';
  for (let k = 0; k < line.length; k++) {
    const ch = line[k];
    if (quote) {
      if (ch === '\\') { out += '  '; k++; continue; }
      if (ch === quote) { quote = ''; out += ch; } else out += ' ';
      continue;
    }
    if (ch === '/' && line[k + 1] === '/') return out + ' '.repeat(line.length - k);
    if (ch === "'" || ch === '"' || ch === '`') quote = ch;
    out += ch;
  }
  return out;
}

/** Comments, imports, type declarations and property signatures: nothing to mutate. */
function skippable(code) {
  const t = code.trim();
  return t === '' || t.startsWith('*') || t.startsWith('/*') || /^(import|export \{|export type|type |export interface|interface )/.test(t)
    || (/^(readonly\s+)?[A-Za-z_$][\w$]*\??:\s*[^=]+;$/.test(t) && !/^(default|case)\b/.test(t));
}

/** The index just past the parenthesis that closes the one at `open`, or -1 when it is not on this line. */
function closeParen(code, open) {
  let depth = 0;
  for (let k = open; k < code.length; k++) {
    if (code[k] === '(') depth++;
    else if (code[k] === ')' && --depth === 0) return k + 1;
  }
  return -1;
}

/** Top-level statements of a line: [start, end) ranges split at `;`, `{` and `}` outside parentheses. */
function statements(code) {
  const out = [];
  let depth = 0, start = 0;
  for (let k = 0; k <= code.length; k++) {
    const ch = code[k];
    if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    else if (depth === 0 && (ch === ';' || ch === '{' || ch === '}' || k === code.length)) {
      out.push([start, k]);
      start = k + 1;
    }
  }
  return out;
}

const STMT = [
  [/^(?:this\.|c\.)?[\w$.]*raise\(/, 'delete raise'],
  [/^return\b/, 'delete return'],
  [/^[\w$.]+(?:\[[^\]]*\])?!?\s*(?:=|\|=|&=|\+=|-=)(?!=)/, 'delete assignment'],
  [/^[\w$.]+\(.*\)$/, 'delete call'],
  [/^[\w$.]+(?:\+\+|--)$/, 'delete increment'],
];

/** Every mutant of one line: { op, text } with the whole mutated line. */
function lineMutants(line) {
  const code = codeOf(line);
  if (skippable(code)) return [];
  const out = [];
  const at = (k, len, repl, op) => out.push({ op, text: line.slice(0, k) + repl + line.slice(k + len) });
  const swaps = [
    [/ (<=|>=|<|>) /g, { '<': '<=', '<=': '<', '>': '>=', '>=': '>' }, 'comparison'],
    [/ (===|!==) /g, { '===': '!==', '!==': '===' }, 'equality'],
    [/ (&&|\|\|) /g, { '&&': '||', '||': '&&' }, 'logical'],
    [/ ([|&]) /g, { '|': '&', '&': '|' }, 'bitwise'],
    [/\b(true|false)\b/g, { true: 'false', false: 'true' }, 'boolean'],
  ];
  for (const [re, map, op] of swaps) {
    for (const m of code.matchAll(re)) {
      const tok = m[1], k = m.index + m[0].indexOf(tok);
      at(k, tok.length, map[tok], `${op} ${tok} → ${map[tok]}`);
    }
  }
  for (const m of code.matchAll(/(?<![\w$.])(0x[0-9a-fA-F]+|\d+)(n?)(?![\w$.])/g)) {
    const v = Number(m[1]), hex = m[1].startsWith('0x'), big = m[2];
    const fmt = (n) => (hex ? `0x${n.toString(16)}` : String(n)) + big;
    const lit = m[1] + big;
    at(m.index, lit.length, fmt(v + 1), `constant ${lit} → ${fmt(v + 1)}`);
    if (v !== 0) at(m.index, lit.length, `0${big}`, `constant ${lit} → 0${big}`);
  }
  for (const m of code.matchAll(/\bif \(/g)) {
    const open = m.index + 3, close = closeParen(code, open);
    if (close < 0) continue;
    at(open, close - open, `(!${line.slice(open, close)})`, 'negate if');
  }
  for (const [s, e] of statements(code)) {
    let body = code.slice(s, e), k = s;
    const lead = body.length - body.trimStart().length;
    body = body.trim(); k += lead;
    const label = /^(?:(?:case [^:]+|default):\s*)+/.exec(body); // `case 'x': stmt` mutates stmt
    if (label) { k += label[0].length; body = body.slice(label[0].length); }
    const ifm = /^(?:else\s+)?if \(/.exec(body);
    if (ifm) {
      const close = closeParen(code, k + ifm[0].length - 1);
      if (close < 0) continue;
      const rest = code.slice(close, k + body.length);
      k = close + (rest.length - rest.trimStart().length);
      body = rest.trim();
    } else if (body.startsWith('else ')) { k += 5; body = body.slice(5).trim(); }
    if (body === '' || /^(const|let|var|case|default|for|while|switch|try|catch|finally|throw)\b/.test(body)) continue;
    const kind = STMT.find(([re]) => re.test(body));
    if (kind) at(k, body.length, '{}', `${kind[1]}: ${body.length > 40 ? body.slice(0, 37) + '...' : body}`);
  }
  return out;
}

function mutantsOf(source, ranges) {
  const lines = source.split('\n');
  const all = [];
  let inBlockComment = false;
  lines.forEach((line, k) => {
    const n = k + 1, t = line.trim();
    if (inBlockComment) { if (t.includes('*/')) inBlockComment = false; return; }
    if (t.startsWith('/*') && !t.includes('*/')) { inBlockComment = true; return; }
    if (ranges && !ranges.some(([f, to]) => n >= f && n <= to)) return;
    for (const m of lineMutants(line)) {
      if (m.text === line) continue;
      all.push({ line: n, original: line, ...m });
    }
  });
  return all;
}

/** A deterministic shuffle (mulberry32 seeded by the seed and the file name). */
function choose(list, max, seed, name) {
  let h = seed >>> 0;
  for (const ch of name) h = Math.imul(h ^ ch.charCodeAt(0), 2654435761) >>> 0;
  const rnd = () => { h = (h + 0x6d2b79f5) >>> 0; let t = h; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
  const idx = list.map((_, k) => k);
  for (let k = idx.length - 1; k > 0; k--) { const j = Math.floor(rnd() * (k + 1)); [idx[k], idx[j]] = [idx[j], idx[k]]; }
  const picked = max > 0 ? idx.slice(0, max) : idx;
  return picked.sort((a, b) => a - b).map((k) => ({ id: k, ...list[k] }));
}

// ---- checking and running ----------------------------------------------------------

async function makeTypeChecker(enabled) {
  if (!enabled) return undefined;
  const ts = (await import('typescript')).default;
  const cfgPath = resolve('tsconfig.json');
  const cfg = ts.parseJsonConfigFileContent(ts.readConfigFile(cfgPath, ts.sys.readFile).config, ts.sys, resolve('.'));
  const overrides = new Map(), versions = new Map();
  const host = {
    getScriptFileNames: () => cfg.fileNames,
    getScriptVersion: (f) => String(versions.get(f) ?? 0),
    getScriptSnapshot: (f) => {
      const text = overrides.get(f) ?? (existsSync(f) ? readFileSync(f, 'utf8') : undefined);
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
    },
    getCurrentDirectory: () => resolve('.'),
    getCompilationSettings: () => cfg.options,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: ts.sys.fileExists, readFile: ts.sys.readFile, readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists, getDirectories: ts.sys.getDirectories,
  };
  const service = ts.createLanguageService(host, ts.createDocumentRegistry());
  /** The first type error of `file` with `text` as its content, or '' (the override is dropped afterwards). */
  return (file, text) => {
    const f = resolve(file);
    overrides.set(f, text); versions.set(f, (versions.get(f) ?? 0) + 1);
    try {
      const d = [...service.getSyntacticDiagnostics(f), ...service.getSemanticDiagnostics(f)];
      return d.length ? ts.flattenDiagnosticMessageText(d[0].messageText, ' ').slice(0, 100) : '';
    } finally {
      overrides.delete(f); versions.set(f, (versions.get(f) ?? 0) + 1);
    }
  };
}

function runTests(cmd, timeoutSec) {
  return new Promise((done) => {
    const child = spawn(cmd, { shell: true, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b) => { out += b; if (out.length > 1e6) out = out.slice(-5e5); });
    child.stderr.on('data', (b) => { out += b; if (out.length > 1e6) out = out.slice(-5e5); });
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, timeoutSec * 1000);
    child.on('close', (code) => {
      clearTimeout(timer);
      // eslint-disable-next-line no-control-regex
      const plain = out.replace(/\x1b\[[0-9;]*m/g, '');
      const by = (plain.match(/^\s*(?:FAIL|×)\s+(.+)$/m)?.[1] ?? '').slice(0, 140);
      done({ status: timedOut ? 'timeout' : code === 0 ? 'survived' : 'killed', by });
    });
  });
}

// ---- main ------------------------------------------------------------------------------

const opts = parseArgs(process.argv.slice(2));
const esbuild = await import('esbuild');
const typeError = opts.list ? undefined : await makeTypeChecker(opts.typecheck);
mkdirSync('build/mutate', { recursive: true });
const jsonPath = opts.json || `build/mutate/${new Date().toISOString().replace(/[:.]/g, '-')}.json`;

const dirty = execFileSync('git', ['status', '--porcelain', '--', ...opts.files.map((f) => f.path)], { encoding: 'utf8' }).trim();
if (dirty && !opts.list) console.warn(`warning: uncommitted changes in the files to mutate (they are restored as they are now):\n${dirty}`);

let active; // { path, original, backup } while a file is mutated
function restore() {
  if (!active) return;
  writeFileSync(active.path, active.original);
  if (existsSync(active.backup)) unlinkSync(active.backup);
  active = undefined;
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => { restore(); console.error(`\n${sig}: source restored`); process.exit(130); });
process.on('exit', restore);

const results = [];
const summary = [];
try {
  for (const { path, lines } of opts.files) {
    const original = readFileSync(path, 'utf8');
    const all = mutantsOf(original, lines);
    const chosen = opts.only ? all.map((m, id) => ({ id, ...m })).filter((m) => opts.only.has(m.id)) : choose(all, opts.max, opts.seed, path);
    console.log(`\n== ${path}${lines ? `:${lines.map(([f, t]) => `${f}-${t}`).join(',')}` : ''}: ${chosen.length} mutants`);
    const count = { mutants: chosen.length, killed: 0, survived: 0, timeout: 0, invalid: 0 };
    for (const m of chosen) {
      const src = original.split('\n');
      src[m.line - 1] = m.text;
      const text = src.join('\n');
      const label = `${path}:${m.line} [${m.id}] ${m.op}`;
      if (opts.list) { console.log(`${label}\n    ${m.text.trim()}`); continue; }
      let r;
      try {
        esbuild.transformSync(text, { loader: 'ts', sourcefile: path });
        const te = typeError?.(path, text);
        if (te) r = { status: 'invalid', by: `type: ${te}` };
      } catch (e) {
        r = { status: 'invalid', by: `syntax: ${String(e.errors?.[0]?.text ?? e).slice(0, 100)}` };
      }
      if (!r) {
        active = { path, original, backup: `build/mutate/${basename(path)}.orig` };
        writeFileSync(active.backup, original);
        writeFileSync(path, text);
        const t0 = Date.now();
        try { r = await runTests(opts.test, opts.timeout); } finally { restore(); }
        r.seconds = Math.round((Date.now() - t0) / 100) / 10;
      }
      count[r.status]++;
      results.push({ file: path, ...m, ...r });
      console.log(`${r.status.padEnd(8)} ${label}${r.seconds !== undefined ? ` (${r.seconds}s)` : ''}${r.by ? `  ← ${r.by}` : ''}`);
      writeFileSync(jsonPath, JSON.stringify({ opts, results, summary }, null, 1));
    }
    summary.push({ file: path, ...count });
  }
} finally {
  restore();
}
if (opts.list) process.exit(0);

const pct = (c) => { const valid = c.mutants - c.invalid; return valid ? `${Math.round((100 * (c.killed + c.timeout)) / valid)}%` : '-'; };
console.log('\n== summary (kill rate = (killed + timeout) / valid mutants)');
console.log(`${'file'.padEnd(40)} mutants  invalid  killed  timeout  survived  kill rate`);
for (const c of summary) console.log(`${c.file.padEnd(40)} ${String(c.mutants).padStart(7)}  ${String(c.invalid).padStart(7)}  ${String(c.killed).padStart(6)}  ${String(c.timeout).padStart(7)}  ${String(c.survived).padStart(8)}  ${pct(c).padStart(9)}`);
const survivors = results.filter((r) => r.status === 'survived');
console.log(`\n== ${survivors.length} survivors`);
for (const s of survivors) console.log(`${s.file}:${s.line} [${s.id}] ${s.op}\n    - ${s.original.trim()}\n    + ${s.text.trim()}`);
writeFileSync(jsonPath, JSON.stringify({ opts, results, summary }, null, 1));
console.log(`\nresults: ${jsonPath}`);
