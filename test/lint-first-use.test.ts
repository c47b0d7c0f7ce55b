import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { toolVersion } from '../src/version.js';
import { runCli } from './lint-cli-helpers.js';

// Mistakes a new user made on a first run of lint and parse, each with the output that should explain it.

let directory: string;
let cleanFile: string;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'h2sticky-lint-first-use-'));
  cleanFile = join(directory, 'clean.conf');
  writeFileSync(cleanFile, 'events {}\nhttp {\n  server {\n    listen 8080;\n    location / { return 204; }\n  }\n}\n');
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

function writeConfig(name: string, text: string): string {
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
}

describe('lint version range', () => {
  it.each(['1.31.5', '1.31.99', '1.22.0'])('accepts %s as build does', async (version) => {
    const lint = await runCli(['lint', cleanFile, '--nginx-version', version], directory);
    expect(lint.err).toBe('');
    expect(lint.code).toBe(0);
  });

  it.each(['1.32.0', '1.21.9'])('rejects %s with the range', async (version) => {
    const { code, err } = await runCli(['lint', cleanFile, '--nginx-version', version], directory);
    expect(code).toBe(2);
    expect(err).toContain(`h2sticky: invalid --nginx-version "${version}": expected a version from 1.22.0 to 1.31.x`);
  });

  it('states the range in --help', async () => {
    const { out } = await runCli(['lint', '--help'], directory);
    expect(out.replace(/\s+/g, ' ')).toContain('supported: 1.22.0 to 1.31.x');
  });
});

describe('lint and parse help', () => {
  it('says what each lint format is for', async () => {
    const { out } = await runCli(['lint', '--help'], directory);
    const help = out.replace(/\s+/g, ' ');
    expect(help).toContain('stylish for reading in a terminal');
    expect(help).toContain('json for scripts');
    expect(help).toContain('sarif (SARIF 2.1.0) for upload to a code-scanning service');
    expect(help).toContain('Lowest severity that makes the exit code 1 (default warning)');
  });

  it('gives the parse indent unit and range', async () => {
    const { out } = await runCli(['parse', '--help'], directory);
    const help = out.replace(/\s+/g, ' ');
    expect(help).toContain('Spaces per nesting level when printing the configuration back, from 0 to 16 [default: 4]');
    expect(help).toContain('the formatted output always keeps them');
  });
});

describe('missing semicolon', () => {
  it('gives one finding at the "{"', async () => {
    const file = writeConfig('missing-semicolon.conf', 'events {}\nhttp {\n    server {\n        listen 80\n        location / {\n            return 200;\n        }\n    }\n}\n');
    const { code, out } = await runCli(['lint', file, '--format', 'json'], directory);
    expect(code).toBe(1);
    const findings = (JSON.parse(out) as { findings: { rule: string; message: string; line: number; column: number; hint: string }[] }).findings;
    expect(findings.map((finding) => [finding.rule, finding.message, finding.line, finding.column])).toEqual([
      ['directive-arguments', 'directive "listen" is not terminated by ";"', 5, 20],
    ]);
    expect(findings[0]?.hint).toContain('the words from line 4 up to this "{" were read as its arguments');
  });
});

describe('lint config file mistakes', () => {
  it('locates a misspelt key', async () => {
    writeConfig('typo-key.json', '{\n  "nginxVersion": "1.26.3",\n  "failon": "error"\n}\n');
    const { code, err } = await runCli(['lint', cleanFile, '--config', 'typo-key.json'], directory);
    expect(code).toBe(2);
    expect(err).toContain(`${join(directory, 'typo-key.json')}:3:3: error: unknown key "failon" [/failon]`);
    expect(err).toContain('fix: Did you mean "failOn"?');
  });

  it('reports a misspelt severity once', async () => {
    writeConfig('typo-value.json', '{\n  "rules": {\n    "long-fail-timeout": "warn"\n  }\n}\n');
    const { code, err } = await runCli(['lint', cleanFile, '--config', 'typo-value.json'], directory);
    expect(code).toBe(2);
    expect(err).not.toContain('anyOf');
    expect(err).not.toContain('must be array');
    expect(err).toContain(`${join(directory, 'typo-value.json')}:3:26: error: invalid value "warn" for "rules.long-fail-timeout"`);
    expect(err).toContain('fix: Did you mean "warning"?');
    expect(err.match(/: error: /g)).toHaveLength(1);
  });

  it('suggests the closest rule id', async () => {
    writeConfig('typo-rule.json', '{"rules": {"backup-with-hsh": "off"}}');
    const { err } = await runCli(['lint', cleanFile, '--config', 'typo-rule.json'], directory);
    expect(err).toContain(`${join(directory, 'typo-rule.json')}:1:12: error: unknown rule id "backup-with-hsh"`);
    expect(err).toContain('Did you mean "backup-with-hash"?');
    expect(err.match(/: error: /g)).toHaveLength(1);
  });

  it('suggests the closest rule option', async () => {
    writeConfig('typo-option.json', '{"rules": {"long-fail-timeout": ["warning", {"maxSecond": 600}]}}');
    const { err } = await runCli(['lint', cleanFile, '--config', 'typo-option.json'], directory);
    expect(err).toContain('unknown key "maxSecond" in "rules.long-fail-timeout[1]"');
    expect(err).toContain('Did you mean "maxSeconds"?');
    expect(err.match(/: error: /g)).toHaveLength(1);
  });
});

describe('lint input files', () => {
  it('rejects a missing file', async () => {
    const missing = join(directory, 'absent.conf');
    const { code, out, err } = await runCli(['lint', missing], directory);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain(`${missing}: error: open() "${missing}" failed (2: No such file or directory)`);
    expect(err).toContain('fix: Check the path.');
    expect(err).toContain(`h2sticky: cannot read ${missing}; nothing was linted`);
    expect(err).not.toContain(':0');
    expect(err).not.toContain('problem found');
  });

  it('rejects a directory', async () => {
    const { code, err } = await runCli(['lint', directory], directory);
    expect(code).toBe(2);
    expect(err).toContain(`${directory}: error: open() "${directory}" failed (21: Is a directory)`);
    expect(err).not.toContain(':0');
  });

  it('rejects a missing file in parse', async () => {
    const missing = join(directory, 'absent.conf');
    const { code, out, err } = await runCli(['parse', missing, '--json'], directory);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain(`h2sticky: cannot read ${missing}; nothing was parsed`);
    expect(err).not.toContain(':0');
  });
});

describe('lint suppression comments', () => {
  it('reports an unknown rule id', async () => {
    const file = writeConfig('suppress.conf', 'events {}\nhttp {\n  # h2sticky-disable-next-line unknwn-directive\n  foo bar;\n}\n');
    const { code, out } = await runCli(['lint', file, '--format', 'json'], directory);
    expect(code).toBe(1);
    const findings = (JSON.parse(out) as { findings: { rule: string; severity: string; line: number; column: number; message: string; hint: string }[] }).findings;
    expect(findings.map((finding) => [finding.rule, finding.severity, finding.line, finding.column])).toEqual([
      ['suppression-unknown-rule', 'warning', 3, 3],
      ['unknown-directive', 'error', 4, 3],
    ]);
    expect(findings[0]?.message).toBe('unknown rule "unknwn-directive" in a h2sticky-disable-next-line comment, so it suppresses nothing');
    expect(findings[0]?.hint).toContain('Did you mean "unknown-directive"?');
  });

  it('stays silent for known rule ids', async () => {
    const file = writeConfig('suppress-known.conf', 'events {}\nhttp {\n  # h2sticky-disable-next-line unknown-directive\n  foo bar;\n}\n');
    const { code, out } = await runCli(['lint', file], directory);
    expect(out).toBe('');
    expect(code).toBe(0);
  });
});

describe('lint SARIF driver', () => {
  it('names version and information URI', async () => {
    const { out } = await runCli(['lint', cleanFile, '--format', 'sarif'], directory);
    const driver = (JSON.parse(out) as { runs: { tool: { driver: { version?: string; informationUri?: string; rules: { id: string; helpUri?: string }[] } } }[] }).runs[0]?.tool.driver;
    expect(driver?.version).toBe(toolVersion);
    expect(driver?.informationUri).toMatch(/^file:\/\/\/.*\/docs\/lint\.md$/);
    // The URI names a file that ships in the package.
    expect(readFileSync(new URL(driver?.informationUri ?? ''), 'utf8')).toContain('# h2sticky lint and parse');
    expect(driver?.rules[0]?.helpUri).toMatch(new RegExp(`/docs/rules/${driver?.rules[0]?.id}\\.md$`));
  });
});

describe('directive-arguments fix line', () => {
  it.each([
    ['proxy_set_header Host;', '"proxy_set_header" takes 2 arguments here, and this one has 1.'],
    ['proxy_buffering maybe;', 'Write "proxy_buffering on;" or "proxy_buffering off;".'],
    ['upstream app;', '"upstream" takes a block'],
    ['keepalive_timeout 1 2 3;', '"keepalive_timeout" takes 1 to 2 arguments here, and this one has 3.'],
  ])('explains %s', async (line, hint) => {
    const file = writeConfig('arguments.conf', `events {}\nhttp {\n  ${line}\n}\n`);
    const { out } = await runCli(['lint', file, '--format', 'json'], directory);
    const findings = (JSON.parse(out) as { findings: { rule: string; hint: string | null }[] }).findings;
    const finding = findings.find((candidate) => candidate.rule === 'directive-arguments');
    expect(finding?.hint).toContain(hint);
  });
});
