// Bundles the CLI, the library entry and the benchmark into dist/ with esbuild
// (no runtime dependencies).
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', sourcemap: true, logLevel: 'warning' };
await build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js' });
await build({ ...common, entryPoints: ['src/index.ts'], outfile: 'dist/index.js' });
await build({ ...common, entryPoints: ['bench/bench.ts'], outfile: 'dist/bench.js' });
await build({ ...common, entryPoints: ['scripts/coverage.ts'], outfile: 'dist/coverage.js' });
