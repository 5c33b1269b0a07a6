// `npm run bench`'s bad input (bench/bench.ts, as npm runs it: dist/bench.cjs): a one-line error
// and the usage line on stderr, exit status 2, no stack trace, and nothing built or run.
import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

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
  ] as const)('%j: one line (and the usage), exit 2', (args, first, usage) => {
    const r = bench(...args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(r.stderr.trimEnd().split('\n')).toEqual(usage ? [expect.stringMatching(first), expect.stringMatching(USAGE)] : [expect.stringMatching(first)]);
  });
});
