// Bundles the CLI, the library entry and the benchmark into dist/ with esbuild
// (no runtime dependencies).
import { build } from 'esbuild';

// minifySyntax folds constants across modules (named registers, vectors and bits become literals in
// the hot paths; V8 cannot fold a module-level binding); names stay readable.
const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', sourcemap: true, minifySyntax: true, logLevel: 'warning' };
await build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js' });
await build({ ...common, entryPoints: ['src/index.ts'], outfile: 'dist/index.js' });
await build({ ...common, entryPoints: ['bench/bench.ts'], outfile: 'dist/bench.js' });
await build({ ...common, entryPoints: ['bench/fpu.ts'], outfile: 'dist/bench-fpu.js' });
await build({ ...common, entryPoints: ['scripts/coverage.ts'], outfile: 'dist/coverage.js' });
