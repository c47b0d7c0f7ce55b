#!/usr/bin/env node
// Compiles src/ with tsc and bundles the CLI with esbuild into dist.next/,
// then puts dist.next/ in place of dist/. A command run during the build keeps
// using the previous dist/ until the swap, instead of failing on a half-built one.
import { spawnSync } from 'node:child_process';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const next = join(root, 'dist.next');
const current = join(root, 'dist');
const previous = join(root, 'dist.previous');

rmSync(next, { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', next], {
  stdio: 'inherit',
});
if (tsc.status !== 0) {
  rmSync(next, { recursive: true, force: true });
  process.stderr.write('build: tsc failed; dist/ is unchanged\n');
  process.exit(tsc.status ?? 1);
}

// The bundle files sit directly in dist/, one level below the package root, as
// the compiled modules do: src/paths.ts finds templates/ and schemas/ from there.
await build({
  entryPoints: { 'cli-bundle': join(next, 'cli/main.js') },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  outdir: next,
  chunkNames: 'cli-bundle-[name]-[hash]',
  logLevel: 'warning',
});

rmSync(previous, { recursive: true, force: true });
if (existsSync(current)) renameSync(current, previous);
renameSync(next, current);
rmSync(previous, { recursive: true, force: true });
