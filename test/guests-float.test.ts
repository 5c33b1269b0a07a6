// The float guest (guests/float.c: float and double on SSE, long double on the
// x87, an auto-vectorised loop) against the same file compiled for the host
// with gcc -O2 and a stand-in guest.h: the bit patterns the guest reports with
// GUEST_SYNC_ARGS must equal what the host CPU computes, on every execution
// path and with forced emulation. Skipped, loudly, without gcc or the images.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Vm, type UcallEvent } from '../src/vm.js';
import { EXECUTION_PATHS } from '../src/cpu/execution-path.js';
import { guestImage, imagesAvailable } from './helpers/images.js';
import { REPO_ROOT } from './support/native.js';

/** The host's SYNC lines, or the reason it cannot compute them. */
function hostResults(): { ok: true; syncs: bigint[][] } | { ok: false; reason: string } {
  if (process.arch !== 'x64') return { ok: false, reason: `the host is ${process.arch}, not x86-64` };
  if (spawnSync('gcc', ['--version']).status !== 0) return { ok: false, reason: 'gcc is not runnable' };
  const dir = mkdtempSync(join(tmpdir(), 'rz-float-'));
  try {
    writeFileSync(join(dir, 'guest.h'), ['#include <stdint.h>', '#include <stdio.h>',
      '#define GUEST_SYNC_ARGS(s, a, b, c, d) printf("%d %lu %lu %lu %lu\\n", s, (unsigned long)(a), (unsigned long)(b), (unsigned long)(c), (unsigned long)(d))',
      '#define GUEST_DONE() printf("done\\n")', '#define main guest_main', ''].join('\n'));
    writeFileSync(join(dir, 'm.c'), 'void guest_main(void); int main(void) { guest_main(); return 0; }\n');
    execFileSync('gcc', ['-O2', `-I${dir}`, join(REPO_ROOT, 'guests/float.c'), join(dir, 'm.c'), '-o', join(dir, 'float')]);
    const out = execFileSync(join(dir, 'float')).toString().trim().split('\n');
    if (out.at(-1) !== 'done') return { ok: false, reason: `the host build printed ${JSON.stringify(out)}` };
    return { ok: true, syncs: out.slice(0, -1).map((l) => l.split(' ').map((x) => BigInt(x))) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const host = hostResults();
if (!host.ok) console.warn(`\n*** SKIPPING guests-float: ${host.reason} ***\n`);

describe.skipIf(!imagesAvailable.ok || !host.ok)('float guest against the host CPU', () => {
  for (const executionPath of EXECUTION_PATHS) for (const forcedEmulation of [false, true]) {
    it(`${executionPath} path${forcedEmulation ? ', forced emulation enabled' : ''}: every reported bit pattern equals the host's`, () => {
      const vm = Vm.fromElf(guestImage('float'), { executionPath, forcedEmulation });
      const result = vm.run();
      expect(result.outcome).toBe('done');
      const syncs = result.events.filter((e): e is UcallEvent => e.type === 'ucall' && e.cmd === 'SYNC').map((e) => e.args.slice(1, 6)); // args[0] names the test ("hello")
      expect(host.ok && syncs.map((a) => a.map(String))).toEqual(host.ok && host.syncs.map((a) => a.map(String)));
    });
  }
});
