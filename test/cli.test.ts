// The `ringzero` command line: output formats, exit statuses, errors.
import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeImage } from './helpers/elf-writer.js';
import { imagesAvailable, GUEST_DIR, GUEST_NAMES } from './helpers/images.js';

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/ringzero.cjs', ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir = '';
beforeAll(() => {
  if (!existsSync('dist/start.cjs')) spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  dir = mkdtempSync(join(tmpdir(), 'ringzero-cli-'));
  writeFileSync(join(dir, 'halt.elf'), codeImage([0xf4]));
  writeFileSync(join(dir, 'spin.elf'), codeImage([0xeb, 0xfe]));                       // jmp .
  writeFileSync(join(dir, 'unimplemented.elf'), codeImage([0x90, 0x66, 0x0f, 0x79, 0xca]));       // nop; extrq %xmm2,%xmm1 (SSE4a: not implemented)
  writeFileSync(join(dir, 'exit.elf'), codeImage([0xb0, 0x21, 0xe6, 0xf4]));            // mov al,0x21; out 0xf4,al
  // mov dx,0x3f8; mov al,10; l: out dx,al; jmp l — a console line per OUT, forever
  writeFileSync(join(dir, 'lines.elf'), codeImage([0x66, 0xba, 0xf8, 0x03, 0xb0, 0x0a, 0xee, 0xeb, 0xfd]));
  writeFileSync(join(dir, 'bad.elf'), new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 1]));
});

describe('ringzero CLI basics', () => {
  it('--help and --version', () => {
    const h = cli('--help');
    expect(h.status).toBe(0);
    expect(h.stdout).toContain('ringzero run IMAGE');
    const v = cli('--version');
    expect(v.status).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
  it('a bad flag is one line on stderr and status 2', () => {
    const r = cli('run', '--bogus', 'x.elf');
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
  it('missing image, malformed image, bad memory size: one line, status 2', () => {
    for (const args of [['run', join(dir, 'nope.elf')], ['run', join(dir, 'bad.elf')], ['run', '--memory', '3M', join(dir, 'halt.elf')], ['run', '--vendor', 'cyrix', join(dir, 'halt.elf')], ['run', '--tier', 'jit', join(dir, 'halt.elf')], ['run'], ['frobnicate']]) {
      const r = cli(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(/^ringzero: /);
    }
  });
  it('a reader that closes the pipe early (| head) ends the run quietly: no stack trace', () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" bin/ringzero.cjs run --json --max-instructions 3000000 "${join(dir, 'lines.elf')}" | head -n 1`], { encoding: 'utf8' });
    expect(JSON.parse(r.stdout.trim())).toEqual({ type: 'console', text: '' });
    expect(r.stderr).toBe('');
  });
  it('halt → status 1; JSON exit line', () => {
    const r = cli('run', '--json', join(dir, 'halt.elf'));
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout.trim())).toEqual({ type: 'exit', reason: 'halt', instructions: 1 });
    const intel = cli('run', '--json', '--vendor', 'intel', join(dir, 'halt.elf'));
    expect([intel.status, intel.stdout.trim()]).toEqual([1, r.stdout.trim()]);
  });
  it('instruction limit → status 3 with exactly the budget executed, on every --tier', () => {
    for (const tier of ['compiled', 'interp', 'reference']) {
      const r = cli('run', '--json', '--tier', tier, '--max-instructions', '500', join(dir, 'spin.elf'));
      expect(r.status, tier).toBe(3);
      expect(JSON.parse(r.stdout.trim()), tier).toEqual({ type: 'exit', reason: 'limit', instructions: 500 });
    }
  });
  it('emulation-failure reports rip and bytes', () => {
    const r = cli('run', '--json', join(dir, 'unimplemented.elf'));
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout.trim())).toEqual({ type: 'exit', reason: 'emulation-failure', instructions: 1, rip: '0xffffffff80000001', bytes: '66 0f 79 ca' });
  });
  it('debug-exit → status (v << 1) | 1 and the code in JSON', () => {
    const r = cli('run', '--json', join(dir, 'exit.elf'));
    expect(r.status).toBe(67);
    expect(JSON.parse(r.stdout.trim())).toEqual({ type: 'exit', reason: 'debug-exit', instructions: 2, code: 67 });
  });
  it('--stats and --trace write to stderr', () => {
    const s = cli('run', '--stats', join(dir, 'exit.elf'));
    expect(s.stderr).toMatch(/instructions: 2\nwall time: [\d.]+ ms\nMIPS: [\d.]+/);
    const t = cli('run', '--trace', join(dir, 'exit.elf'));
    const lines = t.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/0xffffffff80000000\s+b0 21\s+mov\s+\$0x21,%al/);
    expect(lines[1]).toMatch(/0xffffffff80000002\s+e6 f4\s+out\s+%al,\$0xf4/);
  });
  it('--history N: after a failure, the last N instructions on stderr (to the faulting one); nothing after a debug-exit; bad N and many images: status 2', () => {
    const u = cli('run', '--history', '3', join(dir, 'unimplemented.elf'));
    expect(u.status).toBe(1);
    expect(u.stderr.trim().split('\n')).toEqual([
      'last 2 instructions (oldest first):',
      expect.stringMatching(/^ {2}ffffffff80000000 <\?>: 90 +nop$/),
      expect.stringMatching(/^ {2}ffffffff80000001 <\?>: 66 0f 79 ca +extrq +%xmm2,%xmm1$/),
    ]);
    for (const tier of ['compiled', 'interp', 'reference']) {
      const l = cli('run', '--history', '2', '--tier', tier, '--max-instructions', '500', join(dir, 'spin.elf'));
      expect([l.status, l.stderr.trim().split('\n').slice(1)], tier).toEqual([3, [expect.stringMatching(/: eb fe +jmp/), expect.stringMatching(/: eb fe +jmp/)]]);
    }
    const e = cli('run', '--history', '5', join(dir, 'exit.elf'));
    expect([e.status, e.stderr]).toEqual([67, '']);
    for (const args of [['--history', '-1', join(dir, 'halt.elf')], ['--history', 'x', join(dir, 'halt.elf')], ['--history', String(2 ** 20 + 1), join(dir, 'halt.elf')], ['--history', '2', join(dir, 'halt.elf'), join(dir, 'exit.elf')]]) {
      const r = cli('run', ...args);
      expect([r.status, r.stderr.trim().split('\n').length, r.stderr.startsWith('ringzero: ')], args.join(' ')).toEqual([2, 1, true]);
    }
  });
  it('two runs print byte-identical output', () => {
    expect(cli('run', '--json', join(dir, 'exit.elf')).stdout).toBe(cli('run', '--json', join(dir, 'exit.elf')).stdout);
  });
});

describe.skipIf(!imagesAvailable.ok)('ringzero CLI on the bundled guests', () => {
  it('hello --json: exact JSON lines', () => {
    const r = cli('run', '--json', join(GUEST_DIR, 'hello.elf'));
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.cmd ?? l.reason)).toEqual(['SYNC', 'PRINTF', 'PRINTF', 'PRINTF', 'PRINTF', 'SYNC', 'DONE', 'done']);
    expect(lines[0].args).toHaveLength(7);
    expect(lines[0].args[1]).toBe('0x1');
    expect(lines[0].args[2]).toBe('0x0');
    expect(lines[0].args.every((a: string) => /^0x[0-9a-f]+$/.test(a))).toBe(true);
    expect(lines[1]).toEqual({ type: 'ucall', cmd: 'PRINTF', args: lines[1].args, text: 'hello, world\n' });
    expect(lines[7]).toEqual({ type: 'exit', reason: 'done', instructions: lines[7].instructions });
    expect(lines[7].instructions).toBeGreaterThan(0);
  });
  it('assert: ABORT line (human and JSON) and status 1', () => {
    const h = cli('run', join(GUEST_DIR, 'assert.elf'));
    expect(h.status).toBe(1);
    expect(h.stdout).toContain('ABORT guests/assert.c:24: x == 42: 0x29 != 0x2a (x != 42)');
    const j = cli('run', '--json', join(GUEST_DIR, 'assert.elf'));
    const abort = j.stdout.trim().split('\n').map((l) => JSON.parse(l)).find((l) => l.cmd === 'ABORT');
    expect(abort).toMatchObject({ type: 'ucall', cmd: 'ABORT', expr: 'x == 42', file: 'guests/assert.c', line: 24, text: '0x29 != 0x2a (x != 42)' });
  });
  it('exceptions: the unhandled #UD is an ABORT line with the runtime\'s message (as upstream)', () => {
    const r = cli('run', join(GUEST_DIR, 'exceptions.elf'));
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/ABORT guests\/lib\/processor\.c:\d+: Unconditional guest failure: Unhandled exception '0x6' at guest RIP '0xffffffff8[0-9a-f]+'/);
  });
  it('--history: an assert shows the instructions before the guest called ucall_assert; an unhandled exception, up to the faulting one', () => {
    const a = cli('run', '--history', '4', join(GUEST_DIR, 'assert.elf'));
    const lines = a.stderr.trim().split('\n');
    expect(lines[0]).toBe('last 4 instructions before the guest called ucall_assert (oldest first):');
    expect(lines).toHaveLength(5);
    expect(lines[4]).toMatch(/^ {2}ffffffff8[0-9a-f]+ <main\+0x[0-9a-f]+>: e8 [0-9a-f ]+ call +0x[0-9a-f]+ <ucall_assert>$/);
    const x = cli('run', '--history', '4', join(GUEST_DIR, 'exceptions.elf'));
    const rip = /at guest RIP '0x([0-9a-f]+)'/.exec(x.stdout)![1]!;
    const last = x.stderr.trim().split('\n');
    expect(last[0]).toBe('last 4 instructions, up to the faulting one (oldest first):');
    expect(last[4]).toMatch(new RegExp(`^ {2}${rip.padStart(16, '0')} <main\\+0x[0-9a-f]+>: 0f 0b +ud2$`));
  });
  it('console: CONSOLE lines and JSON console events', () => {
    const j = cli('run', '--json', join(GUEST_DIR, 'console.elf'));
    const con = j.stdout.trim().split('\n').map((l) => JSON.parse(l)).filter((l) => l.type === 'console');
    expect(con[0]).toEqual({ type: 'console', text: 'ringzero console test' });
  });
  it('a directory: results table, every bundled guest passes, status 0', () => {
    const r = cli('run', GUEST_DIR);
    expect(r.stdout).toMatch(new RegExp(`${GUEST_NAMES.length} passed, 0 failed`));
    expect(r.status).toBe(0);
  });
});
