#!/usr/bin/env node
// Entry point installed as the `h2sticky` command. The TypeScript sources are
// compiled to dist/ by `npm install` (the prepare script) or `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write(
    'h2sticky: dist/cli/main.js is missing; run "npm install" or "npm run build" in the h2sticky checkout first.\n',
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
