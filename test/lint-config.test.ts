import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { lintText } from '../src/lint/linter.js';
import { parseTarget } from '../src/lint/target.js';
import { runCli } from './lint-cli-helpers.js';

let directory: string;
let configFile: string;

const twoFindings = 'http {\n  upstream u {\n    server 127.0.0.1:1;\n    server 127.0.0.1:2 backup;\n    hash $cookie_sid;\n  }\n  server {\n    proxy_set_header Host $http_host;\n  }\n}\n';

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'h2sticky-lint-config-'));
  configFile = join(directory, 'nginx.conf');
  writeFileSync(configFile, twoFindings);
});

afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

async function lintJson(args: string[] = []): Promise<{ code: number; rules: string[]; severities: string[]; err: string; target?: unknown }> {
  const { code, out, err } = await runCli(['lint', configFile, '--format', 'json', ...args], directory);
  if (out === '') return { code, rules: [], severities: [], err };
  const document = JSON.parse(out) as { target: unknown; findings: { rule: string; severity: string }[] };
  return { code, rules: document.findings.map((finding) => finding.rule), severities: document.findings.map((finding) => finding.severity), err, target: document.target };
}

describe('lint config file', () => {
  it('is read from the working directory', async () => {
    writeFileSync(join(directory, '.h2sticky-lint.json'), JSON.stringify({ nginxVersion: '1.26.3', rules: { 'host-from-http-host': 'off' } }));
    const result = await lintJson();
    expect(result.rules).toEqual(['backup-with-hash']);
    expect(result.target).toEqual({ version: '1.26.3', edition: 'oss' });
  });

  it('changes severities and the threshold', async () => {
    const settings = join(directory, 'custom.json');
    writeFileSync(settings, JSON.stringify({ failOn: 'error', rules: { 'backup-with-hash': 'warning' } }));
    const result = await lintJson(['--config', settings]);
    expect(result.severities).toEqual(['warning', 'warning']);
    expect(result.code).toBe(0);
  });

  it('yields to command-line options', async () => {
    writeFileSync(join(directory, '.h2sticky-lint.json'), JSON.stringify({ nginxVersion: '1.26.3' }));
    const result = await lintJson(['--nginx-version', '1.22.1']);
    expect(result.target).toEqual({ version: '1.22.1', edition: 'oss' });
  });

  it('rejects an unknown rule id with its pointer', async () => {
    writeFileSync(join(directory, '.h2sticky-lint.json'), JSON.stringify({ rules: { 'no-such-rule': 'off' } }));
    const result = await lintJson();
    expect(result.code).toBe(2);
    expect(result.err).toContain('unknown rule id "no-such-rule" [/rules/no-such-rule]');
    expect(result.err).toContain('.h2sticky-lint.json');
  });

  it('rejects invalid JSON', async () => {
    writeFileSync(join(directory, '.h2sticky-lint.json'), '{ "rules": ');
    const result = await lintJson();
    expect(result.code).toBe(2);
    expect(result.err).toContain('not valid JSON');
  });

  it('passes options to a rule', async () => {
    writeFileSync(configFile, 'http {\n  upstream u {\n    server 10.0.0.1 fail_timeout=1h;\n    server 10.0.0.2;\n  }\n}\n');
    expect((await lintJson()).rules).toEqual(['long-fail-timeout']);

    writeFileSync(join(directory, '.h2sticky-lint.json'), JSON.stringify({ rules: { 'long-fail-timeout': ['warning', { maxSeconds: 7200 }] } }));
    expect((await lintJson()).rules).toEqual([]);
  });

  it('rejects unknown rule options', async () => {
    writeFileSync(join(directory, '.h2sticky-lint.json'), JSON.stringify({ rules: { 'long-fail-timeout': ['warning', { maxMinutes: 10 }] } }));
    const result = await lintJson();
    expect(result.code).toBe(2);
    expect(result.err).toContain('/rules/long-fail-timeout');
  });

  it('rejects options for a rule without them', async () => {
    writeFileSync(join(directory, '.h2sticky-lint.json'), JSON.stringify({ rules: { 'backup-with-hash': ['warning', {}] } }));
    expect((await lintJson()).code).toBe(2);
  });

  it('rejects an invalid severity', async () => {
    writeFileSync(join(directory, '.h2sticky-lint.json'), JSON.stringify({ rules: { 'backup-with-hash': 'fatal' } }));
    const result = await lintJson();
    expect(result.code).toBe(2);
    expect(result.err).toContain('invalid value "fatal" for "rules.backup-with-hash" [/rules/backup-with-hash]');
  });
});

describe('inline suppressions', () => {
  const target = parseTarget('1.30.6', 'oss');
  const rulesOf = (text: string) => lintText(text, { target }, '/virtual/nginx.conf');

  it('suppress the next line for the named rule', () => {
    const text = twoFindings.replace('    server 127.0.0.1:2 backup;', '    # h2sticky-disable-next-line backup-with-hash -- migrating\n    server 127.0.0.1:2 backup;');
    const result = rulesOf(text);
    expect(result.findings.map((finding) => finding.code)).toEqual(['host-from-http-host']);
    expect(result.suppressed).toBe(1);
  });

  it('leave other rules on a suppressed line', () => {
    const text = twoFindings.replace('    server 127.0.0.1:2 backup;', '    # h2sticky-disable-next-line down-placeholder\n    server 127.0.0.1:2 backup;');
    expect(rulesOf(text).findings.map((finding) => finding.code)).toEqual(['backup-with-hash', 'host-from-http-host']);
  });

  it('suppress a line from a trailing comment', () => {
    const text = twoFindings.replace('proxy_set_header Host $http_host;', 'proxy_set_header Host $http_host; # h2sticky-disable-line host-from-http-host');
    expect(rulesOf(text).findings.map((finding) => finding.code)).toEqual(['backup-with-hash']);
  });

  it('suppress a region until enabled again', () => {
    const text = `# h2sticky-disable\n${twoFindings.replace('  server {', '  # h2sticky-enable\n  server {')}`;
    expect(rulesOf(text).findings.map((finding) => finding.code)).toEqual(['host-from-http-host']);
  });
});
