// Times the phases of one lint in a fresh process, without the CLI: loading
// the lint modules, parsing, and running every rule. Prints one JSON line
// (milliseconds). The difference to the whole `h2sticky lint` process is
// Node's own start-up and the CLI's imports.
import { performance } from 'node:perf_hooks';

const [, , file, version = '1.22.1'] = process.argv;
const start = performance.now();
const { parseConfigFile } = await import('../../dist/lint/parser.js');
const { lintParsed } = await import('../../dist/lint/linter.js');
const loaded = performance.now();
const parsed = parseConfigFile(file);
const parsedAt = performance.now();
const result = lintParsed(parsed, { target: { version, edition: 'oss' } });
const lintedAt = performance.now();

process.stdout.write(
  `${JSON.stringify({ importMs: loaded - start, parseMs: parsedAt - loaded, lintMs: lintedAt - parsedAt, findings: result.findings.length })}\n`,
);
