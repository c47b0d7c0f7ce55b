import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';

import ajvDraft04 from 'ajv-draft-04';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { formatSarif } from '../src/lint/formatters/sarif.js';
import { allRules } from '../src/lint/rules/index.js';
import { runCli } from './lint-cli-helpers.js';

// ajv-draft-04 is CommonJS; its class is the `default` member of the module object.
const Ajv4 = ajvDraft04.default;
const require = createRequire(import.meta.url);
// The SARIF 2.1.0 JSON schema as published by the SARIF project, shipped in the @microsoft/jest-sarif package.
const sarifSchema = JSON.parse(readFileSync(join(require.resolve('@microsoft/jest-sarif/package.json'), '..', 'lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;

let directory: string;
let findingsFile: string;
let cleanFile: string;
let infoFile: string;
let brokenFile: string;
let strayBraceFile: string;
let missingIncludeFile: string;

interface SarifLog {
  runs: {
    originalUriBaseIds: Record<string, { uri: string }>;
    results: { ruleId: string; level: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region?: { startLine: number; startColumn?: number } } }[] }[];
  }[];
}

interface JsonDocument {
  findings: { rule: string; severity: string; message: string; file: string; line: number | null; column: number | null }[];
  summary: Record<string, number>;
}

function newSarifValidator() {
  return new Ajv4({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false }).compile(sarifSchema);
}

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'h2sticky-lint-output-'));
  findingsFile = join(directory, 'findings.conf');
  writeFileSync(findingsFile, 'http {\n  upstream u {\n    server 127.0.0.1:1;\n    server 127.0.0.1:2 backup;\n    hash $cookie_sid;\n  }\n  server {\n    proxy_set_header Host $http_host;\n  }\n}\n');
  cleanFile = join(directory, 'clean.conf');
  writeFileSync(cleanFile, 'events {}\nhttp {\n  server {\n    listen 8080;\n    location / { return 204; }\n  }\n}\n');
  infoFile = join(directory, 'info.conf');
  writeFileSync(infoFile, 'http {\n  upstream u {\n    ip_hash;\n    server 10.0.0.1;\n    server 10.0.0.2;\n  }\n}\n');
  brokenFile = join(directory, 'broken.conf');
  writeFileSync(brokenFile, 'http {\n  server {\n}\n');
  strayBraceFile = join(directory, 'stray-brace.conf');
  writeFileSync(strayBraceFile, 'events {}\n}\n');
  missingIncludeFile = join(directory, 'missing-include.conf');
  writeFileSync(missingIncludeFile, 'events {}\nhttp {\n    include absent.conf;\n}\n');
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe('lint output', () => {
  it('writes SARIF that validates against the SARIF 2.1.0 schema', async () => {
    const { code, out } = await runCli(['lint', findingsFile, '--format', 'sarif'], directory);
    expect(code).toBe(1);

    const ajv = new Ajv4({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false });
    const validate = ajv.compile(sarifSchema);
    const log = JSON.parse(out) as { runs: { results: { ruleId: string; level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[]; tool: { driver: { rules: unknown[] } } }[] };
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    // The schema is strict enough to catch a wrong level name.
    const broken = structuredClone(log);
    if (broken.runs[0]?.results[0]) broken.runs[0].results[0].level = 'info';
    expect(validate(broken)).toBe(false);

    const run = log.runs[0];
    expect(run?.tool.driver.rules).toHaveLength(allRules.length);
    expect(run?.results.map((result) => [result.ruleId, result.level, result.locations[0]?.physicalLocation.region.startLine])).toEqual([
      ['backup-with-hash', 'error', 4],
      ['host-from-http-host', 'warning', 8],
    ]);
    expect(run?.results[0]?.locations[0]?.physicalLocation.artifactLocation.uri).toBe('findings.conf');
  });

  it('writes valid SARIF with the parse errors', async () => {
    const validate = newSarifValidator();
    for (const [file, ruleId, line, column] of [
      [strayBraceFile, 'unexpected-brace', 2, 1],
      [missingIncludeFile, 'include-not-found', 3, 5],
    ] as const) {
      const { code, out, err } = await runCli(['lint', file, '--format', 'sarif'], directory);
      expect(code, file).toBe(2);
      expect(err, file).toContain(`${ruleId === 'unexpected-brace' ? 'unexpected "}"' : 'open()'}`);
      const log = JSON.parse(out) as SarifLog;
      expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
      const results = log.runs[0]?.results ?? [];
      expect(results.map((result) => [result.ruleId, result.level])).toEqual([[ruleId, 'error']]);
      expect(results[0]?.locations[0]?.physicalLocation.region).toEqual({ startLine: line, startColumn: column });
      expect(results[0]?.locations[0]?.physicalLocation.artifactLocation).toEqual({ uri: basename(file), uriBaseId: '%SRCROOT%' });
    }
  });

  it('writes JSON with the parse errors', async () => {
    const { code, out, err } = await runCli(['lint', strayBraceFile, '--format', 'json'], directory);
    expect(code).toBe(2);
    expect(err).toContain(`unexpected "}" in ${strayBraceFile}:2`);
    const document = JSON.parse(out) as JsonDocument;
    expect(document.findings).toEqual([
      { rule: 'unexpected-brace', severity: 'error', message: `unexpected "}" in ${strayBraceFile}:2`, hint: null, file: strayBraceFile, line: 2, column: 1, count: 1 },
    ]);
    expect(document.summary).toEqual({ error: 1, warning: 0, info: 0, suppressed: 0 });
  });

  it('writes JSON for a missing main file', async () => {
    const absent = join(directory, 'absent.conf');
    const { code, out } = await runCli(['lint', absent, '--format', 'json'], directory);
    expect(code).toBe(2);
    const document = JSON.parse(out) as JsonDocument;
    expect(document.findings.map((finding) => [finding.rule, finding.file, finding.line])).toEqual([['file-not-found', absent, null]]);
  });

  it('gives SARIF URIs relative to %SRCROOT% inside it', async () => {
    const nested = join(directory, 'sub dir');
    mkdirSync(nested, { recursive: true });
    const { out } = await runCli(['lint', join('..', 'findings.conf'), '--format', 'sarif'], nested);
    const log = JSON.parse(out) as SarifLog;
    expect(newSarifValidator()(log)).toBe(true);
    expect(log.runs[0]?.originalUriBaseIds['%SRCROOT%']?.uri).toBe(`${pathToFileURL(nested).href}/`);
    // findings.conf is outside the working directory, so its URI is absolute.
    expect(log.runs[0]?.results[0]?.locations[0]?.physicalLocation.artifactLocation).toEqual({ uri: pathToFileURL(findingsFile).href });

    writeFileSync(join(nested, 'inner.conf'), readFileSync(findingsFile, 'utf8'));
    const fromParent = JSON.parse((await runCli(['lint', join('sub dir', 'inner.conf'), '--format', 'sarif'], directory)).out) as SarifLog;
    expect(fromParent.runs[0]?.results[0]?.locations[0]?.physicalLocation.artifactLocation).toEqual({ uri: 'sub%20dir/inner.conf', uriBaseId: '%SRCROOT%' });
  });

  it('counts suppressed findings, not unknown rule ids', async () => {
    const file = join(directory, 'misspelt-suppression.conf');
    writeFileSync(
      file,
      'events {}\nhttp {\n  upstream u {\n    hash $cookie_sid;\n    server 10.0.0.1;\n    # h2sticky-disable-next-line backup-wth-hash\n    server 10.0.0.2 backup;\n    # h2sticky-disable-next-line backup-with-hash, down-plceholder\n    server 10.0.0.3 backup;\n  }\n}\n',
    );
    const { out } = await runCli(['lint', file, '--format', 'json'], directory);
    const document = JSON.parse(out) as JsonDocument;
    expect(document.findings.map((finding) => [finding.rule, finding.line])).toEqual([
      ['suppression-unknown-rule', 6],
      ['backup-with-hash', 7],
      ['suppression-unknown-rule', 8],
    ]);
    expect(document.summary.suppressed).toBe(1);
  });

  it('leaves the region out for a finding without a line', () => {
    const finding = { code: 'nginx-t', severity: 'error' as const, message: 'nginx: [emerg] unknown "x" variable', file: join(directory, 'findings.conf') };
    const log = JSON.parse(formatSarif([finding], allRules, { version: '1.22.1', edition: 'oss' }, directory)) as { runs: { results: { ruleIndex?: number; locations: { physicalLocation: Record<string, unknown> }[] }[] }[] };
    const ajv = new Ajv4({ strict: false, validateFormats: false, unicodeRegExp: false });
    expect(ajv.validate(sarifSchema, log), JSON.stringify(ajv.errors)).toBe(true);
    const result = log.runs[0]?.results[0];
    expect(result?.ruleIndex).toBeUndefined();
    expect(result?.locations[0]?.physicalLocation.region).toBeUndefined();
  });

  it('marks info findings as SARIF notes', async () => {
    const { out } = await runCli(['lint', infoFile, '--format', 'sarif'], directory);
    const log = JSON.parse(out) as { runs: { results: { level: string }[] }[] };
    expect(log.runs[0]?.results.map((result) => result.level)).toEqual(['note']);
  });

  it('writes JSON findings with counts', async () => {
    const { code, out } = await runCli(['lint', findingsFile, '--format', 'json', '--nginx-version', '1.26.3'], directory);
    expect(code).toBe(1);
    const document = JSON.parse(out) as { target: unknown; findings: { rule: string; line: number; column: number }[]; summary: Record<string, number> };
    expect(document.target).toEqual({ version: '1.26.3', edition: 'oss' });
    expect(document.findings.map((finding) => [finding.rule, finding.line, finding.column])).toEqual([
      ['backup-with-hash', 4, 5],
      ['host-from-http-host', 8, 5],
    ]);
    expect(document.summary).toEqual({ error: 1, warning: 1, info: 0, suppressed: 0 });
  });

  it('writes stylish text grouped by file', async () => {
    const { out } = await runCli(['lint', findingsFile], directory);
    expect(out).toContain(`${findingsFile}\n  4:5      error    backup cannot be used`);
    expect(out).toContain('backup-with-hash');
    expect(out).toContain('2 problems (1 error, 1 warning, 0 info)');
  });
});

describe('lint exit codes', () => {
  it('exits 0 on a clean file', async () => {
    const { code, out } = await runCli(['lint', cleanFile], directory);
    expect(code).toBe(0);
    expect(out).toBe('');
  });

  it('exits 1 on findings at the threshold', async () => {
    expect((await runCli(['lint', findingsFile, '--fail-on', 'error'], directory)).code).toBe(1);
  });

  it('exits 0 on findings below the threshold', async () => {
    expect((await runCli(['lint', infoFile], directory)).code).toBe(0);
    expect((await runCli(['lint', infoFile, '--fail-on', 'info'], directory)).code).toBe(1);
  });

  it('exits 2 on a parse error in nginx wording', async () => {
    const { code, err } = await runCli(['lint', brokenFile], directory);
    expect(code).toBe(2);
    expect(err).toContain(`unexpected end of file, expecting "}" in ${brokenFile}:4`);
  });

  it('exits 2 on a missing file', async () => {
    const { code, err } = await runCli(['lint', join(directory, 'absent.conf')], directory);
    expect(code).toBe(2);
    expect(err).toContain('No such file or directory');
  });

  it('exits 2 on an unsupported version', async () => {
    const { code, err } = await runCli(['lint', cleanFile, '--nginx-version', '1.18.0'], directory);
    expect(code).toBe(2);
    expect(err).toContain('expected a version from 1.22.0 to 1.31.x');
  });

  it('exits 2 on an unknown format', async () => {
    expect((await runCli(['lint', cleanFile, '--format', 'xml'], directory)).code).toBe(2);
  });

  it('lists every rule', async () => {
    const { code, out } = await runCli(['lint', '--list-rules'], directory);
    expect(code).toBe(0);
    expect(out.trim().split('\n')).toHaveLength(allRules.length);
  });
});
