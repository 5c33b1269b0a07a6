// `npm run bench`'s bad input (bench/bench.ts, as npm runs it: dist/bench.cjs): a one-line error
// and the usage line on stderr, exit status 2, no stack trace, and nothing built or run; and the
// rows of `--start` (bench/start-time.ts).
import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { imagesAvailable } from './helpers/images.js';

beforeAll(() => {
  if (!existsSync('dist/bench.cjs')) spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
});

const bench = (...args: string[]) => spawnSync(process.execPath, ['dist/bench.cjs', ...args], { encoding: 'utf8' });

describe('npm run bench: bad input', () => {
  const USAGE = /^usage: npm run bench /;
  it.each([
    [['--repeat', '0'], /^bench: --repeat takes a whole number of runs, 1 to 100 \(got '0'\)$/, true],
    [['--repeat', '2.5'], /^bench: --repeat takes a whole number of runs, 1 to 100 \(got '2\.5'\)$/, true],
    [['--repeat', 'x', '--full'], /^bench: --repeat takes a whole number of runs/, true],
    [['--full', '--micro'], /^bench: --full and --micro do not go together$/, true],
    [['--fast'], /^bench: Unknown option '--fast'/, true],
    [['--tier', 'jit'], /^bench: bad tier 'jit' \(compiled, interp, reference\)$/, false],
    [['--start', '--full'], /^bench: --start measures whole processes: not with --full, --micro, --guest, --tier or --isolate$/, true],
    [['--start', '--tier', 'interp'], /^bench: --start measures whole processes/, true],
    [['--start', '--repeat', '0'], /^bench: --repeat takes a whole number of runs/, true],
  ] as const)('%j: one line (and the usage), exit 2', (args, first, usage) => {
    const r = bench(...args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(r.stderr.trimEnd().split('\n')).toEqual(usage ? [expect.stringMatching(first), expect.stringMatching(USAGE)] : [expect.stringMatching(first)]);
  });
});

// The figures themselves are the host's (never asserted: speed is measured, not tested); what is tested
// is that every command ran and each row is there, in the environment as it is and without
// NODE_EXTRA_CA_CERTS when it is set.
describe.skipIf(!imagesAvailable.ok)('npm run bench -- --start', () => {
  it('times Node\'s own start, the command line and the library running hello, each row a median and a range', () => {
    const r = bench('--start', '--repeat', '1');
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n').filter((l) => !l.startsWith('guests:'));
    const blocks = process.env['NODE_EXTRA_CA_CERTS'] !== undefined ? 2 : 1;
    expect(lines).toHaveLength(4 * blocks);
    const ms = String.raw`\d+\.\d ms \(\d+\.\d-\d+\.\d\)`;
    for (let b = 0; b < blocks; b++) {
      expect(lines[4 * b]).toMatch(/^start time: wall, the median and range of 1 run each, interleaved; /);
      expect(lines[4 * b + 1]).toMatch(new RegExp(`^  node -e 0 \\(Node's own start\\) +${ms}$`));
      expect(lines[4 * b + 2]).toMatch(new RegExp(`^  ringzero run build/guests/hello\\.elf +${ms}  Node's start \\+ -?\\d+\\.\\d$`));
      expect(lines[4 * b + 3]).toMatch(new RegExp(`^  library: require, Vm\\.fromElf\\(hello\\)\\.run\\(\\) +${ms}  Node's start \\+ -?\\d+\\.\\d$`));
    }
  });
});
