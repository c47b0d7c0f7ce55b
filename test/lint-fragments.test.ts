import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import ajvDraft04 from 'ajv-draft-04';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runCli, type JsonFinding } from './lint-cli-helpers.js';

// ajv-draft-04 is CommonJS; its class is the `default` member of the module object.
const Ajv4 = ajvDraft04.default;
const require = createRequire(import.meta.url);
const sarifSchema = JSON.parse(readFileSync(join(require.resolve('@microsoft/jest-sarif/package.json'), '..', 'lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;

let directory: string;

/** Writes `text` to `name` in the test directory and returns its path. */
function write(name: string, text: string): string {
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
}

async function lintJson(args: readonly string[]): Promise<{ code: number; findings: JsonFinding[]; err: string }> {
  const { code, out, err } = await runCli(['lint', ...args, '--format', 'json'], directory);
  return { code, findings: (JSON.parse(out) as { findings: JsonFinding[] }).findings, err };
}

const serverFragment = 'server {\n    listen 80 http2;\n    ssl on;\n}\n';

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'h2sticky-lint-fragments-'));
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe('lint of a conf.d fragment', () => {
  it('lints server blocks as http', async () => {
    const file = write('app.conf', serverFragment);
    const { code, findings, err } = await lintJson([file, '--nginx-version', '1.22.1']);

    expect(code).toBe(1);
    expect(findings.map((finding) => finding.rule)).toEqual(['plain-http2-listener', 'ssl-on-removed']);
    expect(findings[0]).toMatchObject({ severity: 'error', line: 2, column: 5 });
    expect(findings[1]).toMatchObject({ severity: 'warning', line: 3, column: 5 });
    expect(err).toContain(`note: ${file} has top-level directives that nginx rejects in a main file but accepts inside http {}`);
    expect(err).toContain('--context');
  });

  it('finds what the included file finds', async () => {
    write('included.conf', serverFragment);
    const main = write('main.conf', 'events {}\nhttp {\n    include included.conf;\n}\n');
    const fragment = join(directory, 'included.conf');

    const viaMain = await lintJson([main, '--nginx-version', '1.22.1']);
    const alone = await lintJson([fragment, '--nginx-version', '1.22.1']);

    expect(alone.findings).toEqual(viaMain.findings);
    expect(viaMain.err).not.toContain('note:');
  });

  it('reports ssl on as removed for 1.26', async () => {
    const file = write('removed.conf', serverFragment);
    const { findings } = await lintJson([file, '--nginx-version', '1.26.3']);

    const removed = findings.find((finding) => finding.rule === 'ssl-on-removed');

    expect(findings.map((finding) => finding.rule)).toEqual(['listen-http2-deprecated', 'ssl-on-removed']);
    expect(removed?.severity).toBe('error');
  });

  it('keeps the error with --context main', async () => {
    const file = write('forced-main.conf', serverFragment);
    const { findings, err } = await lintJson([file, '--nginx-version', '1.22.1', '--context', 'main']);

    expect(findings.map((finding) => finding.rule)).toEqual(['directive-not-allowed-here']);
    expect(findings[0]?.message).toBe('"server" directive is not allowed here');
    expect(err).not.toContain('note:');
  });

  it('lints stream server blocks as stream', async () => {
    const file = write('stream.conf', 'upstream database {\n    server 127.0.0.1:5432;\n}\nserver {\n    listen 15432;\n    proxy_pass database;\n}\n');
    const { code, findings, err } = await lintJson([file]);

    expect(findings).toEqual([]);
    expect(code).toBe(0);
    expect(err).toContain('accepts inside stream {}');
  });

  it('lints server directives with --context server', async () => {
    const file = write('tls.conf', 'listen 80 http2;\nssl on;\n');
    const { findings } = await lintJson([file, '--nginx-version', '1.22.1', '--context', 'server']);

    expect(findings.map((finding) => finding.rule)).toEqual(['plain-http2-listener', 'ssl-on-removed']);
  });

  it('sees sibling listens with --context server', async () => {
    const file = write('two-listens.conf', 'listen 443 ssl http2;\nlisten 8080 http2;\n');
    const { findings } = await lintJson([file, '--nginx-version', '1.22.1', '--context', 'server']);

    expect(findings.map((finding) => finding.rule)).toEqual(['plain-http2-listener']);
    expect(findings[0]?.severity).toBe('info');
  });

  it('lints location directives with --context location', async () => {
    const file = write('location.conf', 'proxy_pass http://backend;\nlisten 80;\n');
    const { findings } = await lintJson([file, '--context', 'location']);

    expect(findings.map((finding) => finding.rule)).toEqual(['directive-not-allowed-here']);
    expect(findings[0]?.line).toBe(2);
  });

  it('rejects --nginx on a fragment', async () => {
    const file = write('checked.conf', serverFragment);
    const { code, err } = await runCli(['lint', file, '--nginx', 'local'], directory);

    expect(code).toBe(2);
    expect(err).toContain(`--nginx needs a main nginx.conf, because "nginx -t" reads only main files, but ${file} is a fragment`);
  });

  it('rejects --nginx with --context http', async () => {
    const file = write('checked-http.conf', serverFragment);
    const { code, err } = await runCli(['lint', file, '--context', 'http', '--nginx', 'local'], directory);

    expect(code).toBe(2);
    expect(err).toContain('but --context http lints the files as fragments');
  });

  it('describes fragments in --help', async () => {
    const { out } = await runCli(['lint', '--help'], directory);

    expect(out).not.toContain('Main nginx configuration files');
    expect(out).toContain('--context');
    expect(out).toContain('conf.d');
  });
});

describe('lint of a file included twice', () => {
  function writeTwoIncludes(snippet: string): string {
    write('snippet.conf', snippet);
    return write(
      'two-includes.conf',
      'events {}\nhttp {\n    server {\n        listen 443 ssl;\n        include snippet.conf;\n    }\n    server {\n        listen 444 ssl;\n        include snippet.conf;\n    }\n}\n',
    );
  }

  it('reports a shared finding once', async () => {
    const main = writeTwoIncludes('ssl on;\n');
    const { findings } = await lintJson([main, '--nginx-version', '1.22.1']);

    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'ssl-on-removed', file: join(directory, 'snippet.conf'), line: 1, count: 2 });
  });

  it('says so in stylish', async () => {
    const main = writeTwoIncludes('ssl on;\n');
    const { out } = await runCli(['lint', main, '--nginx-version', '1.22.1'], directory);

    expect(out.match(/ssl-on-removed/g)).toHaveLength(1);
    expect(out).toContain('applies to 2 includes of this file');
    expect(out).toContain('1 problem (0 errors, 1 warning, 0 info)');
  });

  it('writes one SARIF result', async () => {
    const main = writeTwoIncludes('ssl on;\n');
    const { out } = await runCli(['lint', main, '--nginx-version', '1.22.1', '--format', 'sarif'], directory);
    const log = JSON.parse(out) as { runs: { results: { ruleId: string; occurrenceCount?: number }[] }[] };
    const validate = new Ajv4({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false }).compile(sarifSchema);

    expect(validate(log)).toBe(true);
    expect(log.runs[0]?.results).toHaveLength(1);
    expect(log.runs[0]?.results[0]).toMatchObject({ ruleId: 'ssl-on-removed', occurrenceCount: 2 });
  });

  it('keeps a finding once without count', async () => {
    write('once.conf', 'ssl on;\n');
    const main = write('one-include.conf', 'events {}\nhttp {\n    server {\n        listen 443 ssl;\n        include once.conf;\n    }\n}\n');
    const { findings } = await lintJson([main, '--nginx-version', '1.22.1']);

    expect(findings).toHaveLength(1);
    expect(findings[0]?.count).toBe(1);
  });

  it('keeps different messages apart', async () => {
    // The same listen line is h2c-only in one server and beside a TLS listener in the other, so the messages differ.
    write('h2c.conf', 'listen 8080 http2;\n');
    const main = write(
      'two-servers.conf',
      'events {}\nhttp {\n    server {\n        include h2c.conf;\n    }\n    server {\n        listen 443 ssl;\n        include h2c.conf;\n    }\n}\n',
    );
    const { findings } = await lintJson([main, '--nginx-version', '1.22.1']);
    const h2c = findings.filter((finding) => finding.rule === 'plain-http2-listener');

    expect(h2c).toHaveLength(2);
    expect(h2c.map((finding) => finding.severity).sort()).toEqual(['error', 'info']);
    expect(h2c.map((finding) => finding.count)).toEqual([1, 1]);
  });
});

describe('plain-http2-listener severity', () => {
  it('describes the info case in --list-rules', async () => {
    const { out } = await runCli(['lint', '--list-rules'], directory);
    const line = out.split('\n').find((text) => text.startsWith('plain-http2-listener'));

    expect(line).toContain('error');
    expect(line).toContain('Info, not error, when the same server also has a TLS or plain HTTP/1.x listen');
  });

  it('documents the info case', () => {
    const page = readFileSync(new URL('../docs/rules/plain-http2-listener.md', import.meta.url), 'utf8');

    expect(page).toContain('## When it is info');
    expect(page).toContain('listen 443 ssl http2;');
  });
});
