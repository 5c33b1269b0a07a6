// The CLI when its reader goes away (`ringzero run … | head`): it ends at once and quietly,
// whether stdout (events) or stderr (--trace) closes, instead of running the guest to its
// budget or printing an EPIPE stack trace; and images that declare GUEST_NEEDS_FEP.
import { describe, it, expect, beforeAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeImage } from './helpers/elf-writer.js';
import { imagesAvailable, GUEST_DIR } from './helpers/images.js';

let dir = '';
beforeAll(() => {
  if (!existsSync('dist/start.cjs')) spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  dir = mkdtempSync(join(tmpdir(), 'ringzero-cli-pipes-'));
  // mov dx,0x3f8; mov al,10; l: out dx,al; jmp l — a console line per OUT, for the whole budget (10^9).
  writeFileSync(join(dir, 'lines.elf'), codeImage([0x66, 0xba, 0xf8, 0x03, 0xb0, 0x0a, 0xee, 0xeb, 0xfd]));
});

/** Runs the CLI, closes the named pipe after its first output, and reports how the process ended. */
function closeEarly(which: 'stdout' | 'stderr', args: string[]): Promise<{ code: number | null; signal: string | null; ms: number; other: string }> {
  return new Promise((resolve) => {
    const start = Date.now();
    const child = spawn(process.execPath, ['bin/ringzero.cjs', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const closing = child[which], other = which === 'stdout' ? child.stderr : child.stdout;
    let otherText = '';
    other.on('data', (d: Buffer) => { otherText += d.toString(); });
    closing.once('data', () => closing.destroy());
    // A CLI that does not notice would run for minutes: end it, so that the test fails without leaving it behind.
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, ms: Date.now() - start, other: otherText }); });
  });
}

/** The CLI run to its end, asynchronously (the test worker stays responsive). */
function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/ringzero.cjs', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('ringzero CLI with a closed pipe', () => {
  // Without the check the guest runs on to its 10^9-instruction budget (minutes) writing into a dead pipe.
  it('stdout closed after the first line (`| head -n 1`): exits at once, status 0, nothing on stderr', async () => {
    for (const json of [[], ['--json']]) {
      const r = await closeEarly('stdout', ['run', ...json, join(dir, 'lines.elf')]);
      expect({ code: r.code, signal: r.signal, stderr: r.other }).toEqual({ code: 0, signal: null, stderr: '' });
      expect(r.ms).toBeLessThan(20_000);
    }
  }, 60_000);

  // The reader lets the pipe fill, then goes away: the CLI waited for it (no output piling up
  // in memory while the run holds the thread) and notices the close at its next write.
  it('a reader that stops reading, then closes: the CLI waits, then exits quietly', async () => {
    const r = await new Promise<{ code: number | null; signal: string | null; ms: number }>((resolve) => {
      const child = spawn(process.execPath, ['bin/ringzero.cjs', 'run', join(dir, 'lines.elf')], { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.pause();
      let closedAt = 0;
      setTimeout(() => { closedAt = Date.now(); child.stdout.destroy(); }, 3000);
      const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
      child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, ms: Date.now() - closedAt }); });
    });
    expect({ code: r.code, signal: r.signal }).toEqual({ code: 0, signal: null });
    expect(r.ms).toBeLessThan(20_000);
  }, 60_000);

  it('stderr closed under --trace (`2>&1 | head`): exits at once, quietly', async () => {
    const r = await closeEarly('stderr', ['run', '--trace', join(dir, 'lines.elf')]);
    expect({ code: r.code, signal: r.signal }).toEqual({ code: 0, signal: null });
    expect(r.ms).toBeLessThan(20_000);
  }, 60_000);
});

describe.skipIf(!imagesAvailable.ok)('ringzero CLI and GUEST_NEEDS_FEP', () => {
  it('an image that declares it runs with forced emulation on, with a note on stderr', async () => {
    const r = await cli(['run', join(GUEST_DIR, 'fep-required.elf')]);
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n').at(-2)).toBe('DONE');
    expect(r.stderr).toBe('ringzero: fep-required.elf declares GUEST_NEEDS_FEP: forced emulation on\n');
    const explicit = await cli(['run', '--fep', join(GUEST_DIR, 'fep-required.elf')]);
    expect([explicit.status, explicit.stderr]).toEqual([0, '']);
  }, 60_000);
});
