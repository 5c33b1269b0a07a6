// Bundles the CLI, the library entries (ringzero, ringzero/vitest) and the benchmark into dist/ with esbuild
// (no runtime dependencies).
import { build } from 'esbuild';

// minifySyntax folds constants across modules (named registers, vectors and bits become literals in
// the hot paths; V8 cannot fold a module-level binding); names stay readable.
const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', sourcemap: true, minifySyntax: true, logLevel: 'warning' };
await build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js' });
await build({ ...common, entryPoints: ['src/index.ts'], outfile: 'dist/index.js' });
// ringzero/vitest: vitest is the user's (a peer), never bundled; the library is dist/index.js itself
// (one Vm class for both entries), the rest of what it needs is bundled.
const libraryEntry = { name: 'library-entry', setup: (b) => b.onResolve({ filter: /^\.\/index\.js$/ }, () => ({ path: './index.js', external: true })) };
await build({ ...common, entryPoints: ['src/vitest.ts'], outfile: 'dist/vitest.js', external: ['vitest'], plugins: [libraryEntry] });
await build({ ...common, entryPoints: ['bench/bench.ts'], outfile: 'dist/bench.js' });
await build({ ...common, entryPoints: ['bench/fpu.ts'], outfile: 'dist/bench-fpu.js' });
await build({ ...common, entryPoints: ['scripts/coverage.ts'], outfile: 'dist/coverage.js' });
