#!/usr/bin/env node
// Entry point installed as the `h2sticky` command. `npm install` (the prepare
// script) or `npm run build` compiles the TypeScript sources to dist/ and
// bundles the CLI into dist/cli-bundle.js plus chunks that load on demand, so
// a command loads a few files instead of one per module, which starts faster.
// The bundle files sit directly in dist/, one level below the package root,
// because src/paths.ts and src/version.ts find templates/, schemas/ and
// package.json relative to the URL of the module that contains them.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli-bundle.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write(
    'h2sticky: dist/cli-bundle.js is missing; run "npm install" or "npm run build" in the h2sticky checkout first.\n',
  );
  process.exit(3);
}
// A reader that closes the pipe early (`h2sticky lint --list-rules | head`) is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
}

const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
