// `npm run bench -- --start`: how long a user waits for ringzero (issue 11 asks for a CLI start
// under 150 ms), as the wall time of whole processes: Node's own start (`node -e 0`, the floor
// under any program Node starts), the command line running guests/hello.c's image, and a script
// that requires the library and runs the same image. Each runs once unmeasured first (a first run
// leaves the V8 code caches later starts take: src/startup/code-cache.ts), then N times, the three
// interleaved so that the host's slow and fast phases fall on all of them alike. Printed: the
// median and the range of each. With NODE_EXTRA_CA_CERTS set, which has every Node process load
// those certificates as it starts, once more without it.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const HELLO = 'build/guests/hello.elf';

interface Command { readonly name: string; readonly args: readonly string[] }

/** The wall time of one run of `c`, in ms; NaN if it failed. */
function timeOf(c: Command, env: NodeJS.ProcessEnv): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, c.args, { env, stdio: 'ignore' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return r.status === 0 ? ms : NaN;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b), m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Measures and prints the start times, `runs` runs each; false if a command failed. */
export function measureStart(runs: number): boolean {
  const built = spawnSync(process.execPath, ['scripts/build-guests.mjs'], { stdio: 'inherit' });
  if (built.status !== 0) {
    console.error('bench: building guests/ failed (gcc and binutils are required)');
    return false;
  }
  const library = `const { Vm } = require(${JSON.stringify(resolve('dist/index.cjs'))});
    process.exitCode = Vm.fromElf(require('node:fs').readFileSync(${JSON.stringify(resolve(HELLO))})).run().outcome === 'done' ? 0 : 1;`;
  const commands: Command[] = [
    { name: 'node -e 0 (Node\'s own start)', args: ['-e', '0'] },
    { name: `ringzero run ${HELLO}`, args: ['bin/ringzero.cjs', 'run', HELLO] },
    { name: 'library: require, Vm.fromElf(hello).run()', args: ['-e', library] },
  ];
  const envs: [string, NodeJS.ProcessEnv][] = [['the environment as it is', process.env]];
  if (process.env['NODE_EXTRA_CA_CERTS'] !== undefined) {
    const { NODE_EXTRA_CA_CERTS: _, ...without } = process.env;
    envs.push(['without NODE_EXTRA_CA_CERTS (set here: Node loads those certificates at every start)', without]);
  }
  const width = Math.max(...commands.map((c) => c.name.length));
  let ok = true;
  for (const [what, env] of envs) {
    const times = commands.map(() => [] as number[]);
    for (let k = -1; k < runs; k++) {
      commands.forEach((c, j) => {
        const ms = timeOf(c, env);
        if (k >= 0) times[j]!.push(ms);
      });
    }
    console.log(`start time: wall, the median and range of ${runs} run${runs === 1 ? '' : 's'} each, interleaved; ${what}`);
    const floor = median(times[0]!);
    commands.forEach((c, j) => {
      const t = times[j]!;
      if (t.some((x) => Number.isNaN(x))) {
        ok = false;
        console.log(`  ${c.name.padEnd(width)}  failed`);
        return;
      }
      const m = median(t), beyond = j === 0 ? '' : `  Node's start + ${(m - floor).toFixed(1)}`;
      console.log(`  ${c.name.padEnd(width)}  ${m.toFixed(1).padStart(6)} ms (${Math.min(...t).toFixed(1)}-${Math.max(...t).toFixed(1)})${beyond}`);
    });
  }
  if (!ok) console.error('bench: a start-time command failed (run it by hand to see why)');
  return ok;
}
