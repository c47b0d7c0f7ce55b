/**
 * Runs the CLI from its TypeScript sources in a child process, for tests
 * that need real signals: `node --import tsx test/helpers/cli-entry.ts ARGS`.
 */

import { main } from '../../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
