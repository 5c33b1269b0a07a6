#!/usr/bin/env node
// Regenerates the decoder/disassembler fixtures (test/fixtures/disasm/*.txt)
// from GNU objdump: bundles scripts/gen-disasm-fixtures.ts (and the corpus
// builder it shares with test/disasm-oracle.test.ts) with esbuild, then runs
// it. Needs GNU binutils and the guest images (node scripts/build-guests.mjs).
//
//   node scripts/gen-disasm-fixtures.mjs            write the fixtures
//   node scripts/gen-disasm-fixtures.mjs --check    only report what would change
//
// Plain Node ESM; esbuild is a devDependency.
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const outfile = path.join(root, 'build/scripts/gen-disasm-fixtures.mjs');
await build({
  entryPoints: ['scripts/gen-disasm-fixtures.ts'], outfile,
  bundle: true, platform: 'node', format: 'esm', target: 'node20', sourcemap: 'inline', logLevel: 'warning',
});
const { main } = await import(pathToFileURL(outfile).href);
process.exitCode = await main(root, process.argv.slice(2));
